package mempool

// A software packet-type parser for L2, L3 and L4 (DPDK's rte_net_get_ptype for
// the outer layers), for drivers whose device does not report packet types and
// for applications that need the header lengths.

// HdrLens are the header lengths found by ParsePType (the outer fields of DPDK's
// struct rte_net_hdr_lens). A length is 0 when its layer was not recognised.
type HdrLens struct {
	// L2Len is the Ethernet header with its VLAN tags (14, 18 or 22), or with
	// its MPLS labels.
	L2Len uint8
	// L3Len is the IPv4 header with its options, or the IPv6 header with the
	// extension headers that precede the L4 header.
	L3Len uint16
	// L4Len is the TCP header with its options, 8 for UDP, 12 for SCTP (the
	// common header), and 8 for ICMP, ICMPv6 and IGMP (type, code, checksum and
	// the 4 bytes every message of theirs has).
	L4Len uint8
}

// EtherTypes and IP protocol numbers the parser knows.
const (
	etherIPv4     = 0x0800
	etherARP      = 0x0806
	etherVLAN     = 0x8100
	etherIPv6     = 0x86dd
	etherPPPoED   = 0x8863
	etherPPPoES   = 0x8864
	etherMPLS     = 0x8847
	etherMPLSM    = 0x8848
	etherQinQ     = 0x88a8
	etherLLDP     = 0x88cc
	etherTimesync = 0x88f7
	etherFCoE     = 0x8906
	etherNSH      = 0x894f
	etherQinQ9100 = 0x9100

	protoHopOpts  = 0
	protoICMP     = 1
	protoIGMP     = 2
	protoTCP      = 6
	protoUDP      = 17
	protoRouting  = 43
	protoFragment = 44
	protoESP      = 50
	protoAH       = 51
	protoICMPv6   = 58
	protoDstOpts  = 60
	protoMobility = 135
	protoHIP      = 139
	protoShim6    = 140
	protoSCTP     = 132

	maxMPLSLabels  = 8
	maxIPv6ExtHdrs = 8
	// parseWindow is how many bytes ParsePType gathers from a chain whose first
	// segment is shorter.
	parseWindow = 256
)

// ParsePType parses the packet's headers (DPDK's rte_net_get_ptype with the
// L2, L3 and L4 layers) and returns its packet type and header lengths; it does
// not set the mbuf's PacketType. It reads the first segment's data, or, when the
// packet is chained and its first segment holds fewer than 256 bytes, the first
// min(PktLen, 256) bytes of the packet gathered across segments (copied on the
// stack). It never reads past the data and allocates nothing. See
// ParsePTypeBytes for what it recognises.
func ParsePType(m *Mbuf) (ptype uint32, hdr HdrLens) {
	if m.next == 0 || m.dataLen >= parseWindow {
		return ParsePTypeBytes(m.Data())
	}
	var buf [parseWindow]byte
	n := m.copyOut(buf[:min(int(m.pktLen), parseWindow)], 0)
	return ParsePTypeBytes(buf[:n])
}

func be16(b []byte, off int) uint16 { return uint16(b[off])<<8 | uint16(b[off+1]) }

