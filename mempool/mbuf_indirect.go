package mempool

import (
	"sync/atomic"
	"unsafe"
)

// Indirect mbufs (DPDK's rte_pktmbuf_attach / detach / clone).
//
// An indirect mbuf has no data of its own: its buffer address, buffer length,
// data offset and data length are those of a direct mbuf, whose reference count
// it holds one unit of. Headers hold no Go pointers, so the indirect mbuf keeps
// the direct mbuf's address in its ext word (an address into a pool segment, like
// next). The address is also what DPDK's rte_mbuf_from_indirect computes,
// buffer address - 128 - private size, since a direct mbuf's buffer follows its
// own header in the same pool object; Check verifies the two agree. Keeping it
// explicitly leaves the indirect mbuf's own private size (and Priv) alone, where
// DPDK overwrites priv_size.
//
// An mbuf attached to an mbuf with an external buffer becomes external too (it
// shares the ExtSharedInfo, whose count goes up), never indirect: there is no
// direct mbuf to count on.

// IsIndirect reports whether the segment uses another mbuf's buffer
// (RTE_MBUF_CLONED).
func (m *Mbuf) IsIndirect() bool { return m.olFlags&Indirect != 0 }

// HasExtBuf reports whether the segment's buffer is an external one
// (RTE_MBUF_HAS_EXTBUF).
func (m *Mbuf) HasExtBuf() bool { return m.olFlags&External != 0 }

// IsDirect reports whether the segment uses its own buffer (RTE_MBUF_DIRECT).
func (m *Mbuf) IsDirect() bool { return m.olFlags&(Indirect|External) == 0 }

// DirectMbuf is the mbuf that owns the segment's buffer (rte_mbuf_from_indirect):
// m itself for a direct mbuf, the direct mbuf for an indirect one, nil for an
// external buffer.
func (m *Mbuf) DirectMbuf() *Mbuf {
	switch {
	case m.olFlags&Indirect != 0:
		return mbufAt(m.ext)
	case m.olFlags&External != 0:
		return nil
	}
	return m
}

// Writable reports whether the segment's data may be changed without another
// owner seeing it: the segment has one reference and its buffer is its own and
// not attached to (a direct mbuf with clones has a count above 1), or an
// external buffer no other mbuf is attached to.
func (m *Mbuf) Writable() bool {
	if atomic.LoadUint32(&m.refcnt) != 1 || m.olFlags&Indirect != 0 {
		return false
	}
	if m.olFlags&External != 0 {
		s := extByID(uint32(m.ext))
		return s != nil && s.refcnt.Load() == 1
	}
	return true
}

// Attach makes m an indirect mbuf that refers to src's segment
// (rte_pktmbuf_attach(m, src)): m gets src's buffer, data offset and length,
// metadata (port, VLAN tags, TX offload lengths, RSS hash, packet type,
// Udata64) and offload flags plus Indirect, and one reference to the direct mbuf
// owning the buffer (src, or src's direct mbuf when src is itself indirect). When
// src has an external buffer, m attaches to that buffer instead (flag External,
// one more reference on its ExtSharedInfo).
//
// Only src's segment is attached (m becomes a one-segment packet); Clone does a
// whole chain. m must be a direct, single-segment mbuf with one reference, not
// src; otherwise Attach returns ErrShared and changes nothing. Freeing or
// detaching m drops the reference; the direct mbuf goes back to its pool when
// the last one goes.
//
// The buffer is shared from then on: neither m's nor src's owner should write to
// the data (Writable reports false on both) except by agreement.
func (m *Mbuf) Attach(src *Mbuf) error {
	if m == src || m.olFlags&(Indirect|External) != 0 || m.next != 0 ||
		atomic.LoadUint32(&m.refcnt) != 1 {
		return ErrShared
	}
	m.attach(src)
	return nil
}

// attach is Attach without the checks.
func (m *Mbuf) attach(src *Mbuf) {
	if src.olFlags&External != 0 {
		extByID(uint32(src.ext)).refcnt.Add(1)
		m.ext = src.ext
		m.olFlags = src.olFlags
	} else {
		md := src
		if src.olFlags&Indirect != 0 {
			md = mbufAt(src.ext)
		}
		atomic.AddUint32(&md.refcnt, 1)
		m.ext = uintptr(unsafe.Pointer(md))
		m.olFlags = src.olFlags | Indirect
	}
	m.copyHdr(src)
	m.bufAddr = src.bufAddr
	m.bufLen = src.bufLen
	m.dataOff = src.dataOff
	m.dataLen = src.dataLen
	m.next = 0
	m.pktLen = uint32(src.dataLen)
	m.nbSegs = 1
}

