package mempool

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// requireReset checks DPDK's rte_pktmbuf_reset state.
func requireReset(t *testing.T, p *Pool, m *Mbuf) {
	t.Helper()
	require.Equal(t, min(DefaultHeadroom, p.DataRoomSize()), m.DataOff())
	require.Equal(t, m.DataOff(), m.Headroom())
	require.Equal(t, 0, m.DataLen())
	require.Equal(t, 0, m.PktLen())
	require.Equal(t, 1, m.NbSegs())
	require.Nil(t, m.Next())
	require.Equal(t, uint16(PortInvalid), m.Port())
	require.Zero(t, m.OlFlags())
	require.Zero(t, m.PacketType())
	require.Zero(t, m.VlanTCI())
	require.Zero(t, m.VlanTCIOuter())
	require.Zero(t, m.TxOffload())
	require.Equal(t, 1, m.RefCnt())
	require.Equal(t, p.DataRoomSize(), m.BufLen())
	require.Equal(t, p.DataRoomSize()-m.DataOff(), m.Tailroom())
	require.Empty(t, m.Data())
	require.Same(t, p, m.Pool())
	require.Equal(t, p.ID(), m.PoolID())
	require.Same(t, m, p.Mbuf(m.Index()))
}

// dirty sets every field Alloc must reset.
func dirty(m *Mbuf) {
	m.Append(m.Tailroom() / 2)
	m.Prepend(m.Headroom() / 2)
	m.SetPort(3)
	m.SetOlFlags(TxIPv4 | TxIPCksum | RxVLAN)
	m.SetPacketType(PTypeL2Ether | PTypeL3IPv4 | PTypeL4UDP)
	m.SetVlanTCI(100)
	m.SetVlanTCIOuter(200)
	m.SetTxOffload(14 | 20<<7)
	m.SetRSSHash(0xabcd)
}

func TestAllocReset(t *testing.T) {
	for _, room := range []int{0, 64, 128, 129, 1000} {
		p := newTestPktPool(t, PktPoolConfig{N: 8, DataRoomSize: room})
		if room == 0 {
			require.Equal(t, DefaultBufSize, p.DataRoomSize())
		}
		c := p.NewCache() // nil: no cache
		ms := make([]*Mbuf, 8)
		require.NoError(t, p.AllocBulk(c, ms))
		for _, m := range ms {
			requireReset(t, p, m)
			require.Equal(t, m.BufAddr()+uintptr(m.DataOff()), m.DataAddr())
			dirty(m)
		}
		FreeBulk(ms)
		// The same mbufs, dirtied, come back reset.
		require.NoError(t, p.AllocBulk(c, ms[:4]))
		for _, m := range ms[:4] {
			requireReset(t, p, m)
		}
		m := p.Alloc(c)
		requireReset(t, p, m)
		m.Free()
		FreeBulk(ms[:4])
	}
}

func TestAllocBulkAllOrNothing(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 100, CacheSize: 16})
	c := p.NewCache()
	defer c.Close()
	// More than one internal chunk of 64.
	ms := make([]*Mbuf, 90)
	require.NoError(t, p.AllocBulk(c, ms))
	require.Equal(t, 90, p.InUse())
	more := make([]*Mbuf, 11)
	require.ErrorIs(t, p.AllocBulk(c, more), ErrNoEntries)
	require.Equal(t, 90, p.InUse())
	require.Equal(t, uint64(1), p.AllocFailures())
	FreeBulk(ms[:20])
	require.Equal(t, 70, p.InUse())
	big := make([]*Mbuf, 31)
	require.ErrorIs(t, p.AllocBulk(nil, big), ErrNoEntries)
	require.Equal(t, 70, p.InUse())
	require.NoError(t, p.AllocBulk(nil, big[:30]))
	require.Nil(t, p.Alloc(nil), "empty pool")
	require.Nil(t, p.Alloc(c), "empty pool, through a cache")
	require.Equal(t, 100, p.InUse())
	require.Equal(t, uint64(4), p.AllocFailures())
	FreeBulk(ms[20:])
	FreeBulk(big[:30])

	// A request of 130 with 100 free is served in chunks (64, 64, 2): the second
	// fails, and the first chunk must go back.
	q := newTestPktPool(t, PktPoolConfig{N: 200})
	ms = make([]*Mbuf, 100)
	require.NoError(t, q.AllocBulk(nil, ms))
	big = make([]*Mbuf, 130)
	require.ErrorIs(t, q.AllocBulk(nil, big), ErrNoEntries)
	require.Equal(t, 100, q.InUse())
	require.NoError(t, q.AllocBulk(nil, big[:100]))
	require.Equal(t, 200, q.InUse())
	FreeBulk(ms)
	FreeBulk(big[:100])
}

