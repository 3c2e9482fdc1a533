package mempool

import (
	"errors"
	"sync"
	"sync/atomic"
	"unsafe"
)

// External buffers (DPDK's rte_pktmbuf_attach_extbuf with an
// rte_mbuf_ext_shared_info).
//
// DPDK keeps a pointer to the shared info (a free callback, its argument and a
// reference count) in the mbuf. An Mbuf header holds no Go pointers, and a
// callback is a Go value, so here the shared info is a Go object, registered in
// a process-wide table when it is created, and the header's ext word holds its
// uint32 id. Looking an id up is two atomic loads (a chunk of 1024 entries, then
// the entry), with no lock; registering takes a lock and happens once per shared
// info, not per buffer: an ExtSharedInfo is re-armed with Init and used again,
// as DPDK applications reuse theirs.
//
// The reference count lives in the ExtSharedInfo and counts the mbufs attached
// to the buffer: AttachExtBuf makes it 1, Attach (or Clone) of such an mbuf adds
// one, and each detach (Free does it) drops one. The one that drops it to 0 runs
// the free callback, exactly once per arming, on the goroutine that freed the
// mbuf. DPDK differs slightly: its shared info starts at 1 and attach_extbuf does
// not count, which leaves the count wrong if the buffer is attached twice; here a
// second AttachExtBuf with the same info is refused until the callback has run
// and Init re-arms it.

// Errors about external buffers.
var (
	// ErrExtBufBusy: AttachExtBuf, Init or Close on an ExtSharedInfo that is
	// attached to mbufs, or AttachExtBuf on one whose buffer was freed and that
	// was not re-armed with Init.
	ErrExtBufBusy = errors.New("mbuf: external buffer shared info in use or not re-armed")
	// ErrTooManyExt: MaxExtSharedInfos shared infos are registered.
	ErrTooManyExt = errors.New("mbuf: too many external buffer shared infos")
)

// ExtFreeFunc frees an external buffer once no mbuf refers to it (DPDK's
// rte_mbuf_extbuf_free_callback_t). buf is the slice given to AttachExtBuf;
// opaque is the value given to NewExtSharedInfo or Init. It runs on the
// goroutine that frees (or detaches) the last mbuf, often an lcore in its
// fast path: it must be quick, must not block and must not panic.
type ExtFreeFunc func(buf []byte, opaque any)

// ExtSharedInfo is the shared state of an external buffer (DPDK's
// rte_mbuf_ext_shared_info): the free callback and its argument, and the number
// of mbufs attached to the buffer. Create it once with NewExtSharedInfo (which
// registers it and allocates), attach a buffer with Mbuf.AttachExtBuf, and after
// the callback has run re-arm it with Init for the next buffer (which allocates
// nothing). Close it when it is no longer needed: the registry keeps it alive
// until then.
type ExtSharedInfo struct {
	refcnt atomic.Uint32
	state  atomic.Uint32
	id     uint32
	free   ExtFreeFunc
	opaque any
	// buf keeps the attached buffer reachable while mbufs refer to it, so that
	// even a Go heap slice (which AttachExtBuf cannot detect) is not collected
	// under them.
	buf []byte
}

const (
	extArmed  = iota + 1 // ready for AttachExtBuf
	extInUse             // attached to mbufs
	extSpent             // the free callback ran (or is running); Init re-arms
	extClosed            // unregistered
)

// Registry of shared infos: ids 1..MaxExtSharedInfos (0 means none).
const (
	extChunkBits = 10
	extChunkSize = 1 << extChunkBits
	maxExtChunks = 1 << 10
	// MaxExtSharedInfos is how many ExtSharedInfos may be registered at once.
	MaxExtSharedInfos = extChunkSize*maxExtChunks - 1
)

type extChunk [extChunkSize]atomic.Pointer[ExtSharedInfo]

var (
	extMu      sync.Mutex
	extChunks  [maxExtChunks]atomic.Pointer[extChunk]
	extFreeIDs []uint32
	extNextID  uint32 = 1
)

// extByID returns the registered shared info with the given id, or nil.
func extByID(id uint32) *ExtSharedInfo {
	c := extChunks[(id>>extChunkBits)&(maxExtChunks-1)].Load()
	if c == nil {
		return nil
	}
	return c[id&(extChunkSize-1)].Load()
}

