// Package eal is dpk's environment abstraction layer, after DPDK's EAL: it parses
// DPDK's EAL command line, reads the CPU and NUMA topology, runs functions on
// lcores, and allocates the shareable memory segments that packet buffers live in.
//
// # Command line
//
// ParseArgs accepts DPDK 22.11's EAL options (-l, -c, --lcores, --main-lcore, -n,
// -m, --socket-mem, --huge-dir, --no-huge, --in-memory, --file-prefix, --vdev,
// --log-level, --no-pci, ...) up to "--" and returns the application's own
// arguments after it, so a program takes the same command line as its DPDK
// counterpart. Unknown options and impossible core lists are *ArgError values
// naming the option. Init parses and initialises in one call:
//
//	e, appArgs, err := eal.Init(os.Args[1:])
//
// # Lcores
//
// An Lcore is a logical core: Launch runs a function on a new goroutine locked to
// an OS thread pinned (sched_setaffinity) to the lcore's CPUs, and Wait collects
// its error. Go has no thread-local storage, so the function receives its *Lcore
// and finds its per-lcore state (a mempool cache, its queues) from it. The thread
// is discarded when the function returns. Unlike DPDK, the main lcore is not the
// calling thread: it is launched like the others, leaving the program's main
// goroutine free to wait for signals. Backoff paces poll loops that find no work.
//
// # Memory
//
// A Memory allocates Segments: memfd files (or hugetlbfs files with --huge-dir) on
// 2 MiB huge pages, mapped MAP_SHARED|MAP_POPULATE and bound to a NUMA node, each
// keeping its fd so a peer (vhost-user) or the kernel (AF_XDP) can share it. When
// no huge pages are reserved the first allocation logs one warning and uses normal
// pages; --no-huge asks for that outright. -m and --socket-mem cap the total. Every
// live segment is also listed process-wide (Segments, SegmentOf). Cleanup frees
// the EAL's segments.
package eal
