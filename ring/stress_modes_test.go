package ring

import (
	"fmt"
	"testing"
)

// Stress tests of every pairing of producer and consumer modes, with the
// peek and zero-copy calls mixed in on the sides that allow them, RTS with
// extreme head-tail distances, and forced calls of several modes at once on
// one side.

// peekEnqCaller reserves with a peek start and publishes what it reserved, or
// only part of it (partial), releasing the rest.
func peekEnqCaller[E any](bulk, partial bool) caller[E] {
	return func(r *Ring[E], objs []E) int {
		start := r.EnqueueBurstStart
		if bulk {
			start = r.EnqueueBulkStart
		}
		n, err := start(len(objs))
		if err != nil {
			panic(err)
		}
		if n == 0 {
			return 0 // nothing reserved, nothing to finish
		}
		if partial {
			n -= n / 3
		}
		if err := r.EnqueueFinish(objs[:n]); err != nil {
			panic(err)
		}
		return n
	}
}

// zcEnqCaller fills the zero-copy slots of a reservation and publishes them,
// or only part of them.
func zcEnqCaller[E any](bulk, partial bool) caller[E] {
	return func(r *Ring[E], objs []E) int {
		start := r.EnqueueZCBurstStart
		if bulk {
			start = r.EnqueueZCBulkStart
		}
		first, second, err := start(len(objs))
		if err != nil {
			panic(err)
		}
		n := len(first) + len(second)
		if n == 0 {
			return 0
		}
		if partial {
			n -= n / 3
		}
		k := copy(first, objs[:n])
		copy(second, objs[k:n])
		if err := r.EnqueueZCFinish(n); err != nil {
			panic(err)
		}
		return n
	}
}

// peekDeqCaller looks at values with a peek start and consumes them all, or
// only the first part (partial): the others stay, still the oldest.
func peekDeqCaller[E any](bulk, partial bool) caller[E] {
	return func(r *Ring[E], objs []E) int {
		start := r.DequeueBurstStart
		if bulk {
			start = r.DequeueBulkStart
		}
		n, err := start(objs)
		if err != nil {
			panic(err)
		}
		if n == 0 {
			return 0
		}
		if partial {
			n -= n / 3
		}
		if err := r.DequeueFinish(n); err != nil {
			panic(err)
		}
		return n
	}
}

// zcDeqCaller reads values in place and consumes them, or the first part.
func zcDeqCaller[E any](bulk, partial bool) caller[E] {
	return func(r *Ring[E], objs []E) int {
		start := r.DequeueZCBurstStart
		if bulk {
			start = r.DequeueZCBulkStart
		}
		first, second, err := start(len(objs))
		if err != nil {
			panic(err)
		}
		n := len(first) + len(second)
		if n == 0 {
			return 0
		}
		if partial {
			n -= n / 3
		}
		k := copy(objs[:n], first)
		copy(objs[k:n], second)
		if err := r.DequeueZCFinish(n); err != nil {
			panic(err)
		}
		return n
	}
}

func peekEnqCallers[E any]() []caller[E] {
	return []caller[E]{
		peekEnqCaller[E](true, false), peekEnqCaller[E](false, false), peekEnqCaller[E](false, true),
		zcEnqCaller[E](true, false), zcEnqCaller[E](false, false), zcEnqCaller[E](false, true),
	}
}

func peekDeqCallers[E any]() []caller[E] {
	return []caller[E]{
		peekDeqCaller[E](true, false), peekDeqCaller[E](false, false), peekDeqCaller[E](false, true),
		zcDeqCaller[E](true, false), zcDeqCaller[E](false, false), zcDeqCaller[E](false, true),
	}
}

// modeThreads is how many goroutines use a side of the mode: one on a
// single-thread side, three on the others (more than the CPUs, so that some
// are preempted in the middle of calls).
func modeThreads(m Sync) int {
	if m == SyncST {
		return 1
	}
	return 3
}

