// Package afpacket is the net_af_packet poll-mode driver: an Ethernet port over a
// Linux interface through packet sockets with memory-mapped rings (PACKET_MMAP),
// DPDK's net_af_packet in pure Go. It needs root or CAP_NET_RAW. Applications
// blank-import it (or dpk/drivers) and create ports from devargs:
//
//	port, err := ethdev.Create("net_af_packet0,iface=veth0,qpairs=2")
//
// # Devargs
//
// As DPDK's: iface=NAME (required), qpairs=N (queue pairs, 1..16, default 1),
// blocksz=B (ring block size, a power-of-two multiple of the page size, default
// the page size), framesz=F (ring frame size, a multiple of 16 from 128 up to
// blocksz, default 2048), framecnt=C (frames per ring, default 512),
// qdisc_bypass=0|1 (default 1). An unknown key, a missing iface or a bad value is
// an error naming it. ParseDevargs does the parsing without privilege; Config is
// the same thing for Go callers (NewDevice with ethdev.Attach).
//
// Each queue pair is one packet socket, created and bound when the device is
// probed, in the network namespace of the probing thread: TPACKET_V3, PACKET_LOSS
// on, PACKET_QDISC_BYPASS per qdisc_bypass, PACKET_IGNORE_OUTGOING (so the RX ring
// does not see what the host sends on the interface, only what it receives),
// and with qpairs > 1 one PACKET_FANOUT group per port (HASH | DEFRAG |
// ROLLOVER, group id (pid ^ ifindex) & 0xffff, as DPDK): the kernel spreads
// received flows over the queue pairs. RX queue q and TX queue q share socket q.
// The descriptor count given to queue setup is ignored: ring sizes come from the
// devargs.
//
// # Life of a received frame
//
// The RX ring is framecnt*framesz bytes (at least two blocks) of blocksz blocks,
// each starting with a block descriptor. The kernel copies each frame the
// interface receives into the current block, behind a tpacket3_hdr (lengths,
// offset of the Ethernet header tp_mac, status, VLAN tag), packing frames one
// after another. It hands the block over by storing TP_STATUS_USER in the block's
// status word when the block is full or when the block retire timer fires
// (tp_retire_blk_tov, 1 ms here: the kernel's default on a veth is 8 ms, which
// would hold a lone ping that long). RxBurst load-acquires the status word of the
// block at its cursor, and for each packet in it allocates an mbuf (in bulk,
// through the queue's mempool cache), copies tp_snaplen bytes from tp_mac into it
// and stamps the port. A tag the kernel stripped (TP_STATUS_VLAN_VALID) becomes
// RxVLAN|RxVLANStripped and VlanTCI with the VLAN_STRIP RX offload, and is put
// back in the frame (RxVLAN and VlanTCI set) without it, as DPDK does. A frame
// the kernel truncated (tp_snaplen < tp_len) or one longer than an mbuf is dropped
// and counted in ierrors (xstats rx_truncated, rx_mbuf_too_small). When the
// caller's slice or the pool runs out mid-block, the cursor stays inside the
// block (rx_nombuf counts the failed allocation) and the next burst goes on from
// there; a block is handed back (store-release of TP_STATUS_KERNEL) as soon as
// its last packet is copied. RX makes no system call. Frames the kernel could not
// place because every block was still ours are counted by the socket
// (PACKET_STATISTICS, which resets on read; the driver accumulates) and reported
// as imissed and rx_kernel_drops. The caller owns the mbufs RxBurst returns; the
// ring memory is never handed out. Start hands back, unread, whatever the ring
// collected while the port was stopped.
//
// # Life of a transmitted frame
//
// The TX ring follows the RX ring in the same mapping: framecnt frames (rounded up
// to whole blocks) of framesz bytes, each a tpacket3_hdr whose data starts at
// offset 48 (TPACKET3_HDRLEN - sizeof(sockaddr_ll)). TxBurst takes frames in ring
// order: if the frame at its cursor is TP_STATUS_AVAILABLE it copies the mbuf
// chain into it (inserting the 802.1Q tag from VlanTCI when the mbuf has TxVLAN),
// sets tp_len and store-releases TP_STATUS_SEND_REQUEST. After the burst one
// sendto(MSG_DONTWAIT) kick makes the kernel build and send an skb from every
// requested frame; the frame turns SENDING, then AVAILABLE again when the kernel
// has finished with its memory. The mbufs are copied, so TxBurst frees every
// mbuf it accepts at once through the queue's CacheSet. A frame longer than the
// ring frame's room (framesz - 48) or than MTU + 18 is dropped, freed and counted
// in oerrors (xstat tx_frame_too_big) and still counts as accepted. When the frame
// at the cursor is still the kernel's, the burst stops there (xstat tx_ring_full)
// and returns how many it took: the rest stay the caller's.
//
// # Kernel settings that matter on a veth
//
// A frame the local stack sends into a veth may carry CHECKSUM_PARTIAL (the L4
// checksum not filled in yet) and may be a GSO super-frame bigger than the MTU; a
// packet socket on the peer receives it as such. For a packet socket to forward
// TCP (or anything with L4 checksums) correctly, turn off TX checksum offload
// and TSO/GSO on the sending side, and GRO on the receiving side (frames merged by
// GRO arrive bigger than the MTU and would be truncated):
//
//	ethtool -K veth0 tx off tso off gso off gro off
//
// PACKET_IGNORE_OUTGOING needs Linux 4.20 or later; on older kernels the option
// is skipped and the RX rings also see what the host itself sends on the
// interface (never the port's own frames: the kernel does not loop a socket's,
// or its fanout group's, frames back to it). With qpairs > 1 the socket option
// does not apply; the fanout group's IGNORE_OUTGOING flag (kernels newer than
// 6.1) does the same, and is left out where the kernel does not know it. Two
// ports on one interface with qpairs > 1 would share a fanout group (same pid and
// ifindex) and split its traffic: give each interface one port. TPACKET_V3 TX rings need Linux 4.11 or later. Each ring is unswappable
// kernel memory: (rx blocks + tx blocks) * blocksz per queue pair, 2 MiB per
// queue pair with the defaults.
package afpacket
