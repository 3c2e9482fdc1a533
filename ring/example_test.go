package ring_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

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

// Peek: look at the oldest values before deciding how many to take. The ones
// not taken stay in the ring, still the oldest.
func ExampleRing_DequeueBurstStart() {
	r, _ := ring.New[int]("jobs", 16, ring.SCDeq) // peek needs SC or HTS
	r.EnqueueBurst([]int{1, 2, 3, 100, 4})

	buf := make([]int, 8)
	n, _ := r.DequeueBurstStart(buf)
	take := 0
	for take < n && buf[take] < 100 { // stop at the first big job
		take++
	}
	_ = r.DequeueFinish(take)
	fmt.Println(buf[:take], "left:", r.Count())
	// Output: [1 2 3] left: 2
}

// Zero-copy: fill the ring's own slots, then publish them. The reservation
// comes in two slices when it wraps past the end of the slot array.
func ExampleRing_EnqueueZCBurstStart() {
	r, _ := ring.New[uint64]("zc", 8, ring.MPHTSEnq|ring.MCHTSDeq)
	r.EnqueueBulk(make([]uint64, 6))
	r.DequeueBulk(make([]uint64, 6)) // the next free slot is number 6 of 8

	first, second, _ := r.EnqueueZCBurstStart(5)
	fmt.Println(len(first), len(second))
	for i := range first {
		first[i] = uint64(10 + i)
	}
	for i := range second {
		second[i] = uint64(10 + len(first) + i)
	}
	_ = r.EnqueueZCFinish(len(first) + len(second)) // the slices are invalid from here

	out := make([]uint64, 8)
	n := r.DequeueBurst(out)
	fmt.Println(out[:n])
	// Output:
	// 2 3
	// [10 11 12 13 14]
}

// A ring in memory that another process can map: here a plain byte slice and
// a second handle stand in for an eal segment and the other process.
func ExampleNewInMemory() {
	type msg struct {
		Seq  uint32
		Port uint16
		Len  uint16
	}
	size, _ := ring.MemSize[msg](1024, ring.SPEnq|ring.SCDeq)
	mem := make([]byte, size) // in real use: seg.Bytes() of an eal segment

	tx, _ := ring.NewInMemory[msg]("rx0-to-worker", mem, 1024, ring.SPEnq|ring.SCDeq)
	rx, err := ring.Attach[msg](mem) // in the other process, on its mapping
	if err != nil {
		panic(err)
	}
	tx.Enqueue(msg{Seq: 1, Port: 3, Len: 64})
	m, _ := rx.Dequeue()
	fmt.Println(rx.Name(), m)

	_, err = ring.NewInMemory[*msg]("bad", mem, 1024, 0)
	fmt.Println(err != nil)
	// Output:
	// rx0-to-worker {1 3 64}
	// true
}

// Waiting off the fast path: block until a value arrives or the deadline
// passes.
func ExampleRing_DequeueBulkWait() {
	r, _ := ring.New[string]("ctl", 8, 0)
	go r.Enqueue("reconfigure")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := make([]string, 1)
	if _, err := r.DequeueBulkWait(ctx, cmd); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cmd[0])
	// Output: reconfigure
}
