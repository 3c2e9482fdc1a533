package mempool

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/dpk-go/dpk/eal"
)

// Mbuf constants, as DPDK's.
const (
	MbufHeaderSize  = 128                               // sizeof(Mbuf), two cache lines
	DefaultHeadroom = 128                               // RTE_PKTMBUF_HEADROOM
	DefaultDataRoom = 2048                              // RTE_MBUF_DEFAULT_DATAROOM
	DefaultBufSize  = DefaultDataRoom + DefaultHeadroom // RTE_MBUF_DEFAULT_BUF_SIZE (2176)
	PortInvalid     = 0xffff                            // RTE_MBUF_PORT_INVALID
	MaxSegs         = 0xffff                            // RTE_MBUF_MAX_NB_SEGS
	privAlign       = 8
)

// Errors from mbuf editing.
var (
	ErrNoRoom   = errors.New("mbuf: not enough room")
	ErrTooShort = errors.New("mbuf: packet shorter than requested")
	ErrTooMany  = errors.New("mbuf: too many segments")
	// ErrShared: the operation needs an mbuf (or buffer) that nobody else
	// references: a direct mbuf with one reference (Attach, AttachExtBuf), or a
	// writable buffer (Linearize, WriteAt).
	ErrShared = errors.New("mbuf: mbuf or buffer is shared")
	// ErrBadMbuf: Check found an inconsistent header or chain.
	ErrBadMbuf = errors.New("mbuf: bad mbuf")
)

// Mbuf is a packet buffer header (DPDK's rte_mbuf). It sits at the start of a
// mempool object in off-heap memory and holds no Go pointers: the buffer, the
// next segment and the owning pool are an address, an address and a pool id. So
// the collector never scans it and writes to it have no write barriers; *Mbuf is
// a plain pointer into the segment.
//
// The buffer follows the header (and the optional private area): headroom
// (DefaultHeadroom), then the data, then tailroom. For a chain, the first segment
// carries PktLen, NbSegs and the metadata; every segment has its own DataLen.
//
// Ownership: whoever holds the *Mbuf owns it (see ethdev's RxBurst/TxBurst) and
// must eventually Free it exactly once.
type Mbuf struct {
	// First cache line: what RX and forwarding touch.
	bufAddr      uintptr // 0: virtual address (= IOVA) of the buffer start
	dataOff      uint16  // 8: data start, from bufAddr
	nbSegs       uint16  // 10
	refcnt       uint32  // 12: atomic
	port         uint16  // 16
	bufLen       uint16  // 18: buffer length, headroom included
	pktLen       uint32  // 20: sum of DataLen over the chain
	olFlags      uint64  // 24
	packetType   uint32  // 32
	dataLen      uint16  // 36
	vlanTCI      uint16  // 38
	rssHash      uint32  // 40
	fdirHi       uint32  // 44
	vlanTCIOuter uint16  // 48
	pool         uint16  // 50: id of the owning pool
	index        uint32  // 52: object index in the pool
	next         uintptr // 56: address of the next segment, 0 at the end
	// Second cache line.
	txOffload uint64    // 64: l2_len 0-6, l3_len 7-15, l4_len 16-23, tso_segsz 24-39, outer_l3 40-48, outer_l2 49-55
	ext       uintptr   // 72: Indirect: the direct mbuf's address; External: ExtSharedInfo id
	privSize  uint16    // 80
	timesync  uint16    // 82
	_         uint32    // 84
	udata     [5]uint64 // 88: application metadata
}

var _ [MbufHeaderSize - unsafe.Sizeof(Mbuf{})]byte
var _ [unsafe.Sizeof(Mbuf{}) - MbufHeaderSize]byte

// mbufAt turns an address of an Mbuf in a segment into a pointer. Addresses stored
// in headers always point into live segments, which are not Go memory.
func mbufAt(addr uintptr) *Mbuf {
	return (*Mbuf)(*(*unsafe.Pointer)(unsafe.Pointer(&addr)))
}

func bytesAt(addr uintptr, n int) []byte {
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), n)
}

type pktParams struct {
	privSize, bufLen, headroom uint16
}