// TestStressPairs runs every pairing of producer and consumer modes, with the
// generic calls and, on single-thread and HTS sides, the peek and zero-copy
// calls too.
func TestStressPairs(t *testing.T) {
	for _, p := range allSyncs {
		for _, c := range allSyncs {
			t.Run(prodShort[p]+"/"+consShort[c], func(t *testing.T) {
				t.Parallel()
				enq, deq := genericEnq[*tag](), genericDeq[*tag]()
				if p == SyncST || p == SyncHTS {
					enq = append(enq, peekEnqCallers[*tag]()...)
				}
				if c == SyncST || c == SyncHTS {
					deq = append(deq, peekDeqCallers[*tag]()...)
				}
				count, flags := 128, prodFlag[p]|consFlag[c]
				if (p+c)%2 == 1 {
					count, flags = 100, flags|ExactSize
				}
				stress(t, stressConfig[*tag]{
					count: count, flags: flags,
					producers: modeThreads(p), consumers: modeThreads(c),
					perProducer: perProducer() / 4, maxBatch: 24,
					enq: enq, deq: deq, mk: mkPtr, rd: rdPtr,
				})
			})
		}
	}
}

// TestStressRTSDistance runs RTS sides with the head-tail distance at its
// extremes: 0 (each call waits for the one before it to finish) and the whole
// capacity (no limit).
func TestStressRTSDistance(t *testing.T) {
	for _, d := range []uint32{0, 1, 1 << 20} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			t.Parallel()
			stress(t, stressConfig[tag]{
				count: 64, flags: MPRTSEnq | MCRTSDeq, producers: 3, consumers: 3,
				perProducer: perProducer() / 4, maxBatch: 16,
				enq: genericEnq[tag](), deq: genericDeq[tag](), mk: mkTag, rd: rdTag,
				setup: func(r *Ring[tag]) {
					if err := r.SetProdHTDMax(d); err != nil {
						panic(err)
					}
					if err := r.SetConsHTDMax(d); err != nil {
						panic(err)
					}
				},
			})
		})
	}
}

// TestStressForcedMix runs forced calls of different modes at once on one
// side: MP and HTS calls share a classic side (their index layouts agree),
// and forced SP/MP/HTS calls on RTS and HTS sides run in the side's own mode.
func TestStressForcedMix(t *testing.T) {
	enqAll := []caller[tag]{
		(*Ring[tag]).MPEnqueueBulk, (*Ring[tag]).MPEnqueueBurst,
		(*Ring[tag]).MPHTSEnqueueBulk, (*Ring[tag]).MPHTSEnqueueBurst,
		(*Ring[tag]).MPRTSEnqueueBulk, (*Ring[tag]).MPRTSEnqueueBurst,
		func(r *Ring[tag], objs []tag) int { n, _ := r.EnqueueWith(SyncHTS, Variable, objs); return n },
	}
	deqAll := []caller[tag]{
		(*Ring[tag]).MCDequeueBulk, (*Ring[tag]).MCDequeueBurst,
		(*Ring[tag]).MCHTSDequeueBulk, (*Ring[tag]).MCHTSDequeueBurst,
		(*Ring[tag]).MCRTSDequeueBulk, (*Ring[tag]).MCRTSDequeueBurst,
		func(r *Ring[tag], objs []tag) int { n, _ := r.DequeueWith(SyncRTS, Fixed, objs); return n },
	}
	for _, flags := range []Flags{0, MPRTSEnq | MCRTSDeq, MPHTSEnq | MCHTSDeq, MPRTSEnq | MCHTSDeq} {
		t.Run(fmt.Sprintf("%#x", uint32(flags)), func(t *testing.T) {
			t.Parallel()
			stress(t, stressConfig[tag]{
				count: 128, flags: flags, producers: 3, consumers: 3,
				perProducer: perProducer() / 4, maxBatch: 16,
				enq: enqAll, deq: deqAll, mk: mkTag, rd: rdTag,
			})
		})
	}
	// Single-thread calls on HTS and RTS sides, which run HTS or RTS,
	// mixed with the side's own calls from other goroutines.
	for _, flags := range []Flags{MPHTSEnq | MCHTSDeq, MPRTSEnq | MCRTSDeq} {
		t.Run(fmt.Sprintf("ST/%#x", uint32(flags)), func(t *testing.T) {
			t.Parallel()
			stress(t, stressConfig[tag]{
				count: 128, flags: flags, producers: 3, consumers: 3,
				perProducer: perProducer() / 4, maxBatch: 16,
				enq: append([]caller[tag]{(*Ring[tag]).SPEnqueueBulk, (*Ring[tag]).SPEnqueueBurst}, genericEnq[tag]()...),
				deq: append([]caller[tag]{(*Ring[tag]).SCDequeueBulk, (*Ring[tag]).SCDequeueBurst}, genericDeq[tag]()...),
				mk:  mkTag, rd: rdTag,
			})
		})
	}
}
