package mempool

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Debug mode
//
// A pool created with Config.Debug (or PktPoolConfig.Debug, or any pool in a
// binary built with -tags dpkdebug) checks every object that goes in or out
// and panics with a *DebugError on the first misuse, as DPDK does with
// RTE_LIBRTE_MEMPOOL_DEBUG (rte_panic). These are programmer errors: a
// program that frees an mbuf twice has already corrupted whatever reuses it.
// On an lcore the panic becomes the error its Wait returns.
//
// What is kept per object, beside the object:
//   - a state word: cookieAlloc (handed out) or cookieFree (in a cache or in
//     the backend), DPDK's header cookies 1 and 2, changed by compare-and-swap
//     so that two goroutines freeing one object cannot both succeed;
//   - a trailer cookie (DPDK's RTE_MEMPOOL_TRAILER_COOKIE) in 8 bytes added
//     after each object in the segment, checked on every get and put: a write
//     past the end of an object is caught when it is freed or taken;
//   - for an object in the pool, a snapshot of the bytes that keep their
//     content while free (the whole object of a plain pool, which ObjInit may
//     have filled; an mbuf's header and private area) — or, for large
//     objects, a 64-bit checksum of them — and an mbuf's data buffer filled
//     with the poison byte 0x6b. The next get compares both: any write while
//     the object was free is a use after free. (A read of a freed mbuf's data
//     sees the poison.)
//
// Checks, by operation:
//   - put (PutBulk, Cache flush paths, Mbuf.Free, FreeBulk, CacheSet.Free):
//     index not below Size (ErrForeignPool); cache of another pool
//     (ErrForeignPool); object already free (ErrDoubleFree, also for the same
//     object twice in one bulk); trailer overwritten (ErrOverflow). An mbuf
//     freed through the mbuf calls must also sit at the address of object
//     Index() of the pool its header names (ErrForeignPool: a copied header,
//     a header from another pool's memory).
//   - get (GetBulk, Alloc, AllocBulk): the object's state must say free
//     (ErrCorrupted otherwise), its trailer intact (ErrOverflow), its kept
//     bytes and poison unchanged (ErrUseAfterFree).
//
// A failed check leaves the pool consistent before it panics: a put puts
// nothing of its bulk; a get returns its whole bulk to the pool (re-armed), so
// a test can recover and go on, and InUse stays exact.

// Debug cookies: DPDK's values.
const (
	cookieAlloc   = 0xbadbadbadadd2e55 // RTE_MEMPOOL_HEADER_COOKIE1: object handed out
	cookieFree    = 0xf2eef2eedadd2e55 // RTE_MEMPOOL_HEADER_COOKIE2: object in the pool
	trailerCookie = 0xadd2e55badbadbad // RTE_MEMPOOL_TRAILER_COOKIE
	trailerSize   = 8
	poisonByte    = 0x6b
	// maxSnapshot bounds the memory for snapshots of free objects; larger
	// pools keep checksums instead.
	maxSnapshot = 64 << 20
)

// Kinds of debug errors (errors.Is(err, ErrDoubleFree) on a *DebugError).
var (
	ErrDoubleFree   = errors.New("double free")
	ErrUseAfterFree = errors.New("use after free")
	ErrForeignPool  = errors.New("foreign-pool free")
	ErrOverflow     = errors.New("write past the end of an object")
	ErrCorrupted    = errors.New("pool corrupted")
)

// NoIndex is DebugError.Index when the error is not about one object (a cache
// of another pool given to a get).
const NoIndex = ^uint32(0)

// DebugError describes a misuse caught by a Debug pool (see Config.Debug). It
// is the value of the panic.
type DebugError struct {
	Err    error   // ErrDoubleFree, ErrUseAfterFree, ErrForeignPool, ErrOverflow or ErrCorrupted
	Op     string  // the call that found it: "PutBulk", "GetBulk", "Mbuf.Free", ...
	Pool   string  // the pool's name ("" if the header names no live pool)
	PoolID uint16  // the pool's id
	Index  uint32  // the object's (mbuf's) index, or NoIndex
	Addr   uintptr // the object's (mbuf's) address (0 if it has none)
	Mbuf   bool    // the object is an mbuf
	Detail string  // what was seen
}