func TestDataEditing(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 4, DataRoomSize: 128 + 256})
	m := p.Alloc(nil)
	defer m.Free()
	require.Equal(t, 128, m.Headroom())
	require.Equal(t, 256, m.Tailroom())

	// Append returns the new bytes and grows both lengths.
	b := m.Append(10)
	require.Len(t, b, 10)
	copy(b, "0123456789")
	require.Equal(t, "0123456789", string(m.Data()))
	require.Equal(t, 10, m.DataLen())
	require.Equal(t, 10, m.PktLen())
	require.Equal(t, 246, m.Tailroom())

	// Append of more than the tailroom: nil, nothing changed.
	require.Nil(t, m.Append(247))
	require.Nil(t, m.Append(-1))
	require.Equal(t, 10, m.PktLen())
	require.Equal(t, 246, m.Tailroom())
	// Exactly the tailroom fits.
	require.Len(t, m.Append(246), 246)
	require.Equal(t, 0, m.Tailroom())
	require.Nil(t, m.Append(1))
	require.NoError(t, m.Trim(246))
	require.Equal(t, "0123456789", string(m.Data()))

	// Prepend moves the data offset back.
	h := m.Prepend(4)
	copy(h, "abcd")
	require.Equal(t, "abcd0123456789", string(m.Data()))
	require.Equal(t, 124, m.Headroom())
	require.Equal(t, 14, m.PktLen())
	require.Nil(t, m.Prepend(125), "more than the headroom")
	require.Nil(t, m.Prepend(-1))
	require.Equal(t, 124, m.Headroom())
	require.Equal(t, 14, m.DataLen())
	require.Len(t, m.Prepend(124), 124)
	require.Equal(t, 0, m.Headroom())
	require.Nil(t, m.Prepend(1))
	require.NoError(t, m.Adj(124))

	// Adj removes from the front, Trim from the back.
	require.NoError(t, m.Adj(2))
	require.Equal(t, "cd0123456789", string(m.Data()))
	require.Equal(t, 126, m.Headroom())
	require.NoError(t, m.Trim(3))
	require.Equal(t, "cd0123456", string(m.Data()))
	require.Equal(t, 9, m.PktLen())
	require.ErrorIs(t, m.Adj(10), ErrTooShort)
	require.ErrorIs(t, m.Adj(-1), ErrTooShort)
	require.ErrorIs(t, m.Trim(10), ErrTooShort)
	require.ErrorIs(t, m.Trim(-1), ErrTooShort)
	require.Equal(t, "cd0123456", string(m.Data()), "failed edits change nothing")
	require.NoError(t, m.Trim(9))
	require.Equal(t, 0, m.PktLen())
	require.Equal(t, 126, m.Headroom())
	require.NoError(t, m.Adj(0))
	require.NoError(t, m.Trim(0))

	// Buf covers the whole buffer; Data aliases it.
	require.Len(t, m.Buf(), 384)
	m.Append(3)[0] = 'x'
	require.Equal(t, byte('x'), m.Buf()[m.DataOff()])

	// SetDataOff/SetLen, as a driver writing in place uses them.
	require.NoError(t, m.SetDataOff(0))
	require.NoError(t, m.SetLen(384))
	require.Equal(t, 384, m.PktLen())
	require.ErrorIs(t, m.SetLen(385), ErrNoRoom)
	require.ErrorIs(t, m.SetLen(-1), ErrNoRoom)
	require.ErrorIs(t, m.SetDataOff(1), ErrNoRoom)
	require.ErrorIs(t, m.SetDataOff(-1), ErrNoRoom)
	require.Equal(t, 0, m.DataOff())
	require.NoError(t, m.SetLen(0))
	require.NoError(t, m.SetDataOff(384))
	require.Equal(t, 0, m.Tailroom())
	require.NotEmpty(t, m.String())
}

