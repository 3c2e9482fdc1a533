//go:build !linux

package eal

import (
	"errors"
	"os"
)

// allocSegment on systems without memfd: page-aligned memory from the Go heap (not
// shareable; enough for the pure-Go parts and their tests). The Go collector does
// not move heap objects, so pointers into it stay valid while the Segment lives.
func allocSegment(name string, size, hugePage int, hugeDir string) (*Segment, error) {
	if hugePage != 0 {
		return nil, errors.New("huge pages not supported on this OS")
	}
	ps := os.Getpagesize()
	raw := make([]byte, size+ps)
	off := 0
	if r := int(uintptr(unsafePointer(raw)) % uintptr(ps)); r != 0 {
		off = ps - r
	}
	return &Segment{name: name, fd: -1, mem: raw[off : off+size : off+size], pageSize: ps}, nil
}

func freeSegment(s *Segment) error { s.mem = nil; return nil }
