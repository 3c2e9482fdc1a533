//go:build !race && !amd64

package ring

import (
	"sync/atomic"
	"unsafe"
)

// Portable normal builds: halves are accessed with 32-bit sync/atomic
// operations at their own addresses (loOff, hiOff: endian_*.go). Mixing 32-
// and 64-bit atomic operations on one aligned word is what DPDK does on every
// architecture; the hardware keeps each access single-copy atomic.

func (p *pair) half(off uintptr) *uint32 {
	return (*uint32)(unsafe.Add(unsafe.Pointer(&p.w), off))
}

func (p *pair) store(v uint64)         { p.w.Store(v) }
func (p *pair) loadLo() uint32         { return atomic.LoadUint32(p.half(loOff)) }
func (p *pair) loadHi() uint32         { return atomic.LoadUint32(p.half(hiOff)) }
func (p *pair) casLo(o, n uint32) bool { return atomic.CompareAndSwapUint32(p.half(loOff), o, n) }
func (p *pair) storeHi(v uint32)       { atomic.StoreUint32(p.half(hiOff), v) }

func (p *pair) storeLo(v uint32) { atomic.StoreUint32(p.half(loOff), v) }

const raceBuild = false
