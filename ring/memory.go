package ring

import (
	"bytes"
	"fmt"
	"math/bits"
	"reflect"
	"unsafe"
)

// Rings in caller-provided memory, shareable between processes.
//
// The memory holds a header (headerSize bytes: a magic number, the layout
// version, the element size, the flags, size, mask and capacity, the name, then
// the producer and consumer indices, each in its own 128-byte block) followed
// by the slots. Everything a process needs is in the memory: a second process
// that maps the same pages (an eal segment's fd, passed over a Unix socket or
// inherited) calls Attach and uses the ring as the first one does. All index
// updates are sync/atomic operations on that memory, so the ring works between
// processes as it does between goroutines.

// MemSize returns the number of bytes NewInMemory needs for a ring of count
// values of type T with flags (rte_ring_get_memsize_elem): the header plus
// Size() slots, rounded up to a cache line. It fails as New does on a bad
// count or flags, and with ErrElemType when T holds pointers.
func MemSize[T any](count int, flags Flags) (int, error) {
	if err := checkPlain[T](); err != nil {
		return 0, err
	}
	size, _, err := sizes(count, flags)
	if err != nil {
		return 0, err
	}
	return memSize[T](size)
}

func memSize[T any](size uint32) (int, error) {
	var zero T
	carry, n := bits.Mul64(uint64(size), uint64(sizeOf(zero)))
	total := n + headerSize + cacheLine - 1
	if carry != 0 || total < n || total > uint64(^uint(0)>>1) {
		return 0, fmt.Errorf("%w: %d slots of %d bytes", ErrInvalidSize, size, sizeOf(zero))
	}
	return int(total &^ (cacheLine - 1)), nil
}

// checkPlain returns ErrElemType, naming the culprit, when values of type T
// may hold Go pointers.
func checkPlain[T any]() error {
	t := reflect.TypeFor[T]()
	if bad := pointerPath(t); bad != "" {
		return fmt.Errorf("%w: %v holds pointers (%s); a ring in shared memory takes fixed-size plain data only", ErrElemType, t, bad)
	}
	return nil
}

// pointerPath returns "" when t is plain data: booleans, numbers, and arrays
// and structs of them. Otherwise it describes the first part of t that is not.
func pointerPath(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return ""
	case reflect.Array:
		if p := pointerPath(t.Elem()); p != "" {
			return "element: " + p
		}
		return ""
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if p := pointerPath(f.Type); p != "" {
				return "field " + f.Name + ": " + p
			}
		}
		return ""
	}
	return t.String() + " is a " + t.Kind().String()
}

// NewInMemory creates an empty ring of count values of type T, named name, in
// mem, which it initialises; count and flags are as for New. mem must be at
// least MemSize[T](count, flags) bytes and 8-byte aligned (an eal segment's
// Bytes(), or part of one, is page aligned). name may be up to 31 bytes.
//
// T must be fixed-size plain data that means the same in every process:
// booleans, integers, floating-point and complex numbers, and arrays and
// structs of them. Types that hold Go pointers (pointers, slices, strings,
// maps, channels, functions, interfaces) are refused with ErrElemType: the
// garbage collector does not scan such memory, and the addresses would mean
// nothing in another process. Put offsets or indexes in the ring instead (as
// mempool puts object indexes). A uintptr is accepted as a number; an address
// in it is only meaningful in the process that wrote it.
//
// The ring uses mem until it is no longer used: the caller must keep the
// memory mapped for as long as this process, or any other, uses the ring.
// NewInMemory does not allocate the slots; it allocates only the Ring handle.
func NewInMemory[T any](name string, mem []byte, count int, flags Flags) (*Ring[T], error) {
	if err := checkPlain[T](); err != nil {
		return nil, err
	}
	if len(name) > nameMax {
		return nil, fmt.Errorf("%w: %q is longer than %d bytes", ErrInvalidName, name, nameMax)
	}
	size, capacity, err := sizes(count, flags)
	if err != nil {
		return nil, err
	}
	need, err := memSize[T](size)
	if err != nil {
		return nil, err
	}
	if err := checkMem(mem, need); err != nil {
		return nil, err
	}
	h := (*header)(unsafe.Pointer(unsafe.SliceData(mem)))
	// Clear the magic first, so that a concurrent Attach does not take a
	// half-written header for a ring, then everything else.
	h.magic.Store(0)
	clear(mem[8:need])
	var zero T
	h.init(name, uint32(sizeOf(zero)), size, capacity, flags)
	h.magic.Store(headerMagic)
	return newRing(h, slotsOf[T](mem, size), name, mem[:need]), nil
}

