package ring

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSyncOf checks the modes that each creation flag selects.
func TestSyncOf(t *testing.T) {
	for _, p := range allSyncs {
		for _, c := range allSyncs {
			r, err := New[int]("modes", 16, prodFlag[p]|consFlag[c])
			require.NoError(t, err)
			require.Equal(t, p, r.ProdSync())
			require.Equal(t, c, r.ConsSync())
			require.Equal(t, prodFlag[p]|consFlag[c], r.Flags())
		}
	}
	require.Equal(t, "MT", SyncMT.String())
	require.Equal(t, "ST", SyncST.String())
	require.Equal(t, "MT_RTS", SyncRTS.String())
	require.Equal(t, "MT_HTS", SyncHTS.String())
	require.Equal(t, "Sync(9)", Sync(9).String())
}

// TestEffective checks what a forced call runs on a side of each mode.
func TestEffective(t *testing.T) {
	want := map[[2]Sync]Sync{
		{SyncST, SyncST}: SyncST, {SyncST, SyncMT}: SyncMT, {SyncST, SyncRTS}: SyncMT, {SyncST, SyncHTS}: SyncHTS,
		{SyncMT, SyncST}: SyncST, {SyncMT, SyncMT}: SyncMT, {SyncMT, SyncRTS}: SyncMT, {SyncMT, SyncHTS}: SyncHTS,
		{SyncRTS, SyncST}: SyncRTS, {SyncRTS, SyncMT}: SyncRTS, {SyncRTS, SyncRTS}: SyncRTS, {SyncRTS, SyncHTS}: SyncRTS,
		{SyncHTS, SyncST}: SyncHTS, {SyncHTS, SyncMT}: SyncHTS, {SyncHTS, SyncRTS}: SyncHTS, {SyncHTS, SyncHTS}: SyncHTS,
	}
	for k, w := range want {
		require.Equal(t, w, effective(k[0], k[1]), "created %v, asked %v", k[0], k[1])
	}
}

// TestPeekModes checks that peek and zero-copy calls are refused, changing
// nothing, on sides that are neither ST nor HTS.
func TestPeekModes(t *testing.T) {
	for _, m := range []Sync{SyncMT, SyncRTS} {
		t.Run(m.String(), func(t *testing.T) {
			r, err := New[int]("peek", 16, prodFlag[m]|consFlag[m])
			require.NoError(t, err)
			require.Equal(t, 3, r.EnqueueBulk([]int{1, 2, 3}))
			before := r.String()
			buf := make([]int, 4)
			errs := []error{}
			_, err = r.EnqueueBulkStart(1)
			errs = append(errs, err)
			_, err = r.EnqueueBurstStart(1)
			errs = append(errs, err)
			errs = append(errs, r.EnqueueFinish(nil))
			_, _, err = r.EnqueueZCBulkStart(1)
			errs = append(errs, err)
			_, _, err = r.EnqueueZCBurstStart(1)
			errs = append(errs, err)
			errs = append(errs, r.EnqueueZCFinish(0))
			_, err = r.DequeueBulkStart(buf)
			errs = append(errs, err)
			_, err = r.DequeueBurstStart(buf)
			errs = append(errs, err)
			errs = append(errs, r.DequeueFinish(0))
			_, _, err = r.DequeueZCBulkStart(1)
			errs = append(errs, err)
			_, _, err = r.DequeueZCBurstStart(1)
			errs = append(errs, err)
			errs = append(errs, r.DequeueZCFinish(0))
			for i, err := range errs {
				require.ErrorIs(t, err, ErrSyncMode, "call %d", i)
			}
			require.Equal(t, []int{0, 0, 0, 0}, buf)
			require.Equal(t, before, r.String())
		})
	}
}

