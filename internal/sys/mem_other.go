//go:build !linux

package sys

import (
	"os"
	"runtime"
)

// Huge page sizes understood by MemfdCreate, in bytes.
const (
	HugePage2M = 2 << 20
	HugePage1G = 1 << 30
)

func MemfdCreate(name string, size int, hugePage int) (int, error) { return -1, ErrNotSupported }
func OpenHugeFile(dir, name string, size int) (int, error)         { return -1, ErrNotSupported }
func MmapShared(fd int, length int) ([]byte, error)                { return nil, ErrNotSupported }
func Munmap(b []byte) error                                        { return ErrNotSupported }
func Close(fd int) error                                           { return ErrNotSupported }
func Mbind(b []byte, node int) error                               { return nil }
func FreeHugePages(pageSize int) int                               { return 0 }
func TotalHugePages(pageSize int) int                              { return 0 }
func PageSize() int                                                { return os.Getpagesize() }
func SetAffinity(cpus []int) error                                 { return nil }
func Affinity() ([]int, error) {
	cpus := make([]int, runtime.NumCPU())
	for i := range cpus {
		cpus[i] = i
	}
	return cpus, nil
}
func Gettid() int  { return 0 }
func Geteuid() int { return os.Geteuid() }
