package mempool

import (
	"sync/atomic"

	"github.com/dpk-go/dpk/eal"
)

// Cache is a per-owner stack of free objects of one pool (DPDK's
// rte_mempool_cache): gets and puts that fit are served without touching the
// shared ring. A Cache must be used by one goroutine at a time: an lcore, or the
// lcore polling a queue. Caches count as free objects in AvailCount.
type Cache struct {
	pool   *Pool
	size   uint32
	flush  uint32
	len    uint32
	objs   []uint32
	closed bool

	// published mirrors len for AvailCount readers on other goroutines.
	published atomic.Uint32
}

// NewCache creates a cache of the pool's cache size owned by the caller. It returns
// nil if the pool was created without a cache (callers then use the ring directly,
// which a nil *Cache does everywhere). Flush or Close it before the pool is closed.
func (p *Pool) NewCache() *Cache {
	if p.cacheSize == 0 {
		return nil
	}
	c := &Cache{pool: p, size: p.cacheSize, flush: p.flush, objs: make([]uint32, 2*CacheMaxSize+p.flush)}
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
	p.lcoreCaches[id].Store(c)
	return c
}

// Pool is the pool the cache belongs to.
func (c *Cache) Pool() *Pool { return c.pool }

// Len is the number of objects in the cache.
func (c *Cache) Len() int { return int(c.len) }

// Flush returns every cached object to the shared ring.
func (c *Cache) Flush() {
	if c == nil {
		return
	}
	c.flushLocked()
}

func (c *Cache) flushLocked() {
	if c.len > 0 {
		c.pool.ringPut(c.objs[:c.len])
		c.len = 0
		c.published.Store(0)
	}
}

// Close flushes the cache and detaches it from its pool; it must not be used again.
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
			break
		}
	}
	p.cacheMu.Unlock()
}

// get serves objs from the cache, refilling it from the ring when short (DPDK's
// rule: fetch size + shortfall in one ring dequeue), and falls back to the ring
// for requests the cache cannot serve.
func (c *Cache) get(objs []uint32) bool {
	n := uint32(len(objs))
	if n > c.len {
		if n > CacheMaxSize {
			return c.pool.ring.DequeueBulk(objs) == len(objs)
		}
		need := c.size + n - c.len
		if c.pool.ring.DequeueBulk(c.objs[c.len:c.len+need]) == 0 {
			// The ring cannot refill a whole cache; try for just the shortfall.
			short := n - c.len
			if c.pool.ring.DequeueBulk(c.objs[c.len:c.len+short]) == 0 {
				return false
			}
			need = short
		}
		c.len += need
	}
	// LIFO: the most recently freed (cache-warm) objects go out first.
	top := c.len
	for i := range objs {
		objs[i] = c.objs[top-1-uint32(i)]
	}
	c.len = top - n
	c.published.Store(c.len)
	return true
}

// put keeps objs in the cache, flushing the whole cache to the ring first when it
// would pass 1.5 x size; bursts larger than that go straight to the ring.
func (c *Cache) put(objs []uint32) {
	n := uint32(len(objs))
	if n > c.flush {
		c.pool.ringPut(objs)
		return
	}
	if c.len+n > c.flush {
		c.pool.ringPut(c.objs[:c.len])
		c.len = 0
	}
	copy(c.objs[c.len:], objs)
	c.len += n
	c.published.Store(c.len)
}
