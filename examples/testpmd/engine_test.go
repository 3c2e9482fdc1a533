package main

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/ring"
	"github.com/dpk-go/dpk/mempool"
)

var testSeq atomic.Int32

// newTestPool is a small mbuf pool that must be full again when the test ends.
func newTestPool(t *testing.T) *mempool.Pool {
	t.Helper()
	p, err := mempool.NewPktPool(fmt.Sprintf("tp%d", testSeq.Add(1)), mempool.PktPoolConfig{N: 2047, CacheSize: 64})
	require.NoError(t, err)
	t.Cleanup(func() {
		if n := p.InUse(); n != 0 {
			t.Errorf("mbuf leak: %d mbufs not returned to the pool", n)
			return
		}
		require.NoError(t, p.Close())
	})
	return p
}

// ringPair returns two started net_ring ports wired back to back with rings of
// size slots: what a sends, b receives, and the other way.
func ringPair(t *testing.T, pool *mempool.Pool, size int) (a, b *ethdev.Port) {
	t.Helper()
	n := testSeq.Add(1)
	a, b, err := ring.Pair(fmt.Sprintf("net_ring_ta%d", n), fmt.Sprintf("net_ring_tb%d", n), 1, size)
	require.NoError(t, err)
	for _, p := range []*ethdev.Port{a, b} {
		require.NoError(t, p.Configure(1, 1, nil))
		require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
		require.NoError(t, p.TxQueueSetup(0, 0, 0, nil))
		require.NoError(t, p.Start())
		t.Cleanup(func() {
			if err := p.Stop(); err != nil && !errors.Is(err, ethdev.ErrClosed) { // a testpmd run may have closed it
				t.Error(err)
			}
			require.NoError(t, p.Close()) // frees what is left in its RX rings
		})
	}
	return a, b
}

// loopStream is the stream a testpmd with --port-topology=loop runs on port a:
// RX(a, 0) -> TX(a, 0); what it sends arrives on b.
func loopStream(a *ethdev.Port, peer ethdev.MAC) *stream {
	return &stream{
		rxq: a.RxQueue(0), txq: a.TxQueue(0), rxPort: int(a.ID()), txPort: int(a.ID()),
		peer: peer, txMAC: a.MACAddr(),
	}
}

func newTestLcore(t *testing.T, o *options, pool *mempool.Pool, fs *stream) *fwdLcore {
	t.Helper()
	var stop atomic.Bool
	lc := newFwdLcore(1, 0, []*stream{fs}, o, pool, &stop)
	lc.init()
	t.Cleanup(lc.close)
	return lc
}

// testFrame is a 64-byte frame whose bytes 14.. carry seq.
func testFrame(seq int) []byte {
	f := make([]byte, 64)
	copy(f[0:6], []byte{0x02, 0xdd, 0, 0, 0, 0x01})
	copy(f[6:12], []byte{0x02, 0x55, 0, 0, 0, 0x02})
	binary.BigEndian.PutUint16(f[12:14], 0x88b5)
	binary.BigEndian.PutUint32(f[14:18], uint32(seq))
	return f
}

// inject sends frames from b (so that they arrive on b's peer) and fails unless
// all were accepted.
func inject(t testing.TB, b *ethdev.Port, pool *mempool.Pool, frames [][]byte) {
	var pkts [64]*mempool.Mbuf
	for len(frames) > 0 {
		n := min(len(frames), len(pkts))
		if err := pool.AllocBulk(nil, pkts[:n]); err != nil {
			t.Fatalf("alloc: %v", err)
		}
		for i, f := range frames[:n] {
			copy(pkts[i].Append(len(f)), f)
		}
		if k := b.TxQueue(0).TxBurst(pkts[:n]); k != n {
			mempool.FreeBulk(pkts[k:n])
			t.Fatalf("inject: %d of %d accepted", k, n)
		}
		frames = frames[n:]
	}
}

// drain receives everything waiting on p and returns copies of the frames
// (segments joined) after freeing the mbufs.
func drain(t testing.TB, p *ethdev.Port) [][]byte {
	var out [][]byte
	var pkts [64]*mempool.Mbuf
	for {
		n := p.RxQueue(0).RxBurst(pkts[:])
		if n == 0 {
			return out
		}
		for _, m := range pkts[:n] {
			var f []byte
			for s := m; s != nil; s = s.Next() {
				f = append(f, s.Data()...)
			}
			if len(f) != m.PktLen() {
				t.Errorf("frame of %d bytes has PktLen %d", len(f), m.PktLen())
			}
			out = append(out, f)
		}
		mempool.FreeBulk(pkts[:n])
	}
}

func frames(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = testFrame(i)
	}
	return out
}

