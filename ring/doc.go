// Package ring is a fixed-capacity, lock-free FIFO with the semantics of
// DPDK's rte_ring, written in pure Go for any element type.
//
// dpk uses it wherever DPDK uses an rte_ring: a mempool keeps the indexes of
// its free objects in one, and the ring PMD passes mbufs between ports
// through them. It is equally usable on its own, to pass work between
// goroutines without locks.
//
// # Size and capacity
//
// A ring has a power-of-two number of slots, Size. Created without
// ExactSize, New takes the slot count, which must be a power of two, and the
// ring holds at most Size-1 values: one slot is kept empty to tell a full ring
// from an empty one. With ExactSize, New takes the capacity itself, any value
// from 1 to 2^30-1, and rounds the slots up to the next power of two above it.
//
// # Modes
//
// Each side of a ring, producer and consumer, runs in one of two modes:
//
//   - multi (MP/MC, the default): any number of goroutines may enqueue (or
//     dequeue) at once. A call reserves slots by a compare-and-swap on the
//     side's head, copies the values, then waits until every call that
//     reserved before it has published, and publishes by storing the side's
//     tail. Calls therefore finish in the order they reserved: a goroutine
//     descheduled between reserving and publishing holds back the later ones
//     on the same side. They spin, then yield with runtime.Gosched; nothing
//     ever takes a lock. This is DPDK's classic MT mode; it fits best with
//     one busy goroutine per CPU, such as eal lcores.
//   - single (SP/SC, flags SPEnq and SCDeq): one goroutine at a time on that
//     side. The head is moved with a store instead of a compare-and-swap and
//     nothing waits for other calls. This is cheaper; using such a side from
//     two goroutines at once corrupts the ring (the race detector normally
//     reports it).
//
// The generic calls (EnqueueBulk, DequeueBurst, Enqueue, ...) use the modes
// chosen at creation; MPEnqueue*, SPEnqueue*, MCDequeue* and SCDequeue* force a
// mode for one call, as DPDK's rte_ring_mp_*, _sp_*, _mc_* and _sc_* do.
// DPDK's RTS and HTS modes, peek and zero-copy calls are not provided.
//
// # Bulk and burst
//
// Bulk calls move all the values asked for or none: they return len(objs) or
// 0. Burst calls move as many as possible and return the count, 0..len(objs).
// Results are counts, never errors; full and empty are ordinary outcomes on a
// data path. EnqueueBurstFree and DequeueBurstAvail also return DPDK's
// out-parameters, the free slots or remaining values seen by the call.
//
// # Life of an element
//
// A producer's call reads the consumer tail to learn how many slots are free,
// reserves n of them by moving the producer head, and copies the values into
// the slots (index & mask, wrapping past the end of the array). Nothing can see
// them yet. When the producer tail is moved over them they are published:
// every write the producer made before the call, including writes to objects
// the values point to, happens before a consumer's read of them. A consumer's
// call reads the producer tail, reserves entries by moving the consumer head,
// copies them out and moves the consumer tail, which hands the slots back to
// producers. Indices are free-running uint32 counters: they wrap past 2^32
// without harm, since only differences between them are used.
//
// # Ownership
//
// Values are copied in and out. When T holds pointers, enqueueing passes the
// objects they reach to whoever dequeues them, and the enqueuer must not
// touch them afterwards. Slots are not cleared on dequeue (that would cost a
// store, and for pointer types a write barrier, per value): a ring keeps a
// stale copy of each dequeued value, and so keeps what it points to reachable
// for the garbage collector, until a later enqueue overwrites the slot or
// Reset clears it. The stale copies are never read again.
//
// # Costs
//
// No data-path call allocates, locks, or makes a system call. New allocates
// the slot array once. The producer and consumer indices sit on separate
// cache lines, apart from the read-only fields. Count, FreeCount, Full and
// Empty are snapshots when other goroutines are active.
package ring
