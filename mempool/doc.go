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
// Free objects are named by their uint32 index and kept in the pool's backend
// (DPDK's mempool ops, chosen by name at creation, Config.Ops /
// PktPoolConfig.Ops): by default "ring_mp_mc", a lock-free MP/MC ring
// (package ring) of exactly N slots, filled in index order; "ring_sp_sc",
// "ring_mp_sc", "ring_sp_mc", "ring_mt_rts" and "ring_mt_hts" pick the ring's
// other sync modes; "stack" is a LIFO array behind a spin lock and "lf_stack"
// a lock-free LIFO list (a {top, tag} word changed by 64-bit compare-and-swap
// over a next-index array, so that a stale top is never taken for a current
// one), both handing out the objects freed last, still warm in a CPU's
// caches, first. Any goroutine may take from the backend and give back to it
// (Alloc(nil), Mbuf.Free), except as the single-producer/consumer rings
// restrict. The memory is bound to the NUMA node Config.Socket names
// (Segment().Node() reports it; SocketAny binds none).
//
// The backend costs atomic operations per burst and bounces its cache lines
// between CPUs, so an lcore (or the lcore polling a queue) takes a Cache:
// Pool.NewCache, Pool.LcoreCache(l) for an eal lcore, or Pool.NewCacheSize(n)
// for a cache of any size on any pool (rte_mempool_cache_create). A Cache is a
// LIFO stack of free indexes owned by one goroutine at a time. It follows the
// rules of DPDK 22.11's rte_mempool_do_generic_get/put:
//
//   - get n: the cache gives what it holds, from the top of its stack; if that
//     is short of n, one backend dequeue of CacheSize plus the shortfall
//     refills it and the shortfall is served from its top, leaving CacheSize;
//     if the backend cannot supply that many, or the shortfall is above
//     CacheMaxSize (512), the shortfall comes straight from the backend. Gets
//     are all or nothing (a failed one leaves the cache as it was):
//     ErrNoEntries, counted in Stats and AllocFailures. Within one bulk DPDK
//     hands the block on top of the stack out top first; we copy it in stack
//     order with one memmove (the same objects, a different order).
//   - put n: the flush threshold is 1.5 × CacheSize (integer arithmetic, as
//     DPDK's). If n is above it, the objects go straight to the backend;
//     otherwise, if the cache would pass the threshold, its whole content is
//     flushed to the backend first; then the n objects are kept. Puts never
//     fail.
//
// So a pool must be sized for everything that can be out at once: descriptors
// of every RX and TX ring, plus 1.5 × CacheSize per cache, plus the bursts in
// flight. New checks DPDK's rule 1.5 × CacheSize ≤ N and CacheSize ≤ 512.
//
// Pool.Stats counts gets (successes, cache hits, backend dequeues, failures)
// and puts (and backend enqueues), in objects and in calls, as DPDK's
// rte_mempool_debug_stats. A cache's owner counts in the cache with plain
// increments, so the fast path has no shared atomic; Stats adds the caches up.
// ObjIter and MbufIter (or the Objects and Mbufs iterators) visit every
// object (rte_mempool_obj_iter); Dump prints a pool.
//
// A pool created with Debug (or every pool, built with -tags dpkdebug) checks
// each object going in and out and panics with a *DebugError naming the object
// or mbuf (index, address) and its pool (name, id) on a double free, a use after
// free (an object or mbuf header written while free, found at its next get; a
// freed mbuf's data is poisoned), a foreign-pool free (an index the pool does
// not have, a cache of another pool, an mbuf header that is not its pool's
// object) or a write past the end of an object (a trailer cookie). See
// DebugError.
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
// # Clones and indirect mbufs
//
// Mbuf.Clone(pool, cache) copies a packet without copying its data
// (rte_pktmbuf_clone): it takes one mbuf per segment from the pool (a pool with
// a small data room will do) and attaches each to the matching segment with
// Attach (rte_pktmbuf_attach). An attached, indirect mbuf has the Indirect flag,
// the direct mbuf's buffer address, length, data offset and data length, its
// metadata, and one reference on the direct mbuf. Since a header holds no Go
// pointers, the indirect mbuf keeps the direct mbuf's address in its ext word;
// it is also what DPDK's rte_mbuf_from_indirect computes (buffer address minus
// the header and the private area, as the buffer follows its own header in the
// pool object), and Check verifies that they agree. Freeing or Detaching the
// indirect mbuf drops the reference and gives it its own buffer back; the
// direct mbuf returns to its pool (through its shared ring) when its last
// reference goes, whoever drops it, on any goroutine. Clone is all or nothing:
// when the pool runs out it frees what it took and returns ErrNoEntries. A
// shared buffer is read-only by convention: Writable reports whether a segment
// may be written, and Linearize and WriteAt refuse shared ones with ErrShared.
//
// # External buffers
//
// Mbuf.AttachExtBuf(buf, shinfo) makes a caller's buffer the mbuf's
// (rte_pktmbuf_attach_extbuf), for memory the application or a peer manages: a
// slice of an eal segment, or a peer's mapped memory. It must not be Go heap
// memory (which cannot be detected cheaply, so it is not checked: the shared
// info keeps such a slice reachable, but no driver can hand it to the kernel or
// a peer). The ExtSharedInfo (rte_mbuf_ext_shared_info) holds the free
// callback, its argument and the count of mbufs attached to the buffer; it is a
// Go object in a process-wide registry, created once and re-armed with Init for
// each buffer, and the header's ext word holds its uint32 id, so headers stay
// free of Go pointers and a lookup is two atomic loads. Clones of an external
// mbuf share the buffer and add to the count; the free callback runs exactly
// once, on the goroutine that frees the last of them.
//
// # Multi-segment packets
//
// Chain links packets; Linearize gathers a chain into its first segment when it
// has the room (ErrNoRoom otherwise); Copy and CopyRange make a deep copy of the
// packet or of bytes [off, off+n) into new mbufs of a pool (rte_pktmbuf_copy),
// all or nothing; Read(off, n, buf) returns n bytes at an offset, as a view of
// the segment when they lie in one and copied into buf otherwise
// (rte_pktmbuf_read); ReadAt and WriteAt implement io.ReaderAt and io.WriterAt
// across segments. A property test runs random sequences of all of them against
// a []byte model.
//
// # Packet types, offload flags and debugging
//
// The offload flags (Rx*, Tx*, External, Indirect) and packet types (PType*)
// have DPDK 22.11's values, checked in the tests against the installed DPDK
// headers; RxFlagName, TxFlagName, RxFlagList, TxFlagList, FlagNames and
// PTypeString give DPDK's names back. ParsePType(m) finds a packet's L2, L3 and
// L4 types and header lengths (rte_net_get_ptype): Ethernet with VLAN and QinQ
// tags, ARP, LLDP and other EtherTypes, MPLS, IPv4 with options and fragments,
// IPv6 with extension headers, TCP, UDP, SCTP, ICMP, ICMPv6 and IGMP. It reads
// only the first segment (or the first 256 bytes of a chain, gathered on the
// stack), never past the data, reports only complete headers, and allocates
// nothing; it is fuzzed. Mbuf.Dump(w, maxBytes) prints a packet as
// rte_pktmbuf_dump does, and Mbuf.Check() returns a descriptive error for an
// inconsistent header or chain (rte_mbuf_check).
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
// GetBulk, PutBulk, Alloc, AllocBulk, Mbuf.Free, FreeBulk, the editing calls,
// Clone, Attach, Detach, AttachExtBuf (with a registered ExtSharedInfo),
// Linearize, Copy, Read, ReadAt, WriteAt, ParsePType and CacheSet.FreeBulk (once
// the set holds a cache for each pool it frees to) allocate nothing and take no
// locks; the tests check it with testing.AllocsPerRun. Creating pools and caches allocates, and happens once.
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
// The second line holds the packed TX offload lengths (64), the ext word (72:
// the direct mbuf's address in an indirect mbuf, the ExtSharedInfo id with an
// external buffer, 0 otherwise), the private area size (80), the timesync index
// (82) and five Udata64 application words (88..127). The private area follows at
// 128, then the buffer.
package mempool
