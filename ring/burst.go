package ring

// The calls below are the data path. None of them locks, allocates or makes a
// system call, and their atomic operations per call do not depend on the
// number of values: one load of the other side's tail, then on a
// single-producer/consumer side a store of this side's head and one of its
// tail; on a multi-threaded side a compare-and-swap of the head (repeated
// only when another goroutine won the race) and a store (SyncMT, SyncHTS) or
// a compare-and-swap (SyncRTS) of the tail. A call that moves nothing writes
// nothing.
//
// Three families, all with DPDK's names and return conventions:
//
//   - the generic calls (EnqueueBulk, DequeueBurst, Enqueue, ...) run in the
//     mode the side was created with;
//   - the forced calls (SP*, MP*, SC*, MC*, MPRTS*, MCRTS*, MPHTS*, MCHTS*)
//     and EnqueueWith/DequeueWith ask for a mode for one call. A side runs
//     it when its index layout allows: on a side created SyncST or SyncMT,
//     ST, MT and HTS calls run as asked and an RTS call runs MT; a side
//     created SyncRTS or SyncHTS runs every call in its own mode (both are
//     safe for any number of goroutines). A forced call therefore never
//     corrupts the ring; it is the caller's promise, as in DPDK, that no
//     single-thread call overlaps another call on the same side.
//   - the peek and zero-copy calls (peek.go).

// Behavior says whether a call moves all the values asked for or none
// (Fixed, a bulk call), or as many as possible (Variable, a burst call):
// DPDK's enum rte_ring_queue_behavior.
type Behavior uint8

const (
	// Fixed moves all or nothing (RTE_RING_QUEUE_FIXED).
	Fixed Behavior = 0
	// Variable moves as many as possible (RTE_RING_QUEUE_VARIABLE).
	Variable Behavior = 1
)

// EnqueueBulk enqueues all of objs or none of them, in the producer mode chosen
// at creation. It returns len(objs), or 0 when fewer than len(objs) slots are
// free; an empty objs returns 0.
//
// Ownership: on success the ring holds copies of objs, in order; if T holds
// pointers, the objects they reach pass to whoever dequeues them. objs stays
// the caller's and is not modified.
func (r *Ring[T]) EnqueueBulk(objs []T) int {
	n, _ := r.enqueue(objs, true, r.prodSync)
	return int(n)
}

// EnqueueBulkFree is EnqueueBulk that also returns free, the number of free
// slots left after the call as seen by it (DPDK's free_space out-parameter):
// after a success, the slots left; after a failure, the slots that were free.
func (r *Ring[T]) EnqueueBulkFree(objs []T) (n, free int) {
	k, f := r.enqueue(objs, true, r.prodSync)
	return int(k), int(f)
}

// EnqueueBurst enqueues as many values from the front of objs as there are
// free slots, in the producer mode chosen at creation. It returns n, the
// number enqueued (0..len(objs)): objs[:n] went in, in order.
//
// Ownership: the ring holds copies of objs[:n] and, if T holds pointers, the
// objects they reach pass to whoever dequeues them; objs[n:] stay the
// caller's, for instance to retry or to free. objs is not modified.
func (r *Ring[T]) EnqueueBurst(objs []T) int {
	n, _ := r.enqueue(objs, false, r.prodSync)
	return int(n)
}

// EnqueueBurstFree is EnqueueBurst that also returns free, the number of free
// slots left just after the values went in, as seen by this call (DPDK's
// free_space out-parameter). With concurrent consumers the real number may
// already be larger. Ownership as for EnqueueBurst.
func (r *Ring[T]) EnqueueBurstFree(objs []T) (n, free int) {
	k, f := r.enqueue(objs, false, r.prodSync)
	return int(k), int(f)
}

// Enqueue enqueues one value in the producer mode chosen at creation. It
// returns false, leaving the ring unchanged, when the ring is full (DPDK's
// -ENOBUFS). Ownership: on true, as for EnqueueBulk; on false obj stays the
// caller's.
func (r *Ring[T]) Enqueue(obj T) bool { return r.enqueueOne(obj, r.prodSync) }

// DequeueBulk fills all of objs with the oldest values in the ring or takes
// nothing, in the consumer mode chosen at creation. It returns len(objs), or
// 0 when the ring holds fewer than len(objs) values; an empty objs returns 0.
//
// Ownership: the caller now owns the values (and, if T holds pointers, the
// objects they reach). The ring's slots keep stale copies until later enqueues
// overwrite them, so the garbage collector may see those objects as reachable
// until then; nothing in the ring reads them again.
func (r *Ring[T]) DequeueBulk(objs []T) int {
	n, _ := r.dequeue(objs, true, r.consSync)
	return int(n)
}

