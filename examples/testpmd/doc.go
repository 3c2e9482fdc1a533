// Command testpmd is dpk's version of DPDK's testpmd, non-interactive: it
// forwards packets between ports with one of DPDK's forwarding engines and prints
// statistics in DPDK's layout, so that scripts written for dpdk-testpmd (and the
// parsers of its output) work unchanged.
//
//	testpmd [EAL options] -- [testpmd options]
//	testpmd -l 0-1 --vdev net_af_packet0,iface=veth0 -- --forward-mode=rxonly --stats-period=1
//
// EAL options are DPDK's (see eal.ParseArgs). Testpmd options, as DPDK's:
// --forward-mode=io|mac|macswap|rxonly|txonly, -a/--auto-start (forwarding always
// starts at once), --nb-cores, --nb-ports, --portmask, --rxq, --txq, --rxd, --txd,
// --burst, --txpkts, --tx-ip, --tx-udp, --txonly-multi-flow, --eth-peer,
// --stats-period, --total-num-mbufs, --mbuf-size,
// --port-topology=paired|chained|loop, --no-flush-rx, --disable-rss. The
// interactive prompt (-i) is not implemented yet.
//
// # Life of a run
//
// The EAL is initialised and every --vdev becomes a port. One mbuf pool,
// "mb_pool_0", is created (its default size is DPDK's formula capped at 32768
// mbufs; --total-num-mbufs sets it). Every port is configured with --rxq/--txq
// queues, started and put in promiscuous mode. Streams RX(port p, queue q) ->
// TX(peer(p), queue q) are built from the port topology and spread over the
// forwarding lcores: the worker lcores (not the main one), --nb-cores of them
// (default 1), so "-l 0-1" gives one forwarding lcore.
//
// Each forwarding lcore loops over its streams, one burst per stream per round:
//
//   - io: forward unmodified;
//   - mac: destination MAC := the TX port's peer (--eth-peer, default
//     02:00:00:00:00:<port>), source MAC := the TX port's MAC;
//   - macswap: swap source and destination MACs;
//   - rxonly: receive and free;
//   - txonly: ignore RX, send copies of a UDP/IPv4 frame (198.18.0.1:9 ->
//     198.18.0.2:9, TTL 64, IP checksum set, UDP checksum 0, --txpkts long).
//
// Packets the TX queue does not accept are freed and counted as TX-dropped. The
// fast path allocates nothing: bursts use per-lcore slices, frees go through the
// lcore's mempool caches, and txonly copies a per-stream template.
//
// Without --stats-period, testpmd prints "Press enter to exit" and stops at one
// byte or EOF on stdin, or at SIGINT/SIGTERM; with --stats-period=N it prints
// every port's NIC statistics every N seconds until SIGINT/SIGTERM. It then prints
// the forward statistics of every port and their sum, stops and closes the ports,
// and exits with status 1 if any mbuf did not come back to the pool.
//
// # Polling
//
// By default an lcore whose streams are all empty idles adaptively
// (eal.Backoff: spin, then yield, then sleep up to 200 µs), so that testpmd does
// not hog a CPU that a small machine needs for the traffic. DPK_BUSY_POLL=1
// makes the lcores busy-poll as DPDK's do; benchmarks set it.
package main
