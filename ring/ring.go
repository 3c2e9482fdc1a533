package ring

import (
	"errors"
	"fmt"
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// Flags select a ring's default synchronisation modes and sizing rule at
// creation (DPDK's RING_F_* creation flags).
type Flags uint32

// Creation flags. The values are DPDK's. At most one producer flag (SPEnq,
// MPRTSEnq, MPHTSEnq) and one consumer flag (SCDeq, MCRTSDeq, MCHTSDeq) may be
// given; without one, that side is classic multi-threaded (SyncMT).
const (
	// SPEnq makes the producer side single-producer (RING_F_SP_ENQ): only one
	// goroutine at a time may enqueue.
	SPEnq Flags = 0x1
	// SCDeq makes the consumer side single-consumer (RING_F_SC_DEQ): only one
	// goroutine at a time may dequeue.
	SCDeq Flags = 0x2
	// ExactSize makes the capacity exactly the requested count, which then
	// need not be a power of two (RING_F_EXACT_SZ). The slot array is rounded
	// up to the next power of two above count.
	ExactSize Flags = 0x4
	// MPRTSEnq makes the producer side multi-producer with relaxed tail sync
	// (RING_F_MP_RTS_ENQ).
	MPRTSEnq Flags = 0x8
	// MCRTSDeq makes the consumer side multi-consumer with relaxed tail sync
	// (RING_F_MC_RTS_DEQ).
	MCRTSDeq Flags = 0x10
	// MPHTSEnq makes the producer side multi-producer with head/tail sync
	// (RING_F_MP_HTS_ENQ).
	MPHTSEnq Flags = 0x20
	// MCHTSDeq makes the consumer side multi-consumer with head/tail sync
	// (RING_F_MC_HTS_DEQ).
	MCHTSDeq Flags = 0x40

	prodFlags  = SPEnq | MPRTSEnq | MPHTSEnq
	consFlags  = SCDeq | MCRTSDeq | MCHTSDeq
	validFlags = prodFlags | consFlags | ExactSize
)

// Sync is the synchronisation mode of one side (producer or consumer) of a
// ring. The values are DPDK's enum rte_ring_sync_type.
type Sync uint32

const (
	// SyncMT is classic multi-thread mode (MP/MC): any number of goroutines;
	// a call reserves slots with a compare-and-swap on the head, copies, then
	// waits until every earlier call on that side has published and publishes
	// by storing the tail. A goroutine descheduled between the two holds back
	// the later ones.
	SyncMT Sync = 0
	// SyncST is single-thread mode (SP/SC): one goroutine at a time; no
	// compare-and-swap, nothing waits.
	SyncST Sync = 1
	// SyncRTS is relaxed tail sync (MP RTS/MC RTS): any number of goroutines;
	// head and tail are {position, counter} pairs, and the tail is moved by
	// whichever call finishes last, so no call waits for a particular
	// predecessor. The head may run at most HTDMax slots ahead of the tail.
	SyncRTS Sync = 2
	// SyncHTS is head/tail sync (MP HTS/MC HTS): any number of goroutines,
	// but a call starts only when the previous one on that side has finished
	// (head == tail), so calls are fully serialised. With SyncST, the only
	// mode that allows the peek and zero-copy calls.
	SyncHTS Sync = 3
)

// String returns DPDK's name for the mode.
func (s Sync) String() string {
	switch s {
	case SyncMT:
		return "MT"
	case SyncST:
		return "ST"
	case SyncRTS:
		return "MT_RTS"
	case SyncHTS:
		return "MT_HTS"
	}
	return fmt.Sprintf("Sync(%d)", uint32(s))
}

// maxSize bounds the number of slots (RTE_RING_SZ_MASK). Sizes are powers of
// two, so the largest ring has 2^30 slots.
const maxSize = 0x7fffffff

// Errors. Those returned by constructors are wrapped with the offending value;
// test them with errors.Is.
var (
	// ErrInvalidSize reports a count that is not positive, that is not a
	// power of two when ExactSize is not set, or that needs more than
	// 0x7fffffff slots (DPDK's EINVAL). The blocking helpers also return it
	// for a bulk request larger than the capacity, which can never succeed.
	ErrInvalidSize = errors.New("ring: invalid size")
	// ErrInvalidFlags reports unknown flag bits, or two producer (or two
	// consumer) mode flags together (DPDK's EINVAL).
	ErrInvalidFlags = errors.New("ring: invalid flags")
	// ErrSyncMode reports a call that the side's synchronisation mode does
	// not allow: peek and zero-copy calls on a side that is neither SyncST
	// nor SyncHTS, or SetProdHTDMax/SetConsHTDMax on a side that is not
	// SyncRTS (DPDK's ENOTSUP).
	ErrSyncMode = errors.New("ring: not allowed in this sync mode")
	// ErrFinish reports a finish call that does not match the operation
	// started on that side: more values than were reserved, or a start when
	// one is already in progress on a single-threaded side.
	ErrFinish = errors.New("ring: finish does not match a started operation")
	// ErrElemType reports an element type that cannot live in shared memory
	// (it holds Go pointers), or one whose size differs from the ring's in
	// that memory.
	ErrElemType = errors.New("ring: element type not allowed")
	// ErrBadMemory reports caller-provided memory that is too small or
	// misaligned for a ring, or that holds no valid ring header (Attach).
	ErrBadMemory = errors.New("ring: bad ring memory")
	// ErrInvalidName reports a name too long for a ring in shared memory.
	ErrInvalidName = errors.New("ring: invalid name")
)

// cacheLine is the assumed size of a CPU cache line in bytes.
const cacheLine = 64

// side is the state of one side (producer or consumer) of a ring. The word
// the other side reads, the published position ("tail"), is the high half of
// ht in every mode, so the two sides may run different modes.
//
//   - SyncST, SyncMT, SyncHTS: ht = {head (low half), tail (high half)}. MT
//     moves the halves separately (compare-and-swap on the head, store of the
//     tail); HTS compares and swaps the whole word, which is how it sees
//     head == tail and reserves in one step.
//   - SyncRTS: ht is the tail {counter (low), position (high)} and rtsHead the
//     head {counter (low), position (high)}; both are compare-and-swapped
//     whole.
type side struct {
	ht      pair
	rtsHead pair
	htdMax  atomic.Uint32 // SyncRTS: the largest head-tail distance a call may start at
	sync    uint32        // Sync, fixed at creation
}

// header is the shared state of a ring. A ring made by New keeps it on the Go
// heap; one made by NewInMemory keeps it at the start of the caller's memory,
// followed by the slots, so that another process can Attach to it. The
// read-only part is also copied into the Ring, and the data path uses only
// those copies (so a peer that scribbles on the header cannot make this
// process index out of its slots).
type header struct {
	magic    atomic.Uint64 // headerMagic, stored last by NewInMemory
	version  uint32        // headerVersion
	elemSize uint32        // sizeof(T)
	flags    uint32        // Flags given at creation
	size     uint32        // slots, a power of two
	mask     uint32        // size-1
	capacity uint32        // usable slots
	slotOff  uint32        // offset of slot 0 from the header (headerSize)
	_        uint32
	name     [nameMax + 1]byte // NUL-terminated
	_        [2*cacheLine - 72]byte

	// The producer and consumer sides each sit alone in a 128-byte block
	// (two cache lines, the unit the adjacent-line prefetcher fetches), as
	// DPDK's RTE_CACHE_GUARD arranges (TestLayout).
	prod side
	_    [2*cacheLine - 24]byte
	cons side
	_    [2*cacheLine - 24]byte
}

const (
	headerMagic   = 0x31474e49524b5044 // "DPKRING1" as a little-endian uint64
	headerVersion = 1
	// headerSize is the size of header, where NewInMemory puts the slots.
	headerSize = 6 * cacheLine
	// nameMax is the longest name a ring in caller memory can keep.
	nameMax = 31
)

// Ring is a fixed-capacity, lock-free FIFO of values of type T with DPDK
// rte_ring semantics. Each side (producer, consumer) has a synchronisation
// mode chosen at creation, see Sync; the generic calls (EnqueueBulk,
// DequeueBurst, Enqueue, ...) use it, and the SP*, MP*, SC*, MC*, *RTS* and
// *HTS* methods force one for a call where the side allows it.
//
// A Ring must be created with New, NewInMemory or Attach and must not be
// copied. All methods except Reset and the HTD setters are safe for concurrent
// use as far as the modes allow: any number of goroutines on a multi-threaded
// side, exactly one at a time on a single-threaded side.
type Ring[T any] struct {
	// All read-only after creation; the data path reads nothing else of the
	// Ring, so this cache line is shared by every CPU.
	h        *header
	slots    []T
	mask     uint32
	capacity uint32
	prodSync Sync
	consSync Sync
	prodAs   [4]Sync // by the mode a forced enqueue asks for, the one it runs (effective)
	consAs   [4]Sync // the same for dequeues
	flags    Flags
	raw      uintptr // rawSize[T](): sizeof(T) if put and get may copy raw bytes, else 0
	name     string
	mem      []byte // caller memory holding h and the slots, if any
}

// sizes checks count and flags and returns the slot count and the capacity.
func sizes(count int, flags Flags) (size, capacity uint32, err error) {
	if flags&^validFlags != 0 || bits.OnesCount32(uint32(flags&prodFlags)) > 1 || bits.OnesCount32(uint32(flags&consFlags)) > 1 {
		return 0, 0, fmt.Errorf("%w: %#x", ErrInvalidFlags, uint32(flags))
	}
	if count <= 0 || count > maxSize {
		return 0, 0, fmt.Errorf("%w: count %d", ErrInvalidSize, count)
	}
	if flags&ExactSize != 0 {
		// Next power of two >= count+1. count+1 <= 2^31, so this fits.
		size = uint32(1) << bits.Len32(uint32(count))
		capacity = uint32(count)
	} else {
		if count&(count-1) != 0 {
			return 0, 0, fmt.Errorf("%w: count %d is not a power of two", ErrInvalidSize, count)
		}
		size = uint32(count)
		capacity = size - 1
	}
	if size > maxSize {
		return 0, 0, fmt.Errorf("%w: count %d needs %d slots, more than %d", ErrInvalidSize, count, size, maxSize)
	}
	return size, capacity, nil
}

// syncOf returns the modes the creation flags choose for the two sides.
func syncOf(flags Flags) (prod, cons Sync) {
	switch {
	case flags&SPEnq != 0:
		prod = SyncST
	case flags&MPRTSEnq != 0:
		prod = SyncRTS
	case flags&MPHTSEnq != 0:
		prod = SyncHTS
	}
	switch {
	case flags&SCDeq != 0:
		cons = SyncST
	case flags&MCRTSDeq != 0:
		cons = SyncRTS
	case flags&MCHTSDeq != 0:
		cons = SyncHTS
	}
	return prod, cons
}

// init fills in a zeroed header for a new, empty ring (all but the magic).
func (h *header) init(name string, elemSize, size, capacity uint32, flags Flags) {
	h.version = headerVersion
	h.elemSize = elemSize
	h.flags = uint32(flags)
	h.size = size
	h.mask = size - 1
	h.capacity = capacity
	h.slotOff = headerSize
	copy(h.name[:nameMax], name)
	prod, cons := syncOf(flags)
	h.prod.sync = uint32(prod)
	h.cons.sync = uint32(cons)
	// DPDK's default head-tail distance for RTS: capacity/8.
	h.prod.htdMax.Store(capacity / 8)
	h.cons.htdMax.Store(capacity / 8)
}

// New creates an empty ring named name (used only for reporting).
//
// Without ExactSize, count is the number of slots: it must be a power of two
// no larger than 2^30, and the ring holds at most count-1 values (one slot
// tells a full ring from an empty one). With ExactSize, count (1 ≤ count ≤
// 2^30-1) is the capacity and the ring has the next power of two above count
// slots. flags may combine ExactSize with one producer mode flag (SPEnq,
// MPRTSEnq, MPHTSEnq) and one consumer mode flag (SCDeq, MCRTSDeq, MCHTSDeq);
// anything else gives ErrInvalidFlags, a bad count ErrInvalidSize.
//
// New allocates the slot array, Size()*sizeof(T) bytes, and a small header,
// once; no later call allocates. T may be any type; see NewInMemory for rings
// shared with other processes.
func New[T any](name string, count int, flags Flags) (*Ring[T], error) {
	size, capacity, err := sizes(count, flags)
	if err != nil {
		return nil, err
	}
	h := newHeader()
	var zero T
	h.init(name, uint32(sizeOf(zero)), size, capacity, flags)
	h.magic.Store(headerMagic)
	return newRing(h, make([]T, size), name, nil), nil
}

func newRing[T any](h *header, slots []T, name string, mem []byte) *Ring[T] {
	r := &Ring[T]{
		h:        h,
		slots:    slots,
		mask:     h.mask,
		capacity: h.capacity,
		prodSync: Sync(h.prod.sync),
		consSync: Sync(h.cons.sync),
		flags:    Flags(h.flags),
		raw:      rawSize[T](),
		name:     name,
		mem:      mem,
	}
	for m := range Sync(len(r.prodAs)) {
		r.prodAs[m] = effective(r.prodSync, m)
		r.consAs[m] = effective(r.consSync, m)
	}
	return r
}

// sizeOf returns the size of a value of type T.
func sizeOf[T any](v T) uintptr { return unsafe.Sizeof(v) }

// Name returns the ring's name.
func (r *Ring[T]) Name() string { return r.name }

// Size returns the number of slots in the ring, a power of two.
func (r *Ring[T]) Size() int { return len(r.slots) }

// Capacity returns the largest number of values the ring can hold: Size()-1
// for rings created without ExactSize, the requested count with it.
func (r *Ring[T]) Capacity() int { return int(r.capacity) }

// Flags returns the flags the ring was created with.
func (r *Ring[T]) Flags() Flags { return r.flags }

// ProdSync returns the producer side's mode, chosen at creation.
func (r *Ring[T]) ProdSync() Sync { return r.prodSync }

// ConsSync returns the consumer side's mode, chosen at creation.
func (r *Ring[T]) ConsSync() Sync { return r.consSync }

// Count returns the number of values in the ring. With concurrent producers
// or consumers the result is a snapshot that may be stale on return; it is
// always in 0..Capacity(). Values being enqueued or dequeued (reserved but not
// yet published, including peek and zero-copy operations in progress) still
// count as they were before the call.
func (r *Ring[T]) Count() int { return int(r.count()) }

func (r *Ring[T]) count() uint32 {
	// Load the consumer tail first: the producer tail loaded afterwards can
	// only be further ahead, so the difference never goes negative.
	c := r.h.cons.ht.loadHi()
	p := r.h.prod.ht.loadHi()
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
// slots kept. It is not safe for concurrent use: no other call on the ring,
// in this process or another sharing its memory, may be in progress.
func (r *Ring[T]) Reset() {
	clear(r.slots)
	r.h.prod.ht.store(0)
	r.h.prod.rtsHead.store(0)
	r.h.cons.ht.store(0)
	r.h.cons.rtsHead.store(0)
}

// ProdHTDMax returns the producer side's largest head-tail distance (see
// SetProdHTDMax), or ^uint32(0) when the side is not SyncRTS, as
// rte_ring_get_prod_htd_max does.
func (r *Ring[T]) ProdHTDMax() uint32 { return r.h.prod.getHTDMax() }

// ConsHTDMax is ProdHTDMax for the consumer side.
func (r *Ring[T]) ConsHTDMax() uint32 { return r.h.cons.getHTDMax() }

// SetProdHTDMax sets how far the producer head may run ahead of the producer
// tail when a SyncRTS enqueue starts (rte_ring_set_prod_htd_max): a call waits
// while head-tail > v. 0 serialises the producers fully; Capacity() or more
// removes the limit; the default is Capacity()/8. It returns ErrSyncMode when
// the producer side is not SyncRTS. Call it before the ring is in use: an
// enqueue in progress may still use the old value.
func (r *Ring[T]) SetProdHTDMax(v uint32) error { return r.h.prod.setHTDMax(v, "producer") }

// SetConsHTDMax is SetProdHTDMax for the consumer side
// (rte_ring_set_cons_htd_max).
func (r *Ring[T]) SetConsHTDMax(v uint32) error { return r.h.cons.setHTDMax(v, "consumer") }

func (s *side) getHTDMax() uint32 {
	if Sync(s.sync) != SyncRTS {
		return ^uint32(0)
	}
	return s.htdMax.Load()
}

func (s *side) setHTDMax(v uint32, which string) error {
	if Sync(s.sync) != SyncRTS {
		return fmt.Errorf("%w: %s side is %v, head-tail distance needs MT_RTS", ErrSyncMode, which, Sync(s.sync))
	}
	s.htdMax.Store(v)
	return nil
}

// String describes the ring for logs, in the spirit of rte_ring_dump.
func (r *Ring[T]) String() string {
	return fmt.Sprintf("ring %q: flags=%#x size=%d capacity=%d prod{%v %s} cons{%v %s} used=%d",
		r.name, uint32(r.flags), len(r.slots), r.capacity,
		r.prodSync, r.h.prod.dump(r.prodSync), r.consSync, r.h.cons.dump(r.consSync), r.count())
}

func (s *side) dump(m Sync) string {
	w := s.ht.load()
	if m == SyncRTS {
		h := s.rtsHead.load()
		return fmt.Sprintf("head=%d/%d tail=%d/%d htd_max=%d", hi(h), lo(h), hi(w), lo(w), s.htdMax.Load())
	}
	return fmt.Sprintf("head=%d tail=%d", lo(w), hi(w))
}
