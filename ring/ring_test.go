package ring

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// setIndex moves every index of an empty ring to i, so that tests can start
// next to the 2^32 wrap. RTS counters start next to their wrap too.
func (r *Ring[T]) setIndex(i uint32) {
	for _, s := range []*side{&r.h.prod, &r.h.cons} {
		if Sync(s.sync) == SyncRTS {
			s.ht.store(pack(math.MaxUint32-3, i))
			s.rtsHead.store(pack(math.MaxUint32-3, i))
		} else {
			s.ht.store(pack(i, i))
		}
	}
}

// prodTail and consTail return the published positions.
func (r *Ring[T]) prodTail() uint32 { return r.h.prod.ht.loadHi() }
func (r *Ring[T]) consTail() uint32 { return r.h.cons.ht.loadHi() }

// seq returns [from, from+n).
func seq(from, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = from + i
	}
	return s
}

func TestNewSize(t *testing.T) {
	for _, tc := range []struct {
		count          int
		flags          Flags
		size, capacity int
	}{
		{1, 0, 1, 0},
		{2, 0, 2, 1},
		{8, 0, 8, 7},
		{1024, SPEnq | SCDeq, 1024, 1023},
		{1 << 30, 0, 1 << 30, 1<<30 - 1},
		{1, ExactSize, 2, 1},
		{5, ExactSize, 8, 5},
		{7, ExactSize, 8, 7},
		{8, ExactSize, 16, 8},
		{1000, ExactSize | SPEnq, 1024, 1000},
		{1<<30 - 1, ExactSize, 1 << 30, 1<<30 - 1},
	} {
		t.Run(fmt.Sprintf("%d/%#x", tc.count, uint32(tc.flags)), func(t *testing.T) {
			// struct{} takes no memory, so even 2^30 slots are cheap.
			r, err := New[struct{}]("size", tc.count, tc.flags)
			require.NoError(t, err)
			require.Equal(t, tc.size, r.Size())
			require.Equal(t, tc.capacity, r.Capacity())
			require.Equal(t, 0, r.Count())
			require.Equal(t, tc.capacity, r.FreeCount())
			require.True(t, r.Empty())
			require.Equal(t, tc.capacity == 0, r.Full())
		})
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		count int
		flags Flags
		err   error
	}{
		{0, 0, ErrInvalidSize},
		{-1, 0, ErrInvalidSize},
		{0, ExactSize, ErrInvalidSize},
		{-8, ExactSize, ErrInvalidSize},
		{3, 0, ErrInvalidSize},
		{1000, SPEnq | SCDeq, ErrInvalidSize},
		{int(min(1<<31, uint64(math.MaxInt))), 0, ErrInvalidSize}, // more than 0x7fffffff slots (64-bit int)
		{1 << 30, ExactSize, ErrInvalidSize},                      // would need 2^31 slots
		{math.MaxInt32, ExactSize, ErrInvalidSize},
		{8, 0x80, ErrInvalidFlags},
		{8, 0x80000000, ErrInvalidFlags},
		{8, SPEnq | MPRTSEnq, ErrInvalidFlags}, // two producer modes
		{8, MPRTSEnq | MPHTSEnq, ErrInvalidFlags},
		{8, SCDeq | MCHTSDeq, ErrInvalidFlags}, // two consumer modes
		{8, MCRTSDeq | MCHTSDeq | ExactSize, ErrInvalidFlags},
		{0, 0x100, ErrInvalidFlags}, // flags are checked first
	} {
		t.Run(fmt.Sprintf("%d/%#x", tc.count, uint32(tc.flags)), func(t *testing.T) {
			r, err := New[int]("bad", tc.count, tc.flags)
			require.Nil(t, r)
			require.ErrorIs(t, err, tc.err)
			other := ErrInvalidFlags
			if errors.Is(tc.err, ErrInvalidFlags) {
				other = ErrInvalidSize
			}
			require.NotErrorIs(t, err, other)
		})
	}
}

