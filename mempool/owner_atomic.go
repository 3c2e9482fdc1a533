//go:build !amd64 || race

package mempool

import "sync/atomic"

// How a cache's owner publishes its length and counters (see owner_plain.go
// for amd64): here with an atomic store of the new value. The owner is the
// only writer, so its plain read of the old value races with nobody.

// setLen publishes the cache's new length.
func (c *Cache) setLen(v uint32) { atomic.StoreUint32(&c.len, v) }

// loadLen reads a cache's length from any goroutine.
func (c *Cache) loadLen() uint32 { return atomic.LoadUint32(&c.len) }

// add adds v to the owner's counter *f.
func (s *cacheStats) add(f *uint64, v uint64) { atomic.StoreUint64(f, *f+v) }

// load reads an owner's counter from any goroutine.
func load(f *uint64) uint64 { return atomic.LoadUint64(f) }
