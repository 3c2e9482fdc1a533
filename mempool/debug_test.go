package mempool

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/eal"
)

// debugPanic runs f, which must panic with a *DebugError of the given kind, and
// returns it.
func debugPanic(t *testing.T, kind error, f func()) (de *DebugError) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		require.NotNil(t, r, "no panic")
		var ok bool
		de, ok = r.(*DebugError)
		require.True(t, ok, "panic value %T %v is not a *DebugError", r, r)
		require.ErrorIs(t, de, kind)
	}()
	f()
	return nil
}

func newDebugPool(t *testing.T, n, eltSize, cacheSize int, ops string) *Pool {
	t.Helper()
	p, err := New(testName("dbg"), Config{N: n, EltSize: eltSize, CacheSize: cacheSize, Socket: SocketAny, Ops: ops, Debug: true})
	require.NoError(t, err)
	t.Cleanup(func() {
		require.Equal(t, 0, p.InUse(), "objects not returned to pool %s", p.Name())
		require.NoError(t, p.Close())
	})
	return p
}

func newDebugPktPool(t *testing.T, n, cacheSize int) *Pool {
	t.Helper()
	return newTestPktPool(t, PktPoolConfig{N: n, CacheSize: cacheSize, Debug: true})
}

// objName is how debug errors name object idx of p.
func objName(p *Pool, idx uint32) string {
	what := "object"
	if p.IsPktPool() {
		what = "mbuf"
	}
	return fmt.Sprintf("%s #%d at %#x of pool %q (id %d)", what, idx, uintptr(p.Object(idx)), p.Name(), p.ID())
}

func TestDebugLayout(t *testing.T) {
	p := newDebugPool(t, 10, 64, 0, "")
	require.True(t, p.Debug())
	require.Equal(t, 128, p.EltStride(), "64 bytes + the 8-byte trailer, rounded up to a cache line")
	q := newTestPool(t, 10, 0)
	require.Equal(t, debugAll, q.Debug())
	m := newDebugPktPool(t, 10, 0)
	require.True(t, m.Debug())
	require.Equal(t, (MbufHeaderSize+DefaultBufSize+trailerSize+63)&^63, m.EltStride())
}

// TestDebugDoubleFree: an object or mbuf freed twice, by every free call, with
// and without a cache, on every kind of backend.
func TestDebugDoubleFree(t *testing.T) {
	for _, ops := range []string{OpsRingMPMC, OpsStack, OpsLFStack} {
		for _, cacheSize := range []int{0, 8} {
			p := newDebugPool(t, 64, 32, cacheSize, ops)
			c := p.NewCache()
			objs := make([]uint32, 4)
			require.NoError(t, p.GetBulk(c, objs))
			p.PutBulk(c, objs[1:2])
			de := debugPanic(t, ErrDoubleFree, func() { p.PutBulk(c, objs[:2]) })
			require.Equal(t, objs[1], de.Index)
			require.Equal(t, "PutBulk", de.Op)
			require.Equal(t, fmt.Sprintf("mempool debug: double free: PutBulk: %s: it is already free", objName(p, objs[1])), de.Error())
			require.Equal(t, 3, p.InUse(), "a failed put puts nothing of its bulk")

			// The same object twice in one bulk.
			de = debugPanic(t, ErrDoubleFree, func() { p.PutBulk(nil, []uint32{objs[0], objs[2], objs[0]}) })
			require.Contains(t, de.Error(), "appears twice in this bulk")
			require.Equal(t, 3, p.InUse())

			p.PutBulk(c, []uint32{objs[0], objs[2], objs[3]})
			require.Equal(t, 0, p.InUse())
			debugPanic(t, ErrDoubleFree, func() { p.PutBulk(nil, objs[3:]) })
			c.Close()
		}
	}

	m := newDebugPktPool(t, 63, 8)
	var set CacheSet
	defer set.Close()
	for _, free := range []struct {
		op string
		fn func(*Mbuf)
	}{
		{"Mbuf.Free", func(mb *Mbuf) { mb.Free() }},
		{"CacheSet.FreeBulk", func(mb *Mbuf) { set.Free(mb) }},
		{"CacheSet.FreeBulk", func(mb *Mbuf) { FreeBulk([]*Mbuf{mb}) }},
	} {
		mb := m.Alloc(set.Cache(m))
		require.NotNil(t, mb)
		free.fn(mb)
		de := debugPanic(t, ErrDoubleFree, func() { free.fn(mb) })
		require.Equal(t, free.op, de.Op)
		require.True(t, de.Mbuf)
		require.Equal(t, fmt.Sprintf("mempool debug: double free: %s: %s: it is already free", free.op, objName(m, mb.Index())), de.Error())
		require.Equal(t, 0, m.InUse())
	}
}

