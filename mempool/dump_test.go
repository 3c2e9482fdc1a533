package mempool

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestDump(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 8, DataRoomSize: 128 + 64})
	m := filled(t, p, []byte("hello, world: a packet of 32 b."))
	m.SetOlFlags(RxVLAN | RxIPCksumGood | TxTCPCksum)
	m.SetVlanTCI(42)
	m.SetPort(1)
	m.SetPacketType(PTypeL2Ether | PTypeL3IPv4 | PTypeL4TCP)
	direct := filled(t, p, []byte("0123456789"))
	tail, err := direct.Clone(p, nil)
	require.NoError(t, err)
	direct.Free()
	require.NoError(t, m.Chain(tail))

	var b strings.Builder
	m.Dump(&b, 40)
	out := b.String()
	t.Log("\n" + out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Equal(t, fmt.Sprintf("dump mbuf at %#x, iova=%#x, buf_len=192, pool=%q (id %d), index=%d",
		uintptr(unsafe.Pointer(m)), m.BufAddr(), p.Name(), p.ID(), m.Index()), lines[0])
	require.Equal(t, "  pkt_len=41, ol_flags=0x10000000000081, nb_segs=2, port=1, vlan_tci=42, ptype=0x111", lines[1])
	require.Equal(t, "  ol_flags: RTE_MBUF_F_RX_VLAN RTE_MBUF_F_RX_IP_CKSUM_GOOD RTE_MBUF_F_TX_TCP_CKSUM", lines[2])
	require.Equal(t, "  ptype: L2_ETHER L3_IPV4 L4_TCP", lines[3])
	require.Equal(t, fmt.Sprintf("  segment at %#x, data=%#x, len=31, off=128, refcnt=1, direct",
		uintptr(unsafe.Pointer(m)), m.DataAddr()), lines[4])
	require.Equal(t, "  00000000: 68 65 6C 6C 6F 2C 20 77 6F 72 6C 64 3A 20 61 20 | hello, world: a ", lines[5])
	require.Equal(t, "  00000010: 70 61 63 6B 65 74 20 6F 66 20 33 32 20 62 2E    | packet of 32 b.", lines[6])
	require.Equal(t, fmt.Sprintf("  segment at %#x, data=%#x, len=10, off=128, refcnt=1, indirect of %#x",
		uintptr(unsafe.Pointer(tail)), tail.DataAddr(), uintptr(unsafe.Pointer(tail.DirectMbuf()))), lines[7])
	require.Equal(t, "  00000000: 30 31 32 33 34 35 36 37 38                      | 012345678", lines[8],
		"40 bytes in all: 31 then 9")
	require.Len(t, lines, 9, "no check line: the packet is sane")

	// A corrupt packet says what is wrong.
	m.pktLen++
	b.Reset()
	m.Dump(&b, 0)
	require.Contains(t, b.String(), "  check: mbuf ")
	require.Contains(t, b.String(), "pkt_len 42 but segments hold 41 bytes")
	require.NotContains(t, b.String(), "00000000:", "maxBytes 0: no data")
	m.pktLen--
	m.Free()
	require.Equal(t, 0, p.InUse())
}

func TestCheck(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 8, DataRoomSize: 128 + 64})
	var nilMbuf *Mbuf
	require.ErrorIs(t, nilMbuf.Check(), ErrBadMbuf)

	m := chainOf(t, p, 10, 20)
	seg2 := m.Next()
	require.NoError(t, m.Check())
	corruptions := []struct {
		name  string
		seg   **Mbuf
		apply func(s *Mbuf)
		want  string
	}{
		{"pkt_len", &m, func(s *Mbuf) { s.pktLen++ }, "segment 0: pkt_len 31 but segments hold 30 bytes"},
		{"nb_segs more", &m, func(s *Mbuf) { s.nbSegs = 3 }, "nb_segs 3 but 2 segments"},
		{"nb_segs fewer", &m, func(s *Mbuf) { s.nbSegs = 1 }, "chain longer than nb_segs 1"},
		{"data_len > pkt_len", &m, func(s *Mbuf) { s.pktLen = 5 }, "data_len 10 > pkt_len 5"},
		{"data offset", &seg2, func(s *Mbuf) { s.dataOff = 200 }, "segment 1: data offset 200 beyond buffer length 192"},
		{"data length", &seg2, func(s *Mbuf) { s.dataOff = 180 }, "segment 1: data offset 180 + data length 20 beyond buffer length 192"},
		{"refcnt 0", &seg2, func(s *Mbuf) { s.refcnt = 0 }, "segment 1: bad refcnt 0"},
		{"refcnt underflow", &m, func(s *Mbuf) { s.refcnt = ^uint32(0) }, "segment 0: bad refcnt -1"},
		{"pool id", &seg2, func(s *Mbuf) { s.pool = MaxPools - 1 }, fmt.Sprintf("segment 1: pool id %d is not a live mbuf pool", MaxPools-1)},
		{"index", &seg2, func(s *Mbuf) { s.index++ }, "is not object"},
		{"buffer", &m, func(s *Mbuf) { s.bufAddr += 8 }, "segment 0: direct mbuf with buffer"},
		{"buffer length", &m, func(s *Mbuf) { s.bufLen = 100 }, "segment 0: direct mbuf with buffer"},
		{"next", &m, func(s *Mbuf) { s.next = 0x1234 }, "segment 0: next 0x1234 is not an mbuf of a live pool"},
		{"next inside an object", &m, func(s *Mbuf) { s.next += 8 }, "is not an mbuf of a live pool"},
		{"indirect without direct", &seg2, func(s *Mbuf) { s.olFlags |= Indirect }, "segment 1: indirect mbuf's direct mbuf 0x0 is not an mbuf of a live pool"},
		{"indirect of itself", &seg2, func(s *Mbuf) { s.olFlags |= Indirect; s.ext = uintptr(unsafe.Pointer(s)) }, "is not direct"},
		{"external unregistered", &seg2, func(s *Mbuf) { s.olFlags |= External; s.ext = MaxExtSharedInfos }, "external buffer shared info id"},
		{"both", &seg2, func(s *Mbuf) { s.olFlags |= External | Indirect }, "both Indirect and External flags set"},
	}
	for _, c := range corruptions {
		s := *c.seg
		saved := *s
		c.apply(s)
		err := m.Check()
		require.ErrorIs(t, err, ErrBadMbuf, c.name)
		require.Contains(t, err.Error(), c.want, c.name)
		require.Contains(t, err.Error(), fmt.Sprintf("(pool %d %q, index %d)", p.ID(), p.Name(), m.Index()), c.name)
		*s = saved
		require.NoError(t, m.Check(), c.name)
	}

	// A direct mbuf whose refcnt was dropped is seen through its clone.
	d := filled(t, p, []byte("x"))
	cl, err := d.Clone(p, nil)
	require.NoError(t, err)
	d.refcnt = 0
	require.ErrorContains(t, cl.Check(), "direct mbuf")
	d.refcnt = 2
	require.NoError(t, cl.Check())
	cl.Free()
	d.Free()
	m.Free()
	require.Equal(t, 0, p.InUse())
}
