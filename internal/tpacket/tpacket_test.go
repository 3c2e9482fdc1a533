package tpacket

import (
	"encoding/binary"
	"testing"
)

// The views read the fields at the offsets the kernel writes them (uapi
// <linux/if_packet.h>, little-endian host).
func TestHdr3Layout(t *testing.T) {
	mem := make([]byte, 4096)
	const off = 96
	le := binary.LittleEndian
	le.PutUint32(mem[off+0:], 112)     // tp_next_offset
	le.PutUint32(mem[off+12:], 60)     // tp_snaplen
	le.PutUint32(mem[off+16:], 64)     // tp_len
	le.PutUint32(mem[off+20:], 0x11)   // tp_status
	le.PutUint16(mem[off+24:], 82)     // tp_mac
	le.PutUint16(mem[off+26:], 96)     // tp_net
	le.PutUint32(mem[off+28:], 0xabcd) // tp_rxhash
	le.PutUint32(mem[off+32:], 0x2064) // tp_vlan_tci
	le.PutUint16(mem[off+36:], 0x8100) // tp_vlan_tpid
	h := Hdr3At(mem, off)
	if h == nil {
		t.Fatal("Hdr3At returned nil")
	}
	if h.NextOffset != 112 || h.Snaplen != 60 || h.Len != 64 || h.Status() != StatusUser|StatusVLANValid ||
		h.Mac != 82 || h.Net != 96 || h.RxHash != 0xabcd || h.VlanTCI != 0x2064 || h.VlanTPID != 0x8100 {
		t.Fatalf("fields read wrong: %+v status %#x", *h, h.Status())
	}
	h.SetStatus(StatusSendRequest)
	if le.Uint32(mem[off+20:]) != StatusSendRequest {
		t.Fatal("SetStatus wrote the wrong word")
	}
}

func TestBlockLayout(t *testing.T) {
	mem := make([]byte, 8192)
	const off = 4096
	le := binary.LittleEndian
	le.PutUint32(mem[off+0:], 1)     // version
	le.PutUint32(mem[off+8:], 1)     // block_status
	le.PutUint32(mem[off+12:], 7)    // num_pkts
	le.PutUint32(mem[off+16:], 48)   // offset_to_first_pkt
	le.PutUint32(mem[off+20:], 1234) // blk_len
	le.PutUint64(mem[off+24:], 99)   // seq_num
	b := BlockAt(mem, off)
	if b == nil {
		t.Fatal("BlockAt returned nil")
	}
	if b.Version != 1 || b.Status() != StatusUser || b.NumPkts != 7 || b.OffsetToFirstPkt != 48 || b.BlkLen != 1234 || b.SeqNum != 99 {
		t.Fatalf("fields read wrong: %+v", *b)
	}
	b.SetStatus(StatusKernel)
	if le.Uint32(mem[off+8:]) != 0 {
		t.Fatal("SetStatus wrote the wrong word")
	}
}

func TestHdr2Layout(t *testing.T) {
	mem := make([]byte, 64)
	le := binary.LittleEndian
	le.PutUint32(mem[0:], 1)
	le.PutUint32(mem[4:], 100)
	le.PutUint32(mem[8:], 90)
	le.PutUint16(mem[12:], 66)
	le.PutUint16(mem[24:], 5)
	h := Hdr2At(mem, 0)
	if h.Status() != StatusUser || h.Len != 100 || h.Snaplen != 90 || h.Mac != 66 || h.VlanTCI != 5 {
		t.Fatalf("fields read wrong: %+v", *h)
	}
}

func TestBounds(t *testing.T) {
	mem := make([]byte, 100)
	if BlockAt(mem, 60) != nil || BlockAt(mem, -8) != nil || BlockAt(mem, 4) != nil {
		t.Fatal("BlockAt accepted an out-of-range or misaligned offset")
	}
	if Hdr3At(mem, 56) != nil || Hdr3At(mem, 2) != nil || Hdr3At(mem, 52) == nil {
		t.Fatal("Hdr3At bounds wrong")
	}
	if Hdr2At(mem, 70) != nil || Hdr2At(mem, 68) == nil {
		t.Fatal("Hdr2At bounds wrong")
	}
}

func TestGeometry(t *testing.T) {
	if Align(68) != 80 || Align(80) != 80 || Align(0) != 0 {
		t.Fatal("Align")
	}
	if TxData3Offset != 48 || TxData2Offset != 32 {
		t.Fatal("TX data offsets")
	}
	// 2 frames of 2048 per 4096-byte block: frame 3 is the second of block 1.
	if got := FrameOffset(3, 2, 4096, 2048); got != 4096+2048 {
		t.Fatalf("FrameOffset = %d", got)
	}
}
