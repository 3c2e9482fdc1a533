package ethdev

// RX offload bits (Config.RxOffloads, RxConf.Offloads, DevInfo.RxOffloadCapa), with
// DPDK 22.11's values (RTE_ETH_RX_OFFLOAD_*).
const (
	RxOffloadVLANStrip      uint64 = 1 << 0
	RxOffloadIPv4Cksum      uint64 = 1 << 1
	RxOffloadUDPCksum       uint64 = 1 << 2
	RxOffloadTCPCksum       uint64 = 1 << 3
	RxOffloadTCPLRO         uint64 = 1 << 4
	RxOffloadQinQStrip      uint64 = 1 << 5
	RxOffloadOuterIPv4Cksum uint64 = 1 << 6
	RxOffloadVLANFilter     uint64 = 1 << 9
	RxOffloadVLANExtend     uint64 = 1 << 10
	RxOffloadScatter        uint64 = 1 << 13
	RxOffloadTimestamp      uint64 = 1 << 14
	RxOffloadKeepCRC        uint64 = 1 << 16
	RxOffloadSCTPCksum      uint64 = 1 << 17
	RxOffloadOuterUDPCksum  uint64 = 1 << 18
	RxOffloadRSSHash        uint64 = 1 << 19
)

// TX offload bits (Config.TxOffloads, TxConf.Offloads, DevInfo.TxOffloadCapa), with
// DPDK 22.11's values (RTE_ETH_TX_OFFLOAD_*).
const (
	TxOffloadVLANInsert     uint64 = 1 << 0
	TxOffloadIPv4Cksum      uint64 = 1 << 1
	TxOffloadUDPCksum       uint64 = 1 << 2
	TxOffloadTCPCksum       uint64 = 1 << 3
	TxOffloadSCTPCksum      uint64 = 1 << 4
	TxOffloadTCPTSO         uint64 = 1 << 5
	TxOffloadUDPTSO         uint64 = 1 << 6
	TxOffloadOuterIPv4Cksum uint64 = 1 << 7
	TxOffloadQinQInsert     uint64 = 1 << 8
	TxOffloadMTLockfree     uint64 = 1 << 14
	TxOffloadMultiSegs      uint64 = 1 << 15
	TxOffloadMbufFastFree   uint64 = 1 << 16
)
