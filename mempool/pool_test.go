package mempool

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/eal"
)

var poolSeq atomic.Int32

// testName returns a pool name unique to this process.
func testName(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, poolSeq.Add(1))
}

// newTestPool makes a plain object pool and closes it at cleanup, checking that
// every object came back.
func newTestPool(t testing.TB, n, cacheSize int) *Pool {
	t.Helper()
	p, err := New(testName("t"), Config{N: n, EltSize: 64, CacheSize: cacheSize, Socket: SocketAny})
	require.NoError(t, err)
	t.Cleanup(func() {
		require.Equal(t, 0, p.InUse(), "objects not returned to pool %s", p.Name())
		require.NoError(t, p.Close())
	})
	return p
}

// newTestPktPool makes an mbuf pool and closes it at cleanup, checking that every
// mbuf came back.
func newTestPktPool(t testing.TB, cfg PktPoolConfig) *Pool {
	t.Helper()
	if cfg.Socket == 0 {
		cfg.Socket = SocketAny
	}
	p, err := NewPktPool(testName("m"), cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.Equal(t, 0, p.InUse(), "mbufs not returned to pool %s", p.Name())
		require.NoError(t, p.Close())
	})
	return p
}

// ringCount is the number of free objects in the shared ring, observed through
// the public API: AvailCount counts the ring and every cache.
func ringCount(p *Pool, caches ...*Cache) int {
	n := p.AvailCount()
	for _, c := range caches {
		n -= c.Len()
	}
	return n
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"", Config{N: 10, EltSize: 8}, "name must be 1..31 bytes"},
		{strings.Repeat("x", 32), Config{N: 10, EltSize: 8}, "name must be 1..31 bytes"},
		{"n0", Config{N: 0, EltSize: 8}, "0 objects"},
		{"nneg", Config{N: -1, EltSize: 8}, "-1 objects"},
		{"nbig", Config{N: 1 << 31, EltSize: 8}, "2147483648 objects"},
		{"elt0", Config{N: 10, EltSize: 0}, "element size 0"},
		{"cneg", Config{N: 10, EltSize: 8, CacheSize: -1}, "cache size -1"},
		{"cbig", Config{N: 4096, EltSize: 8, CacheSize: CacheMaxSize + 1}, "cache size 513"},
		// 1.5 x 512 = 768 > 767.
		{"c15", Config{N: 767, EltSize: 8, CacheSize: 512}, "cache size 512"},
		// 1.5 x 10 = 15 > 14.
		{"c15b", Config{N: 14, EltSize: 8, CacheSize: 10}, "cache size 10"},
	}
	for _, c := range cases {
		p, err := New(c.name, c.cfg)
		require.True(t, p == nil, c.name)
		require.ErrorIs(t, err, ErrInvalid, c.name)
		require.ErrorContains(t, err, c.want, c.name)
	}

	// The limits themselves are accepted: a 31-byte name, 1.5 x cache == N, the
	// largest cache.
	for _, cfg := range []Config{
		{N: 768, EltSize: 8, CacheSize: CacheMaxSize},
		{N: 15, EltSize: 8, CacheSize: 10},
		// 1.5 x 7 = 10.5 truncates to 10, as DPDK's CALC_CACHE_FLUSHTHRESH does.
		{N: 10, EltSize: 8, CacheSize: 7},
		{N: 1, EltSize: 1},
	} {
		p, err := New(strings.Repeat("y", 20)+testName("ok"), cfg)
		require.NoError(t, err)
		require.Equal(t, cfg.N, p.Size())
		require.Equal(t, cfg.N, p.AvailCount())
		require.Equal(t, cfg.CacheSize, p.CacheSize())
		require.Equal(t, 64, p.EltStride(), "stride rounded up to a cache line")
		require.False(t, p.IsPktPool())
		require.NoError(t, p.Close())
	}
}

