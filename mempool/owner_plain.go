//go:build amd64 && !race

package mempool

import "sync/atomic"

// How a cache's owner publishes its length and counters to readers on other
// goroutines (AvailCount, Stats) without an atomic read-modify-write or a
// fenced store on the fast path.
//
// On amd64 an aligned 4- or 8-byte MOV is single-copy atomic, and the memory
// model is TSO: a reader's atomic load sees either the old or the new value,
// never a torn one, and stores become visible in program order. The owner is
// the only writer, so its plain read-modify-write loses nothing. Readers only
// want a recent value (the counts are approximate while owners run). The Go
// compiler emits every store to a heap field before the function returns, so
// publication is delayed at most by one call. The race detector would
// (rightly, for Go's memory model) report the plain store next to the atomic
// load, so race builds use owner_atomic.go instead.

// setLen publishes the cache's new length.
func (c *Cache) setLen(v uint32) { c.len = v }

// loadLen reads a cache's length from any goroutine.
func (c *Cache) loadLen() uint32 { return atomic.LoadUint32(&c.len) }

// add adds v to the owner's counter *f.
func (s *cacheStats) add(f *uint64, v uint64) { *f += v }

// load reads an owner's counter from any goroutine.
func load(f *uint64) uint64 { return atomic.LoadUint64(f) }
