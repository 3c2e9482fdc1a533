package mempool

import (
	"fmt"
	"io"
	"sync/atomic"
	"unsafe"
)

// refcntMax is the largest reference count Check accepts: anything above it is
// an underflow (a free too many) seen through the 32-bit counter.
const refcntMax = 1 << 24

// Check verifies the mbuf's header and chain (rte_mbuf_check on a packet head)
// and returns nil or an error wrapping ErrBadMbuf that names the mbuf, its pool,
// the segment and what is wrong. Per segment: the pool id names a live mbuf pool
// and the header sits at that pool's object of its index; the reference count is
// neither 0 nor absurd; the buffer is the segment's own (a direct mbuf), the
// direct mbuf's (Indirect: that one is a live direct mbuf of its pool with the
// same buffer), or a registered external one (External, with a shared info
// holding at least one reference); the data lies within the buffer. For the
// packet: DataLen <= PktLen, NbSegs is the number of segments and PktLen the sum
// of their DataLen.
//
// Check reads only the headers and follows at most NbSegs+1 next links, so it is
// safe on a corrupt chain; it is meant for tests and debugging, not the fast
// path (it allocates the error it returns).
func (m *Mbuf) Check() error {
	if m == nil {
		return fmt.Errorf("mbuf is nil: %w", ErrBadMbuf)
	}
	if _, ok := mbufFromAddr(uintptr(unsafe.Pointer(m))); !ok {
		return fmt.Errorf("mbuf %#x is not an mbuf of a live pool: %w", uintptr(unsafe.Pointer(m)), ErrBadMbuf)
	}
	if uint32(m.dataLen) > m.pktLen {
		return m.bad(0, "data_len %d > pkt_len %d", m.dataLen, m.pktLen)
	}
	segs, sum := 0, uint64(0)
	for s := m; ; {
		if segs >= int(m.nbSegs) {
			return m.bad(segs, "chain longer than nb_segs %d", m.nbSegs)
		}
		if err := s.checkSeg(m, segs); err != nil {
			return err
		}
		segs++
		sum += uint64(s.dataLen)
		if s.next == 0 {
			break
		}
		if _, ok := mbufFromAddr(s.next); !ok {
			return m.bad(segs-1, "next %#x is not an mbuf of a live pool", s.next)
		}
		s = mbufAt(s.next)
	}
	if segs != int(m.nbSegs) {
		return m.bad(0, "nb_segs %d but %d segments", m.nbSegs, segs)
	}
	if sum != uint64(m.pktLen) {
		return m.bad(0, "pkt_len %d but segments hold %d bytes", m.pktLen, sum)
	}
	return nil
}

// bad formats a Check error about segment seg of packet m.
func (m *Mbuf) bad(seg int, format string, args ...any) error {
	name := "?"
	if p := poolByID(m.pool); p != nil {
		name = p.name
	}
	return fmt.Errorf("mbuf %#x (pool %d %q, index %d) segment %d: %s: %w",
		uintptr(unsafe.Pointer(m)), m.pool, name, m.index, seg, fmt.Sprintf(format, args...), ErrBadMbuf)
}

// mbufFromAddr finds the live mbuf pool whose object addr is the start of, so
// that a corrupt address is never dereferenced. It scans the pool registry: for
// Check and Dump only.
func mbufFromAddr(addr uintptr) (*Pool, bool) {
	if addr == 0 {
		return nil, false
	}
	for i := range registry {
		p := registry[i].Load()
		if p == nil || !p.pkt {
			continue
		}
		if idx, ok := p.IndexOf(addr); ok && uintptr(p.Object(idx)) == addr {
			return p, true
		}
	}
	return nil, false
}

// checkSeg checks one segment (rte_mbuf_check with is_header 0, plus the buffer
// and pool consistency our headers allow).
func (m *Mbuf) checkSeg(head *Mbuf, seg int) error {
	p := poolByID(m.pool)
	if p == nil || !p.pkt {
		return head.bad(seg, "pool id %d is not a live mbuf pool", m.pool)
	}
	if m.index >= p.n || p.Mbuf(m.index) != m {
		return head.bad(seg, "header at %#x is not object %d of pool %q", uintptr(unsafe.Pointer(m)), m.index, p.name)
	}
	if rc := atomic.LoadUint32(&m.refcnt); rc == 0 || rc > refcntMax {
		return head.bad(seg, "bad refcnt %d", int32(rc))
	}
	if m.bufAddr == 0 {
		return head.bad(seg, "buffer address is 0")
	}
	own := uintptr(unsafe.Pointer(m)) + MbufHeaderSize + uintptr(m.privSize)
	switch m.olFlags & (Indirect | External) {
	case 0:
		if m.privSize != p.privSize || m.bufAddr != own || m.bufLen != p.bufLen {
			return head.bad(seg, "direct mbuf with buffer %#x+%d, want its own %#x+%d (priv %d)",
				m.bufAddr, m.bufLen, own, p.bufLen, p.privSize)
		}
	case Indirect:
		if _, ok := mbufFromAddr(m.ext); !ok {
			return head.bad(seg, "indirect mbuf's direct mbuf %#x is not an mbuf of a live pool", m.ext)
		}
		md := mbufAt(m.ext)
		if md.olFlags&(Indirect|External) != 0 {
			return head.bad(seg, "indirect mbuf's direct mbuf %#x is not direct", m.ext)
		}
		if rc := atomic.LoadUint32(&md.refcnt); rc == 0 || rc > refcntMax {
			return head.bad(seg, "indirect mbuf's direct mbuf %#x has bad refcnt %d", m.ext, int32(rc))
		}
		// The direct mbuf's address is also what rte_mbuf_from_indirect computes.
		if md.bufAddr != m.bufAddr || md.bufLen != m.bufLen ||
			m.bufAddr-MbufHeaderSize-uintptr(md.privSize) != m.ext {
			return head.bad(seg, "indirect mbuf's buffer %#x+%d is not that of its direct mbuf %#x (%#x+%d)",
				m.bufAddr, m.bufLen, m.ext, md.bufAddr, md.bufLen)
		}
	case External:
		x := extByID(uint32(m.ext))
		if m.ext == 0 || m.ext > MaxExtSharedInfos || x == nil {
			return head.bad(seg, "external buffer shared info id %d is not registered", m.ext)
		}
		if rc := x.refcnt.Load(); rc == 0 || rc > refcntMax {
			return head.bad(seg, "external buffer shared info %d has bad refcnt %d", m.ext, int32(rc))
		}
	default:
		return head.bad(seg, "both Indirect and External flags set")
	}
	if m.dataOff > m.bufLen {
		return head.bad(seg, "data offset %d beyond buffer length %d", m.dataOff, m.bufLen)
	}
	if int(m.dataOff)+int(m.dataLen) > int(m.bufLen) {
		return head.bad(seg, "data offset %d + data length %d beyond buffer length %d", m.dataOff, m.dataLen, m.bufLen)
	}
	return nil
}

