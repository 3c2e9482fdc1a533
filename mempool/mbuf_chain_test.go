package mempool

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func addrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

func TestLinearize(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 16, DataRoomSize: 128 + 200})
	m := chainOf(t, p, 10, 50, 60)
	m.SetPort(9)
	want := pktBytes(t, m)
	require.NoError(t, m.Linearize())
	require.True(t, m.IsContiguous())
	require.Equal(t, 1, m.NbSegs())
	require.Equal(t, 120, m.PktLen())
	require.Equal(t, 120, m.DataLen())
	require.Nil(t, m.Next())
	require.Equal(t, want, m.Data())
	require.Equal(t, uint16(9), m.Port())
	require.Equal(t, 1, p.InUse(), "the other segments were freed")
	require.NoError(t, m.Check())
	require.NoError(t, m.Linearize(), "a single segment is left alone")

	// Not enough tailroom in the first segment: nothing changes.
	require.NoError(t, m.Chain(chainOf(t, p, 81)))
	require.ErrorIs(t, m.Linearize(), ErrNoRoom)
	require.Equal(t, 2, m.NbSegs())
	require.Equal(t, 201, m.PktLen())
	require.NoError(t, m.Trim(1))
	require.NoError(t, m.Linearize(), "exactly the tailroom")
	require.Equal(t, 0, m.Tailroom())
	m.Free()

	// A shared first segment is not written to.
	m = chainOf(t, p, 10, 10)
	cl, err := m.Clone(p, nil)
	require.NoError(t, err)
	require.ErrorIs(t, cl.Linearize(), ErrShared)
	require.ErrorIs(t, m.Linearize(), ErrShared)
	cl.Free()
	require.NoError(t, m.Linearize())
	// Segments that are clones are copied from and freed: their direct mbufs
	// go back when nothing else holds them.
	x := chainOf(t, p, 20, 30)
	xc, err := x.Clone(p, nil)
	require.NoError(t, err)
	x.Free()
	require.NoError(t, m.Chain(xc))
	want = pktBytes(t, m)
	require.NoError(t, m.Linearize())
	require.Equal(t, want, m.Data())
	m.Free()
	require.Equal(t, 0, p.InUse())
}

func TestCopyRange(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 32, DataRoomSize: 128 + 100})
	small := newTestPktPool(t, PktPoolConfig{N: 32, DataRoomSize: 128 + 16})
	m := chainOf(t, p, 30, 100, 1, 0, 69)
	m.SetOlFlags(RxVLAN | RxL4CksumGood)
	m.SetPacketType(PTypeL2Ether)
	m.SetUdata64(0, 1234)
	m.SetRSSHash(99) // adds RxRSSHash
	flags := m.OlFlags()
	all := pktBytes(t, m)
	require.Len(t, all, 200)

	for _, tc := range []struct{ off, n int }{{0, 200}, {0, 0}, {200, 0}, {29, 2}, {30, 100}, {31, 150}, {130, 70}, {199, 1}} {
		for _, dst := range []*Pool{p, small} {
			c, err := m.CopyRange(dst, nil, tc.off, tc.n)
			require.NoError(t, err, "%+v", tc)
			require.NoError(t, c.Check())
			require.Equal(t, all[tc.off:tc.off+tc.n], pktBytes(t, c), "%+v", tc)
			room := dst.DataRoomSize() - 128
			require.Equal(t, max(1, (tc.n+room-1)/room), c.NbSegs(), "segments are filled")
			require.Equal(t, flags, c.OlFlags())
			require.Equal(t, PTypeL2Ether, c.PacketType())
			require.Equal(t, uint64(1234), c.Udata64(0))
			require.Equal(t, uint32(99), c.RSSHash())
			for s := c; s != nil; s = s.Next() {
				require.True(t, s.IsDirect())
				require.Equal(t, 1, s.RefCnt())
			}
			c.Free()
		}
	}
	// A copy of a clone is direct.
	cl, err := m.Clone(p, nil)
	require.NoError(t, err)
	c, err := cl.Copy(small, nil)
	require.NoError(t, err)
	require.Equal(t, all, pktBytes(t, c))
	require.Equal(t, flags, c.OlFlags(), "without Indirect")
	c.Free()
	cl.Free()

	for _, tc := range []struct{ off, n int }{{-1, 1}, {0, -1}, {0, 201}, {201, 0}, {150, 51}} {
		_, err := m.CopyRange(p, nil, tc.off, tc.n)
		require.ErrorIs(t, err, ErrTooShort, "%+v", tc)
	}
	obj := newTestPool(t, 4, 0)
	_, err = m.Copy(obj, nil)
	require.ErrorIs(t, err, ErrInvalid, "not an mbuf pool")

	// Exhaustion: all or nothing.
	tiny := newTestPktPool(t, PktPoolConfig{N: 12, DataRoomSize: 128 + 16})
	_, err = m.Copy(tiny, nil)
	require.ErrorIs(t, err, ErrNoEntries)
	require.Equal(t, 0, tiny.InUse())
	c, err = m.CopyRange(tiny, nil, 10, 190)
	require.NoError(t, err, "exactly 12 segments")
	require.Equal(t, 12, c.NbSegs())
	c.Free()
	noRoom := newTestPktPool(t, PktPoolConfig{N: 2, DataRoomSize: 100})
	_, err = m.Copy(noRoom, nil)
	require.ErrorIs(t, err, ErrNoRoom)
	c, err = m.CopyRange(noRoom, nil, 5, 0)
	require.NoError(t, err, "an empty copy needs no room")
	c.Free()
	m.Free()
}

