package ring

import "fmt"

// Peek and zero-copy calls (DPDK's rte_ring_peek.h and rte_ring_peek_zc.h).
//
// An operation is split in two: a Start call reserves slots (moves the head)
// and a Finish call publishes some of them (moves the tail), releasing the
// rest. In between, the reserved slots belong to the caller:
//
//   - peek enqueue: EnqueueBulkStart/EnqueueBurstStart(n) reserve up to n
//     slots; EnqueueFinish(objs) copies objs into the first len(objs) of them
//     and publishes those. Useful when what to enqueue is known only after
//     space is secured.
//   - peek dequeue: DequeueBulkStart/DequeueBurstStart(dst) copy up to
//     len(dst) of the oldest values into dst without consuming them;
//     DequeueFinish(n) consumes the first n. The others stay in the ring, as
//     the oldest, for the next call. Useful to look at values before deciding
//     how many to take.
//   - zero-copy: EnqueueZCBulkStart/EnqueueZCBurstStart(n) and
//     DequeueZCBulkStart/DequeueZCBurstStart(n) return the reserved slots
//     themselves, as up to two slices of the ring's own storage (two when the
//     reservation wraps past the end of the slot array: fill or read first,
//     then second). EnqueueZCFinish(n) publishes the first n slots written,
//     DequeueZCFinish(n) frees the first n slots read.
//
// Rules:
//
//   - Only on a side whose creation mode is SyncST or SyncHTS; on other sides
//     every peek and zero-copy call returns ErrSyncMode and changes nothing.
//     With SyncHTS, other goroutines' calls on that side wait until the
//     Finish; with SyncST there are none.
//   - The goroutine that started must finish, before it starts anything else
//     on that side (including ordinary calls, which on a SyncST side return 0
//     while an operation is open, and on a SyncHTS side would wait for ever).
//     A Finish with more values than were reserved returns ErrFinish and
//     changes nothing; Finish with 0 cancels the whole reservation.
//   - Finish only after a Start that reserved something. A Start that returns
//     0 (or an error) reserved nothing and needs no Finish; on a SyncHTS side
//     a Finish then would act on whatever another goroutine has reserved
//     since, as in DPDK.
//   - The slices returned by the zero-copy starts alias the ring's storage.
//     They are valid only until the matching Finish: after it, the slots
//     belong to the ring again and may be overwritten (enqueue) or reused
//     (dequeue) at any moment. Their capacity is their length, so append
//     cannot reach slots outside the reservation.
//
// None of these calls allocates. Errors are preallocated values.

var (
	errPeekProd   = fmt.Errorf("%w: peek and zero-copy enqueues need a SyncST or SyncHTS producer side", ErrSyncMode)
	errPeekCons   = fmt.Errorf("%w: peek and zero-copy dequeues need a SyncST or SyncHTS consumer side", ErrSyncMode)
	errFinishMore = fmt.Errorf("%w: more values than were reserved", ErrFinish)
	errOpen       = fmt.Errorf("%w: an operation is already in progress on this single-thread side", ErrFinish)
	errNegative   = fmt.Errorf("%w: negative count", ErrInvalidSize)
)

// startOn reserves up to n slots for a peek or zero-copy operation on side s
// (created in mode m), whose room is base + other.tail - head.
func (r *Ring[T]) startOn(s, other *side, m Sync, base uint32, n int, fixed bool, modeErr error) (old, got uint32, err error) {
	if m != SyncST && m != SyncHTS {
		return 0, 0, modeErr
	}
	if n < 0 {
		return 0, 0, errNegative
	}
	if m == SyncST {
		if w := s.ht.load(); lo(w) != hi(w) {
			return 0, 0, errOpen
		}
	}
	old, got, _ = s.reserve(m, other, base, r.want(n), fixed)
	return old, got, nil
}

// finishOn publishes the first n of the slots reserved on side s and
// releases the others. With copyIn it first copies objs[:n] into the slots.
func (r *Ring[T]) finishOn(s *side, m Sync, n int, objs []T, copyIn bool, modeErr error) error {
	if m != SyncST && m != SyncHTS {
		return modeErr
	}
	w := s.ht.load()
	t := hi(w)
	reserved := lo(w) - t
	if n < 0 {
		return errNegative
	}
	if uint(n) > uint(reserved) {
		return errFinishMore
	}
	if reserved == 0 {
		return nil
	}
	if copyIn {
		r.put(t, objs[:n])
	}
	// Head and tail in one store: the head goes back to the end of what is
	// published, giving up the rest of the reservation.
	s.ht.store(pack(t+uint32(n), t+uint32(n)))
	return nil
}

// zc returns the n slots from index pos on as one or two slices.
func (r *Ring[T]) zc(pos, n uint32) (first, second []T) {
	if n == 0 {
		return nil, nil
	}
	i := pos & r.mask
	if end := i + n; end <= uint32(len(r.slots)) {
		return r.slots[i:end:end], nil
	}
	k := n - (uint32(len(r.slots)) - i)
	return r.slots[i:len(r.slots):len(r.slots)], r.slots[:k:k]
}

