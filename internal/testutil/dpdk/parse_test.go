package dpdk

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// The testdata logs are real: dpdk-testpmd 22.11.11 (Debian) with
// net_af_packet on a veth, txonly on one end and rxonly on the other.

func TestParseRealRxOnlyLog(t *testing.T) {
	r, err := Parse(readTestdata(t, "afpacket-rxonly.log"))
	require.NoError(t, err)
	require.True(t, r.HasAccumulated)
	require.Equal(t, FwdStats{Port: -1, RxPackets: 1609560, RxTotal: 1609560}, r.Accumulated)
	require.Equal(t, []FwdStats{{Port: 0, RxPackets: 1609560, RxTotal: 1609560}}, r.Ports)
	p, ok := r.Port(0)
	require.True(t, ok)
	require.Equal(t, uint64(1609560), p.RxPackets)
	_, ok = r.Port(1)
	require.False(t, ok)
	require.True(t, r.Bye)
	require.Len(t, r.Shows, 5)
	require.Equal(t, []uint64{252006, 416263, 136325, 0}, r.RxPPS())
	require.Equal(t, []uint64{0, 0, 0, 0}, r.TxPPS())
	require.Equal(t, NICStats{Port: 0, RxPackets: 504140, RxBytes: 32264960, RxPPS: 252006, RxBPS: 129027552}, r.Shows[1][0])
	last, ok := r.LastNIC(0)
	require.True(t, ok)
	require.Equal(t, uint64(1609560), last.RxPackets)
}

func TestParseRealTxOnlyLog(t *testing.T) {
	r, err := Parse(readTestdata(t, "afpacket-txonly.log"))
	require.NoError(t, err)
	require.Equal(t, FwdStats{Port: -1, TxPackets: 1681536, TxTotal: 1681536}, r.Accumulated)
	require.Equal(t, []uint64{452985, 462971}, r.TxPPS())
	require.True(t, r.Bye)
}

// TestParseSynthetic covers what the real logs lack: several ports, drops, the
// RX-nombufs lines, a 14-digit count running into "RX-total:", per-stream lines
// and the signal line (dpk's testpmd prints it).
func TestParseSynthetic(t *testing.T) {
	log := `
Signal 15 received, preparing to exit...
Telling cores to stop...
Waiting for lcores to finish...

  ------- Forward Stats for RX Port= 0/Queue= 1 -> TX Port= 1/Queue= 1 -------
  RX-packets: 10             TX-packets: 8              TX-dropped: 2             

  ---------------------- Forward statistics for port 0  ----------------------
  RX-packets: 5              RX-dropped: 12345678901234RX-total: 12345678901239
  RX-error: 1
  RX-nombufs: 4             
  TX-packets: 7              TX-dropped: 2             TX-total: 9
  ----------------------------------------------------------------------------

  ---------------------- Forward statistics for port 1  ----------------------
  RX-packets: 100            RX-dropped: 1             RX-total: 101
  TX-packets: 200            TX-dropped: 0             TX-total: 200
  ----------------------------------------------------------------------------

  +++++++++++++++ Accumulated forward statistics for all ports+++++++++++++++
  RX-packets: 105            RX-dropped: 12345678901235RX-total: 12345678901340
  TX-packets: 207            TX-dropped: 2             TX-total: 209
  RX-nombufs: 4             
  ++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++

Done.
`
	r, err := Parse(log)
	require.NoError(t, err)
	require.Equal(t, 15, r.Signal)
	require.False(t, r.Bye)
	require.Equal(t, []FwdStats{
		{Port: 0, RxPackets: 5, RxDropped: 12345678901234, RxTotal: 12345678901239, TxPackets: 7, TxDropped: 2, TxTotal: 9, RxNombufs: 4},
		{Port: 1, RxPackets: 100, RxDropped: 1, RxTotal: 101, TxPackets: 200, TxTotal: 200},
	}, r.Ports)
	require.Equal(t, FwdStats{Port: -1, RxPackets: 105, RxDropped: 12345678901235, RxTotal: 12345678901340,
		TxPackets: 207, TxDropped: 2, TxTotal: 209, RxNombufs: 4}, r.Accumulated)

	// Without the accumulated block the per-port blocks are summed.
	cut := log[:strings.Index(log, "  +++")]
	r, err = Parse(cut)
	require.NoError(t, err)
	require.False(t, r.HasAccumulated)
	require.Equal(t, uint64(105), r.Accumulated.RxPackets)
	require.Equal(t, uint64(207), r.Accumulated.TxPackets)
}

func TestParseNoStats(t *testing.T) {
	log := readTestdata(t, "afpacket-rxonly.log")
	r, err := Parse(log[:strings.Index(log, "Telling cores")])
	require.ErrorIs(t, err, ErrNoStats)
	require.Len(t, r.Shows, 5, "the periodic shows are still there")
	_, err = Parse("")
	require.ErrorIs(t, err, ErrNoStats)
}

func TestArgs(t *testing.T) {
	got := Args(Config{Iface: "veth1", Fwd: "txonly", MainCPU: 0, FwdCPU: 1, EthPeer: "02:00:00:00:00:05"}, "dpk-x", true)
	require.Equal(t, strings.Fields("--in-memory --file-prefix dpk-x -m 256 --huge-dir /dev/hugepages --no-pci --no-telemetry"+
		" --lcores 0@0,1@1 --main-lcore 0 --vdev net_af_packet0,iface=veth1"+
		" -- --forward-mode=txonly --stats-period 1 --total-num-mbufs=16384 --txpkts=64 --nb-cores=1"+
		" --eth-peer=0,02:00:00:00:00:05"), got)

	got = Args(Config{Iface: "v0", Devargs: "qpairs=1", MainCPU: 1, FwdCPU: 0, PktSize: 128, MemMB: 128, Mbufs: 8192,
		Extra: []string{"--burst=64"}}, "p", false)
	require.Equal(t, strings.Fields("--in-memory --file-prefix p -m 128 --no-huge --no-pci --no-telemetry"+
		" --lcores 0@1,1@0 --main-lcore 0 --vdev net_af_packet0,iface=v0,qpairs=1"+
		" -- --forward-mode=io --stats-period 1 --total-num-mbufs=8192 --txpkts=128 --nb-cores=1 --burst=64"), got)

	got = Args(Config{Vdevs: []string{"net_null0", "net_null1"}, FwdCPU: 1}, "p", false)
	require.Contains(t, strings.Join(got, " "), "--vdev net_null0 --vdev net_null1 --")
}

func TestParseIPLinkJSON(t *testing.T) {
	s, err := parseIPLinkJSON([]byte(readTestdata(t, "ip-link.json")))
	require.NoError(t, err)
	require.Equal(t, IfStats{RxPackets: 7, RxDropped: 3, TxPackets: 2601312, TxDropped: 11}, s)
	require.Equal(t, IfStats{RxPackets: 2, TxDropped: 1}, s.Sub(IfStats{RxPackets: 5, RxDropped: 3, TxPackets: 2601312, TxDropped: 10}))
	_, err = parseIPLinkJSON([]byte("[]"))
	require.Error(t, err)
	_, err = parseIPLinkJSON([]byte("nope"))
	require.Error(t, err)
}
