package mempool

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestObjIter(t *testing.T) {
	p, err := New(testName("it"), Config{N: 50, EltSize: 100, Socket: SocketAny,
		ObjInit: func(obj unsafe.Pointer, idx uint32) { *(*uint32)(obj) = idx * 3 }})
	require.NoError(t, err)
	defer p.Close()
	held := make([]uint32, 7)
	require.NoError(t, p.GetBulk(nil, held)) // iteration visits taken objects too
	var next uint32
	n := p.ObjIter(func(idx uint32, obj unsafe.Pointer) {
		require.Equal(t, next, idx, "index order")
		require.Equal(t, p.Object(idx), obj)
		require.Equal(t, idx*3, *(*uint32)(obj))
		next++
	})
	require.Equal(t, 50, n)
	require.Equal(t, uint32(50), next)

	next = 0
	for idx, obj := range p.Objects() {
		require.Equal(t, next, idx)
		require.Equal(t, p.Object(idx), obj)
		if next++; next == 10 {
			break
		}
	}
	require.Equal(t, uint32(10), next)
	require.Zero(t, p.MbufIter(func(*Mbuf) { t.Fatal("not an mbuf pool") }))
	for range p.Mbufs() {
		t.Fatal("not an mbuf pool")
	}
	p.PutBulk(nil, held)
}

func TestMbufIter(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 40, CacheSize: 8, PrivSize: 16})
	m := p.Alloc(nil)
	require.NotNil(t, m)
	var i uint32
	n := p.MbufIter(func(mb *Mbuf) {
		require.Equal(t, i, mb.Index())
		require.Same(t, p, mb.Pool())
		require.Equal(t, p.Object(i), unsafe.Pointer(mb))
		require.Equal(t, DefaultBufSize, mb.BufLen())
		require.Len(t, mb.Priv(), 16)
		i++
	})
	require.Equal(t, 40, n)
	require.Equal(t, uint32(40), i)
	seen := 0
	for mb := range p.Mbufs() {
		if mb == m {
			seen++
		}
	}
	require.Equal(t, 1, seen, "the allocated mbuf is visited once")
	m.Free()
}
