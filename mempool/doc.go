// Package mempool holds fixed-size object pools with per-owner caches and the
// packet buffers (mbufs) that live in them, with the semantics of DPDK's
// rte_mempool and rte_mbuf, in pure Go.
//
// # Life of an mbuf
//
// A pool is created once, at start-up: NewPktPool(name, PktPoolConfig{N: 8191,
// CacheSize: 256}) asks an eal.Memory for one memory segment (memfd, on huge
// pages when some are reserved) big enough for N objects, and lays them out
// back to back at a stride rounded up to a 64-byte cache line. Each object is a
// 128-byte Mbuf header, then PrivSize bytes of application private area, then the
// buffer: DataRoomSize bytes (DPDK's default 2176), whose first 128 are headroom.
// The segment is not Go memory: the garbage collector never scans or moves it,
// and it can be shared with a peer (a vhost-user back end) or the kernel (AF_XDP
// UMEM). The header holds no Go pointers, only addresses, its pool's small id and
// its own index, so a *Mbuf is a plain pointer into the segment and writing
// to it costs no write barrier.
//
// Free objects are named by their uint32 index and kept in a lock-free MP/MC
// ring (package ring) of exactly N slots, filled in index order at creation.
// Any goroutine may take from it and give back to it (Alloc(nil), Mbuf.Free).
//
// The shared ring costs an atomic operation per burst and bounces its cache
// lines between CPUs, so an lcore (or the lcore polling a queue) takes a Cache:
// Pool.NewCache, or Pool.LcoreCache(l) for an eal lcore. A Cache is a LIFO
// stack of free indexes owned by one goroutine at a time. It follows DPDK's
// rules exactly:
//
//   - get n: served from the cache when it holds n; otherwise one ring dequeue
//     refills it with CacheSize plus the shortfall and n are served from it
//     (if the ring cannot supply that many, it is asked for just the
//     shortfall). Requests larger than CacheMaxSize (512) go to the ring.
//     Gets are all or nothing: ErrNoEntries, and AllocFailures counts it.
//   - put n: the flush threshold is 1.5 × CacheSize (integer arithmetic, as
//     DPDK's). If n is above it, the objects go straight to the ring;
//     otherwise, if the cache would pass the threshold, its whole content is
//     flushed to the ring first; then the n objects are kept. Puts never fail.
//
// So a pool must be sized for everything that can be out at once: descriptors
// of every RX and TX ring, plus 1.5 × CacheSize per cache, plus the bursts in
// flight. New checks DPDK's rule 1.5 × CacheSize ≤ N and CacheSize ≤ 512.
//
// Pool.Alloc and AllocBulk (all or nothing) take mbufs through a cache and
// reset them to DPDK's rte_pktmbuf_reset state: data offset min(128, buffer
// length), DataLen and PktLen 0, one segment, port PortInvalid (0xffff), no
// offload flags, packet type 0, VLAN tags and TX offload lengths 0, reference
// count 1. The private area and Udata64 words are the application's and are kept.
//
// The caller now owns the mbuf. It edits it in place: Append adds bytes at the
// end of the last segment, Prepend before the data of the first (into the
// headroom), Adj and Trim remove bytes from the front and back; each returns nil
// or an error and changes nothing when there is not enough room or data. Chain
// links a second packet's segments after the first's (at most MaxSegs). The first
// segment carries PktLen (the sum of every segment's DataLen), NbSegs and the
// metadata. Data and Append's result alias the buffer; they are valid while the
// caller owns the mbuf.
//
// Ownership moves with the pointer. ethdev's RxQueue.RxBurst fills the caller's
// slice with mbufs the caller now owns; TxQueue.TxBurst returns k, and the driver
// owns pkts[:k] from then on (it frees them once sent) while pkts[k:] are still
// the caller's to retry or free. A ring of *Mbuf hands mbufs to another lcore the
// same way. Whoever owns an mbuf must eventually free it exactly once.
//
// Mbuf.Free returns the whole chain, each segment to its own pool (found by the
// id in its header), through the shared rings; FreeBulk does the same for many
// packets, batching consecutive segments of one pool. On an lcore, a CacheSet
// holds one Cache per pool it frees to and serves the same frees from those
// caches. Freed segments are unlinked; they are reset when next allocated.
//
// Reference counts let several owners share a packet: RefCntUpdate(+1) on a
// chain adds a reference to every segment (rte_pktmbuf_refcnt_update), and each
// reference is dropped by its own Free; a segment goes back to its pool when its
// last reference goes. Objects in a pool always have a count of 1.
//
// # Leak checks
//
// AvailCount counts the free objects in the ring and in every cache, and InUse
// is N minus that (rte_mempool_avail_count / in_use_count): exact when no owner
// is working, approximate while they are. Tests end by asserting InUse() == 0.
// Pool.Close flushes the caches, then fails with ErrInUse and releases nothing
// while objects are out; once it succeeds the pool's id may be reused.
//
// # No allocation on the fast path
//
// GetBulk, PutBulk, Alloc, AllocBulk, Mbuf.Free, FreeBulk, the editing calls and
// CacheSet.FreeBulk (once the set holds a cache for each pool it frees to)
// allocate nothing and take no locks; the tests check it with
// testing.AllocsPerRun. Creating pools and caches allocates, and happens once.
//
// # Header layout
//
// An Mbuf is 128 bytes, two cache lines, like rte_mbuf. The fields differ from
// DPDK's where a Go pointer would have been (pool and next), and RX and forwarding
// only touch the first line:
//
//	off size field
//	  0   8  buffer address (= IOVA)
//	  8   2  data offset (headroom)
//	 10   2  number of segments
//	 12   4  reference count (atomic)
//	 16   2  input port
//	 18   2  buffer length, headroom included
//	 20   4  packet length (sum of DataLen over the chain)
//	 24   8  offload flags (Rx*/Tx* constants, DPDK's bits)
//	 32   4  packet type (PType* constants)
//	 36   2  data length of this segment
//	 38   2  VLAN TCI
//	 40   4  RSS hash
//	 44   4  flow director id
//	 48   2  outer VLAN TCI
//	 50   2  pool id
//	 52   4  object index in the pool
//	 56   8  address of the next segment (0 at the end)
//
// The second line holds the packed TX offload lengths (64), a reserved external
// buffer word (72), the private area size (80), the timesync index (82) and five
// Udata64 application words (88..127). The private area follows at 128, then the
// buffer.
package mempool