// PktPoolConfig describes an mbuf pool (rte_pktmbuf_pool_create). The zero value
// of each field but N means DPDK's default.
type PktPoolConfig struct {
	N            int         // number of mbufs
	CacheSize    int         // per-owner cache size (0..512, 1.5*CacheSize <= N)
	PrivSize     int         // application private area after the header, multiple of 8
	DataRoomSize int         // buffer size including headroom; 0 = DefaultBufSize (2176)
	Socket       int         // NUMA node, SocketAny for any
	Memory       *eal.Memory // nil = eal.DefaultMemory()
	Ops          string      // backend: "" or OpsRingMPMC (default), OpsStack, OpsLFStack, ... (see Config.Ops)
	Debug        bool        // debug checks (see Config.Debug)
}

// NewPktPool creates a pool of N mbufs (DPDK's rte_pktmbuf_pool_create): each object
// is a 128-byte Mbuf header, PrivSize bytes, then a DataRoomSize-byte buffer whose
// first min(128, DataRoomSize) bytes are headroom.
func NewPktPool(name string, cfg PktPoolConfig) (*Pool, error) {
	room := cfg.DataRoomSize
	if room == 0 {
		room = DefaultBufSize
	}
	if room < 0 || room > 0xffff {
		return nil, fmt.Errorf("mempool %q: data room %d must be 1..65535: %w", name, room, ErrInvalid)
	}
	if cfg.PrivSize < 0 || cfg.PrivSize%privAlign != 0 || cfg.PrivSize > 0xffff {
		return nil, fmt.Errorf("mempool %q: private size %d must be a multiple of %d: %w", name, cfg.PrivSize, privAlign, ErrInvalid)
	}
	head := min(DefaultHeadroom, room)
	return create(name, Config{
		N:         cfg.N,
		EltSize:   MbufHeaderSize + cfg.PrivSize + room,
		CacheSize: cfg.CacheSize,
		Socket:    cfg.Socket,
		Memory:    cfg.Memory,
		Ops:       cfg.Ops,
		Debug:     cfg.Debug,
	}, &pktParams{privSize: uint16(cfg.PrivSize), bufLen: uint16(room), headroom: uint16(head)})
}

func (p *Pool) initMbuf(idx uint32) {
	m := (*Mbuf)(p.Object(idx))
	*m = Mbuf{}
	m.bufAddr = uintptr(p.Object(idx)) + MbufHeaderSize + uintptr(p.privSize)
	m.bufLen = p.bufLen
	m.privSize = p.privSize
	m.pool = p.id
	m.index = idx
	m.refcnt = 1
	m.nbSegs = 1
	m.port = PortInvalid
	m.dataOff = p.headroom
}

// IsPktPool reports whether the pool holds mbufs.
func (p *Pool) IsPktPool() bool { return p.pkt }

// DataRoomSize is the mbuf buffer size, headroom included.
func (p *Pool) DataRoomSize() int { return int(p.bufLen) }

// Mbuf returns mbuf idx of an mbuf pool.
func (p *Pool) Mbuf(idx uint32) *Mbuf { return (*Mbuf)(p.Object(idx)) }

// reset puts a freshly allocated mbuf in DPDK's rte_pktmbuf_reset state.
func (m *Mbuf) reset(headroom uint16) {
	m.next = 0
	m.pktLen = 0
	m.dataLen = 0
	m.nbSegs = 1
	m.port = PortInvalid
	m.olFlags = 0
	m.packetType = 0
	m.vlanTCI = 0
	m.vlanTCIOuter = 0
	m.txOffload = 0
	m.rssHash = 0
	m.dataOff = min(headroom, m.bufLen)
}

// Alloc takes one mbuf through cache c (nil = the shared ring) and resets it: no
// data, headroom DefaultHeadroom, one segment, port PortInvalid, no flags. It
// returns nil when the pool is empty. The caller owns the mbuf.
func (p *Pool) Alloc(c *Cache) *Mbuf {
	var idx [1]uint32
	if p.GetBulk(c, idx[:]) != nil {
		return nil
	}
	m := p.Mbuf(idx[0])
	m.reset(p.headroom)
	return m
}

