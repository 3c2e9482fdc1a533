package mempool

import (
	"fmt"
	"net"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/stretchr/testify/require"
)

// Packets for the parser tests, built with gopacket.

var (
	macA = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	macB = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
	ip4A = net.IP{10, 0, 0, 1}
	ip4B = net.IP{10, 0, 0, 2}
	ip6A = net.ParseIP("fd00::1")
	ip6B = net.ParseIP("fd00::2")
)

func serialize(tb testing.TB, ls ...gopacket.SerializableLayer) []byte {
	tb.Helper()
	buf := gopacket.NewSerializeBuffer()
	require.NoError(tb, gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...))
	return append([]byte(nil), buf.Bytes()...)
}

func eth(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: t}
}

func dot1q(vid uint16, t layers.EthernetType) *layers.Dot1Q {
	return &layers.Dot1Q{VLANIdentifier: vid, Type: t}
}

func ipv4(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: ip4A, DstIP: ip4B}
}

func ipv6(nh layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: nh, SrcIP: ip6A, DstIP: ip6B}
}

func tcp(opts ...layers.TCPOption) *layers.TCP {
	return &layers.TCP{SrcPort: 1234, DstPort: 80, Seq: 1, Window: 1000, SYN: true, Options: opts}
}

func udp(dst layers.UDPPort) *layers.UDP { return &layers.UDP{SrcPort: 5000, DstPort: dst} }

// padOpt is a 6-byte IPv6 option (PadN), so that an extension header with it is 8 bytes.
func padOpt() *layers.IPv6HopByHopOption {
	return &layers.IPv6HopByHopOption{OptionType: 1, OptionLength: 4, OptionData: []byte{0, 0, 0, 0}}
}

// rawExt is an IPv6 extension header with (len+1)*8 bytes.
func rawExt(next layers.IPProtocol, units int) gopacket.Payload {
	b := make([]byte, (units+1)*8)
	b[0], b[1] = byte(next), byte(units)
	return b
}

// ip6Frag is an IPv6 fragment header.
func ip6Frag(next layers.IPProtocol, offset8 uint16, more bool) gopacket.Payload {
	b := []byte{byte(next), 0, byte(offset8 >> 5), byte(offset8<<3) & 0xf8, 0, 0, 0, 42}
	if more {
		b[3] |= 1
	}
	return b
}

var payload = gopacket.Payload("payload bytes")

type ptypeCase struct {
	name  string
	pkt   []byte
	ptype uint32
	lens  HdrLens
}