func TestNameAndString(t *testing.T) {
	r, err := New[int]("rx_ring", 8, SPEnq)
	require.NoError(t, err)
	require.Equal(t, "rx_ring", r.Name())
	require.Equal(t, 2, r.EnqueueBulk([]int{1, 2}))
	require.Equal(t, `ring "rx_ring": flags=0x1 size=8 capacity=7 prod{ST head=2 tail=2} cons{MT head=0 tail=0} used=2`, r.String())
	q, err := New[int]("rts", 64, MPRTSEnq|MCHTSDeq)
	require.NoError(t, err)
	require.Equal(t, 3, q.EnqueueBulk([]int{1, 2, 3}))
	require.Equal(t, `ring "rts": flags=0x48 size=64 capacity=63 prod{MT_RTS head=3/1 tail=3/1 htd_max=7} cons{MT_HTS head=0 tail=0} used=3`, q.String())
}

// mode is a way of calling a ring: its creation flags and the functions used
// for each kind of call.
type mode struct {
	name                                 string
	flags                                Flags
	enqBulk, enqBurst, deqBulk, deqBurst func(*Ring[int], []int) int
}

// Ways of calling one side: the generic calls, forced calls, and the peek and
// zero-copy calls written as a bulk or burst call.
type calls struct {
	name        string
	bulk, burst func(*Ring[int], []int) int
}

var (
	genericEnqCalls = calls{"", (*Ring[int]).EnqueueBulk, (*Ring[int]).EnqueueBurst}
	genericDeqCalls = calls{"", (*Ring[int]).DequeueBulk, (*Ring[int]).DequeueBurst}
	peekEnqCalls    = calls{"peek", peekEnq(true), peekEnq(false)}
	peekDeqCalls    = calls{"peek", peekDeq(true), peekDeq(false)}
	zcEnqCalls      = calls{"zc", zcEnq(true), zcEnq(false)}
	zcDeqCalls      = calls{"zc", zcDeq(true), zcDeq(false)}
)

func forcedEnq(m Sync) calls {
	switch m {
	case SyncST:
		return calls{"SP", (*Ring[int]).SPEnqueueBulk, (*Ring[int]).SPEnqueueBurst}
	case SyncMT:
		return calls{"MP", (*Ring[int]).MPEnqueueBulk, (*Ring[int]).MPEnqueueBurst}
	case SyncRTS:
		return calls{"MPRTS", (*Ring[int]).MPRTSEnqueueBulk, (*Ring[int]).MPRTSEnqueueBurst}
	}
	return calls{"MPHTS", (*Ring[int]).MPHTSEnqueueBulk, (*Ring[int]).MPHTSEnqueueBurst}
}

func forcedDeq(m Sync) calls {
	switch m {
	case SyncST:
		return calls{"SC", (*Ring[int]).SCDequeueBulk, (*Ring[int]).SCDequeueBurst}
	case SyncMT:
		return calls{"MC", (*Ring[int]).MCDequeueBulk, (*Ring[int]).MCDequeueBurst}
	case SyncRTS:
		return calls{"MCRTS", (*Ring[int]).MCRTSDequeueBulk, (*Ring[int]).MCRTSDequeueBurst}
	}
	return calls{"MCHTS", (*Ring[int]).MCHTSDequeueBulk, (*Ring[int]).MCHTSDequeueBurst}
}

func withEnq(m Sync) calls {
	return calls{"with" + m.String(),
		func(r *Ring[int], objs []int) int { n, _ := r.EnqueueWith(m, Fixed, objs); return n },
		func(r *Ring[int], objs []int) int { n, _ := r.EnqueueWith(m, Variable, objs); return n }}
}

func withDeq(m Sync) calls {
	return calls{"with" + m.String(),
		func(r *Ring[int], objs []int) int { n, _ := r.DequeueWith(m, Fixed, objs); return n },
		func(r *Ring[int], objs []int) int { n, _ := r.DequeueWith(m, Variable, objs); return n }}
}

func peekEnq(bulk bool) func(*Ring[int], []int) int {
	return func(r *Ring[int], objs []int) int {
		start := r.EnqueueBurstStart
		if bulk {
			start = r.EnqueueBulkStart
		}
		n, err := start(len(objs))
		if err != nil {
			panic(err)
		}
		if n == 0 {
			return 0
		}
		if err := r.EnqueueFinish(objs[:n]); err != nil {
			panic(err)
		}
		return n
	}
}

