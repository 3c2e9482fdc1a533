package mempool

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/internal/testutil"
)

// dpdkFlags maps DPDK 22.11's RTE_MBUF_F_* names to our constants, with the
// values from rte_mbuf_core.h written out.
var dpdkFlags = []struct {
	name      string
	got, want uint64
}{
	{"RTE_MBUF_F_RX_VLAN", RxVLAN, 1 << 0},
	{"RTE_MBUF_F_RX_RSS_HASH", RxRSSHash, 1 << 1},
	{"RTE_MBUF_F_RX_FDIR", RxFDIR, 1 << 2},
	{"RTE_MBUF_F_RX_OUTER_IP_CKSUM_BAD", RxOuterIPCksumBad, 1 << 5},
	{"RTE_MBUF_F_RX_VLAN_STRIPPED", RxVLANStripped, 1 << 6},
	{"RTE_MBUF_F_RX_IP_CKSUM_MASK", RxIPCksumMask, 1<<4 | 1<<7},
	{"RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN", RxIPCksumUnknown, 0},
	{"RTE_MBUF_F_RX_IP_CKSUM_BAD", RxIPCksumBad, 1 << 4},
	{"RTE_MBUF_F_RX_IP_CKSUM_GOOD", RxIPCksumGood, 1 << 7},
	{"RTE_MBUF_F_RX_IP_CKSUM_NONE", RxIPCksumNone, 1<<4 | 1<<7},
	{"RTE_MBUF_F_RX_L4_CKSUM_MASK", RxL4CksumMask, 1<<3 | 1<<8},
	{"RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN", RxL4CksumUnknown, 0},
	{"RTE_MBUF_F_RX_L4_CKSUM_BAD", RxL4CksumBad, 1 << 3},
	{"RTE_MBUF_F_RX_L4_CKSUM_GOOD", RxL4CksumGood, 1 << 8},
	{"RTE_MBUF_F_RX_L4_CKSUM_NONE", RxL4CksumNone, 1<<3 | 1<<8},
	{"RTE_MBUF_F_RX_IEEE1588_PTP", RxIEEE1588PTP, 1 << 9},
	{"RTE_MBUF_F_RX_IEEE1588_TMST", RxIEEE1588Tmst, 1 << 10},
	{"RTE_MBUF_F_RX_FDIR_ID", RxFDIRID, 1 << 13},
	{"RTE_MBUF_F_RX_FDIR_FLX", RxFDIRFlx, 1 << 14},
	{"RTE_MBUF_F_RX_QINQ_STRIPPED", RxQinQStripped, 1 << 15},
	{"RTE_MBUF_F_RX_LRO", RxLRO, 1 << 16},
	{"RTE_MBUF_F_RX_SEC_OFFLOAD", RxSecOffload, 1 << 18},
	{"RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED", RxSecOffloadFailed, 1 << 19},
	{"RTE_MBUF_F_RX_QINQ", RxQinQ, 1 << 20},
	{"RTE_MBUF_F_RX_OUTER_L4_CKSUM_MASK", RxOuterL4CksumMask, 1<<21 | 1<<22},
	{"RTE_MBUF_F_RX_OUTER_L4_CKSUM_UNKNOWN", RxOuterL4CksumUnknown, 0},
	{"RTE_MBUF_F_RX_OUTER_L4_CKSUM_BAD", RxOuterL4CksumBad, 1 << 21},
	{"RTE_MBUF_F_RX_OUTER_L4_CKSUM_GOOD", RxOuterL4CksumGood, 1 << 22},
	{"RTE_MBUF_F_RX_OUTER_L4_CKSUM_INVALID", RxOuterL4CksumInvalid, 1<<21 | 1<<22},
	{"RTE_MBUF_F_FIRST_FREE", FlagFirstFree, 1 << 23},
	{"RTE_MBUF_F_LAST_FREE", FlagLastFree, 1 << 40},
	{"RTE_MBUF_F_TX_OUTER_UDP_CKSUM", TxOuterUDPCksum, 1 << 41},
	{"RTE_MBUF_F_TX_UDP_SEG", TxUDPSeg, 1 << 42},
	{"RTE_MBUF_F_TX_SEC_OFFLOAD", TxSecOffload, 1 << 43},
	{"RTE_MBUF_F_TX_MACSEC", TxMACsec, 1 << 44},
	{"RTE_MBUF_F_TX_TUNNEL_VXLAN", TxTunnelVXLAN, 1 << 45},
	{"RTE_MBUF_F_TX_TUNNEL_GRE", TxTunnelGRE, 2 << 45},
	{"RTE_MBUF_F_TX_TUNNEL_IPIP", TxTunnelIPIP, 3 << 45},
	{"RTE_MBUF_F_TX_TUNNEL_GENEVE", TxTunnelGENEVE, 4 << 45},
	{"RTE_MBUF_F_TX_TUNNEL_MPLSINUDP", TxTunnelMPLSInUDP, 5 << 45},
	{"RTE_MBUF_F_TX_TUNNEL_VXLAN_GPE", TxTunnelVXLANGPE, 6 << 45},
	{"RTE_MBUF_F_TX_TUNNEL_GTP", TxTunnelGTP, 7 << 45},
	{"RTE_MBUF_F_TX_TUNNEL_ESP", TxTunnelESP, 8 << 45},
	{"RTE_MBUF_F_TX_TUNNEL_IP", TxTunnelIP, 0xd << 45},
	{"RTE_MBUF_F_TX_TUNNEL_UDP", TxTunnelUDP, 0xe << 45},
	{"RTE_MBUF_F_TX_TUNNEL_MASK", TxTunnelMask, 0xf << 45},
	{"RTE_MBUF_F_TX_QINQ", TxQinQ, 1 << 49},
	{"RTE_MBUF_F_TX_TCP_SEG", TxTCPSeg, 1 << 50},
	{"RTE_MBUF_F_TX_IEEE1588_TMST", TxIEEE1588Tmst, 1 << 51},
	{"RTE_MBUF_F_TX_L4_NO_CKSUM", TxL4NoCksum, 0},
	{"RTE_MBUF_F_TX_TCP_CKSUM", TxTCPCksum, 1 << 52},
	{"RTE_MBUF_F_TX_SCTP_CKSUM", TxSCTPCksum, 2 << 52},
	{"RTE_MBUF_F_TX_UDP_CKSUM", TxUDPCksum, 3 << 52},
	{"RTE_MBUF_F_TX_L4_MASK", TxL4Mask, 3 << 52},
	{"RTE_MBUF_F_TX_IP_CKSUM", TxIPCksum, 1 << 54},
	{"RTE_MBUF_F_TX_IPV4", TxIPv4, 1 << 55},
	{"RTE_MBUF_F_TX_IPV6", TxIPv6, 1 << 56},
	{"RTE_MBUF_F_TX_VLAN", TxVLAN, 1 << 57},
	{"RTE_MBUF_F_TX_OUTER_IP_CKSUM", TxOuterIPCksum, 1 << 58},
	{"RTE_MBUF_F_TX_OUTER_IPV4", TxOuterIPv4, 1 << 59},
	{"RTE_MBUF_F_TX_OUTER_IPV6", TxOuterIPv6, 1 << 60},
	{"RTE_MBUF_F_TX_OFFLOAD_MASK", TxOffloadMask, 0x1ffffe0000000000},
	{"RTE_MBUF_F_EXTERNAL", External, 1 << 61},
	{"RTE_MBUF_F_INDIRECT", Indirect, 1 << 62},
}