// TestPeekEnqueue runs the peek enqueue on ST and HTS producer sides: the
// reservation is invisible until the finish, a partial finish releases the
// rest, and misuse is refused.
func TestPeekEnqueue(t *testing.T) {
	for _, m := range []Sync{SyncST, SyncHTS} {
		t.Run(m.String(), func(t *testing.T) {
			r, err := New[int]("peek", 8, prodFlag[m])
			require.NoError(t, err)
			r.setIndex(math.MaxUint32 - 2)

			n, err := r.EnqueueBulkStart(8)
			require.NoError(t, err)
			require.Equal(t, 0, n, "more than the capacity")
			n, err = r.EnqueueBurstStart(-1)
			require.ErrorIs(t, err, ErrInvalidSize)
			require.Zero(t, n)

			n, err = r.EnqueueBulkStart(5)
			require.NoError(t, err)
			require.Equal(t, 5, n)
			require.True(t, r.Empty(), "reserved slots are not published")
			require.Equal(t, 7, r.FreeCount())
			if m == SyncST {
				// A second start, or an ordinary enqueue, while the
				// operation is open is refused.
				_, err = r.EnqueueBurstStart(1)
				require.ErrorIs(t, err, ErrFinish)
				require.Equal(t, 0, r.EnqueueBurst([]int{9}))
				require.False(t, r.Enqueue(9))
			}
			require.ErrorIs(t, r.EnqueueFinish(seq(0, 6)), ErrFinish, "more than reserved")
			require.True(t, r.Empty())
			require.NoError(t, r.EnqueueFinish(seq(10, 3)))
			require.Equal(t, 3, r.Count())

			// Burst: as many as fit; cancel with a finish of nothing.
			n, err = r.EnqueueBurstStart(10)
			require.NoError(t, err)
			require.Equal(t, 4, n)
			require.NoError(t, r.EnqueueFinish(nil))
			require.Equal(t, 3, r.Count())
			require.Equal(t, 2, r.EnqueueBulk([]int{13, 14}), "the cancelled slots are free again")

			out := make([]int, 8)
			require.Equal(t, 5, r.DequeueBurst(out))
			require.Equal(t, []int{10, 11, 12, 13, 14}, out[:5])
			require.Less(t, r.prodTail(), uint32(10), "the indices wrapped")
		})
	}
}

// TestPeekDequeue runs the peek dequeue on ST and HTS consumer sides: the
// start copies without consuming, and a partial finish leaves the rest as the
// oldest values.
func TestPeekDequeue(t *testing.T) {
	for _, m := range []Sync{SyncST, SyncHTS} {
		t.Run(m.String(), func(t *testing.T) {
			r, err := New[int]("peek", 8, consFlag[m])
			require.NoError(t, err)
			r.setIndex(math.MaxUint32 - 2)
			require.Equal(t, 6, r.EnqueueBulk(seq(0, 6)))

			buf := []int{-1, -1, -1, -1, -1, -1, -1, -1}
			n, err := r.DequeueBulkStart(buf[:7])
			require.NoError(t, err)
			require.Equal(t, 0, n, "7 from 6")
			require.Equal(t, -1, buf[0], "a failed bulk start copies nothing")

			n, err = r.DequeueBurstStart(buf)
			require.NoError(t, err)
			require.Equal(t, 6, n)
			require.Equal(t, []int{0, 1, 2, 3, 4, 5, -1, -1}, buf)
			require.Equal(t, 6, r.Count(), "nothing consumed yet")
			if m == SyncST {
				_, err = r.DequeueBurstStart(buf)
				require.ErrorIs(t, err, ErrFinish)
				require.Equal(t, 0, r.DequeueBurst(buf))
			}
			require.ErrorIs(t, r.DequeueFinish(7), ErrFinish)
			require.ErrorIs(t, r.DequeueFinish(-1), ErrInvalidSize)
			require.NoError(t, r.DequeueFinish(2))
			require.Equal(t, 4, r.Count())

			n, err = r.DequeueBulkStart(buf[:3])
			require.NoError(t, err)
			require.Equal(t, 3, n)
			require.Equal(t, []int{2, 3, 4}, buf[:3])
			require.NoError(t, r.DequeueFinish(0), "cancel")
			require.Equal(t, 4, r.Count())

			out := make([]int, 8)
			require.Equal(t, 4, r.DequeueBurst(out))
			require.Equal(t, []int{2, 3, 4, 5}, out[:4])
		})
	}
}