// Attach returns a handle on the ring that NewInMemory created in mem,
// possibly in another process (mem is then another mapping of the same
// pages). T must be the element type the ring was created with; Attach checks
// that it is plain data and that its size matches. Attach fails with
// ErrBadMemory, without touching mem, when mem is too small or misaligned or
// does not hold a well-formed ring header, and with ErrElemType on a type
// mismatch. The ring's contents and indices are used as they are: Attach does
// not reset them.
func Attach[T any](mem []byte) (*Ring[T], error) {
	if err := checkPlain[T](); err != nil {
		return nil, err
	}
	if err := checkMem(mem, headerSize); err != nil {
		return nil, err
	}
	h := (*header)(unsafe.Pointer(unsafe.SliceData(mem)))
	if m := h.magic.Load(); m != headerMagic {
		return nil, fmt.Errorf("%w: no ring header (magic %#x)", ErrBadMemory, m)
	}
	if h.version != headerVersion {
		return nil, fmt.Errorf("%w: header version %d, want %d", ErrBadMemory, h.version, headerVersion)
	}
	var zero T
	if h.elemSize != uint32(sizeOf(zero)) {
		return nil, fmt.Errorf("%w: ring holds %d-byte elements, %T has %d bytes", ErrElemType, h.elemSize, zero, sizeOf(zero))
	}
	flags := Flags(h.flags)
	count := h.size
	if flags&ExactSize != 0 {
		count = h.capacity
	}
	size, capacity, err := sizes(int(count), flags)
	if err != nil || size != h.size || capacity != h.capacity || h.mask != size-1 || h.slotOff != headerSize {
		return nil, fmt.Errorf("%w: inconsistent header (flags %#x size %d mask %#x capacity %d slots at %d)",
			ErrBadMemory, h.flags, h.size, h.mask, h.capacity, h.slotOff)
	}
	if prod, cons := syncOf(flags); Sync(h.prod.sync) != prod || Sync(h.cons.sync) != cons {
		return nil, fmt.Errorf("%w: sync modes %d/%d do not match flags %#x", ErrBadMemory, h.prod.sync, h.cons.sync, h.flags)
	}
	name, _, ok := bytes.Cut(h.name[:], []byte{0})
	if !ok {
		return nil, fmt.Errorf("%w: unterminated name", ErrBadMemory)
	}
	need, err := memSize[T](size)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadMemory, err)
	}
	if len(mem) < need {
		return nil, fmt.Errorf("%w: ring needs %d bytes, memory has %d", ErrBadMemory, need, len(mem))
	}
	return newRing(h, slotsOf[T](mem, size), string(name), mem[:need]), nil
}

// newHeader allocates a zeroed header on the Go heap, aligned to 128 bytes
// (the allocator aligns a 384-byte object to less).
func newHeader() *header {
	const align = 2 * cacheLine
	buf := make([]uint64, (headerSize+align)/8)
	p := unsafe.Pointer(unsafe.SliceData(buf))
	return (*header)(unsafe.Add(p, -uintptr(p)&(align-1)))
}

// checkMem checks that mem can hold need bytes of ring at its start.
func checkMem(mem []byte, need int) error {
	if len(mem) < need {
		return fmt.Errorf("%w: need %d bytes, have %d", ErrBadMemory, need, len(mem))
	}
	if p := uintptr(unsafe.Pointer(unsafe.SliceData(mem))); p%8 != 0 {
		return fmt.Errorf("%w: address %#x is not 8-byte aligned", ErrBadMemory, p)
	}
	return nil
}

// slotsOf returns the size slots that follow the header in mem.
func slotsOf[T any](mem []byte, size uint32) []T {
	var zero T
	if unsafe.Sizeof(zero) == 0 {
		return make([]T, size) // takes no memory; no pointer past mem's end
	}
	return unsafe.Slice((*T)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(mem)), headerSize)), size)
}
