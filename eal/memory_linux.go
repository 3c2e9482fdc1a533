//go:build linux

package eal

import (
	"errors"

	"github.com/dpk-go/dpk/internal/sys"
)

// allocSegment maps size bytes from a memfd (or a hugetlbfs file when hugeDir is
// set) with huge pages of hugePage bytes, or normal pages when hugePage is 0.
func allocSegment(name string, size, hugePage int, hugeDir string) (*Segment, error) {
	var fd int
	var err error
	if hugePage != 0 && hugeDir != "" {
		fd, err = sys.OpenHugeFile(hugeDir, "dpk-"+name, size)
	} else {
		fd, err = sys.MemfdCreate("dpk-"+name, size, hugePage)
	}
	if err != nil {
		return nil, err
	}
	mem, err := sys.MmapShared(fd, size)
	if err != nil {
		sys.Close(fd)
		return nil, err
	}
	ps := hugePage
	if ps == 0 {
		ps = sys.PageSize()
	}
	return &Segment{name: name, fd: fd, mem: mem, pageSize: ps, huge: hugePage != 0}, nil
}

func freeSegment(s *Segment) error {
	err := sys.Munmap(s.mem)
	s.mem = nil
	return errors.Join(err, sys.Close(s.fd))
}