// TestZeroCopy checks the zero-copy calls: the slices alias the ring's slots
// (two of them when the reservation wraps), their capacity is their length,
// and finishing publishes or frees the first n.
func TestZeroCopy(t *testing.T) {
	for _, m := range []Sync{SyncST, SyncHTS} {
		t.Run(m.String(), func(t *testing.T) {
			r, err := New[int]("zc", 8, prodFlag[m]|consFlag[m])
			require.NoError(t, err)
			r.setIndex(math.MaxUint32 - 2) // slot index 5 of 8

			a, b, err := r.EnqueueZCBulkStart(6)
			require.NoError(t, err)
			require.Len(t, a, 3, "slots 5..7")
			require.Len(t, b, 3, "then 0..2")
			require.Equal(t, len(a), cap(a))
			require.Equal(t, len(b), cap(b))
			require.Same(t, &r.slots[5], &a[0])
			require.Same(t, &r.slots[0], &b[0])
			for i := range a {
				a[i] = 100 + i
			}
			for i := range b {
				b[i] = 103 + i
			}
			require.True(t, r.Empty())
			require.ErrorIs(t, r.EnqueueZCFinish(7), ErrFinish)
			require.NoError(t, r.EnqueueZCFinish(5), "publish 5 of the 6")
			require.Equal(t, 5, r.Count())

			a, b, err = r.EnqueueZCBulkStart(3)
			require.NoError(t, err)
			require.Nil(t, a)
			require.Nil(t, b, "3 do not fit in 2")
			a, b, err = r.EnqueueZCBurstStart(3)
			require.NoError(t, err)
			require.Len(t, a, 2)
			require.Nil(t, b)
			require.NoError(t, r.EnqueueZCFinish(0), "cancel")

			a, b, err = r.DequeueZCBurstStart(8)
			require.NoError(t, err)
			require.Equal(t, []int{100, 101, 102}, a)
			require.Equal(t, []int{103, 104}, b)
			require.NoError(t, r.DequeueZCFinish(4))
			require.Equal(t, 1, r.Count())
			a, b, err = r.DequeueZCBulkStart(1)
			require.NoError(t, err)
			require.Equal(t, []int{104}, a)
			require.Nil(t, b)
			require.NoError(t, r.DequeueZCFinish(1))
			require.True(t, r.Empty())
		})
	}
}

// TestHTSSerialises checks that while an HTS operation is open on a side,
// another call on that side waits, and goes ahead once it finishes.
func TestHTSSerialises(t *testing.T) {
	r, err := New[int]("hts", 16, MPHTSEnq|MCHTSDeq)
	require.NoError(t, err)
	n, err := r.EnqueueBurstStart(4)
	require.NoError(t, err)
	require.Equal(t, 4, n)

	done := make(chan int)
	go func() { done <- r.EnqueueBulk([]int{7, 8}) }()
	// The other enqueue cannot start while ours is open. Give it plenty of
	// chances to (a wrong implementation would finish and send).
	for range 1000 {
		runtime.Gosched()
		select {
		case k := <-done:
			t.Fatalf("enqueue of %d went ahead during an open HTS operation", k)
		default:
		}
	}
	require.NoError(t, r.EnqueueFinish([]int{1, 2, 3}))
	require.Equal(t, 2, <-done)
	out := make([]int, 8)
	require.Equal(t, 5, r.DequeueBurst(out))
	require.Equal(t, []int{1, 2, 3, 7, 8}, out[:5])
}

// TestRTSTail checks the relaxed tail: with several enqueues in progress, the
// tail moves only when the last of them finishes, whatever the order in which
// they finish, and then jumps to the head.
func TestRTSTail(t *testing.T) {
	r, err := New[int]("rts", 16, MPRTSEnq|MCRTSDeq)
	require.NoError(t, err)
	r.setIndex(math.MaxUint32 - 3)
	require.NoError(t, r.SetProdHTDMax(16))
	start := r.prodTail()
	p := &r.h.prod
	a, n, _ := p.reserve(SyncRTS, &r.h.cons, r.capacity, 2, true)
	require.Equal(t, uint32(2), n)
	b, n, _ := p.reserve(SyncRTS, &r.h.cons, r.capacity, 3, true)
	require.Equal(t, uint32(3), n)
	c, n, _ := p.reserve(SyncRTS, &r.h.cons, r.capacity, 1, true)
	require.Equal(t, uint32(1), n)
	require.Equal(t, []uint32{start, start + 2, start + 5}, []uint32{a, b, c})

	r.put(b, []int{2, 3, 4})
	p.publish(SyncRTS, b, 3) // the middle one first
	require.Equal(t, start, r.prodTail())
	require.True(t, r.Empty())
	r.put(c, []int{5})
	p.publish(SyncRTS, c, 1)
	require.Equal(t, start, r.prodTail())
	r.put(a, []int{0, 1})
	p.publish(SyncRTS, a, 2) // the last to finish moves the tail over all
	require.Equal(t, start+6, r.prodTail())
	out := make([]int, 8)
	require.Equal(t, 6, r.DequeueBurst(out))
	require.Equal(t, seq(0, 6), out[:6])
}