// ParsePTypeBytes parses the Ethernet frame in b as ParsePType does. It never
// reads outside b and allocates nothing.
//
// A layer is reported (its bits in the packet type, its length in hdr) only when
// its whole header — options, tags, labels and extension headers included — is
// within b, so hdr.L2Len+hdr.L3Len+hdr.L4Len <= len(b) always; parsing stops at
// the first layer that is truncated, malformed or unknown. Length fields inside
// the headers (IPv4 total length, IPv6 payload length, UDP length) are not
// checked against len(b), as in DPDK, so a frame with padding or a truncated
// capture parses the same.
//
//   - L2: fewer than 14 bytes gives 0. EtherType 0x8100, 0x88a8 or 0x9100 with
//     its tag gives L2_ETHER_VLAN (L2Len 18), and when the next tag is 0x8100,
//     L2_ETHER_QINQ (22); IPv4 or IPv6 after the tags is parsed further.
//     Untagged ARP, LLDP, IEEE 1588 (TIMESYNC), NSH, PPPoE and FCoE frames get
//     their L2 type (L2Len 14) and no more; untagged MPLS gets L2_ETHER_MPLS
//     with L2Len counting the labels up to the bottom of the stack (at most 8).
//     Anything else, or a truncated tag or label stack, is L2_ETHER with L2Len
//     14 (the complete part).
//   - IPv4 (version 4, IHL >= 5): L3_IPV4, or L3_IPV4_EXT with options. A
//     fragment (MF set or offset non-zero) is L4_FRAG; a non-first fragment stops
//     there, and the first fragment (offset 0) also gets L4Len when its L4
//     header (TCP, UDP, SCTP, ICMP, IGMP) is complete, for classifiers that want
//     its ports (DPDK leaves L4Len 0 for every fragment).
//   - IPv6 (version 6): L3_IPV6, or L3_IPV6_EXT when the next header is an
//     extension header (hop-by-hop, routing, fragment, ESP, AH, destination
//     options, mobility, HIP, shim6). Up to 8 extension headers are skipped and
//     counted in L3Len; a fragment header makes the packet L4_FRAG (and, as for
//     IPv4, a first fragment goes on to its L4 header). ESP and "no next
//     header" end the walk as L4_NONFRAG; a truncated or too long chain leaves L3Len
//     covering the complete headers and the L4 type unknown.
//   - L4: TCP (data offset >= 5, options within b), UDP, SCTP, ICMP (IPv4
//     protocol 1), ICMPv6 (IPv6 next header 58; both are L4_ICMP) and IGMP (IPv4
//     only); any other protocol of a non-fragment is L4_NONFRAG with L4Len 0. A
//     known L4 header that is truncated leaves the L4 type unknown.
//
// Tunnels are not parsed: IP-in-IP and GRE are L4_NONFRAG, VXLAN and GENEVE are
// L4_UDP, and the tunnel and inner fields stay 0.
func ParsePTypeBytes(b []byte) (ptype uint32, hdr HdrLens) {
	if len(b) < 14 {
		return 0, hdr
	}
	pt := PTypeL2Ether
	off := 14
	et := be16(b, 12)
	switch et {
	case etherIPv4, etherIPv6:
	case etherVLAN, etherQinQ, etherQinQ9100:
		if len(b) < 18 {
			break
		}
		pt, off, et = PTypeL2EtherVLAN, 18, be16(b, 16)
		if et == etherVLAN && len(b) >= 22 {
			pt, off, et = PTypeL2EtherQinQ, 22, be16(b, 20)
		}
	case etherARP:
		pt = PTypeL2EtherARP
	case etherLLDP:
		pt = PTypeL2EtherLLDP
	case etherTimesync:
		pt = PTypeL2EtherTimesync
	case etherNSH:
		pt = PTypeL2EtherNSH
	case etherPPPoED, etherPPPoES:
		pt = PTypeL2EtherPPPoE
	case etherFCoE:
		pt = PTypeL2EtherFCoE
	case etherMPLS, etherMPLSM:
		for i := 0; i < maxMPLSLabels && len(b) >= off+4; i++ {
			bottom := b[off+2]&1 != 0
			off += 4
			if bottom {
				return PTypeL2EtherMPLS, HdrLens{L2Len: uint8(off)}
			}
		}
		off = 14
	}
	hdr.L2Len = uint8(off)
	switch et {
	case etherIPv4:
		return parseIPv4(b, off, pt, hdr)
	case etherIPv6:
		return parseIPv6(b, off, pt, hdr)
	}
	return pt, hdr
}

