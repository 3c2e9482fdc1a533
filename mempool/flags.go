package mempool

import (
	"strconv"
	"strings"
)

// Offload flags (Mbuf.OlFlags), with DPDK 22.11's bit positions
// (rte_mbuf_core.h, RTE_MBUF_F_*). The Go name drops the RTE_MBUF_F_ prefix:
// RxVLAN is RTE_MBUF_F_RX_VLAN, TxTunnelVXLAN is RTE_MBUF_F_TX_TUNNEL_VXLAN.
// RxFlagName, TxFlagName and FlagNames give DPDK's names back.
//
// Some RX fields are two bits wide and have four values: the IP and L4 checksum
// status (Unknown = neither bit, Bad, Good, None = both) and the outer L4
// checksum (Unknown, Bad, Good, Invalid). Compare them under their mask:
// flags&RxL4CksumMask == RxL4CksumGood.
const (
	// RX flags.
	RxVLAN             uint64 = 1 << 0 // vlan_tci is valid
	RxRSSHash          uint64 = 1 << 1 // RSS hash is valid
	RxFDIR             uint64 = 1 << 2 // flow director match
	RxL4CksumBad       uint64 = 1 << 3
	RxIPCksumBad       uint64 = 1 << 4
	RxOuterIPCksumBad  uint64 = 1 << 5
	RxVLANStripped     uint64 = 1 << 6 // the VLAN tag was removed from the data
	RxIPCksumGood      uint64 = 1 << 7
	RxL4CksumGood      uint64 = 1 << 8
	RxIEEE1588PTP      uint64 = 1 << 9  // IEEE 1588 PTP Ethernet frame
	RxIEEE1588Tmst     uint64 = 1 << 10 // IEEE 1588 timestamped packet
	RxFDIRID           uint64 = 1 << 13 // flow director id reported
	RxFDIRFlx          uint64 = 1 << 14 // flow director flexible bytes reported
	RxQinQStripped     uint64 = 1 << 15 // the outer VLAN tag was removed (vlan_tci_outer valid)
	RxLRO              uint64 = 1 << 16 // coalesced packet; tso_segsz is valid
	RxSecOffload       uint64 = 1 << 18 // security offload processed
	RxSecOffloadFailed uint64 = 1 << 19 // security offload failed
	RxQinQ             uint64 = 1 << 20 // vlan_tci and vlan_tci_outer are valid

	RxIPCksumMask    = RxIPCksumBad | RxIPCksumGood
	RxIPCksumUnknown = uint64(0)
	RxIPCksumNone    = RxIPCksumBad | RxIPCksumGood // checksum not checked but data is valid
	RxL4CksumMask    = RxL4CksumBad | RxL4CksumGood
	RxL4CksumUnknown = uint64(0)
	RxL4CksumNone    = RxL4CksumBad | RxL4CksumGood

	RxOuterL4CksumBad     uint64 = 1 << 21
	RxOuterL4CksumGood    uint64 = 1 << 22
	RxOuterL4CksumMask           = RxOuterL4CksumBad | RxOuterL4CksumGood
	RxOuterL4CksumUnknown        = uint64(0)
	RxOuterL4CksumInvalid        = RxOuterL4CksumBad | RxOuterL4CksumGood

	// Bits FlagFirstFree..FlagLastFree are left to dynamic flags
	// (RTE_MBUF_F_FIRST_FREE / LAST_FREE).
	FlagFirstFree uint64 = 1 << 23
	FlagLastFree  uint64 = 1 << 40

	// TX flags.
	TxOuterUDPCksum uint64 = 1 << 41 // outer UDP checksum offload
	TxUDPSeg        uint64 = 1 << 42 // UDP fragmentation offload (USO)
	TxSecOffload    uint64 = 1 << 43 // security offload
	TxMACsec        uint64 = 1 << 44 // MACsec offload

	// Tunnel type for TX offloads on tunnelled packets (a 4-bit field at 45).
	TxTunnelVXLAN     uint64 = 0x1 << 45
	TxTunnelGRE       uint64 = 0x2 << 45
	TxTunnelIPIP      uint64 = 0x3 << 45
	TxTunnelGENEVE    uint64 = 0x4 << 45
	TxTunnelMPLSInUDP uint64 = 0x5 << 45
	TxTunnelVXLANGPE  uint64 = 0x6 << 45
	TxTunnelGTP       uint64 = 0x7 << 45
	TxTunnelESP       uint64 = 0x8 << 45
	TxTunnelIP        uint64 = 0xd << 45 // generic IP-encapsulated tunnel
	TxTunnelUDP       uint64 = 0xe << 45 // generic UDP-encapsulated tunnel
	TxTunnelMask      uint64 = 0xf << 45

	TxQinQ         uint64 = 1 << 49 // insert vlan_tci_outer and vlan_tci
	TxTCPSeg       uint64 = 1 << 50 // TSO: needs l2/l3/l4_len and tso_segsz
	TxIEEE1588Tmst uint64 = 1 << 51 // timestamp the packet

	// L4 checksum offload (a 2-bit field at 52).
	TxL4NoCksum uint64 = 0 << 52
	TxTCPCksum  uint64 = 1 << 52
	TxSCTPCksum uint64 = 2 << 52
	TxUDPCksum  uint64 = 3 << 52
	TxL4Mask    uint64 = 3 << 52

	TxIPCksum      uint64 = 1 << 54 // compute the IPv4 header checksum
	TxIPv4         uint64 = 1 << 55
	TxIPv6         uint64 = 1 << 56
	TxVLAN         uint64 = 1 << 57 // insert vlan_tci
	TxOuterIPCksum uint64 = 1 << 58
	TxOuterIPv4    uint64 = 1 << 59
	TxOuterIPv6    uint64 = 1 << 60

	// TxOffloadMask is every TX offload flag (RTE_MBUF_F_TX_OFFLOAD_MASK).
	TxOffloadMask = TxOuterIPv6 | TxOuterIPv4 | TxOuterIPCksum | TxVLAN | TxIPv6 | TxIPv4 |
		TxIPCksum | TxL4Mask | TxIEEE1588Tmst | TxTCPSeg | TxQinQ | TxTunnelMask | TxMACsec |
		TxSecOffload | TxUDPSeg | TxOuterUDPCksum

	// External: the mbuf's buffer is an external one (AttachExtBuf); the
	// header's ext word is the id of its ExtSharedInfo.
	External uint64 = 1 << 61
	// Indirect: the mbuf uses another (direct) mbuf's buffer (Attach, Clone);
	// the header's ext word is the direct mbuf's address.
	Indirect uint64 = 1 << 62
)

