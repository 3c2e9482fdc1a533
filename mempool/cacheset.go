package mempool

// maxCacheSetPools bounds how many pools one CacheSet keeps a cache for; frees to
// further pools go to their shared rings.
const maxCacheSetPools = 8

// CacheSet holds, for one goroutine (an lcore, or the lcore that polls a queue), a
// Cache per pool it frees mbufs to, so that freeing mbufs of any pool is served by
// a cache. Caches are created on first use of each pool (one allocation per pool,
// not per packet). The zero value is ready to use; Close it when the owner is done.
type CacheSet struct {
	n int
	// pools, not pool ids: an id is reused once its pool is closed, and a cache
	// of the closed pool must not take the new pool's mbufs.
	pools   [maxCacheSetPools]*Pool
	caches  [maxCacheSetPools]*Cache
	noCache bool
}

// Cache returns the set's cache for pool p, creating it on first use (nil when p has
// no cache or the set is full).
func (s *CacheSet) Cache(p *Pool) *Cache {
	return s.cacheFor(p)
}

func (s *CacheSet) cacheFor(p *Pool) *Cache {
	if s.noCache {
		return nil
	}
	for i := 0; i < s.n; i++ {
		if s.pools[i] == p {
			return s.caches[i]
		}
	}
	if s.n == maxCacheSetPools {
		return nil
	}
	c := p.NewCache()
	s.pools[s.n] = p
	s.caches[s.n] = c
	s.n++
	return c
}

// Free releases the chain m through the set's caches.
func (s *CacheSet) Free(m *Mbuf) {
	ms := [1]*Mbuf{m}
	s.FreeBulk(ms[:])
}

// FreeBulk releases every chain in ms, batching consecutive segments of the same
// pool into one cache put. It allocates nothing once the pools' caches exist.
func (s *CacheSet) FreeBulk(ms []*Mbuf) {
	s.freeBulk(ms, "CacheSet.FreeBulk")
}

func (s *CacheSet) freeBulk(ms []*Mbuf, op string) {
	var batch [64]uint32
	k := 0
	var cur uint16
	var p *Pool
	for _, m := range ms {
		for m != nil {
			next := m.Next()
			if m.prefree() {
				m.next = 0
				m.nbSegs = 1
				if m.pool != cur || k == len(batch) {
					if k > 0 {
						p.putOp(s.cacheFor(p), batch[:k], op)
						k = 0
					}
					cur = m.pool
					p = mbufPool(m, op)
				} else if p.dbg != nil {
					mbufPool(m, op) // checks the address of every mbuf
				}
				batch[k] = m.index
				k++
			}
			m = next
		}
	}
	if k > 0 {
		p.putOp(s.cacheFor(p), batch[:k], op)
	}
}

// Flush returns every cached object to its pool's ring.
func (s *CacheSet) Flush() {
	for i := 0; i < s.n; i++ {
		s.caches[i].Flush()
	}
}

// Close flushes and releases the set's caches; the set is empty and reusable after.
func (s *CacheSet) Close() {
	for i := 0; i < s.n; i++ {
		s.caches[i].Close()
		s.caches[i] = nil
		s.pools[i] = nil
	}
	s.n = 0
}
