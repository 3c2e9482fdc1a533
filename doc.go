// Package dpk is a data plane kit for Go: what DPDK is to C, in pure Go (no cgo).
// It gives packet-processing programs (forwarders, virtual switches, NFV
// functions, generators, monitors) DPDK's model — lcores pinned to CPUs, packet
// buffers in shared off-heap memory, lock-free rings, poll-mode drivers with burst
// APIs — with Go's habits.
//
// The packages, bottom up:
//
//   - [github.com/dpk-go/dpk/eal]: DPDK's EAL command line (-l, --lcores, --vdev,
//     --no-huge, ...), CPU and NUMA topology, lcores (goroutines locked to threads
//     pinned to CPUs) and shareable memory segments on huge pages.
//   - [github.com/dpk-go/dpk/ring]: lock-free rings (SP/SC, MP/MC), bulk and burst.
//   - [github.com/dpk-go/dpk/mempool]: object pools with per-owner caches, and
//     Mbuf, DPDK's packet buffer, living in eal segments.
//   - [github.com/dpk-go/dpk/ethdev]: the port API (configure, queues, start/stop,
//     RxBurst/TxBurst, stats, xstats, link) and the driver registry; drivers under
//     ethdev/ register themselves: net_af_packet (ethdev/afpacket), net_ring,
//     net_null. Blank-import [github.com/dpk-go/dpk/drivers] for all of them.
//   - examples/l2fwd and examples/testpmd: DPDK's two reference applications, with
//     their command lines and output formats.
//
// The life of a packet: a driver's RxBurst fills the caller's slice with mbufs from
// the queue's pool; the caller owns them; TxBurst takes ownership of those it
// accepts and frees them to their own pool when sent; the rest stay the caller's.
package dpk
