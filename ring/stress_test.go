package ring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tag identifies a value sent through a ring in the stress tests: the
// producer that sent it and its sequence number at that producer.
type tag struct{ p, seq uint32 }

// stressLimit bounds a stress run, so that a lost value shows up as a failure
// rather than a hung test. It is a watchdog only; nothing waits on time.
const stressLimit = 60 * time.Second

// caller is one way of enqueueing or dequeueing a batch.
type caller[E any] func(r *Ring[E], objs []E) int

// genericCalls and the forced lists give the calls a stress run picks from at
// random for each batch.
func genericEnq[E any]() []caller[E] {
	return []caller[E]{
		(*Ring[E]).EnqueueBulk,
		(*Ring[E]).EnqueueBurst,
		func(r *Ring[E], objs []E) int { n, _ := r.EnqueueBurstFree(objs); return n },
		func(r *Ring[E], objs []E) int {
			if len(objs) > 0 && r.Enqueue(objs[0]) {
				return 1
			}
			return 0
		},
	}
}

func genericDeq[E any]() []caller[E] {
	return []caller[E]{
		(*Ring[E]).DequeueBulk,
		(*Ring[E]).DequeueBurst,
		func(r *Ring[E], objs []E) int { n, _ := r.DequeueBurstAvail(objs); return n },
		func(r *Ring[E], objs []E) int {
			if len(objs) == 0 {
				return 0
			}
			v, ok := r.Dequeue()
			if !ok {
				return 0
			}
			objs[0] = v
			return 1
		},
	}
}

type stressConfig[E any] struct {
	count       int
	flags       Flags
	producers   int
	consumers   int
	perProducer int
	maxBatch    int
	enq, deq    []caller[E]
	mk          func(p, seq uint32) E
	rd          func(E) tag
	setup       func(r *Ring[E]) // optional, before the run
}

// stress runs producers and consumers on one ring until every value has been
// dequeued, then checks that each arrived exactly once and that every
// consumer saw each producer's values in increasing order. With one consumer
// it checks that each producer's values arrived exactly in sequence.
func stress[E any](t *testing.T, c stressConfig[E]) {
	r, err := New[E]("stress", c.count, c.flags)
	require.NoError(t, err)
	// Start next to the 2^32 wrap so that the run crosses it.
	r.setIndex(math.MaxUint32 - uint32(c.count) - 1000)
	if c.setup != nil {
		c.setup(r)
	}

	total := int64(c.producers * c.perProducer)
	var received atomic.Int64
	var abort atomic.Bool
	start := time.Now()
	timedOut := func(i int) bool {
		if i%256 == 255 && time.Since(start) > stressLimit {
			abort.Store(true)
		}
		return abort.Load()
	}

	var wg sync.WaitGroup
	for p := range c.producers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(p), 42))
			batch := make([]E, c.maxBatch)
			next := uint32(0)
			for i := 0; int(next) < c.perProducer && !timedOut(i); i++ {
				k := min(1+rng.IntN(c.maxBatch), c.perProducer-int(next))
				for j := range k {
					batch[j] = c.mk(uint32(p), next+uint32(j))
				}
				n := c.enq[rng.IntN(len(c.enq))](r, batch[:k])
				if n == 0 {
					runtime.Gosched()
				}
				next += uint32(n)
			}
		})
	}

	type result struct {
		got      [][]uint32 // per producer, sequence numbers in arrival order
		problems []string
	}
	results := make([]result, c.consumers)
	for ci := range c.consumers {
		wg.Go(func() {
			res := &results[ci]
			res.got = make([][]uint32, c.producers)
			rng := rand.New(rand.NewPCG(uint64(ci), 7))
			batch := make([]E, c.maxBatch)
			for i := 0; received.Load() < total && !timedOut(i); i++ {
				k := 1 + rng.IntN(c.maxBatch)
				n := c.deq[rng.IntN(len(c.deq))](r, batch[:k])
				if n == 0 {
					runtime.Gosched()
					continue
				}
				for _, v := range batch[:n] {
					tg := c.rd(v)
					if int(tg.p) >= c.producers {
						res.problems = append(res.problems, fmt.Sprintf("bad producer %d", tg.p))
						continue
					}
					res.got[tg.p] = append(res.got[tg.p], tg.seq)
				}
				received.Add(int64(n))
			}
		})
	}
	wg.Wait()
	require.False(t, abort.Load(), "no progress for %v: %d of %d values received; %v", stressLimit, received.Load(), total, r)

	// Plain checks in the loops: require's helpers cost a stack walk per call.
	for ci, res := range results {
		require.Empty(t, res.problems, "consumer %d", ci)
		for p, got := range res.got {
			for i := 1; i < len(got); i++ {
				if got[i-1] >= got[i] {
					t.Fatalf("consumer %d saw producer %d's value %d after %d", ci, p, got[i], got[i-1])
				}
			}
			if c.consumers != 1 {
				continue
			}
			for i, s := range got {
				if uint32(i) != s {
					t.Fatalf("producer %d's value %d arrived in position %d", p, s, i)
				}
			}
		}
	}
	for p := range c.producers {
		seen := make([]bool, c.perProducer)
		for ci, res := range results {
			for _, s := range res.got[p] {
				if int(s) >= c.perProducer {
					t.Fatalf("producer %d value %d was never sent", p, s)
				}
				if seen[s] {
					t.Fatalf("producer %d value %d dequeued twice (again by consumer %d)", p, s, ci)
				}
				seen[s] = true
			}
		}
		for s, ok := range seen {
			if !ok {
				t.Fatalf("producer %d value %d never dequeued", p, s)
			}
		}
	}
	require.True(t, r.Empty(), "%v", r)
	require.Equal(t, received.Load(), total)
}