// dpdkPTypes maps DPDK 22.11's RTE_PTYPE_* names to our constants, with the
// values from rte_mbuf_ptype.h written out.
var dpdkPTypes = []struct {
	name      string
	got, want uint32
}{
	{"RTE_PTYPE_UNKNOWN", PTypeUnknown, 0},
	{"RTE_PTYPE_L2_ETHER", PTypeL2Ether, 0x1},
	{"RTE_PTYPE_L2_ETHER_TIMESYNC", PTypeL2EtherTimesync, 0x2},
	{"RTE_PTYPE_L2_ETHER_ARP", PTypeL2EtherARP, 0x3},
	{"RTE_PTYPE_L2_ETHER_LLDP", PTypeL2EtherLLDP, 0x4},
	{"RTE_PTYPE_L2_ETHER_NSH", PTypeL2EtherNSH, 0x5},
	{"RTE_PTYPE_L2_ETHER_VLAN", PTypeL2EtherVLAN, 0x6},
	{"RTE_PTYPE_L2_ETHER_QINQ", PTypeL2EtherQinQ, 0x7},
	{"RTE_PTYPE_L2_ETHER_PPPOE", PTypeL2EtherPPPoE, 0x8},
	{"RTE_PTYPE_L2_ETHER_FCOE", PTypeL2EtherFCoE, 0x9},
	{"RTE_PTYPE_L2_ETHER_MPLS", PTypeL2EtherMPLS, 0xa},
	{"RTE_PTYPE_L2_MASK", PTypeL2Mask, 0xf},
	{"RTE_PTYPE_L3_IPV4", PTypeL3IPv4, 0x10},
	{"RTE_PTYPE_L3_IPV4_EXT", PTypeL3IPv4Ext, 0x30},
	{"RTE_PTYPE_L3_IPV6", PTypeL3IPv6, 0x40},
	{"RTE_PTYPE_L3_IPV4_EXT_UNKNOWN", PTypeL3IPv4ExtUnk, 0x90},
	{"RTE_PTYPE_L3_IPV6_EXT", PTypeL3IPv6Ext, 0xc0},
	{"RTE_PTYPE_L3_IPV6_EXT_UNKNOWN", PTypeL3IPv6ExtUnk, 0xe0},
	{"RTE_PTYPE_L3_MASK", PTypeL3Mask, 0xf0},
	{"RTE_PTYPE_L4_TCP", PTypeL4TCP, 0x100},
	{"RTE_PTYPE_L4_UDP", PTypeL4UDP, 0x200},
	{"RTE_PTYPE_L4_FRAG", PTypeL4Frag, 0x300},
	{"RTE_PTYPE_L4_SCTP", PTypeL4SCTP, 0x400},
	{"RTE_PTYPE_L4_ICMP", PTypeL4ICMP, 0x500},
	{"RTE_PTYPE_L4_NONFRAG", PTypeL4NonFrag, 0x600},
	{"RTE_PTYPE_L4_IGMP", PTypeL4IGMP, 0x700},
	{"RTE_PTYPE_L4_MASK", PTypeL4Mask, 0xf00},
	{"RTE_PTYPE_TUNNEL_IP", PTypeTunnelIP, 0x1000},
	{"RTE_PTYPE_TUNNEL_GRE", PTypeTunnelGRE, 0x2000},
	{"RTE_PTYPE_TUNNEL_VXLAN", PTypeTunnelVXLAN, 0x3000},
	{"RTE_PTYPE_TUNNEL_NVGRE", PTypeTunnelNVGRE, 0x4000},
	{"RTE_PTYPE_TUNNEL_GENEVE", PTypeTunnelGENEVE, 0x5000},
	{"RTE_PTYPE_TUNNEL_GRENAT", PTypeTunnelGRENAT, 0x6000},
	{"RTE_PTYPE_TUNNEL_GTPC", PTypeTunnelGTPC, 0x7000},
	{"RTE_PTYPE_TUNNEL_GTPU", PTypeTunnelGTPU, 0x8000},
	{"RTE_PTYPE_TUNNEL_ESP", PTypeTunnelESP, 0x9000},
	{"RTE_PTYPE_TUNNEL_L2TP", PTypeTunnelL2TP, 0xa000},
	{"RTE_PTYPE_TUNNEL_VXLAN_GPE", PTypeTunnelVXLANGPE, 0xb000},
	{"RTE_PTYPE_TUNNEL_MPLS_IN_GRE", PTypeTunnelMPLSInGRE, 0xc000},
	{"RTE_PTYPE_TUNNEL_MPLS_IN_UDP", PTypeTunnelMPLSInUDP, 0xd000},
	{"RTE_PTYPE_TUNNEL_MASK", PTypeTunnelMask, 0xf000},
	{"RTE_PTYPE_INNER_L2_ETHER", PTypeInnerL2Ether, 0x10000},
	{"RTE_PTYPE_INNER_L2_ETHER_VLAN", PTypeInnerL2EtherVLAN, 0x20000},
	{"RTE_PTYPE_INNER_L2_ETHER_QINQ", PTypeInnerL2EtherQinQ, 0x30000},
	{"RTE_PTYPE_INNER_L2_MASK", PTypeInnerL2Mask, 0xf0000},
	{"RTE_PTYPE_INNER_L3_IPV4", PTypeInnerL3IPv4, 0x100000},
	{"RTE_PTYPE_INNER_L3_IPV4_EXT", PTypeInnerL3IPv4Ext, 0x200000},
	{"RTE_PTYPE_INNER_L3_IPV6", PTypeInnerL3IPv6, 0x300000},
	{"RTE_PTYPE_INNER_L3_IPV4_EXT_UNKNOWN", PTypeInnerL3IPv4ExtUnk, 0x400000},
	{"RTE_PTYPE_INNER_L3_IPV6_EXT", PTypeInnerL3IPv6Ext, 0x500000},
	{"RTE_PTYPE_INNER_L3_IPV6_EXT_UNKNOWN", PTypeInnerL3IPv6ExtUnk, 0x600000},
	{"RTE_PTYPE_INNER_L3_MASK", PTypeInnerL3Mask, 0xf00000},
	{"RTE_PTYPE_INNER_L4_TCP", PTypeInnerL4TCP, 0x1000000},
	{"RTE_PTYPE_INNER_L4_UDP", PTypeInnerL4UDP, 0x2000000},
	{"RTE_PTYPE_INNER_L4_FRAG", PTypeInnerL4Frag, 0x3000000},
	{"RTE_PTYPE_INNER_L4_SCTP", PTypeInnerL4SCTP, 0x4000000},
	{"RTE_PTYPE_INNER_L4_ICMP", PTypeInnerL4ICMP, 0x5000000},
	{"RTE_PTYPE_INNER_L4_NONFRAG", PTypeInnerL4NonFrag, 0x6000000},
	{"RTE_PTYPE_INNER_L4_MASK", PTypeInnerL4Mask, 0xf000000},
	{"RTE_PTYPE_ALL_MASK", PTypeAllMask, 0xfffffff},
}