func TestEngineIO(t *testing.T) {
	pool := newTestPool(t)
	a, b := ringPair(t, pool, 1024)
	o := defaultOptions()
	fs := loopStream(a, ethdev.MAC{2, 0, 0, 0, 0, 9})
	lc := newTestLcore(t, &o, pool, fs)

	in := frames(40)
	inject(t, b, pool, in)
	require.Equal(t, 32, ioFwd(lc, fs), "one burst of --burst packets")
	require.Equal(t, 8, ioFwd(lc, fs))
	require.Equal(t, 0, ioFwd(lc, fs))
	require.Equal(t, in, drain(t, b), "io forwards unmodified, in order")
	require.Equal(t, uint64(40), fs.rxPackets)
	require.Equal(t, uint64(40), fs.txPackets)
	require.Equal(t, uint64(0), fs.dropped)
}

func TestEngineMac(t *testing.T) {
	pool := newTestPool(t)
	a, b := ringPair(t, pool, 1024)
	o := defaultOptions()
	peer := ethdev.MAC{0x02, 0, 0, 0, 0, 0x07}
	fs := loopStream(a, peer)
	lc := newTestLcore(t, &o, pool, fs)

	in := frames(5)
	inject(t, b, pool, in)
	require.Equal(t, 5, macFwd(lc, fs))
	out := drain(t, b)
	require.Len(t, out, 5)
	mac := a.MACAddr()
	for i, f := range out {
		require.Equal(t, peer[:], f[0:6], "dst = the TX port's peer")
		require.Equal(t, mac[:], f[6:12], "src = the TX port's MAC")
		require.Equal(t, in[i][12:], f[12:], "the rest is unchanged")
	}
}

func TestEngineMacSwap(t *testing.T) {
	pool := newTestPool(t)
	a, b := ringPair(t, pool, 1024)
	o := defaultOptions()
	fs := loopStream(a, ethdev.MAC{})
	lc := newTestLcore(t, &o, pool, fs)

	in := frames(3)
	inject(t, b, pool, in)
	require.Equal(t, 3, macSwapFwd(lc, fs))
	out := drain(t, b)
	require.Len(t, out, 3)
	for i, f := range out {
		require.Equal(t, in[i][6:12], f[0:6])
		require.Equal(t, in[i][0:6], f[6:12])
		require.Equal(t, in[i][12:], f[12:])
	}
}

func TestEngineRxOnly(t *testing.T) {
	pool := newTestPool(t)
	a, b := ringPair(t, pool, 1024)
	o := defaultOptions()
	fs := loopStream(a, ethdev.MAC{})
	lc := newTestLcore(t, &o, pool, fs)

	inject(t, b, pool, frames(40))
	require.Equal(t, 32, rxOnly(lc, fs))
	require.Equal(t, 8, rxOnly(lc, fs))
	require.Empty(t, drain(t, b), "rxonly sends nothing")
	require.Equal(t, uint64(40), fs.rxPackets)
	require.Equal(t, uint64(0), fs.txPackets)
	lc.caches.Flush()
	require.Equal(t, 0, pool.InUse(), "rxonly frees what it receives")
}

// goldenTxFrame is DPDK txonly's default 64-byte frame from 02:70:63:61:70:0a
// to 02:00:00:00:00:01: IPv4 198.18.0.1 -> 198.18.0.2, total length 50, TTL 64,
// UDP, header checksum 0xee93; UDP 9 -> 9, length 30, checksum 0; zero payload.
const goldenTxFrame = "020000000001" + "02706361700a" + "0800" +
	"4500" + "0032" + "0000" + "0000" + "4011" + "ee93" + "c6120001" + "c6120002" +
	"0009" + "0009" + "001e" + "0000" +
	"00000000000000000000000000000000000000000000"

func TestEngineTxOnly(t *testing.T) {
	pool := newTestPool(t)
	a, b := ringPair(t, pool, 1024)
	o := defaultOptions()
	o.mode = modeTxOnly
	fs := loopStream(a, ethdev.MAC{2, 0, 0, 0, 0, 1})
	require.Equal(t, ethdev.MAC{0x02, 0x70, 0x63, 0x61, 0x70, 0x0a}, fs.txMAC, "net_ring pair's A MAC")
	fs.tmpl = buildTxTemplate(txParams{src: fs.txMAC, dst: fs.peer, ipSrc: o.txIPSrc, ipDst: o.txIPDst,
		udpSrc: o.txUDPSrc, udpDst: o.txUDPDst, length: o.txPktLen()})
	lc := newTestLcore(t, &o, pool, fs)

	inject(t, b, pool, frames(4)) // RX traffic on a: txonly must not touch it
	require.Equal(t, 32, txOnly(lc, fs))
	out := drain(t, b)
	require.Len(t, out, 32)
	golden, err := hex.DecodeString(goldenTxFrame)
	require.NoError(t, err)
	require.Len(t, golden, 64)
	for _, f := range out {
		require.Equal(t, hex.EncodeToString(golden), hex.EncodeToString(f))
	}
	require.Equal(t, uint64(32), fs.txPackets)
	require.Equal(t, uint64(0), fs.rxPackets)
	require.Equal(t, frames(4), drain(t, a), "txonly leaves RX alone")
	checkWithGopacket(t, golden, o)
}

