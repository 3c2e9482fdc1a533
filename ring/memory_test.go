package ring

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// alignedBytes returns n zeroed bytes aligned to 64 (the Go heap aligns a
// []uint64 to 8 only).
func alignedBytes(n int) []byte {
	buf := make([]uint64, (n+128)/8)
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(buf))), len(buf)*8)
	off := -uintptr(unsafe.Pointer(unsafe.SliceData(b))) & 63
	return b[off : off+uintptr(n)]
}

type plainStruct struct {
	A uint8
	B [3]int64
	C struct{ X, Y float32 }
	D bool
}

func TestMemSize(t *testing.T) {
	n, err := MemSize[uint32](1024, 0)
	require.NoError(t, err)
	require.Equal(t, headerSize+1024*4, n)
	n, err = MemSize[[3]uint16](1000, ExactSize) // 6-byte elements, 1024 slots
	require.NoError(t, err)
	require.Equal(t, headerSize+6144, n)
	n, err = MemSize[uint8](3, ExactSize) // 4 slots of 1 byte, rounded to a line
	require.NoError(t, err)
	require.Equal(t, headerSize+64, n)
	_, err = MemSize[uint32](1000, 0)
	require.ErrorIs(t, err, ErrInvalidSize)
	_, err = MemSize[uint32](8, SPEnq|MPRTSEnq)
	require.ErrorIs(t, err, ErrInvalidFlags)
	_, err = MemSize[*int](8, 0)
	require.ErrorIs(t, err, ErrElemType)
}

// TestElemTypes checks which element types a ring in shared memory takes.
func TestElemTypes(t *testing.T) {
	mem := alignedBytes(1 << 16)
	check := func(name string, err error, ok bool) {
		t.Helper()
		if ok {
			require.NoError(t, err, name)
		} else {
			require.ErrorIs(t, err, ErrElemType, name)
		}
	}
	try := func(f func() error) error { return f() }
	check("uint32", try(func() error { _, err := NewInMemory[uint32]("t", mem, 8, 0); return err }), true)
	check("uintptr", try(func() error { _, err := NewInMemory[uintptr]("t", mem, 8, 0); return err }), true)
	check("complex128", try(func() error { _, err := NewInMemory[complex128]("t", mem, 8, 0); return err }), true)
	check("plainStruct", try(func() error { _, err := NewInMemory[plainStruct]("t", mem, 8, 0); return err }), true)
	check("[4][2]bool", try(func() error { _, err := NewInMemory[[4][2]bool]("t", mem, 8, 0); return err }), true)
	check("struct{}", try(func() error { _, err := NewInMemory[struct{}]("t", mem, 8, 0); return err }), true)
	check("*int", try(func() error { _, err := NewInMemory[*int]("t", mem, 8, 0); return err }), false)
	check("string", try(func() error { _, err := NewInMemory[string]("t", mem, 8, 0); return err }), false)
	check("[]byte", try(func() error { _, err := NewInMemory[[]byte]("t", mem, 8, 0); return err }), false)
	check("map", try(func() error { _, err := NewInMemory[map[int]int]("t", mem, 8, 0); return err }), false)
	check("chan", try(func() error { _, err := NewInMemory[chan int]("t", mem, 8, 0); return err }), false)
	check("func", try(func() error { _, err := NewInMemory[func()]("t", mem, 8, 0); return err }), false)
	check("any", try(func() error { _, err := NewInMemory[any]("t", mem, 8, 0); return err }), false)
	check("unsafe.Pointer", try(func() error { _, err := NewInMemory[unsafe.Pointer]("t", mem, 8, 0); return err }), false)
	check("struct with pointer", try(func() error {
		_, err := NewInMemory[struct {
			A int
			B [2]*int
		}]("t", mem, 8, 0)
		return err
	}), false)
	check("Attach *int", try(func() error { _, err := Attach[*int](mem); return err }), false)

	_, err := NewInMemory[struct {
		A int
		B [2]*int
	}]("t", mem, 8, 0)
	require.ErrorContains(t, err, "field B: element: *int is a ptr")
}

func TestNewInMemoryErrors(t *testing.T) {
	mem := alignedBytes(headerSize + 64*8)
	_, err := NewInMemory[uint64]("t", mem, 65, ExactSize)
	require.ErrorIs(t, err, ErrBadMemory, "too small")
	_, err = NewInMemory[uint64]("t", mem[:headerSize+63*8], 64, 0)
	require.ErrorIs(t, err, ErrBadMemory, "too small by one slot")
	_, err = NewInMemory[uint64]("t", mem[4:], 32, 0)
	require.ErrorIs(t, err, ErrBadMemory, "misaligned")
	_, err = NewInMemory[uint64]("t", mem, 48, 0)
	require.ErrorIs(t, err, ErrInvalidSize)
	_, err = NewInMemory[uint64]("t", mem, 8, 0x80)
	require.ErrorIs(t, err, ErrInvalidFlags)
	_, err = NewInMemory[uint64]("this name is far too long for a ring", mem, 8, 0)
	require.ErrorIs(t, err, ErrInvalidName)
	r, err := NewInMemory[uint64]("exactly thirty-one bytes long..", mem, 64, 0)
	require.NoError(t, err)
	require.Equal(t, "exactly thirty-one bytes long..", r.Name())
}