func ptypeCases(tb testing.TB) []ptypeCase {
	ser := func(ls ...gopacket.SerializableLayer) []byte { return serialize(tb, ls...) }
	const (
		ether = PTypeL2Ether
		v4    = PTypeL3IPv4
		v4ext = PTypeL3IPv4Ext
		v6    = PTypeL3IPv6
		v6ext = PTypeL3IPv6Ext
	)
	ip4opt := ipv4(layers.IPProtocolIGMP)
	ip4opt.IHL = 6
	ip4opt.Options = []layers.IPv4Option{{OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}}} // router alert
	frag1 := ipv4(layers.IPProtocolUDP)
	frag1.Flags = layers.IPv4MoreFragments
	frag2 := ipv4(layers.IPProtocolUDP)
	frag2.FragOffset = 185
	lastFrag := ipv4(layers.IPProtocolTCP)
	lastFrag.FragOffset = 370
	hbh := &layers.IPv6HopByHop{Options: []*layers.IPv6HopByHopOption{padOpt()}}
	hbh.NextHeader = layers.IPProtocolUDP
	hbhToRouting := &layers.IPv6HopByHop{Options: []*layers.IPv6HopByHopOption{padOpt()}}
	hbhToRouting.NextHeader = layers.IPProtocolIPv6Routing
	dst := &layers.IPv6Destination{Options: []*layers.IPv6DestinationOption{(*layers.IPv6DestinationOption)(padOpt())}}
	dst.NextHeader = layers.IPProtocolTCP
	ah := make(gopacket.Payload, 24) // AH with a 12-byte ICV: payload length 4
	ah[0], ah[1] = byte(layers.IPProtocolTCP), 4
	mpls1 := &layers.MPLS{Label: 100, TTL: 64}
	mpls2 := &layers.MPLS{Label: 200, StackBottom: true, TTL: 64}
	arp := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: layers.ARPRequest,
		SourceHwAddress: macA, SourceProtAddress: ip4A, DstHwAddress: make([]byte, 6), DstProtAddress: ip4B}
	igmp := gopacket.Payload{0x16, 0, 0xfa, 0x04, 239, 1, 1, 1} // IGMPv2 report
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 1, Seq: 1}
	icmp6 := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeEchoRequest, 0)}
	icmp6echo := &layers.ICMPv6Echo{Identifier: 1, SeqNumber: 1}
	sctp := &layers.SCTP{SrcPort: 1, DstPort: 2, VerificationTag: 3}
	mss := layers.TCPOption{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{5, 0xb4}}
	lldp := gopacket.Payload{0x02, 0x07, 0x04, 2, 0, 0, 0, 0, 1, 0x04, 0x02, 0x07, '1', 0x06, 0x02, 0, 120, 0, 0}
	gre := gopacket.Payload{0, 0, 0x08, 0}
	esp := gopacket.Payload{0, 0, 0, 1, 0, 0, 0, 1, 0xde, 0xad}
	badTCP := gopacket.Payload{0x04, 0xd2, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x40, 0x02, 0x03, 0xe8, 0, 0, 0, 0} // data offset 4

	return []ptypeCase{
		{"ipv4 tcp", ser(eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), tcp(), payload),
			ether | v4 | PTypeL4TCP, HdrLens{14, 20, 20}},
		{"ipv4 tcp with options", ser(eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), tcp(mss), payload),
			ether | v4 | PTypeL4TCP, HdrLens{14, 20, 24}},
		{"ipv4 udp", ser(eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(53), payload),
			ether | v4 | PTypeL4UDP, HdrLens{14, 20, 8}},
		{"ipv4 udp vxlan port (tunnels are not parsed)", ser(eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(4789), payload),
			ether | v4 | PTypeL4UDP, HdrLens{14, 20, 8}},
		{"ipv4 sctp", ser(eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolSCTP), sctp, payload),
			ether | v4 | PTypeL4SCTP, HdrLens{14, 20, 12}},
		{"ipv4 icmp", ser(eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolICMPv4), icmp, payload),
			ether | v4 | PTypeL4ICMP, HdrLens{14, 20, 8}},
		{"ipv4 options igmp", ser(eth(layers.EthernetTypeIPv4), ip4opt, igmp),
			ether | v4ext | PTypeL4IGMP, HdrLens{14, 24, 8}},
		{"ipv4 gre", ser(eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolGRE), gre, payload),
			ether | v4 | PTypeL4NonFrag, HdrLens{14, 20, 0}},
		{"ipv4 first fragment", ser(eth(layers.EthernetTypeIPv4), frag1, udp(53), payload),
			ether | v4 | PTypeL4Frag, HdrLens{14, 20, 8}},
		{"ipv4 middle fragment", ser(eth(layers.EthernetTypeIPv4), frag2, payload),
			ether | v4 | PTypeL4Frag, HdrLens{14, 20, 0}},
		{"ipv4 last fragment", ser(eth(layers.EthernetTypeIPv4), lastFrag, tcp(), payload),
			ether | v4 | PTypeL4Frag, HdrLens{14, 20, 0}},
		{"ipv4 bad tcp data offset", ser(eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), badTCP),
			ether | v4, HdrLens{14, 20, 0}},
		{"vlan ipv4 udp", ser(eth(layers.EthernetTypeDot1Q), dot1q(10, layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(53), payload),
			PTypeL2EtherVLAN | v4 | PTypeL4UDP, HdrLens{18, 20, 8}},
		{"qinq 88a8 ipv6 tcp", ser(eth(layers.EthernetTypeQinQ), dot1q(100, layers.EthernetTypeDot1Q), dot1q(10, layers.EthernetTypeIPv6), ipv6(layers.IPProtocolTCP), tcp(), payload),
			PTypeL2EtherQinQ | v6 | PTypeL4TCP, HdrLens{22, 40, 20}},
		{"qinq 9100 ipv4 udp", ser(eth(0x9100), dot1q(100, layers.EthernetTypeDot1Q), dot1q(10, layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(53), payload),
			PTypeL2EtherQinQ | v4 | PTypeL4UDP, HdrLens{22, 20, 8}},
		{"qinq 8100 8100", ser(eth(layers.EthernetTypeDot1Q), dot1q(100, layers.EthernetTypeDot1Q), dot1q(10, layers.EthernetTypeIPv4), ipv4(layers.IPProtocolICMPv4), icmp, payload),
			PTypeL2EtherQinQ | v4 | PTypeL4ICMP, HdrLens{22, 20, 8}},
		{"88a8 single tag", ser(eth(layers.EthernetTypeQinQ), dot1q(100, layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(53), payload),
			PTypeL2EtherVLAN | v4 | PTypeL4UDP, HdrLens{18, 20, 8}},
		{"arp", ser(eth(layers.EthernetTypeARP), arp), PTypeL2EtherARP, HdrLens{L2Len: 14}},
		{"vlan arp", ser(eth(layers.EthernetTypeDot1Q), dot1q(5, layers.EthernetTypeARP), arp), PTypeL2EtherVLAN, HdrLens{L2Len: 18}},
		{"lldp", ser(eth(layers.EthernetTypeLinkLayerDiscovery), lldp), PTypeL2EtherLLDP, HdrLens{L2Len: 14}},
		{"ptp", ser(eth(0x88f7), payload), PTypeL2EtherTimesync, HdrLens{L2Len: 14}},
		{"nsh", ser(eth(0x894f), payload), PTypeL2EtherNSH, HdrLens{L2Len: 14}},
		{"fcoe", ser(eth(0x8906), payload), PTypeL2EtherFCoE, HdrLens{L2Len: 14}},
		{"pppoe session", ser(eth(layers.EthernetTypePPPoESession), &layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: 7}, payload),
			PTypeL2EtherPPPoE, HdrLens{L2Len: 14}},
		{"mpls two labels", ser(eth(layers.EthernetTypeMPLSUnicast), mpls1, mpls2, ipv4(layers.IPProtocolUDP), udp(53), payload),
			PTypeL2EtherMPLS, HdrLens{L2Len: 22}},
		{"other ethertype", ser(eth(layers.EthernetTypeEAPOL), payload), ether, HdrLens{L2Len: 14}},
		{"ipv6 tcp", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolTCP), tcp(), payload),
			ether | v6 | PTypeL4TCP, HdrLens{14, 40, 20}},
		{"ipv6 udp", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolUDP), udp(53), payload),
			ether | v6 | PTypeL4UDP, HdrLens{14, 40, 8}},
		{"ipv6 icmpv6", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolICMPv6), icmp6, icmp6echo, payload),
			ether | v6 | PTypeL4ICMP, HdrLens{14, 40, 8}},
		{"ipv6 sctp", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolSCTP), sctp),
			ether | v6 | PTypeL4SCTP, HdrLens{14, 40, 12}},
		{"ipv6 no next header", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolNoNextHeader)),
			ether | v6 | PTypeL4NonFrag, HdrLens{14, 40, 0}},
		{"ipv6 icmpv4 number is not icmp", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolICMPv4), icmp),
			ether | v6 | PTypeL4NonFrag, HdrLens{14, 40, 0}},
		{"ipv6 hop-by-hop udp", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6HopByHop), hbh, udp(53), payload),
			ether | v6ext | PTypeL4UDP, HdrLens{14, 48, 8}},
		{"ipv6 hop-by-hop routing destination tcp", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6HopByHop), hbhToRouting,
			rawExt(layers.IPProtocolIPv6Destination, 2), dst, tcp(mss), payload),
			ether | v6ext | PTypeL4TCP, HdrLens{14, 40 + 8 + 24 + 8, 24}},
		{"ipv6 ah tcp", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolAH), ah, tcp(), payload),
			ether | v6ext | PTypeL4TCP, HdrLens{14, 64, 20}},
		{"ipv6 esp", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolESP), esp),
			ether | v6ext | PTypeL4NonFrag, HdrLens{14, 40, 0}},
		{"ipv6 first fragment", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6Fragment), ip6Frag(layers.IPProtocolUDP, 0, true), udp(53), payload),
			ether | v6ext | PTypeL4Frag, HdrLens{14, 48, 8}},
		{"ipv6 later fragment", ser(eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6Fragment), ip6Frag(layers.IPProtocolUDP, 100, false), payload),
			ether | v6ext | PTypeL4Frag, HdrLens{14, 48, 0}},
		{"vlan ipv6 hop-by-hop fragment tcp", ser(eth(layers.EthernetTypeDot1Q), dot1q(7, layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6HopByHop),
			rawExt(layers.IPProtocolIPv6Fragment, 0), ip6Frag(layers.IPProtocolTCP, 0, true), tcp(), payload),
			PTypeL2EtherVLAN | v6ext | PTypeL4Frag, HdrLens{18, 56, 20}},
		{"ipv4 ethertype carrying ipv6", ser(eth(layers.EthernetTypeIPv4), ipv6(layers.IPProtocolTCP), tcp()),
			ether, HdrLens{L2Len: 14}},
		{"runt", []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08}, 0, HdrLens{}},
	}
}