func peekDeq(bulk bool) func(*Ring[int], []int) int {
	return func(r *Ring[int], objs []int) int {
		start := r.DequeueBurstStart
		if bulk {
			start = r.DequeueBulkStart
		}
		n, err := start(objs)
		if err != nil {
			panic(err)
		}
		if n == 0 {
			return 0
		}
		if err := r.DequeueFinish(n); err != nil {
			panic(err)
		}
		return n
	}
}

func zcEnq(bulk bool) func(*Ring[int], []int) int {
	return func(r *Ring[int], objs []int) int {
		start := r.EnqueueZCBurstStart
		if bulk {
			start = r.EnqueueZCBulkStart
		}
		first, second, err := start(len(objs))
		if err != nil {
			panic(err)
		}
		k := copy(first, objs)
		n := k + copy(second, objs[k:])
		if err := r.EnqueueZCFinish(n); err != nil {
			panic(err)
		}
		return n
	}
}

func zcDeq(bulk bool) func(*Ring[int], []int) int {
	return func(r *Ring[int], objs []int) int {
		start := r.DequeueZCBurstStart
		if bulk {
			start = r.DequeueZCBulkStart
		}
		first, second, err := start(len(objs))
		if err != nil {
			panic(err)
		}
		k := copy(objs, first)
		n := k + copy(objs[k:], second)
		if err := r.DequeueZCFinish(n); err != nil {
			panic(err)
		}
		return n
	}
}

// Creation flags of each side, by mode.
var (
	allSyncs  = []Sync{SyncMT, SyncST, SyncRTS, SyncHTS}
	prodFlag  = map[Sync]Flags{SyncMT: 0, SyncST: SPEnq, SyncRTS: MPRTSEnq, SyncHTS: MPHTSEnq}
	consFlag  = map[Sync]Flags{SyncMT: 0, SyncST: SCDeq, SyncRTS: MCRTSDeq, SyncHTS: MCHTSDeq}
	prodShort = map[Sync]string{SyncMT: "MP", SyncST: "SP", SyncRTS: "MPRTS", SyncHTS: "MPHTS"}
	consShort = map[Sync]string{SyncMT: "MC", SyncST: "SC", SyncRTS: "MCRTS", SyncHTS: "MCHTS"}
)

func mk(p, c Sync, enq, deq calls) mode {
	name := prodShort[p] + "/" + consShort[c]
	if enq.name != "" || deq.name != "" {
		name += "/" + enq.name + "+" + deq.name
	}
	return mode{name, prodFlag[p] | consFlag[c], enq.bulk, enq.burst, deq.bulk, deq.burst}
}

// modes lists every pairing of creation modes with the generic calls, forced
// calls of every mode on rings of every mode, the With calls, and the peek
// and zero-copy calls on every side that allows them.
var modes = func() []mode {
	var ms []mode
	for _, p := range allSyncs {
		for _, c := range allSyncs {
			ms = append(ms, mk(p, c, genericEnqCalls, genericDeqCalls))
		}
	}
	for _, created := range allSyncs {
		for _, forced := range allSyncs {
			ms = append(ms, mk(created, created, forcedEnq(forced), forcedDeq(forced)))
		}
		ms = append(ms, mk(created, created, withEnq(SyncRTS), withDeq(SyncHTS)))
	}
	for _, p := range []Sync{SyncST, SyncHTS} {
		for _, c := range []Sync{SyncST, SyncHTS} {
			ms = append(ms, mk(p, c, peekEnqCalls, peekDeqCalls), mk(p, c, zcEnqCalls, zcDeqCalls))
		}
	}
	return ms
}()

func TestBulkAllOrNothing(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			r, err := New[int]("bulk", 8, m.flags)
			require.NoError(t, err)

			require.Equal(t, 0, m.enqBulk(r, nil))
			require.Equal(t, 0, m.enqBulk(r, seq(0, 8)), "more than the capacity")
			require.True(t, r.Empty())
			require.Equal(t, 5, m.enqBulk(r, seq(0, 5)))
			require.Equal(t, 0, m.enqBulk(r, seq(5, 3)), "3 do not fit in 2")
			require.Equal(t, 5, r.Count())
			require.Equal(t, 2, m.enqBulk(r, seq(5, 2)))
			require.True(t, r.Full())
			require.Equal(t, 0, m.enqBulk(r, seq(7, 1)))

			out := []int{-1, -1, -1, -1, -1, -1, -1, -1}
			require.Equal(t, 0, m.deqBulk(r, out), "8 from 7")
			require.Equal(t, []int{-1, -1, -1, -1, -1, -1, -1, -1}, out, "a failed bulk writes nothing")
			require.Equal(t, 0, m.deqBulk(r, nil))
			require.Equal(t, 3, m.deqBulk(r, out[:3]))
			require.Equal(t, []int{0, 1, 2, -1, -1, -1, -1, -1}, out)
			require.Equal(t, 0, m.deqBulk(r, out[:5]), "5 from 4")
			require.Equal(t, 4, m.deqBulk(r, out[:4]))
			require.Equal(t, []int{3, 4, 5, 6}, out[:4])
			require.True(t, r.Empty())
			require.Equal(t, 7, r.FreeCount())
		})
	}
}