func TestRead(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 8, DataRoomSize: 128 + 64})
	m := chainOf(t, p, 10, 0, 20, 5)
	all := pktBytes(t, m)
	buf := make([]byte, 64)

	// Inside one segment: the segment's own bytes, not a copy.
	b, err := m.Read(12, 8, nil)
	require.NoError(t, err)
	require.Equal(t, all[12:20], b)
	seg3 := m.Next().Next()
	require.Equal(t, seg3.DataAddr()+2, addrOf(b))
	b, err = m.Read(10, 0, nil)
	require.NoError(t, err)
	require.Empty(t, b)
	b, err = m.Read(35, 0, nil)
	require.NoError(t, err, "an empty read at the end")
	require.Empty(t, b)

	// Across segments: copied into buf.
	b, err = m.Read(5, 20, buf)
	require.NoError(t, err)
	require.Equal(t, all[5:25], b)
	require.Equal(t, addrOf(buf), addrOf(b))
	b, err = m.Read(0, 35, buf)
	require.NoError(t, err)
	require.Equal(t, all, b)
	_, err = m.Read(5, 20, buf[:19])
	require.ErrorIs(t, err, ErrNoRoom)
	_, err = m.Read(5, 31, buf)
	require.ErrorIs(t, err, ErrTooShort)
	_, err = m.Read(-1, 1, buf)
	require.ErrorIs(t, err, ErrTooShort)

	// ReadAt and WriteAt.
	got := make([]byte, 40)
	n, err := m.ReadAt(got, 3)
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, 32, n)
	require.Equal(t, all[3:], got[:n])
	n, err = m.ReadAt(got[:32], 3)
	require.NoError(t, err)
	require.Equal(t, 32, n)
	n, err = m.ReadAt(got, 35)
	require.ErrorIs(t, err, io.EOF)
	require.Zero(t, n)
	_, err = m.ReadAt(got, -1)
	require.Error(t, err)

	n, err = m.WriteAt([]byte("ABCDEFGHIJ"), 6)
	require.NoError(t, err)
	require.Equal(t, 10, n)
	copy(all[6:], "ABCDEFGHIJ")
	require.Equal(t, all, pktBytes(t, m))
	_, err = m.WriteAt([]byte("xy"), 34)
	require.ErrorIs(t, err, ErrTooShort)
	cl, err := m.Clone(p, nil)
	require.NoError(t, err)
	_, err = cl.WriteAt([]byte("x"), 0)
	require.ErrorIs(t, err, ErrShared)
	_, err = m.WriteAt([]byte("x"), 30)
	require.ErrorIs(t, err, ErrShared, "the original is shared too")
	require.Equal(t, all, pktBytes(t, m), "nothing written")
	cl.Free()
	m.Free()
}

