package mempool

import (
	"fmt"

	"github.com/dpk-go/dpk/eal"
)

// Cache is a per-owner stack of free objects of one pool (DPDK's
// rte_mempool_cache): gets and puts that fit are served without touching the
// pool's backend. A Cache must be used by one goroutine at a time: an lcore, or
// the lcore polling a queue. Caches count as free objects in AvailCount.
type Cache struct {
	// The owner's fast path reads and writes this first cache line (and
	// objs) only.
	hot    hotStats // counters of all gets and puts, written by the owner only
	len    uint32   // objects in objs[:len]; written by the owner, read by AvailCount
	flush  uint32   // flush threshold: 1.5 x size
	size   uint32
	fast   bool // GetBulk and PutBulk may serve hits at once (not a Debug pool)
	closed bool
	pool   *Pool
	st     cacheStats // the slow path's counters, written by the owner only

	// objs holds at most size + CacheMaxSize objects (a refill) and at most
	// flush objects after a put: 2 x CacheMaxSize, as DPDK's.
	objs [2 * CacheMaxSize]uint32
}

// NewCache creates a cache of the pool's cache size owned by the caller. It returns
// nil if the pool was created without a cache (callers then use the backend
// directly, which a nil *Cache does everywhere). Flush or Close it before the
// pool is closed.
func (p *Pool) NewCache() *Cache {
	if p.cacheSize == 0 {
		return nil
	}
	return p.newCache(p.cacheSize)
}

// NewCacheSize creates a cache of size objects (1..CacheMaxSize) owned by the
// caller, for any pool, with or without a configured cache size
// (rte_mempool_cache_create: DPDK's "user-owned cache"). Its flush threshold is
// 1.5 x size.
func (p *Pool) NewCacheSize(size int) (*Cache, error) {
	if size <= 0 || size > CacheMaxSize {
		return nil, fmt.Errorf("mempool %q: cache size %d must be 1..%d: %w", p.name, size, CacheMaxSize, ErrInvalid)
	}
	return p.newCache(uint32(size)), nil
}

func (p *Pool) newCache(size uint32) *Cache {
	c := &Cache{pool: p, size: size, flush: size * 3 / 2, fast: p.dbg == nil}
	p.cacheMu.Lock()
	p.caches = append(p.caches, c)
	p.cacheMu.Unlock()
	return c
}

// LcoreCache returns the pool's cache for lcore l, created on first use (nil when
// the pool has no cache). Only code running on that lcore may use it.
func (p *Pool) LcoreCache(l *eal.Lcore) *Cache {
	if l == nil || p.cacheSize == 0 {
		return nil
	}
	id := l.ID()
	if c := p.lcoreCaches[id].Load(); c != nil {
		return c
	}
	c := p.NewCache()
	if !p.lcoreCaches[id].CompareAndSwap(nil, c) {
		c.Close()
		return p.lcoreCaches[id].Load()
	}
	return c
}

// Pool is the pool the cache belongs to.
func (c *Cache) Pool() *Pool { return c.pool }

// Len is the number of objects in the cache.
func (c *Cache) Len() int { return int(c.loadLen()) }

// Size is the cache's size (objects kept after a refill); it holds at most
// 1.5 x Size after puts.
func (c *Cache) Size() int { return int(c.size) }

// Flush returns every cached object to the pool's backend
// (rte_mempool_cache_flush).
func (c *Cache) Flush() {
	if c == nil {
		return
	}
	c.flushAll()
}

func (c *Cache) flushAll() {
	if l := c.len; l > 0 {
		c.pool.enqueue(c.objs[:l])
		c.st.add(&c.st.putCommonBulk, 1)
		c.st.add(&c.st.putCommonObjs, uint64(l))
		c.setLen(0)
	}
}

// Close flushes the cache and detaches it from its pool; it must not be used
// again. Its counters stay in the pool's Stats.
func (c *Cache) Close() {
	if c == nil || c.closed {
		return
	}
	c.Flush()
	c.closed = true
	p := c.pool
	p.cacheMu.Lock()
	for i, x := range p.caches {
		if x == c {
			p.caches = append(p.caches[:i], p.caches[i+1:]...)
			c.snapshot(&p.retired)
			break
		}
	}
	p.cacheMu.Unlock()
}

// get serves objs through the cache with DPDK 22.11's rule
// (rte_mempool_do_generic_get): take what the cache holds from the top of its
// stack; for the rest (remaining), unless remaining > CacheMaxSize, refill the
// emptied cache with size + remaining objects in one backend dequeue and serve
// remaining from its top, leaving size; if that dequeue fails (or remaining is
// too big), dequeue remaining straight into objs. On failure the cache is left
// as it was. GetBulk serves the hit (the first step, when it suffices) itself.
//
// Objects come out as the block on top of the stack, in stack order; DPDK
// copies the same block top first. The objects handed out (and those left in
// the cache) are the same; only their order within one bulk differs.
func (c *Cache) get(objs []uint32) bool {
	n := uint32(len(objs))
	l := c.len
	take := min(n, l)
	copy(objs, c.objs[l-take:l])
	remaining := n - take
	if remaining == 0 {
		c.setLen(l - take)
		c.st.add(&c.hot.getBulk, 1)
		c.st.add(&c.hot.getObjs, uint64(n))
		return true
	}
	rest := objs[take:]
	p := c.pool
	if remaining <= CacheMaxSize {
		fill := c.objs[:c.size+remaining]
		if p.dequeue(fill) {
			copy(rest, fill[c.size:])
			c.setLen(c.size)
			c.st.add(&c.st.getCommonBulk, 1)
			c.st.add(&c.st.getCommonObjs, uint64(len(fill)))
			c.countMiss(n)
			return true
		}
	}
	if !p.dequeue(rest) {
		// The cache still holds its objects in objs[:l] (take == l here).
		c.setLen(l)
		return false
	}
	c.setLen(0)
	c.st.add(&c.st.getCommonBulk, 1)
	c.st.add(&c.st.getCommonObjs, uint64(remaining))
	c.countMiss(n)
	return true
}

func (c *Cache) countMiss(n uint32) {
	c.st.add(&c.hot.getBulk, 1)
	c.st.add(&c.hot.getObjs, uint64(n))
	c.st.add(&c.st.getMissBulk, 1)
	c.st.add(&c.st.getMissObjs, uint64(n))
}

// put keeps objs in the cache with DPDK 22.11's rule
// (rte_mempool_do_generic_put): more than the flush threshold go straight to
// the backend; otherwise, if the cache would pass the threshold, its whole
// content goes to the backend first; then the objects are kept.
func (c *Cache) put(objs []uint32) {
	n := uint32(len(objs))
	c.st.add(&c.hot.putBulk, 1)
	c.st.add(&c.hot.putObjs, uint64(n))
	p := c.pool
	if n > c.flush {
		p.enqueue(objs)
		c.st.add(&c.st.putCommonBulk, 1)
		c.st.add(&c.st.putCommonObjs, uint64(n))
		return
	}
	l := c.len
	if l+n > c.flush {
		p.enqueue(c.objs[:l])
		c.st.add(&c.st.putCommonBulk, 1)
		c.st.add(&c.st.putCommonObjs, uint64(l))
		l = 0
	}
	copy(c.objs[l:], objs)
	c.setLen(l + n)
}