func TestNewPktPoolErrors(t *testing.T) {
	cases := []struct {
		cfg  PktPoolConfig
		want string
	}{
		{PktPoolConfig{N: 10, PrivSize: 4}, "private size 4 must be a multiple of 8"},
		{PktPoolConfig{N: 10, PrivSize: 12}, "private size 12"},
		{PktPoolConfig{N: 10, PrivSize: -8}, "private size -8"},
		{PktPoolConfig{N: 10, DataRoomSize: -1}, "data room -1"},
		{PktPoolConfig{N: 10, DataRoomSize: 0x10000}, "data room 65536"},
		{PktPoolConfig{N: 0}, "0 objects"},
		{PktPoolConfig{N: 10, CacheSize: 8}, "cache size 8"},
		{PktPoolConfig{N: 1000, CacheSize: 513}, "cache size 513"},
	}
	for _, c := range cases {
		p, err := NewPktPool(testName("bad"), c.cfg)
		require.True(t, p == nil, c.want)
		require.ErrorIs(t, err, ErrInvalid, c.want)
		require.ErrorContains(t, err, c.want)
	}
	_, err := NewPktPool(strings.Repeat("z", 32), PktPoolConfig{N: 10})
	require.ErrorIs(t, err, ErrInvalid)

	// Defaults: DPDK's 2176-byte buffer with 128 bytes of headroom; element =
	// header + priv + room, rounded up to a cache line.
	p := newTestPktPool(t, PktPoolConfig{N: 7, PrivSize: 8})
	require.True(t, p.IsPktPool())
	require.Equal(t, DefaultBufSize, p.DataRoomSize())
	require.Equal(t, (MbufHeaderSize+8+DefaultBufSize+63)&^63, p.EltStride())
}

func TestGetBulkAllOrNothingNoCache(t *testing.T) {
	p := newTestPool(t, 100, 0)
	require.Nil(t, p.NewCache(), "a pool without cache gives nil caches")

	a := make([]uint32, 60)
	require.NoError(t, p.GetBulk(nil, a))
	require.Equal(t, 40, p.AvailCount())
	require.Equal(t, 60, p.InUse())
	seen := map[uint32]bool{}
	for _, i := range a {
		require.Less(t, i, uint32(100))
		require.False(t, seen[i], "object %d handed out twice", i)
		seen[i] = true
	}

	// 41 > 40: nothing is taken, the failure is counted.
	b := make([]uint32, 41)
	for i := range b {
		b[i] = 0xdead
	}
	require.ErrorIs(t, p.GetBulk(nil, b), ErrNoEntries)
	require.Equal(t, uint64(1), p.AllocFailures())
	require.Equal(t, 40, p.AvailCount())
	require.Equal(t, uint32(0xdead), b[0], "a failed get writes nothing")

	// Exactly what is left succeeds; then even one fails.
	require.NoError(t, p.GetBulk(nil, b[:40]))
	require.Equal(t, 0, p.AvailCount())
	require.ErrorIs(t, p.GetBulk(nil, b[:1]), ErrNoEntries)
	require.Equal(t, uint64(2), p.AllocFailures())
	require.True(t, !p.Full())

	p.PutBulk(nil, a)
	p.PutBulk(nil, b[:40])
	require.True(t, p.Full())
	require.Equal(t, 100, p.AvailCount())
}

func TestGetBulkAllOrNothingCache(t *testing.T) {
	p := newTestPool(t, 100, 32)
	c := p.NewCache()
	require.NotNil(t, c)
	require.Same(t, p, c.Pool())
	defer c.Close()

	// First get of 10 refills the cache with size + shortfall = 32 + 10 from the
	// ring, hands out 10 and keeps 32.
	a := make([]uint32, 10)
	require.NoError(t, p.GetBulk(c, a))
	require.Equal(t, 32, c.Len())
	require.Equal(t, 100-42, ringCount(p, c))

	// 100 - 10 = 90 free (58 ring + 32 cache): 91 fails and changes nothing.
	big := make([]uint32, 91)
	require.ErrorIs(t, p.GetBulk(c, big), ErrNoEntries)
	require.Equal(t, uint64(1), p.AllocFailures())
	require.Equal(t, 32, c.Len())
	require.Equal(t, 58, ringCount(p, c))
	require.Equal(t, 10, p.InUse())

	// 90 succeeds: the ring cannot refill a whole cache (32 + 58) but has the
	// shortfall (58), so cache and ring together serve it.
	require.NoError(t, p.GetBulk(c, big[:90]))
	require.Equal(t, 0, c.Len())
	require.Equal(t, 0, ringCount(p, c))
	require.Equal(t, 100, p.InUse())
	require.ErrorIs(t, p.GetBulk(c, a[:1]), ErrNoEntries)
	require.Equal(t, uint64(2), p.AllocFailures())

	seen := map[uint32]bool{}
	for _, i := range append(append([]uint32{}, a...), big[:90]...) {
		require.False(t, seen[i], "object %d handed out twice", i)
		seen[i] = true
	}
	p.PutBulk(c, a)
	p.PutBulk(c, big[:90])
	c.Flush()
	require.Equal(t, 0, c.Len())
	require.True(t, p.Full())
}

