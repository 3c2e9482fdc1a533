package ring

import "runtime"

// The reservation and publication steps of every mode, on one side. They do
// not depend on the element type, so they are not generic: one copy serves
// every Ring[T].
//
// The producer and the consumer share them: a side's room is
// base + other.tail - head, where base is the capacity for the producer (free
// slots) and 0 for the consumer (entries).

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

// effective returns the mode a call that asks for mode want runs in on a side
// created in mode created. A side's index layout fixes what it can run:
//
//   - created SyncST or SyncMT (the classic layout): SyncST, SyncMT and
//     SyncHTS calls run as asked (they share the {head, tail} word, as in
//     DPDK); a SyncRTS call runs SyncMT, the classic multi-thread equivalent.
//   - created SyncHTS: every call runs SyncHTS, so that nothing moves the
//     head while an HTS (or peek) call owns the side.
//   - created SyncRTS: every call runs SyncRTS, whose head and tail are
//     {position, counter} pairs that no other mode understands.
//
// Every replacement is safe for any number of goroutines, so a forced call
// never corrupts a ring, whatever it was created with.
func effective(created, want Sync) Sync {
	if created >= SyncRTS {
		return created
	}
	if want == SyncRTS {
		return SyncMT
	}
	return want
}

// reserve moves the head of side s over up to n slots (exactly n or none when
// fixed) in mode m. It returns the old head position, the number reserved and
// the room seen before reserving. other is the opposite side, base the
// capacity for a producer and 0 for a consumer.
//
// SyncST is included for the peek calls; the plain data path inlines its own.
func (s *side) reserve(m Sync, other *side, base, n uint32, fixed bool) (old, got, room uint32) {
	switch m {
	case SyncST:
		w := s.ht.load()
		old = lo(w)
		room = base + other.ht.loadHi() - old
		got = fit(n, room, fixed)
		if got != 0 {
			s.ht.store(pack(old+got, hi(w)))
		}
		return old, got, room
	case SyncMT:
		return s.reserveMT(other, base, n, fixed)
	case SyncHTS:
		for i := 0; ; i++ {
			w := s.ht.load()
			old = lo(w)
			if old != hi(w) {
				// Another call on this side is in progress.
				backoff(i)
				continue
			}
			room = base + other.ht.loadHi() - old
			got = fit(n, room, fixed)
			if got == 0 || s.ht.cas(w, pack(old+got, old)) {
				return old, got, room
			}
		}
	default: // SyncRTS
		max := s.htdMax.Load()
		for i := 0; ; i++ {
			h := s.rtsHead.load()
			old = hi(h)
			if old-s.ht.loadHi() > max {
				// The head is too far ahead of the tail: wait for
				// calls in progress to finish.
				backoff(i)
				continue
			}
			room = base + other.ht.loadHi() - old
			got = fit(n, room, fixed)
			if got == 0 || s.rtsHead.cas(h, pack(lo(h)+1, old+got)) {
				return old, got, room
			}
		}
	}
}

// reserveMT is reserve for SyncMT, small enough to be inlined into the data
// path: a compare-and-swap loop on the head.
func (s *side) reserveMT(other *side, base, n uint32, fixed bool) (old, got, room uint32) {
	for {
		old = s.ht.loadLo()
		// The other tail is loaded after the head. If the head is stale,
		// room may be too large, but then the CAS fails.
		room = base + other.ht.loadHi() - old
		got = fit(n, room, fixed)
		if got == 0 || s.ht.casLo(old, old+got) {
			return old, got, room
		}
	}
}

// publishMT is publish for SyncMT, small enough to be inlined: tails advance
// in reservation order, so it first waits until every earlier reservation on
// this side has been published.
func (s *side) publishMT(old, n uint32) {
	if s.ht.loadHi() != old {
		s.waitTail(old)
	}
	s.ht.storeHi(old + n)
}

// waitTail polls until the tail of side s reaches pos.
func (s *side) waitTail(pos uint32) {
	for i := 0; s.ht.loadHi() != pos; i++ {
		backoff(i)
	}
}

// publish makes the n slots reserved at old on side s visible to the other
// side, in mode m.
func (s *side) publish(m Sync, old, n uint32) {
	switch m {
	case SyncST:
		s.ht.store(pack(old+n, old+n))
	case SyncMT:
		s.publishMT(old, n)
	case SyncHTS:
		// Only the tail: on a classic side a forced MT call may already
		// have moved the head past this reservation.
		s.ht.storeHi(old + n)
	default: // SyncRTS
		// Count this call as finished; the last of the calls in progress
		// (the one whose count catches up with the head's) moves the tail
		// position to the head's.
		for {
			t := s.ht.load()
			h := s.rtsHead.load()
			c := lo(t) + 1
			pos := hi(t)
			if c == lo(h) {
				pos = hi(h)
			}
			if s.ht.cas(t, pack(c, pos)) {
				return
			}
		}
	}
}

// backoff is called on the i-th unsuccessful poll for another call on the
// same side: it spins at first, then yields the processor, so that a
// preempted goroutine can run. It never blocks on a lock.
func backoff(i int) {
	if i >= spinsBeforeYield {
		runtime.Gosched()
	}
}