func TestFlagValues(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range dpdkFlags {
		require.Equal(t, f.want, f.got, f.name)
		require.False(t, seen[f.name], f.name)
		seen[f.name] = true
	}
	for _, f := range dpdkPTypes {
		require.Equal(t, f.want, f.got, f.name)
		require.False(t, seen[f.name], f.name)
		seen[f.name] = true
		// Every value has DPDK's name, field by field.
		field := strings.TrimPrefix(f.name, "RTE_PTYPE_")
		if f.want == 0 || strings.HasSuffix(field, "MASK") {
			continue
		}
		require.Equal(t, field, PTypeString(f.want), f.name)
	}
}

// TestFlagValuesMatchDPDKHeaders compares the tables above with the DPDK 22.11
// headers installed by Debian's libdpdk-dev (a dependency of dpdk-dev, which the
// test script installs): every RTE_MBUF_F_* and RTE_PTYPE_* they define is in a
// table, with the same value.
func TestFlagValuesMatchDPDKHeaders(t *testing.T) {
	const dir = "/usr/include/dpdk"
	core, err1 := os.ReadFile(dir + "/rte_mbuf_core.h")
	ptype, err2 := os.ReadFile(dir + "/rte_mbuf_ptype.h")
	if err1 != nil || err2 != nil {
		if os.Getenv(testutil.StrictEnv) != "" {
			t.Fatalf("DPDK headers missing under %s (install libdpdk-dev): %v %v", dir, err1, err2)
		}
		t.Skipf("skipped: DPDK headers missing under %s (install libdpdk-dev)", dir)
	}
	defs, bad := cDefines(t, string(core)+"\n"+string(ptype))
	require.Empty(t, bad, "defines the test could not evaluate")
	ours := map[string]uint64{}
	for _, f := range dpdkFlags {
		ours[f.name] = f.want
	}
	for _, f := range dpdkPTypes {
		ours[f.name] = uint64(f.want)
	}
	n := 0
	for name, v := range defs {
		if !strings.HasPrefix(name, "RTE_MBUF_F_") && !strings.HasPrefix(name, "RTE_PTYPE_") {
			continue
		}
		want, ok := ours[name]
		require.True(t, ok, "%s (= %#x) is not in our tables", name, v)
		require.Equal(t, want, v, name)
		n++
	}
	for name := range ours {
		_, ok := defs[name]
		require.True(t, ok, "%s is not in the headers", name)
	}
	require.Equal(t, len(ours), n)
}