// TestChainProperty applies random chain operations — Append, Prepend, Adj, Trim,
// Chain (of new, cloned or copied packets), Linearize, Copy, CopyRange, Clone,
// Read, ReadAt and WriteAt — and checks after each that PktLen is the sum of the
// segments' DataLen, NbSegs their number, Check passes, and the bytes are those
// of a []byte model.
func TestChainProperty(t *testing.T) {
	const room = 128 + 96
	p := newTestPktPool(t, PktPoolConfig{N: 255, CacheSize: 8, DataRoomSize: room})
	cp := newTestPktPool(t, PktPoolConfig{N: 255, DataRoomSize: 128 + 40})
	c := p.NewCache()
	defer c.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	var next byte
	fill := func(b []byte) []byte {
		for i := range b {
			next++
			b[i] = next
		}
		return b
	}
	check := func(m *Mbuf, model []byte, what string) {
		t.Helper()
		segs, sum := 0, 0
		for s := m; s != nil; s = s.Next() {
			segs++
			sum += s.DataLen()
		}
		require.Equal(t, sum, m.PktLen(), "%s: pkt_len != sum of data_len", what)
		require.Equal(t, segs, m.NbSegs(), "%s: nb_segs", what)
		require.NoError(t, m.Check(), what)
		require.True(t, bytes.Equal(model, pktBytes(t, m)), "%s: bytes differ", what)
	}
	buf := make([]byte, 2048)
	var clones []*Mbuf // kept alive for a while, to share buffers with m

	for round := 0; round < 150; round++ {
		m := p.Alloc(c)
		var model []byte
		for step := 0; step < 40; step++ {
			n := rng.IntN(140) - 10
			var what string
			switch op := rng.IntN(12); op {
			case 0:
				what = "append"
				if b := m.Append(n); b != nil {
					// Appending to a shared last segment would change a
					// clone's view: only fill it when writable.
					if m.LastSeg().Writable() {
						model = append(model, fill(b)...)
					} else {
						model = append(model, b...)
					}
				}
			case 1:
				what = "prepend"
				if b := m.Prepend(n); b != nil {
					if m.Writable() {
						fill(b)
					}
					model = append(append([]byte{}, b...), model...)
				}
			case 2:
				what = "adj"
				if m.Adj(n) == nil {
					model = model[n:]
				}
			case 3:
				what = "trim"
				if m.Trim(n) == nil {
					model = model[:len(model)-n]
				}
			case 4, 5:
				what = "chain"
				if m.NbSegs() >= 8 {
					continue
				}
				tail := p.Alloc(c)
				fill(tail.Append(rng.IntN(room - 128 + 1)))
				switch rng.IntN(3) {
				case 1: // a clone of it
					cl, err := tail.Clone(cp, nil)
					require.NoError(t, err)
					clones = append(clones, tail)
					tail = cl
				case 2: // a copy into small segments
					cpy, err := tail.Copy(cp, nil)
					require.NoError(t, err)
					tail.Free()
					tail = cpy
				}
				model = append(model, pktBytes(t, tail)...)
				require.NoError(t, m.Chain(tail))
			case 6:
				what = "linearize"
				err := m.Linearize()
				if err == nil {
					require.Equal(t, 1, m.NbSegs())
				} else {
					require.True(t, err == ErrNoRoom || err == ErrShared, "%v", err)
				}
			case 7:
				what = "copy"
				cpy, err := m.Copy(p, c)
				require.NoError(t, err)
				m.Free()
				m = cpy
			case 8:
				what = "copy range"
				off := rng.IntN(len(model) + 1)
				k := rng.IntN(len(model) - off + 1)
				cpy, err := m.CopyRange(cp, nil, off, k)
				require.NoError(t, err)
				check(cpy, model[off:off+k], what)
				cpy.Free()
			case 9:
				what = "clone"
				cl, err := m.Clone(cp, nil)
				require.NoError(t, err)
				check(cl, model, what)
				if rng.IntN(2) == 0 {
					m.Free() // continue with the clone
					m = cl
				} else {
					clones = append(clones, cl)
				}
			case 10:
				what = "read"
				off := rng.IntN(len(model) + 1)
				k := rng.IntN(len(model) - off + 1)
				b, err := m.Read(off, k, buf)
				require.NoError(t, err)
				require.Equal(t, string(model[off:off+k]), string(b))
				_, err = m.Read(off, len(model)-off+1, buf)
				require.ErrorIs(t, err, ErrTooShort)
				got := make([]byte, k)
				nr, err := m.ReadAt(got, int64(off))
				require.NoError(t, err)
				require.Equal(t, k, nr)
				require.Equal(t, string(model[off:off+k]), string(got))
			case 11:
				what = "write"
				off := rng.IntN(len(model) + 1)
				k := rng.IntN(len(model) - off + 1)
				src := fill(make([]byte, k))
				_, err := m.WriteAt(src, int64(off))
				if err == nil {
					copy(model[off:], src)
				} else {
					require.ErrorIs(t, err, ErrShared)
				}
			}
			check(m, model, what)
			if len(clones) > 6 {
				for _, x := range clones {
					x.Free()
				}
				clones = clones[:0]
			}
		}
		m.Free()
		for _, x := range clones {
			x.Free()
		}
		clones = clones[:0]
		require.Equal(t, 0, p.InUse())
		require.Equal(t, 0, cp.InUse())
	}
}
