package mempool

import "testing"

const benchBurst = 32

// reportPerObject adds an ns/obj metric: objs objects went out and back per
// iteration.
func reportPerObject(b *testing.B, objs int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(objs), "ns/obj")
}

func benchGetPut(b *testing.B, cacheSize int) {
	p, err := New(testName("bench"), Config{N: 8191, EltSize: 64, CacheSize: cacheSize, Socket: SocketAny})
	if err != nil {
		b.Fatal(err)
	}
	c := p.NewCache()
	objs := make([]uint32, benchBurst)
	b.ReportAllocs()
	for b.Loop() {
		if p.GetBulk(c, objs) != nil {
			b.Fatal("pool empty")
		}
		p.PutBulk(c, objs)
	}
	reportPerObject(b, benchBurst)
	c.Close()
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGetPutBulk32Cache gets and puts 32 objects through a cache of 256:
// after the first refill, neither touches the shared ring.
func BenchmarkGetPutBulk32Cache(b *testing.B) { benchGetPut(b, 256) }

// BenchmarkGetPutBulk32NoCache gets and puts 32 objects straight through the
// shared MP/MC ring.
func BenchmarkGetPutBulk32NoCache(b *testing.B) { benchGetPut(b, 0) }

// BenchmarkAllocFreeBulk32 allocates 32 mbufs (reset included) through a cache
// and frees them through a CacheSet, as an lcore does with RX then TX.
func BenchmarkAllocFreeBulk32(b *testing.B) {
	p, err := NewPktPool(testName("bench"), PktPoolConfig{N: 8191, CacheSize: 256, Socket: SocketAny})
	if err != nil {
		b.Fatal(err)
	}
	var set CacheSet
	c := set.Cache(p)
	ms := make([]*Mbuf, benchBurst)
	b.ReportAllocs()
	for b.Loop() {
		if p.AllocBulk(c, ms) != nil {
			b.Fatal("pool empty")
		}
		set.FreeBulk(ms)
	}
	reportPerObject(b, benchBurst)
	set.Close()
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
}