func TestParsePTypeTable(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 4})
	for _, tc := range ptypeCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			pt, h := ParsePTypeBytes(tc.pkt[:len(tc.pkt):len(tc.pkt)])
			require.Equal(t, PTypeString(tc.ptype), PTypeString(pt))
			require.Equal(t, tc.ptype, pt)
			require.Equal(t, tc.lens, h)
			checkParse(t, tc.pkt, pt, h)

			m := p.Alloc(nil)
			defer m.Free()
			copy(m.Append(len(tc.pkt)), tc.pkt)
			pt2, h2 := ParsePType(m)
			require.Equal(t, pt, pt2)
			require.Equal(t, h, h2)
		})
	}
}

// TestParsePTypeTruncated parses every prefix of every table packet, each in a
// slice whose capacity is its length (so an over-read would panic) and in an mbuf
// whose data ends at the end of its buffer. A prefix that holds all the headers
// parses like the whole packet; a shorter one reports a consistent prefix of its
// layers.
func TestParsePTypeTruncated(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 4, DataRoomSize: 128 + 256})
	m := p.Alloc(nil)
	defer m.Free()
	for _, tc := range ptypeCases(t) {
		full := uint32(tc.lens.L2Len) + uint32(tc.lens.L3Len) + uint32(tc.lens.L4Len)
		for n := 0; n <= len(tc.pkt); n++ {
			b := append([]byte(nil), tc.pkt[:n]...)[:n:n]
			pt, h := ParsePTypeBytes(b)
			checkParse(t, b, pt, h)
			what := fmt.Sprintf("%s truncated to %d: %s %+v", tc.name, n, PTypeString(pt), h)
			if uint32(n) >= full {
				require.Equal(t, tc.ptype, pt, what)
				require.Equal(t, tc.lens, h, what)
			} else {
				require.NotEqual(t, [2]any{tc.ptype, tc.lens}, [2]any{pt, h}, what)
				// What is reported is what the whole packet has.
				// L2 may be Ethernet alone, or one VLAN tag of a QinQ frame.
				if l2 := pt & PTypeL2Mask; l2 != 0 && l2 != PTypeL2Ether &&
					(l2 != PTypeL2EtherVLAN || tc.ptype&PTypeL2Mask != PTypeL2EtherQinQ) {
					require.Equal(t, tc.ptype&PTypeL2Mask, l2, what)
				}
				if pt&PTypeL3Mask != 0 {
					require.Equal(t, tc.ptype&(PTypeL2Mask|PTypeL3Mask), pt&(PTypeL2Mask|PTypeL3Mask), what)
					require.Equal(t, tc.lens.L2Len, h.L2Len, what)
					require.LessOrEqual(t, h.L3Len, tc.lens.L3Len, what)
				}
				if l4 := pt & PTypeL4Mask; l4 != 0 {
					require.Equal(t, tc.ptype&PTypeL4Mask, l4, what)
					require.Equal(t, tc.lens.L3Len, h.L3Len, what)
					require.LessOrEqual(t, h.L4Len, tc.lens.L4Len, what)
				}
			}

			// The same bytes at the very end of an mbuf's buffer.
			require.NoError(t, m.SetLen(0))
			require.NoError(t, m.SetDataOff(m.BufLen()-n))
			require.NoError(t, m.SetLen(n))
			copy(m.Data(), b)
			pt2, h2 := ParsePType(m)
			require.Equal(t, pt, pt2, what)
			require.Equal(t, h, h2, what)
		}
	}
}