// TestInMemory checks that a ring in caller memory works as one from New,
// and that a second handle from Attach on the same memory shares its state.
func TestInMemory(t *testing.T) {
	for _, flags := range allocFlags {
		t.Run(fmt.Sprintf("%#x", uint32(flags)), func(t *testing.T) {
			size, err := MemSize[[2]uint64](100, flags|ExactSize)
			require.NoError(t, err)
			mem := alignedBytes(size)
			for i := range mem {
				mem[i] = 0xa5 // garbage: NewInMemory must initialise all
			}
			a, err := NewInMemory[[2]uint64]("shared", mem, 100, flags|ExactSize)
			require.NoError(t, err)
			b, err := Attach[[2]uint64](mem)
			require.NoError(t, err)
			require.Equal(t, "shared", b.Name())
			require.Equal(t, a.Capacity(), b.Capacity())
			require.Equal(t, a.Size(), b.Size())
			require.Equal(t, a.Flags(), b.Flags())
			require.Equal(t, a.ProdSync(), b.ProdSync())
			require.Equal(t, 100, b.FreeCount())

			in := make([][2]uint64, 30)
			out := make([][2]uint64, 30)
			next, want := uint64(0), uint64(0)
			for round := range 50 {
				enq, deq := a, b
				if round%2 == 1 {
					enq, deq = b, a
				}
				for i := range in {
					in[i] = [2]uint64{next + uint64(i), ^(next + uint64(i))}
				}
				n := enq.EnqueueBurst(in[:1+round%30])
				next += uint64(n)
				require.Equal(t, int(next-want), deq.Count())
				k := deq.DequeueBurst(out[:1+(round*7)%30])
				for i := range k {
					require.Equal(t, [2]uint64{want + uint64(i), ^(want + uint64(i))}, out[i])
				}
				want += uint64(k)
			}
			require.Greater(t, want, uint64(300))
			require.Equal(t, a.String(), b.String())
			checkNoAllocs(t, b)
		})
	}
}

// TestAttachGarbage checks that Attach refuses memory that does not hold a
// ring, and every kind of damage to a ring header, without panicking.
func TestAttachGarbage(t *testing.T) {
	_, err := Attach[uint32](nil)
	require.ErrorIs(t, err, ErrBadMemory)
	_, err = Attach[uint32](alignedBytes(headerSize - 1))
	require.ErrorIs(t, err, ErrBadMemory)
	_, err = Attach[uint32](alignedBytes(4096))
	require.ErrorIs(t, err, ErrBadMemory, "zeroes")

	size, err := MemSize[uint32](64, 0)
	require.NoError(t, err)
	fresh := func() []byte {
		mem := alignedBytes(size)
		_, err := NewInMemory[uint32]("victim", mem, 64, SPEnq|MCRTSDeq)
		require.NoError(t, err)
		return mem
	}
	_, err = Attach[uint32](fresh())
	require.NoError(t, err)
	_, err = Attach[uint32](fresh()[1:])
	require.ErrorIs(t, err, ErrBadMemory, "misaligned")
	_, err = Attach[uint32](fresh()[:size-1])
	require.ErrorIs(t, err, ErrBadMemory, "truncated")
	_, err = Attach[uint64](fresh())
	require.ErrorIs(t, err, ErrElemType, "wrong element size")

	var h header
	for name, c := range map[string]struct {
		off uintptr
		val uint32
	}{
		"magic":     {unsafe.Offsetof(h.magic), 0x12345678},
		"version":   {unsafe.Offsetof(h.version), 2},
		"flags":     {unsafe.Offsetof(h.flags), 0x80},
		"two modes": {unsafe.Offsetof(h.flags), uint32(SPEnq | MPHTSEnq)},
		"size":      {unsafe.Offsetof(h.size), 128},
		"size 0":    {unsafe.Offsetof(h.size), 0},
		"mask":      {unsafe.Offsetof(h.mask), 127},
		"capacity":  {unsafe.Offsetof(h.capacity), 64},
		"slotOff":   {unsafe.Offsetof(h.slotOff), 0},
		"prod sync": {unsafe.Offsetof(h.prod) + unsafe.Offsetof(h.prod.sync), uint32(SyncHTS)},
		"cons sync": {unsafe.Offsetof(h.cons) + unsafe.Offsetof(h.cons.sync), uint32(SyncMT)},
	} {
		mem := fresh()
		binary.NativeEndian.PutUint32(mem[c.off:], c.val)
		_, err := Attach[uint32](mem)
		require.ErrorIs(t, err, ErrBadMemory, name)
	}
	mem := fresh()
	for i := range h.name {
		mem[unsafe.Offsetof(h.name)+uintptr(i)] = 'x'
	}
	_, err = Attach[uint32](mem)
	require.ErrorIs(t, err, ErrBadMemory, "unterminated name")

	// Random bytes, and random damage to a good header.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		mem := fresh()
		if rng.IntN(2) == 0 {
			for i := range headerSize {
				mem[i] = byte(rng.Uint32())
			}
		} else {
			for range 1 + rng.IntN(3) {
				mem[rng.IntN(headerSize)] ^= byte(1 + rng.IntN(255))
			}
		}
		if r, err := Attach[uint32](mem); err == nil {
			// A header damaged only where Attach does not look (indices,
			// padding) may pass; the ring must still stay within its slots.
			_ = r.String()
			_ = r.Count()
		}
	}
}