// DequeueBulkAvail is DequeueBulk that also returns avail, the number of
// values left in the ring after the call as seen by it (DPDK's available
// out-parameter): after a success, those left; after a failure, those there
// were.
func (r *Ring[T]) DequeueBulkAvail(objs []T) (n, avail int) {
	k, a := r.dequeue(objs, true, r.consSync)
	return int(k), int(a)
}

// DequeueBurst fills objs[:n] with up to len(objs) of the oldest values in the
// ring, in the consumer mode chosen at creation, and returns n
// (0..len(objs)). objs[n:] are not modified.
//
// Ownership: as for DequeueBulk, for objs[:n].
func (r *Ring[T]) DequeueBurst(objs []T) int {
	n, _ := r.dequeue(objs, false, r.consSync)
	return int(n)
}

// DequeueBurstAvail is DequeueBurst that also returns avail, the number of
// values left in the ring just after the call took its own, as seen by this
// call (DPDK's available out-parameter). With concurrent producers the real
// number may already be larger. Ownership as for DequeueBulk.
func (r *Ring[T]) DequeueBurstAvail(objs []T) (n, avail int) {
	k, a := r.dequeue(objs, false, r.consSync)
	return int(k), int(a)
}

// Dequeue removes and returns the oldest value, in the consumer mode chosen at
// creation. It returns the zero T and false when the ring is empty (DPDK's
// -ENOENT). Ownership as for DequeueBulk.
func (r *Ring[T]) Dequeue() (T, bool) { return r.dequeueOne(r.consSync) }

// EnqueueWith enqueues objs in producer mode m for this call (see the forced
// calls above for what each side allows), all or nothing with Fixed, as many
// as fit with Variable. It returns the number enqueued and the free slots
// left, as EnqueueBulkFree and EnqueueBurstFree do. Every forced enqueue is a
// shorthand for it. A value of m beyond SyncHTS is taken as SyncHTS.
func (r *Ring[T]) EnqueueWith(m Sync, b Behavior, objs []T) (n, free int) {
	k, f := r.enqueue(objs, b == Fixed, r.prodAs[min(m, SyncHTS)])
	return int(k), int(f)
}

// DequeueWith dequeues into objs in consumer mode m for this call, all or
// nothing with Fixed, as many as there are with Variable. It returns the
// number dequeued and the values left, as DequeueBulkAvail and
// DequeueBurstAvail do. Every forced dequeue is a shorthand for it.
func (r *Ring[T]) DequeueWith(m Sync, b Behavior, objs []T) (n, avail int) {
	k, a := r.dequeue(objs, b == Fixed, r.consAs[min(m, SyncHTS)])
	return int(k), int(a)
}

// MPEnqueueBulk is EnqueueBulk in multi-producer mode whatever the creation
// flags (rte_ring_mp_enqueue_bulk): any number of goroutines may call it, and
// the other MP* enqueues, at once. Returns len(objs) or 0.
func (r *Ring[T]) MPEnqueueBulk(objs []T) int {
	n, _ := r.enqueue(objs, true, r.prodAs[SyncMT])
	return int(n)
}

// MPEnqueueBurst is EnqueueBurst in multi-producer mode whatever the creation
// flags (rte_ring_mp_enqueue_burst). Returns the number enqueued,
// 0..len(objs).
func (r *Ring[T]) MPEnqueueBurst(objs []T) int {
	n, _ := r.enqueue(objs, false, r.prodAs[SyncMT])
	return int(n)
}

// MPEnqueue is Enqueue in multi-producer mode (rte_ring_mp_enqueue).
func (r *Ring[T]) MPEnqueue(obj T) bool {
	return r.enqueueOne(obj, r.prodAs[SyncMT])
}

// SPEnqueueBulk is EnqueueBulk in single-producer mode whatever the creation
// flags (rte_ring_sp_enqueue_bulk): no other enqueue of any kind may run on the
// ring at the same time. Returns len(objs) or 0.
func (r *Ring[T]) SPEnqueueBulk(objs []T) int {
	n, _ := r.enqueue(objs, true, r.prodAs[SyncST])
	return int(n)
}

// SPEnqueueBurst is EnqueueBurst in single-producer mode whatever the creation
// flags (rte_ring_sp_enqueue_burst): no other enqueue may run at the same time.
// Returns the number enqueued, 0..len(objs).
func (r *Ring[T]) SPEnqueueBurst(objs []T) int {
	n, _ := r.enqueue(objs, false, r.prodAs[SyncST])
	return int(n)
}

// SPEnqueue is Enqueue in single-producer mode (rte_ring_sp_enqueue).
func (r *Ring[T]) SPEnqueue(obj T) bool {
	return r.enqueueOne(obj, r.prodAs[SyncST])
}