func TestCacheGetServedFromCache(t *testing.T) {
	p := newTestPool(t, 1000, 64)
	c := p.NewCache()
	defer c.Close()

	objs := make([]uint32, 64)
	require.NoError(t, p.GetBulk(c, objs[:1])) // refill: 64 + 1 from the ring
	require.Equal(t, 64, c.Len())
	require.Equal(t, 1000-65, ringCount(p, c))

	// Gets the cache can serve leave the ring alone and come out LIFO.
	p.PutBulk(c, objs[:1])
	require.Equal(t, 65, c.Len())
	last := objs[0]
	require.NoError(t, p.GetBulk(c, objs[:1]))
	require.Equal(t, last, objs[0], "the most recently put object comes out first")
	require.NoError(t, p.GetBulk(c, objs[1:64]))
	require.Equal(t, 1, c.Len())
	require.Equal(t, 1000-65, ringCount(p, c), "served from the cache, ring untouched")

	// Short by 9: one ring dequeue of cache size + shortfall = 64 + 9.
	more := make([]uint32, 10)
	require.NoError(t, p.GetBulk(c, more))
	require.Equal(t, 64, c.Len())
	require.Equal(t, 1000-65-73, ringCount(p, c))

	// A request larger than CacheMaxSize bypasses the cache.
	huge := make([]uint32, CacheMaxSize+1)
	require.NoError(t, p.GetBulk(c, huge))
	require.Equal(t, 64, c.Len())
	require.Equal(t, 1000-65-73-513, ringCount(p, c))

	p.PutBulk(nil, huge)
	p.PutBulk(c, more)
	p.PutBulk(c, objs)
	c.Close()
	require.Equal(t, 1000, p.AvailCount())
	require.True(t, p.Full())
}

func TestCachePutFlushRule(t *testing.T) {
	// Cache size 32: flush threshold 48.
	p := newTestPool(t, 500, 32)
	c := p.NewCache()
	defer c.Close()
	objs := make([]uint32, 200)
	require.NoError(t, p.GetBulk(nil, objs))
	require.Equal(t, 300, ringCount(p, c))

	put := func(n int) { p.PutBulk(c, objs[:n]); objs = objs[n:] }

	put(40) // 0 + 40 <= 48: kept
	require.Equal(t, 40, c.Len())
	require.Equal(t, 300, ringCount(p, c))
	put(8) // 40 + 8 = 48 <= 48: kept
	require.Equal(t, 48, c.Len())
	require.Equal(t, 300, ringCount(p, c))
	put(1) // 48 + 1 > 48: the whole cache (48) goes to the ring, the new one stays
	require.Equal(t, 1, c.Len())
	require.Equal(t, 348, ringCount(p, c))
	put(48) // 1 + 48 > 48: flush 1, keep 48
	require.Equal(t, 48, c.Len())
	require.Equal(t, 349, ringCount(p, c))
	put(49) // n > flush threshold: straight to the ring, cache untouched
	require.Equal(t, 48, c.Len())
	require.Equal(t, 398, ringCount(p, c))
	put(48) // exactly the threshold: flush 48, keep 48
	require.Equal(t, 48, c.Len())
	require.Equal(t, 446, ringCount(p, c))
	put(6)
	require.Equal(t, 6, c.Len())
	require.Equal(t, 494, ringCount(p, c))
	require.Empty(t, objs)
	require.Equal(t, 500, p.AvailCount())
	require.Equal(t, 0, p.InUse())

	c.Flush()
	require.Equal(t, 0, c.Len())
	require.Equal(t, 500, ringCount(p, c))
}

