//go:build amd64 && !race

package ring

import (
	"sync/atomic"
	"unsafe"
)

// amd64 without the race detector: release stores are plain stores.
//
// sync/atomic's Store on amd64 is an XCHG, a locked instruction that drains
// the store buffer (a full barrier, some 20 cycles). A ring needs only a
// release store when it publishes a tail: every earlier load and store of the
// call (the copies into or out of the slots) must be visible before the new
// tail is. On amd64 a plain MOV already is a release store: the memory model
// (x86-TSO) never reorders a store with earlier loads or stores. The Go
// compiler keeps the order too: stores are kept in program order on the
// memory chain, loads are scheduled before the next store on that chain, and
// the copies are calls to memmove or loops over memory that end before the
// store in program order. DPDK publishes with the same plain MOV
// (__atomic_store_n with __ATOMIC_RELEASE compiles to it).
//
// Loads stay sync/atomic loads: on amd64 they are plain MOVs anyway, and they
// keep the compiler from caching or hoisting the value out of polling loops.
// Compare-and-swap stays a LOCK CMPXCHG, as DPDK's is.
//
// This file is the only place the ring uses plain stores for synchronisation.
// The race build (pair_race.go) and every other architecture (pair_other.go)
// use sync/atomic for all of them, so the race detector checks the same
// algorithm.

func (p *pair) half(off uintptr) *uint32 {
	return (*uint32)(unsafe.Add(unsafe.Pointer(&p.w), off))
}

// store stores the whole word, release (a plain MOVQ).
func (p *pair) store(v uint64) { *(*uint64)(unsafe.Pointer(&p.w)) = v }

func (p *pair) loadLo() uint32         { return atomic.LoadUint32(p.half(0)) }
func (p *pair) loadHi() uint32         { return atomic.LoadUint32(p.half(4)) }
func (p *pair) casLo(o, n uint32) bool { return atomic.CompareAndSwapUint32(p.half(0), o, n) }

// storeHi stores the high half, release (a plain MOVL).
func (p *pair) storeHi(v uint32) { *p.half(4) = v }

// storeLo stores the low half, release (a plain MOVL).
func (p *pair) storeLo(v uint32) { *p.half(0) = v }

const raceBuild = false
