//go:build linux

package afpacket

import (
	"encoding/binary"
	"sync/atomic"
	"syscall"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/internal/sys"
	"github.com/dpk-go/dpk/internal/tpacket"
	"github.com/dpk-go/dpk/mempool"
)

const (
	vlanTagLen = 4
	tpid8021Q  = 0x8100
	macsLen    = 12 // destination and source addresses, before the EtherType or tag
)

// rxRing is the RX half of a queue pair: a TPACKET_V3 ring of blocks. The kernel
// fills blocks in order, packing packets one after another, and hands a block
// over by storing TP_STATUS_USER in its block_status when the block is full or
// its retire timer fires. The cursor (current block, offset of the next packet,
// packets left) stays here between bursts, so a burst that stops in the middle of
// a block (caller's slice full, pool empty) resumes there; the block goes back to
// the kernel (TP_STATUS_KERNEL) only once every packet in it has been read.
//
// One goroutine at a time polls it (the queue's lcore); the counters are atomics
// for the control path to read.
type rxRing struct {
	mem       []byte // the RX part of the mapping
	blockSize int
	nBlocks   int
	blk       int // current block
	blkOff    int // its byte offset in mem
	pktOff    int // offset in the block of the next packet
	left      int // packets of the current block not read yet; 0 = no block held

	truncated    atomic.Uint64 // tp_snaplen < tp_len: dropped
	mbufTooSmall atomic.Uint64 // frame longer than an mbuf's room: dropped
	badBlocks    atomic.Uint64 // block with inconsistent offsets: given back unread
	_            [64]byte      // keep the TX half's hot fields off this line
}

func (r *rxRing) init(mem []byte, g geometry) {
	r.mem = mem
	r.blockSize = g.blockSize
	r.nBlocks = g.rxBlocks
}

// acquire takes the current block if the kernel has handed it over (a load-acquire
// of block_status) and reports whether a block with packets is now held. Empty or
// inconsistent blocks are handed straight back.
func (r *rxRing) acquire() bool {
	for range r.nBlocks {
		b := tpacket.BlockAt(r.mem, r.blkOff)
		if b.Status()&tpacket.StatusUser == 0 {
			return false
		}
		np, first := int(b.NumPkts), int(b.OffsetToFirstPkt)
		if np > 0 && first >= tpacket.BlockDescSize && first <= r.blockSize-tpacket.Hdr3Size {
			r.left, r.pktOff = np, first
			return true
		}
		if np > 0 {
			r.badBlocks.Add(1)
		}
		r.release()
	}
	return false
}

// release hands the current block back to the kernel (store-release of
// TP_STATUS_KERNEL) and moves to the next one.
func (r *rxRing) release() {
	tpacket.BlockAt(r.mem, r.blkOff).SetStatus(tpacket.StatusKernel)
	r.left = 0
	r.blk++
	r.blkOff += r.blockSize
	if r.blk == r.nBlocks {
		r.blk, r.blkOff = 0, 0
	}
}

// discard hands back, unread, every block the kernel has handed over.
func (r *rxRing) discard() {
	if r.left > 0 {
		r.release()
	}
	for i := 0; i < r.nBlocks && r.acquire(); i++ {
		r.release()
	}
}

// rxQueue is an RX queue handle over a queue pair's ring.
type rxQueue struct {
	r         *rxRing
	pool      *mempool.Pool
	cache     *mempool.Cache // the queue's cache of pool; nil if the pool has none
	stats     *ethdev.QueueStats
	port      uint16
	vlanStrip bool
}

var _ ethdev.RxBurster = (*rxQueue)(nil)

func (q *rxQueue) release() { q.cache.Close() }

// RxBurst copies up to len(pkts) received frames out of the ring into mbufs
// allocated in bulk through the queue's cache. It makes no system call: the
// kernel fills the ring on its own.
//
// Ownership: the caller owns pkts[:n]. The ring's memory is never handed out.
func (q *rxQueue) RxBurst(pkts []*mempool.Mbuf) int {
	r := q.r
	n := 0
	for n < len(pkts) {
		if r.left == 0 && !r.acquire() {
			break
		}
		want := min(len(pkts)-n, r.left)
		got := q.alloc(pkts[n : n+want])
		if got == 0 {
			break // pool empty: the packets wait in the block for the next burst
		}
		used := q.fill(pkts[n : n+got])
		if used < got {
			q.putBack(pkts[n+used : n+got])
		}
		n += used
		if got < want {
			break
		}
	}
	return n
}

// alloc fills ms with mbufs: all at once if the pool can, else as many as it has
// (one rx_nombuf for the allocation that failed).
func (q *rxQueue) alloc(ms []*mempool.Mbuf) int {
	if q.pool.AllocBulk(q.cache, ms) == nil {
		return len(ms)
	}
	for i := range ms {
		m := q.pool.Alloc(q.cache)
		if m == nil {
			q.stats.Nombuf.Add(1)
			return i
		}
		ms[i] = m
	}
	return len(ms)
}