// NewExtSharedInfo creates and registers a shared info whose buffer will be freed
// by free(buf, opaque). It fails with ErrInvalid when free is nil and with
// ErrTooManyExt when MaxExtSharedInfos are registered.
func NewExtSharedInfo(free ExtFreeFunc, opaque any) (*ExtSharedInfo, error) {
	if free == nil {
		return nil, ErrInvalid
	}
	s := &ExtSharedInfo{free: free, opaque: opaque}
	s.state.Store(extArmed)
	extMu.Lock()
	defer extMu.Unlock()
	if n := len(extFreeIDs); n > 0 {
		s.id = extFreeIDs[n-1]
		extFreeIDs = extFreeIDs[:n-1]
	} else {
		if extNextID > MaxExtSharedInfos {
			return nil, ErrTooManyExt
		}
		s.id = extNextID
		extNextID++
	}
	ci := s.id >> extChunkBits
	c := extChunks[ci].Load()
	if c == nil {
		c = new(extChunk)
		extChunks[ci].Store(c)
	}
	c[s.id&(extChunkSize-1)].Store(s)
	return s, nil
}

// ID is the shared info's registry id, the value an attached mbuf's header holds.
func (s *ExtSharedInfo) ID() uint32 { return s.id }

// RefCnt is the number of mbufs attached to the buffer
// (rte_mbuf_ext_refcnt_read).
func (s *ExtSharedInfo) RefCnt() int { return int(s.refcnt.Load()) }

// Init re-arms the shared info for a new buffer with a new callback and
// argument, once the previous buffer's callback has run (or before the first
// AttachExtBuf). It returns ErrExtBufBusy while mbufs are attached. It
// allocates nothing (given an opaque that is a pointer or already an interface).
func (s *ExtSharedInfo) Init(free ExtFreeFunc, opaque any) error {
	if free == nil {
		return ErrInvalid
	}
	if st := s.state.Load(); st != extArmed && st != extSpent {
		return ErrExtBufBusy
	}
	s.free, s.opaque = free, opaque
	s.state.Store(extArmed)
	return nil
}

// Close unregisters the shared info; its id may be reused. It returns
// ErrExtBufBusy while mbufs are attached.
func (s *ExtSharedInfo) Close() error {
	st := s.state.Load()
	if st == extClosed {
		return nil
	}
	if st != extArmed && st != extSpent {
		return ErrExtBufBusy
	}
	s.state.Store(extClosed)
	extMu.Lock()
	defer extMu.Unlock()
	extChunks[s.id>>extChunkBits].Load()[s.id&(extChunkSize-1)].Store(nil)
	extFreeIDs = append(extFreeIDs, s.id)
	return nil
}

// release drops one mbuf's reference; the last one runs the free callback.
func (s *ExtSharedInfo) release() {
	if s.refcnt.Add(^uint32(0)) != 0 {
		return
	}
	buf, free, opaque := s.buf, s.free, s.opaque
	s.buf, s.opaque = nil, nil
	// From here Init may re-arm s on another goroutine: it must not be touched.
	s.state.Store(extSpent)
	free(buf, opaque)
}

// AttachExtBuf attaches the external buffer buf to m (rte_pktmbuf_attach_extbuf):
// m's buffer becomes buf, with no headroom (data offset 0) and no data (DataLen
// and PktLen 0; use Append, or SetDataOff and SetLen, once the data is in), and
// m gets the External flag and a reference on s, whose free callback runs with
// buf when the last mbuf attached to buf is freed or detached. More mbufs share
// the buffer through Attach or Clone of m.
//
// buf must be memory the Go runtime does not manage and that outlives every mbuf
// attached to it: a slice of an eal memory segment (Segment.Bytes), or memory
// mapped from a peer. This is NOT checked — there is no cheap test for a Go heap
// slice. A heap slice is kept reachable by s while attached, so it is not
// collected under the mbufs, but no driver can hand it to the kernel or to a
// vhost-user peer (they look addresses up in the eal segments), so zero-copy
// paths will drop or copy such packets.
//
// m must be a direct, single-segment mbuf with one reference (ErrShared
// otherwise); buf must hold 1..65535 bytes (ErrInvalid); s must be armed: new,
// or re-armed with Init after its previous buffer's callback ran (ErrExtBufBusy
// otherwise). On error nothing changes. It allocates nothing.
func (m *Mbuf) AttachExtBuf(buf []byte, s *ExtSharedInfo) error {
	if len(buf) == 0 || len(buf) > 0xffff {
		return ErrInvalid
	}
	if m.olFlags&(Indirect|External) != 0 || m.next != 0 || atomic.LoadUint32(&m.refcnt) != 1 {
		return ErrShared
	}
	if !s.state.CompareAndSwap(extArmed, extInUse) {
		return ErrExtBufBusy
	}
	s.buf = buf
	s.refcnt.Store(1)
	m.bufAddr = uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	m.bufLen = uint16(len(buf))
	m.dataOff = 0
	m.dataLen = 0
	m.pktLen = 0
	m.olFlags |= External
	m.ext = uintptr(s.id)
	return nil
}

// ExtSharedInfo returns the shared info of the segment's external buffer, nil
// when it has none.
func (m *Mbuf) ExtSharedInfo() *ExtSharedInfo {
	if m.olFlags&External == 0 {
		return nil
	}
	return extByID(uint32(m.ext))
}