// AllocBulk fills ms with freshly reset mbufs, all or nothing (rte_pktmbuf_alloc_bulk);
// it returns ErrNoEntries when the pool cannot supply len(ms). It allocates nothing.
func (p *Pool) AllocBulk(c *Cache, ms []*Mbuf) error {
	var idx [64]uint32
	for done := 0; done < len(ms); {
		k := min(len(ms)-done, len(idx))
		if err := p.GetBulk(c, idx[:k]); err != nil {
			// Give back what this call already took: all or nothing.
			if done > 0 {
				FreeBulk(ms[:done])
			}
			return err
		}
		for i := 0; i < k; i++ {
			m := p.Mbuf(idx[i])
			m.reset(p.headroom)
			ms[done+i] = m
		}
		done += k
	}
	return nil
}

// Pool is the pool the mbuf belongs to.
func (m *Mbuf) Pool() *Pool { return poolByID(m.pool) }

// PoolID is the id of the owning pool.
func (m *Mbuf) PoolID() uint16 { return m.pool }

// Index is the mbuf's object index in its pool.
func (m *Mbuf) Index() uint32 { return m.index }

// Data is the segment's data: DataLen bytes from the data offset. The slice aliases
// the mbuf's buffer and is valid while the caller owns the mbuf.
func (m *Mbuf) Data() []byte {
	return bytesAt(m.bufAddr+uintptr(m.dataOff), int(m.dataLen))
}

// Buf is the whole buffer of the segment, headroom and tailroom included.
func (m *Mbuf) Buf() []byte { return bytesAt(m.bufAddr, int(m.bufLen)) }

// BufAddr is the buffer's virtual address (= IOVA).
func (m *Mbuf) BufAddr() uintptr { return m.bufAddr }

// DataAddr is the address of the first data byte (rte_pktmbuf_mtod as an address).
func (m *Mbuf) DataAddr() uintptr { return m.bufAddr + uintptr(m.dataOff) }

// BufLen is the buffer length in bytes, headroom included.
func (m *Mbuf) BufLen() int { return int(m.bufLen) }

// DataOff is the offset of the data from the buffer start (= the headroom).
func (m *Mbuf) DataOff() int { return int(m.dataOff) }

// Headroom is the free space before the data, in bytes.
func (m *Mbuf) Headroom() int { return int(m.dataOff) }

// Tailroom is the free space after this segment's data, in bytes.
func (m *Mbuf) Tailroom() int { return int(m.bufLen) - int(m.dataOff) - int(m.dataLen) }

// DataLen is the number of data bytes in this segment.
func (m *Mbuf) DataLen() int { return int(m.dataLen) }

// PktLen is the packet length over all segments (valid in the first segment).
func (m *Mbuf) PktLen() int { return int(m.pktLen) }

// NbSegs is the number of segments in the chain (valid in the first segment).
func (m *Mbuf) NbSegs() int { return int(m.nbSegs) }

// Next is the next segment, or nil.
func (m *Mbuf) Next() *Mbuf {
	if m.next == 0 {
		return nil
	}
	return mbufAt(m.next)
}

// SetDataOff sets the data offset (headroom); a driver filling a buffer in place
// uses it with SetLen. It returns ErrNoRoom if off+DataLen exceeds the buffer.
func (m *Mbuf) SetDataOff(off int) error {
	if off < 0 || off+int(m.dataLen) > int(m.bufLen) {
		return ErrNoRoom
	}
	m.dataOff = uint16(off)
	return nil
}

// SetLen sets DataLen and PktLen of a single-segment mbuf to n bytes, for drivers
// that wrote the data in place. It returns ErrNoRoom if n exceeds the tailroom from
// the data offset.
func (m *Mbuf) SetLen(n int) error {
	if n < 0 || int(m.dataOff)+n > int(m.bufLen) {
		return ErrNoRoom
	}
	m.dataLen = uint16(n)
	m.pktLen = uint32(n)
	return nil
}

// LastSeg is the last segment of the chain.
func (m *Mbuf) LastSeg() *Mbuf {
	for m.next != 0 {
		m = mbufAt(m.next)
	}
	return m
}

