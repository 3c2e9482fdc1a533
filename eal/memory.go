package eal

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"unsafe"

	"github.com/dpk-go/dpk/internal/sys"
)

// ErrNoMemory is returned when a segment cannot be allocated within the memory
// limit (-m / --socket-mem) or the kernel refuses the mapping.
var ErrNoMemory = errors.New("eal: cannot allocate memory")

// MemoryConfig says where a Memory takes its segments from. The zero value uses
// 2 MiB huge pages through memfd when any are free and falls back, with one
// logged warning, to normal pages.
type MemoryConfig struct {
	NoHuge   bool         // --no-huge: never use huge pages
	HugeDir  string       // --huge-dir: a hugetlbfs mount to create files in instead of memfd
	PageSize int          // huge page size in bytes: sys.HugePage2M (default) or sys.HugePage1G
	Limit    int64        // bytes that may be allocated in all (-m / sum of --socket-mem); 0 = no limit
	Logger   *slog.Logger // warnings (nil = slog.Default())
}

// Memory allocates shareable memory segments: memfd (or hugetlbfs) files mapped
// MAP_SHARED|MAP_POPULATE, each with its fd kept open so that it can be passed to a
// peer (vhost-user SET_MEM_TABLE) or registered with the kernel (AF_XDP UMEM).
// A Memory is safe for concurrent use.
type Memory struct {
	cfg MemoryConfig

	mu       sync.Mutex
	used     int64
	segs     []*Segment
	warned   bool
	hugeFail bool
}

// NewMemory returns a Memory with the given policy.
func NewMemory(cfg MemoryConfig) *Memory {
	if cfg.PageSize == 0 {
		cfg.PageSize = sys.HugePage2M
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Memory{cfg: cfg}
}

var (
	defaultMemOnce sync.Once
	defaultMem     *Memory
)

// DefaultMemory is the Memory used by pools created without one: huge pages when
// free, else normal pages with a warning. Its policy cannot be changed; create an
// EAL (or a Memory) to choose another.
func DefaultMemory() *Memory {
	defaultMemOnce.Do(func() { defaultMem = NewMemory(MemoryConfig{}) })
	return defaultMem
}

// Segment is one contiguous, shareable memory area. IOVA equals the virtual address.
// A Segment is immutable after allocation until Free; its memory is not Go heap and
// is never scanned or moved by the garbage collector.
type Segment struct {
	name     string
	fd       int
	mem      []byte
	pageSize int
	node     int
	huge     bool
	owner    *Memory
}

// Name is the segment's name as given to Alloc.
func (s *Segment) Name() string { return s.name }

// Fd is the file descriptor backing the segment (memfd or hugetlbfs), or -1 on
// systems without one. It stays open until Free.
func (s *Segment) Fd() int { return s.fd }

// Bytes is the whole segment. The slice is valid until Free.
func (s *Segment) Bytes() []byte { return s.mem }

// Base is the segment's virtual address (also its IOVA).
func (s *Segment) Base() uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s.mem))) }

// Pointer is the segment's start as an unsafe.Pointer.
func (s *Segment) Pointer() unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(s.mem)) }

// Len is the segment length in bytes (a multiple of PageSize).
func (s *Segment) Len() int { return len(s.mem) }

// PageSize is the size in bytes of the pages backing the segment.
func (s *Segment) PageSize() int { return s.pageSize }

// Huge reports whether the segment is on huge pages.
func (s *Segment) Huge() bool { return s.huge }

// Node is the NUMA node the memory was bound to (-1 = not bound).
func (s *Segment) Node() int { return s.node }

// Contains reports whether [addr, addr+n) lies inside the segment.
func (s *Segment) Contains(addr uintptr, n int) bool {
	b := s.Base()
	return addr >= b && n >= 0 && uint64(addr-b)+uint64(n) <= uint64(len(s.mem))
}