// Packet types (Mbuf.PacketType), DPDK 22.11's RTE_PTYPE_* values
// (rte_mbuf_ptype.h). A packet type is seven 4-bit fields: L2, L3, L4, tunnel,
// and inner L2, L3 and L4; each is compared under its mask
// (pt&PTypeL4Mask == PTypeL4TCP). 0 in a field means unknown. PTypeString gives
// DPDK's names back.
const (
	PTypeUnknown uint32 = 0

	PTypeL2Ether         uint32 = 0x1 // Ethernet (EtherType IPv4/IPv6 or other)
	PTypeL2EtherTimesync uint32 = 0x2 // EtherType 0x88f7 (IEEE 1588)
	PTypeL2EtherARP      uint32 = 0x3 // EtherType 0x0806
	PTypeL2EtherLLDP     uint32 = 0x4 // EtherType 0x88cc
	PTypeL2EtherNSH      uint32 = 0x5 // EtherType 0x894f
	PTypeL2EtherVLAN     uint32 = 0x6 // one VLAN tag
	PTypeL2EtherQinQ     uint32 = 0x7 // two VLAN tags
	PTypeL2EtherPPPoE    uint32 = 0x8 // EtherType 0x8863/0x8864
	PTypeL2EtherFCoE     uint32 = 0x9 // EtherType 0x8906
	PTypeL2EtherMPLS     uint32 = 0xa // EtherType 0x8847/0x8848
	PTypeL2Mask          uint32 = 0xf

	PTypeL3IPv4       uint32 = 0x10 // IPv4 without options
	PTypeL3IPv4Ext    uint32 = 0x30 // IPv4 with options
	PTypeL3IPv6       uint32 = 0x40 // IPv6 without extension headers
	PTypeL3IPv4ExtUnk uint32 = 0x90 // IPv4, options not known
	PTypeL3IPv6Ext    uint32 = 0xc0 // IPv6 with extension headers
	PTypeL3IPv6ExtUnk uint32 = 0xe0 // IPv6, extension headers not known
	PTypeL3Mask       uint32 = 0xf0

	PTypeL4TCP     uint32 = 0x100
	PTypeL4UDP     uint32 = 0x200
	PTypeL4Frag    uint32 = 0x300 // an IP fragment
	PTypeL4SCTP    uint32 = 0x400
	PTypeL4ICMP    uint32 = 0x500 // ICMP, or ICMPv6 over IPv6
	PTypeL4NonFrag uint32 = 0x600 // not a fragment, L4 none of the others
	PTypeL4IGMP    uint32 = 0x700
	PTypeL4Mask    uint32 = 0xf00

	PTypeTunnelIP        uint32 = 0x1000
	PTypeTunnelGRE       uint32 = 0x2000
	PTypeTunnelVXLAN     uint32 = 0x3000
	PTypeTunnelNVGRE     uint32 = 0x4000
	PTypeTunnelGENEVE    uint32 = 0x5000
	PTypeTunnelGRENAT    uint32 = 0x6000
	PTypeTunnelGTPC      uint32 = 0x7000
	PTypeTunnelGTPU      uint32 = 0x8000
	PTypeTunnelESP       uint32 = 0x9000
	PTypeTunnelL2TP      uint32 = 0xa000
	PTypeTunnelVXLANGPE  uint32 = 0xb000
	PTypeTunnelMPLSInGRE uint32 = 0xc000
	PTypeTunnelMPLSInUDP uint32 = 0xd000
	PTypeTunnelMask      uint32 = 0xf000

	PTypeInnerL2Ether     uint32 = 0x10000
	PTypeInnerL2EtherVLAN uint32 = 0x20000
	PTypeInnerL2EtherQinQ uint32 = 0x30000
	PTypeInnerL2Mask      uint32 = 0xf0000

	PTypeInnerL3IPv4       uint32 = 0x100000
	PTypeInnerL3IPv4Ext    uint32 = 0x200000
	PTypeInnerL3IPv6       uint32 = 0x300000
	PTypeInnerL3IPv4ExtUnk uint32 = 0x400000
	PTypeInnerL3IPv6Ext    uint32 = 0x500000
	PTypeInnerL3IPv6ExtUnk uint32 = 0x600000
	PTypeInnerL3Mask       uint32 = 0xf00000

	PTypeInnerL4TCP     uint32 = 0x1000000
	PTypeInnerL4UDP     uint32 = 0x2000000
	PTypeInnerL4Frag    uint32 = 0x3000000
	PTypeInnerL4SCTP    uint32 = 0x4000000
	PTypeInnerL4ICMP    uint32 = 0x5000000
	PTypeInnerL4NonFrag uint32 = 0x6000000
	PTypeInnerL4Mask    uint32 = 0xf000000

	PTypeAllMask uint32 = 0xfffffff
)