// putBack returns unused, freshly allocated mbufs to the queue's cache.
func (q *rxQueue) putBack(ms []*mempool.Mbuf) {
	var idx [32]uint32
	for len(ms) > 0 {
		k := min(len(ms), len(idx))
		for i, m := range ms[:k] {
			idx[i] = m.Index()
			ms[i] = nil
		}
		q.pool.PutBulk(q.cache, idx[:k])
		ms = ms[k:]
	}
}

// fill copies packets of the held block into ms, in order, until ms is used up or
// the block is; dropped packets (truncated, too long for an mbuf) use no mbuf. It
// returns how many mbufs it filled.
func (q *rxQueue) fill(ms []*mempool.Mbuf) int {
	r := q.r
	used := 0
	for used < len(ms) && r.left > 0 {
		h := tpacket.Hdr3At(r.mem, r.blkOff+r.pktOff)
		if h == nil {
			q.badBlock()
			break
		}
		snap, wire, mac := int(h.Snaplen), int(h.Len), int(h.Mac)
		if mac < tpacket.Hdr3Size || snap > r.blockSize-r.pktOff-mac {
			q.badBlock()
			break
		}
		status := h.Status()
		src := r.mem[r.blkOff+r.pktOff+mac:][:snap]
		switch {
		case snap < wire:
			r.truncated.Add(1)
			q.stats.Errors.Add(1)
		case q.copyOut(ms[used], src, h, status):
			used++
		default:
			r.mbufTooSmall.Add(1)
			q.stats.Errors.Add(1)
		}
		// The packet is copied: step to the next, and give the block back once
		// its last packet is read.
		next := int(h.NextOffset)
		r.left--
		if r.left == 0 {
			r.release()
			break
		}
		r.pktOff += next
		if next < tpacket.Hdr3Size || r.pktOff > r.blockSize-tpacket.Hdr3Size {
			q.badBlock()
			break
		}
	}
	return used
}

// copyOut copies one frame into m and sets its metadata. A tag the kernel
// stripped (TP_STATUS_VLAN_VALID) is reported as DPDK's af_packet does: with the
// VLAN_STRIP offload, RxVLAN|RxVLANStripped and VlanTCI; without it, the tag is
// put back in the frame (TPID from the kernel, 0x8100 if it gave none), with
// RxVLAN and VlanTCI. It reports false if m is too small.
func (q *rxQueue) copyOut(m *mempool.Mbuf, src []byte, h *tpacket.Hdr3, status uint32) bool {
	if status&tpacket.StatusVLANValid != 0 {
		tci := uint16(h.VlanTCI)
		if !q.vlanStrip && len(src) >= macsLen {
			b := m.Append(len(src) + vlanTagLen)
			if b == nil {
				return false
			}
			tpid := uint16(tpid8021Q)
			if status&tpacket.StatusVLANTPIDValid != 0 && h.VlanTPID != 0 {
				tpid = h.VlanTPID
			}
			copy(b, src[:macsLen])
			binary.BigEndian.PutUint16(b[macsLen:], tpid)
			binary.BigEndian.PutUint16(b[macsLen+2:], tci)
			copy(b[macsLen+vlanTagLen:], src[macsLen:])
			m.SetOlFlags(mempool.RxVLAN)
		} else {
			b := m.Append(len(src))
			if b == nil {
				return false
			}
			copy(b, src)
			m.SetOlFlags(mempool.RxVLAN | mempool.RxVLANStripped)
		}
		m.SetVlanTCI(tci)
	} else {
		b := m.Append(len(src))
		if b == nil {
			return false
		}
		copy(b, src)
	}
	m.SetPort(q.port)
	return true
}

// badBlock gives back a block whose offsets do not add up (never seen from a
// sane kernel), with the packets left in it counted as errors.
func (q *rxQueue) badBlock() {
	q.r.badBlocks.Add(1)
	q.stats.Errors.Add(uint64(q.r.left))
	q.r.release()
}

// txRing is the TX half of a queue pair: a ring of fixed-size frames, each a
// tpacket3_hdr with the frame data at offset 48. A frame is free while its
// tp_status is TP_STATUS_AVAILABLE; we fill it and store SEND_REQUEST
// (release); a sendto kick makes the kernel send every requested frame (SENDING),
// and the frame becomes AVAILABLE again once the kernel is done with its memory.
// Frames are used in ring order, so the frame at head is the oldest one.
type txRing struct {
	fd        int
	mem       []byte // the TX part of the mapping
	blockSize int
	frameSize int
	fpb       int // frames per block
	nFrames   int
	head      int // next frame to fill
	headOff   int // its byte offset in mem

	maxLen atomic.Int32 // longest frame accepted: min(frame room, MTU + 14 + 4)

	tooBig     atomic.Uint64 // frame longer than maxLen: dropped
	badFrames  atomic.Uint64 // frame too short for a VLAN tag, or lengths inconsistent: dropped
	ringFull   atomic.Uint64 // bursts that found no free frame
	kickErrors atomic.Uint64 // sendto kicks that failed
	_          [64]byte
}