// checkParse asserts what holds for any input: only the L2/L3/L4 fields are
// set, each reported layer has a length its protocol allows, and the lengths
// fit in the data.
func checkParse(tb testing.TB, b []byte, pt uint32, h HdrLens) {
	tb.Helper()
	what := fmt.Sprintf("% x: %s %+v", b, PTypeString(pt), h)
	require.Zero(tb, pt&^(PTypeL2Mask|PTypeL3Mask|PTypeL4Mask), what)
	require.LessOrEqual(tb, int(h.L2Len)+int(h.L3Len)+int(h.L4Len), len(b), what)
	if len(b) < 14 {
		require.Zero(tb, pt, what)
		require.Equal(tb, HdrLens{}, h, what)
		return
	}
	switch pt & PTypeL2Mask {
	case PTypeL2EtherVLAN:
		require.Equal(tb, uint8(18), h.L2Len, what)
	case PTypeL2EtherQinQ:
		require.Equal(tb, uint8(22), h.L2Len, what)
	case PTypeL2EtherMPLS:
		require.True(tb, h.L2Len >= 18 && h.L2Len <= 14+4*maxMPLSLabels && h.L2Len%4 == 2, what)
	case PTypeL2Ether, PTypeL2EtherARP, PTypeL2EtherLLDP, PTypeL2EtherTimesync, PTypeL2EtherNSH,
		PTypeL2EtherPPPoE, PTypeL2EtherFCoE:
		require.Equal(tb, uint8(14), h.L2Len, what)
	default:
		tb.Fatalf("bad L2 type: %s", what)
	}
	switch pt & PTypeL3Mask {
	case 0:
		require.Zero(tb, h.L3Len, what)
		require.Zero(tb, pt&PTypeL4Mask, what)
		require.Zero(tb, h.L4Len, what)
		return
	case PTypeL3IPv4:
		require.Equal(tb, uint16(20), h.L3Len, what)
	case PTypeL3IPv4Ext:
		require.True(tb, h.L3Len > 20 && h.L3Len <= 60 && h.L3Len%4 == 0, what)
	case PTypeL3IPv6:
		require.Equal(tb, uint16(40), h.L3Len, what)
	case PTypeL3IPv6Ext:
		require.True(tb, h.L3Len >= 40 && h.L3Len%4 == 0, what)
	default:
		tb.Fatalf("bad L3 type: %s", what)
	}
	switch pt & PTypeL4Mask {
	case 0, PTypeL4NonFrag:
		require.Zero(tb, h.L4Len, what)
	case PTypeL4TCP:
		require.True(tb, h.L4Len >= 20 && h.L4Len <= 60 && h.L4Len%4 == 0, what)
	case PTypeL4UDP, PTypeL4ICMP, PTypeL4IGMP:
		require.Equal(tb, uint8(8), h.L4Len, what)
	case PTypeL4SCTP:
		require.Equal(tb, uint8(12), h.L4Len, what)
	case PTypeL4Frag:
		require.True(tb, h.L4Len == 0 || h.L4Len == 8 || h.L4Len == 12 || (h.L4Len >= 20 && h.L4Len <= 60), what)
	default:
		tb.Fatalf("bad L4 type: %s", what)
	}
}

