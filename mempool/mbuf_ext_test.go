package mempool

import (
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/eal"
)

// extSegment is off-heap memory for external buffers, freed at cleanup.
func extSegment(t testing.TB, size int) []byte {
	t.Helper()
	mem := eal.DefaultMemory()
	seg, err := mem.Alloc(testName("ext"), size, SocketAny)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, mem.Free(seg)) })
	return seg.Bytes()
}

// freeLog records free callbacks.
type freeLog struct {
	mu    sync.Mutex
	calls int
	bufs  [][]byte
	ops   []any
}

func (l *freeLog) free(buf []byte, opaque any) {
	l.mu.Lock()
	l.calls++
	l.bufs = append(l.bufs, buf)
	l.ops = append(l.ops, opaque)
	l.mu.Unlock()
}

func (l *freeLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}

func TestExtBuf(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 8, DataRoomSize: 128 + 64})
	mem := extSegment(t, 1<<16)
	buf := mem[4096 : 4096+3000]
	var log freeLog
	tag := new(int)
	s, err := NewExtSharedInfo(log.free, tag)
	require.NoError(t, err)
	defer func() { require.NoError(t, s.Close()) }()
	require.NotZero(t, s.ID())
	require.Equal(t, 0, s.RefCnt())

	m := p.Alloc(nil)
	m.SetPort(5)
	require.NoError(t, m.AttachExtBuf(buf, s))
	require.True(t, m.HasExtBuf())
	require.False(t, m.IsDirect())
	require.Nil(t, m.DirectMbuf())
	require.Same(t, s, m.ExtSharedInfo())
	require.Equal(t, External, m.OlFlags())
	require.Equal(t, uintptr(unsafe.Pointer(&buf[0])), m.BufAddr())
	require.Equal(t, 3000, m.BufLen())
	require.Equal(t, 0, m.DataOff())
	require.Equal(t, 0, m.DataLen())
	require.Equal(t, 1, s.RefCnt())
	require.True(t, m.Writable(), "one mbuf on the buffer")
	copy(m.Append(2000), "external data")
	require.Equal(t, "external data", string(buf[:13]), "the data is in the external buffer")
	require.NoError(t, m.Adj(9))
	require.Equal(t, "data", string(m.Data()[:4]))
	require.NoError(t, m.Check())

	// A second AttachExtBuf with the same shared info is refused.
	m2 := p.Alloc(nil)
	require.ErrorIs(t, m2.AttachExtBuf(buf, s), ErrExtBufBusy)
	require.ErrorIs(t, s.Init(log.free, nil), ErrExtBufBusy)
	require.ErrorIs(t, s.Close(), ErrExtBufBusy)

	// A clone of an external mbuf is external too, with one more reference.
	cl, err := m.Clone(p, nil)
	require.NoError(t, err)
	require.True(t, cl.HasExtBuf())
	require.False(t, cl.IsIndirect())
	require.Equal(t, m.DataAddr(), cl.DataAddr())
	require.Equal(t, 2, s.RefCnt())
	require.False(t, m.Writable())
	require.NoError(t, cl.Check())
	require.NoError(t, m2.Attach(cl))
	require.Equal(t, 3, s.RefCnt())

	m.Free()
	cl.Free()
	require.Equal(t, 0, log.count(), "m2 still uses the buffer")
	require.Equal(t, 1, p.InUse(), "the headers went back at once")
	m2.Free()
	require.Equal(t, 1, log.count(), "the last free ran the callback")
	require.Equal(t, 0, s.RefCnt())
	require.Equal(t, unsafe.SliceData(buf), unsafe.SliceData(log.bufs[0]))
	require.Len(t, log.bufs[0], 3000)
	require.Same(t, tag, log.ops[0])
	require.Equal(t, 0, p.InUse())

	// The shared info is spent until re-armed.
	m = p.Alloc(nil)
	require.ErrorIs(t, m.AttachExtBuf(buf, s), ErrExtBufBusy)
	require.NoError(t, s.Init(log.free, "second"))
	require.NoError(t, m.AttachExtBuf(buf[:100], s))
	copy(m.Append(10), "0123456789")
	// Detach instead of Free: the callback runs and the mbuf has its own buffer.
	m.Detach()
	require.Equal(t, 2, log.count())
	require.Equal(t, "second", log.ops[1])
	require.True(t, m.IsDirect())
	require.Equal(t, 0, m.PktLen())
	require.Equal(t, p.DataRoomSize(), m.BufLen())
	require.NoError(t, m.Check())
	m.Free()
	require.Equal(t, 2, log.count())

	// Errors leave everything as it was.
	m = p.Alloc(nil)
	require.NoError(t, s.Init(log.free, nil))
	require.ErrorIs(t, m.AttachExtBuf(nil, s), ErrInvalid)
	require.ErrorIs(t, m.AttachExtBuf(make([]byte, 1<<16), s), ErrInvalid, "longer than 65535")
	m.RefCntUpdate(1)
	require.ErrorIs(t, m.AttachExtBuf(buf, s), ErrShared)
	m.Free()
	require.NoError(t, m.Chain(p.Alloc(nil)))
	require.ErrorIs(t, m.AttachExtBuf(buf, s), ErrShared)
	require.True(t, m.IsDirect())
	require.Equal(t, 0, s.RefCnt())
	m.Free()
	_, err = NewExtSharedInfo(nil, nil)
	require.ErrorIs(t, err, ErrInvalid)
	require.Equal(t, 2, log.count())
}