// Dump writes a description of the packet to w (rte_pktmbuf_dump): the head's
// fields (pool, buffer, PktLen, offload flags with their names, segments, port,
// VLAN tags when flagged, packet type with its name), then for each segment its
// address, data address, length, data offset, reference count and kind
// (direct, indirect, external), followed by a hex dump of its data, up to
// maxBytes bytes of data over all segments. If Check finds a problem, a last
// line says what. Write errors are ignored; Dump is a debugging aid and
// allocates.
func (m *Mbuf) Dump(w io.Writer, maxBytes int) {
	pname := "?"
	if p := poolByID(m.pool); p != nil {
		pname = p.name
	}
	fmt.Fprintf(w, "dump mbuf at %#x, iova=%#x, buf_len=%d, pool=%q (id %d), index=%d\n",
		uintptr(unsafe.Pointer(m)), m.bufAddr, m.bufLen, pname, m.pool, m.index)
	fmt.Fprintf(w, "  pkt_len=%d, ol_flags=%#x, nb_segs=%d, port=%d", m.pktLen, m.olFlags, m.nbSegs, m.port)
	if m.olFlags&(RxQinQ|TxQinQ) != 0 {
		fmt.Fprintf(w, ", vlan_tci_outer=%d", m.vlanTCIOuter)
	}
	if m.olFlags&(RxVLAN|TxVLAN) != 0 {
		fmt.Fprintf(w, ", vlan_tci=%d", m.vlanTCI)
	}
	fmt.Fprintf(w, ", ptype=%#x\n", m.packetType)
	if m.olFlags != 0 {
		fmt.Fprintf(w, "  ol_flags: %s\n", FlagNames(m.olFlags))
	}
	if m.packetType != 0 {
		fmt.Fprintf(w, "  ptype: %s\n", PTypeString(m.packetType))
	}
	left := max(maxBytes, 0)
	n := 0
	for s := m; n < int(m.nbSegs); s = mbufAt(s.next) {
		kind := "direct"
		switch {
		case s.olFlags&Indirect != 0:
			kind = fmt.Sprintf("indirect of %#x", s.ext)
		case s.olFlags&External != 0:
			kind = fmt.Sprintf("external, shared info %d", s.ext)
		}
		fmt.Fprintf(w, "  segment at %#x, data=%#x, len=%d, off=%d, refcnt=%d, %s\n",
			uintptr(unsafe.Pointer(s)), s.DataAddr(), s.dataLen, s.dataOff, s.RefCnt(), kind)
		if k := min(left, int(s.dataLen)); k > 0 && int(s.dataOff)+int(s.dataLen) <= int(s.bufLen) {
			hexdump(w, s.dataAt(0, k))
			left -= k
		}
		n++
		if _, ok := mbufFromAddr(s.next); !ok {
			break // the end, or a corrupt link Check reports below
		}
	}
	if err := m.Check(); err != nil {
		fmt.Fprintf(w, "  check: %v\n", err)
	}
}

// hexdump writes b as rte_hexdump does: offset, 16 bytes in hex, and the
// printable characters.
func hexdump(w io.Writer, b []byte) {
	const digits = "0123456789ABCDEF"
	line := make([]byte, 0, 80)
	for off := 0; off < len(b); off += 16 {
		row := b[off:min(off+16, len(b))]
		line = append(line[:0], fmt.Sprintf("  %08X:", off)...)
		for _, c := range row {
			line = append(line, ' ', digits[c>>4], digits[c&0xf])
		}
		for i := len(row); i < 16; i++ {
			line = append(line, "   "...)
		}
		line = append(line, " | "...)
		for _, c := range row {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			line = append(line, c)
		}
		line = append(line, '\n')
		w.Write(line) //nolint:errcheck // debugging output
	}
}
