package ring

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/internal/sys"
)

// segment allocates an eal memory segment (huge pages when free) of at least
// size bytes, freed at the end of the test.
func segment(t *testing.T, size int) *eal.Segment {
	t.Helper()
	m := eal.NewMemory(eal.MemoryConfig{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	seg, err := m.Alloc("ring-test", size, -1)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	return seg
}

// TestSharedSegment puts a ring in an eal segment, maps the segment's fd a
// second time (as another process would, at another address), attaches to
// the ring through the second mapping and exchanges values between
// goroutines using the two mappings.
func TestSharedSegment(t *testing.T) {
	for _, c := range []struct {
		flags      Flags
		prods, cns int
	}{
		{0, 2, 2},
		{SPEnq | SCDeq, 1, 1},
		{MPRTSEnq | MCRTSDeq, 2, 2},
		{MPHTSEnq | SCDeq | ExactSize, 2, 1},
	} {
		t.Run(fmt.Sprintf("%#x", uint32(c.flags)), func(t *testing.T) {
			size, err := MemSize[tag](1000, c.flags|ExactSize)
			require.NoError(t, err)
			seg := segment(t, size)
			second, err := sys.MmapFd(seg.Fd(), 0, seg.Len(), sys.ProtRead|sys.ProtWrite)
			require.NoError(t, err)
			defer func() { require.NoError(t, sys.Munmap(second)) }()
			require.NotEqual(t, seg.Base(), uintptr(unsafe.Pointer(unsafe.SliceData(second))))

			a, err := NewInMemory[tag]("seg", seg.Bytes(), 1000, c.flags|ExactSize)
			require.NoError(t, err)
			b, err := Attach[tag](second)
			require.NoError(t, err)
			exchange(t, a, b, c.prods, c.cns, perProducer()/2)
			require.True(t, a.Empty())
			require.True(t, b.Empty())
		})
	}
}

const (
	childEnv = "DPK_RING_TEST_CHILD" // set in the second process
	lenEnv   = "DPK_RING_TEST_LEN"   // the segment's length
	offEnv   = "DPK_RING_TEST_OFF"   // offset of the reply ring
	sentinel = ^uint64(0)            // the last value sent
)

// TestSecondProcess runs a real second process, this test binary started
// again, that maps the segment from the fd it inherits, attaches to two
// rings in it, and answers each value v on the first ring with 3v+1 on the
// second, until a sentinel.
func TestSecondProcess(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		if err := secondProcess(); err != nil {
			fmt.Fprintln(os.Stderr, "second process:", err)
			os.Exit(1)
		}
		return
	}
	const count = 4096
	ringSize, err := MemSize[uint64](count, MPHTSEnq|MCRTSDeq)
	require.NoError(t, err)
	seg := segment(t, 2*ringSize)
	mem := seg.Bytes()
	req, err := NewInMemory[uint64]("request", mem[:ringSize], count, MPHTSEnq|MCRTSDeq)
	require.NoError(t, err)
	resp, err := NewInMemory[uint64]("response", mem[ringSize:], count, SPEnq|SCDeq)
	require.NoError(t, err)

	// The child inherits the segment as fd 3: a new open file of the same
	// memfd, so that the *os.File's finalizer never closes eal's fd.
	f, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(seg.Fd()), os.O_RDWR, 0)
	require.NoError(t, err)
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSecondProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", lenEnv+"="+strconv.Itoa(seg.Len()), offEnv+"="+strconv.Itoa(ringSize))
	cmd.ExtraFiles = []*os.File{f}
	cmd.Stderr = os.Stderr // failures; its stdout (PASS) is dropped
	require.NoError(t, cmd.Start())

	n := perProducer()
	sent := make(chan error, 1)
	go func() {
		batch := make([]uint64, 32)
		for next := 0; next < n; {
			k := min(len(batch), n-next)
			for i := range k {
				batch[i] = uint64(next + i)
			}
			m, err := req.EnqueueBurstWait(ctx, batch[:k])
			if err != nil {
				sent <- err
				return
			}
			next += m
		}
		_, err := req.EnqueueBulkWait(ctx, []uint64{sentinel})
		sent <- err
	}()
	batch := make([]uint64, 32)
	for got := 0; got < n; {
		k, err := resp.DequeueBurstWait(ctx, batch)
		require.NoError(t, err, "after %d answers", got)
		for _, v := range batch[:k] {
			require.Equal(t, 3*uint64(got)+1, v)
			got++
		}
	}
	require.NoError(t, <-sent)
	require.NoError(t, cmd.Wait())
	require.True(t, req.Empty())
	require.True(t, resp.Empty())
}

// secondProcess is the child of TestSecondProcess.
func secondProcess() error {
	length, err1 := strconv.Atoi(os.Getenv(lenEnv))
	off, err2 := strconv.Atoi(os.Getenv(offEnv))
	if err1 != nil || err2 != nil {
		return fmt.Errorf("bad environment: %v %v", err1, err2)
	}
	mem, err := sys.MmapFd(3, 0, length, sys.ProtRead|sys.ProtWrite)
	if err != nil {
		return fmt.Errorf("map: %w", err)
	}
	defer sys.Munmap(mem)
	req, err := Attach[uint64](mem[:off])
	if err != nil {
		return fmt.Errorf("attach request ring: %w", err)
	}
	resp, err := Attach[uint64](mem[off:])
	if err != nil {
		return fmt.Errorf("attach response ring: %w", err)
	}
	if req.Name() != "request" || resp.Name() != "response" {
		return fmt.Errorf("names %q %q", req.Name(), resp.Name())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	in := make([]uint64, 32)
	out := make([]uint64, 32)
	for {
		n, err := req.DequeueBurstWait(ctx, in)
		if err != nil {
			return fmt.Errorf("dequeue: %w", err)
		}
		k := 0
		for _, v := range in[:n] {
			if v == sentinel {
				break
			}
			out[k] = 3*v + 1
			k++
		}
		if k > 0 {
			if _, err := resp.EnqueueBulkWait(ctx, out[:k]); err != nil {
				return fmt.Errorf("enqueue: %w", err)
			}
		}
		if k < n {
			return nil
		}
	}
}
