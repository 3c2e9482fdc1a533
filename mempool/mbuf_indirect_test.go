package mempool

import (
	"bytes"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// pktBytes is the packet's data over all segments.
func pktBytes(t testing.TB, m *Mbuf) []byte {
	t.Helper()
	b := make([]byte, m.PktLen())
	n, err := m.ReadAt(b, 0)
	require.NoError(t, err)
	require.Equal(t, len(b), n)
	return b
}

// filled allocates an mbuf holding data.
func filled(t testing.TB, p *Pool, data []byte) *Mbuf {
	t.Helper()
	m := p.Alloc(nil)
	require.NotNil(t, m)
	b := m.Append(len(data))
	require.NotNil(t, b)
	copy(b, data)
	return m
}

func TestAttachDetach(t *testing.T) {
	// Direct and indirect mbufs from pools with different private areas: the
	// indirect mbuf keeps its own.
	pd := newTestPktPool(t, PktPoolConfig{N: 4, PrivSize: 16, DataRoomSize: 128 + 256})
	pi := newTestPktPool(t, PktPoolConfig{N: 4, PrivSize: 8, DataRoomSize: 128 + 64})
	m := filled(t, pd, []byte("hello, indirect world"))
	m.SetPort(3)
	m.SetOlFlags(RxVLAN | RxIPCksumGood)
	m.SetPacketType(PTypeL2Ether | PTypeL3IPv4 | PTypeL4UDP)
	m.SetVlanTCI(100)
	m.SetVlanTCIOuter(200)
	m.SetTxOffload(14 | 20<<7)
	m.SetRSSHash(0xabcd)
	m.SetUdata64(2, 77)
	copy(m.Priv(), "direct's private")
	require.True(t, m.IsDirect())
	require.True(t, m.Writable())

	mi := pi.Alloc(nil)
	copy(mi.Priv(), "indirect")
	require.NoError(t, mi.Attach(m))
	require.True(t, mi.IsIndirect())
	require.False(t, mi.IsDirect())
	require.False(t, mi.HasExtBuf())
	require.Same(t, m, mi.DirectMbuf())
	require.Same(t, m, m.DirectMbuf())
	require.Equal(t, m.DataAddr(), mi.DataAddr(), "the same data, not a copy")
	require.Equal(t, m.Data(), mi.Data())
	require.Equal(t, m.BufLen(), mi.BufLen())
	require.Equal(t, m.DataLen(), mi.PktLen())
	require.Equal(t, m.OlFlags()|Indirect, mi.OlFlags())
	require.Equal(t, m.Port(), mi.Port())
	require.Equal(t, m.PacketType(), mi.PacketType())
	require.Equal(t, m.VlanTCI(), mi.VlanTCI())
	require.Equal(t, m.VlanTCIOuter(), mi.VlanTCIOuter())
	require.Equal(t, m.TxOffload(), mi.TxOffload())
	require.Equal(t, m.RSSHash(), mi.RSSHash())
	require.Equal(t, uint64(77), mi.Udata64(2))
	require.Equal(t, "indirect", string(mi.Priv()[:8]), "the indirect mbuf's own private area")
	require.Len(t, mi.Priv(), 8)
	require.Equal(t, 2, m.RefCnt())
	require.Equal(t, 1, mi.RefCnt())
	require.False(t, m.Writable(), "shared with a clone")
	require.False(t, mi.Writable())
	require.NoError(t, m.Check())
	require.NoError(t, mi.Check())
	// DPDK's rte_mbuf_from_indirect arithmetic finds the same direct mbuf.
	require.Equal(t, uintptr(unsafe.Pointer(m)), mi.BufAddr()-MbufHeaderSize-16)

	// The Indirect flag describes the buffer: SetOlFlags keeps it as it is.
	mi.SetOlFlags(TxVLAN)
	require.Equal(t, TxVLAN|Indirect, mi.OlFlags())
	mi.SetOlFlags(m.OlFlags())
	m.SetOlFlags(m.OlFlags() | Indirect | External)
	require.True(t, m.IsDirect())

	// An mbuf attached to an indirect one refers to the direct mbuf.
	mi2 := pi.Alloc(nil)
	require.NoError(t, mi2.Attach(mi))
	require.Same(t, m, mi2.DirectMbuf())
	require.Equal(t, 3, m.RefCnt())
	require.Equal(t, 1, mi.RefCnt())

	// Detach gives mi its own, empty buffer back and drops the reference.
	mi.Detach()
	require.True(t, mi.IsDirect())
	require.Zero(t, mi.OlFlags())
	require.Equal(t, 0, mi.DataLen())
	require.Equal(t, 0, mi.PktLen())
	require.Equal(t, pi.DataRoomSize(), mi.BufLen())
	require.Equal(t, uintptr(unsafe.Pointer(mi))+MbufHeaderSize+8, mi.BufAddr())
	require.Equal(t, 128, mi.DataOff())
	require.Equal(t, 2, m.RefCnt())
	require.NoError(t, mi.Check())
	mi.Detach() // a direct mbuf: nothing happens
	require.Equal(t, 2, m.RefCnt())
	mi.Free()

	// Free of the direct mbuf first: it stays out while mi2 refers to it.
	m.Free()
	require.Equal(t, 1, pd.InUse())
	require.Equal(t, 1, m.RefCnt())
	require.Equal(t, "hello, indirect world", string(mi2.Data()))
	mi2.Free()
	require.Equal(t, 0, pd.InUse(), "the last reference returned the direct mbuf")
	require.Equal(t, 0, pi.InUse())

	// The headers come back reset, with their own buffers.
	ms := make([]*Mbuf, 4)
	require.NoError(t, pi.AllocBulk(nil, ms))
	for _, x := range ms {
		requireReset(t, pi, x)
		require.NoError(t, x.Check())
	}
	FreeBulk(ms)
	require.NoError(t, pd.AllocBulk(nil, ms))
	for _, x := range ms {
		requireReset(t, pd, x)
	}
	FreeBulk(ms)
}

func TestAttachErrors(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 8})
	m := filled(t, p, []byte("data"))
	defer m.Free()
	require.ErrorIs(t, m.Attach(m), ErrShared, "to itself")

	mi := p.Alloc(nil)
	require.NoError(t, mi.Attach(m))
	other := filled(t, p, []byte("other"))
	require.ErrorIs(t, mi.Attach(other), ErrShared, "already indirect")
	require.Equal(t, 1, other.RefCnt())
	require.ErrorIs(t, m.Attach(other), ErrShared, "m has a clone: two references")
	mi.Free()

	shared := p.Alloc(nil)
	shared.RefCntUpdate(1)
	require.ErrorIs(t, shared.Attach(m), ErrShared, "two references")
	shared.Free()
	require.NoError(t, shared.Chain(p.Alloc(nil)))
	require.ErrorIs(t, shared.Attach(m), ErrShared, "a chain")
	require.Equal(t, 1, m.RefCnt(), "nothing changed")
	shared.Free()
	other.Free()
}