func TestSmallDataRoom(t *testing.T) {
	// A data room smaller than the default headroom: all of it is headroom.
	p := newTestPktPool(t, PktPoolConfig{N: 2, DataRoomSize: 64})
	m := p.Alloc(nil)
	require.Equal(t, 64, m.DataOff())
	require.Equal(t, 0, m.Tailroom())
	require.Nil(t, m.Append(1))
	require.Len(t, m.Prepend(64), 64)
	m.Free()
}

// chainOf allocates n mbufs and chains them, segment i holding lens[i] bytes of
// value byte(i+1).
func chainOf(t *testing.T, p *Pool, lens ...int) *Mbuf {
	t.Helper()
	var head *Mbuf
	for i, l := range lens {
		m := p.Alloc(nil)
		require.NotNil(t, m)
		for j := range m.Append(l) {
			m.Data()[j] = byte(i + 1)
		}
		if head == nil {
			head = m
		} else {
			require.NoError(t, head.Chain(m))
		}
	}
	return head
}

func TestChain(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 16, CacheSize: 4, DataRoomSize: 128 + 64})
	a := chainOf(t, p, 10, 20)
	b := chainOf(t, p, 30, 40, 50)
	require.Equal(t, 2, a.NbSegs())
	require.Equal(t, 30, a.PktLen())
	require.Equal(t, 3, b.NbSegs())
	require.Equal(t, 120, b.PktLen())

	require.NoError(t, a.Chain(b))
	require.Equal(t, 5, a.NbSegs())
	require.Equal(t, 150, a.PktLen())
	require.Equal(t, 1, b.NbSegs(), "the old head is a plain segment now")
	require.Equal(t, 30, b.PktLen())
	require.Same(t, b.Next().Next(), a.LastSeg())
	require.Equal(t, 50, a.LastSeg().DataLen())
	require.Equal(t, 5, p.InUse())

	// Append and Trim work on the last segment, Adj and Prepend on the first.
	require.Len(t, a.Append(5), 5)
	require.Equal(t, 55, a.LastSeg().DataLen())
	require.Equal(t, 155, a.PktLen())
	require.Nil(t, a.Append(10), "the last segment has 9 bytes of tailroom")
	require.NoError(t, a.Trim(55))
	require.ErrorIs(t, a.Trim(1), ErrTooShort, "the last segment is empty")
	require.Equal(t, 100, a.PktLen())
	require.NoError(t, a.Adj(10))
	require.ErrorIs(t, a.Adj(1), ErrTooShort, "the first segment is empty")
	require.Equal(t, 90, a.PktLen())
	sum := 0
	for s := a; s != nil; s = s.Next() {
		sum += s.DataLen()
	}
	require.Equal(t, a.PktLen(), sum)

	// Free of the head returns every segment to the pool.
	a.Free()
	require.Equal(t, 0, p.InUse())

	// Segments come back reset.
	ms := make([]*Mbuf, 16)
	require.NoError(t, p.AllocBulk(nil, ms))
	for _, m := range ms {
		requireReset(t, p, m)
	}
	FreeBulk(ms)
}

func TestChainMaxSegs(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 4, DataRoomSize: 256})
	a := chainOf(t, p, 1)
	b := chainOf(t, p, 2, 3)
	// Pretend a already has MaxSegs-1 segments: chaining two more would exceed
	// RTE_MBUF_MAX_NB_SEGS, and nothing changes.
	a.nbSegs = MaxSegs - 1
	require.ErrorIs(t, a.Chain(b), ErrTooMany)
	require.Equal(t, 1, a.PktLen())
	require.Nil(t, a.Next())
	require.Equal(t, 2, b.NbSegs())
	// Exactly MaxSegs is allowed.
	a.nbSegs = MaxSegs - 2
	require.NoError(t, a.Chain(b))
	require.Equal(t, MaxSegs, a.NbSegs())
	require.Equal(t, 6, a.PktLen())
	a.Free()
	require.Equal(t, 0, p.InUse())
}