// checkWithGopacket decodes a txonly frame with gopacket and recomputes its IPv4
// checksum independently.
func checkWithGopacket(t *testing.T, frame []byte, o options) {
	t.Helper()
	pkt := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.Default)
	require.Nil(t, pkt.ErrorLayer(), "gopacket decode")
	eth := pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	require.Equal(t, layers.EthernetTypeIPv4, eth.EthernetType)
	ip := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	require.Equal(t, uint8(4), ip.Version)
	require.Equal(t, uint8(5), ip.IHL)
	require.Equal(t, uint8(64), ip.TTL)
	require.Equal(t, layers.IPProtocolUDP, ip.Protocol)
	require.Equal(t, uint16(len(frame)-14), ip.Length)
	require.Equal(t, o.txIPDst.AsSlice(), []byte(ip.DstIP.To4()))
	udp := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP)
	require.Equal(t, layers.UDPPort(o.txUDPSrc), udp.SrcPort)
	require.Equal(t, layers.UDPPort(o.txUDPDst), udp.DstPort)
	require.Equal(t, uint16(len(frame)-34), udp.Length)
	require.Equal(t, uint16(0), udp.Checksum)

	// Serialize the decoded header again with gopacket computing the checksum.
	want := ip.Checksum
	buf := gopacket.NewSerializeBuffer()
	ip2 := *ip
	require.NoError(t, ip2.SerializeTo(buf, gopacket.SerializeOptions{ComputeChecksums: true}))
	require.Equal(t, want, binary.BigEndian.Uint16(buf.Bytes()[10:12]), "IPv4 header checksum")
}

func TestEngineTxOnlyOptions(t *testing.T) {
	pool := newTestPool(t)
	a, b := ringPair(t, pool, 1024)
	o, err := parseOptions([]string{"--forward-mode=txonly", "--txpkts=40,30,30", "--tx-ip=10.1.2.3,10.4.5.6",
		"--tx-udp=1000,2000", "--burst=8"})
	require.NoError(t, err)
	fs := loopStream(a, ethdev.MAC{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff})
	fs.tmpl = buildTxTemplate(txParams{src: fs.txMAC, dst: fs.peer, ipSrc: o.txIPSrc, ipDst: o.txIPDst,
		udpSrc: o.txUDPSrc, udpDst: o.txUDPDst, length: o.txPktLen()})
	lc := newTestLcore(t, &o, pool, fs)

	require.Equal(t, 8, txOnly(lc, fs))
	var pkts [16]*mempool.Mbuf
	n := b.RxQueue(0).RxBurst(pkts[:])
	require.Equal(t, 8, n)
	for _, m := range pkts[:n] {
		require.Equal(t, 3, m.NbSegs(), "one mbuf per --txpkts segment")
		require.Equal(t, 100, m.PktLen())
		require.Equal(t, 40, m.DataLen())
		require.Equal(t, 30, m.Next().DataLen())
	}
	mempool.FreeBulk(pkts[:n])
	require.Equal(t, 8, txOnly(lc, fs))
	for _, f := range drain(t, b) {
		require.Len(t, f, 100)
		require.Equal(t, fs.tmpl, f)
		checkWithGopacket(t, f, o)
		require.Equal(t, []byte{10, 1, 2, 3}, f[26:30])
	}
}

func TestEngineTxOnlyMultiFlow(t *testing.T) {
	pool := newTestPool(t)
	a, b := ringPair(t, pool, 1024)
	o, err := parseOptions([]string{"--forward-mode=txonly", "--txonly-multi-flow"})
	require.NoError(t, err)
	fs := loopStream(a, ethdev.MAC{2, 0, 0, 0, 0, 1})
	fs.tmpl = buildTxTemplate(txParams{src: fs.txMAC, dst: fs.peer, ipSrc: o.txIPSrc, ipDst: o.txIPDst,
		udpSrc: o.txUDPSrc, udpDst: o.txUDPDst, length: o.txPktLen()})
	lc := newTestLcore(t, &o, pool, fs)
	require.Equal(t, 32, txOnly(lc, fs))
	srcs := map[string]bool{}
	for i, f := range drain(t, b) {
		checkWithGopacket(t, f, o)
		// DPDK's rule: source = (destination | counter << 8) + lcore id.
		require.Equal(t, []byte{198, 18, byte(i), 2 + 1}, f[26:30])
		srcs[string(f[26:30])] = true
	}
	require.Len(t, srcs, 32, "one source address per packet")
}

