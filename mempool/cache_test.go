package mempool

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// dpdkModel is DPDK 22.11's rte_mempool_do_generic_get/put written out with
// plain slices (a stack for the cache, a FIFO for the ring backend), to check
// the Cache against step by step.
type dpdkModel struct {
	size, flush int
	cache       []uint32 // bottom .. top
	ring        []uint32 // head .. tail
}

func (m *dpdkModel) dequeue(n int) ([]uint32, bool) {
	if n > len(m.ring) {
		return nil, false
	}
	out := slices.Clone(m.ring[:n])
	m.ring = m.ring[n:]
	return out, true
}

// get returns the objects in DPDK's order (top of the cache first).
func (m *dpdkModel) get(n int) ([]uint32, bool) {
	var out []uint32
	take := min(n, len(m.cache))
	for i := 0; i < take; i++ {
		out = append(out, m.cache[len(m.cache)-1-i])
	}
	saved := slices.Clone(m.cache)
	m.cache = m.cache[:len(m.cache)-take]
	remaining := n - take
	if remaining == 0 {
		return out, true
	}
	if remaining <= CacheMaxSize {
		if fill, ok := m.dequeue(m.size + remaining); ok {
			for i := m.size + remaining - 1; i >= m.size; i-- {
				out = append(out, fill[i])
			}
			m.cache = fill[:m.size]
			return out, true
		}
	}
	rest, ok := m.dequeue(remaining)
	if !ok {
		m.cache = saved
		return nil, false
	}
	return append(out, rest...), true
}

func (m *dpdkModel) put(objs []uint32) {
	if len(objs) > m.flush {
		m.ring = append(m.ring, objs...)
		return
	}
	if len(m.cache)+len(objs) > m.flush {
		m.ring = append(m.ring, m.cache...)
		m.cache = m.cache[:0]
	}
	m.cache = append(m.cache, objs...)
}

