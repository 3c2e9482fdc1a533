// Command l2fwd is DPDK's l2fwd sample application on dpk: it forwards every
// frame received on one port out of its paired port, optionally rewriting the
// Ethernet addresses, and prints per-port counters. Its command line, its
// defaults, its messages and its statistics table are DPDK 22.11's, so scripts
// written for dpdk-l2fwd run unchanged.
//
// # Usage
//
//	l2fwd [EAL options] -- -p PORTMASK [-P] [-q NQ] [-T PERIOD]
//	      [--no-mac-updating] [--portmap="(a,b)[,(c,d)...]"]
//
// EAL options are DPDK's (see eal.Usage): -l/-c/--lcores choose the lcores,
// --vdev creates the ports (in order: the first --vdev is port 0), --no-huge
// uses normal pages instead of huge pages, and so on. Application options:
//
//	-p PORTMASK        hexadecimal mask of the ports to use (required; a bit for
//	                   a port that does not exist is "Invalid portmask")
//	-P                 promiscuous mode on every used port
//	-q NQ              RX ports per lcore, 1..15 (default 1)
//	-T PERIOD          statistics every PERIOD seconds, 0 = never, < 86400
//	                   (default 10)
//	--no-mac-updating  forward frames unchanged
//	--portmap=CONFIG   forwarding pairs "(a,b),(c,d)"; each port once and in the mask
//
// Without --portmap the enabled ports are paired in id order (1st with 2nd, 3rd
// with 4th, ...; an odd last port forwards to itself). Each enabled port is
// polled by the lowest-numbered lcore that has fewer than NQ ports, the main
// lcore included. With MAC updating (the default) a frame leaving port D has
// destination 02:00:00:00:00:DD and source port D's MAC address.
//
// Example, forwarding between two veths with the AF_PACKET driver on CPU 1:
//
//	l2fwd -l 1 --vdev net_af_packet0,iface=p0 --vdev net_af_packet1,iface=p1 \
//	      -- -p 0x3 --no-mac-updating -T 1
//
// The quick start demo, demo.sh in this directory, builds that topology in
// network namespaces and runs ping and iperf3 through l2fwd (as root:
// ./examples/l2fwd/demo.sh [--seconds N]).
//
// # Life of a frame
//
// The lcore's loop receives up to 32 mbufs from each of its RX ports (queue
// handles looked up once), counts them on the RX port, rewrites their addresses
// and appends them to the destination port's TX buffer. A buffer is sent when
// it holds 32 frames, and every ~100 µs in any case; frames the port does not
// accept are freed (through the lcore's mempool caches) and counted as dropped
// on the destination port. Nothing is allocated per frame.
//
// # Output
//
// Every PERIOD seconds the main lcore, if it polls a port, clears the screen and
// prints DPDK's table: "Packets sent", "Packets received" and "Packets dropped"
// per enabled port, then the totals. Unlike DPDK, l2fwd prints the table once
// more (without the clear-screen escape) when it exits, so that scripts can read
// the final counters.
//
// # Exit
//
// SIGINT or SIGTERM stops forwarding ("Signal N received, preparing to
// exit..."); the lcores send what they buffered, the ports are stopped and
// closed ("Closing port N... Done"), and l2fwd checks that every mbuf came back
// to its pool: if not it prints "l2fwd: mbuf leak: N mbufs not returned" and
// exits with status 1. Errors print a line naming the problem and exit with
// status 1; DPDK's fatal errors keep DPDK's form ("EAL: Error - exiting with
// code: 1" and "  Cause: ...").
//
// # Idle polling
//
// DPDK's lcores spin on their queues all the time. l2fwd's back off when their
// polls find nothing (spin, then yield, then sleep up to 200 µs, see
// eal.Backoff), so that a small machine keeps CPU time for the traffic
// generators; forwarding rate under load is unchanged. Set DPK_BUSY_POLL=1 in
// the environment for pure busy polling.
package main