// TestEngineTxDropped fills the TX ring so that part of a burst is refused: the
// engine frees those packets and counts them as dropped.
func TestEngineTxDropped(t *testing.T) {
	for _, mode := range []fwdMode{modeIO, modeMac, modeMacSwap, modeTxOnly} {
		t.Run(string(mode), func(t *testing.T) {
			pool := newTestPool(t)
			a, b := ringPair(t, pool, 32) // 31 usable slots each way
			o := defaultOptions()
			o.mode = mode
			fs := loopStream(a, ethdev.MAC{2, 0, 0, 0, 0, 1})
			fs.tmpl = buildTxTemplate(txParams{src: fs.txMAC, dst: fs.peer, ipSrc: o.txIPSrc, ipDst: o.txIPDst,
				udpSrc: 9, udpDst: 9, length: 64})
			lc := newTestLcore(t, &o, pool, fs)

			inject(t, a, pool, frames(20)) // a -> b ring: 20 of 31 slots taken
			if mode != modeTxOnly {
				inject(t, b, pool, frames(31))
			}
			n := lc.engine(lc, fs)
			if mode == modeTxOnly {
				require.Equal(t, 32, n)
				require.Equal(t, uint64(11), fs.txPackets)
				require.Equal(t, uint64(21), fs.dropped)
			} else {
				require.Equal(t, 31, n)
				require.Equal(t, uint64(31), fs.rxPackets)
				require.Equal(t, uint64(11), fs.txPackets)
				require.Equal(t, uint64(20), fs.dropped)
			}
			require.Len(t, drain(t, b), 31)
			drain(t, a)
			lc.caches.Flush()
			require.Equal(t, 0, pool.InUse(), "dropped packets are freed")
		})
	}
}

// TestEngineAllocs checks that one burst of every engine, with the traffic
// around it, allocates nothing.
func TestEngineAllocs(t *testing.T) {
	for _, mode := range supportedModes {
		t.Run(string(mode), func(t *testing.T) {
			pool := newTestPool(t)
			a, b := ringPair(t, pool, 1024)
			o := defaultOptions()
			o.mode = mode
			o.multiFlow = mode == modeTxOnly
			fs := loopStream(a, ethdev.MAC{2, 0, 0, 0, 0, 1})
			fs.tmpl = buildTxTemplate(txParams{src: fs.txMAC, dst: fs.peer, ipSrc: o.txIPSrc, ipDst: o.txIPDst,
				udpSrc: 9, udpDst: 9, length: 64})
			lc := newTestLcore(t, &o, pool, fs)
			burst := make([]*mempool.Mbuf, 32)
			frame := testFrame(1)
			allocs := testing.AllocsPerRun(200, func() {
				if mode != modeTxOnly {
					if pool.AllocBulk(nil, burst) != nil {
						panic("pool empty")
					}
					for _, m := range burst {
						copy(m.Append(len(frame)), frame)
					}
					if b.TxQueue(0).TxBurst(burst) != len(burst) {
						panic("inject")
					}
				}
				if lc.engine(lc, fs) != 32 {
					panic("short burst")
				}
				if mode != modeRxOnly {
					if n := b.RxQueue(0).RxBurst(burst); n != 32 {
						panic("short receive")
					}
					lc.caches.FreeBulk(burst)
				}
			})
			require.Zero(t, allocs, "allocations per burst")
			lc.caches.Flush()
		})
	}
}

// TestEngineLoop runs an lcore's loop on a goroutine until told to stop.
func TestEngineLoop(t *testing.T) {
	pool := newTestPool(t)
	a, b := ringPair(t, pool, 1024)
	o := defaultOptions()
	o.mode = modeTxOnly
	fs := loopStream(a, ethdev.MAC{2, 0, 0, 0, 0, 1})
	fs.tmpl = buildTxTemplate(txParams{src: fs.txMAC, dst: fs.peer, ipSrc: o.txIPSrc, ipDst: o.txIPDst,
		udpSrc: 9, udpDst: 9, length: 64})
	var stop atomic.Bool
	lc := newFwdLcore(1, 0, []*stream{fs}, &o, pool, &stop)
	done := make(chan error)
	go func() { done <- lc.run(nil) }()
	got := 0
	deadline := time.Now().Add(5 * time.Second)
	for got < 5000 && time.Now().Before(deadline) {
		got += len(drain(t, b))
	}
	stop.Store(true)
	require.NoError(t, <-done)
	drain(t, b)
	require.GreaterOrEqual(t, got, 5000)
	require.GreaterOrEqual(t, fs.txPackets, uint64(got))
}