func (e *DebugError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mempool debug: %v: %s: ", e.Err, e.Op)
	if e.Index != NoIndex {
		what := "object"
		if e.Mbuf {
			what = "mbuf"
		}
		fmt.Fprintf(&b, "%s #%d", what, e.Index)
		if e.Addr != 0 {
			fmt.Fprintf(&b, " at %#x", e.Addr)
		}
		b.WriteString(" of ")
	}
	if e.Pool != "" {
		fmt.Fprintf(&b, "pool %q (id %d)", e.Pool, e.PoolID)
	} else {
		fmt.Fprintf(&b, "no live pool (id %d)", e.PoolID)
	}
	b.WriteString(": ")
	b.WriteString(e.Detail)
	return b.String()
}

func (e *DebugError) Unwrap() error { return e.Err }

// debugState is a Debug pool's per-object bookkeeping.
type debugState struct {
	state      []atomic.Uint64 // cookieAlloc or cookieFree
	keep       uintptr         // bytes from the object's start that keep their content while free
	snap       []byte          // keep bytes per object, or nil (then sum)
	sum        []uint64        // checksum of the keep bytes, when snap is nil
	poisonOff  uintptr         // start of the poisoned part (an mbuf's buffer)
	poisonLen  uintptr
	trailerOff uintptr
}

func newDebugState(p *Pool) *debugState {
	d := &debugState{state: make([]atomic.Uint64, p.n), trailerOff: uintptr(p.eltSize)}
	if p.pkt {
		d.keep = MbufHeaderSize + uintptr(p.privSize)
		d.poisonOff = d.keep
		d.poisonLen = uintptr(p.bufLen)
	} else {
		d.keep = uintptr(p.eltSize)
	}
	if uint64(d.keep)*uint64(p.n) <= maxSnapshot {
		d.snap = make([]byte, d.keep*uintptr(p.n))
	} else {
		d.sum = make([]uint64, p.n)
	}
	for i := uint32(0); i < p.n; i++ {
		*(*uint64)(unsafe.Add(p.Object(i), d.trailerOff)) = trailerCookie
		d.arm(p, i)
		d.state[i].Store(cookieFree)
	}
	return d
}

// bytesOf is n bytes of object memory at off.
func bytesOf(obj unsafe.Pointer, off, n uintptr) []byte {
	return unsafe.Slice((*byte)(unsafe.Add(obj, off)), n)
}

// arm records what a free object must look like at its next get.
func (d *debugState) arm(p *Pool, idx uint32) {
	obj := p.Object(idx)
	if d.poisonLen > 0 {
		b := bytesOf(obj, d.poisonOff, d.poisonLen)
		for i := range b {
			b[i] = poisonByte
		}
	}
	kept := bytesOf(obj, 0, d.keep)
	if d.snap != nil {
		copy(d.snap[uintptr(idx)*d.keep:], kept)
	} else {
		d.sum[idx] = checksum(kept)
	}
}

// checksum is a 64-bit hash of b (not cryptographic: it catches accidents).
func checksum(b []byte) uint64 {
	h := uint64(0xcbf29ce484222325)
	for len(b) >= 8 {
		h = (h ^ *(*uint64)(unsafe.Pointer(&b[0]))) * 0x100000001b3
		h ^= h >> 29
		b = b[8:]
	}
	for _, c := range b {
		h = (h ^ uint64(c)) * 0x100000001b3
	}
	return h
}

func (p *Pool) debugError(kind error, op string, idx uint32, format string, args ...any) *DebugError {
	return &DebugError{
		Err: kind, Op: op, Pool: p.name, PoolID: p.id, Index: idx,
		Addr: uintptr(p.Object(idx)), Mbuf: p.pkt, Detail: fmt.Sprintf(format, args...),
	}
}