func TestBurstPartial(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			r, err := New[int]("burst", 8, m.flags)
			require.NoError(t, err)

			require.Equal(t, 0, m.enqBurst(r, nil))
			in := seq(0, 10)
			require.Equal(t, 7, m.enqBurst(r, in), "only the capacity fits")
			require.Equal(t, seq(0, 10), in, "the input is not modified")
			require.True(t, r.Full())
			require.Equal(t, 0, m.enqBurst(r, in))

			out := []int{-1, -1, -1, -1}
			require.Equal(t, 4, m.deqBurst(r, out))
			require.Equal(t, []int{0, 1, 2, 3}, out)
			require.Equal(t, 4, m.enqBurst(r, seq(7, 5)), "wraps")

			out = make([]int, 10)
			for i := range out {
				out[i] = -1
			}
			require.Equal(t, 7, m.deqBurst(r, out))
			require.Equal(t, []int{4, 5, 6, 7, 8, 9, 10, -1, -1, -1}, out, "out[n:] untouched")
			require.Equal(t, 0, m.deqBurst(r, out))
			require.True(t, r.Empty())
		})
	}
}

func TestSingle(t *testing.T) {
	for _, flags := range []Flags{0, SPEnq | SCDeq} {
		t.Run(fmt.Sprintf("%#x", uint32(flags)), func(t *testing.T) {
			r, err := New[*int]("single", 4, flags)
			require.NoError(t, err)
			v, ok := r.Dequeue()
			require.False(t, ok)
			require.Nil(t, v)

			vals := []int{10, 11, 12, 13}
			for i := range 3 {
				require.True(t, r.Enqueue(&vals[i]))
			}
			require.False(t, r.Enqueue(&vals[3]), "full")
			require.Equal(t, 3, r.Count())
			for i := range 3 {
				v, ok := r.Dequeue()
				require.True(t, ok)
				require.Same(t, &vals[i], v)
			}
			_, ok = r.Dequeue()
			require.False(t, ok)
		})
	}
}

func TestCapacityZero(t *testing.T) {
	r, err := New[int]("one", 1, 0)
	require.NoError(t, err)
	require.True(t, r.Empty())
	require.True(t, r.Full())
	require.False(t, r.Enqueue(1))
	require.Equal(t, 0, r.EnqueueBurst([]int{1}))
	n, free := r.EnqueueBurstFree([]int{1})
	require.Equal(t, 0, n)
	require.Equal(t, 0, free)
	_, ok := r.Dequeue()
	require.False(t, ok)
}

func TestOutParams(t *testing.T) {
	for _, flags := range []Flags{0, SPEnq | SCDeq, ExactSize} {
		t.Run(fmt.Sprintf("%#x", uint32(flags)), func(t *testing.T) {
			r, err := New[int]("out", 8, flags)
			require.NoError(t, err)
			c := r.Capacity() // 7, or 8 with ExactSize

			n, free := r.EnqueueBurstFree(nil)
			require.Equal(t, [2]int{0, c}, [2]int{n, free})
			n, free = r.EnqueueBurstFree(seq(0, 5))
			require.Equal(t, [2]int{5, c - 5}, [2]int{n, free})
			n, free = r.EnqueueBurstFree(seq(5, 5))
			require.Equal(t, [2]int{c - 5, 0}, [2]int{n, free})
			n, free = r.EnqueueBurstFree(seq(9, 1))
			require.Equal(t, [2]int{0, 0}, [2]int{n, free})

			out := make([]int, 10)
			n, avail := r.DequeueBurstAvail(out[:3])
			require.Equal(t, [2]int{3, c - 3}, [2]int{n, avail})
			require.Equal(t, []int{0, 1, 2}, out[:3])
			n, avail = r.DequeueBurstAvail(out)
			require.Equal(t, [2]int{c - 3, 0}, [2]int{n, avail})
			require.Equal(t, seq(3, c-3), out[:n])
			n, avail = r.DequeueBurstAvail(out)
			require.Equal(t, [2]int{0, 0}, [2]int{n, avail})
		})
	}
}