// Append adds n bytes at the end of the packet (in the last segment) and returns
// them for the caller to fill (rte_pktmbuf_append). It returns nil and changes
// nothing if the last segment's tailroom is smaller than n.
func (m *Mbuf) Append(n int) []byte {
	last := m
	if m.next != 0 {
		last = m.LastSeg()
	}
	if n < 0 || n > last.Tailroom() {
		return nil
	}
	off := uintptr(last.dataOff) + uintptr(last.dataLen)
	last.dataLen += uint16(n)
	m.pktLen += uint32(n)
	return bytesAt(last.bufAddr+off, n)
}

// Prepend adds n bytes before the data of the first segment and returns them
// (rte_pktmbuf_prepend). It returns nil if the headroom is smaller than n.
func (m *Mbuf) Prepend(n int) []byte {
	if n < 0 || n > int(m.dataOff) {
		return nil
	}
	m.dataOff -= uint16(n)
	m.dataLen += uint16(n)
	m.pktLen += uint32(n)
	return bytesAt(m.bufAddr+uintptr(m.dataOff), n)
}

// Adj removes n bytes from the start of the first segment (rte_pktmbuf_adj). It
// returns ErrTooShort if the first segment holds fewer than n bytes.
func (m *Mbuf) Adj(n int) error {
	if n < 0 || n > int(m.dataLen) {
		return ErrTooShort
	}
	m.dataOff += uint16(n)
	m.dataLen -= uint16(n)
	m.pktLen -= uint32(n)
	return nil
}

// Trim removes n bytes from the end of the last segment (rte_pktmbuf_trim). It
// returns ErrTooShort if the last segment holds fewer than n bytes.
func (m *Mbuf) Trim(n int) error {
	last := m.LastSeg()
	if n < 0 || n > int(last.dataLen) {
		return ErrTooShort
	}
	last.dataLen -= uint16(n)
	m.pktLen -= uint32(n)
	return nil
}

// Chain appends the chain tail to the chain m (rte_pktmbuf_chain): m's PktLen and
// NbSegs grow by tail's; tail's first segment stops being a packet head. It returns
// ErrTooMany if the result would exceed MaxSegs segments. m owns tail afterwards.
func (m *Mbuf) Chain(tail *Mbuf) error {
	if int(m.nbSegs)+int(tail.nbSegs) > MaxSegs {
		return ErrTooMany
	}
	last := m.LastSeg()
	last.next = uintptr(unsafe.Pointer(tail))
	m.nbSegs += tail.nbSegs
	m.pktLen += tail.pktLen
	tail.pktLen = uint32(tail.dataLen)
	tail.nbSegs = 1
	return nil
}

// Port is the input port (PortInvalid if none).
func (m *Mbuf) Port() uint16 { return m.port }

// SetPort sets the input port.
func (m *Mbuf) SetPort(p uint16) { m.port = p }

// OlFlags are the offload flags (RX* and TX* constants).
func (m *Mbuf) OlFlags() uint64 { return m.olFlags }

// SetOlFlags replaces the offload flags, except Indirect and External, which say
// what the segment's buffer is and change only through Attach, AttachExtBuf and
// Detach (a lost Indirect flag would leak the direct mbuf).
func (m *Mbuf) SetOlFlags(f uint64) {
	m.olFlags = f&^(Indirect|External) | m.olFlags&(Indirect|External)
}

// PacketType is the packet type (PType* constants; 0 = unknown).
func (m *Mbuf) PacketType() uint32 { return m.packetType }

// SetPacketType sets the packet type.
func (m *Mbuf) SetPacketType(t uint32) { m.packetType = t }

// RSSHash is the RSS hash (valid when OlFlags has RxRSSHash).
func (m *Mbuf) RSSHash() uint32 { return m.rssHash }

// SetRSSHash sets the RSS hash and the RxRSSHash flag.
func (m *Mbuf) SetRSSHash(h uint32) { m.rssHash = h; m.olFlags |= RxRSSHash }

// VlanTCI is the stripped VLAN tag on RX (OlFlags has RxVLAN) or the tag to insert
// on TX (TxVLAN).
func (m *Mbuf) VlanTCI() uint16 { return m.vlanTCI }

