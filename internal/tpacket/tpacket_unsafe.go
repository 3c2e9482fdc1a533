package tpacket

import (
	"sync/atomic"
	"unsafe"
)

// Compile-time layout checks against the uapi structs.
var (
	_ [BlockDescSize - unsafe.Sizeof(BlockDesc{})]byte
	_ [unsafe.Sizeof(BlockDesc{}) - BlockDescSize]byte
	_ [Hdr3Size - unsafe.Sizeof(Hdr3{})]byte
	_ [unsafe.Sizeof(Hdr3{}) - Hdr3Size]byte
	_ [Hdr2Size - unsafe.Sizeof(Hdr2{})]byte
	_ [unsafe.Sizeof(Hdr2{}) - Hdr2Size]byte
	_ [28 - unsafe.Sizeof(Req3{})]byte
	_ [unsafe.Sizeof(Req3{}) - 28]byte
	_ [12 - unsafe.Sizeof(Stats3{})]byte
	_ [unsafe.Sizeof(Stats3{}) - 12]byte
	_ [8 - unsafe.Offsetof(BlockDesc{}.status)]byte
	_ [unsafe.Offsetof(BlockDesc{}.status) - 8]byte
	_ [20 - unsafe.Offsetof(Hdr3{}.status)]byte
	_ [unsafe.Offsetof(Hdr3{}.status) - 20]byte
	_ [24 - unsafe.Offsetof(Hdr3{}.Mac)]byte
	_ [unsafe.Offsetof(Hdr3{}.Mac) - 24]byte
	_ [32 - unsafe.Offsetof(Hdr3{}.VlanTCI)]byte
	_ [unsafe.Offsetof(Hdr3{}.VlanTCI) - 32]byte
	_ [24 - unsafe.Offsetof(Hdr2{}.VlanTCI)]byte
	_ [unsafe.Offsetof(Hdr2{}.VlanTCI) - 24]byte
)

// BlockAt views the V3 block descriptor at byte off of a ring mapping. It
// returns nil if the descriptor would not fit in mem or off is not 8-aligned.
func BlockAt(mem []byte, off int) *BlockDesc {
	if off < 0 || off&7 != 0 || off > len(mem)-BlockDescSize {
		return nil
	}
	return (*BlockDesc)(unsafe.Pointer(unsafe.SliceData(mem[off:])))
}

// Hdr3At views the tpacket3_hdr at byte off of a ring mapping. It returns nil
// if the header would not fit in mem or off is not 4-aligned.
func Hdr3At(mem []byte, off int) *Hdr3 {
	if off < 0 || off&3 != 0 || off > len(mem)-Hdr3Size {
		return nil
	}
	return (*Hdr3)(unsafe.Pointer(unsafe.SliceData(mem[off:])))
}

// Hdr2At views the tpacket2_hdr at byte off of a ring mapping. It returns nil
// if the header would not fit in mem or off is not 4-aligned.
func Hdr2At(mem []byte, off int) *Hdr2 {
	if off < 0 || off&3 != 0 || off > len(mem)-Hdr2Size {
		return nil
	}
	return (*Hdr2)(unsafe.Pointer(unsafe.SliceData(mem[off:])))
}

// Status loads block_status with acquire semantics: when it has StatusUser, the
// block and its packets are user space's to read.
func (b *BlockDesc) Status() uint32 { return atomic.LoadUint32(&b.status) }

// SetStatus stores block_status with release semantics; StatusKernel hands the
// block back to the kernel.
func (b *BlockDesc) SetStatus(s uint32) { atomic.StoreUint32(&b.status, s) }

// Status loads tp_status with acquire semantics.
func (h *Hdr3) Status() uint32 { return atomic.LoadUint32(&h.status) }

// SetStatus stores tp_status with release semantics: on TX, StatusSendRequest
// publishes the frame's data and lengths to the kernel.
func (h *Hdr3) SetStatus(s uint32) { atomic.StoreUint32(&h.status, s) }

// Status loads tp_status with acquire semantics.
func (h *Hdr2) Status() uint32 { return atomic.LoadUint32(&h.status) }

// SetStatus stores tp_status with release semantics.
func (h *Hdr2) SetStatus(s uint32) { atomic.StoreUint32(&h.status, s) }