func TestRefCnt(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 4})
	m := p.Alloc(nil)
	require.Equal(t, 1, m.RefCnt())
	require.Equal(t, 2, m.RefCntUpdate(+1))
	m.Free()
	require.Equal(t, 1, p.InUse(), "one reference left")
	require.Equal(t, 1, m.RefCnt())
	m.Free()
	require.Equal(t, 0, p.InUse())
	require.Equal(t, 1, m.RefCnt(), "objects in the pool keep refcnt 1")

	// A reference to a chain is a reference to every segment
	// (rte_pktmbuf_refcnt_update): the first Free returns none of them.
	c := chainOf(t, p, 1, 2, 3)
	require.Equal(t, 2, c.RefCntUpdate(+1))
	for s := c; s != nil; s = s.Next() {
		require.Equal(t, 2, s.RefCnt())
	}
	c.Free()
	require.Equal(t, 3, p.InUse(), "the other reference still holds every segment")
	for s := c; s != nil; s = s.Next() {
		require.Equal(t, 1, s.RefCnt())
	}
	var set CacheSet
	set.Free(c)
	require.Equal(t, 0, p.InUse())
	set.Close()

	// Same through the CacheSet and FreeBulk paths, with two extra references.
	c = chainOf(t, p, 4, 5)
	require.Equal(t, 3, c.RefCntUpdate(2))
	FreeBulk([]*Mbuf{c})
	set.Free(c)
	require.Equal(t, 2, p.InUse())
	c.Free()
	require.Equal(t, 0, p.InUse())
	set.Close()
}

func TestFreeBulkAndCacheSet(t *testing.T) {
	pa := newTestPktPool(t, PktPoolConfig{N: 255, CacheSize: 32})
	pb := newTestPktPool(t, PktPoolConfig{N: 255, CacheSize: 32, DataRoomSize: 512})
	pn := newTestPktPool(t, PktPoolConfig{N: 63}) // no cache

	// Interleave mbufs and chains of three pools.
	var ms []*Mbuf
	for i := 0; i < 100; i++ {
		var m *Mbuf
		switch i % 4 {
		case 0, 1:
			m = pa.Alloc(nil)
		case 2:
			m = pb.Alloc(nil)
			require.NoError(t, m.Chain(pa.Alloc(nil)))
		case 3:
			m = pn.Alloc(nil)
			require.NoError(t, m.Chain(pb.Alloc(nil)))
		}
		ms = append(ms, m)
	}
	require.Equal(t, 75, pa.InUse())
	require.Equal(t, 50, pb.InUse())
	require.Equal(t, 25, pn.InUse())

	var set CacheSet
	set.FreeBulk(ms[:50])
	set.FreeBulk(ms[50:])
	require.Equal(t, 0, pa.InUse(), "each segment went to its own pool")
	require.Equal(t, 0, pb.InUse())
	require.Equal(t, 0, pn.InUse())
	ca, cb := set.Cache(pa), set.Cache(pb)
	require.NotNil(t, ca)
	require.NotNil(t, cb)
	require.Nil(t, set.Cache(pn))
	require.Same(t, pa, ca.Pool())
	require.Same(t, pb, cb.Pool())
	require.Greater(t, ca.Len()+cb.Len(), 0, "frees went through the caches")
	require.Equal(t, pa.Size(), pa.AvailCount())

	set.Flush()
	require.Equal(t, 0, ca.Len())
	require.Equal(t, 0, cb.Len())

	// Through the set's cache an alloc is served without touching the ring.
	m := pa.Alloc(ca)
	set.Free(m)
	require.Equal(t, 0, pa.InUse())
	set.Close()
	require.Equal(t, 0, ca.Len())
	set.Close() // reusable, and closing an empty set is harmless

	// Package-level FreeBulk uses the rings.
	ms = ms[:0]
	for i := 0; i < 70; i++ { // more than one internal batch of 64
		ms = append(ms, pa.Alloc(nil))
	}
	ms = append(ms, pb.Alloc(nil), pa.Alloc(nil), nil)
	FreeBulk(ms[:len(ms)-1])
	require.Equal(t, 0, pa.InUse())
	require.Equal(t, 0, pb.InUse())
}