// checkCache panics if c is a cache of another pool; objs are the objects of a
// put (nil for a get).
func (d *debugState) checkCache(p *Pool, c *Cache, objs []uint32, op string) {
	if c.pool != p {
		e := &DebugError{
			Err: ErrForeignPool, Op: op, Pool: p.name, PoolID: p.id, Index: NoIndex, Mbuf: p.pkt,
			Detail: fmt.Sprintf("the cache belongs to pool %q (id %d); its objects would mix with this pool's",
				c.pool.name, c.pool.id),
		}
		if len(objs) > 0 {
			e.Index, e.Addr = objs[0], p.objAddr(objs[0])
		}
		panic(e)
	}
}

// checkPut validates and marks free the objects of a put, before they reach a
// cache or the backend. On a misuse nothing of the bulk is put.
func (d *debugState) checkPut(p *Pool, objs []uint32, op string) {
	for i, idx := range objs {
		if idx >= p.n {
			d.undoPut(objs[:i])
			panic(&DebugError{
				Err: ErrForeignPool, Op: op, Pool: p.name, PoolID: p.id, Index: idx, Mbuf: p.pkt,
				Detail: fmt.Sprintf("index %d is not an object of this pool (it has %d)", idx, p.n),
			})
		}
		if !d.state[idx].CompareAndSwap(cookieAlloc, cookieFree) {
			s := d.state[idx].Load()
			d.undoPut(objs[:i])
			if s != cookieFree {
				panic(p.debugError(ErrCorrupted, op, idx, "bad state cookie %#x", s))
			}
			dup := ""
			for _, o := range objs[:i] {
				if o == idx {
					dup = " (it appears twice in this bulk)"
				}
			}
			panic(p.debugError(ErrDoubleFree, op, idx, "it is already free%s", dup))
		}
		if t := *(*uint64)(unsafe.Add(p.Object(idx), d.trailerOff)); t != trailerCookie {
			d.undoPut(objs[:i+1])
			panic(p.debugError(ErrOverflow, op, idx,
				"trailer cookie after its %d bytes is %#x, want %#x: something wrote past its end", d.trailerOff, t, uint64(trailerCookie)))
		}
	}
	for _, idx := range objs {
		d.arm(p, idx)
	}
}

func (d *debugState) undoPut(objs []uint32) {
	for _, idx := range objs {
		d.state[idx].Store(cookieAlloc)
	}
}

// checkGet validates and marks handed out the objects of a successful get. On
// a misuse the whole bulk goes back to the pool before the panic.
func (d *debugState) checkGet(p *Pool, objs []uint32, c *Cache) {
	for i, idx := range objs {
		var err *DebugError
		switch {
		case idx >= p.n:
			err = &DebugError{Err: ErrCorrupted, Op: "GetBulk", Pool: p.name, PoolID: p.id, Index: idx, Mbuf: p.pkt,
				Detail: fmt.Sprintf("the free list gave index %d; the pool has %d objects", idx, p.n)}
		case !d.state[idx].CompareAndSwap(cookieFree, cookieAlloc):
			err = p.debugError(ErrCorrupted, "GetBulk", idx,
				"the free list gave an object whose state cookie is %#x, not free", d.state[idx].Load())
		default:
			err = d.verify(p, idx)
		}
		if err != nil {
			for _, o := range objs[:i] {
				d.state[o].Store(cookieFree)
			}
			if idx < p.n {
				*(*uint64)(unsafe.Add(p.Object(idx), d.trailerOff)) = trailerCookie
				d.arm(p, idx)
				d.state[idx].Store(cookieFree)
				p.enqueue(objs)
			}
			panic(err)
		}
	}
}