// TestParsePTypeChained parses packets whose headers are split across segments.
func TestParsePTypeChained(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 16, DataRoomSize: 128 + 512})
	for _, tc := range ptypeCases(t) {
		for split := 1; split < len(tc.pkt); split += 7 {
			m := p.Alloc(nil)
			copy(m.Append(split), tc.pkt[:split])
			rest := p.Alloc(nil)
			copy(rest.Append(len(tc.pkt)-split), tc.pkt[split:])
			require.NoError(t, m.Chain(rest))
			pt, h := ParsePType(m)
			require.Equal(t, tc.ptype, pt, "%s split at %d", tc.name, split)
			require.Equal(t, tc.lens, h, "%s split at %d", tc.name, split)
			m.Free()
		}
	}
	// Only the first 256 bytes are gathered from a chain: headers beyond that
	// are not seen, and a first segment of 256 bytes or more is parsed alone.
	b := serialize(t, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6HopByHop),
		rawExt(layers.IPProtocolIPv6Destination, 20), rawExt(layers.IPProtocolUDP, 5), udp(53), payload)
	require.Greater(t, len(b), 14+40+168+48+8)
	pt, h := ParsePTypeBytes(b)
	require.Equal(t, PTypeL2Ether|PTypeL3IPv6Ext|PTypeL4UDP, pt)
	require.Equal(t, HdrLens{14, 40 + 168 + 48, 8}, h)
	for _, split := range []int{100, 255, 256, 280} {
		m := p.Alloc(nil)
		copy(m.Append(split), b[:split])
		rest := p.Alloc(nil)
		copy(rest.Append(len(b)-split), b[split:])
		require.NoError(t, m.Chain(rest))
		pt, h := ParsePType(m)
		if split <= 256 {
			require.Equal(t, PTypeL2Ether|PTypeL3IPv6Ext, pt, "split %d", split)
			require.Equal(t, HdrLens{14, 40 + 168, 0}, h, "split %d", split)
		} else {
			require.Equal(t, PTypeL2Ether|PTypeL3IPv6Ext|PTypeL4UDP, pt)
		}
		m.Free()
	}
}