// MPRTSEnqueueBulk is EnqueueBulk in multi-producer RTS mode
// (rte_ring_mp_rts_enqueue_bulk); on a side not created SyncRTS it runs as
// described for forced calls. Returns len(objs) or 0.
func (r *Ring[T]) MPRTSEnqueueBulk(objs []T) int {
	n, _ := r.enqueue(objs, true, r.prodAs[SyncRTS])
	return int(n)
}

// MPRTSEnqueueBurst is EnqueueBurst in multi-producer RTS mode
// (rte_ring_mp_rts_enqueue_burst).
func (r *Ring[T]) MPRTSEnqueueBurst(objs []T) int {
	n, _ := r.enqueue(objs, false, r.prodAs[SyncRTS])
	return int(n)
}

// MPHTSEnqueueBulk is EnqueueBulk in multi-producer HTS mode
// (rte_ring_mp_hts_enqueue_bulk). Returns len(objs) or 0.
func (r *Ring[T]) MPHTSEnqueueBulk(objs []T) int {
	n, _ := r.enqueue(objs, true, r.prodAs[SyncHTS])
	return int(n)
}

// MPHTSEnqueueBurst is EnqueueBurst in multi-producer HTS mode
// (rte_ring_mp_hts_enqueue_burst).
func (r *Ring[T]) MPHTSEnqueueBurst(objs []T) int {
	n, _ := r.enqueue(objs, false, r.prodAs[SyncHTS])
	return int(n)
}

// MCDequeueBulk is DequeueBulk in multi-consumer mode whatever the creation
// flags (rte_ring_mc_dequeue_bulk): any number of goroutines may call it, and
// the other MC* dequeues, at once. Returns len(objs) or 0.
func (r *Ring[T]) MCDequeueBulk(objs []T) int {
	n, _ := r.dequeue(objs, true, r.consAs[SyncMT])
	return int(n)
}

// MCDequeueBurst is DequeueBurst in multi-consumer mode whatever the creation
// flags (rte_ring_mc_dequeue_burst). Returns the number dequeued into objs,
// 0..len(objs).
func (r *Ring[T]) MCDequeueBurst(objs []T) int {
	n, _ := r.dequeue(objs, false, r.consAs[SyncMT])
	return int(n)
}

// MCDequeue is Dequeue in multi-consumer mode (rte_ring_mc_dequeue).
func (r *Ring[T]) MCDequeue() (T, bool) {
	return r.dequeueOne(r.consAs[SyncMT])
}

// SCDequeueBulk is DequeueBulk in single-consumer mode whatever the creation
// flags (rte_ring_sc_dequeue_bulk): no other dequeue of any kind may run on the
// ring at the same time. Returns len(objs) or 0.
func (r *Ring[T]) SCDequeueBulk(objs []T) int {
	n, _ := r.dequeue(objs, true, r.consAs[SyncST])
	return int(n)
}

// SCDequeueBurst is DequeueBurst in single-consumer mode whatever the creation
// flags (rte_ring_sc_dequeue_burst): no other dequeue may run at the same time.
// Returns the number dequeued into objs, 0..len(objs).
func (r *Ring[T]) SCDequeueBurst(objs []T) int {
	n, _ := r.dequeue(objs, false, r.consAs[SyncST])
	return int(n)
}

// SCDequeue is Dequeue in single-consumer mode (rte_ring_sc_dequeue).
func (r *Ring[T]) SCDequeue() (T, bool) {
	return r.dequeueOne(r.consAs[SyncST])
}

// MCRTSDequeueBulk is DequeueBulk in multi-consumer RTS mode
// (rte_ring_mc_rts_dequeue_bulk). Returns len(objs) or 0.
func (r *Ring[T]) MCRTSDequeueBulk(objs []T) int {
	n, _ := r.dequeue(objs, true, r.consAs[SyncRTS])
	return int(n)
}

// MCRTSDequeueBurst is DequeueBurst in multi-consumer RTS mode
// (rte_ring_mc_rts_dequeue_burst).
func (r *Ring[T]) MCRTSDequeueBurst(objs []T) int {
	n, _ := r.dequeue(objs, false, r.consAs[SyncRTS])
	return int(n)
}

// MCHTSDequeueBulk is DequeueBulk in multi-consumer HTS mode
// (rte_ring_mc_hts_dequeue_bulk). Returns len(objs) or 0.
func (r *Ring[T]) MCHTSDequeueBulk(objs []T) int {
	n, _ := r.dequeue(objs, true, r.consAs[SyncHTS])
	return int(n)
}

// MCHTSDequeueBurst is DequeueBurst in multi-consumer HTS mode
// (rte_ring_mc_hts_dequeue_burst).
func (r *Ring[T]) MCHTSDequeueBurst(objs []T) int {
	n, _ := r.dequeue(objs, false, r.consAs[SyncHTS])
	return int(n)
}