// FuzzAttach feeds arbitrary bytes to Attach, on top of a valid header so that
// the fuzzer reaches the deeper checks.
func FuzzAttach(f *testing.F) {
	size, _ := MemSize[uint64](16, 0)
	good := alignedBytes(size)
	if _, err := NewInMemory[uint64]("fuzz", good, 16, MPHTSEnq|SCDeq); err != nil {
		f.Fatal(err)
	}
	f.Add(good[:headerSize], uint16(0))
	f.Add([]byte{}, uint16(0))
	f.Fuzz(func(t *testing.T, patch []byte, at uint16) {
		mem := alignedBytes(size)
		copy(mem, good)
		copy(mem[int(at)%size:], patch)
		r, err := Attach[uint64](mem)
		if err != nil {
			return
		}
		_ = r.String()
		// Single-thread calls never wait, whatever the indices hold; they
		// must stay inside the slots.
		buf := make([]uint64, 20)
		if r.ProdSync() == SyncST {
			r.SPEnqueueBurst(buf)
		}
		if r.ConsSync() == SyncST {
			r.SCDequeueBurst(buf)
		}
	})
}

// TestInMemoryConcurrent runs producers and consumers on two handles of one
// ring in memory, as two processes would.
func TestInMemoryConcurrent(t *testing.T) {
	size, err := MemSize[tag](256, MPRTSEnq|MCHTSDeq)
	require.NoError(t, err)
	mem := alignedBytes(size)
	a, err := NewInMemory[tag]("shared", mem, 256, MPRTSEnq|MCHTSDeq)
	require.NoError(t, err)
	b, err := Attach[tag](mem)
	require.NoError(t, err)
	exchange(t, a, b, 2, 2, perProducer()/4)
}

// exchange sends n values from each of prods producers on handle a to cons
// consumers on handle b and checks that each arrives once, in order per
// producer.
func exchange(t *testing.T, a, b *Ring[tag], prods, cons, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for p := range prods {
		wg.Go(func() {
			batch := make([]tag, 16)
			for next := 0; next < n; {
				k := min(len(batch), n-next)
				for i := range k {
					batch[i] = tag{uint32(p), uint32(next + i)}
				}
				next += a.EnqueueBurst(batch[:k])
			}
		})
	}
	results := make([][]tag, cons)
	var received sync.Mutex
	total := 0
	for c := range cons {
		wg.Go(func() {
			batch := make([]tag, 16)
			for {
				received.Lock()
				done := total == prods*n
				received.Unlock()
				if done {
					return
				}
				k := b.DequeueBurst(batch)
				received.Lock()
				total += k
				received.Unlock()
				results[c] = append(results[c], batch[:k]...)
			}
		})
	}
	wg.Wait()
	seen := make([][]bool, prods)
	for p := range seen {
		seen[p] = make([]bool, n)
	}
	for _, res := range results {
		last := make([]int, prods)
		for i := range last {
			last[i] = -1
		}
		for _, v := range res {
			require.Less(t, int(v.p), prods)
			require.Greater(t, int(v.seq), last[v.p], "out of order")
			last[v.p] = int(v.seq)
			require.False(t, seen[v.p][v.seq], "twice")
			seen[v.p][v.seq] = true
		}
	}
	for p := range seen {
		for s, ok := range seen[p] {
			require.True(t, ok, "producer %d value %d lost", p, s)
		}
	}
}