// copyHdr copies the packet metadata that attach and copy carry over
// (__rte_pktmbuf_copy_hdr): port, VLAN tags, TX offload lengths, the hash word,
// packet type and the application's Udata64 words.
func (m *Mbuf) copyHdr(src *Mbuf) {
	m.port = src.port
	m.vlanTCI = src.vlanTCI
	m.vlanTCIOuter = src.vlanTCIOuter
	m.txOffload = src.txOffload
	m.rssHash = src.rssHash
	m.fdirHi = src.fdirHi
	m.packetType = src.packetType
	m.udata = src.udata
}

// Detach undoes Attach or AttachExtBuf on one segment (rte_pktmbuf_detach): it
// drops the segment's reference to the direct mbuf (which goes back to its pool
// if that was the last) or to the external buffer (whose free callback runs if
// that was the last), and gives the segment its own, empty buffer back: data
// offset the pool's headroom, data length 0, offload flags 0. Other metadata is
// kept. PktLen shrinks by the bytes the segment held, which keeps a lone mbuf or
// a packet's first segment consistent; after detaching a later segment of a
// chain, the first segment's PktLen is the caller's to fix. Detach of a direct
// mbuf does nothing.
//
// Free detaches by itself; Detach is for reusing the mbuf header at once.
func (m *Mbuf) Detach() {
	if m.olFlags&(Indirect|External) == 0 {
		return
	}
	n := uint32(m.dataLen)
	m.detach()
	if m.pktLen >= n {
		m.pktLen -= n
	} else {
		m.pktLen = 0
	}
}

// detach drops the segment's reference to its buffer and restores its own.
func (m *Mbuf) detach() {
	if m.olFlags&External != 0 {
		extByID(uint32(m.ext)).release()
	} else {
		md := mbufAt(m.ext)
		if atomic.AddUint32(&md.refcnt, ^uint32(0)) == 0 {
			// The last reference to the direct mbuf: back to its pool, as a
			// freed segment (rte_pktmbuf_free_direct).
			md.next = 0
			md.nbSegs = 1
			atomic.StoreUint32(&md.refcnt, 1)
			idx := [1]uint32{md.index}
			mbufPool(md, "Mbuf.Detach").ringPut(idx[:])
		}
	}
	p := poolByID(m.pool)
	m.bufAddr = uintptr(unsafe.Pointer(m)) + MbufHeaderSize + uintptr(m.privSize)
	m.bufLen = p.bufLen
	m.dataOff = p.headroom
	m.dataLen = 0
	m.olFlags = 0
	m.ext = 0
}

// Clone makes an indirect copy of the packet (rte_pktmbuf_clone): one mbuf from
// pool p (through cache c, nil for the shared ring) per segment, each attached
// to the matching segment of m, chained, with m's PktLen, NbSegs, offload flags
// and metadata. The data is not copied: the clone and m share it and should
// treat it as read-only. Every segment of m gains a reference, dropped when the
// clone is freed.
//
// All or nothing: when p runs out, the mbufs taken so far are freed (their
// references dropped) and Clone returns ErrNoEntries. It returns ErrInvalid when
// p is not an mbuf pool. It allocates no Go memory.
func (m *Mbuf) Clone(p *Pool, c *Cache) (*Mbuf, error) {
	if !p.pkt {
		return nil, ErrInvalid
	}
	head := p.Alloc(c)
	if head == nil {
		return nil, ErrNoEntries
	}
	head.attach(m)
	last := head
	for s := m.Next(); s != nil; s = s.Next() {
		mi := p.Alloc(c)
		if mi == nil {
			head.Free()
			return nil, ErrNoEntries
		}
		mi.attach(s)
		last.next = uintptr(unsafe.Pointer(mi))
		last = mi
	}
	head.pktLen = m.pktLen
	head.nbSegs = m.nbSegs
	return head, nil
}
