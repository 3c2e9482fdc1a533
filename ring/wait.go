package ring

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

// Blocking helpers for code off the fast path (control planes, tests, slow
// consumers): they poll the ordinary calls until they succeed or the context
// ends. They are built on the data path, never the other way round: no burst
// or bulk call waits.
//
// Polling backs off in three steps so that a waiting goroutine does not keep
// a CPU busy for long: waitSpins polls back to back, then waitYields polls
// with runtime.Gosched between them, then polls with sleeps doubling from
// 1 µs up to waitMaxSleep. Each helper allocates one timer the first time it
// sleeps; the polls themselves allocate nothing.

const (
	waitSpins    = 64
	waitYields   = 64
	waitMaxSleep = time.Millisecond
)

// waiter is the backoff state of one blocking call.
type waiter struct {
	polls int
	sleep time.Duration
	timer *time.Timer
}

// pause waits before the next poll. It returns ctx's error once ctx is done.
func (w *waiter) pause(ctx context.Context) error {
	w.polls++
	switch {
	case w.polls <= waitSpins:
		return ctx.Err()
	case w.polls <= waitSpins+waitYields:
		runtime.Gosched()
		return ctx.Err()
	}
	if w.sleep == 0 {
		w.sleep = time.Microsecond
	} else {
		w.sleep = min(2*w.sleep, waitMaxSleep)
	}
	if w.timer == nil {
		w.timer = time.NewTimer(w.sleep)
	} else {
		w.timer.Reset(w.sleep)
	}
	select {
	case <-ctx.Done():
		w.timer.Stop()
		return ctx.Err()
	case <-w.timer.C:
		return nil
	}
}

func (w *waiter) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// EnqueueBulkWait enqueues all of objs, in the producer mode chosen at
// creation, waiting as long as fewer than len(objs) slots are free. It
// returns len(objs) and nil, or 0 and ctx's error (context.Canceled,
// context.DeadlineExceeded) if ctx ends first; then nothing was enqueued. A
// request larger than the capacity fails at once with ErrInvalidSize.
// Ownership as for EnqueueBulk.
func (r *Ring[T]) EnqueueBulkWait(ctx context.Context, objs []T) (int, error) {
	if len(objs) > int(r.capacity) {
		return 0, fmt.Errorf("%w: %d values can never fit in a ring of capacity %d", ErrInvalidSize, len(objs), r.capacity)
	}
	var w waiter
	defer w.stop()
	for {
		if n := r.EnqueueBulk(objs); n != 0 || len(objs) == 0 {
			return n, nil
		}
		if err := w.pause(ctx); err != nil {
			return 0, err
		}
	}
}

// DequeueBulkWait fills all of objs with the oldest values, in the consumer
// mode chosen at creation, waiting as long as the ring holds fewer than
// len(objs). It returns len(objs) and nil, or 0 and ctx's error if ctx ends
// first; then nothing was dequeued. A request larger than the capacity fails
// at once with ErrInvalidSize. Ownership as for DequeueBulk.
func (r *Ring[T]) DequeueBulkWait(ctx context.Context, objs []T) (int, error) {
	if len(objs) > int(r.capacity) {
		return 0, fmt.Errorf("%w: %d values can never be in a ring of capacity %d", ErrInvalidSize, len(objs), r.capacity)
	}
	var w waiter
	defer w.stop()
	for {
		if n := r.DequeueBulk(objs); n != 0 || len(objs) == 0 {
			return n, nil
		}
		if err := w.pause(ctx); err != nil {
			return 0, err
		}
	}
}

// EnqueueBurstWait enqueues as many values from the front of objs as fit, in
// the producer mode chosen at creation, waiting while the ring is full. It
// returns n ≥ 1 (objs[:n] went in) and nil, or 0 and ctx's error if ctx ends
// first. An empty objs returns 0 and nil. Ownership as for EnqueueBurst.
func (r *Ring[T]) EnqueueBurstWait(ctx context.Context, objs []T) (int, error) {
	var w waiter
	defer w.stop()
	for {
		if n := r.EnqueueBurst(objs); n != 0 || len(objs) == 0 {
			return n, nil
		}
		if err := w.pause(ctx); err != nil {
			return 0, err
		}
	}
}

// DequeueBurstWait fills objs[:n] with up to len(objs) of the oldest values,
// in the consumer mode chosen at creation, waiting while the ring is empty.
// It returns n ≥ 1 and nil, or 0 and ctx's error if ctx ends first. An empty
// objs returns 0 and nil. Ownership as for DequeueBurst.
func (r *Ring[T]) DequeueBurstWait(ctx context.Context, objs []T) (int, error) {
	var w waiter
	defer w.stop()
	for {
		if n := r.DequeueBurst(objs); n != 0 || len(objs) == 0 {
			return n, nil
		}
		if err := w.pause(ctx); err != nil {
			return 0, err
		}
	}
}
