package mempool

import (
	"errors"
	"fmt"
	"slices"
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

// Names of the pool backends ("mempool ops" in DPDK), for Config.Ops and
// PktPoolConfig.Ops.
const (
	// OpsRingMPMC keeps free objects in a lock-free multi-producer,
	// multi-consumer ring (the default, DPDK's RTE_MBUF_DEFAULT_MEMPOOL_OPS).
	OpsRingMPMC = "ring_mp_mc"
	// OpsRingSPSC uses a single-producer, single-consumer ring: only one
	// goroutine at a time may reach the backend (uncached gets and puts, cache
	// refills and flushes), as with DPDK's ring_sp_sc.
	OpsRingSPSC = "ring_sp_sc"
	// OpsRingMPSC: many goroutines may put to the backend, one at a time may get.
	OpsRingMPSC = "ring_mp_sc"
	// OpsRingSPMC: one goroutine at a time may put to the backend, many may get.
	OpsRingSPMC = "ring_sp_mc"
	// OpsRingMTRTS uses a ring in relaxed-tail-sync mode on both sides (better
	// when goroutines sharing the backend may be preempted). The ring has
	// room for 2 x N: a dequeue may return before its slots are released.
	OpsRingMTRTS = "ring_mt_rts"
	// OpsRingMTHTS uses a ring in head/tail-sync mode on both sides.
	OpsRingMTHTS = "ring_mt_hts"
	// OpsStack keeps free objects in a LIFO stack behind a spin lock (DPDK's
	// "stack"): the most recently freed objects, still warm in the CPU
	// caches, are handed out first.
	OpsStack = "stack"
	// OpsLFStack keeps free objects in a lock-free LIFO stack (DPDK's
	// "lf_stack"): a list linked through a per-object next-index array, with
	// a {top, tag} word changed by 64-bit compare-and-swap so that a stale
	// top is never taken for a current one (ABA).
	OpsLFStack = "lf_stack"
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
	Socket    int                                  // NUMA node the memory is bound to (one that does not exist is ErrInvalid), SocketAny for any
	Memory    *eal.Memory                          // where the segment comes from; nil = eal.DefaultMemory()
	ObjInit   func(obj unsafe.Pointer, idx uint32) // optional, run once per object at creation
	// Ops names the backend that holds the free objects: OpsRingMPMC
	// ("ring_mp_mc", the default when empty), OpsRingSPSC, OpsRingMPSC,
	// OpsRingSPMC, OpsRingMTRTS, OpsRingMTHTS, OpsStack or OpsLFStack.
	Ops string
	// Debug turns on the pool's debug checks (see DebugError): double free,
	// use after free, foreign-pool free and overruns past the end of an
	// object panic with a *DebugError. It slows every get and put; building
	// with the dpkdebug tag turns it on for every pool.
	Debug bool
}

// backend kinds.
const (
	kindRing = iota
	kindStack
	kindLFStack
)

// Pool is a fixed-size object pool (DPDK rte_mempool): its objects live in one
// eal memory segment, its free objects are indexes in a backend shared by
// every goroutine (a lock-free ring by default, or a stack), and
// single-threaded owners (an lcore, a queue) get Caches that serve most gets
// and puts without touching the backend.
//
// Objects are named by uint32 index (0..N-1); Object(i) is the address. A pool
// created with NewPktPool holds Mbufs.
type Pool struct {
	// What the uncached fast path reads, on one cache line; the cached fast
	// path reads only its Cache.
	ring   *ring.Ring[uint32] // kindRing
	stack  *spinStack         // kindStack
	lf     *lfStack           // kindLFStack
	dbg    *debugState        // nil unless Debug
	base   unsafe.Pointer
	stride uintptr
	n      uint32
	id     uint16
	kind   uint8
	pkt    bool // Mbuf pool

	// Mbuf pools only.
	privSize uint16
	bufLen   uint16 // headroom + data room
	headroom uint16

	name      string
	ops       string
	eltSize   int
	seg       *eal.Segment
	mem       *eal.Memory
	cacheSize uint32
	flush     uint32
	socket    int

	// Counters of uncached gets and puts and of failures (any goroutine), on
	// their own cache lines.
	st sharedStats

	cacheMu     sync.Mutex
	caches      []*Cache
	retired     cacheStats // counters of closed caches
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

// ringFlags maps a ring ops name to the ring's creation flags.
func ringFlags(ops string) (ring.Flags, bool) {
	switch ops {
	case OpsRingMPMC:
		return 0, true
	case OpsRingSPSC:
		return ring.SPEnq | ring.SCDeq, true
	case OpsRingMPSC:
		return ring.SCDeq, true
	case OpsRingSPMC:
		return ring.SPEnq, true
	case OpsRingMTRTS:
		return ring.MPRTSEnq | ring.MCRTSDeq, true
	case OpsRingMTHTS:
		return ring.MPHTSEnq | ring.MCHTSDeq, true
	}
	return 0, false
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
	if cfg.Socket < SocketAny {
		return nil, fmt.Errorf("mempool %q: socket %d: %w", name, cfg.Socket, ErrInvalid)
	}
	if cfg.Socket != SocketAny {
		// A node that does not exist is an error (DPDK finds no memory there);
		// one that exists but refuses the binding (a sandbox without mbind)
		// gets unbound memory and eal's warning.
		if topo, err := eal.ReadTopology(); err == nil && !slices.Contains(topo.Nodes, cfg.Socket) {
			return nil, fmt.Errorf("mempool %q: NUMA socket %d does not exist (nodes %v): %w", name, cfg.Socket, topo.Nodes, ErrInvalid)
		}
	}
	ops := cfg.Ops
	if ops == "" {
		ops = OpsRingMPMC
	}
	debug := cfg.Debug || debugAll
	mem := cfg.Memory
	if mem == nil {
		mem = eal.DefaultMemory()
	}
	stride := uintptr(cfg.EltSize)
	if debug {
		stride += trailerSize // the trailer cookie after each object
	}
	stride = (stride + cacheLineSize - 1) &^ (cacheLineSize - 1)
	p := &Pool{
		name:      name,
		ops:       ops,
		n:         uint32(cfg.N),
		stride:    stride,
		eltSize:   cfg.EltSize,
		mem:       mem,
		cacheSize: uint32(cfg.CacheSize),
		flush:     uint32(cfg.CacheSize * 3 / 2),
		socket:    cfg.Socket,
	}
	switch ops {
	case OpsStack:
		p.kind = kindStack
		p.stack = newSpinStack(p.n)
	case OpsLFStack:
		p.kind = kindLFStack
		p.lf = newLFStack(p.n)
	default:
		flags, ok := ringFlags(ops)
		if !ok {
			return nil, fmt.Errorf("mempool %q: unknown ops %q (want %s, %s, %s, %s, %s, %s, %s or %s): %w",
				name, ops, OpsRingMPMC, OpsRingSPSC, OpsRingMPSC, OpsRingSPMC, OpsRingMTRTS, OpsRingMTHTS,
				OpsStack, OpsLFStack, ErrInvalid)
		}
		count := cfg.N
		if ops == OpsRingMTRTS {
			// In relaxed tail sync, a dequeue may return before the
			// consumer tail moves past its slots (the last of the
			// concurrent dequeues moves it), so its objects can be put
			// back while they still count as used: the ring needs room
			// for up to twice the pool.
			count = min(2*cfg.N, 1<<31-1)
		}
		r, err := ring.New[uint32]("MP_"+name, count, flags|ring.ExactSize)
		if err != nil {
			return nil, fmt.Errorf("mempool %q: %w", name, err)
		}
		p.kind = kindRing
		p.ring = r
	}
	seg, err := mem.Alloc("pool-"+name, int(stride)*cfg.N, cfg.Socket)
	if err != nil {
		return nil, fmt.Errorf("mempool %q: %w", name, err)
	}
	p.seg = seg
	p.base = seg.Pointer()
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
	for i := uint32(0); i < p.n; i++ {
		if pkt != nil {
			p.initMbuf(i)
		}
		if cfg.ObjInit != nil {
			cfg.ObjInit(p.Object(i), i)
		}
	}
	if debug {
		p.dbg = newDebugState(p)
	}
	p.fill()
	return p, nil
}

// fill gives every object to the backend so that the first gets return low,
// adjacent indexes: in index order for a ring (FIFO), highest first for a stack
// (LIFO).
func (p *Pool) fill() {
	var batch [256]uint32
	for i := uint32(0); i < p.n; {
		k := 0
		for ; k < len(batch) && i < p.n; k++ {
			if p.kind == kindRing {
				batch[k] = i
			} else {
				batch[k] = p.n - 1 - i
			}
			i++
		}
		p.enqueue(batch[:k])
	}
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

// EltSize is the object size asked for at creation (for an mbuf pool: header,
// private area and buffer).
func (p *Pool) EltSize() int { return p.eltSize }

// EltStride is the distance in bytes between consecutive objects.
func (p *Pool) EltStride() int { return int(p.stride) }

// Ops is the name of the pool's backend (Config.Ops).
func (p *Pool) Ops() string { return p.ops }

// Socket is the NUMA node asked for at creation (SocketAny for any); the
// memory is bound to it (Segment().Node()).
func (p *Pool) Socket() int { return p.socket }

// Debug reports whether the pool runs its debug checks.
func (p *Pool) Debug() bool { return p.dbg != nil }

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

// AvailCount is the number of free objects, in the backend and in every cache
// (rte_mempool_avail_count). Exact only when no owner is using the pool.
func (p *Pool) AvailCount() int {
	n := p.backendCount()
	p.cacheMu.Lock()
	for _, c := range p.caches {
		n += int(c.loadLen())
	}
	p.cacheMu.Unlock()
	return min(n, int(p.n))
}

// InUse is the number of objects taken and not yet returned
// (rte_mempool_in_use_count). Tests assert it is 0 at the end.
func (p *Pool) InUse() int { return int(p.n) - p.AvailCount() }

// Full reports whether every object is back in the pool.
func (p *Pool) Full() bool { return p.InUse() == 0 }

// Empty reports whether no object is free (rte_mempool_empty).
func (p *Pool) Empty() bool { return p.AvailCount() == 0 }

// AllocFailures counts gets that failed for lack of objects (Stats().GetFailBulk).
func (p *Pool) AllocFailures() uint64 { return p.st.failBulk.Load() }

// GetBulk takes len(objs) objects, all or nothing, through cache c (nil =
// straight from the backend, safe from any goroutine), and writes their indexes
// to objs. It returns ErrNoEntries, and counts the failure, when not enough are
// free: a cache serves what it holds and refills itself from the backend, but
// objects in other owners' caches are not reached (as in DPDK). It allocates
// nothing.
//
// Through a cache, objects come from the top of the cache's stack (the most
// recently put, warm in this CPU's caches); if the cache holds fewer than
// len(objs), it gives all it has and one backend dequeue of CacheSize plus the
// shortfall refills it and serves the rest; if the backend cannot supply that
// many, or the shortfall is above CacheMaxSize, the shortfall comes straight
// from the backend (DPDK 22.11's rte_mempool_do_generic_get).
func (p *Pool) GetBulk(c *Cache, objs []uint32) error {
	if c != nil && c.fast {
		// The hit: the top len(objs) objects of the cache. Only this
		// cache is touched: no atomic operation, no shared cache line.
		l := c.len
		if n := uint32(len(objs)); n <= l {
			l -= n
			if n == 1 { // Alloc: no memmove call for one index
				objs[0] = c.objs[l&(2*CacheMaxSize-1)]
			} else {
				copy(objs, c.objs[l:])
			}
			c.st.add(&c.hot.getBulk, 1)
			c.st.add(&c.hot.getObjs, uint64(n))
			c.setLen(l)
			return nil
		}
	}
	return p.getBulk(c, objs)
}

// PutBulk returns objects through cache c (nil = to the backend, safe from any
// goroutine). It never fails for objects of the pool. Returning an object twice
// corrupts the pool (a Debug pool panics with a *DebugError instead).
//
// Through a cache: if len(objs) is above the flush threshold (1.5 x
// CacheSize), the objects go straight to the backend; otherwise, if the cache
// would pass the threshold, its whole content goes to the backend first; then
// the objects are kept in the cache (DPDK 22.11's rte_mempool_do_generic_put).
func (p *Pool) PutBulk(c *Cache, objs []uint32) {
	if c != nil && c.fast {
		l := c.len
		if n := uint32(len(objs)); n <= c.flush-l { // l <= flush always
			if n == 1 {
				c.objs[l&(2*CacheMaxSize-1)] = objs[0]
			} else {
				copy(c.objs[l:], objs)
			}
			c.st.add(&c.hot.putBulk, 1)
			c.st.add(&c.hot.putObjs, uint64(n))
			c.setLen(l + n)
			return
		}
	}
	p.putBulk(c, objs, "PutBulk")
}

// getBulk is GetBulk's slow path: no cache, a cache miss, or a Debug pool.
func (p *Pool) getBulk(c *Cache, objs []uint32) error {
	if c == nil {
		if p.dequeue(objs) {
			p.st.getBulk.Add(1)
			p.st.getObjs.Add(uint64(len(objs)))
			if p.dbg != nil {
				p.dbg.checkGet(p, objs, nil)
			}
			return nil
		}
		return p.getFailed(len(objs))
	}
	if p.dbg != nil {
		p.dbg.checkCache(p, c, nil, "GetBulk")
	}
	if !c.get(objs) {
		return p.getFailed(len(objs))
	}
	if p.dbg != nil {
		p.dbg.checkGet(p, objs, c)
	}
	return nil
}

func (p *Pool) getFailed(n int) error {
	p.st.failBulk.Add(1)
	p.st.failObjs.Add(uint64(n))
	return ErrNoEntries
}

// putBulk is PutBulk's slow path: no cache, a flush, or a Debug pool. op
// names the caller for debug errors.
func (p *Pool) putBulk(c *Cache, objs []uint32, op string) {
	if p.dbg != nil {
		if c != nil {
			p.dbg.checkCache(p, c, objs, op)
		}
		p.dbg.checkPut(p, objs, op)
	}
	if c == nil {
		p.st.putBulk.Add(1)
		p.st.putObjs.Add(uint64(len(objs)))
		p.enqueue(objs)
		return
	}
	c.put(objs)
}

// putOp is PutBulk for the mbuf free calls: op names the caller in debug
// errors.
func (p *Pool) putOp(c *Cache, objs []uint32, op string) {
	if p.dbg == nil {
		p.PutBulk(c, objs)
		return
	}
	p.putBulk(c, objs, op)
}

// ringPut returns objects to the backend from any goroutine (Mbuf.Free). The
// objects are checked first in a Debug pool.
func (p *Pool) ringPut(objs []uint32) {
	p.putBulk(nil, objs, "Mbuf.Free")
}

// dequeue takes len(objs) objects from the backend, all or nothing.
func (p *Pool) dequeue(objs []uint32) bool {
	switch p.kind {
	case kindRing:
		return p.ring.DequeueBulk(objs) == len(objs)
	case kindStack:
		return p.stack.pop(objs)
	default:
		return p.lf.pop(objs)
	}
}

// enqueue gives objects to the backend. The backend has room for every object
// of the pool, so this cannot fail unless an object is returned twice.
func (p *Pool) enqueue(objs []uint32) {
	var ok bool
	switch p.kind {
	case kindRing:
		ok = p.ring.EnqueueBulk(objs) == len(objs)
	case kindStack:
		ok = p.stack.push(objs)
	default:
		ok = p.lf.push(objs, p.n)
	}
	if !ok {
		panic(fmt.Sprintf("mempool %q: put overflow: an object was returned twice (or is not of this pool)", p.name))
	}
}

// backendCount is the number of free objects in the backend.
func (p *Pool) backendCount() int {
	switch p.kind {
	case kindRing:
		return p.ring.Count()
	case kindStack:
		return p.stack.count()
	default:
		return p.lf.count()
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
		c.flushAll()
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