// cDefines evaluates the numeric #defines of a C header: literals, shifts, ORs,
// parentheses and earlier names.
func cDefines(t *testing.T, src string) (map[string]uint64, []string) {
	src = strings.ReplaceAll(src, "\\\n", " ")
	re := regexp.MustCompile(`(?m)^#define\s+(RTE_\w+)\s+(.+)$`)
	tok := regexp.MustCompile(`0x[0-9a-fA-F]+|\d+|<<|[()|]|\w+`)
	defs := map[string]uint64{}
	var bad []string
	for _, m := range re.FindAllStringSubmatch(src, -1) {
		body := m[2]
		if i := strings.Index(body, "/*"); i >= 0 {
			body = body[:i]
		}
		body = regexp.MustCompile(`(0x[0-9a-fA-F]+|\d+)ULL\b`).ReplaceAllString(body, "$1")
		toks := tok.FindAllString(body, -1)
		if len(toks) == 0 {
			continue
		}
		var pos int
		var ok = true
		var expr, term func() uint64
		atom := func() uint64 {
			if pos >= len(toks) {
				ok = false
				return 0
			}
			s := toks[pos]
			pos++
			switch {
			case s == "(":
				v := expr()
				if pos < len(toks) && toks[pos] == ")" {
					pos++
				} else {
					ok = false
				}
				return v
			case s[0] >= '0' && s[0] <= '9':
				v, err := strconv.ParseUint(s, 0, 64)
				if err != nil {
					ok = false
				}
				return v
			}
			v, known := defs[s]
			if !known {
				ok = false
			}
			return v
		}
		term = func() uint64 {
			v := atom()
			for pos < len(toks) && toks[pos] == "<<" {
				pos++
				v <<= atom()
			}
			return v
		}
		expr = func() uint64 {
			v := term()
			for pos < len(toks) && toks[pos] == "|" {
				pos++
				v |= term()
			}
			return v
		}
		v := expr()
		if ok && pos == len(toks) {
			defs[m[1]] = v
		} else if strings.HasPrefix(m[1], "RTE_MBUF_F_") || strings.HasPrefix(m[1], "RTE_PTYPE_") {
			bad = append(bad, m[1]+" "+body)
		}
	}
	require.NotEmpty(t, defs)
	return defs, bad
}

