package mempool

import (
	"testing"

	"github.com/google/gopacket/layers"
	"github.com/stretchr/testify/require"
)

// TestMbufFeaturesNoAllocs checks that clones, external buffers, chain
// operations and the packet-type parser allocate no Go memory per packet.
func TestMbufFeaturesNoAllocs(t *testing.T) {
	p := newTestPktPool(t, PktPoolConfig{N: 255, CacheSize: 32, DataRoomSize: 128 + 512})
	cp := newTestPktPool(t, PktPoolConfig{N: 255, CacheSize: 32, DataRoomSize: 128 + 64})
	c := p.NewCache()
	defer c.Close()
	tiny := newTestPktPool(t, PktPoolConfig{N: 1})
	cc := cp.NewCache()
	defer cc.Close()
	var set CacheSet
	defer set.Close()
	set.Free(p.Alloc(nil))
	set.Free(cp.Alloc(nil))

	ext := extSegment(t, 4096)
	free := ExtFreeFunc(func([]byte, any) {})
	s, err := NewExtSharedInfo(free, nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, s.Close()) }()

	pkt := serialize(t, eth(layers.EthernetTypeDot1Q), dot1q(10, layers.EthernetTypeIPv6), ipv6(layers.IPProtocolTCP), tcp(), payload)
	single := p.Alloc(nil)
	copy(single.Append(len(pkt)), pkt)
	defer single.Free()
	chained := p.Alloc(nil)
	copy(chained.Append(20), pkt[:20])
	tail := p.Alloc(nil)
	copy(tail.Append(len(pkt)-20), pkt[20:])
	require.NoError(t, chained.Chain(tail))
	defer chained.Free()
	buf := make([]byte, 256)

	chain := func() *Mbuf {
		m := p.Alloc(c)
		m.Append(100)
		_ = m.Chain(p.Alloc(c))
		m.LastSeg().Append(50)
		m.pktLen += 50
		return m
	}
	calls := map[string]func(){
		"Clone/Free": func() {
			cl, _ := single.Clone(cp, cc)
			cl.Free()
		},
		"Clone chain/CacheSet.Free": func() {
			cl, _ := chained.Clone(cp, cc)
			set.Free(cl)
		},
		"Clone exhausted": func() {
			if _, err := chained.Clone(tiny, nil); err == nil {
				panic("clone of two segments from a pool of one")
			}
		},
		"Attach/Detach": func() {
			mi := cp.Alloc(cc)
			_ = mi.Attach(single)
			mi.Detach()
			mi.Free()
		},
		"AttachExtBuf/Free": func() {
			m := p.Alloc(c)
			_ = s.Init(free, nil)
			_ = m.AttachExtBuf(ext[:1000], s)
			m.Append(60)
			cl, _ := m.Clone(cp, cc)
			m.Free()
			cl.Free()
		},
		"Linearize": func() {
			m := chain()
			_ = m.Linearize()
			m.Free()
		},
		"Copy/CopyRange": func() {
			m := chain()
			x, _ := m.Copy(cp, cc)
			y, _ := m.CopyRange(p, c, 90, 20)
			x.Free()
			y.Free()
			m.Free()
		},
		"Read/ReadAt/WriteAt": func() {
			_, _ = chained.Read(10, 30, buf)
			_, _ = chained.Read(30, 10, buf)
			_, _ = chained.ReadAt(buf[:50], 5)
			_, _ = chained.WriteAt(buf[:8], 16)
		},
		"ParsePType": func() {
			_, _ = ParsePType(single)
			_, _ = ParsePType(chained)
			_, _ = ParsePTypeBytes(pkt)
		},
		"Check/Writable": func() {
			_ = chained.Check()
			_ = chained.Writable()
		},
	}
	for name, f := range calls {
		require.Zero(t, testing.AllocsPerRun(100, f), name)
	}
	require.Equal(t, 3, p.InUse())
}

// BenchmarkClone clones a one-segment packet and frees the clone, through caches.
func BenchmarkClone(b *testing.B) {
	p, err := NewPktPool(testName("bench"), PktPoolConfig{N: 1023, CacheSize: 256, Socket: SocketAny})
	require.NoError(b, err)
	var set CacheSet
	c := set.Cache(p)
	m := p.Alloc(c)
	m.Append(64)
	ms := make([]*Mbuf, benchBurst)
	b.ReportAllocs()
	for b.Loop() {
		for i := range ms {
			ms[i], _ = m.Clone(p, c)
		}
		set.FreeBulk(ms)
	}
	reportPerObject(b, benchBurst)
	m.Free()
	set.Close()
	require.NoError(b, p.Close())
}

// BenchmarkRead reads 14 bytes at an offset: within a segment (a view) and
// across two (a copy).
func BenchmarkRead(b *testing.B) {
	p, err := NewPktPool(testName("bench"), PktPoolConfig{N: 15, Socket: SocketAny})
	require.NoError(b, err)
	m := p.Alloc(nil)
	m.Append(100)
	t := p.Alloc(nil)
	t.Append(100)
	require.NoError(b, m.Chain(t))
	var buf [64]byte
	for _, bc := range []struct {
		name string
		off  int
	}{{"View", 20}, {"Copy", 93}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Read(bc.off, 14, buf[:]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	m.Free()
	require.NoError(b, p.Close())
}
