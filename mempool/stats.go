package mempool

import (
	"fmt"
	"io"
	"sync/atomic"
)

// PoolStats are a pool's counters (DPDK's struct rte_mempool_debug_stats,
// which DPDK keeps only when built with RTE_LIBRTE_MEMPOOL_STATS; dpk always
// keeps them). "Bulk" counts calls, "Objs" counts objects. The common pool is
// the pool's backend (its ring or stack), shared by every goroutine.
//
// Gets and puts through a Cache are counted by the cache's owner in the cache
// itself, with plain increments (no atomic operation, no shared cache line);
// gets and puts without a cache, and failures, in the pool with atomic adds.
// Stats adds them up, so a snapshot taken while owners run is approximate.
type PoolStats struct {
	PutBulk uint64 // puts (PutBulk calls, frees); they never fail
	PutObjs uint64 // objects put

	// Backend enqueues: uncached puts, cache flushes, puts above the flush
	// threshold.
	PutCommonPoolBulk uint64
	PutCommonPoolObjs uint64

	// Backend dequeues: uncached gets, cache refills (CacheSize + shortfall
	// objects each), shortfalls served straight from the backend.
	GetCommonPoolBulk uint64
	GetCommonPoolObjs uint64

	GetSuccessBulk uint64 // successful gets
	GetSuccessObjs uint64 // objects handed out

	// Successful gets served by a cache alone, without touching the backend
	// (a subset of GetSuccess*).
	GetCacheHitBulk uint64
	GetCacheHitObjs uint64

	GetFailBulk uint64 // failed gets (ErrNoEntries): AllocFailures
	GetFailObjs uint64 // objects asked for by failed gets
}

// hotStats count a cache's gets and puts (those GetBulk and PutBulk serve at
// once, and those of the slow path), and cacheStats the slow path's other events:
// written by the cache's owner only (see owner_plain.go).
type hotStats struct {
	getBulk, getObjs, putBulk, putObjs uint64
}

type cacheStats struct {
	hotStats                            // in sums only: a Cache counts all its gets and puts in Cache.hot
	getMissBulk, getMissObjs     uint64 // successful gets that needed the backend
	getCommonBulk, getCommonObjs uint64
	putCommonBulk, putCommonObjs uint64
}

// snapshot adds the cache's counters to t, from any goroutine. It loads the
// misses before the gets they are a part of (the owner counts the other way
// round), so a snapshot taken while the owner runs never has more misses than
// gets.
func (c *Cache) snapshot(t *cacheStats) {
	var x cacheStats
	x.getMissBulk = load(&c.st.getMissBulk)
	x.getMissObjs = load(&c.st.getMissObjs)
	x.getCommonBulk = load(&c.st.getCommonBulk)
	x.getCommonObjs = load(&c.st.getCommonObjs)
	x.putCommonBulk = load(&c.st.putCommonBulk)
	x.putCommonObjs = load(&c.st.putCommonObjs)
	x.getBulk = load(&c.hot.getBulk)
	x.getObjs = load(&c.hot.getObjs)
	x.putBulk = load(&c.hot.putBulk)
	x.putObjs = load(&c.hot.putObjs)
	t.addAll(&x)
}

// addAll adds o to s (under the pool's cacheMu).
func (s *cacheStats) addAll(o *cacheStats) {
	s.getBulk += o.getBulk
	s.getObjs += o.getObjs
	s.putBulk += o.putBulk
	s.putObjs += o.putObjs
	s.getMissBulk += o.getMissBulk
	s.getMissObjs += o.getMissObjs
	s.getCommonBulk += o.getCommonBulk
	s.getCommonObjs += o.getCommonObjs
	s.putCommonBulk += o.putCommonBulk
	s.putCommonObjs += o.putCommonObjs
}

// sharedStats count what any goroutine does without a cache, and failures.
type sharedStats struct {
	_                  [cacheLineSize]byte
	getBulk, getObjs   atomic.Uint64
	putBulk, putObjs   atomic.Uint64
	failBulk, failObjs atomic.Uint64
	_                  [cacheLineSize - 48]byte
}

// Stats returns the pool's counters, summed over its caches (closed ones
// included) and its uncached operations (rte_mempool_dump's statistics).
func (p *Pool) Stats() PoolStats {
	var t cacheStats
	p.cacheMu.Lock()
	t.addAll(&p.retired)
	for _, c := range p.caches {
		c.snapshot(&t)
	}
	p.cacheMu.Unlock()
	gb, gobj := p.st.getBulk.Load(), p.st.getObjs.Load()
	pb, pobj := p.st.putBulk.Load(), p.st.putObjs.Load()
	return PoolStats{
		PutBulk:           t.putBulk + pb,
		PutObjs:           t.putObjs + pobj,
		PutCommonPoolBulk: t.putCommonBulk + pb,
		PutCommonPoolObjs: t.putCommonObjs + pobj,
		GetCommonPoolBulk: t.getCommonBulk + gb,
		GetCommonPoolObjs: t.getCommonObjs + gobj,
		GetSuccessBulk:    t.getBulk + gb,
		GetSuccessObjs:    t.getObjs + gobj,
		GetCacheHitBulk:   t.getBulk - t.getMissBulk,
		GetCacheHitObjs:   t.getObjs - t.getMissObjs,
		GetFailBulk:       p.st.failBulk.Load(),
		GetFailObjs:       p.st.failObjs.Load(),
	}
}

// Dump writes a description of the pool and its counters to w, in the spirit
// of rte_mempool_dump.
func (p *Pool) Dump(w io.Writer) error {
	s := p.Stats()
	p.cacheMu.Lock()
	ncache := len(p.caches)
	var cached int
	for _, c := range p.caches {
		cached += int(c.loadLen())
	}
	p.cacheMu.Unlock()
	kind := "objects"
	if p.pkt {
		kind = fmt.Sprintf("mbufs, data room %d, priv %d", p.bufLen, p.privSize)
	}
	_, err := fmt.Fprintf(w, `mempool <%s>@%p
  id=%d
  ops=%s
  socket_id=%d
  size=%d (%s)
  elt_size=%d
  stride=%d
  debug=%t
  segment=%s base=%#x len=%d node=%d huge=%t
  avail_count=%d
  in_use_count=%d
  cache_size=%d
  caches=%d (holding %d)
  common_pool_count=%d
  stats:
    put_bulk=%d
    put_objs=%d
    put_common_pool_bulk=%d
    put_common_pool_objs=%d
    get_common_pool_bulk=%d
    get_common_pool_objs=%d
    get_success_bulk=%d
    get_success_objs=%d
    get_cache_hit_bulk=%d
    get_cache_hit_objs=%d
    get_fail_bulk=%d
    get_fail_objs=%d
`, p.name, p, p.id, p.ops, p.socket, p.n, kind, p.eltSize, p.stride, p.dbg != nil,
		p.seg.Name(), p.seg.Base(), p.seg.Len(), p.seg.Node(), p.seg.Huge(),
		p.AvailCount(), p.InUse(), p.cacheSize, ncache, cached, p.backendCount(),
		s.PutBulk, s.PutObjs, s.PutCommonPoolBulk, s.PutCommonPoolObjs,
		s.GetCommonPoolBulk, s.GetCommonPoolObjs, s.GetSuccessBulk, s.GetSuccessObjs,
		s.GetCacheHitBulk, s.GetCacheHitObjs, s.GetFailBulk, s.GetFailObjs)
	return err
}