func TestFlagNames(t *testing.T) {
	for _, f := range dpdkFlags {
		rx, tx := RxFlagName(f.want), TxFlagName(f.want)
		switch {
		case strings.HasSuffix(f.name, "_MASK"): // some have the value of a flag (..._CKSUM_NONE, TX_UDP_CKSUM)
		case f.want == 0 || strings.Contains(f.name, "_FREE") ||
			f.name == "RTE_MBUF_F_EXTERNAL" || f.name == "RTE_MBUF_F_INDIRECT":
			require.Empty(t, rx+tx, f.name)
		case strings.HasPrefix(f.name, "RTE_MBUF_F_RX_"):
			require.Equal(t, f.name, rx)
		case strings.HasPrefix(f.name, "RTE_MBUF_F_TX_"):
			require.Equal(t, f.name, tx)
		}
	}
	require.Empty(t, RxFlagName(RxVLAN|RxRSSHash), "one flag at a time")

	require.Equal(t, "RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN RTE_MBUF_F_RX_OUTER_L4_CKSUM_UNKNOWN",
		RxFlagList(0))
	require.Equal(t, "RTE_MBUF_F_RX_VLAN RTE_MBUF_F_RX_L4_CKSUM_NONE RTE_MBUF_F_RX_IP_CKSUM_GOOD RTE_MBUF_F_RX_VLAN_STRIPPED RTE_MBUF_F_RX_OUTER_L4_CKSUM_INVALID",
		RxFlagList(RxVLAN|RxVLANStripped|RxL4CksumNone|RxIPCksumGood|RxOuterL4CksumInvalid|TxVLAN))
	require.Equal(t, "RTE_MBUF_F_TX_L4_NO_CKSUM", TxFlagList(0))
	require.Equal(t, "RTE_MBUF_F_TX_IP_CKSUM RTE_MBUF_F_TX_UDP_CKSUM RTE_MBUF_F_TX_IPV4 RTE_MBUF_F_TX_TUNNEL_VXLAN",
		TxFlagList(TxIPv4|TxIPCksum|TxUDPCksum|TxTunnelVXLAN|RxVLAN))

	require.Empty(t, FlagNames(0))
	require.Equal(t, "RTE_MBUF_F_RX_VLAN RTE_MBUF_F_RX_IP_CKSUM_GOOD RTE_MBUF_F_TX_TCP_CKSUM RTE_MBUF_F_TX_TCP_SEG RTE_MBUF_F_INDIRECT 0x1000000",
		FlagNames(RxVLAN|RxIPCksumGood|TxTCPSeg|TxTCPCksum|Indirect|1<<24))
	require.Equal(t, "RTE_MBUF_F_RX_L4_CKSUM_NONE RTE_MBUF_F_TX_UDP_CKSUM RTE_MBUF_F_EXTERNAL",
		FlagNames(RxL4CksumNone|TxUDPCksum|External))
}

