package ring

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestWaitDeadline checks that every blocking helper gives up with the
// context's error, having moved nothing, when the ring stays empty or full.
func TestWaitDeadline(t *testing.T) {
	r, err := New[int]("wait", 8, 0)
	require.NoError(t, err)
	out := make([]int, 2)
	const d = 20 * time.Millisecond

	for name, call := range map[string]func(context.Context) (int, error){
		"DequeueBulkWait":  func(ctx context.Context) (int, error) { return r.DequeueBulkWait(ctx, out) },
		"DequeueBurstWait": func(ctx context.Context) (int, error) { return r.DequeueBurstWait(ctx, out) },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		start := time.Now()
		n, err := call(ctx)
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded, name)
		require.Zero(t, n, name)
		require.GreaterOrEqual(t, time.Since(start), d, name)
	}

	require.Equal(t, 7, r.EnqueueBurst(seq(0, 7)))
	for name, call := range map[string]func(context.Context) (int, error){
		"EnqueueBulkWait":  func(ctx context.Context) (int, error) { return r.EnqueueBulkWait(ctx, []int{1}) },
		"EnqueueBurstWait": func(ctx context.Context) (int, error) { return r.EnqueueBurstWait(ctx, []int{1, 2}) },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		n, err := call(ctx)
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded, name)
		require.Zero(t, n, name)
	}
	require.Equal(t, 7, r.Count())

	// A cancelled context does not stop a call that can succeed at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err := r.DequeueBulkWait(ctx, out)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = r.EnqueueBurstWait(ctx, []int{7, 8, 9})
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = r.DequeueBulkWait(ctx, out[:0])
	require.NoError(t, err)
	require.Zero(t, n)

	// Requests that can never be met fail at once.
	_, err = r.EnqueueBulkWait(context.Background(), make([]int, 8))
	require.ErrorIs(t, err, ErrInvalidSize)
	_, err = r.DequeueBulkWait(context.Background(), make([]int, 8))
	require.ErrorIs(t, err, ErrInvalidSize)
}

// TestWaitWakes checks that waiting calls return once the other side makes
// room or values: the consumer waits for three values that arrive one by one,
// the producer for room in a full ring.
func TestWaitWakes(t *testing.T) {
	for _, flags := range []Flags{0, SPEnq | SCDeq, MPRTSEnq | MCHTSDeq} {
		r, err := New[int]("wait", 4, flags)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)

		type result struct {
			n   int
			err error
			out []int
		}
		done := make(chan result)
		go func() {
			out := make([]int, 3)
			n, err := r.DequeueBulkWait(ctx, out)
			done <- result{n, err, out}
		}()
		for i := range 3 {
			require.True(t, r.Enqueue(i))
		}
		res := <-done
		require.NoError(t, res.err)
		require.Equal(t, 3, res.n)
		require.Equal(t, []int{0, 1, 2}, res.out)

		require.Equal(t, 3, r.EnqueueBulk([]int{10, 11, 12}))
		go func() {
			n, err := r.EnqueueBulkWait(ctx, []int{13, 14})
			done <- result{n, err, nil}
		}()
		out := make([]int, 4)
		got := 0
		for got < 5 {
			got += r.DequeueBurst(out[:1])
			if got > 0 && out[0] != 10+got-1 {
				t.Fatalf("got %d as value %d", out[0], got)
			}
		}
		res = <-done
		require.NoError(t, res.err)
		require.Equal(t, 2, res.n)
		require.True(t, r.Empty())
		cancel()
	}
}