// SetVlanTCI sets the VLAN TCI field (flags are the caller's to set).
func (m *Mbuf) SetVlanTCI(t uint16) { m.vlanTCI = t }

// VlanTCIOuter is the outer VLAN TCI for QinQ.
func (m *Mbuf) VlanTCIOuter() uint16 { return m.vlanTCIOuter }

// SetVlanTCIOuter sets the outer VLAN TCI.
func (m *Mbuf) SetVlanTCIOuter(t uint16) { m.vlanTCIOuter = t }

// TxOffload is the packed l2/l3/l4 lengths and TSO segment size (see the field
// layout on Mbuf).
func (m *Mbuf) TxOffload() uint64 { return m.txOffload }

// SetTxOffload sets the packed TX offload lengths.
func (m *Mbuf) SetTxOffload(v uint64) { m.txOffload = v }

// Udata64 is application metadata word i (0..4), kept across RX and TX.
func (m *Mbuf) Udata64(i int) uint64 { return m.udata[i] }

// SetUdata64 sets application metadata word i (0..4).
func (m *Mbuf) SetUdata64(i int, v uint64) { m.udata[i] = v }

// Priv is the application private area (PrivSize bytes after the header).
func (m *Mbuf) Priv() []byte {
	return bytesAt(uintptr(unsafe.Pointer(m))+MbufHeaderSize, int(m.privSize))
}

// RefCnt is the reference count (1 for an mbuf with a single owner).
func (m *Mbuf) RefCnt() int { return int(atomic.LoadUint32(&m.refcnt)) }

// RefCntUpdate adds delta to the reference count of every segment of the chain
// (rte_pktmbuf_refcnt_update, since Free drops one reference from every segment)
// and returns the first segment's new value. Each extra reference must be dropped
// with its own Free.
func (m *Mbuf) RefCntUpdate(delta int) int {
	n := int(atomic.AddUint32(&m.refcnt, uint32(int32(delta))))
	for s := m.Next(); s != nil; s = s.Next() {
		atomic.AddUint32(&s.refcnt, uint32(int32(delta)))
	}
	return n
}

// prefree drops one reference to segment m and reports whether it goes back to
// its pool (DPDK's rte_pktmbuf_prefree_seg): objects in a pool keep refcnt 1.
// An indirect or external segment is detached first: it drops its reference to
// the direct mbuf or external buffer (freeing that when it was the last) and gets
// its own buffer back.
func (m *Mbuf) prefree() bool {
	if atomic.LoadUint32(&m.refcnt) == 1 {
		if m.olFlags&(Indirect|External) != 0 {
			m.detach()
		}
		return true
	}
	if atomic.AddUint32(&m.refcnt, ^uint32(0)) == 0 {
		if m.olFlags&(Indirect|External) != 0 {
			m.detach()
		}
		atomic.StoreUint32(&m.refcnt, 1)
		return true
	}
	return false
}

// Free releases the whole chain: each segment whose last reference this was goes
// back to its own pool through the shared ring. Safe from any goroutine; for speed
// on an lcore, use a CacheSet.
func (m *Mbuf) Free() {
	for m != nil {
		next := m.Next()
		if m.prefree() {
			m.next = 0
			m.nbSegs = 1
			idx := [1]uint32{m.index}
			mbufPool(m, "Mbuf.Free").ringPut(idx[:])
		}
		m = next
	}
}

// FreeBulk frees every chain in ms (rte_pktmbuf_free_bulk) through the shared
// rings, batching consecutive segments of one pool into one ring operation.
func FreeBulk(ms []*Mbuf) {
	var set CacheSet
	set.noCache = true
	set.FreeBulk(ms)
}

// String describes the mbuf for debugging.
func (m *Mbuf) String() string {
	return fmt.Sprintf("mbuf pool=%d idx=%d buf=%#x off=%d data_len=%d pkt_len=%d segs=%d port=%d refcnt=%d ol_flags=%#x ptype=%#x",
		m.pool, m.index, m.bufAddr, m.dataOff, m.dataLen, m.pktLen, m.nbSegs, m.port, m.RefCnt(), m.olFlags, m.packetType)
}