func (r *txRing) init(fd int, mem []byte, g geometry) {
	r.fd = fd
	r.mem = mem
	r.blockSize = g.blockSize
	r.frameSize = g.frameSize
	r.fpb = g.framesPerBlock
	r.nFrames = g.txFrames
	r.maxLen.Store(int32(g.maxFrameLen()))
}

// setMTU bounds the frames TX accepts to what the kernel sends on an interface
// of that MTU: MTU plus Ethernet header plus one VLAN tag.
func (r *txRing) setMTU(mtu int) {
	r.maxLen.Store(int32(min(r.frameSize-tpacket.TxData3Offset, mtu+ethdev.EtherHdrLen+vlanTagLen)))
}

func (r *txRing) advance() {
	r.head++
	if r.head == r.nFrames {
		r.head = 0
	}
	r.headOff = tpacket.FrameOffset(r.head, r.fpb, r.blockSize, r.frameSize)
}

// txQueue is a TX queue handle over a queue pair's ring.
type txQueue struct {
	r      *txRing
	stats  *ethdev.QueueStats
	caches mempool.CacheSet // frees sent mbufs to their pools' caches
}

var _ ethdev.TxBurster = (*txQueue)(nil)

func (q *txQueue) release() { q.caches.Close() }

// TxBurst copies each mbuf chain into the next free TX frame (inserting the VLAN
// tag in software when the mbuf asks for it with TxVLAN), marks the frames
// SEND_REQUEST and kicks the kernel once with sendto(MSG_DONTWAIT). It stops at
// the first frame the kernel still holds. Frames too long for a ring frame or the
// MTU are dropped and counted in oerrors.
//
// Ownership: the driver takes pkts[:k] (sent or dropped) and frees them at once
// through the queue's caches (the data was copied); pkts[k:] stay the caller's.
func (q *txQueue) TxBurst(pkts []*mempool.Mbuf) int {
	r := q.r
	maxLen := int(r.maxLen.Load())
	queued, k := 0, 0
	kick := false
	for ; k < len(pkts); k++ {
		m := pkts[k]
		n := m.PktLen()
		tag := m.OlFlags()&mempool.TxVLAN != 0
		if tag {
			n += vlanTagLen
		}
		if n > maxLen {
			r.tooBig.Add(1)
			q.stats.ErrBytes.Add(uint64(m.PktLen()))
			q.stats.Errors.Add(1)
			continue
		}
		h := tpacket.Hdr3At(r.mem, r.headOff)
		if st := h.Status(); st&(tpacket.StatusSendRequest|tpacket.StatusSending) != 0 {
			r.ringFull.Add(1)
			// Frames requested in an earlier burst not sent yet (its kick failed
			// transiently): kick again.
			kick = st&tpacket.StatusSendRequest != 0
			break
		}
		data := r.mem[r.headOff+tpacket.TxData3Offset:][:n]
		if !copyFrame(data, m, tag) {
			r.badFrames.Add(1)
			q.stats.ErrBytes.Add(uint64(m.PktLen()))
			q.stats.Errors.Add(1)
			continue
		}
		h.Len = uint32(n)
		h.Snaplen = uint32(n)
		h.NextOffset = 0
		h.SetStatus(tpacket.StatusSendRequest)
		r.advance()
		queued++
	}
	if queued > 0 || kick {
		if e := sys.Kick(r.fd); e != 0 && e != syscall.EAGAIN && e != syscall.ENOBUFS {
			// EAGAIN/ENOBUFS: the frames stay requested and go with the next kick.
			r.kickErrors.Add(1)
		}
	}
	if k > 0 {
		q.caches.FreeBulk(pkts[:k])
	}
	return k
}

// copyFrame copies the chain m into data (exactly m's length, plus a VLAN tag
// after the addresses when tag is set). It reports false if the chain's segment
// lengths do not add up to len(data) or a tagged frame is shorter than the two
// addresses.
func copyFrame(data []byte, m *mempool.Mbuf, tag bool) bool {
	off := 0
	if tag {
		if m.PktLen() < macsLen {
			return false
		}
		off = vlanTagLen
	}
	for s := m; s != nil; s = s.Next() {
		d := s.Data()
		if len(d) > len(data)-off {
			return false
		}
		off += copy(data[off:], d)
	}
	if off != len(data) {
		return false
	}
	if tag {
		copy(data[:macsLen], data[vlanTagLen:vlanTagLen+macsLen])
		binary.BigEndian.PutUint16(data[macsLen:], tpid8021Q)
		binary.BigEndian.PutUint16(data[macsLen+2:], m.VlanTCI())
	}
	return true
}
