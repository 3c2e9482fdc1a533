package mempool

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/ring"
)

// Limits and defaults, as DPDK's.
const (
	CacheMaxSize   = 512 // RTE_MEMPOOL_CACHE_MAX_SIZE
	MaxPools       = 1024
	cacheLineSize  = 64
	SocketAny      = -1 // SOCKET_ID_ANY: memory from any NUMA node
	maxNameLen     = 31
	defaultObjects = 8191
)

// Errors returned by pool operations.
var (
	// ErrNoEntries: a bulk get found fewer free objects than asked for (-ENOENT).
	ErrNoEntries = errors.New("mempool: not enough free objects")
	// ErrInvalid: bad creation parameters (-EINVAL).
	ErrInvalid = errors.New("mempool: invalid argument")
	// ErrInUse: Close of a pool whose objects are not all back.
	ErrInUse = errors.New("mempool: objects still in use")
	// ErrTooManyPools: MaxPools pools exist.
	ErrTooManyPools = errors.New("mempool: too many pools")
)

// registry maps a pool id (stored in every Mbuf header, which holds no Go
// pointers) back to its Pool.
var (
	registryMu sync.Mutex
	registry   [MaxPools]atomic.Pointer[Pool]
)

// Config describes a pool of fixed-size objects.
type Config struct {
	N         int                                  // number of objects (> 0); n = 2^q - 1 is memory-optimal
	EltSize   int                                  // bytes per object; the stride is rounded up to 64
	CacheSize int                                  // per-lcore/per-owner cache size, 0..CacheMaxSize and 1.5*CacheSize <= N
	Socket    int                                  // NUMA node for the memory, SocketAny for any
	Memory    *eal.Memory                          // where the segment comes from; nil = eal.DefaultMemory()
	ObjInit   func(obj unsafe.Pointer, idx uint32) // optional, run once per object at creation
}

// Pool is a fixed-size object pool (DPDK rte_mempool): its objects live in one
// eal memory segment, its free objects are indexes in a lock-free MP/MC ring, and
// single-threaded owners (an lcore, a queue) get Caches that serve most gets and
// puts without touching the shared ring.
//
// Objects are named by uint32 index (0..N-1); Object(i) is the address. A pool
// created with NewPktPool holds Mbufs.
type Pool struct {
	name      string
	id        uint16
	n         uint32
	stride    uintptr
	base      unsafe.Pointer
	seg       *eal.Segment
	mem       *eal.Memory
	ring      *ring.Ring[uint32]
	cacheSize uint32
	flush     uint32
	socket    int

	// Mbuf pools only.
	pkt      bool
	privSize uint16
	bufLen   uint16 // headroom + data room
	headroom uint16

	nomem atomic.Uint64 // failed gets

	cacheMu     sync.Mutex
	caches      []*Cache
	lcoreCaches [eal.MaxLcore]atomic.Pointer[Cache]
	closed      bool
}

// New creates a pool of cfg.N objects of cfg.EltSize bytes in a new memory segment.
func New(name string, cfg Config) (*Pool, error) {
	if cfg.EltSize <= 0 {
		return nil, fmt.Errorf("mempool %q: element size %d: %w", name, cfg.EltSize, ErrInvalid)
	}
	return create(name, cfg, nil)
}

func create(name string, cfg Config, pkt *pktParams) (*Pool, error) {
	if len(name) == 0 || len(name) > maxNameLen {
		return nil, fmt.Errorf("mempool %q: name must be 1..%d bytes: %w", name, maxNameLen, ErrInvalid)
	}
	if cfg.N <= 0 || cfg.N > 1<<31-1 {
		return nil, fmt.Errorf("mempool %q: %d objects: %w", name, cfg.N, ErrInvalid)
	}
	if cfg.CacheSize < 0 || cfg.CacheSize > CacheMaxSize || cfg.CacheSize*3/2 > cfg.N {
		return nil, fmt.Errorf("mempool %q: cache size %d must be 0..%d and at most N/1.5 (N=%d): %w",
			name, cfg.CacheSize, CacheMaxSize, cfg.N, ErrInvalid)
	}
	mem := cfg.Memory
	if mem == nil {
		mem = eal.DefaultMemory()
	}
	stride := (uintptr(cfg.EltSize) + cacheLineSize - 1) &^ (cacheLineSize - 1)
	r, err := ring.New[uint32]("MP_"+name, cfg.N, ring.ExactSize)
	if err != nil {
		return nil, fmt.Errorf("mempool %q: %w", name, err)
	}
	seg, err := mem.Alloc("pool-"+name, int(stride)*cfg.N, cfg.Socket)
	if err != nil {
		return nil, fmt.Errorf("mempool %q: %w", name, err)
	}
	p := &Pool{
		name:      name,
		n:         uint32(cfg.N),
		stride:    stride,
		base:      seg.Pointer(),
		seg:       seg,
		mem:       mem,
		ring:      r,
		cacheSize: uint32(cfg.CacheSize),
		flush:     uint32(cfg.CacheSize * 3 / 2),
		socket:    cfg.Socket,
	}
	if pkt != nil {
		p.pkt = true
		p.privSize = pkt.privSize
		p.bufLen = pkt.bufLen
		p.headroom = pkt.headroom
	}
	if err := p.register(); err != nil {
		mem.Free(seg)
		return nil, fmt.Errorf("mempool %q: %w", name, err)
	}
	// Fill the ring in index order so that the first gets return low, adjacent
	// objects.
	var batch [256]uint32
	for i := uint32(0); i < p.n; {
		k := 0
		for ; k < len(batch) && i < p.n; k++ {
			if pkt != nil {
				p.initMbuf(i)
			}
			if cfg.ObjInit != nil {
				cfg.ObjInit(p.Object(i), i)
			}
			batch[k] = i
			i++
		}
		if r.EnqueueBulk(batch[:k]) != k {
			panic("mempool: ring smaller than pool") // cannot happen: ring has exact capacity N
		}
	}
	return p, nil
}

