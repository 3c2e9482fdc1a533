package ring

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoAllocs checks that no call but New and String allocates, for a
// pointer-free and a pointer element type and in every creation mode (so
// through the generic dispatch too).
func TestNoAllocs(t *testing.T) {
	t.Run("uint32", testNoAllocs[uint32])
	t.Run("ptr", testNoAllocs[*int])
}

func testNoAllocs[T any](t *testing.T) {
	for _, flags := range []Flags{0, SPEnq | SCDeq, SPEnq, SCDeq | ExactSize} {
		r, err := New[T]("allocs", 64, flags)
		require.NoError(t, err)
		in := make([]T, 32)
		out := make([]T, 32)
		var one T
		calls := map[string]func(){
			"EnqueueBulk/DequeueBulk":            func() { r.EnqueueBulk(in); r.DequeueBulk(out) },
			"EnqueueBurst/DequeueBurst":          func() { r.EnqueueBurst(in); r.DequeueBurst(out) },
			"EnqueueBurstFree/DequeueBurstAvail": func() { r.EnqueueBurstFree(in); r.DequeueBurstAvail(out) },
			"Enqueue/Dequeue":                    func() { r.Enqueue(one); one, _ = r.Dequeue() },
			"MPEnqueueBulk/MCDequeueBulk":        func() { r.MPEnqueueBulk(in); r.MCDequeueBulk(out) },
			"MPEnqueueBurst/MCDequeueBurst":      func() { r.MPEnqueueBurst(in); r.MCDequeueBurst(out) },
			"SPEnqueueBulk/SCDequeueBulk":        func() { r.SPEnqueueBulk(in); r.SCDequeueBulk(out) },
			"SPEnqueueBurst/SCDequeueBurst":      func() { r.SPEnqueueBurst(in); r.SCDequeueBurst(out) },
			"small batches":                      func() { r.EnqueueBurst(in[:3]); r.DequeueBulk(out[:3]) },
			"failing calls": func() {
				r.DequeueBulk(out)
				r.DequeueBurst(out)
				r.Dequeue()
				for r.EnqueueBurst(in) != 0 {
				}
				r.EnqueueBulk(in)
				r.Enqueue(one)
				r.Reset()
			},
			"Count/FreeCount/Full/Empty/Size/Capacity/Name": func() {
				_ = r.Count() + r.FreeCount() + r.Size() + r.Capacity() + len(r.Name())
				_ = r.Full() || r.Empty()
			},
		}
		for name, f := range calls {
			require.Zero(t, testing.AllocsPerRun(100, f), "flags %#x: %s", uint32(flags), name)
		}
	}
}