// TestCacheSetOutlivesPool frees mbufs of a new pool through a CacheSet that
// still holds a cache of a closed pool with the same id.
func TestCacheSetOutlivesPool(t *testing.T) {
	var set CacheSet
	defer set.Close()
	p1, err := NewPktPool(testName("old"), PktPoolConfig{N: 63, CacheSize: 8, Socket: SocketAny})
	require.NoError(t, err)
	set.Free(p1.Alloc(nil))
	require.NoError(t, p1.Close()) // flushes the set's cache of p1
	p2 := newTestPktPool(t, PktPoolConfig{N: 63, CacheSize: 8})
	require.Equal(t, p1.ID(), p2.ID(), "ids are reused")
	set.Free(p2.Alloc(nil))
	require.Equal(t, 0, p2.InUse(), "the mbuf went back to its own pool")
	c := set.Cache(p2)
	require.NotNil(t, c)
	require.Same(t, p2, c.Pool())
	set.Flush()
}

func TestPrivAndUdata(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 4, PrivSize: 24, DataRoomSize: 256})
	m := p.Alloc(nil)
	defer m.Free()
	priv := m.Priv()
	require.Len(t, priv, 24)
	// The private area sits between the header and the buffer.
	require.Equal(t, uintptr(unsafe.Pointer(m))+MbufHeaderSize, uintptr(unsafe.Pointer(&priv[0])))
	require.Equal(t, uintptr(unsafe.Pointer(&priv[0]))+24, m.BufAddr())
	copy(priv, "private")
	m.Append(4)
	copy(m.Data(), "data")
	require.Equal(t, "private", string(m.Priv()[:7]))
	for i := 0; i < 5; i++ {
		m.SetUdata64(i, uint64(i)*0x1111)
	}
	for i := 0; i < 5; i++ {
		require.Equal(t, uint64(i)*0x1111, m.Udata64(i))
	}
	require.Equal(t, "data", string(m.Data()))

	q := newTestPktPool(t, PktPoolConfig{N: 1, DataRoomSize: 256})
	n := q.Alloc(nil)
	require.Empty(t, n.Priv())
	require.Equal(t, uintptr(unsafe.Pointer(n))+MbufHeaderSize, n.BufAddr())
	n.Free()
}

// TestHeaderLayout pins the Mbuf header: 128 bytes, two cache lines, with the
// fields RX and forwarding touch in the first (see the package documentation).
func TestHeaderLayout(t *testing.T) {
	var m Mbuf
	require.Equal(t, uintptr(MbufHeaderSize), unsafe.Sizeof(m))
	require.Equal(t, uintptr(128), unsafe.Sizeof(m))
	offsets := []struct {
		name string
		got  uintptr
		want uintptr
	}{
		{"bufAddr", unsafe.Offsetof(m.bufAddr), 0},
		{"dataOff", unsafe.Offsetof(m.dataOff), 8},
		{"nbSegs", unsafe.Offsetof(m.nbSegs), 10},
		{"refcnt", unsafe.Offsetof(m.refcnt), 12},
		{"port", unsafe.Offsetof(m.port), 16},
		{"bufLen", unsafe.Offsetof(m.bufLen), 18},
		{"pktLen", unsafe.Offsetof(m.pktLen), 20},
		{"olFlags", unsafe.Offsetof(m.olFlags), 24},
		{"packetType", unsafe.Offsetof(m.packetType), 32},
		{"dataLen", unsafe.Offsetof(m.dataLen), 36},
		{"vlanTCI", unsafe.Offsetof(m.vlanTCI), 38},
		{"rssHash", unsafe.Offsetof(m.rssHash), 40},
		{"fdirHi", unsafe.Offsetof(m.fdirHi), 44},
		{"vlanTCIOuter", unsafe.Offsetof(m.vlanTCIOuter), 48},
		{"pool", unsafe.Offsetof(m.pool), 50},
		{"index", unsafe.Offsetof(m.index), 52},
		{"next", unsafe.Offsetof(m.next), 56},
		{"txOffload", unsafe.Offsetof(m.txOffload), 64},
		{"ext", unsafe.Offsetof(m.ext), 72},
		{"privSize", unsafe.Offsetof(m.privSize), 80},
		{"timesync", unsafe.Offsetof(m.timesync), 82},
		{"udata", unsafe.Offsetof(m.udata), 88},
	}
	for _, o := range offsets {
		require.Equal(t, o.want, o.got, "offset of %s", o.name)
	}
	// The refcount is updated atomically: it must be 4-byte aligned.
	require.Zero(t, unsafe.Offsetof(m.refcnt)%4)
	// Headers sit at cache-line-aligned addresses in the pool.
	p := newTestPktPool(t, PktPoolConfig{N: 3, PrivSize: 8, DataRoomSize: 100})
	for i := uint32(0); i < 3; i++ {
		require.Zero(t, uintptr(unsafe.Pointer(p.Mbuf(i)))%64)
	}
}

