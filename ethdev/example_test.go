package ethdev_test

import (
	"fmt"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/ring"
	"github.com/dpk-go/dpk/mempool"
)

// Example wires two net_ring ports back to back, sends four frames from one and
// receives them on the other, then reads the statistics and shuts down.
func Example() {
	pool, err := mempool.NewPktPool("example_eth", mempool.PktPoolConfig{N: 1023, CacheSize: 32, Socket: mempool.SocketAny})
	if err != nil {
		panic(err)
	}
	// Ports usually come from devargs (ethdev.Create("net_ring0")); Pair makes two
	// wired to each other.
	a, b, err := ring.Pair("net_ring_ex_a", "net_ring_ex_b", 1, 256)
	if err != nil {
		panic(err)
	}

	// Control path: configure one queue pair per port, set the queues up, start.
	for _, p := range []*ethdev.Port{a, b} {
		if err := p.Configure(1, 1, nil); err != nil {
			panic(err)
		}
		if err := p.RxQueueSetup(0, 0, mempool.SocketAny, nil, pool); err != nil {
			panic(err)
		}
		if err := p.TxQueueSetup(0, 0, mempool.SocketAny, nil); err != nil {
			panic(err)
		}
		if err := p.Start(); err != nil {
			panic(err)
		}
	}
	fmt.Println(a.Name(), a.DriverName(), a.Link())

	// Fast path: look the queue handles up once, outside the loop.
	tx, rx := a.TxQueue(0), b.RxQueue(0)
	pkts := make([]*mempool.Mbuf, 32)
	if err := pool.AllocBulk(nil, pkts[:4]); err != nil {
		panic(err)
	}
	for i, m := range pkts[:4] {
		copy(m.Append(60), fmt.Sprintf("frame %d", i))
	}
	sent := tx.TxBurst(pkts[:4])   // the driver owns pkts[:sent] now
	mempool.FreeBulk(pkts[sent:4]) // the rest are still ours

	n := rx.RxBurst(pkts) // we own pkts[:n]
	for _, m := range pkts[:n] {
		fmt.Printf("%s: %d bytes: %s\n", ethdev.Get(int(m.Port())).Name(), m.PktLen(), m.Data()[:7])
	}
	mempool.FreeBulk(pkts[:n])

	sa, _ := a.Stats()
	sb, _ := b.Stats()
	fmt.Printf("%s: opackets=%d obytes=%d\n", a.Name(), sa.OPackets, sa.OBytes)
	fmt.Printf("%s: ipackets=%d ibytes=%d\n", b.Name(), sb.IPackets, sb.IBytes)

	for _, p := range []*ethdev.Port{a, b} {
		if err := p.Stop(); err != nil {
			panic(err)
		}
		if err := p.Close(); err != nil {
			panic(err)
		}
	}
	fmt.Println("mbufs in use:", pool.InUse())
	if err := pool.Close(); err != nil {
		panic(err)
	}
	// Output:
	// net_ring_ex_a net_ring Link up at 10 Gbps FDX Fixed
	// net_ring_ex_b: 60 bytes: frame 0
	// net_ring_ex_b: 60 bytes: frame 1
	// net_ring_ex_b: 60 bytes: frame 2
	// net_ring_ex_b: 60 bytes: frame 3
	// net_ring_ex_a: opackets=4 obytes=240
	// net_ring_ex_b: ipackets=4 ibytes=240
	// mbufs in use: 0
}
