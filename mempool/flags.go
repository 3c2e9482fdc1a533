package mempool

// Offload flags (Mbuf.OlFlags), with DPDK 22.11's bit positions
// (rte_mbuf_core.h, RTE_MBUF_F_*).
const (
	RxVLAN             uint64 = 1 << 0
	RxRSSHash          uint64 = 1 << 1
	RxFDIR             uint64 = 1 << 2
	RxL4CksumBad       uint64 = 1 << 3
	RxIPCksumBad       uint64 = 1 << 4
	RxOuterIPCksumBad  uint64 = 1 << 5
	RxVLANStripped     uint64 = 1 << 6
	RxIPCksumGood      uint64 = 1 << 7
	RxL4CksumGood      uint64 = 1 << 8
	RxIPCksumNone             = RxIPCksumBad | RxIPCksumGood
	RxL4CksumNone             = RxL4CksumBad | RxL4CksumGood
	RxFDIRID           uint64 = 1 << 13
	RxFDIRFlx          uint64 = 1 << 14
	RxQinQStripped     uint64 = 1 << 15
	RxLRO              uint64 = 1 << 16
	RxQinQ             uint64 = 1 << 20
	RxOuterL4CksumBad  uint64 = 1 << 21
	RxOuterL4CksumGood uint64 = 1 << 22
	TxOuterUDPCksum    uint64 = 1 << 41
	TxUDPSeg           uint64 = 1 << 42
	TxTunnelVXLAN      uint64 = 1 << 45
	TxTunnelGRE        uint64 = 2 << 45
	TxTunnelIPIP       uint64 = 3 << 45
	TxTunnelGENEVE     uint64 = 4 << 45
	TxTunnelMask       uint64 = 0xf << 45
	TxQinQ             uint64 = 1 << 49
	TxTCPSeg           uint64 = 1 << 50
	TxIEEE1588Tmst     uint64 = 1 << 51
	TxL4NoCksum        uint64 = 0 << 52
	TxTCPCksum         uint64 = 1 << 52
	TxSCTPCksum        uint64 = 2 << 52
	TxUDPCksum         uint64 = 3 << 52
	TxL4Mask           uint64 = 3 << 52
	TxIPCksum          uint64 = 1 << 54
	TxIPv4             uint64 = 1 << 55
	TxIPv6             uint64 = 1 << 56
	TxVLAN             uint64 = 1 << 57
	TxOuterIPCksum     uint64 = 1 << 58
	TxOuterIPv4        uint64 = 1 << 59
	TxOuterIPv6        uint64 = 1 << 60
	External           uint64 = 1 << 61
	Indirect           uint64 = 1 << 62
)

// Packet types (Mbuf.PacketType), DPDK's RTE_PTYPE_* values.
const (
	PTypeUnknown      uint32 = 0
	PTypeL2Ether      uint32 = 0x1
	PTypeL2EtherARP   uint32 = 0x3
	PTypeL2EtherLLDP  uint32 = 0x4
	PTypeL2EtherVLAN  uint32 = 0x6
	PTypeL2EtherQinQ  uint32 = 0x7
	PTypeL2Mask       uint32 = 0xf
	PTypeL3IPv4       uint32 = 0x10
	PTypeL3IPv4Ext    uint32 = 0x30
	PTypeL3IPv6       uint32 = 0x40
	PTypeL3IPv4ExtUnk uint32 = 0x90
	PTypeL3IPv6Ext    uint32 = 0xc0
	PTypeL3IPv6ExtUnk uint32 = 0xe0
	PTypeL3Mask       uint32 = 0xf0
	PTypeL4TCP        uint32 = 0x100
	PTypeL4UDP        uint32 = 0x200
	PTypeL4Frag       uint32 = 0x300
	PTypeL4SCTP       uint32 = 0x400
	PTypeL4ICMP       uint32 = 0x500
	PTypeL4NonFrag    uint32 = 0x600
	PTypeL4IGMP       uint32 = 0x700
	PTypeL4Mask       uint32 = 0xf00
)
