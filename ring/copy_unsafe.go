package ring

import (
	"reflect"
	"unsafe"
)

// Copying values of plain element types.
//
// copy on a slice becomes a call to runtime.memmove, and the register ABI
// makes any call expensive for the caller: every value live across it is
// spilled to the stack and reloaded, and memmove first dispatches on the size.
// For the batches a ring usually moves (a few to a few dozen small values)
// that costs as much as the copy. So for element types without pointers the
// data path copies the bytes itself, 16 at a time, with moveRaw, which the
// compiler inlines into the caller (no call, no spill). Types with pointers
// always go through copy, which applies the garbage collector's write
// barriers; so do batches larger than rawMax bytes, where memmove's wider
// (AVX) moves win, batches that wrap past the end of the slot array, and
// race-detector builds.

// rawMax is the largest batch, in bytes, that moveRaw copies.
const rawMax = 512

// rawSize returns sizeof(T) when values of type T may be copied as raw bytes
// by moveRaw: T holds no pointers and its size is a positive multiple of 4,
// and this is not a race-detector build. Otherwise it returns 0.
func rawSize[T any]() uintptr {
	var zero T
	size := unsafe.Sizeof(zero)
	if raceBuild || size == 0 || size%4 != 0 || pointerPath(reflect.TypeFor[T]()) != "" {
		return 0
	}
	return size
}

// moveRaw copies n bytes, a multiple of 4, from src to dst, which do not
// overlap. It reads and writes only those bytes: 64 at a time (four 16-byte
// moves), then 4 at a time. It is written to stay under the inliner's budget.
func moveRaw(dst, src unsafe.Pointer, n uintptr) {
	for ; n >= 64; n -= 64 {
		*(*[16]byte)(dst) = *(*[16]byte)(src)
		*(*[16]byte)(unsafe.Add(dst, 16)) = *(*[16]byte)(unsafe.Add(src, 16))
		*(*[16]byte)(unsafe.Add(dst, 32)) = *(*[16]byte)(unsafe.Add(src, 32))
		*(*[16]byte)(unsafe.Add(dst, 48)) = *(*[16]byte)(unsafe.Add(src, 48))
		dst, src = unsafe.Add(dst, 64), unsafe.Add(src, 64)
	}

	for ; n > 0; n -= 4 {
		*(*[4]byte)(dst) = *(*[4]byte)(src)
		dst, src = unsafe.Add(dst, 4), unsafe.Add(src, 4)
	}
}