func TestCounts(t *testing.T) {
	r, err := New[int]("counts", 6, ExactSize)
	require.NoError(t, err)
	require.Equal(t, 8, r.Size())
	for i := range 6 {
		require.Equal(t, i, r.Count())
		require.Equal(t, 6-i, r.FreeCount())
		require.Equal(t, i == 0, r.Empty())
		require.False(t, r.Full())
		require.True(t, r.Enqueue(i))
	}
	require.True(t, r.Full())
	require.False(t, r.Empty())
	require.Equal(t, 0, r.FreeCount())
	require.False(t, r.Enqueue(6), "ExactSize: the capacity is exact even with free slots")
}

func TestReset(t *testing.T) {
	r, err := New[*int]("reset", 8, 0)
	require.NoError(t, err)
	x := new(int)
	require.Equal(t, 5, r.EnqueueBulk([]*int{x, x, x, x, x}))
	out := make([]*int, 2)
	require.Equal(t, 2, r.DequeueBulk(out))
	require.Equal(t, x, r.slots[0], "a dequeued slot keeps its stale value")

	r.Reset()
	require.True(t, r.Empty())
	require.Equal(t, 0, r.Count())
	require.Equal(t, 7, r.FreeCount())
	for i, s := range r.slots {
		require.Nil(t, s, "slot %d still refers to an object", i)
	}
	require.Equal(t, 7, r.EnqueueBurst(make([]*int, 9)))
	require.True(t, r.Full())
}

func TestMixedModes(t *testing.T) {
	// Forced single and multi calls on one ring, one after the other, must
	// agree on the indices.
	r, err := New[int]("mixed", 16, 0)
	require.NoError(t, err)
	r.setIndex(math.MaxUint32 - 2)
	next, want := 0, 0
	out := make([]int, 5)
	for i := range 40 {
		var n int
		if i%2 == 0 {
			n = r.SPEnqueueBurst(seq(next, 3))
		} else {
			n = r.MPEnqueueBulk(seq(next, 4))
		}
		next += n
		if i%3 == 0 {
			n = r.SCDequeueBurst(out)
		} else {
			n = r.MCDequeueBurst(out[:2])
		}
		require.Equal(t, seq(want, n), out[:n])
		want += n
		require.Equal(t, next-want, r.Count())
	}
	require.Greater(t, want, 30)
}

// TestWrap runs bursts across the 2^32 index wrap in every mode, including
// ExactSize rings whose size is not capacity+1.
func TestWrap(t *testing.T) {
	for _, m := range modes {
		for _, exact := range []Flags{0, ExactSize} {
			t.Run(fmt.Sprintf("%s/%#x", m.name, uint32(exact)), func(t *testing.T) {
				r, err := New[int]("wrap", 8, m.flags|exact)
				require.NoError(t, err)
				c := r.Capacity()
				start := uint32(math.MaxUint32 - 11)
				r.setIndex(start)

				next, want := 0, 0
				out := make([]int, 8)
				for range 10 {
					n := m.enqBurst(r, seq(next, 5))
					require.Equal(t, min(5, c-(next-want)), n)
					next += n
					require.Equal(t, next-want, r.Count())
					require.Equal(t, c-(next-want), r.FreeCount())

					k := m.deqBulk(r, out[:3])
					require.Equal(t, 3, k)
					require.Equal(t, seq(want, 3), out[:3])
					want += 3
				}
				require.Equal(t, next-want, r.DequeueBurst(out))
				require.Equal(t, seq(want, next-want), out[:next-want])
				require.True(t, r.Empty())
				// The indices really did pass 2^32.
				require.Less(t, r.prodTail(), start)
				require.Equal(t, r.prodTail(), r.consTail())
				require.Equal(t, start+uint32(next), r.prodTail())
			})
		}
	}
}