// TestEditingProperty applies random Append, Prepend, Adj, Trim and Chain
// sequences and checks after each step that the chain's PktLen is the sum of its
// segments' DataLen and that its bytes are those of a plain []byte model.
func TestEditingProperty(t *testing.T) {
	const room = 128 + 96
	p := newTestPktPool(t, PktPoolConfig{N: 64, CacheSize: 8, DataRoomSize: room})
	c := p.NewCache()
	defer c.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	var next byte

	fill := func(b []byte) []byte {
		for i := range b {
			next++
			b[i] = next
		}
		return b
	}
	check := func(m *Mbuf, model []byte, step int) {
		t.Helper()
		var got []byte
		segs, sum := 0, 0
		for s := m; s != nil; s = s.Next() {
			got = append(got, s.Data()...)
			segs++
			sum += s.DataLen()
			require.GreaterOrEqual(t, s.Headroom(), 0)
			require.GreaterOrEqual(t, s.Tailroom(), 0)
			require.Equal(t, room, s.DataOff()+s.DataLen()+s.Tailroom())
		}
		require.Equal(t, sum, m.PktLen(), "step %d: pkt_len != sum of data_len", step)
		require.Equal(t, segs, m.NbSegs(), "step %d", step)
		require.True(t, bytes.Equal(model, got), "step %d: bytes differ", step)
	}

	for round := 0; round < 200; round++ {
		m := p.Alloc(c)
		require.NotNil(t, m)
		var model []byte
		for step := 0; step < 40; step++ {
			n := rng.IntN(140) - 10 // sometimes negative, sometimes too large
			switch op := rng.IntN(5); op {
			case 0:
				last := m.LastSeg()
				want := n >= 0 && n <= last.Tailroom()
				b := m.Append(n)
				require.Equal(t, want, b != nil, "Append(%d)", n)
				if b != nil {
					model = append(model, fill(b)...)
				}
			case 1:
				want := n >= 0 && n <= m.Headroom()
				b := m.Prepend(n)
				require.Equal(t, want, b != nil, "Prepend(%d)", n)
				if b != nil {
					model = append(append([]byte{}, fill(b)...), model...)
				}
			case 2:
				want := n >= 0 && n <= m.DataLen()
				err := m.Adj(n)
				require.Equal(t, want, err == nil, "Adj(%d)", n)
				if err == nil {
					model = model[n:]
				}
			case 3:
				want := n >= 0 && n <= m.LastSeg().DataLen()
				err := m.Trim(n)
				require.Equal(t, want, err == nil, "Trim(%d)", n)
				if err == nil {
					model = model[:len(model)-n]
				}
			case 4:
				if m.NbSegs() >= 6 {
					continue
				}
				tail := p.Alloc(c)
				require.NotNil(t, tail)
				if k := rng.IntN(room - 128 + 1); k > 0 {
					fill(tail.Append(k))
				}
				if rng.IntN(2) == 0 {
					fill(tail.Prepend(rng.IntN(129)))
				}
				tailBytes := append([]byte{}, tail.Data()...)
				require.NoError(t, m.Chain(tail))
				model = append(model, tailBytes...)
			}
			check(m, model, step)
		}
		if round%2 == 0 {
			m.Free()
		} else {
			var set CacheSet
			set.Free(m)
			set.Close()
		}
		require.Equal(t, 0, p.InUse())
	}
}
