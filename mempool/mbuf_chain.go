package mempool

import (
	"io"
	"unsafe"
)

// Operations on multi-segment packets: linearize, deep copy, and reads and
// writes at an offset across segments. None allocates Go memory; the ones that
// take mbufs from a pool are all or nothing.

// IsContiguous reports whether the packet has a single segment
// (rte_pktmbuf_is_contiguous).
func (m *Mbuf) IsContiguous() bool { return m.nbSegs == 1 }

// segAt finds the segment holding packet offset off (0 <= off <= PktLen) and the
// offset within it. Empty segments are skipped; off == PktLen gives the end of
// the last non-empty segment's data, or of the last segment.
func (m *Mbuf) segAt(off int) (*Mbuf, int) {
	s := m
	for off >= int(s.dataLen) && s.next != 0 {
		off -= int(s.dataLen)
		s = mbufAt(s.next)
	}
	return s, off
}

// dataAt is the n bytes of segment m from its data offset plus off.
func (m *Mbuf) dataAt(off, n int) []byte {
	return bytesAt(m.bufAddr+uintptr(m.dataOff)+uintptr(off), n)
}

// Linearize gathers a multi-segment packet into its first segment
// (rte_pktmbuf_linearize): the other segments' data is copied after the first's,
// and they are freed. It returns ErrNoRoom when the first segment's tailroom is
// smaller than the data to move, and ErrShared when the first segment's buffer
// is not Writable (an indirect mbuf, or one with more than one reference); in
// both cases nothing changes. A single-segment packet is left alone.
func (m *Mbuf) Linearize() error {
	if m.next == 0 {
		return nil
	}
	rest := int(m.pktLen) - int(m.dataLen)
	if rest < 0 || rest > m.Tailroom() {
		return ErrNoRoom
	}
	if !m.Writable() {
		return ErrShared
	}
	dst := m.dataAt(int(m.dataLen), rest)
	n := 0
	tail := mbufAt(m.next)
	for s := tail; s != nil && n < rest; s = s.Next() {
		n += copy(dst[n:], s.Data())
	}
	m.next = 0
	m.nbSegs = 1
	m.dataLen += uint16(n)
	m.pktLen = uint32(m.dataLen)
	tail.Free()
	return nil
}

// Copy is a deep copy of the packet into new mbufs from pool p (through cache c,
// nil for the shared ring): CopyRange of the whole packet.
func (m *Mbuf) Copy(p *Pool, c *Cache) (*Mbuf, error) {
	return m.CopyRange(p, c, 0, int(m.pktLen))
}

// CopyRange copies bytes [off, off+n) of the packet into a new packet of mbufs
// from pool p (rte_pktmbuf_copy), filling each new segment from the pool's
// headroom to the end of its buffer before chaining the next. The copy gets m's
// metadata (port, VLAN tags, TX offload lengths, RSS hash, packet type,
// Udata64) and offload flags, except Indirect and External: it is a direct
// packet of its own, whatever m is.
//
// It returns ErrTooShort when the range is not within the packet (unlike DPDK,
// which truncates it), ErrInvalid when p is not an mbuf pool, ErrNoRoom when p's
// mbufs have no room after the headroom, ErrTooMany when the copy would need more
// than MaxSegs segments, and ErrNoEntries when p runs out, having freed the
// mbufs it took: all or nothing.
func (m *Mbuf) CopyRange(p *Pool, c *Cache, off, n int) (*Mbuf, error) {
	if off < 0 || n < 0 || off > int(m.pktLen)-n {
		return nil, ErrTooShort
	}
	if !p.pkt {
		return nil, ErrInvalid
	}
	room := int(p.bufLen) - int(p.headroom)
	if n > 0 && room <= 0 {
		return nil, ErrNoRoom
	}
	if n > 0 && (n+room-1)/room > MaxSegs {
		return nil, ErrTooMany
	}
	mc := p.Alloc(c)
	if mc == nil {
		return nil, ErrNoEntries
	}
	mc.copyHdr(m)
	mc.olFlags = m.olFlags &^ (Indirect | External)
	seg, soff := m.segAt(off)
	last := mc
	for n > 0 {
		for soff >= int(seg.dataLen) {
			if seg.next == 0 { // PktLen larger than the chain's data
				mc.Free()
				return nil, ErrBadMbuf
			}
			soff -= int(seg.dataLen)
			seg = mbufAt(seg.next)
		}
		if last.Tailroom() == 0 {
			nm := p.Alloc(c)
			if nm == nil {
				mc.Free()
				return nil, ErrNoEntries
			}
			last.next = uintptr(unsafe.Pointer(nm))
			last = nm
			mc.nbSegs++
		}
		k := min(int(seg.dataLen)-soff, n, last.Tailroom())
		copy(last.dataAt(int(last.dataLen), k), seg.dataAt(soff, k))
		last.dataLen += uint16(k)
		mc.pktLen += uint32(k)
		soff += k
		n -= k
	}
	return mc, nil
}

