package ring

import (
	"errors"
	"fmt"
	"math/bits"
	"sync/atomic"
)

// Flags select a ring's default synchronisation modes and sizing rule at
// creation (DPDK's RING_F_* creation flags).
type Flags uint32

// Creation flags. The values are DPDK's.
const (
	// SPEnq makes the generic enqueue calls single-producer (RING_F_SP_ENQ):
	// only one goroutine at a time may enqueue.
	SPEnq Flags = 0x1
	// SCDeq makes the generic dequeue calls single-consumer (RING_F_SC_DEQ):
	// only one goroutine at a time may dequeue.
	SCDeq Flags = 0x2
	// ExactSize makes the capacity exactly the requested count, which then
	// need not be a power of two (RING_F_EXACT_SZ). The slot array is rounded
	// up to the next power of two above count.
	ExactSize Flags = 0x4

	validFlags = SPEnq | SCDeq | ExactSize
)

// maxSize bounds the number of slots (RTE_RING_SZ_MASK). Sizes are powers of
// two, so the largest ring has 2^30 slots.
const maxSize = 0x7fffffff

// Errors returned by New. Both are returned wrapped with the offending value;
// test them with errors.Is.
var (
	// ErrInvalidSize reports a count that is not positive, that is not a
	// power of two when ExactSize is not set, or that needs more than
	// 0x7fffffff slots (DPDK's EINVAL).
	ErrInvalidSize = errors.New("ring: invalid size")
	// ErrInvalidFlags reports flag bits other than SPEnq, SCDeq and
	// ExactSize (DPDK's EINVAL).
	ErrInvalidFlags = errors.New("ring: invalid flags")
)

// cacheLine is the assumed size of a CPU cache line in bytes.
const cacheLine = 64

// headTail is one side (producer or consumer) of a ring. head is the
// reservation point, tail the publication point; both are free-running
// indices, the slot being index & mask.
type headTail struct {
	head atomic.Uint32
	tail atomic.Uint32
}

// Ring is a fixed-capacity, lock-free FIFO of values of type T with DPDK
// rte_ring semantics. The default mode is multi-producer/multi-consumer; the
// SPEnq and SCDeq flags make the generic calls single-producer or
// single-consumer, and the MP*/SP*/MC*/SC* methods force a mode per call.
//
// A Ring must be created with New and must not be copied. All methods except
// Reset are safe for concurrent use as far as the chosen modes allow: any
// number of goroutines on a multi-producer or multi-consumer side, exactly one
// at a time on a single-producer or single-consumer side.
type Ring[T any] struct {
	// Read-only after New.
	slots    []T
	mask     uint32
	capacity uint32
	flags    Flags
	name     string

	// The producer and consumer indices each sit on their own cache line:
	// every pad leaves at least 64 bytes between two groups of fields, so no
	// 64-byte line holds bytes of both, whatever the Ring's address
	// (TestLayout).
	_    [cacheLine]byte
	prod headTail
	_    [2*cacheLine - 8]byte
	cons headTail
	_    [2*cacheLine - 8]byte
}

// New creates an empty ring named name (used only for reporting).
//
// Without ExactSize, count is the number of slots: it must be a power of two
// no larger than 2^30, and the ring holds at most count-1 values (one slot
// tells a full ring from an empty one). With ExactSize, count (1 ≤ count ≤
// 2^30-1) is the capacity and the ring has the next power of two above count
// slots. flags may combine SPEnq, SCDeq and ExactSize; other bits give
// ErrInvalidFlags, a bad count ErrInvalidSize.
//
// New allocates the slot array, Size()*sizeof(T) bytes, once; no later call
// allocates.
func New[T any](name string, count int, flags Flags) (*Ring[T], error) {
	if flags&^validFlags != 0 {
		return nil, fmt.Errorf("%w: %#x", ErrInvalidFlags, uint32(flags))
	}
	if count <= 0 || count > maxSize {
		return nil, fmt.Errorf("%w: count %d", ErrInvalidSize, count)
	}
	var size, capacity uint32
	if flags&ExactSize != 0 {
		// Next power of two >= count+1. count+1 <= 2^31, so this fits.
		size = uint32(1) << bits.Len32(uint32(count))
		capacity = uint32(count)
	} else {
		if count&(count-1) != 0 {
			return nil, fmt.Errorf("%w: count %d is not a power of two", ErrInvalidSize, count)
		}
		size = uint32(count)
		capacity = size - 1
	}
	if size > maxSize {
		return nil, fmt.Errorf("%w: count %d needs %d slots, more than %d", ErrInvalidSize, count, size, maxSize)
	}
	return &Ring[T]{
		slots:    make([]T, size),
		mask:     size - 1,
		capacity: capacity,
		flags:    flags,
		name:     name,
	}, nil
}

// Name returns the name given to New.
func (r *Ring[T]) Name() string { return r.name }

// Size returns the number of slots in the ring, a power of two.
func (r *Ring[T]) Size() int { return len(r.slots) }

// Capacity returns the largest number of values the ring can hold: Size()-1
// for rings created without ExactSize, the requested count with it.
func (r *Ring[T]) Capacity() int { return int(r.capacity) }

// Count returns the number of values in the ring. With concurrent producers
// or consumers the result is a snapshot that may be stale on return; it is
// always in 0..Capacity().
func (r *Ring[T]) Count() int { return int(r.count()) }

func (r *Ring[T]) count() uint32 {
	// Load the consumer tail first: the producer tail loaded afterwards can
	// only be further ahead, so the difference never goes negative.
	c := r.cons.tail.Load()
	p := r.prod.tail.Load()
	return min(p-c, r.capacity)
}

// FreeCount returns the number of values that could be enqueued now,
// Capacity()-Count(). Like Count it is a snapshot.
func (r *Ring[T]) FreeCount() int { return int(r.capacity - r.count()) }

// Full reports whether the ring holds Capacity() values (a snapshot).
func (r *Ring[T]) Full() bool { return r.count() == r.capacity }

// Empty reports whether the ring holds no values (a snapshot).
func (r *Ring[T]) Empty() bool { return r.count() == 0 }

// Reset empties the ring and clears every slot, dropping the references the
// slots kept. It is not safe for concurrent use: no other call on the ring may
// be in progress.
func (r *Ring[T]) Reset() {
	clear(r.slots)
	r.prod.head.Store(0)
	r.prod.tail.Store(0)
	r.cons.head.Store(0)
	r.cons.tail.Store(0)
}

// String describes the ring for logs, in the spirit of rte_ring_dump.
func (r *Ring[T]) String() string {
	return fmt.Sprintf("ring %q: flags=%#x size=%d capacity=%d prod{head=%d tail=%d} cons{head=%d tail=%d} used=%d",
		r.name, uint32(r.flags), len(r.slots), r.capacity,
		r.prod.head.Load(), r.prod.tail.Load(), r.cons.head.Load(), r.cons.tail.Load(), r.count())
}