// TestParsePTypeLimits covers what the table cannot: long MPLS stacks and IPv6
// extension header chains, and a second fragment header.
func TestParsePTypeLimits(t *testing.T) {
	label := func(bottom bool) gopacket.SerializableLayer {
		return &layers.MPLS{Label: 1, StackBottom: bottom, TTL: 1}
	}
	ls := []gopacket.SerializableLayer{eth(layers.EthernetTypeMPLSUnicast)}
	for i := 0; i < 7; i++ {
		ls = append(ls, label(false))
	}
	b := serialize(t, append(ls, label(true), payload)...)
	pt, h := ParsePTypeBytes(b)
	require.Equal(t, PTypeL2EtherMPLS, pt)
	require.Equal(t, uint8(14+32), h.L2Len)
	b = serialize(t, append(ls, label(false), label(true), payload)...) // 9 labels
	pt, h = ParsePTypeBytes(b)
	require.Equal(t, PTypeL2Ether, pt)
	require.Equal(t, uint8(14), h.L2Len)

	// Eight extension headers are followed; a ninth is not.
	for _, n := range []int{8, 9} {
		ls := []gopacket.SerializableLayer{eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6Destination)}
		for i := 0; i < n-1; i++ {
			ls = append(ls, rawExt(layers.IPProtocolIPv6Destination, 0))
		}
		ls = append(ls, rawExt(layers.IPProtocolUDP, 0), udp(53), payload)
		pt, h := ParsePTypeBytes(serialize(t, ls...))
		if n == 8 {
			require.Equal(t, PTypeL2Ether|PTypeL3IPv6Ext|PTypeL4UDP, pt)
			require.Equal(t, HdrLens{14, uint16(40 + 8*n), 8}, h)
		} else {
			require.Equal(t, PTypeL2Ether|PTypeL3IPv6Ext, pt)
			require.Equal(t, HdrLens{14, 40 + 8*8, 0}, h)
		}
	}
	b = serialize(t, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6Fragment),
		ip6Frag(layers.IPProtocolIPv6Fragment, 0, true), ip6Frag(layers.IPProtocolUDP, 0, true), udp(53))
	pt, h = ParsePTypeBytes(b)
	require.Equal(t, PTypeL2Ether|PTypeL3IPv6Ext|PTypeL4Frag, pt, "two fragment headers")
	require.Equal(t, HdrLens{14, 48, 0}, h)
}

