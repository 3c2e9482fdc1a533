package ring

import "unsafe"

// The generic core of the data path: moving values in and out of the slots,
// around the reserve and publish steps of sync.go. The single-thread and
// classic multi-thread modes, the common cases, are written out here with
// their index steps inlined and, for plain element types, the copy inlined
// too (moveRaw), so that they make no call at all: with Go's register ABI a
// call makes the caller spill and reload every live value. RTS and HTS go
// through enqueueSlow and dequeueSlow, apart, so that their calls cost the
// common modes nothing.

// want converts a caller's slice length to a request in slots. A request for
// more than the capacity can never be met in full: it becomes capacity+1, which
// a bulk call refuses and a burst call trims to the free space.
func (r *Ring[T]) want(n int) uint32 {
	if uint(n) > uint(r.capacity) {
		return r.capacity + 1
	}
	return uint32(n)
}

// put stores objs in the slots from index pos on, wrapping at the end of the
// slot array.
func (r *Ring[T]) put(pos uint32, objs []T) {
	i := pos & r.mask
	k := copy(r.slots[i:], objs)
	if k < len(objs) {
		copy(r.slots, objs[k:])
	}
}

// get loads len(objs) values from the slots from index pos on into objs,
// wrapping at the end of the slot array.
func (r *Ring[T]) get(pos uint32, objs []T) {
	i := pos & r.mask
	k := copy(objs, r.slots[i:])
	if k < len(objs) {
		copy(objs[k:], r.slots)
	}
}

// enqueue is the body of every multi-value enqueue, in mode m (already
// resolved with effective). It returns the number of values enqueued and the
// free slots left after the call.
//
// The ST and MT steps are inlined; only RTS and HTS call out (sync.go).
func (r *Ring[T]) enqueue(objs []T, fixed bool, m Sync) (n, free uint32) {
	if m > SyncST {
		return r.enqueueSlow(objs, fixed, m)
	}
	h := r.h
	req := r.want(len(objs))
	var old uint32
	switch m {
	case SyncST:
		old = h.prod.ht.loadLo()
		if h.prod.ht.loadHi() != old {
			// A peek or zero-copy enqueue is in progress: the slots
			// after the tail are not ours.
			return 0, 0
		}
		free = r.capacity + h.cons.ht.loadHi() - old
		n = fit(req, free, fixed)
	default: // SyncMT
		old, n, free = h.prod.reserveMT(&h.cons, r.capacity, req, fixed)
	}
	if n == 0 {
		// A multi-producer call that read a stale head may have seen more
		// than the whole ring free.
		return 0, min(free, r.capacity)
	}
	if i, b := old&r.mask, uintptr(n)*r.raw; b != 0 && b <= rawMax && int(i+n) <= len(r.slots) {
		moveRaw(unsafe.Pointer(&r.slots[i]), unsafe.Pointer(unsafe.SliceData(objs)), b)
	} else {
		r.put(old, objs[:n])
	}
	switch m {
	case SyncST:
		// Halves are read and written with 32-bit accesses on this
		// path, so that each load is forwarded from the store that wrote
		// it when producer and consumer share a CPU.
		h.prod.ht.storeLo(old + n)
		h.prod.ht.storeHi(old + n)
	default: // SyncMT
		// publishMT, written out: too big for the inliner.
		if h.prod.ht.loadHi() != old {
			h.prod.waitTail(old)
		}
		h.prod.ht.storeHi(old + n)
	}
	return n, free - n
}

