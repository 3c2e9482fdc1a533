// Package ring is a fixed-capacity, lock-free FIFO with the semantics of
// DPDK's rte_ring, written in pure Go for any element type.
//
// dpk uses it wherever DPDK uses an rte_ring: a mempool keeps the indexes of
// its free objects in one, and the ring PMD passes mbufs between ports
// through them. It is equally usable on its own, to pass work between
// goroutines, or between processes, without locks.
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
// Each side of a ring, producer and consumer, has a synchronisation mode
// (Sync), chosen at creation with DPDK's flags; the two sides are
// independent, so every pairing works.
//
//   - SyncMT (no flag), classic multi-thread: any number of goroutines. A
//     call reserves slots by a compare-and-swap on the side's head, copies
//     the values, then waits until every call that reserved before it has
//     published, and publishes by storing the side's tail. Calls finish in the
//     order they reserved, so a goroutine descheduled in between holds back
//     the later ones (they spin, then yield with runtime.Gosched). It fits best
//     with one busy goroutine per CPU, such as eal lcores.
//   - SyncST (SPEnq, SCDeq), single thread: one goroutine at a time on that
//     side. No compare-and-swap and nothing waits: the cheapest mode. Using
//     such a side from two goroutines at once corrupts the ring (the race
//     detector normally reports it).
//   - SyncRTS (MPRTSEnq, MCRTSDeq), relaxed tail sync: any number of
//     goroutines. Head and tail are {position, counter} pairs updated as one
//     64-bit word; a call counts itself finished on the tail, and the last of
//     the calls in progress moves the tail to the head. Nobody waits for a
//     particular predecessor, so a preempted goroutine delays the others only
//     until the head-tail distance reaches HTDMax (SetProdHTDMax,
//     SetConsHTDMax; default Capacity()/8). For goroutines that may be
//     preempted (more goroutines than CPUs).
//   - SyncHTS (MPHTSEnq, MCHTSDeq), head/tail sync: any number of goroutines,
//     but a call starts only when the previous one on that side has finished
//     (head == tail, checked and reserved in one 64-bit compare-and-swap).
//     Fully serialised; with SyncST the only mode that allows the peek and
//     zero-copy calls.
//
// The generic calls (EnqueueBulk, DequeueBurst, Enqueue, ...) use the modes
// chosen at creation. MP*, SP*, MC*, SC*, MPRTS*, MCRTS*, MPHTS*, MCHTS* and
// EnqueueWith/DequeueWith ask for a mode for one call, as DPDK's
// rte_ring_mp_*, _sp_*, _mp_rts_*, _mp_hts_* ... do. Where DPDK would leave a
// mismatch undefined, a side runs only what its index layout supports: a
// side created SyncST or SyncMT runs ST, MT and HTS calls as asked (and an RTS
// call as MT); a side created SyncRTS or SyncHTS runs every call in its own
// mode. So a forced call never corrupts a ring; the caller still promises
// that no single-thread call overlaps another call on the same side.
//
// # Bulk and burst
//
// Bulk calls move all the values asked for or none: they return len(objs) or
// 0. Burst calls move as many as possible and return the count, 0..len(objs).
// Results are counts, never errors; full and empty are ordinary outcomes on a
// data path. EnqueueBulkFree, EnqueueBurstFree, DequeueBulkAvail and
// DequeueBurstAvail also return DPDK's out-parameters, the free slots or
// remaining values seen by the call. Enqueue and Dequeue move one value.
//
// # Peek and zero-copy
//
// On a side created SyncST or SyncHTS an operation can be split into a start
// that reserves slots and a finish that publishes some of them (peek.go):
// EnqueueBulkStart then EnqueueFinish to decide what to enqueue once space is
// secured; DequeueBurstStart then DequeueFinish to look at values before
// deciding how many to take; and the zero-copy starts, which hand out the
// reserved slots themselves (valid until the finish) so that values are
// written or read in place. Elsewhere these calls return ErrSyncMode.
//
// # Waiting
//
// EnqueueBulkWait, DequeueBulkWait, EnqueueBurstWait and DequeueBurstWait
// poll, backing off from spinning to yielding to sleeping up to 1 ms, until
// they succeed or their context ends. They are for code off the fast path; no
// other call ever waits for room or values.
//
// # Between processes
//
// NewInMemory builds a ring in caller-provided memory, typically an eal
// memory segment, with everything the ring needs in it: a header (magic,
// version, element size, flags, size, mask, capacity, name), the producer and
// consumer indices, and the slots. Another process that maps the same pages
// calls Attach and uses the ring as the first does; Attach checks the header
// and fails cleanly on anything else. Such rings take only element types
// without Go pointers (integers, floats, booleans, and arrays and structs of
// them), checked once at creation; MemSize gives the bytes needed.
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
// without harm, since only differences between them are used. The tail the
// other side reads is the high half of one 64-bit word in every mode, which is
// what lets the two sides run different modes.
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
// the slot array and a header once. The producer and consumer indices each
// sit alone in a 128-byte block. Count, FreeCount, Full and Empty are
// snapshots when other goroutines are active.
//
// The single-thread and classic multi-thread paths are written so that the
// compiler keeps them free of calls: their index steps are inlined, and for
// element types without pointers the values are copied 64 bytes at a time by
// inlined code rather than by a call to memmove (copy_unsafe.go). On amd64,
// tails are published with plain stores, which x86 orders as release stores,
// instead of sync/atomic's locked XCHG (pair_amd64.go); race-detector builds
// and other architectures use sync/atomic throughout. bench/ring compares the
// result with DPDK's rte_ring, row by row, on the same machine.
package ring