// FuzzParsePType checks the parser's invariants on any input, as a slice with
// no spare capacity, at the end of an mbuf's buffer, and split over two
// segments. The seed corpus is in testdata/fuzz/FuzzParsePType (gopacket-built
// packets and what the fuzzer found from them); the table packets are added too.
func FuzzParsePType(f *testing.F) {
	for _, tc := range ptypeCases(f) {
		f.Add(tc.pkt)
	}
	p, err := NewPktPool(testName("fuzz"), PktPoolConfig{N: 4, DataRoomSize: 128 + 512, Socket: SocketAny})
	require.NoError(f, err)
	f.Cleanup(func() {
		require.Equal(f, 0, p.InUse())
		require.NoError(f, p.Close())
	})
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b):len(b)]
		pt, h := ParsePTypeBytes(b)
		checkParse(t, b, pt, h)
		if len(b) > 512 {
			return
		}
		m := p.Alloc(nil)
		defer m.Free()
		require.NoError(t, m.SetDataOff(m.BufLen()-len(b)))
		require.NoError(t, m.SetLen(len(b)))
		copy(m.Data(), b)
		pt2, h2 := ParsePType(m)
		require.Equal(t, pt, pt2)
		require.Equal(t, h, h2)

		// Split in two segments: the parser gathers the first 256 bytes when
		// the first segment is shorter than that.
		if len(b) < 2 {
			return
		}
		split := int(b[len(b)-1]) % len(b)
		m2 := p.Alloc(nil)
		copy(m2.Append(split), b[:split])
		tail := p.Alloc(nil)
		copy(tail.Append(len(b)-split), b[split:])
		require.NoError(t, m2.Chain(tail))
		defer m2.Free()
		pt3, h3 := ParsePType(m2)
		want, wantH := ParsePTypeBytes(b[:min(len(b), parseWindow)])
		if split >= parseWindow {
			want, wantH = ParsePTypeBytes(b[:split:split])
		}
		require.Equal(t, want, pt3)
		require.Equal(t, wantH, h3)
	})
}

// benchPackets is a mix of common packets.
func benchPackets(tb testing.TB) map[string][]byte {
	return map[string][]byte{
		"IPv4TCP":  serialize(tb, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), tcp(), payload),
		"IPv4UDP":  serialize(tb, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(53), payload),
		"VLANIPv4": serialize(tb, eth(layers.EthernetTypeDot1Q), dot1q(10, layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(53), payload),
		"QinQIPv6": serialize(tb, eth(layers.EthernetTypeQinQ), dot1q(100, layers.EthernetTypeDot1Q), dot1q(10, layers.EthernetTypeIPv6), ipv6(layers.IPProtocolTCP), tcp(), payload),
		"IPv6Ext": serialize(tb, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolIPv6HopByHop),
			rawExt(layers.IPProtocolIPv6Fragment, 0), ip6Frag(layers.IPProtocolTCP, 0, true), tcp(), payload),
	}
}

// BenchmarkParsePType parses one packet per iteration (ns/op is ns per packet).
func BenchmarkParsePType(b *testing.B) {
	p, err := NewPktPool(testName("bench"), PktPoolConfig{N: 64, Socket: SocketAny})
	require.NoError(b, err)
	defer func() { require.NoError(b, p.Close()) }()
	for _, name := range []string{"IPv4TCP", "IPv4UDP", "VLANIPv4", "QinQIPv6", "IPv6Ext"} {
		pkt := benchPackets(b)[name]
		m := p.Alloc(nil)
		copy(m.Append(len(pkt)), pkt)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var sink uint32
			for b.Loop() {
				pt, h := ParsePType(m)
				sink += pt + uint32(h.L4Len)
			}
			if sink == 0 {
				b.Fatal("no packet type")
			}
		})
		m.Free()
	}
}

// BenchmarkParsePTypeBurst parses a burst of 32 mixed packets per iteration and
// reports ns per packet.
func BenchmarkParsePTypeBurst(b *testing.B) {
	p, err := NewPktPool(testName("bench"), PktPoolConfig{N: 64, Socket: SocketAny})
	require.NoError(b, err)
	defer func() { require.NoError(b, p.Close()) }()
	var pkts []([]byte)
	for _, pkt := range benchPackets(b) {
		pkts = append(pkts, pkt)
	}
	ms := make([]*Mbuf, benchBurst)
	require.NoError(b, p.AllocBulk(nil, ms))
	defer FreeBulk(ms)
	for i, m := range ms {
		pkt := pkts[i%len(pkts)]
		copy(m.Append(len(pkt)), pkt)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range ms {
			pt, _ := ParsePType(m)
			m.SetPacketType(pt)
		}
	}
	reportPerObject(b, benchBurst)
}