// EnqueueBulkStart reserves exactly n slots or none (rte_ring_enqueue_bulk_start)
// and returns how many it reserved, n or 0. Finish with EnqueueFinish.
func (r *Ring[T]) EnqueueBulkStart(n int) (int, error) {
	_, got, err := r.startOn(&r.h.prod, &r.h.cons, r.prodSync, r.capacity, n, true, errPeekProd)
	return int(got), err
}

// EnqueueBurstStart reserves up to n slots, as many as are free
// (rte_ring_enqueue_burst_start), and returns how many it reserved. Finish
// with EnqueueFinish.
func (r *Ring[T]) EnqueueBurstStart(n int) (int, error) {
	_, got, err := r.startOn(&r.h.prod, &r.h.cons, r.prodSync, r.capacity, n, false, errPeekProd)
	return int(got), err
}

// EnqueueFinish copies objs into the slots reserved by the last
// EnqueueBulkStart or EnqueueBurstStart and publishes them; the reserved
// slots beyond len(objs) are released (rte_ring_enqueue_finish). len(objs)
// must not exceed the number reserved (ErrFinish). Ownership as for
// EnqueueBulk.
func (r *Ring[T]) EnqueueFinish(objs []T) error {
	return r.finishOn(&r.h.prod, r.prodSync, len(objs), objs, true, errPeekProd)
}

// DequeueBulkStart copies exactly len(dst) of the oldest values into dst, or
// none, without consuming them (rte_ring_dequeue_bulk_start), and returns
// how many it copied. Finish with DequeueFinish.
func (r *Ring[T]) DequeueBulkStart(dst []T) (int, error) {
	old, got, err := r.startOn(&r.h.cons, &r.h.prod, r.consSync, 0, len(dst), true, errPeekCons)
	r.get(old, dst[:got])
	return int(got), err
}

// DequeueBurstStart copies up to len(dst) of the oldest values into dst
// without consuming them (rte_ring_dequeue_burst_start), and returns how many
// it copied. Finish with DequeueFinish.
func (r *Ring[T]) DequeueBurstStart(dst []T) (int, error) {
	old, got, err := r.startOn(&r.h.cons, &r.h.prod, r.consSync, 0, len(dst), false, errPeekCons)
	r.get(old, dst[:got])
	return int(got), err
}

// DequeueFinish consumes the first n of the values the last DequeueBulkStart
// or DequeueBurstStart (or zero-copy start) reserved; the others stay in the
// ring, still the oldest (rte_ring_dequeue_finish). n must not exceed the
// number reserved (ErrFinish).
func (r *Ring[T]) DequeueFinish(n int) error {
	return r.finishOn(&r.h.cons, r.consSync, n, nil, false, errPeekCons)
}

// EnqueueZCBulkStart reserves exactly n slots or none
// (rte_ring_enqueue_zc_bulk_start) and returns them as first and second (see
// the package notes on zero-copy: valid until EnqueueZCFinish). Write the
// values to enqueue into them, in order, then call EnqueueZCFinish.
func (r *Ring[T]) EnqueueZCBulkStart(n int) (first, second []T, err error) {
	old, got, err := r.startOn(&r.h.prod, &r.h.cons, r.prodSync, r.capacity, n, true, errPeekProd)
	first, second = r.zc(old, got)
	return first, second, err
}

// EnqueueZCBurstStart is EnqueueZCBulkStart reserving up to n slots, as many
// as are free (rte_ring_enqueue_zc_burst_start).
func (r *Ring[T]) EnqueueZCBurstStart(n int) (first, second []T, err error) {
	old, got, err := r.startOn(&r.h.prod, &r.h.cons, r.prodSync, r.capacity, n, false, errPeekProd)
	first, second = r.zc(old, got)
	return first, second, err
}

// EnqueueZCFinish publishes the first n slots of the zero-copy reservation
// and releases the rest (rte_ring_enqueue_zc_finish). The slices from the
// start call must not be used afterwards.
func (r *Ring[T]) EnqueueZCFinish(n int) error {
	return r.finishOn(&r.h.prod, r.prodSync, n, nil, false, errPeekProd)
}

// DequeueZCBulkStart reserves exactly the n oldest values or none
// (rte_ring_dequeue_zc_bulk_start) and returns their slots as first and
// second (valid until DequeueZCFinish). Read them, then call DequeueZCFinish.
func (r *Ring[T]) DequeueZCBulkStart(n int) (first, second []T, err error) {
	old, got, err := r.startOn(&r.h.cons, &r.h.prod, r.consSync, 0, n, true, errPeekCons)
	first, second = r.zc(old, got)
	return first, second, err
}

// DequeueZCBurstStart is DequeueZCBulkStart reserving up to n values, as many
// as there are (rte_ring_dequeue_zc_burst_start).
func (r *Ring[T]) DequeueZCBurstStart(n int) (first, second []T, err error) {
	old, got, err := r.startOn(&r.h.cons, &r.h.prod, r.consSync, 0, n, false, errPeekCons)
	first, second = r.zc(old, got)
	return first, second, err
}

// DequeueZCFinish consumes the first n values of the zero-copy reservation;
// the others stay in the ring (rte_ring_dequeue_zc_finish). The slices from
// the start call must not be used afterwards.
func (r *Ring[T]) DequeueZCFinish(n int) error { return r.DequeueFinish(n) }
