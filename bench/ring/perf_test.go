package ringbench

// Go counterparts of the rows of DPDK 22.11's ring_perf_autotest
// (app/test/test_ring_perf.c), operation for operation: same ring (4096
// slots, created multi-producer/multi-consumer, so the SP/SC rows use the
// forced single-thread calls as DPDK's do), same element sizes (8-byte
// elements for DPDK's "legacy APIs" pointer rows, 16-byte ones for its
// "elem APIs: element size 16B" rows), same loops, same units:
//
//	single     one enqueue + one dequeue of one element; time per iteration
//	burstN     enqueue burst of N then dequeue burst of N; time per iteration
//	bulkN      enqueue bulk of N then dequeue bulk of N; time per iteration
//	empty8     dequeue bulk of 8 from the empty ring; time per call
//	twocoreN   producer on CPU 0 enqueues bulks of N, consumer on CPU 1
//	           dequeues them, each retrying when full or empty; each side's
//	           time per element, summed (DPDK prints param1 + param2)
//
// Each benchmark reports that number as the "dpdk-ns" metric; run.sh
// compares it with DPDK's cycles converted to ns. Every loop runs on an eal
// lcore: a goroutine locked to a thread pinned to CPU 0 (and CPU 1 for the
// consumer), as DPDK's main and worker lcores are with -l 0-1.

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/ring"
)

const (
	ringSize = 4096
	maxBurst = 32
)

// bulkSizes are DPDK's (a variable there too, so not a compile-time
// constant).
var bulkSizes = []int{8, 32}

// elem16 is a 16-byte plain element, like the rows with esize 16.
type elem16 struct{ a, b uint64 }

// onCPU runs fn on a goroutine pinned to cpu and returns its result.
func onCPU(b *testing.B, cpu int, fn func() error) {
	b.Helper()
	var set eal.CPUSet
	set.Set(cpu)
	l := eal.NewLcore(cpu, set, 0)
	if err := l.Launch(func(*eal.Lcore) error { return fn() }); err != nil {
		b.Fatal(err)
	}
	if err := l.Wait(); err != nil {
		b.Fatal(err)
	}
}

// single times fn, b.N iterations, on CPU 0 and reports the time per
// iteration.
func single(b *testing.B, fn func(n int)) {
	b.ReportAllocs()
	var elapsed time.Duration
	b.ResetTimer()
	onCPU(b, 0, func() error {
		start := time.Now()
		fn(b.N)
		elapsed = time.Since(start)
		return nil
	})
	b.StopTimer()
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N), "dpdk-ns")
}

func BenchmarkRingPerf(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 || runtime.NumCPU() < 2 {
		b.Skip("needs 2 CPUs")
	}
	b.Run("legacy", perfRows[uint64])
	b.Run("elem16", perfRows[elem16])
}

func perfRows[T any](b *testing.B) {
	r, err := ring.New[T]("RING_PERF", ringSize, 0)
	if err != nil {
		b.Fatal(err)
	}
	check := func(b *testing.B) {
		if !r.Empty() {
			b.Fatalf("ring not empty after the run: %v", r)
		}
	}

	b.Run("SPSC/single", func(b *testing.B) {
		single(b, func(n int) {
			var v T
			for range n {
				r.SPEnqueue(v)
				v, _ = r.SCDequeue()
			}
		})
		check(b)
	})
	b.Run("MPMC/single", func(b *testing.B) {
		single(b, func(n int) {
			var v T
			for range n {
				r.MPEnqueue(v)
				v, _ = r.MCDequeue()
			}
		})
		check(b)
	})
	for _, op := range []string{"burst", "bulk"} {
		for _, sz := range bulkSizes {
			burst := make([]T, maxBurst)[:sz]
			b.Run(fmt.Sprintf("SPSC/%s%d", op, sz), func(b *testing.B) {
				if op == "burst" {
					single(b, func(n int) {
						for range n {
							r.SPEnqueueBurst(burst)
							r.SCDequeueBurst(burst)
						}
					})
				} else {
					single(b, func(n int) {
						for range n {
							r.SPEnqueueBulk(burst)
							r.SCDequeueBulk(burst)
						}
					})
				}
				check(b)
			})
			b.Run(fmt.Sprintf("MPMC/%s%d", op, sz), func(b *testing.B) {
				if op == "burst" {
					single(b, func(n int) {
						for range n {
							r.MPEnqueueBurst(burst)
							r.MCDequeueBurst(burst)
						}
					})
				} else {
					single(b, func(n int) {
						for range n {
							r.MPEnqueueBulk(burst)
							r.MCDequeueBulk(burst)
						}
					})
				}
				check(b)
			})
		}
	}
	burst := make([]T, maxBurst)[:bulkSizes[0]]
	b.Run(fmt.Sprintf("SPSC/empty%d", len(burst)), func(b *testing.B) {
		single(b, func(n int) {
			for range n {
				r.SCDequeueBulk(burst)
			}
		})
	})
	b.Run(fmt.Sprintf("MPMC/empty%d", len(burst)), func(b *testing.B) {
		single(b, func(n int) {
			for range n {
				r.MCDequeueBulk(burst)
			}
		})
	})
	for _, sz := range bulkSizes {
		b.Run(fmt.Sprintf("SPSC/twocore%d", sz), func(b *testing.B) {
			twoCore(b, sz, r.SPEnqueueBulk, r.SCDequeueBulk)
			check(b)
		})
		b.Run(fmt.Sprintf("MPMC/twocore%d", sz), func(b *testing.B) {
			twoCore(b, sz, r.MPEnqueueBulk, r.MCDequeueBulk)
			check(b)
		})
	}
}

// twoCore runs a producer on CPU 0 and a consumer on CPU 1, each making b.N
// bulk calls of sz elements (retrying a call that finds the ring full or
// empty), and reports the sum of each side's time per element.
func twoCore[T any](b *testing.B, sz int, enq, deq func([]T) int) {
	b.ReportAllocs()
	var ready atomic.Int32
	var prodNs, consNs int64
	side := func(cpu int, call func([]T) int, ns *int64) *eal.Lcore {
		var set eal.CPUSet
		set.Set(cpu)
		l := eal.NewLcore(cpu, set, 0)
		err := l.Launch(func(*eal.Lcore) error {
			burst := make([]T, maxBurst)[:sz]
			ready.Add(1)
			for ready.Load() != 2 {
			}
			start := time.Now()
			for range b.N {
				for call(burst) == 0 {
				}
			}
			*ns = time.Since(start).Nanoseconds()
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		return l
	}
	b.ResetTimer()
	p := side(0, enq, &prodNs)
	c := side(1, deq, &consNs)
	if err := p.Wait(); err != nil {
		b.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	elems := float64(b.N) * float64(sz)
	b.ReportMetric(float64(prodNs)/elems+float64(consNs)/elems, "dpdk-ns")
}
