package ring

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoAllocs checks that no data-path call allocates, for a pointer-free
// and a pointer element type, in every mode on each side, through the generic
// calls and every forced, peek, zero-copy and waiting call (failing calls
// included).
func TestNoAllocs(t *testing.T) {
	t.Run("uint64", testNoAllocs[uint64])
	t.Run("ptr", testNoAllocs[*int])
	t.Run("elem16", testNoAllocs[[2]uint64])
}

// allocFlags covers every mode on each side, with and without ExactSize.
var allocFlags = []Flags{
	0, SPEnq | SCDeq, SPEnq, SCDeq | ExactSize,
	MPRTSEnq | MCRTSDeq, MPHTSEnq | MCHTSDeq,
	MPRTSEnq | SCDeq | ExactSize, SPEnq | MCHTSDeq, MPHTSEnq | MCRTSDeq,
}

func testNoAllocs[T any](t *testing.T) {
	for _, flags := range allocFlags {
		t.Run(fmt.Sprintf("%#x", uint32(flags)), func(t *testing.T) {
			r, err := New[T]("allocs", 64, flags)
			require.NoError(t, err)
			checkNoAllocs(t, r)
		})
	}
}

func checkNoAllocs[T any](t *testing.T, r *Ring[T]) {
	in := make([]T, 32)
	out := make([]T, 32)
	var one T
	ctx := context.Background()
	calls := map[string]func(){
		"EnqueueBulk/DequeueBulk":            func() { r.EnqueueBulk(in); r.DequeueBulk(out) },
		"EnqueueBurst/DequeueBurst":          func() { r.EnqueueBurst(in); r.DequeueBurst(out) },
		"EnqueueBulkFree/DequeueBulkAvail":   func() { r.EnqueueBulkFree(in); r.DequeueBulkAvail(out) },
		"EnqueueBurstFree/DequeueBurstAvail": func() { r.EnqueueBurstFree(in); r.DequeueBurstAvail(out) },
		"Enqueue/Dequeue":                    func() { r.Enqueue(one); one, _ = r.Dequeue() },
		"MPEnqueue/MCDequeue":                func() { r.MPEnqueue(one); one, _ = r.MCDequeue() },
		"SPEnqueue/SCDequeue":                func() { r.SPEnqueue(one); one, _ = r.SCDequeue() },
		"MPEnqueueBulk/MCDequeueBulk":        func() { r.MPEnqueueBulk(in); r.MCDequeueBulk(out) },
		"MPEnqueueBurst/MCDequeueBurst":      func() { r.MPEnqueueBurst(in); r.MCDequeueBurst(out) },
		"SPEnqueueBulk/SCDequeueBulk":        func() { r.SPEnqueueBulk(in); r.SCDequeueBulk(out) },
		"SPEnqueueBurst/SCDequeueBurst":      func() { r.SPEnqueueBurst(in); r.SCDequeueBurst(out) },
		"RTS bulk":                           func() { r.MPRTSEnqueueBulk(in); r.MCRTSDequeueBulk(out) },
		"RTS burst":                          func() { r.MPRTSEnqueueBurst(in); r.MCRTSDequeueBurst(out) },
		"HTS bulk":                           func() { r.MPHTSEnqueueBulk(in); r.MCHTSDequeueBulk(out) },
		"HTS burst":                          func() { r.MPHTSEnqueueBurst(in); r.MCHTSDequeueBurst(out) },
		"EnqueueWith/DequeueWith": func() {
			for m := range Sync(4) {
				r.EnqueueWith(m, Fixed, in)
				r.DequeueWith(m, Variable, out)
			}
		},
		"small batches": func() { r.EnqueueBurst(in[:3]); r.DequeueBulk(out[:3]) },
		"wrapping batches": func() {
			for range 5 {
				r.EnqueueBulk(in[:13])
				r.DequeueBulk(out[:13])
			}
		},
		"peek": func() {
			if n, err := r.EnqueueBurstStart(len(in)); err == nil {
				_ = r.EnqueueFinish(in[:n/2])
			}
			if n, err := r.EnqueueBulkStart(3); err == nil {
				_ = r.EnqueueFinish(in[:n])
			}
			if n, err := r.DequeueBurstStart(out); err == nil {
				_ = r.DequeueFinish(n)
			}
			if n, err := r.DequeueBulkStart(out[:1]); err == nil {
				_ = r.DequeueFinish(n)
			}
		},
		"zero-copy": func() {
			if a, b, err := r.EnqueueZCBurstStart(20); err == nil {
				_ = r.EnqueueZCFinish(len(a) + len(b))
			}
			if a, b, err := r.EnqueueZCBulkStart(5); err == nil {
				_ = r.EnqueueZCFinish(len(a) + len(b))
			}
			if a, b, err := r.DequeueZCBurstStart(30); err == nil {
				_ = r.DequeueZCFinish(len(a) + len(b))
			}
			if a, b, err := r.DequeueZCBulkStart(1); err == nil {
				_ = r.DequeueZCFinish(len(a) + len(b))
			}
		},
		"finish errors": func() {
			_ = r.EnqueueFinish(in)
			_ = r.DequeueFinish(5)
			_, _ = r.EnqueueBulkStart(-1)
		},
		"wait helpers, ready": func() {
			_, _ = r.EnqueueBulkWait(ctx, in[:4])
			_, _ = r.DequeueBulkWait(ctx, out[:4])
			_, _ = r.EnqueueBurstWait(ctx, in[:4])
			_, _ = r.DequeueBurstWait(ctx, out[:4])
		},
		"failing calls": func() {
			r.DequeueBulk(out)
			r.DequeueBurst(out)
			r.Dequeue()
			for r.EnqueueBurst(in) != 0 {
			}
			r.EnqueueBulk(in)
			r.Enqueue(one)
			r.MPRTSEnqueueBulk(in)
			r.MPHTSEnqueueBurst(in)
			r.Reset()
		},
		"Count/FreeCount/Full/Empty/Size/Capacity/Name/Sync/HTD": func() {
			_ = r.Count() + r.FreeCount() + r.Size() + r.Capacity() + len(r.Name())
			_ = r.Full() || r.Empty()
			_ = r.ProdSync() + r.ConsSync()
			_ = r.ProdHTDMax() + r.ConsHTDMax()
		},
	}
	if r.ProdSync() == SyncRTS {
		calls["SetProdHTDMax"] = func() { _ = r.SetProdHTDMax(r.ProdHTDMax()) }
	}
	if r.ConsSync() == SyncRTS {
		calls["SetConsHTDMax"] = func() { _ = r.SetConsHTDMax(r.ConsHTDMax()) }
	}
	for name, f := range calls {
		require.Zero(t, testing.AllocsPerRun(100, f), "%v: %s", r, name)
		r.Reset()
	}
}