func TestPTypeString(t *testing.T) {
	require.Equal(t, "UNKNOWN", PTypeString(0))
	require.Equal(t, "UNKNOWN", PTypeString(0xf0000000), "bits outside the fields")
	require.Equal(t, "L2_ETHER L3_IPV4 L4_TCP", PTypeString(PTypeL2Ether|PTypeL3IPv4|PTypeL4TCP))
	require.Equal(t, "L2_ETHER_QINQ L3_IPV6_EXT L4_FRAG", PTypeString(PTypeL2EtherQinQ|PTypeL3IPv6Ext|PTypeL4Frag))
	require.Equal(t, "L2_ETHER L3_IPV4 L4_UDP TUNNEL_VXLAN INNER_L2_ETHER INNER_L3_IPV6 INNER_L4_ICMP",
		PTypeString(PTypeL2Ether|PTypeL3IPv4|PTypeL4UDP|PTypeTunnelVXLAN|PTypeInnerL2Ether|PTypeInnerL3IPv6|PTypeInnerL4ICMP))
	require.Equal(t, "L2_UNKNOWN L3_UNKNOWN L4_UNKNOWN TUNNEL_UNKNOWN INNER_L2_UNKNOWN INNER_L3_UNKNOWN INNER_L4_UNKNOWN",
		PTypeString(0x774e82b), "values DPDK does not define")
}