// TestModel checks every call against a slice model over thousands of random
// operations, starting just before the 2^32 index wrap.
func TestModel(t *testing.T) {
	for _, m := range modes {
		for _, count := range []int{8, 5} {
			flags := m.flags
			if count == 5 {
				flags |= ExactSize
			}
			t.Run(fmt.Sprintf("%s/%d", m.name, count), func(t *testing.T) {
				r, err := New[int]("model", count, flags)
				require.NoError(t, err)
				r.setIndex(math.MaxUint32 - 1000)
				rng := rand.New(rand.NewPCG(1, uint64(count)))
				model := []int{} // not nil: compared with empty slices of buf
				next := 0
				buf := make([]int, 12)
				for op := range 5000 {
					k := rng.IntN(len(buf) + 1)
					free := r.Capacity() - len(model)
					switch rng.IntN(8) {
					case 0:
						want := 0
						if k <= free {
							want = k
						}
						require.Equal(t, want, m.enqBulk(r, seq(next, k)), "op %d", op)
						model = append(model, seq(next, want)...)
						next += want
					case 1:
						want := min(k, free)
						require.Equal(t, want, m.enqBurst(r, seq(next, k)), "op %d", op)
						model = append(model, seq(next, want)...)
						next += want
					case 2:
						n, f := r.EnqueueBurstFree(seq(next, k))
						want := min(k, free)
						require.Equal(t, [2]int{want, free - want}, [2]int{n, f}, "op %d", op)
						model = append(model, seq(next, want)...)
						next += want
					case 3:
						require.Equal(t, free > 0, r.Enqueue(next), "op %d", op)
						if free > 0 {
							model = append(model, next)
							next++
						}
					case 4:
						want := 0
						if k <= len(model) {
							want = k
						}
						require.Equal(t, want, m.deqBulk(r, buf[:k]), "op %d", op)
						require.Equal(t, model[:want], buf[:want])
						model = model[want:]
					case 5:
						want := min(k, len(model))
						require.Equal(t, want, m.deqBurst(r, buf[:k]), "op %d", op)
						require.Equal(t, model[:want], buf[:want])
						model = model[want:]
					case 6:
						want := min(k, len(model))
						n, a := r.DequeueBurstAvail(buf[:k])
						require.Equal(t, [2]int{want, len(model) - want}, [2]int{n, a}, "op %d", op)
						require.Equal(t, model[:want], buf[:want])
						model = model[want:]
					case 7:
						v, ok := r.Dequeue()
						require.Equal(t, len(model) > 0, ok, "op %d", op)
						if ok {
							require.Equal(t, model[0], v)
							model = model[1:]
						}
					}
					require.Equal(t, len(model), r.Count())
					require.Equal(t, r.Capacity()-len(model), r.FreeCount())
					require.Equal(t, len(model) == 0, r.Empty())
					require.Equal(t, len(model) == r.Capacity(), r.Full())
				}
				require.Less(t, r.prodTail(), uint32(math.MaxUint32-1000), "the indices wrapped")
			})
		}
	}
}

// TestLayout checks that the producer and consumer sides sit alone in their
// own 128-byte blocks, apart from each other and from the read-only fields,
// and that the header has the size NewInMemory reserves for it.
func TestLayout(t *testing.T) {
	var h header
	prod := unsafe.Offsetof(h.prod)
	cons := unsafe.Offsetof(h.cons)
	sz := unsafe.Sizeof(h.prod)
	require.Equal(t, uintptr(headerSize), unsafe.Sizeof(h))
	require.Equal(t, uintptr(24), sz)
	require.Equal(t, uintptr(2*cacheLine), prod)
	require.Equal(t, uintptr(4*cacheLine), cons)
	require.Less(t, unsafe.Offsetof(h.name)+unsafe.Sizeof(h.name), prod)
	// The word the other side reads is the first of each side, 8-aligned.
	require.Zero(t, unsafe.Offsetof(h.prod.ht)%8)
	require.Zero(t, unsafe.Offsetof(h.prod.rtsHead)%8)
	// A header from newHeader is aligned to 128 bytes, so that each side's
	// block is one adjacent-line pair.
	for range 10 {
		require.Zero(t, uintptr(unsafe.Pointer(newHeader()))%(2*cacheLine))
	}
}
