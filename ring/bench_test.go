package ring

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"unsafe"
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

// BenchmarkModes measures one goroutine enqueueing then dequeueing bursts of
// 32 in every mode (uncontended), through the generic calls.
func BenchmarkModes(b *testing.B) {
	for _, p := range allSyncs {
		for _, c := range allSyncs {
			b.Run(prodShort[p]+"/"+consShort[c], func(b *testing.B) {
				benchRoundTrip(b, prodFlag[p]|consFlag[c], (*Ring[uint64]).EnqueueBurst, (*Ring[uint64]).DequeueBurst)
			})
		}
	}
	for _, m := range []Sync{SyncST, SyncHTS} {
		b.Run("ZC/"+m.String(), func(b *testing.B) {
			r, _ := New[uint64]("bench", 1024, prodFlag[m]|consFlag[m])
			b.ReportAllocs()
			for b.Loop() {
				first, second, _ := r.EnqueueZCBurstStart(benchBurst)
				for i := range first {
					first[i] = uint64(i)
				}
				for i := range second {
					second[i] = uint64(i)
				}
				_ = r.EnqueueZCFinish(len(first) + len(second))
				first, second, _ = r.DequeueZCBurstStart(benchBurst)
				_ = r.DequeueZCFinish(len(first) + len(second))
			}
			reportPerElem(b, benchBurst)
		})
	}
}

// BenchmarkCopy compares the ways of moving n values of 8 bytes into a ring's
// slots: moveRaw (what the data path uses up to rawMax bytes), copy (a call
// to memmove, used above that), and a per-element loop.
func BenchmarkCopy(b *testing.B) {
	for _, n := range []int{4, 8, 16, 32, 64, 128} {
		src := make([]uint64, n)
		dst := make([]uint64, 1024)
		b.Run(fmt.Sprintf("%d/raw", n), func(b *testing.B) {
			for b.Loop() {
				moveRaw(unsafe.Pointer(&dst[64]), unsafe.Pointer(&src[0]), uintptr(n)*8)
			}
			reportPerElem(b, n)
		})
		b.Run(fmt.Sprintf("%d/copy", n), func(b *testing.B) {
			for b.Loop() {
				copy(dst[64:], src)
			}
			reportPerElem(b, n)
		})
		b.Run(fmt.Sprintf("%d/loop", n), func(b *testing.B) {
			for b.Loop() {
				d := dst[64 : 64+n]
				for i := range d {
					d[i] = src[i]
				}
			}
			reportPerElem(b, n)
		})
	}
}
