package ring

import (
	"runtime"
	"sync/atomic"
)

// spinsBeforeYield is how many times a multi-producer or multi-consumer call
// polls for its predecessors to publish before it starts yielding the
// processor with runtime.Gosched between polls.
const spinsBeforeYield = 32

// want converts a caller's slice length to a request in slots. A request for
// more than the capacity can never be met in full: it becomes capacity+1, which
// a bulk call refuses and a burst call trims to the free space.
func (r *Ring[T]) want(n int) uint32 {
	if uint(n) > uint(r.capacity) {
		return r.capacity + 1
	}
	return uint32(n)
}

// reserveProd moves the producer head over up to n slots, exactly n or none
// when fixed. It returns the old head, the number of slots reserved and the
// free slots seen before reserving.
func (r *Ring[T]) reserveProd(n uint32, fixed, single bool) (old, got, free uint32) {
	if !single {
		return r.reserveProdMT(n, fixed)
	}
	old = r.prod.head.Load()
	free = r.capacity + r.cons.tail.Load() - old
	got = fit(n, free, fixed)
	if got != 0 { // an empty poll writes nothing
		r.prod.head.Store(old + got)
	}
	return old, got, free
}

// reserveProdMT is reserveProd for a multi-producer side: a CAS loop.
func (r *Ring[T]) reserveProdMT(n uint32, fixed bool) (old, got, free uint32) {
	for {
		old = r.prod.head.Load()
		// The consumer tail is loaded after the head. If the head is stale the
		// computed space may be too large, but then the CAS fails.
		free = r.capacity + r.cons.tail.Load() - old
		got = fit(n, free, fixed)
		if got == 0 || r.prod.head.CompareAndSwap(old, old+got) {
			return old, got, free
		}
	}
}

// reserveCons moves the consumer head over up to n entries, exactly n or none
// when fixed. It returns the old head, the number of entries reserved and the
// entries seen before reserving.
func (r *Ring[T]) reserveCons(n uint32, fixed, single bool) (old, got, avail uint32) {
	if !single {
		return r.reserveConsMT(n, fixed)
	}
	old = r.cons.head.Load()
	avail = r.prod.tail.Load() - old
	got = fit(n, avail, fixed)
	if got != 0 { // an empty poll writes nothing
		r.cons.head.Store(old + got)
	}
	return old, got, avail
}

// reserveConsMT is reserveCons for a multi-consumer side: a CAS loop.
func (r *Ring[T]) reserveConsMT(n uint32, fixed bool) (old, got, avail uint32) {
	for {
		old = r.cons.head.Load()
		avail = r.prod.tail.Load() - old
		got = fit(n, avail, fixed)
		if got == 0 || r.cons.head.CompareAndSwap(old, old+got) {
			return old, got, avail
		}
	}
}

// fit returns how many of n fit in room: n or 0 when fixed, else min(n, room).
func fit(n, room uint32, fixed bool) uint32 {
	if n > room {
		if fixed {
			return 0
		}
		return room
	}
	return n
}

// publish makes the n entries reserved at old visible on side t. A
// multi-threaded side first waits until every earlier reservation has been
// published, so tails advance in reservation order.
func publish(t *atomic.Uint32, old, n uint32, single bool) {
	if !single {
		waitTurn(t, old)
	}
	t.Store(old + n)
}

// waitTurn spins until *t == old, yielding the processor after a few polls so
// that a preempted predecessor can run. It never blocks on a lock.
func waitTurn(t *atomic.Uint32, old uint32) {
	if t.Load() == old {
		return
	}
	for i := 0; t.Load() != old; i++ {
		if i >= spinsBeforeYield {
			runtime.Gosched()
		}
	}
}

// loopMax is the largest batch that put and get move with a per-element loop;
// larger batches use copy, whose fixed cost (a runtime call per piece) only
// pays off from about 8 values (BenchmarkCopy).
const loopMax = 4

// put stores objs in the slots from index pos on, wrapping at the end of the
// slot array.
func (r *Ring[T]) put(pos uint32, objs []T) {
	if len(objs) <= loopMax {
		for i := range objs {
			r.slots[(pos+uint32(i))&r.mask] = objs[i]
		}
		return
	}
	k := copy(r.slots[pos&r.mask:], objs)
	if k < len(objs) {
		copy(r.slots, objs[k:])
	}
}

// get loads len(objs) values from the slots from index pos on into objs,
// wrapping at the end of the slot array.
func (r *Ring[T]) get(pos uint32, objs []T) {
	if len(objs) <= loopMax {
		for i := range objs {
			objs[i] = r.slots[(pos+uint32(i))&r.mask]
		}
		return
	}
	k := copy(objs, r.slots[pos&r.mask:])
	if k < len(objs) {
		copy(objs[k:], r.slots)
	}
}

// enqueue is the body of every multi-value enqueue. It returns the number of
// values enqueued and the free slots left after the call.
func (r *Ring[T]) enqueue(objs []T, fixed, single bool) (n, free uint32) {
	old, n, free := r.reserveProd(r.want(len(objs)), fixed, single)
	if n == 0 {
		// A multi-producer call that read a stale head may have seen more
		// than the whole ring free.
		return 0, min(free, r.capacity)
	}
	r.put(old, objs[:n])
	publish(&r.prod.tail, old, n, single)
	return n, free - n
}

// dequeue is the body of every multi-value dequeue. It returns the number of
// values dequeued and the entries left after the call.
func (r *Ring[T]) dequeue(objs []T, fixed, single bool) (n, avail uint32) {
	old, n, avail := r.reserveCons(r.want(len(objs)), fixed, single)
	if n == 0 {
		return 0, min(avail, r.capacity)
	}
	r.get(old, objs[:n])
	publish(&r.cons.tail, old, n, single)
	return n, avail - n
}