// flagName pairs a flag value with the mask of its field and DPDK's name.
type flagName struct {
	flag, mask uint64
	name       string
}

// rxFlagNames is rte_get_rx_ol_flag_list's table, in its order. The entries
// whose value is 0 (UNKNOWN) only appear in lists, never as a single flag's name.
var rxFlagNames = [...]flagName{
	{RxVLAN, RxVLAN, "RTE_MBUF_F_RX_VLAN"},
	{RxRSSHash, RxRSSHash, "RTE_MBUF_F_RX_RSS_HASH"},
	{RxFDIR, RxFDIR, "RTE_MBUF_F_RX_FDIR"},
	{RxL4CksumBad, RxL4CksumMask, "RTE_MBUF_F_RX_L4_CKSUM_BAD"},
	{RxL4CksumGood, RxL4CksumMask, "RTE_MBUF_F_RX_L4_CKSUM_GOOD"},
	{RxL4CksumNone, RxL4CksumMask, "RTE_MBUF_F_RX_L4_CKSUM_NONE"},
	{RxL4CksumUnknown, RxL4CksumMask, "RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN"},
	{RxIPCksumBad, RxIPCksumMask, "RTE_MBUF_F_RX_IP_CKSUM_BAD"},
	{RxIPCksumGood, RxIPCksumMask, "RTE_MBUF_F_RX_IP_CKSUM_GOOD"},
	{RxIPCksumNone, RxIPCksumMask, "RTE_MBUF_F_RX_IP_CKSUM_NONE"},
	{RxIPCksumUnknown, RxIPCksumMask, "RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN"},
	{RxOuterIPCksumBad, RxOuterIPCksumBad, "RTE_MBUF_F_RX_OUTER_IP_CKSUM_BAD"},
	{RxVLANStripped, RxVLANStripped, "RTE_MBUF_F_RX_VLAN_STRIPPED"},
	{RxIEEE1588PTP, RxIEEE1588PTP, "RTE_MBUF_F_RX_IEEE1588_PTP"},
	{RxIEEE1588Tmst, RxIEEE1588Tmst, "RTE_MBUF_F_RX_IEEE1588_TMST"},
	{RxFDIRID, RxFDIRID, "RTE_MBUF_F_RX_FDIR_ID"},
	{RxFDIRFlx, RxFDIRFlx, "RTE_MBUF_F_RX_FDIR_FLX"},
	{RxQinQStripped, RxQinQStripped, "RTE_MBUF_F_RX_QINQ_STRIPPED"},
	{RxLRO, RxLRO, "RTE_MBUF_F_RX_LRO"},
	{RxSecOffload, RxSecOffload, "RTE_MBUF_F_RX_SEC_OFFLOAD"},
	{RxSecOffloadFailed, RxSecOffloadFailed, "RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED"},
	{RxQinQ, RxQinQ, "RTE_MBUF_F_RX_QINQ"},
	{RxOuterL4CksumBad, RxOuterL4CksumMask, "RTE_MBUF_F_RX_OUTER_L4_CKSUM_BAD"},
	{RxOuterL4CksumGood, RxOuterL4CksumMask, "RTE_MBUF_F_RX_OUTER_L4_CKSUM_GOOD"},
	{RxOuterL4CksumInvalid, RxOuterL4CksumMask, "RTE_MBUF_F_RX_OUTER_L4_CKSUM_INVALID"},
	{RxOuterL4CksumUnknown, RxOuterL4CksumMask, "RTE_MBUF_F_RX_OUTER_L4_CKSUM_UNKNOWN"},
}

