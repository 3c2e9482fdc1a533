package ring

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

const benchBurst = 32

// reportPerElem adds an ns/elem metric: elems values went through the ring per
// iteration.
func reportPerElem(b *testing.B, elems int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(elems), "ns/elem")
}

// benchRoundTrip enqueues then dequeues a batch of benchBurst values per
// iteration on one goroutine.
func benchRoundTrip[T any](b *testing.B, flags Flags, enq, deq func(r *Ring[T], objs []T) int) {
	r, err := New[T]("bench", 1024, flags)
	if err != nil {
		b.Fatal(err)
	}
	in := make([]T, benchBurst)
	out := make([]T, benchBurst)
	b.ReportAllocs()
	for b.Loop() {
		if enq(r, in) != benchBurst || deq(r, out) != benchBurst {
			b.Fatal("short batch")
		}
	}
	reportPerElem(b, benchBurst)
}

func benchModes[T any](b *testing.B, flags Flags) {
	b.Run("Bulk32", func(b *testing.B) {
		benchRoundTrip(b, flags, (*Ring[T]).EnqueueBulk, (*Ring[T]).DequeueBulk)
	})
	b.Run("Burst32", func(b *testing.B) {
		benchRoundTrip(b, flags, (*Ring[T]).EnqueueBurst, (*Ring[T]).DequeueBurst)
	})
}

// BenchmarkSPSC measures one goroutine enqueueing then dequeueing on a
// single-producer/single-consumer ring.
func BenchmarkSPSC(b *testing.B) {
	b.Run("uint32", func(b *testing.B) { benchModes[uint32](b, SPEnq|SCDeq) })
	b.Run("ptr", func(b *testing.B) { benchModes[*int](b, SPEnq|SCDeq) })
	b.Run("Single", func(b *testing.B) {
		r, _ := New[uint32]("bench", 1024, SPEnq|SCDeq)
		b.ReportAllocs()
		for i := uint32(0); b.Loop(); i++ {
			if !r.Enqueue(i) {
				b.Fatal("full")
			}
			if _, ok := r.Dequeue(); !ok {
				b.Fatal("empty")
			}
		}
		reportPerElem(b, 1)
	})
}

// BenchmarkMPMC is BenchmarkSPSC on a multi-producer/multi-consumer ring
// (uncontended: the CAS and tail waits always succeed first time).
func BenchmarkMPMC(b *testing.B) {
	b.Run("uint32", func(b *testing.B) { benchModes[uint32](b, 0) })
	b.Run("ptr", func(b *testing.B) { benchModes[*int](b, 0) })
	b.Run("Single", func(b *testing.B) {
		r, _ := New[uint32]("bench", 1024, 0)
		b.ReportAllocs()
		for i := uint32(0); b.Loop(); i++ {
			if !r.Enqueue(i) {
				b.Fatal("full")
			}
			if _, ok := r.Dequeue(); !ok {
				b.Fatal("empty")
			}
		}
		reportPerElem(b, 1)
	})
}

// BenchmarkSPSCPair measures throughput between a producer goroutine and a
// consumer goroutine on an SP/SC ring of 1024 slots, moving bursts of 32.
// One op is one element.
func BenchmarkSPSCPair(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2")
	}
	r, _ := New[uint32]("bench", 1024, SPEnq|SCDeq)
	total := b.N
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	wg.Add(1)
	go func() {
		defer wg.Done()
		in := make([]uint32, benchBurst)
		for sent := 0; sent < total; {
			k := min(benchBurst, total-sent)
			n := r.EnqueueBurst(in[:k])
			if n == 0 {
				runtime.Gosched()
			}
			sent += n
		}
	}()
	out := make([]uint32, benchBurst)
	for got := 0; got < total; {
		n := r.DequeueBurst(out)
		if n == 0 {
			runtime.Gosched()
		}
		got += n
	}
	wg.Wait()
	reportPerElem(b, 1)
}

// putLoop, getLoop, putCopy and getCopy are the two ways put and get can
// move values, kept to choose between them (BenchmarkCopy): a per-element
// masked loop, and copy over the at most two wrapped pieces.
func (r *Ring[T]) putLoop(pos uint32, objs []T) {
	for i := range objs {
		r.slots[(pos+uint32(i))&r.mask] = objs[i]
	}
}

func (r *Ring[T]) getLoop(pos uint32, objs []T) {
	for i := range objs {
		objs[i] = r.slots[(pos+uint32(i))&r.mask]
	}
}

func (r *Ring[T]) putCopy(pos uint32, objs []T) {
	k := copy(r.slots[pos&r.mask:], objs)
	if k < len(objs) {
		copy(r.slots, objs[k:])
	}
}

func (r *Ring[T]) getCopy(pos uint32, objs []T) {
	k := copy(objs, r.slots[pos&r.mask:])
	if k < len(objs) {
		copy(objs[k:], r.slots)
	}
}

func benchCopy[T any](b *testing.B, n int, how string) {
	r, _ := New[T]("bench", 1024, 0)
	buf := make([]T, n)
	// Start 3 slots before the end so that some batches wrap.
	pos := uint32(1024 - 3)
	b.ReportAllocs()
	for b.Loop() {
		switch how {
		case "loop":
			r.putLoop(pos, buf)
			r.getLoop(pos, buf)
		case "copy":
			r.putCopy(pos, buf)
			r.getCopy(pos, buf)
		default:
			r.put(pos, buf)
			r.get(pos, buf)
		}
		pos += uint32(n)
	}
	reportPerElem(b, n)
}

// BenchmarkCopy compares the ways of moving n values into and out of the
// slots: "loop" and "copy" as above, and "ring", what put and get do.
func BenchmarkCopy(b *testing.B) {
	for _, n := range []int{1, 4, 8, 16, 32, 256} {
		for _, how := range []string{"ring", "copy", "loop"} {
			b.Run(fmt.Sprintf("uint32/%d/%s", n, how), func(b *testing.B) { benchCopy[uint32](b, n, how) })
			b.Run(fmt.Sprintf("ptr/%d/%s", n, how), func(b *testing.B) { benchCopy[*int](b, n, how) })
		}
	}
}