// Alloc allocates a segment of at least size bytes (rounded up to the page size)
// bound to NUMA node socket (-1 = any). It tries huge pages first unless NoHuge;
// when none are free it logs one warning and uses normal pages. It fails with
// ErrNoMemory when the Memory's limit would be exceeded.
func (m *Memory) Alloc(name string, size int, socket int) (*Segment, error) {
	if size <= 0 {
		return nil, fmt.Errorf("eal: segment %q: bad size %d", name, size)
	}
	m.mu.Lock()
	defer m.mu.Unlock()

	var seg *Segment
	var err error
	if !m.cfg.NoHuge && !m.hugeFail {
		hsize := roundUp(size, m.cfg.PageSize)
		if m.cfg.Limit > 0 && m.used+int64(hsize) > m.cfg.Limit {
			return nil, fmt.Errorf("eal: segment %q of %d bytes: limit %d bytes, %d in use: %w", name, hsize, m.cfg.Limit, m.used, ErrNoMemory)
		}
		seg, err = allocSegment(name, hsize, m.cfg.PageSize, m.cfg.HugeDir)
		if err != nil {
			if m.cfg.HugeDir != "" {
				return nil, fmt.Errorf("eal: segment %q: --huge-dir %s: %w", name, m.cfg.HugeDir, err)
			}
			if !m.warned {
				m.warned = true
				m.cfg.Logger.Warn("eal: no free huge pages; using normal 4 KiB pages (slower; reserve with: echo 1024 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)",
					"segment", name, "bytes", hsize, "free_2M_pages", sys.FreeHugePages(sys.HugePage2M), "err", err)
			}
			// Only give up on huge pages for good when none are reserved at all;
			// a later, smaller request may still fit.
			if sys.TotalHugePages(m.cfg.PageSize) == 0 {
				m.hugeFail = true
			}
		}
	}
	if seg == nil {
		psize := sys.PageSize()
		nsize := roundUp(size, psize)
		if m.cfg.Limit > 0 && m.used+int64(nsize) > m.cfg.Limit {
			return nil, fmt.Errorf("eal: segment %q of %d bytes: limit %d bytes, %d in use: %w", name, nsize, m.cfg.Limit, m.used, ErrNoMemory)
		}
		seg, err = allocSegment(name, nsize, 0, "")
		if err != nil {
			return nil, fmt.Errorf("eal: segment %q: %w (%w)", name, ErrNoMemory, err)
		}
	}
	seg.node = -1
	if socket >= 0 {
		if err := sys.Mbind(seg.mem, socket); err == nil {
			seg.node = socket
		} else {
			m.cfg.Logger.Warn("eal: cannot bind segment to NUMA node", "segment", name, "node", socket, "err", err)
		}
	}
	seg.owner = m
	m.used += int64(len(seg.mem))
	m.segs = append(m.segs, seg)
	registerSegment(seg)
	return seg, nil
}

// Free unmaps the segment and closes its fd. Using its memory afterwards faults.
func (m *Memory) Free(s *Segment) error {
	if s == nil || s.owner != m {
		return fmt.Errorf("eal: free of a segment not owned by this Memory")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, x := range m.segs {
		if x == s {
			m.segs = append(m.segs[:i], m.segs[i+1:]...)
			m.used -= int64(len(s.mem))
			unregisterSegment(s)
			return freeSegment(s)
		}
	}
	return fmt.Errorf("eal: segment %q already freed", s.name)
}

// Used is the number of bytes currently allocated.
func (m *Memory) Used() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.used
}

// Close frees every segment the Memory still holds.
func (m *Memory) Close() error {
	m.mu.Lock()
	segs := m.segs
	m.segs = nil
	m.used = 0
	m.mu.Unlock()
	var errs []error
	for _, s := range segs {
		unregisterSegment(s)
		if err := freeSegment(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func roundUp(n, to int) int { return (n + to - 1) / to * to }

// The process-wide list of live segments: what a vhost-user front end shares and
// what address translation searches.
var (
	segMu   sync.Mutex
	allSegs []*Segment
)

func registerSegment(s *Segment) {
	segMu.Lock()
	allSegs = append(allSegs, s)
	segMu.Unlock()
}

func unregisterSegment(s *Segment) {
	segMu.Lock()
	defer segMu.Unlock()
	for i, x := range allSegs {
		if x == s {
			allSegs = append(allSegs[:i], allSegs[i+1:]...)
			return
		}
	}
}

// Segments returns every live segment of the process, from every Memory, in
// allocation order.
func Segments() []*Segment {
	segMu.Lock()
	defer segMu.Unlock()
	return append([]*Segment(nil), allSegs...)
}

// SegmentOf returns the live segment containing addr, or nil.
func SegmentOf(addr uintptr) *Segment {
	segMu.Lock()
	defer segMu.Unlock()
	for _, s := range allSegs {
		if s.Contains(addr, 1) {
			return s
		}
	}
	return nil
}