func TestClone(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 16, CacheSize: 4, DataRoomSize: 128 + 64})
	cp := newTestPktPool(t, PktPoolConfig{N: 16, DataRoomSize: 128})
	m := chainOf(t, p, 10, 64, 3)
	m.SetOlFlags(RxVLAN | RxIPCksumGood)
	m.SetVlanTCI(42)
	m.SetPort(3)
	want := pktBytes(t, m)

	c := cp.NewCache()
	cl, err := m.Clone(cp, c)
	require.NoError(t, err)
	require.NoError(t, cl.Check())
	require.Equal(t, 3, cl.NbSegs())
	require.Equal(t, m.PktLen(), cl.PktLen())
	require.Equal(t, want, pktBytes(t, cl))
	require.Equal(t, RxVLAN|RxIPCksumGood|Indirect, cl.OlFlags())
	require.Equal(t, uint16(42), cl.VlanTCI())
	require.Equal(t, uint16(3), cl.Port())
	for s, d := cl, m; s != nil; s, d = s.Next(), d.Next() {
		require.True(t, s.IsIndirect())
		require.Same(t, d, s.DirectMbuf())
		require.Equal(t, 2, d.RefCnt())
		require.Equal(t, d.DataAddr(), s.DataAddr())
	}
	require.Equal(t, 3, cp.InUse())

	// A clone of the clone refers to the same direct mbufs.
	cl2, err := cl.Clone(cp, nil)
	require.NoError(t, err)
	require.Equal(t, want, pktBytes(t, cl2))
	for s := m; s != nil; s = s.Next() {
		require.Equal(t, 3, s.RefCnt())
	}

	// Free the original first: its segments stay out until the clones go.
	m.Free()
	require.Equal(t, 3, p.InUse())
	require.Equal(t, want, pktBytes(t, cl))
	var set CacheSet
	set.Free(cl)
	require.Equal(t, 3, p.InUse())
	require.Equal(t, 3, cp.InUse())
	cl2.Free()
	require.Equal(t, 0, p.InUse())
	require.Equal(t, 0, cp.InUse())
	set.Close()
	c.Close()
}