func sorted(s []uint32) []uint32 {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestCacheMatchesDPDK runs random gets and puts (1..600 objects, so that some
// are above CacheMaxSize and above the flush threshold, and some fail) through
// a cache and through the model of DPDK's code, and compares after every step:
// the objects handed out (as a set: within one bulk DPDK hands the block on
// top of the stack out top first, we hand it out in stack order), the cache's
// content in order, and the backend's content in order.
func TestCacheMatchesDPDK(t *testing.T) {
	for _, size := range []int{1, 7, 32, 256, CacheMaxSize} {
		n := 2047
		p := newTestPool(t, n, size)
		c := p.NewCache()
		m := &dpdkModel{size: size, flush: size * 3 / 2}
		for i := 0; i < n; i++ {
			m.ring = append(m.ring, uint32(i))
		}
		rng := rand.New(rand.NewPCG(uint64(size), 3))
		var held []uint32
		for step := 0; step < 3000; step++ {
			k := 1 + rng.IntN(40)
			if rng.IntN(10) == 0 {
				k = 1 + rng.IntN(600)
			}
			if rng.IntN(2) == 0 {
				got := make([]uint32, k)
				err := p.GetBulk(c, got)
				want, ok := m.get(k)
				require.Equal(t, ok, err == nil, "size %d step %d: get %d", size, step, k)
				if ok {
					require.Equal(t, sorted(want), sorted(got), "size %d step %d: get %d", size, step, k)
					held = append(held, got...)
				}
			} else if len(held) > 0 {
				k = min(k, len(held))
				i := rng.IntN(len(held) - k + 1)
				objs := slices.Clone(held[i : i+k])
				held = slices.Delete(held, i, i+k)
				p.PutBulk(c, objs)
				m.put(objs)
			}
			require.Equal(t, append([]uint32{}, m.cache...), append([]uint32{}, c.objs[:c.len]...), "size %d step %d: cache content", size, step)
			require.Equal(t, len(m.ring), p.backendCount(), "size %d step %d: ring count", size, step)
		}
		p.PutBulk(c, held)
		m.put(held)
		c.Flush()
		m.ring = append(m.ring, m.cache...)
		rest := make([]uint32, n)
		require.NoError(t, p.GetBulk(nil, rest))
		require.Equal(t, m.ring, rest, "size %d: backend content in order", size)
		p.PutBulk(nil, rest)
		c.Close()
	}
}

// TestCacheGetRules checks DPDK's get rule at its edges, one by one.
func TestCacheGetRules(t *testing.T) {
	p := newTestPool(t, 2047, 64)
	c := p.NewCache()
	defer c.Close()
	objs := make([]uint32, 1200)

	// Empty cache, get 1: one dequeue of size + 1 = 65; 64 stay.
	require.NoError(t, p.GetBulk(c, objs[:1]))
	require.Equal(t, 64, c.Len())
	require.Equal(t, 2047-65, ringCount(p, c))
	require.Equal(t, uint32(64), objs[0], "served from the top of the refill")

	// 64 cached, get 600: the cache gives its 64, the shortfall 536 is above
	// CacheMaxSize, so it comes straight from the ring; the cache is left empty.
	require.NoError(t, p.GetBulk(c, objs[1:601]))
	require.Equal(t, 0, c.Len())
	require.Equal(t, 2047-65-536, ringCount(p, c))

	// Empty cache, get 512 (shortfall at the limit): one dequeue of 64 + 512.
	require.NoError(t, p.GetBulk(c, objs[601:1113]))
	require.Equal(t, 64, c.Len())
	left := 2047 - 65 - 536 - 576
	require.Equal(t, left, ringCount(p, c))

	// The ring cannot refill size + shortfall: leave 70 in it, then get 87
	// with 64 cached: the shortfall is 23, a refill of 64 + 23 = 87 > 70
	// fails, so the 23 come straight from the ring.
	rest := make([]uint32, left-70)
	require.NoError(t, p.GetBulk(nil, rest))
	require.NoError(t, p.GetBulk(c, objs[1113:1200]))
	require.Equal(t, 0, c.Len())
	require.Equal(t, 70-23, ringCount(p, c))

	// Failure: 47 in the ring, 0 cached; get 48 fails and changes nothing.
	fail := p.Stats().GetFailBulk
	require.ErrorIs(t, p.GetBulk(c, make([]uint32, 48)), ErrNoEntries)
	require.Equal(t, fail+1, p.Stats().GetFailBulk)
	require.Equal(t, 47, ringCount(p, c))

	// Failure with objects in the cache: they stay there.
	p.PutBulk(c, objs[:10])
	require.ErrorIs(t, p.GetBulk(c, make([]uint32, 58)), ErrNoEntries)
	require.Equal(t, 10, c.Len())
	require.Equal(t, 47, ringCount(p, c))
	last := make([]uint32, 57)
	require.NoError(t, p.GetBulk(c, last), "10 cached + 47 straight from the ring")
	require.Equal(t, 0, c.Len())
	require.Equal(t, 0, ringCount(p, c))
	require.Equal(t, 0, p.AvailCount())

	p.PutBulk(nil, objs[10:1200])
	p.PutBulk(nil, last)
	p.PutBulk(nil, rest)
	require.Equal(t, 0, p.InUse())
}

// TestUserOwnedCache checks NewCacheSize (rte_mempool_cache_create) on a pool
// without a cache of its own.
func TestUserOwnedCache(t *testing.T) {
	p := newTestPool(t, 1000, 0)
	require.Nil(t, p.NewCache())
	for _, bad := range []int{0, -1, CacheMaxSize + 1} {
		_, err := p.NewCacheSize(bad)
		require.ErrorIs(t, err, ErrInvalid)
	}
	c, err := p.NewCacheSize(100)
	require.NoError(t, err)
	require.Equal(t, 100, c.Size())
	objs := make([]uint32, 10)
	require.NoError(t, p.GetBulk(c, objs))
	require.Equal(t, 100, c.Len())
	require.Equal(t, 990, p.AvailCount(), "a user-owned cache counts as free too")
	p.PutBulk(c, objs)
	require.Equal(t, 110, c.Len())
	c.Close()
	require.Equal(t, 1000, ringCount(p))
}