// verify checks a free object just taken: trailer, kept bytes, poison.
func (d *debugState) verify(p *Pool, idx uint32) *DebugError {
	obj := p.Object(idx)
	if t := *(*uint64)(unsafe.Add(obj, d.trailerOff)); t != trailerCookie {
		return p.debugError(ErrOverflow, "GetBulk", idx,
			"trailer cookie after its %d bytes is %#x, want %#x: written past its end while free", d.trailerOff, t, uint64(trailerCookie))
	}
	kept := bytesOf(obj, 0, d.keep)
	what := "object"
	if p.pkt {
		what = "header or private area"
	}
	if d.snap != nil {
		was := d.snap[uintptr(idx)*d.keep : uintptr(idx+1)*d.keep]
		if !bytes.Equal(kept, was) {
			off := 0
			for kept[off] == was[off] {
				off++
			}
			return p.debugError(ErrUseAfterFree, "GetBulk", idx,
				"%s byte %d changed from %#02x to %#02x while the object was free", what, off, was[off], kept[off])
		}
	} else if s := checksum(kept); s != d.sum[idx] {
		return p.debugError(ErrUseAfterFree, "GetBulk", idx,
			"%s changed while the object was free (checksum %#x, was %#x)", what, s, d.sum[idx])
	}
	if d.poisonLen > 0 {
		b := bytesOf(obj, d.poisonOff, d.poisonLen)
		for off, v := range b {
			if v != poisonByte {
				return p.debugError(ErrUseAfterFree, "GetBulk", idx,
					"data buffer byte %d is %#02x, not the poison %#02x: written while the mbuf was free", off, v, poisonByte)
			}
		}
	}
	return nil
}

// poolOfAddr returns the live pool whose objects contain addr, or nil.
func poolOfAddr(addr uintptr) *Pool {
	for i := 1; i < MaxPools; i++ {
		if p := registry[i].Load(); p != nil {
			if _, ok := p.IndexOf(addr); ok {
				return p
			}
		}
	}
	return nil
}

// mbufPool returns the pool mbuf m goes back to, for the mbuf free calls
// (op). It panics with a *DebugError if the header names no live pool, and,
// in a Debug pool, if m is not that pool's object m.Index() (a copied header,
// or one in another pool's memory).
func mbufPool(m *Mbuf, op string) *Pool {
	p := poolByID(m.pool)
	addr := uintptr(unsafe.Pointer(m))
	if p == nil {
		panic(&DebugError{Err: ErrForeignPool, Op: op, PoolID: m.pool, Index: m.index, Addr: addr, Mbuf: true,
			Detail: "its header names no live pool" + ownerOf(addr)})
	}
	if p.dbg != nil && (m.index >= p.n || uintptr(p.Object(m.index)) != addr) {
		panic(&DebugError{Err: ErrForeignPool, Op: op, Pool: p.name, PoolID: p.id, Index: m.index, Addr: addr, Mbuf: true,
			Detail: fmt.Sprintf("its header names this pool and index %d, but that mbuf is at %#x%s",
				m.index, p.objAddr(m.index), ownerOf(addr))})
	}
	return p
}

func (p *Pool) objAddr(idx uint32) uintptr {
	if idx >= p.n {
		return 0
	}
	return uintptr(p.Object(idx))
}

func ownerOf(addr uintptr) string {
	if q := poolOfAddr(addr); q != nil {
		i, _ := q.IndexOf(addr)
		return fmt.Sprintf("; the address is object #%d of pool %q (id %d)", i, q.name, q.id)
	}
	return "; the address is in no pool"
}

// CheckMbuf reports (as a *DebugError) an mbuf that its pool would not take
// back: one whose header names no live pool, or, when the pool runs its debug
// checks, one that is not the pool's object it claims to be, or that is in the
// pool (freed). nil means the mbuf looks allocated. For code that wants to
// check an mbuf before operating on it ("the checked API").
func CheckMbuf(m *Mbuf) (err error) {
	defer func() {
		if r := recover(); r != nil {
			de, ok := r.(*DebugError)
			if !ok {
				panic(r)
			}
			de.Op = "CheckMbuf"
			err = de
		}
	}()
	p := mbufPool(m, "CheckMbuf")
	if p.dbg != nil && p.dbg.state[m.index].Load() != cookieAlloc {
		return p.debugError(ErrUseAfterFree, "CheckMbuf", m.index, "the mbuf is free (in its pool)")
	}
	return nil
}

// debugCheckLive panics with a *DebugError if m belongs to a Debug pool and is
// free: a hook for mbuf operations (op names the call) to catch use after free
// at once. Free of charge for other pools.
func debugCheckLive(m *Mbuf, op string) {
	if p := poolByID(m.pool); p != nil && p.dbg != nil {
		if m.index >= p.n || p.dbg.state[m.index].Load() != cookieAlloc {
			if err := CheckMbuf(m); err != nil {
				err.(*DebugError).Op = op
				panic(err)
			}
		}
	}
}