// TestCloneExhaustion: a clone that cannot get every segment takes none and
// leaves the references as they were.
func TestCloneExhaustion(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 8, DataRoomSize: 128 + 64})
	cp := newTestPktPool(t, PktPoolConfig{N: 2, DataRoomSize: 128})
	m := chainOf(t, p, 1, 2, 3)
	cl, err := m.Clone(cp, nil)
	require.ErrorIs(t, err, ErrNoEntries)
	require.Nil(t, cl)
	require.Equal(t, 0, cp.InUse())
	for s := m; s != nil; s = s.Next() {
		require.Equal(t, 1, s.RefCnt())
	}
	held := cp.Alloc(nil)
	held2 := cp.Alloc(nil)
	_, err = m.Clone(cp, nil)
	require.ErrorIs(t, err, ErrNoEntries, "empty pool")
	held.Free()
	held2.Free()
	_, err = m.Clone(newTestPool(t, 4, 0), nil)
	require.ErrorIs(t, err, ErrInvalid, "not an mbuf pool")
	require.NoError(t, m.Check())
	m.Free()
	require.Equal(t, 0, p.InUse())
}

// TestCloneConcurrentFree frees many clones of one packet from several
// goroutines, and the original from another: the direct mbufs go back to their
// pool exactly once, whoever drops the last reference.
func TestCloneConcurrentFree(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 64, DataRoomSize: 128 + 256})
	cp := newTestPktPool(t, PktPoolConfig{N: 1023, CacheSize: 32, DataRoomSize: 128})
	const clones, workers = 96, 4
	for round := 0; round < 50; round++ {
		m := chainOf(t, p, 100, 200, 50)
		want := pktBytes(t, m)
		cls := make([]*Mbuf, clones)
		for i := range cls {
			var err error
			cls[i], err = m.Clone(cp, nil)
			require.NoError(t, err)
		}
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				var set CacheSet
				defer set.Close()
				for i := w; i < clones; i += workers {
					if !bytes.Equal(want, pktBytes(t, cls[i])) {
						t.Errorf("clone %d: data changed", i)
					}
					if i%2 == 0 {
						cls[i].Free()
					} else {
						set.Free(cls[i])
					}
				}
			}(w)
		}
		wg.Add(1)
		go func() { defer wg.Done(); m.Free() }()
		wg.Wait()
		require.Equal(t, 0, p.InUse(), "round %d", round)
		require.Equal(t, 0, cp.InUse(), "round %d", round)
	}
}
