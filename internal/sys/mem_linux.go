//go:build linux

package sys

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Huge page sizes understood by MemfdCreate, in bytes.
const (
	HugePage2M = 2 << 20
	HugePage1G = 1 << 30
)

// MemfdCreate creates an anonymous shareable memory file (memfd_create(2)) of size
// bytes. With hugePage 0 the file uses normal pages; with HugePage2M or HugePage1G it
// is backed by huge pages of that size (MFD_HUGETLB), and size must be a multiple of it.
// The returned fd is close-on-exec and may be passed to a peer with SCM_RIGHTS.
func MemfdCreate(name string, size int, hugePage int) (int, error) {
	flags := unix.MFD_CLOEXEC
	switch hugePage {
	case 0:
		flags |= unix.MFD_ALLOW_SEALING
	case HugePage2M:
		flags |= unix.MFD_HUGETLB | unix.MFD_HUGE_2MB
	case HugePage1G:
		flags |= unix.MFD_HUGETLB | unix.MFD_HUGE_1GB
	default:
		return -1, fmt.Errorf("memfd: unsupported huge page size %d", hugePage)
	}
	fd, err := unix.MemfdCreate(name, flags)
	if err != nil {
		return -1, fmt.Errorf("memfd_create %q: %w", name, err)
	}
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("memfd %q: ftruncate %d: %w", name, size, err)
	}
	return fd, nil
}

// OpenHugeFile creates and unlinks a file of size bytes in a hugetlbfs mount (the
// --huge-dir case) and returns its fd; the memory lives as long as the fd or a mapping.
func OpenHugeFile(dir, name string, size int) (int, error) {
	f, err := os.CreateTemp(dir, name+"-*")
	if err != nil {
		return -1, fmt.Errorf("hugetlbfs %s: %w", dir, err)
	}
	path := f.Name()
	fd, err := unix.Dup(int(f.Fd()))
	f.Close()
	os.Remove(path)
	if err != nil {
		return -1, fmt.Errorf("hugetlbfs %s: dup: %w", dir, err)
	}
	unix.CloseOnExec(fd)
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("hugetlbfs %s: ftruncate %d: %w", dir, size, err)
	}
	return fd, nil
}

// MmapShared maps length bytes of fd read-write, MAP_SHARED|MAP_POPULATE, so every
// page is faulted in (and, for huge pages, actually reserved) before it is used.
func MmapShared(fd int, length int) ([]byte, error) {
	b, err := unix.Mmap(fd, 0, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("mmap %d bytes: %w", length, err)
	}
	return b, nil
}

// MmapFd maps length bytes of fd at offset with the given protection (unix.PROT_*
// values re-exported as ProtRead/ProtWrite), MAP_SHARED, without populating.
func MmapFd(fd int, offset int64, length int, prot int) ([]byte, error) {
	b, err := unix.Mmap(fd, offset, length, prot, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap fd %d: %w", fd, err)
	}
	return b, nil
}

// Protection bits for MmapFd.
const (
	ProtRead  = unix.PROT_READ
	ProtWrite = unix.PROT_WRITE
)

// Munmap unmaps a mapping returned by MmapShared or MmapFd.
func Munmap(b []byte) error { return unix.Munmap(b) }

// Close closes fd.
func Close(fd int) error { return unix.Close(fd) }

// Mbind binds the pages of b to NUMA node with MPOL_BIND (mbind(2)). It is a no-op
// returning nil for node < 0.
func Mbind(b []byte, node int) error {
	if node < 0 || len(b) == 0 {
		return nil
	}
	const mpolBind = 2
	var mask [16]uint64 // up to 1024 nodes
	if node >= len(mask)*64 {
		return fmt.Errorf("mbind: node %d out of range", node)
	}
	mask[node/64] |= 1 << (node % 64)
	_, _, e := unix.Syscall6(unix.SYS_MBIND, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)),
		mpolBind, uintptr(unsafe.Pointer(&mask[0])), uintptr(len(mask)*64), 0)
	if e != 0 {
		return fmt.Errorf("mbind node %d: %w", node, e)
	}
	return nil
}

// FreeHugePages returns the number of free huge pages of pageSize bytes from sysfs
// (0 if the size is not supported).
func FreeHugePages(pageSize int) int {
	return readHugeCounter(pageSize, "free_hugepages")
}

// TotalHugePages returns the number of reserved huge pages of pageSize bytes.
func TotalHugePages(pageSize int) int {
	return readHugeCounter(pageSize, "nr_hugepages")
}

func readHugeCounter(pageSize int, name string) int {
	b, err := os.ReadFile(fmt.Sprintf("/sys/kernel/mm/hugepages/hugepages-%dkB/%s", pageSize>>10, name))
	if err != nil {
		return 0
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// PageSize is the system's base page size in bytes.
func PageSize() int { return unix.Getpagesize() }
