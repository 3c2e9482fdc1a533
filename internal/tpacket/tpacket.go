// Package tpacket describes the memory-mapped rings of Linux packet sockets
// (PACKET_MMAP): the constants, the TPACKET_V2 and TPACKET_V3 header layouts and
// the ring geometry rules, as the kernel's uapi <linux/if_packet.h> defines them.
//
// The rings are shared with the kernel. Every status word (tp_status of a frame,
// block_status of a V3 block) changes hands between the two sides, so it is only
// ever read with an atomic load (acquire) and written with an atomic store
// (release): the Status and SetStatus methods. The other header fields are plain:
// the side that owns a frame or block (as its status says) reads and writes them,
// and the status store publishes them.
//
// The types mirror the C structs field for field; compile-time assertions check
// their sizes and the offsets the kernel uses. View them over a mapping with
// BlockAt, Hdr3At and Hdr2At, which check bounds.
package tpacket

// Versions (PACKET_VERSION values).
const (
	V1 = 0 // TPACKET_V1
	V2 = 1 // TPACKET_V2
	V3 = 2 // TPACKET_V3
)

// Layout constants.
const (
	Alignment      = 16 // TPACKET_ALIGNMENT
	SockaddrLLSize = 20 // sizeof(struct sockaddr_ll)

	Hdr2Size = 32 // sizeof(struct tpacket2_hdr)
	Hdr2Len  = 52 // TPACKET2_HDRLEN = TPACKET_ALIGN(sizeof(tpacket2_hdr)) + sizeof(sockaddr_ll)
	Hdr3Size = 48 // sizeof(struct tpacket3_hdr)
	Hdr3Len  = 68 // TPACKET3_HDRLEN

	BlockDescSize = 48 // sizeof(struct tpacket_block_desc)

	// TxData2Offset and TxData3Offset are where a TX frame's data starts when
	// PACKET_TX_HAS_OFF is off: the header length minus the sockaddr_ll the
	// kernel would have placed after the header on RX.
	TxData2Offset = Hdr2Len - SockaddrLLSize // 32
	TxData3Offset = Hdr3Len - SockaddrLLSize // 48
)

// Frame and packet status bits (tp_status), RX side.
const (
	StatusKernel        uint32 = 0      // TP_STATUS_KERNEL: the kernel owns the frame/block
	StatusUser          uint32 = 1 << 0 // TP_STATUS_USER: user space owns it
	StatusCopy          uint32 = 1 << 1 // TP_STATUS_COPY: truncated (V1/V2)
	StatusLosing        uint32 = 1 << 2 // TP_STATUS_LOSING: drops since last PACKET_STATISTICS
	StatusCsumNotReady  uint32 = 1 << 3 // TP_STATUS_CSUMNOTREADY
	StatusVLANValid     uint32 = 1 << 4 // TP_STATUS_VLAN_VALID: tp_vlan_tci holds a stripped tag
	StatusBlkTmo        uint32 = 1 << 5 // TP_STATUS_BLK_TMO: V3 block closed by the retire timer
	StatusVLANTPIDValid uint32 = 1 << 6 // TP_STATUS_VLAN_TPID_VALID
	StatusCsumValid     uint32 = 1 << 7 // TP_STATUS_CSUM_VALID
	StatusGSOTCP        uint32 = 1 << 8 // TP_STATUS_GSO_TCP
)

// Frame status values, TX side.
const (
	StatusAvailable   uint32 = 0      // TP_STATUS_AVAILABLE: free for user space to fill
	StatusSendRequest uint32 = 1 << 0 // TP_STATUS_SEND_REQUEST: filled, kernel to send
	StatusSending     uint32 = 1 << 1 // TP_STATUS_SENDING: the kernel is sending it
	StatusWrongFormat uint32 = 1 << 2 // TP_STATUS_WRONG_FORMAT: rejected (without PACKET_LOSS)
)

