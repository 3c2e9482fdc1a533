//go:build linux

package afpacket_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/ethdevtest"
	"github.com/dpk-go/dpk/mempool"
)

const benchBurst = 32

// txBurst64 allocates a burst of 64-byte frames through cache c and sends it;
// it returns how many the port took (the rest are freed).
func txBurst64(pool *mempool.Pool, c *mempool.Cache, q *ethdev.TxQueue, pkts []*mempool.Mbuf, tmpl []byte) int {
	if pool.AllocBulk(c, pkts) != nil {
		return 0
	}
	for _, m := range pkts {
		copy(m.Append(len(tmpl)), tmpl)
	}
	k := q.TxBurst(pkts)
	mempool.FreeBulk(pkts[k:])
	return k
}

// BenchmarkTxBurst sends bursts of 32 64-byte frames into a veth whose peer is
// the kernel (which drops them: unknown EtherType). One op is one burst; the
// kernel's veth transmit and the peer's receive run inside the sendto kick, so
// they are part of the cost, as on a real NIC they would not be.
func BenchmarkTxBurst(b *testing.B) {
	pool := ethdevtest.NewPool(b)
	tp := newTopo(b, false)
	p := openPort(b, tp.a, ifA, "")
	start(b, p, 1, pool, nil)
	c := pool.NewCache()
	defer c.Close()
	q := p.TxQueue(0)
	pkts := make([]*mempool.Mbuf, benchBurst)
	tmpl := frame(make([]byte, 64), srcMAC, 1)
	sent := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := txBurst64(pool, c, q, pkts, tmpl)
		if k == 0 {
			runtime.Gosched()
		}
		sent += k
	}
	b.StopTimer()
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "pkts/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(sent, 1)), "ns/pkt")
}

// BenchmarkRxBurst receives 64-byte frames in bursts of 32 while another port
// sends them as fast as it can from a second goroutine (the other CPU; the
// kernel's veth transmit and the copy into the receiver's ring run there). One op
// is one received packet, so pkts/s is the pair's throughput, bounded by the
// sender; rx_ns/pkt is the time spent inside RxBursts that returned packets, per
// packet: the receive cost itself.
func BenchmarkRxBurst(b *testing.B) {
	pool := ethdevtest.NewPool(b)
	tp := newTopo(b, false)
	tx := openPort(b, tp.a, ifA, "")
	rx := openPort(b, tp.b, ifB, "")
	start(b, tx, 1, pool, nil)
	start(b, rx, 1, pool, nil)
	txq, rxq := tx.TxQueue(0), rx.RxQueue(0)

	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		c := pool.NewCache()
		defer c.Close()
		pkts := make([]*mempool.Mbuf, benchBurst)
		tmpl := frame(make([]byte, 64), srcMAC, 1)
		for !stop.Load() {
			if txBurst64(pool, c, txq, pkts, tmpl) == 0 {
				runtime.Gosched()
			}
		}
	}()
	defer func() {
		stop.Store(true)
		<-done
		drain(b, rxq)
	}()

	var free mempool.CacheSet
	defer free.Close()
	pkts := make([]*mempool.Mbuf, benchBurst)
	var inRx time.Duration
	received := 0
	b.ResetTimer()
	for received < b.N {
		t0 := time.Now()
		n := rxq.RxBurst(pkts)
		if n == 0 {
			runtime.Gosched()
			continue
		}
		inRx += time.Since(t0)
		free.FreeBulk(pkts[:n])
		received += n
	}
	b.StopTimer()
	b.ReportMetric(float64(received)/b.Elapsed().Seconds(), "pkts/s")
	b.ReportMetric(float64(inRx.Nanoseconds())/float64(received), "rx_ns/pkt")
}
