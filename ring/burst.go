package ring

// The calls below are the data path. None of them locks, allocates or makes a
// system call, and their atomic operations per call do not depend on the
// number of values: one load of the other side's tail, then on a
// single-producer/consumer side a store of the head and one of the tail, on a
// multi-producer/consumer side a compare-and-swap of the head (repeated only
// when another goroutine won the race) and a store of the tail. A call that
// moves nothing writes nothing.

// EnqueueBulk enqueues all of objs or none of them, in the producer mode chosen
// at creation (multi-producer unless the ring has SPEnq). It returns
// len(objs), or 0 when fewer than len(objs) slots are free; an empty objs
// returns 0.
//
// Ownership: on success the ring holds copies of objs, in order; if T holds
// pointers, the objects they reach pass to whoever dequeues them. objs stays
// the caller's and is not modified.
func (r *Ring[T]) EnqueueBulk(objs []T) int {
	n, _ := r.enqueue(objs, true, r.flags&SPEnq != 0)
	return int(n)
}

// EnqueueBurst enqueues as many values from the front of objs as there are
// free slots, in the producer mode chosen at creation. It returns n, the
// number enqueued (0..len(objs)): objs[:n] went in, in order.
//
// Ownership: the ring holds copies of objs[:n] and, if T holds pointers, the
// objects they reach pass to whoever dequeues them; objs[n:] stay the
// caller's, for instance to retry or to free. objs is not modified.
func (r *Ring[T]) EnqueueBurst(objs []T) int {
	n, _ := r.enqueue(objs, false, r.flags&SPEnq != 0)
	return int(n)
}

// EnqueueBurstFree is EnqueueBurst that also returns free, the number of free
// slots left just after the values went in, as seen by this call (DPDK's
// free_space out-parameter). With concurrent consumers the real number may
// already be larger. Ownership as for EnqueueBurst.
func (r *Ring[T]) EnqueueBurstFree(objs []T) (n, free int) {
	k, f := r.enqueue(objs, false, r.flags&SPEnq != 0)
	return int(k), int(f)
}

// Enqueue enqueues one value in the producer mode chosen at creation. It
// returns false, leaving the ring unchanged, when the ring is full (DPDK's
// -ENOBUFS). Ownership: on true, as for EnqueueBulk; on false obj stays the
// caller's.
func (r *Ring[T]) Enqueue(obj T) bool {
	single := r.flags&SPEnq != 0
	old, n, _ := r.reserveProd(1, true, single)
	if n == 0 {
		return false
	}
	r.slots[old&r.mask] = obj
	publish(&r.prod.tail, old, 1, single)
	return true
}

// DequeueBulk fills all of objs with the oldest values in the ring or takes
// nothing, in the consumer mode chosen at creation (multi-consumer unless the
// ring has SCDeq). It returns len(objs), or 0 when the ring holds fewer than
// len(objs) values; an empty objs returns 0.
//
// Ownership: the caller now owns the values (and, if T holds pointers, the
// objects they reach). The ring's slots keep stale copies until later enqueues
// overwrite them, so the garbage collector may see those objects as reachable
// until then; nothing in the ring reads them again.
func (r *Ring[T]) DequeueBulk(objs []T) int {
	n, _ := r.dequeue(objs, true, r.flags&SCDeq != 0)
	return int(n)
}

// DequeueBurst fills objs[:n] with up to len(objs) of the oldest values in the
// ring, in the consumer mode chosen at creation, and returns n
// (0..len(objs)). objs[n:] are not modified.
//
// Ownership: as for DequeueBulk, for objs[:n].
func (r *Ring[T]) DequeueBurst(objs []T) int {
	n, _ := r.dequeue(objs, false, r.flags&SCDeq != 0)
	return int(n)
}

// DequeueBurstAvail is DequeueBurst that also returns avail, the number of
// values left in the ring just after the call took its own, as seen by this
// call (DPDK's available out-parameter). With concurrent producers the real
// number may already be larger. Ownership as for DequeueBulk.
func (r *Ring[T]) DequeueBurstAvail(objs []T) (n, avail int) {
	k, a := r.dequeue(objs, false, r.flags&SCDeq != 0)
	return int(k), int(a)
}

// Dequeue removes and returns the oldest value, in the consumer mode chosen at
// creation. It returns the zero T and false when the ring is empty (DPDK's
// -ENOENT). Ownership as for DequeueBulk.
func (r *Ring[T]) Dequeue() (T, bool) {
	single := r.flags&SCDeq != 0
	old, n, _ := r.reserveCons(1, true, single)
	if n == 0 {
		var zero T
		return zero, false
	}
	obj := r.slots[old&r.mask]
	publish(&r.cons.tail, old, 1, single)
	return obj, true
}

// MPEnqueueBulk is EnqueueBulk in multi-producer mode whatever the creation
// flags (rte_ring_mp_enqueue_bulk): any number of goroutines may call it, and
// the other MP* enqueues, at once. Returns len(objs) or 0.
func (r *Ring[T]) MPEnqueueBulk(objs []T) int {
	n, _ := r.enqueue(objs, true, false)
	return int(n)
}

// MPEnqueueBurst is EnqueueBurst in multi-producer mode whatever the creation
// flags (rte_ring_mp_enqueue_burst). Returns the number enqueued,
// 0..len(objs).
func (r *Ring[T]) MPEnqueueBurst(objs []T) int {
	n, _ := r.enqueue(objs, false, false)
	return int(n)
}

// SPEnqueueBulk is EnqueueBulk in single-producer mode whatever the creation
// flags (rte_ring_sp_enqueue_bulk): no other enqueue of any kind may run on the
// ring at the same time. Returns len(objs) or 0.
func (r *Ring[T]) SPEnqueueBulk(objs []T) int {
	n, _ := r.enqueue(objs, true, true)
	return int(n)
}

// SPEnqueueBurst is EnqueueBurst in single-producer mode whatever the creation
// flags (rte_ring_sp_enqueue_burst): no other enqueue may run at the same time.
// Returns the number enqueued, 0..len(objs).
func (r *Ring[T]) SPEnqueueBurst(objs []T) int {
	n, _ := r.enqueue(objs, false, true)
	return int(n)
}

// MCDequeueBulk is DequeueBulk in multi-consumer mode whatever the creation
// flags (rte_ring_mc_dequeue_bulk): any number of goroutines may call it, and
// the other MC* dequeues, at once. Returns len(objs) or 0.
func (r *Ring[T]) MCDequeueBulk(objs []T) int {
	n, _ := r.dequeue(objs, true, false)
	return int(n)
}

// MCDequeueBurst is DequeueBurst in multi-consumer mode whatever the creation
// flags (rte_ring_mc_dequeue_burst). Returns the number dequeued into objs,
// 0..len(objs).
func (r *Ring[T]) MCDequeueBurst(objs []T) int {
	n, _ := r.dequeue(objs, false, false)
	return int(n)
}

// SCDequeueBulk is DequeueBulk in single-consumer mode whatever the creation
// flags (rte_ring_sc_dequeue_bulk): no other dequeue of any kind may run on the
// ring at the same time. Returns len(objs) or 0.
func (r *Ring[T]) SCDequeueBulk(objs []T) int {
	n, _ := r.dequeue(objs, true, true)
	return int(n)
}

// SCDequeueBurst is DequeueBurst in single-consumer mode whatever the creation
// flags (rte_ring_sc_dequeue_burst): no other dequeue may run at the same time.
// Returns the number dequeued into objs, 0..len(objs).
func (r *Ring[T]) SCDequeueBurst(objs []T) int {
	n, _ := r.dequeue(objs, false, true)
	return int(n)
}
