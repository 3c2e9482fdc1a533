package ring_test

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/dpk-go/dpk/ring"
)

// A ring between a producer goroutine and a consumer goroutine, each moving
// bursts. The caller owns the batch slices; the ring copies values in and out.
func ExampleRing() {
	r, err := ring.New[int]("work", 64, ring.SPEnq|ring.SCDeq)
	if err != nil {
		panic(err)
	}
	const total = 1000

	var wg sync.WaitGroup
	wg.Go(func() {
		batch := make([]int, 32)
		for next := 0; next < total; {
			k := min(len(batch), total-next)
			for i := range k {
				batch[i] = next + i
			}
			// A burst enqueues batch[:n]; the rest is retried.
			n := r.EnqueueBurst(batch[:k])
			if n == 0 {
				runtime.Gosched() // full: let the consumer run
			}
			next += n
		}
	})

	sum, got := 0, 0
	batch := make([]int, 32)
	for got < total {
		n := r.DequeueBurst(batch)
		if n == 0 {
			runtime.Gosched() // empty: let the producer run
		}
		for _, v := range batch[:n] {
			sum += v
		}
		got += n
	}
	wg.Wait()
	fmt.Println(got, sum, r.Empty())
	// Output: 1000 499500 true
}

// Sizes, bulk and burst calls, and DPDK's out-parameters.
func ExampleNew() {
	r, _ := ring.New[string]("cmds", 8, 0)
	fmt.Println("size", r.Size(), "capacity", r.Capacity())

	e, _ := ring.New[string]("cmds", 5, ring.ExactSize)
	fmt.Println("exact: size", e.Size(), "capacity", e.Capacity())

	_, err := ring.New[string]("cmds", 5, 0)
	fmt.Println(err)

	in := []string{"a", "b", "c", "d", "e", "f"}
	fmt.Println("bulk of 6:", e.EnqueueBulk(in)) // all or nothing
	n, free := e.EnqueueBurstFree(in)            // as many as fit
	fmt.Println("burst of 6:", n, "free after:", free)

	out := make([]string, 4)
	n, avail := e.DequeueBurstAvail(out)
	fmt.Println(out[:n], "left:", avail)
	// Output:
	// size 8 capacity 7
	// exact: size 8 capacity 5
	// ring: invalid size: count 5 is not a power of two
	// bulk of 6: 0
	// burst of 6: 5 free after: 0
	// [a b c d] left: 1
}
