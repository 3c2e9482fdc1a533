// Package ethdev is dpk's Ethernet device layer, DPDK's rte_ethdev: ports with
// DPDK's control-path calls and state machine, over poll-mode drivers (PMDs)
// that stay small because the checks, counters and fast-path plumbing live here.
//
// # Ports and drivers
//
// A driver (Driver) registers itself with Register in an init function, under
// the name device names start with: net_ring, net_null, net_af_packet, ...
// ethdev never imports a driver, so an application blank-imports the ones it
// wants (or package drivers for all of them):
//
//	import _ "github.com/dpk-go/dpk/ethdev/afpacket"
//
// Create("net_af_packet0,iface=veth0,qpairs=2") parses the devargs, picks the
// registered driver whose name is the longest prefix of the device name
// ("net_ring0" is a net_ring), lets it probe the device and returns a *Port with
// the lowest free port id, 0..MaxPorts-1 (32). Ids and names are freed by Close
// and reused. Creating a second device of the same name fails with ErrBusy; a
// device name no driver matches fails with ErrNoDevice and an error listing
// the registered drivers (the usual cause is a missing blank import). Attach
// makes a port of a device built through a driver's own Go API (the ring
// driver's Pair and FromRings). Get, Ports and Count find the live ports.
//
// # State machine
//
// A port goes probed → configured → started → stopped → closed, as in DPDK:
//
//   - Configure(nbRxq, nbTxq, conf) sets the queue counts and the port
//     configuration (MTU, offloads, RSS), checked against Info; the port must
//     not be started (ErrBusy). Reconfiguring creates new queue handles.
//   - RxQueueSetup and TxQueueSetup set up each queue: descriptors (0 = the
//     driver's default, else 512), NUMA node, and for RX the mbuf pool the
//     driver fills. Before Configure they fail with ErrNotConfigured, while
//     started with ErrBusy.
//   - Start needs every configured queue set up (ErrQueueNotSetUp); Stop makes
//     the port configured again, ready for new queue setups or Start.
//   - Close releases the device (the driver frees every mbuf it held) and is
//     refused while started (ErrBusy). After it Configure, queue setup, Start,
//     Stop and the statistics calls fail with ErrClosed. Start of a started
//     port, Stop of a stopped one and Close of a closed one do nothing.
//
// # Fast path and control path
//
// Port methods are the control path: they take the port's lock, check the
// state and arguments, and are safe to call from any goroutine. The data path is
// on queue handles, looked up once outside the polling loop:
//
//	rx, tx := port.RxQueue(0), port.TxQueue(0)
//	for {
//		n := rx.RxBurst(pkts)
//		...
//	}
//
// A burst checks no state and allocates nothing. Start installs the driver's
// burst functions in the handles and Stop swaps in stand-ins that return 0 and
// count the attempt (IdlePolls), so a handle stays valid for the life of its
// configuration. As in DPDK, one goroutine at a time may burst on a queue, and
// polling should stop before Stop: a burst already inside the driver is not
// waited for.
//
// # Ownership
//
// RxBurst(pkts) fills pkts[:n] and returns n; the caller owns those mbufs and
// must transmit or free each. TxBurst(pkts) returns how many the driver
// accepted, k: the driver owns pkts[:k] from then on and frees them when sent
// (possibly at once), so the caller must not touch them again; pkts[k:] are
// still the caller's, to retry or free. TxBurst hands the driver at most 128
// packets at a time, noting their lengths first, and stops at the first chunk
// the driver does not take whole.
//
// # Statistics
//
// The queue handles count packets and bytes (PktLen) of every burst; drivers
// add errors, missed packets and mbuf allocation failures to their queue's
// QueueStats, and device-wide counters in Device.Stats. Counters only grow and
// are plain atomics written by the polling goroutine: Stats sums them
// (rte_eth_stats_get, per-queue for the first 16 queues) and ResetStats only
// records a baseline that Stats and XStats subtract, so the fast path never
// races with a reset. Counters of queues replaced by a later Configure are kept,
// so the totals carry on across reconfiguration.
//
// XStats returns DPDK's extended statistics: the generic names in DPDK's order
// (rx_good_packets, tx_good_packets, rx_good_bytes, tx_good_bytes,
// rx_missed_errors, rx_errors, tx_errors, rx_mbuf_allocation_errors), then
// rx_q<N>_packets, rx_q<N>_bytes, rx_q<N>_errors for each RX queue and
// tx_q<N>_packets, tx_q<N>_bytes for each TX queue, then the driver's own
// names; ResetStats zeroes them all. XStat looks one up by name.
//
// # Devargs
//
// Device arguments follow DPDK's syntax, name[,key=value]...: the device name
// (letters, digits, '_', '-', '.', ':'), then comma-separated items. Commas
// inside [...] or (...) do not split ("list=[1,2,3]"); a key may repeat (Values
// returns all, the other getters the last); a bare key ("flag") has an empty
// value, which Bool reads as true; empty items are skipped. ParseDevargs does
// the parsing and Create calls it; a driver's Probe calls CheckKeys first, then
// Str, Int (range-checked; prefixes as DPDK's strtoul: 0x for hex, a leading
// 0 for octal), Bool (0/1, true/false, yes/no, on/off) and Required. Every failure is a *DevargsError naming the device, the
// key and the value, wrapping ErrSyntax, ErrUnknownKey, ErrMissingKey or
// ErrBadValue:
//
//	devargs net_af_packet0: missing required key "iface"
//	devargs net_af_packet0: qpairs="abc": bad value: not an integer
//
// # Errors
//
// Port methods return an *OpError naming the port, the queue (-1 for port-wide
// calls) and the operation, and wrapping the cause, always with %w:
//
//	ethdev: port 0 queue 1: rx_queue_setup: invalid argument: queue 1 of 1
//
// Test causes with errors.Is against the sentinels (ErrNotSupported for an
// optional feature the driver lacks, such as SetMTU, SetPromiscuous or
// SetMACAddr; ErrBusy, ErrClosed, ErrNoDevice, ErrInvalid, ErrNotConfigured,
// ErrQueueNotSetUp), or get the details with errors.As. Hot-path trouble is
// never an error: bursts return counts, and the rest shows in the statistics.
package ethdev