func (p *Pool) register() error {
	registryMu.Lock()
	defer registryMu.Unlock()
	for i := 1; i < MaxPools; i++ { // id 0 is never used, so a zeroed header has no pool
		if registry[i].Load() == nil {
			p.id = uint16(i)
			registry[i].Store(p)
			return nil
		}
	}
	return ErrTooManyPools
}

// poolByID returns the pool with the given id (nil if none).
func poolByID(id uint16) *Pool { return registry[id].Load() }

// Name is the pool's name.
func (p *Pool) Name() string { return p.name }

// ID is the pool's small integer id, unique among live pools.
func (p *Pool) ID() uint16 { return p.id }

// Size is the number of objects in the pool.
func (p *Pool) Size() int { return int(p.n) }

// CacheSize is the configured per-owner cache size.
func (p *Pool) CacheSize() int { return int(p.cacheSize) }

// EltStride is the distance in bytes between consecutive objects.
func (p *Pool) EltStride() int { return int(p.stride) }

// Segment is the memory segment that holds every object (for sharing its fd with a
// peer or registering it with the kernel).
func (p *Pool) Segment() *eal.Segment { return p.seg }

// Object returns the address of object idx (idx < Size()).
func (p *Pool) Object(idx uint32) unsafe.Pointer {
	return unsafe.Add(p.base, uintptr(idx)*p.stride)
}

// IndexOf returns the index of the object containing address addr, and false if
// addr is not inside the pool's objects.
func (p *Pool) IndexOf(addr uintptr) (uint32, bool) {
	b := uintptr(p.base)
	if addr < b || addr >= b+uintptr(p.n)*p.stride {
		return 0, false
	}
	return uint32((addr - b) / p.stride), true
}

// AvailCount is the number of free objects, in the shared ring and in every cache
// (rte_mempool_avail_count). Exact only when no owner is using the pool.
func (p *Pool) AvailCount() int {
	n := p.ring.Count()
	p.cacheMu.Lock()
	for _, c := range p.caches {
		n += int(c.published.Load())
	}
	p.cacheMu.Unlock()
	return n
}

// InUse is the number of objects taken and not yet returned
// (rte_mempool_in_use_count). Tests assert it is 0 at the end.
func (p *Pool) InUse() int { return int(p.n) - p.AvailCount() }

// Full reports whether every object is back in the pool.
func (p *Pool) Full() bool { return p.InUse() == 0 }

// AllocFailures counts gets that failed for lack of objects.
func (p *Pool) AllocFailures() uint64 { return p.nomem.Load() }

// GetBulk takes len(objs) objects, all or nothing, through cache c (nil = straight
// from the shared ring, safe from any goroutine). It returns ErrNoEntries when not
// enough are free. It allocates nothing.
func (p *Pool) GetBulk(c *Cache, objs []uint32) error {
	if c != nil {
		if c.get(objs) {
			return nil
		}
	} else if p.ring.DequeueBulk(objs) == len(objs) {
		return nil
	}
	p.nomem.Add(1)
	return ErrNoEntries
}

// PutBulk returns objects through cache c (nil = to the shared ring). It never
// fails. Returning an object twice corrupts the pool.
func (p *Pool) PutBulk(c *Cache, objs []uint32) {
	if c != nil {
		c.put(objs)
		return
	}
	p.ringPut(objs)
}

func (p *Pool) ringPut(objs []uint32) {
	// The ring has room for every object of the pool, so this always succeeds
	// unless an object is returned twice.
	if p.ring.EnqueueBulk(objs) != len(objs) {
		panic(fmt.Sprintf("mempool %q: put overflow: an object was returned twice", p.name))
	}
}

// Close releases the pool's memory. It fails with ErrInUse (and releases nothing)
// while objects are out; caches are flushed first.
func (p *Pool) Close() error {
	p.cacheMu.Lock()
	if p.closed {
		p.cacheMu.Unlock()
		return nil
	}
	for _, c := range p.caches {
		c.flushLocked()
	}
	p.cacheMu.Unlock()
	if n := p.InUse(); n != 0 {
		return fmt.Errorf("mempool %q: %d of %d objects: %w", p.name, n, p.n, ErrInUse)
	}
	p.cacheMu.Lock()
	p.closed = true
	p.caches = nil
	p.cacheMu.Unlock()
	registry[p.id].Store(nil)
	return p.mem.Free(p.seg)
}