func mkTag(p, seq uint32) tag { return tag{p, seq} }
func rdTag(v tag) tag         { return v }

// mkPtr and rdPtr send pointers to values written just before the enqueue, so
// that the race detector checks that an enqueue publishes them to the
// consumer.
func mkPtr(p, seq uint32) *tag { return &tag{p, seq} }
func rdPtr(v *tag) tag         { return *v }

// perProducer is the number of values each producer sends: 100k, or 10k with
// -short.
func perProducer() int {
	if testing.Short() {
		return 10_000
	}
	return 100_000
}

func TestStressMPMC(t *testing.T) {
	stress(t, stressConfig[tag]{
		count: 256, producers: 4, consumers: 4, perProducer: perProducer(), maxBatch: 32,
		enq: genericEnq[tag](), deq: genericDeq[tag](), mk: mkTag, rd: rdTag,
	})
}

func TestStressMPMCExactSize(t *testing.T) {
	stress(t, stressConfig[*tag]{
		count: 100, flags: ExactSize, producers: 4, consumers: 4, perProducer: perProducer() / 4, maxBatch: 40,
		enq: genericEnq[*tag](), deq: genericDeq[*tag](), mk: mkPtr, rd: rdPtr,
	})
}

func TestStressMPMCForced(t *testing.T) {
	// MP/MC calls on a ring created SP/SC.
	stress(t, stressConfig[tag]{
		count: 128, flags: SPEnq | SCDeq, producers: 4, consumers: 4, perProducer: perProducer() / 4, maxBatch: 16,
		enq: []caller[tag]{(*Ring[tag]).MPEnqueueBulk, (*Ring[tag]).MPEnqueueBurst},
		deq: []caller[tag]{(*Ring[tag]).MCDequeueBulk, (*Ring[tag]).MCDequeueBurst},
		mk:  mkTag, rd: rdTag,
	})
}

func TestStressMPSC(t *testing.T) {
	stress(t, stressConfig[tag]{
		count: 256, flags: SCDeq, producers: 4, consumers: 1, perProducer: perProducer(), maxBatch: 32,
		enq: genericEnq[tag](), deq: genericDeq[tag](), mk: mkTag, rd: rdTag,
	})
}

func TestStressSPMC(t *testing.T) {
	stress(t, stressConfig[tag]{
		count: 256, flags: SPEnq, producers: 1, consumers: 4, perProducer: perProducer(), maxBatch: 32,
		enq: genericEnq[tag](), deq: genericDeq[tag](), mk: mkTag, rd: rdTag,
	})
}

func TestStressSPSC(t *testing.T) {
	stress(t, stressConfig[*tag]{
		count: 256, flags: SPEnq | SCDeq, producers: 1, consumers: 1, perProducer: perProducer(), maxBatch: 32,
		enq: genericEnq[*tag](), deq: genericDeq[*tag](), mk: mkPtr, rd: rdPtr,
	})
}

func TestStressSPSCForced(t *testing.T) {
	// SP/SC calls on a ring created MP/MC.
	stress(t, stressConfig[tag]{
		count: 64, producers: 1, consumers: 1, perProducer: perProducer(), maxBatch: 48,
		enq: []caller[tag]{(*Ring[tag]).SPEnqueueBulk, (*Ring[tag]).SPEnqueueBurst},
		deq: []caller[tag]{(*Ring[tag]).SCDequeueBulk, (*Ring[tag]).SCDequeueBurst},
		mk:  mkTag, rd: rdTag,
	})
}

// TestMPWaitsForPredecessor stalls a multi-producer (and then a
// multi-consumer) call between its reservation and its publication, and checks
// that a later call on the same side reserves after it but cannot publish
// before it.
func TestMPWaitsForPredecessor(t *testing.T) {
	r, err := New[int]("wait", 16, 0)
	require.NoError(t, err)
	r.setIndex(math.MaxUint32 - 2)

	// The stalled producer: reserved 3 slots, not yet published.
	old, n, _ := r.h.prod.reserve(SyncMT, &r.h.cons, r.capacity, 3, true)
	require.Equal(t, uint32(3), n)

	done := make(chan int)
	go func() { done <- r.MPEnqueueBulk([]int{3, 4}) }()
	// Poll (not sleep) until the second producer has reserved; it then spins
	// in waitTurn.
	for r.h.prod.ht.loadLo() != old+5 {
		runtime.Gosched()
	}
	require.Equal(t, old, r.prodTail(), "the later producer published first")
	require.True(t, r.Empty())

	r.put(old, []int{0, 1, 2})
	r.h.prod.publish(SyncMT, old, 3)
	require.Equal(t, 2, <-done)
	require.Equal(t, old+5, r.prodTail())

	// The same on the consumer side.
	cold, n, _ := r.h.cons.reserve(SyncMT, &r.h.prod, 0, 2, true)
	require.Equal(t, uint32(2), n)
	got := make([]int, 3)
	go func() { done <- r.MCDequeueBulk(got) }()
	for r.h.cons.ht.loadLo() != cold+5 {
		runtime.Gosched()
	}
	require.Equal(t, cold, r.consTail(), "the later consumer published first")
	require.Equal(t, 5, r.Count(), "entries being dequeued still count until published")

	first := make([]int, 2)
	r.get(cold, first)
	r.h.cons.publish(SyncMT, cold, 2)
	require.Equal(t, 3, <-done)
	require.Equal(t, []int{0, 1}, first)
	require.Equal(t, []int{2, 3, 4}, got)
	require.True(t, r.Empty())
}