// TestDebugUseAfterFree: an object or mbuf written while free is caught at the
// next get, which then puts its bulk back; the pool stays usable.
func TestDebugUseAfterFree(t *testing.T) {
	p := newDebugPool(t, 64, 48, 16, "")
	c := p.NewCache()
	defer c.Close()
	objs := make([]uint32, 3)
	require.NoError(t, p.GetBulk(c, objs))
	obj := (*[48]byte)(p.Object(objs[2]))
	obj[5] = 0x11
	p.PutBulk(c, objs)
	obj[5] = 0x22 // after free
	de := debugPanic(t, ErrUseAfterFree, func() { _ = p.GetBulk(c, objs[:1]) })
	require.Equal(t, fmt.Sprintf("mempool debug: use after free: GetBulk: %s: object byte 5 changed from 0x11 to 0x22 while the object was free", objName(p, objs[2])), de.Error())
	require.Equal(t, 0, p.InUse(), "the failed get gave its bulk back")
	got := make([]uint32, 64)
	require.NoError(t, p.GetBulk(c, got), "the object was re-armed: every object can be taken again")
	require.Equal(t, byte(0x22), obj[5], "contents are kept, not poisoned, in plain pools")
	p.PutBulk(c, got)

	// Mbufs: a header field set after free.
	m := newDebugPktPool(t, 63, 8)
	var set CacheSet
	defer set.Close()
	mb := m.Alloc(set.Cache(m))
	mb.Free()
	mb.SetPort(7)
	var taken []*Mbuf
	de = debugPanic(t, ErrUseAfterFree, func() {
		for i := 0; i < 63; i++ {
			taken = append(taken, m.Alloc(nil)) // the freed mbuf went to the tail of the ring
		}
	})
	require.True(t, de.Mbuf)
	require.Equal(t, mb.Index(), de.Index)
	require.Contains(t, de.Error(), fmt.Sprintf("%s: header or private area byte 16 changed from 0xff to 0x07", objName(m, mb.Index())))
	FreeBulk(taken)
	require.Equal(t, 0, m.InUse())

	// Mbufs: data written after free; and a freed mbuf reads as poison.
	c2 := set.Cache(m)
	mb = m.Alloc(c2)
	set.Free(mb)
	require.Equal(t, byte(poisonByte), mb.Buf()[100], "freed data reads as poison")
	mb.Buf()[300] = 1
	de = debugPanic(t, ErrUseAfterFree, func() { m.Alloc(c2) })
	require.Contains(t, de.Error(), "data buffer byte 300 is 0x01, not the poison 0x6b: written while the mbuf was free")
	require.Equal(t, 0, m.InUse())

	// CheckMbuf: the check mbuf code can make before touching an mbuf.
	mb = m.Alloc(c2)
	require.NoError(t, CheckMbuf(mb))
	set.Free(mb)
	err := CheckMbuf(mb)
	require.ErrorIs(t, err, ErrUseAfterFree)
	require.ErrorContains(t, err, objName(m, mb.Index())+": the mbuf is free")
	de = debugPanic(t, ErrUseAfterFree, func() { debugCheckLive(mb, "Mbuf.Clone") })
	require.Equal(t, "Mbuf.Clone", de.Op)
}

// TestDebugOverflow: a write past the end of an object spoils its trailer
// cookie, caught when it is freed or (written while free) taken.
func TestDebugOverflow(t *testing.T) {
	p := newDebugPool(t, 16, 40, 0, "")
	objs := make([]uint32, 2)
	require.NoError(t, p.GetBulk(nil, objs))
	b := unsafe.Slice((*byte)(p.Object(objs[1])), 48)
	b[41] = 0 // 2 bytes past the end
	de := debugPanic(t, ErrOverflow, func() { p.PutBulk(nil, objs) })
	require.Contains(t, de.Error(), objName(p, objs[1])+": trailer cookie after its 40 bytes is ")
	require.Equal(t, 2, p.InUse())
	*(*uint64)(unsafe.Pointer(&b[40])) = trailerCookie
	p.PutBulk(nil, objs)

	all := make([]uint32, 16)
	b = unsafe.Slice((*byte)(p.Object(objs[1])), 48)
	b[47] ^= 0xff
	de = debugPanic(t, ErrOverflow, func() { _ = p.GetBulk(nil, all) })
	require.Contains(t, de.Error(), "written past its end while free")
	require.Equal(t, 0, p.InUse())
	require.NoError(t, p.GetBulk(nil, all), "re-armed")
	p.PutBulk(nil, all)
}