func parseIPv4(b []byte, off int, pt uint32, hdr HdrLens) (uint32, HdrLens) {
	if len(b) < off+20 || b[off]>>4 != 4 {
		return pt, hdr
	}
	ihl := int(b[off]&0xf) * 4
	if ihl < 20 || len(b) < off+ihl {
		return pt, hdr
	}
	if ihl == 20 {
		pt |= PTypeL3IPv4
	} else {
		pt |= PTypeL3IPv4Ext
	}
	hdr.L3Len = uint16(ihl)
	frag := be16(b, off+6)
	proto := b[off+9]
	off += ihl
	if frag&0x3fff != 0 { // MF, or a fragment offset
		pt |= PTypeL4Frag
		if frag&0x1fff == 0 { // the first fragment holds the L4 header
			_, hdr.L4Len = parseL4(b, off, proto, false)
		}
		return pt, hdr
	}
	l4, n := parseL4(b, off, proto, false)
	hdr.L4Len = n
	return pt | l4, hdr
}

func parseIPv6(b []byte, off int, pt uint32, hdr HdrLens) (uint32, HdrLens) {
	if len(b) < off+40 || b[off]>>4 != 6 {
		return pt, hdr
	}
	start := off
	nh := b[off+6]
	off += 40
	switch nh {
	case protoHopOpts, protoRouting, protoFragment, protoESP, protoAH, protoDstOpts,
		protoMobility, protoHIP, protoShim6:
		pt |= PTypeL3IPv6Ext
	default:
		pt |= PTypeL3IPv6
		hdr.L3Len = 40
		l4, n := parseL4(b, off, nh, true)
		hdr.L4Len = n
		return pt | l4, hdr
	}
	frag := false
	for i := 0; ; i++ {
		var next uint8
		var n int
		switch nh {
		case protoHopOpts, protoRouting, protoDstOpts, protoMobility, protoHIP, protoShim6:
			if len(b) < off+2 {
				n = -1
				break
			}
			next, n = b[off], (int(b[off+1])+1)*8
		case protoAH:
			if len(b) < off+2 {
				n = -1
				break
			}
			next, n = b[off], (int(b[off+1])+2)*4
		case protoFragment:
			if len(b) < off+8 {
				n = -1
				break
			}
			if frag { // a second fragment header: malformed
				n = -1
				break
			}
			frag = true
			next, n = b[off], 8
			if be16(b, off+2)&^7 != 0 { // not the first fragment: stop here
				hdr.L3Len = uint16(off + 8 - start)
				return pt | PTypeL4Frag, hdr
			}
		default:
			// The end of the extension headers.
			hdr.L3Len = uint16(off - start)
			l4, l4len := parseL4(b, off, nh, true)
			hdr.L4Len = l4len
			if frag {
				return pt | PTypeL4Frag, hdr
			}
			return pt | l4, hdr
		}
		if n < 0 || len(b) < off+n || i == maxIPv6ExtHdrs {
			// Truncated, or too many extension headers: L3 as far as known.
			hdr.L3Len = uint16(off - start)
			if frag {
				pt |= PTypeL4Frag
			}
			return pt, hdr
		}
		nh = next
		off += n
	}
}

// parseL4 returns the L4 type and header length of protocol proto at b[off:],
// both 0 when the header is truncated or malformed.
func parseL4(b []byte, off int, proto uint8, v6 bool) (uint32, uint8) {
	var pt uint32
	n := 0
	switch proto {
	case protoTCP:
		if len(b) < off+20 {
			return 0, 0
		}
		pt, n = PTypeL4TCP, int(b[off+12]>>4)*4
		if n < 20 {
			return 0, 0
		}
	case protoUDP:
		pt, n = PTypeL4UDP, 8
	case protoSCTP:
		pt, n = PTypeL4SCTP, 12
	case protoICMP:
		if v6 {
			return PTypeL4NonFrag, 0
		}
		pt, n = PTypeL4ICMP, 8
	case protoICMPv6:
		if !v6 {
			return PTypeL4NonFrag, 0
		}
		pt, n = PTypeL4ICMP, 8
	case protoIGMP:
		if v6 {
			return PTypeL4NonFrag, 0
		}
		pt, n = PTypeL4IGMP, 8
	default:
		return PTypeL4NonFrag, 0
	}
	if len(b) < off+n {
		return 0, 0
	}
	return pt, uint8(n)
}