// TestRTSDistance checks htd_max: an RTS call does not start while the head
// is more than htd_max ahead of the tail.
func TestRTSDistance(t *testing.T) {
	r, err := New[int]("rts", 64, MPRTSEnq|MCRTSDeq)
	require.NoError(t, err)
	require.Equal(t, uint32(63/8), r.ProdHTDMax(), "DPDK's default, capacity/8")
	require.Equal(t, uint32(63/8), r.ConsHTDMax())
	require.NoError(t, r.SetProdHTDMax(4))
	require.Equal(t, uint32(4), r.ProdHTDMax())

	p := &r.h.prod
	old, n, _ := p.reserve(SyncRTS, &r.h.cons, r.capacity, 5, true)
	require.Equal(t, uint32(5), n, "a call may itself take more than htd_max")

	done := make(chan int)
	go func() { done <- r.EnqueueBulk([]int{5}) }()
	for range 1000 {
		runtime.Gosched()
		select {
		case <-done:
			t.Fatal("an RTS enqueue started with the head 5 ahead of the tail, htd_max 4")
		default:
		}
	}
	r.put(old, seq(0, 5))
	p.publish(SyncRTS, old, 5)
	require.Equal(t, 1, <-done)
	out := make([]int, 8)
	require.Equal(t, 6, r.DequeueBurst(out))
	require.Equal(t, seq(0, 6), out[:6])
}

func TestHTDMaxModes(t *testing.T) {
	for _, flags := range []Flags{0, SPEnq | SCDeq, MPHTSEnq | MCHTSDeq} {
		r, err := New[int]("htd", 64, flags)
		require.NoError(t, err)
		require.ErrorIs(t, r.SetProdHTDMax(1), ErrSyncMode)
		require.ErrorIs(t, r.SetConsHTDMax(1), ErrSyncMode)
		require.Equal(t, uint32(math.MaxUint32), r.ProdHTDMax())
		require.Equal(t, uint32(math.MaxUint32), r.ConsHTDMax())
	}
	r, err := New[int]("htd", 64, MCRTSDeq)
	require.NoError(t, err)
	require.ErrorIs(t, r.SetProdHTDMax(1), ErrSyncMode)
	require.NoError(t, r.SetConsHTDMax(1))
	require.Equal(t, uint32(1), r.ConsHTDMax())
}

// TestForcedOnRTSAndHTS checks that single-thread calls on RTS and HTS sides
// keep the side's indices in its own layout (they run the side's mode).
func TestForcedOnRTSAndHTS(t *testing.T) {
	for _, flags := range []Flags{MPRTSEnq | MCRTSDeq, MPHTSEnq | MCHTSDeq} {
		t.Run(fmt.Sprintf("%#x", uint32(flags)), func(t *testing.T) {
			r, err := New[int]("forced", 16, flags)
			require.NoError(t, err)
			out := make([]int, 4)
			for i := range 20 {
				require.Equal(t, 3, r.SPEnqueueBulk(seq(i*3, 3)))
				require.True(t, r.SPEnqueue(-1))
				require.Equal(t, 3, r.SCDequeueBulk(out[:3]))
				require.Equal(t, seq(i*3, 3), out[:3])
				v, ok := r.SCDequeue()
				require.True(t, ok)
				require.Equal(t, -1, v)
				require.Equal(t, 3, r.MPEnqueueBurst(seq(0, 3)))
				require.Equal(t, 3, r.MCDequeueBurst(out))
			}
			require.True(t, r.Empty())
			if flags&MPRTSEnq != 0 {
				w := r.h.prod.rtsHead.load()
				require.Equal(t, uint32(20*3), lo(w), "every call counted on the RTS head")
			}
		})
	}
}

// TestErrorsWrap checks that the sentinel errors are distinct.
func TestErrorsWrap(t *testing.T) {
	all := []error{ErrInvalidSize, ErrInvalidFlags, ErrSyncMode, ErrFinish, ErrElemType, ErrBadMemory, ErrInvalidName}
	for i, a := range all {
		for j, b := range all {
			require.Equal(t, i == j, errors.Is(a, b))
		}
	}
}