func TestInUseExact(t *testing.T) {
	p := newTestPool(t, 1023, 64)
	c1, c2 := p.NewCache(), p.NewCache()
	var held [][]uint32
	out := 0
	take := func(c *Cache, n int) {
		objs := make([]uint32, n)
		require.NoError(t, p.GetBulk(c, objs))
		held = append(held, objs)
		out += n
		require.Equal(t, out, p.InUse())
		require.Equal(t, 1023-out, p.AvailCount())
	}
	give := func(c *Cache) {
		objs := held[0]
		held = held[1:]
		p.PutBulk(c, objs)
		out -= len(objs)
		require.Equal(t, out, p.InUse())
	}
	take(c1, 5)
	take(c2, 100)
	take(nil, 7)
	take(c1, 600)
	give(c2) // 5 from c1 back through c2
	take(c2, 1)
	give(nil)
	give(c1)
	take(c1, 96)
	give(c2)
	give(c1)
	give(c1)
	require.Equal(t, 0, p.InUse())
	c1.Close()
	require.Equal(t, 0, p.InUse())
	c2.Flush()
	require.Equal(t, 0, c2.Len())
	require.Equal(t, 0, p.InUse())
	c2.Close()
	c2.Close() // twice is harmless
	var nilCache *Cache
	nilCache.Flush()
	nilCache.Close()
}

func TestCloseInUse(t *testing.T) {
	p, err := NewPktPool(testName("close"), PktPoolConfig{N: 63, CacheSize: 8, Socket: SocketAny})
	require.NoError(t, err)
	id := p.ID()
	require.NotZero(t, id)
	c := p.NewCache()
	m := p.Alloc(c)
	require.NotNil(t, m)
	n := p.Alloc(nil)
	require.NotNil(t, n)

	err = p.Close()
	require.ErrorIs(t, err, ErrInUse)
	require.ErrorContains(t, err, "2 of 63 objects")
	require.Same(t, p, m.Pool(), "a failed Close keeps the pool registered")

	m.Free()
	err = p.Close()
	require.ErrorIs(t, err, ErrInUse)
	require.ErrorContains(t, err, "1 of 63")
	n.Free()
	require.NoError(t, p.Close())
	require.Nil(t, poolByID(id), "the id is released")
	require.NoError(t, p.Close(), "closing twice is harmless")
	c.Close()
}

func TestLcoreCacheAndIndexOf(t *testing.T) {
	p := newTestPool(t, 100, 8)
	require.Nil(t, p.LcoreCache(nil))
	l3, l5 := eal.NewLcore(3, eal.CPUSet{}, 0), eal.NewLcore(5, eal.CPUSet{}, 0)
	c3 := p.LcoreCache(l3)
	require.NotNil(t, c3)
	require.Same(t, c3, p.LcoreCache(l3), "one cache per lcore, created once")
	require.NotSame(t, c3, p.LcoreCache(l5))
	objs := make([]uint32, 4)
	require.NoError(t, p.GetBulk(c3, objs))
	p.PutBulk(c3, objs)
	require.Equal(t, 12, c3.Len())
	require.Equal(t, 100, p.AvailCount(), "lcore caches count as free")
	require.Nil(t, newTestPool(t, 10, 0).LcoreCache(l3), "no cache for a pool without caches")
	q := newTestPool(t, 100, 0)
	o := q.Object(3)
	idx, ok := q.IndexOf(uintptr(o))
	require.True(t, ok)
	require.Equal(t, uint32(3), idx)
	idx, ok = q.IndexOf(uintptr(o) + 63)
	require.True(t, ok)
	require.Equal(t, uint32(3), idx)
	_, ok = q.IndexOf(uintptr(q.Object(0)) - 1)
	require.False(t, ok)
	_, ok = q.IndexOf(uintptr(q.Object(99)) + uintptr(q.EltStride()))
	require.False(t, ok)
	require.True(t, q.Segment().Contains(uintptr(q.Object(99)), q.EltStride()))
}

func TestObjInit(t *testing.T) {
	var calls []uint32
	p, err := New(testName("init"), Config{N: 10, EltSize: 8, Socket: SocketAny, ObjInit: func(obj unsafe.Pointer, idx uint32) {
		calls = append(calls, idx)
		*(*uint64)(obj) = uint64(idx) * 7
	}})
	require.NoError(t, err)
	require.Equal(t, []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, calls)
	for i := uint32(0); i < 10; i++ {
		require.Equal(t, uint64(i)*7, *(*uint64)(p.Object(i)))
	}
	// The ring is filled in index order: the first gets return 0, 1, 2.
	objs := make([]uint32, 3)
	require.NoError(t, p.GetBulk(nil, objs))
	require.Equal(t, []uint32{0, 1, 2}, objs)
	p.PutBulk(nil, objs)
	require.NoError(t, p.Close())
}