// TestExtBufRearmInCallback: the callback may re-arm its shared info, as a
// driver recycling its buffers does.
func TestExtBufRearmInCallback(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 4})
	mem := extSegment(t, 4096)
	var s *ExtSharedInfo
	var calls int
	var free ExtFreeFunc
	free = func(buf []byte, _ any) {
		calls++
		require.NoError(t, s.Init(free, nil))
	}
	var err error
	s, err = NewExtSharedInfo(free, nil)
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		m := p.Alloc(nil)
		require.NoError(t, m.AttachExtBuf(mem[:512], s))
		m.Free()
		require.Equal(t, i+1, calls)
	}
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "twice is harmless")
}

// TestExtBufConcurrentFree frees many mbufs sharing an external buffer on several
// goroutines: the callback runs exactly once per buffer.
func TestExtBufConcurrentFree(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 255, CacheSize: 16})
	mem := extSegment(t, 1<<16)
	var calls atomic.Int64
	s, err := NewExtSharedInfo(func([]byte, any) { calls.Add(1) }, nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, s.Close()) }()
	const clones, workers = 64, 4
	for round := 0; round < 100; round++ {
		m := p.Alloc(nil)
		require.NoError(t, s.Init(func([]byte, any) { calls.Add(1) }, nil))
		require.NoError(t, m.AttachExtBuf(mem[round*64:round*64+1000], s))
		m.Append(100)
		ms := make([]*Mbuf, clones)
		for i := range ms {
			ms[i], err = m.Clone(p, nil)
			require.NoError(t, err)
		}
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				var set CacheSet
				defer set.Close()
				for i := w; i < clones; i += workers {
					set.Free(ms[i])
				}
			}(w)
		}
		m.Free()
		wg.Wait()
		require.Equal(t, int64(round+1), calls.Load(), "round %d", round)
		require.Equal(t, 0, p.InUse())
	}
}

// TestExtSharedInfoRegistry: ids are reused after Close, and lookups find the
// live shared info.
func TestExtSharedInfoRegistry(t *testing.T) {
	nop := func([]byte, any) {}
	var infos []*ExtSharedInfo
	seen := map[uint32]bool{}
	for i := 0; i < 3*extChunkSize; i++ { // more than one chunk
		s, err := NewExtSharedInfo(nop, nil)
		require.NoError(t, err)
		require.False(t, seen[s.ID()])
		seen[s.ID()] = true
		require.Same(t, s, extByID(s.ID()))
		infos = append(infos, s)
	}
	id := infos[10].ID()
	require.NoError(t, infos[10].Close())
	require.Nil(t, extByID(id))
	s, err := NewExtSharedInfo(nop, nil)
	require.NoError(t, err)
	require.Equal(t, id, s.ID(), "a closed id is reused")
	infos[10] = s
	for _, s := range infos {
		require.NoError(t, s.Close())
	}
	require.Nil(t, extByID(0))
}
