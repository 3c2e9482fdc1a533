package mempool

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoAllocs checks that the fast path allocates nothing: gets, puts, allocs and
// frees, with and without a cache, and CacheSet frees once the set's caches exist.
func TestNoAllocs(t *testing.T) {
	for _, cacheSize := range []int{0, 64} {
		p := newTestPktPool(t, PktPoolConfig{N: 1023, CacheSize: cacheSize})
		objPool := newTestPool(t, 1023, cacheSize)
		c := p.NewCache()
		oc := objPool.NewCache()
		ms := make([]*Mbuf, 32)
		objs := make([]uint32, 32)
		big := make([]*Mbuf, 100) // more than one internal batch
		var set CacheSet
		set.Free(p.Alloc(nil)) // creates the set's cache for p
		chain := func() *Mbuf {
			m := p.Alloc(c)
			_ = m.Chain(p.Alloc(c))
			return m
		}
		calls := map[string]func(){
			"GetBulk/PutBulk cache":  func() { _ = objPool.GetBulk(oc, objs); objPool.PutBulk(oc, objs) },
			"GetBulk/PutBulk ring":   func() { _ = objPool.GetBulk(nil, objs); objPool.PutBulk(nil, objs) },
			"Alloc/Free cache":       func() { p.Alloc(c).Free() },
			"Alloc/Free ring":        func() { p.Alloc(nil).Free() },
			"AllocBulk/FreeBulk":     func() { _ = p.AllocBulk(c, ms); FreeBulk(ms) },
			"AllocBulk/FreeBulk 100": func() { _ = p.AllocBulk(nil, big); FreeBulk(big) },
			"CacheSet.FreeBulk":      func() { _ = p.AllocBulk(set.Cache(p), ms); set.FreeBulk(ms) },
			"CacheSet.Free chain":    func() { set.Free(chain()) },
			"failed AllocBulk": func() {
				_ = p.AllocBulk(nil, big)
				_ = p.AllocBulk(c, make1023[:])
				FreeBulk(big)
			},
			"editing": func() {
				m := p.Alloc(c)
				m.Append(100)
				m.Prepend(14)
				_ = m.Adj(14)
				_ = m.Trim(10)
				_ = m.Data()
				m.RefCntUpdate(1)
				m.Free()
				m.Free()
			},
			"counters": func() { _ = p.InUse() + p.AvailCount() + int(p.AllocFailures()) },
		}
		for name, f := range calls {
			require.Zero(t, testing.AllocsPerRun(100, f), "cache %d: %s", cacheSize, name)
		}
		set.Close()
		c.Close()
		oc.Close()
	}
}

var make1023 [1023]*Mbuf