// Read returns n bytes of the packet from offset off (rte_pktmbuf_read). When
// they lie in one segment, the result is that segment's data itself (no copy;
// valid while the caller owns m, and writing to it writes the packet);
// otherwise they are copied into buf, which must hold n bytes (ErrNoRoom if
// not), and the result is buf[:n]. It returns ErrTooShort when [off, off+n) is
// not within the packet. It allocates nothing.
func (m *Mbuf) Read(off, n int, buf []byte) ([]byte, error) {
	if off < 0 || n < 0 || off > int(m.pktLen)-n {
		return nil, ErrTooShort
	}
	seg, soff := m.segAt(off)
	if soff+n <= int(seg.dataLen) {
		return seg.dataAt(soff, n), nil
	}
	if len(buf) < n {
		return nil, ErrNoRoom
	}
	if seg.copyOut(buf[:n], soff) != n {
		return nil, ErrBadMbuf
	}
	return buf[:n], nil
}

// copyOut copies from segment m at data offset off onwards, across the
// following segments, into dst; it returns the number of bytes copied.
func (m *Mbuf) copyOut(dst []byte, off int) int {
	n := 0
	for s := m; s != nil && n < len(dst); s = s.Next() {
		if off < int(s.dataLen) {
			n += copy(dst[n:], s.dataAt(off, int(s.dataLen)-off))
		}
		off = 0
	}
	return n
}

// ReadAt copies packet bytes from offset off into p, across segments
// (io.ReaderAt). It returns io.EOF with the bytes copied when fewer than len(p)
// remain after off.
func (m *Mbuf) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, ErrTooShort
	}
	if off >= int64(m.pktLen) {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	want := min(len(p), int(int64(m.pktLen)-off))
	seg, soff := m.segAt(int(off))
	n := seg.copyOut(p[:want], soff)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// WriteAt copies p over the packet's bytes from offset off, across segments
// (io.WriterAt); it never grows the packet. All or nothing: it returns
// ErrTooShort when [off, off+len(p)) is not within the packet, and ErrShared
// when a segment it would write to is not Writable (shared with a clone, or
// holding more than one reference).
func (m *Mbuf) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(m.pktLen)-int64(len(p)) {
		return 0, ErrTooShort
	}
	first, soff := m.segAt(int(off))
	left := len(p) + soff
	for s := first; s != nil && left > 0; s = s.Next() {
		if s.dataLen > 0 && !s.Writable() {
			return 0, ErrShared
		}
		left -= int(s.dataLen)
	}
	n := 0
	for s := first; s != nil && n < len(p); s = s.Next() {
		if soff < int(s.dataLen) {
			n += copy(s.dataAt(soff, int(s.dataLen)-soff), p[n:])
		}
		soff = 0
	}
	if n < len(p) {
		return n, ErrBadMbuf
	}
	return n, nil
}