// Timestamp source bits, both directions.
const (
	StatusTSSoftware    uint32 = 1 << 29
	StatusTSSysHardware uint32 = 1 << 30
	StatusTSRawHardware uint32 = 1 << 31
)

// FeatureFillRxHash is tp_feature_req_word's TP_FT_REQ_FILL_RXHASH.
const FeatureFillRxHash = 1

// Align rounds n up to a multiple of Alignment (TPACKET_ALIGN).
func Align(n int) int { return (n + Alignment - 1) &^ (Alignment - 1) }

// Timespec is tpacket_bd_ts: seconds and micro- or nanoseconds (depending on
// PACKET_TIMESTAMP).
type Timespec struct {
	Sec  uint32
	Frac uint32
}

// BlockDesc is the header of a TPACKET_V3 RX block: struct tpacket_block_desc with
// its tpacket_hdr_v1. The block's packets follow at OffsetToFirstPkt, chained by
// Hdr3.NextOffset.
type BlockDesc struct {
	Version          uint32   // 0
	OffsetToPriv     uint32   // 4
	status           uint32   // 8: block_status (atomic)
	NumPkts          uint32   // 12
	OffsetToFirstPkt uint32   // 16
	BlkLen           uint32   // 20
	SeqNum           uint64   // 24
	TsFirstPkt       Timespec // 32
	TsLastPkt        Timespec // 40
}

// Hdr3 is struct tpacket3_hdr: the header of each packet of a V3 RX block, and of
// each frame of a V3 TX ring.
type Hdr3 struct {
	NextOffset uint32 // 0: tp_next_offset, to the next packet of the block; 0 on TX
	Sec        uint32 // 4
	Nsec       uint32 // 8
	Snaplen    uint32 // 12: bytes stored
	Len        uint32 // 16: bytes on the wire
	status     uint32 // 20: tp_status (atomic)
	Mac        uint16 // 24: Ethernet header offset from the header start
	Net        uint16 // 26: L3 header offset
	RxHash     uint32 // 28: hv1.tp_rxhash
	VlanTCI    uint32 // 32: hv1.tp_vlan_tci
	VlanTPID   uint16 // 36: hv1.tp_vlan_tpid
	_          uint16 // 38
	_          [8]byte
}

// Hdr2 is struct tpacket2_hdr: the header of each frame of a V2 ring.
type Hdr2 struct {
	status   uint32 // 0: tp_status (atomic)
	Len      uint32 // 4
	Snaplen  uint32 // 8
	Mac      uint16 // 12
	Net      uint16 // 14
	Sec      uint32 // 16
	Nsec     uint32 // 20
	VlanTCI  uint16 // 24
	VlanTPID uint16 // 26
	_        [4]byte
}

// Req3 is struct tpacket_req3 (PACKET_RX_RING / PACKET_TX_RING with V3).
type Req3 struct {
	BlockSize      uint32 // tp_block_size: multiple of the page size
	BlockNr        uint32 // tp_block_nr
	FrameSize      uint32 // tp_frame_size: multiple of Alignment
	FrameNr        uint32 // tp_frame_nr = BlockSize/FrameSize * BlockNr
	RetireBlkTov   uint32 // tp_retire_blk_tov, ms; 0 = kernel default (RX only)
	SizeofPriv     uint32 // tp_sizeof_priv (RX only)
	FeatureReqWord uint32 // tp_feature_req_word (RX only)
}

// Stats3 is struct tpacket_stats_v3 (PACKET_STATISTICS with V3). Reading it
// resets the kernel's counters; Packets includes Drops.
type Stats3 struct {
	Packets    uint32
	Drops      uint32
	FreezeQCnt uint32
}

// FrameOffset is the byte offset in a ring of frame i, for a ring of blocks of
// blockSize holding framesPerBlock frames of frameSize each (frames never
// straddle blocks).
func FrameOffset(i, framesPerBlock, blockSize, frameSize int) int {
	return (i/framesPerBlock)*blockSize + (i%framesPerBlock)*frameSize
}