// TestDebugForeignPool: objects and mbufs given to a pool they do not belong
// to.
func TestDebugForeignPool(t *testing.T) {
	a := newDebugPool(t, 100, 16, 8, "")
	b := newDebugPool(t, 100, 16, 8, "")

	// An index the pool does not have.
	de := debugPanic(t, ErrForeignPool, func() { a.PutBulk(nil, []uint32{100}) })
	require.Equal(t, fmt.Sprintf("mempool debug: foreign-pool free: PutBulk: object #100 of pool %q (id %d): index 100 is not an object of this pool (it has 100)", a.Name(), a.ID()), de.Error())

	// A cache of another pool.
	cb := b.NewCache()
	defer cb.Close()
	objs := make([]uint32, 2)
	require.NoError(t, a.GetBulk(nil, objs))
	de = debugPanic(t, ErrForeignPool, func() { a.PutBulk(cb, objs) })
	require.Contains(t, de.Error(), fmt.Sprintf("PutBulk: %s: the cache belongs to pool %q (id %d)", objName(a, objs[0]), b.Name(), b.ID()))
	de = debugPanic(t, ErrForeignPool, func() { _ = a.GetBulk(cb, objs) })
	require.Contains(t, de.Error(), fmt.Sprintf("GetBulk: pool %q (id %d): the cache belongs to pool %q (id %d)", a.Name(), a.ID(), b.Name(), b.ID()))
	a.PutBulk(nil, objs)

	// An mbuf whose header was copied into another pool's mbuf: freeing the
	// copy would free pool A's mbuf, which its owner still holds.
	ma := newDebugPktPool(t, 31, 0)
	mb := newDebugPktPool(t, 31, 0)
	m1 := ma.Alloc(nil)
	m2 := mb.Alloc(nil)
	saved := *m2
	*m2 = *m1
	for _, free := range []struct {
		op string
		fn func()
	}{
		{"Mbuf.Free", func() { m2.Free() }},
		{"CacheSet.FreeBulk", func() { FreeBulk([]*Mbuf{m2}) }},
	} {
		de = debugPanic(t, ErrForeignPool, free.fn)
		require.Equal(t, fmt.Sprintf("mempool debug: foreign-pool free: %s: mbuf #%d at %#x of pool %q (id %d): "+
			"its header names this pool and index %d, but that mbuf is at %#x; the address is object #%d of pool %q (id %d)",
			free.op, m1.Index(), uintptr(unsafe.Pointer(m2)), ma.Name(), ma.ID(), m1.Index(), uintptr(unsafe.Pointer(m1)),
			m2.Index(), mb.Name(), mb.ID()), de.Error())
		require.Equal(t, 1, ma.InUse())
	}
	require.ErrorIs(t, CheckMbuf(m2), ErrForeignPool)
	*m2 = saved
	m1.Free()
	m2.Free()

	// A header that names no live pool (an Mbuf in Go memory).
	fake := new(Mbuf)
	fake.refcnt = 1
	fake.index = 3
	de = debugPanic(t, ErrForeignPool, func() { fake.Free() })
	require.Equal(t, fmt.Sprintf("mempool debug: foreign-pool free: Mbuf.Free: mbuf #3 at %#x of no live pool (id 0): "+
		"its header names no live pool; the address is in no pool", uintptr(unsafe.Pointer(fake))), de.Error())
}

// TestDebugOnLcore: on an lcore, a debug panic becomes the error Wait returns.
func TestDebugOnLcore(t *testing.T) {
	p := newDebugPool(t, 10, 8, 0, "")
	var cpus eal.CPUSet
	cpus.Set(0)
	l := eal.NewLcore(7, cpus, 0)
	require.NoError(t, l.Launch(func(*eal.Lcore) error {
		objs := []uint32{1}
		p.PutBulk(nil, objs)
		return nil
	}))
	err := l.Wait()
	require.Error(t, err)
	require.Contains(t, err.Error(), "double free: PutBulk: object #1")
}