// txFlagNames is rte_get_tx_ol_flag_list's table, in its order (plus the ESP
// tunnel type, which DPDK 22.11 defines but does not name).
var txFlagNames = [...]flagName{
	{TxVLAN, TxVLAN, "RTE_MBUF_F_TX_VLAN"},
	{TxIPCksum, TxIPCksum, "RTE_MBUF_F_TX_IP_CKSUM"},
	{TxTCPCksum, TxL4Mask, "RTE_MBUF_F_TX_TCP_CKSUM"},
	{TxSCTPCksum, TxL4Mask, "RTE_MBUF_F_TX_SCTP_CKSUM"},
	{TxUDPCksum, TxL4Mask, "RTE_MBUF_F_TX_UDP_CKSUM"},
	{TxL4NoCksum, TxL4Mask, "RTE_MBUF_F_TX_L4_NO_CKSUM"},
	{TxIEEE1588Tmst, TxIEEE1588Tmst, "RTE_MBUF_F_TX_IEEE1588_TMST"},
	{TxTCPSeg, TxTCPSeg, "RTE_MBUF_F_TX_TCP_SEG"},
	{TxIPv4, TxIPv4, "RTE_MBUF_F_TX_IPV4"},
	{TxIPv6, TxIPv6, "RTE_MBUF_F_TX_IPV6"},
	{TxOuterIPCksum, TxOuterIPCksum, "RTE_MBUF_F_TX_OUTER_IP_CKSUM"},
	{TxOuterIPv4, TxOuterIPv4, "RTE_MBUF_F_TX_OUTER_IPV4"},
	{TxOuterIPv6, TxOuterIPv6, "RTE_MBUF_F_TX_OUTER_IPV6"},
	{TxTunnelVXLAN, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_VXLAN"},
	{TxTunnelGTP, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_GTP"},
	{TxTunnelGRE, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_GRE"},
	{TxTunnelIPIP, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_IPIP"},
	{TxTunnelGENEVE, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_GENEVE"},
	{TxTunnelMPLSInUDP, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_MPLSINUDP"},
	{TxTunnelVXLANGPE, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_VXLAN_GPE"},
	{TxTunnelESP, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_ESP"},
	{TxTunnelIP, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_IP"},
	{TxTunnelUDP, TxTunnelMask, "RTE_MBUF_F_TX_TUNNEL_UDP"},
	{TxQinQ, TxQinQ, "RTE_MBUF_F_TX_QINQ"},
	{TxMACsec, TxMACsec, "RTE_MBUF_F_TX_MACSEC"},
	{TxSecOffload, TxSecOffload, "RTE_MBUF_F_TX_SEC_OFFLOAD"},
	{TxUDPSeg, TxUDPSeg, "RTE_MBUF_F_TX_UDP_SEG"},
	{TxOuterUDPCksum, TxOuterUDPCksum, "RTE_MBUF_F_TX_OUTER_UDP_CKSUM"},
}

func singleFlagName(table []flagName, flag uint64) string {
	if flag == 0 {
		return ""
	}
	for _, f := range table {
		if f.flag == flag {
			return f.name
		}
	}
	return ""
}

// RxFlagName is DPDK's name of one RX flag value (rte_get_rx_ol_flag_name):
// RxVLAN gives "RTE_MBUF_F_RX_VLAN", RxL4CksumNone "RTE_MBUF_F_RX_L4_CKSUM_NONE".
// It returns "" for anything else, including 0 and combinations.
func RxFlagName(flag uint64) string { return singleFlagName(rxFlagNames[:], flag) }

// TxFlagName is DPDK's name of one TX flag value (rte_get_tx_ol_flag_name), ""
// for anything else. TxL4NoCksum is 0 and has no name here.
func TxFlagName(flag uint64) string { return singleFlagName(txFlagNames[:], flag) }

func flagList(table []flagName, flags uint64) string {
	var b strings.Builder
	for _, f := range table {
		if flags&f.mask != f.flag {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.name)
	}
	return b.String()
}

// RxFlagList lists the RX flags of flags, space-separated, as
// rte_get_rx_ol_flag_list does: every one-bit flag that is set, and the value
// of every multi-bit field, UNKNOWN included (so 0 lists the three UNKNOWNs).
func RxFlagList(flags uint64) string { return flagList(rxFlagNames[:], flags) }

// TxFlagList lists the TX flags of flags as rte_get_tx_ol_flag_list does (the
// L4 checksum field always appears, as RTE_MBUF_F_TX_L4_NO_CKSUM when 0).
func TxFlagList(flags uint64) string { return flagList(txFlagNames[:], flags) }

// FlagNames names every flag set in flags, space-separated, with DPDK's names:
// RX flags, then TX flags, then RTE_MBUF_F_EXTERNAL and RTE_MBUF_F_INDIRECT,
// then each remaining bit (a dynamic flag) as "0x...". Unlike RxFlagList and
// TxFlagList it leaves out the fields whose value is 0 (UNKNOWN, NO_CKSUM), so
// FlagNames(0) is "".
func FlagNames(flags uint64) string {
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	rest := flags
	for _, t := range [][]flagName{rxFlagNames[:], txFlagNames[:]} {
		for _, f := range t {
			if f.flag != 0 && flags&f.mask == f.flag {
				add(f.name)
				rest &^= f.mask
			}
		}
	}
	if flags&External != 0 {
		add("RTE_MBUF_F_EXTERNAL")
		rest &^= External
	}
	if flags&Indirect != 0 {
		add("RTE_MBUF_F_INDIRECT")
		rest &^= Indirect
	}
	for bit := uint64(1); rest != 0; bit <<= 1 {
		if rest&bit != 0 {
			add("0x" + strconv.FormatUint(bit, 16))
			rest &^= bit
		}
	}
	return b.String()
}

// PTypeL2Name is DPDK's name of the L2 field of ptype (rte_get_ptype_l2_name),
// "L2_UNKNOWN" when it has none. The other PType*Name functions do the same for
// their field.
func PTypeL2Name(ptype uint32) string {
	switch ptype & PTypeL2Mask {
	case PTypeL2Ether:
		return "L2_ETHER"
	case PTypeL2EtherTimesync:
		return "L2_ETHER_TIMESYNC"
	case PTypeL2EtherARP:
		return "L2_ETHER_ARP"
	case PTypeL2EtherLLDP:
		return "L2_ETHER_LLDP"
	case PTypeL2EtherNSH:
		return "L2_ETHER_NSH"
	case PTypeL2EtherVLAN:
		return "L2_ETHER_VLAN"
	case PTypeL2EtherQinQ:
		return "L2_ETHER_QINQ"
	case PTypeL2EtherPPPoE:
		return "L2_ETHER_PPPOE"
	case PTypeL2EtherFCoE:
		return "L2_ETHER_FCOE"
	case PTypeL2EtherMPLS:
		return "L2_ETHER_MPLS"
	}
	return "L2_UNKNOWN"
}

// PTypeL3Name is rte_get_ptype_l3_name.
func PTypeL3Name(ptype uint32) string {
	switch ptype & PTypeL3Mask {
	case PTypeL3IPv4:
		return "L3_IPV4"
	case PTypeL3IPv4Ext:
		return "L3_IPV4_EXT"
	case PTypeL3IPv6:
		return "L3_IPV6"
	case PTypeL3IPv4ExtUnk:
		return "L3_IPV4_EXT_UNKNOWN"
	case PTypeL3IPv6Ext:
		return "L3_IPV6_EXT"
	case PTypeL3IPv6ExtUnk:
		return "L3_IPV6_EXT_UNKNOWN"
	}
	return "L3_UNKNOWN"
}

// PTypeL4Name is rte_get_ptype_l4_name.
func PTypeL4Name(ptype uint32) string {
	switch ptype & PTypeL4Mask {
	case PTypeL4TCP:
		return "L4_TCP"
	case PTypeL4UDP:
		return "L4_UDP"
	case PTypeL4Frag:
		return "L4_FRAG"
	case PTypeL4SCTP:
		return "L4_SCTP"
	case PTypeL4ICMP:
		return "L4_ICMP"
	case PTypeL4NonFrag:
		return "L4_NONFRAG"
	case PTypeL4IGMP:
		return "L4_IGMP"
	}
	return "L4_UNKNOWN"
}

// PTypeTunnelName is rte_get_ptype_tunnel_name.
func PTypeTunnelName(ptype uint32) string {
	switch ptype & PTypeTunnelMask {
	case PTypeTunnelIP:
		return "TUNNEL_IP"
	case PTypeTunnelGRE:
		return "TUNNEL_GRE"
	case PTypeTunnelVXLAN:
		return "TUNNEL_VXLAN"
	case PTypeTunnelNVGRE:
		return "TUNNEL_NVGRE"
	case PTypeTunnelGENEVE:
		return "TUNNEL_GENEVE"
	case PTypeTunnelGRENAT:
		return "TUNNEL_GRENAT"
	case PTypeTunnelGTPC:
		return "TUNNEL_GTPC"
	case PTypeTunnelGTPU:
		return "TUNNEL_GTPU"
	case PTypeTunnelESP:
		return "TUNNEL_ESP"
	case PTypeTunnelL2TP:
		return "TUNNEL_L2TP"
	case PTypeTunnelVXLANGPE:
		return "TUNNEL_VXLAN_GPE"
	case PTypeTunnelMPLSInGRE:
		return "TUNNEL_MPLS_IN_GRE"
	case PTypeTunnelMPLSInUDP:
		return "TUNNEL_MPLS_IN_UDP"
	}
	return "TUNNEL_UNKNOWN"
}

// PTypeInnerL2Name is rte_get_ptype_inner_l2_name.
func PTypeInnerL2Name(ptype uint32) string {
	switch ptype & PTypeInnerL2Mask {
	case PTypeInnerL2Ether:
		return "INNER_L2_ETHER"
	case PTypeInnerL2EtherVLAN:
		return "INNER_L2_ETHER_VLAN"
	case PTypeInnerL2EtherQinQ:
		return "INNER_L2_ETHER_QINQ"
	}
	return "INNER_L2_UNKNOWN"
}

// PTypeInnerL3Name is rte_get_ptype_inner_l3_name.
func PTypeInnerL3Name(ptype uint32) string {
	switch ptype & PTypeInnerL3Mask {
	case PTypeInnerL3IPv4:
		return "INNER_L3_IPV4"
	case PTypeInnerL3IPv4Ext:
		return "INNER_L3_IPV4_EXT"
	case PTypeInnerL3IPv6:
		return "INNER_L3_IPV6"
	case PTypeInnerL3IPv4ExtUnk:
		return "INNER_L3_IPV4_EXT_UNKNOWN"
	case PTypeInnerL3IPv6Ext:
		return "INNER_L3_IPV6_EXT"
	case PTypeInnerL3IPv6ExtUnk:
		return "INNER_L3_IPV6_EXT_UNKNOWN"
	}
	return "INNER_L3_UNKNOWN"
}

// PTypeInnerL4Name is rte_get_ptype_inner_l4_name.
func PTypeInnerL4Name(ptype uint32) string {
	switch ptype & PTypeInnerL4Mask {
	case PTypeInnerL4TCP:
		return "INNER_L4_TCP"
	case PTypeInnerL4UDP:
		return "INNER_L4_UDP"
	case PTypeInnerL4Frag:
		return "INNER_L4_FRAG"
	case PTypeInnerL4SCTP:
		return "INNER_L4_SCTP"
	case PTypeInnerL4ICMP:
		return "INNER_L4_ICMP"
	case PTypeInnerL4NonFrag:
		return "INNER_L4_NONFRAG"
	}
	return "INNER_L4_UNKNOWN"
}

// PTypeString names a packet type as rte_get_ptype_name does: the name of each
// non-zero field, space-separated ("L2_ETHER L3_IPV4 L4_TCP"), or "UNKNOWN"
// when every field is 0. A field with a value DPDK does not define shows as its
// *_UNKNOWN name.
func PTypeString(ptype uint32) string {
	if ptype&PTypeAllMask == 0 {
		return "UNKNOWN"
	}
	var b strings.Builder
	fields := [...]struct {
		mask uint32
		name func(uint32) string
	}{
		{PTypeL2Mask, PTypeL2Name},
		{PTypeL3Mask, PTypeL3Name},
		{PTypeL4Mask, PTypeL4Name},
		{PTypeTunnelMask, PTypeTunnelName},
		{PTypeInnerL2Mask, PTypeInnerL2Name},
		{PTypeInnerL3Mask, PTypeInnerL3Name},
		{PTypeInnerL4Mask, PTypeInnerL4Name},
	}
	for _, f := range fields {
		if ptype&f.mask == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.name(ptype))
	}
	return b.String()
}
