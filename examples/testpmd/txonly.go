package main

import (
	"encoding/binary"
	"net/netip"

	"github.com/dpk-go/dpk/ethdev"
)

// Header sizes of a txonly frame.
const (
	etherHdrLen = 14
	ipv4HdrLen  = 20
	udpHdrLen   = 8
	etherTypeV4 = 0x0800
	ipProtoUDP  = 17
	ipDefTTL    = 64

	// txOffloadL2L3 is Mbuf.TxOffload with l2_len = 14 and l3_len = 20, as
	// DPDK's txonly sets them.
	txOffloadL2L3 = etherHdrLen | ipv4HdrLen<<7
)

// txParams are the header fields of txonly frames.
type txParams struct {
	src, dst       ethdev.MAC
	ipSrc, ipDst   netip.Addr
	udpSrc, udpDst uint16
	length         int // whole frame, without CRC
}

// buildTxTemplate builds the frame txonly sends (DPDK's txonly engine): Ethernet
// src -> dst with type IPv4; IPv4 version 4, IHL 5, TOS 0, total length
// length-14, id 0, no fragmentation, TTL 64, protocol UDP, with its header
// checksum; UDP with length length-34 and checksum 0 (none); the payload zeroed.
func buildTxTemplate(p txParams) []byte {
	f := make([]byte, p.length)
	copy(f[0:6], p.dst[:])
	copy(f[6:12], p.src[:])
	binary.BigEndian.PutUint16(f[12:14], etherTypeV4)

	ip := f[etherHdrLen : etherHdrLen+ipv4HdrLen]
	ip[0] = 0x45
	ip[1] = 0
	binary.BigEndian.PutUint16(ip[2:4], uint16(p.length-etherHdrLen))
	// id 0, flags/fragment offset 0
	ip[8] = ipDefTTL
	ip[9] = ipProtoUDP
	s4, d4 := p.ipSrc.As4(), p.ipDst.As4()
	copy(ip[12:16], s4[:])
	copy(ip[16:20], d4[:])
	binary.BigEndian.PutUint16(ip[10:12], ipv4Checksum(ip))

	udp := f[etherHdrLen+ipv4HdrLen : etherHdrLen+ipv4HdrLen+udpHdrLen]
	binary.BigEndian.PutUint16(udp[0:2], p.udpSrc)
	binary.BigEndian.PutUint16(udp[2:4], p.udpDst)
	binary.BigEndian.PutUint16(udp[4:6], uint16(p.length-etherHdrLen-ipv4HdrLen))
	// checksum 0: not computed (allowed for UDP over IPv4)
	return f
}

// ipv4Checksum is the Internet checksum of an IPv4 header whose checksum field
// is ignored (counted as zero).
func ipv4Checksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(h); i += 2 {
		if i == 10 {
			continue
		}
		sum += uint32(h[i])<<8 | uint32(h[i+1])
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// setMultiFlowSource rewrites the template's IPv4 source address for
// --txonly-multi-flow as DPDK does, (dst | v<<8) + lcore, so that receivers
// spread the flows with RSS, and recomputes the header checksum.
func setMultiFlowSource(frame []byte, v uint8, lcore int) {
	ip := frame[etherHdrLen : etherHdrLen+ipv4HdrLen]
	dst := binary.BigEndian.Uint32(ip[16:20])
	binary.BigEndian.PutUint32(ip[12:16], (dst|uint32(v)<<8)+uint32(lcore))
	binary.BigEndian.PutUint16(ip[10:12], ipv4Checksum(ip))
}
