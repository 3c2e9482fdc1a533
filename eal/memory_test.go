//go:build linux

package eal

import (
	"bytes"
	"log/slog"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/internal/sys"
)

func TestMemoryNoHuge(t *testing.T) {
	m := NewMemory(MemoryConfig{NoHuge: true})
	s, err := m.Alloc("t-nohuge", 10000, -1)
	require.NoError(t, err)
	require.False(t, s.Huge())
	require.Equal(t, sys.PageSize(), s.PageSize())
	require.Equal(t, 12288, s.Len(), "rounded up to whole pages")
	require.GreaterOrEqual(t, s.Fd(), 0)
	require.True(t, s.Contains(s.Base(), s.Len()))
	require.False(t, s.Contains(s.Base(), s.Len()+1))
	require.False(t, s.Contains(s.Base()-1, 1))
	require.Same(t, s, SegmentOf(s.Base()+100))

	// The memory is shared through the fd: a second mapping sees the writes.
	b := s.Bytes()
	copy(b, "dpk segment")
	f := os.NewFile(uintptr(s.Fd()), "seg")
	got := make([]byte, 11)
	_, err = f.ReadAt(got, 0)
	require.NoError(t, err)
	require.Equal(t, "dpk segment", string(got))

	require.Equal(t, int64(12288), m.Used())
	require.NoError(t, m.Free(s))
	require.Nil(t, SegmentOf(s.Base()+100))
	require.Zero(t, m.Used())
	require.Error(t, m.Free(s), "double free is an error")
}

func TestMemoryHugeOrWarn(t *testing.T) {
	var logs bytes.Buffer
	m := NewMemory(MemoryConfig{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	s, err := m.Alloc("t-huge", 3<<20, 0)
	require.NoError(t, err)
	defer m.Close()
	if sys.FreeHugePages(sys.HugePage2M) >= 2 || s.Huge() {
		require.True(t, s.Huge(), "huge pages are free, so the segment must use them")
		require.Equal(t, 4<<20, s.Len(), "rounded to 2 MiB pages")
		require.Empty(t, logs.String())
	} else {
		require.False(t, s.Huge())
		require.Contains(t, logs.String(), "no free huge pages", "the fallback must be announced")
	}
	require.Equal(t, 0, s.Node(), "bound to the requested node")
}

func TestMemoryLimit(t *testing.T) {
	m := NewMemory(MemoryConfig{NoHuge: true, Limit: 64 << 10})
	s, err := m.Alloc("t-lim1", 60<<10, -1)
	require.NoError(t, err)
	_, err = m.Alloc("t-lim2", 8<<10, -1)
	require.ErrorIs(t, err, ErrNoMemory)
	require.ErrorContains(t, err, "t-lim2")
	require.NoError(t, m.Free(s))
	_, err = m.Alloc("t-bad", 0, -1)
	require.Error(t, err)
	require.NoError(t, m.Close())
	require.Zero(t, m.Used())
}

func TestSegmentsRegistry(t *testing.T) {
	m := NewMemory(MemoryConfig{NoHuge: true})
	a, err := m.Alloc("t-reg-a", 4096, -1)
	require.NoError(t, err)
	b, err := m.Alloc("t-reg-b", 4096, -1)
	require.NoError(t, err)
	segs := Segments()
	require.Contains(t, segs, a)
	require.Contains(t, segs, b)
	require.NoError(t, m.Close())
	require.NotContains(t, Segments(), a)
}