// dequeue is the body of every multi-value dequeue, in mode m. It returns the
// number of values dequeued and the entries left after the call.
func (r *Ring[T]) dequeue(objs []T, fixed bool, m Sync) (n, avail uint32) {
	if m > SyncST {
		return r.dequeueSlow(objs, fixed, m)
	}
	h := r.h
	req := r.want(len(objs))
	var old uint32
	switch m {
	case SyncST:
		old = h.cons.ht.loadLo()
		if h.cons.ht.loadHi() != old {
			return 0, 0
		}
		avail = h.prod.ht.loadHi() - old
		n = fit(req, avail, fixed)
	default: // SyncMT
		old, n, avail = h.cons.reserveMT(&h.prod, 0, req, fixed)
	}
	if n == 0 {
		return 0, min(avail, r.capacity)
	}
	if i, b := old&r.mask, uintptr(n)*r.raw; b != 0 && b <= rawMax && int(i+n) <= len(r.slots) {
		moveRaw(unsafe.Pointer(unsafe.SliceData(objs)), unsafe.Pointer(&r.slots[i]), b)
	} else {
		r.get(old, objs[:n])
	}
	switch m {
	case SyncST:
		h.cons.ht.storeLo(old + n)
		h.cons.ht.storeHi(old + n)
	default: // SyncMT
		// publishMT, written out: too big for the inliner.
		if h.cons.ht.loadHi() != old {
			h.cons.waitTail(old)
		}
		h.cons.ht.storeHi(old + n)
	}
	return n, avail - n
}

// enqueueSlow is enqueue for SyncRTS and SyncHTS, kept out of enqueue so
// that the calls it makes do not make the common modes spill their values.
func (r *Ring[T]) enqueueSlow(objs []T, fixed bool, m Sync) (n, free uint32) {
	h := r.h
	old, n, free := h.prod.reserve(m, &h.cons, r.capacity, r.want(len(objs)), fixed)
	if n == 0 {
		return 0, min(free, r.capacity)
	}
	r.put(old, objs[:n])
	h.prod.publish(m, old, n)
	return n, free - n
}

// dequeueSlow is dequeue for SyncRTS and SyncHTS.
func (r *Ring[T]) dequeueSlow(objs []T, fixed bool, m Sync) (n, avail uint32) {
	h := r.h
	old, n, avail := h.cons.reserve(m, &h.prod, 0, r.want(len(objs)), fixed)
	if n == 0 {
		return 0, min(avail, r.capacity)
	}
	r.get(old, objs[:n])
	h.cons.publish(m, old, n)
	return n, avail - n
}

// enqueueOne is the body of the single-value enqueues, written as enqueue
// is.
func (r *Ring[T]) enqueueOne(obj T, m Sync) bool {
	h := r.h
	var old, n uint32
	switch m {
	case SyncST:
		old = h.prod.ht.loadLo()
		if h.prod.ht.loadHi() != old || r.capacity+h.cons.ht.loadHi()-old == 0 {
			return false
		}
		r.slots[old&r.mask] = obj
		h.prod.ht.storeLo(old + 1)
		h.prod.ht.storeHi(old + 1)
	case SyncMT:
		if old, n, _ = h.prod.reserveMT(&h.cons, r.capacity, 1, true); n == 0 {
			return false
		}
		r.slots[old&r.mask] = obj
		// publishMT, written out: too big for the inliner.
		if h.prod.ht.loadHi() != old {
			h.prod.waitTail(old)
		}
		h.prod.ht.storeHi(old + 1)
	default:
		k, _ := r.enqueueSlow(unsafe.Slice(&obj, 1), true, m)
		return k != 0
	}
	return true
}

// dequeueOne is the body of the single-value dequeues.
func (r *Ring[T]) dequeueOne(m Sync) (obj T, ok bool) {
	h := r.h
	var old, n uint32
	switch m {
	case SyncST:
		old = h.cons.ht.loadLo()
		if h.cons.ht.loadHi() != old || h.prod.ht.loadHi() == old {
			return obj, false
		}
		obj = r.slots[old&r.mask]
		h.cons.ht.storeLo(old + 1)
		h.cons.ht.storeHi(old + 1)
	case SyncMT:
		if old, n, _ = h.cons.reserveMT(&h.prod, 0, 1, true); n == 0 {
			return obj, false
		}
		obj = r.slots[old&r.mask]
		if h.cons.ht.loadHi() != old {
			h.cons.waitTail(old)
		}
		h.cons.ht.storeHi(old + 1)
	default:
		k, _ := r.dequeueSlow(unsafe.Slice(&obj, 1), true, m)
		return obj, k != 0
	}
	return obj, true
}
