package ethdev

import (
	"fmt"
	"strings"
)

// Defaults and limits, as DPDK's.
const (
	MaxPorts          = 32   // RTE_MAX_ETHPORTS
	MaxQueuesPerPort  = 1024 // RTE_MAX_QUEUES_PER_PORT
	QueueStatCounters = 16   // RTE_ETHDEV_QUEUE_STAT_CNTRS
	FallbackRingSize  = 512  // RTE_ETH_DEV_FALLBACK_RX/TX_RINGSIZE
	EtherMTU          = 1500 // RTE_ETHER_MTU
	EtherMinMTU       = 68   // RTE_ETHER_MIN_MTU
	EtherHdrLen       = 14
	EtherCRCLen       = 4
)

// Link speeds in Mb/s (rte_eth_link.link_speed).
const (
	SpeedNone    uint32 = 0
	SpeedUnknown uint32 = 0xffffffff
	Speed10G     uint32 = 10000
)

// Link is the state of a port's link (rte_eth_link).
type Link struct {
	Speed      uint32 // Mb/s, SpeedUnknown if unknown
	FullDuplex bool
	Autoneg    bool
	Up         bool
}

// String formats the link as rte_eth_link_to_str: "Link down" or
// "Link up at 10 Gbps FDX Autoneg".
func (l Link) String() string {
	if !l.Up {
		return "Link down"
	}
	var speed string
	switch {
	case l.Speed == SpeedUnknown:
		speed = "Unknown"
	case l.Speed == SpeedNone:
		speed = "None"
	case l.Speed >= 1000 && l.Speed%1000 == 0:
		speed = fmt.Sprintf("%d Gbps", l.Speed/1000)
	case l.Speed >= 1000:
		speed = fmt.Sprintf("%.1f Gbps", float64(l.Speed)/1000)
	default:
		speed = fmt.Sprintf("%d Mbps", l.Speed)
	}
	duplex := "HDX"
	if l.FullDuplex {
		duplex = "FDX"
	}
	an := "Fixed"
	if l.Autoneg {
		an = "Autoneg"
	}
	return fmt.Sprintf("Link up at %s %s %s", speed, duplex, an)
}

// MAC is an Ethernet address.
type MAC [6]byte

// String formats the address as DPDK prints it: "02:00:00:00:00:01" in upper case.
func (m MAC) String() string {
	return fmt.Sprintf("%02X:%02X:%02X:%02X:%02X:%02X", m[0], m[1], m[2], m[3], m[4], m[5])
}

// ParseMAC parses "xx:xx:xx:xx:xx:xx" (or '-' separated), any case.
func ParseMAC(s string) (MAC, error) {
	var m MAC
	// Split, not FieldsFunc: an empty byte ("02::00...", a trailing ':') is an error.
	parts := strings.Split(strings.ReplaceAll(s, "-", ":"), ":")
	if len(parts) != 6 {
		return m, fmt.Errorf("bad MAC address %q: want 6 hex bytes", s)
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 2 {
			return m, fmt.Errorf("bad MAC address %q: byte %d", s, i)
		}
		var v byte
		for _, c := range []byte(p) {
			var d byte
			switch {
			case c >= '0' && c <= '9':
				d = c - '0'
			case c >= 'a' && c <= 'f':
				d = c - 'a' + 10
			case c >= 'A' && c <= 'F':
				d = c - 'A' + 10
			default:
				return m, fmt.Errorf("bad MAC address %q: byte %d", s, i)
			}
			v = v<<4 | d
		}
		m[i] = v
	}
	return m, nil
}

// DevInfo describes a port's limits and capabilities (rte_eth_dev_info). Zero
// descriptor limits mean "no limit"; zero defaults mean FallbackRingSize.
type DevInfo struct {
	DriverName           string
	IfName               string // kernel interface, for drivers on one
	MaxRxQueues          int
	MaxTxQueues          int
	MinRxDesc, MaxRxDesc int
	MinTxDesc, MaxTxDesc int
	DefaultRxDesc        int
	DefaultTxDesc        int
	MinMTU, MaxMTU       int
	MaxRxPktLen          int
	RxOffloadCapa        uint64
	TxOffloadCapa        uint64
	FlowTypeRSSOffloads  uint64
	RetaSize             int
	HashKeySize          int
	Socket               int // NUMA node of the device (-1 unknown)
}

// Config is the port configuration given to Configure (rte_eth_conf). The zero
// value is DPDK's default: MTU 1500, no RSS, no offloads.
type Config struct {
	MTU        int    // 0 = EtherMTU
	RxOffloads uint64 // RTE_ETH_RX_OFFLOAD_* bits
	TxOffloads uint64
	RSS        *RSSConf // nil = no RSS (RTE_ETH_MQ_RX_NONE)
	LSCIntr    bool     // link state change events wanted
}

// RSSConf is the RSS configuration (rte_eth_rss_conf).
type RSSConf struct {
	Key []byte // nil = driver default
	HF  uint64 // RTE_ETH_RSS_* bits
}

// RxConf is per-RX-queue configuration (rte_eth_rxconf).
type RxConf struct {
	FreeThresh int
	DropEn     bool
	Offloads   uint64
}

// TxConf is per-TX-queue configuration (rte_eth_txconf).
type TxConf struct {
	FreeThresh int
	Offloads   uint64
}
