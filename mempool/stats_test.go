package mempool

import (
	"bytes"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStats(t *testing.T) {
	p := newTestPool(t, 500, 32) // flush threshold 48
	require.Equal(t, PoolStats{}, p.Stats())
	c := p.NewCache()
	objs := make([]uint32, 200)

	// Miss: refill 32 + 10 from the ring.
	require.NoError(t, p.GetBulk(c, objs[:10]))
	// Hit: 5 of the 32 cached.
	require.NoError(t, p.GetBulk(c, objs[10:15]))
	// Uncached get of 20.
	require.NoError(t, p.GetBulk(nil, objs[15:35]))
	// Failures: 1000 through the cache, 600 without.
	require.ErrorIs(t, p.GetBulk(c, make([]uint32, 1000)), ErrNoEntries)
	require.ErrorIs(t, p.GetBulk(nil, make([]uint32, 600)), ErrNoEntries)
	want := PoolStats{
		GetCommonPoolBulk: 2, GetCommonPoolObjs: 42 + 20,
		GetSuccessBulk: 3, GetSuccessObjs: 35,
		GetCacheHitBulk: 1, GetCacheHitObjs: 5,
		GetFailBulk: 2, GetFailObjs: 1600,
	}
	require.Equal(t, want, p.Stats())
	require.Equal(t, uint64(2), p.AllocFailures())

	// Puts: 15 into the cache (27 + 15 = 42 <= 48), then 10 (52 > 48: flush
	// 42, keep 10), then 50 > 48 straight to the ring, then 10 uncached.
	require.NoError(t, p.GetBulk(nil, objs[35:85]))
	p.PutBulk(c, objs[:15])
	p.PutBulk(c, objs[15:25])
	p.PutBulk(c, objs[35:85])
	p.PutBulk(nil, objs[25:35])
	want.GetCommonPoolBulk++
	want.GetCommonPoolObjs += 50
	want.GetSuccessBulk++
	want.GetSuccessObjs += 50
	want.PutBulk, want.PutObjs = 4, 85
	want.PutCommonPoolBulk, want.PutCommonPoolObjs = 3, 42+50+10
	require.Equal(t, want, p.Stats())

	// A closed cache's counters stay (its flush of 10 counts too).
	c.Close()
	want.PutCommonPoolBulk++
	want.PutCommonPoolObjs += 10
	require.Equal(t, want, p.Stats())
	require.Equal(t, 0, p.InUse())

	var buf bytes.Buffer
	require.NoError(t, p.Dump(&buf))
	for _, s := range []string{"mempool <" + p.Name() + ">", "ops=ring_mp_mc", "size=500", "cache_size=32",
		"get_success_objs=85", "get_cache_hit_bulk=1", "get_fail_objs=1600", "put_common_pool_objs=112", "avail_count=500"} {
		require.Contains(t, buf.String(), s)
	}
}

// TestStatsConcurrent: owners count in their caches without atomics; the sums
// are exact once they are done. Run it with -race.
func TestStatsConcurrent(t *testing.T) {
	p := newTestPool(t, 2047, 64)
	const workers, iters, burst = 4, 2000, 16
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var c *Cache
			if w > 0 {
				c = p.NewCache()
				defer c.Close()
			}
			objs := make([]uint32, burst)
			for i := 0; i < iters; i++ {
				if p.GetBulk(c, objs) != nil {
					t.Error("pool empty")
					return
				}
				p.PutBulk(c, objs)
				_ = p.Stats() // readers while owners run
			}
		}(w)
	}
	wg.Wait()
	s := p.Stats()
	require.Equal(t, uint64(workers*iters), s.GetSuccessBulk)
	require.Equal(t, uint64(workers*iters*burst), s.GetSuccessObjs)
	require.Equal(t, uint64(workers*iters), s.PutBulk)
	require.Equal(t, uint64(workers*iters*burst), s.PutObjs)
	require.Zero(t, s.GetFailBulk)
	// Each cache misses once (the first refill of 64 + 16), then holds 64 to
	// 80 objects: every later get is a hit.
	require.Equal(t, uint64((workers-1)*(iters-1)), s.GetCacheHitBulk)
	require.Equal(t, uint64(workers-1+iters), s.GetCommonPoolBulk)
}
