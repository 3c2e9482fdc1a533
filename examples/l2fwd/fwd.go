package main

import (
	"sync/atomic"
	"time"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
)

// Fast-path parameters, as DPDK l2fwd's.
const (
	maxPktBurst   = 32                     // MAX_PKT_BURST: RX burst and TX buffer size
	drainPeriod   = 100 * time.Microsecond // BURST_TX_DRAIN_US
	txBufferFlush = maxPktBurst            // a TX buffer is sent when it holds this many
)

// portStats are one port's l2fwd counters. Each field has one writer (rx: the
// lcore polling the port; tx and dropped: the lcore whose RX port forwards to
// it) and is read by the statistics printer, hence atomics.
type portStats struct {
	tx      atomic.Uint64
	rx      atomic.Uint64
	dropped atomic.Uint64
	_       [40]byte // one cache line per port
}

// txBuffer batches packets for one destination port's TX queue 0, as
// rte_eth_tx_buffer does: it sends when full, or when drained; what the port
// does not take is freed and counted as dropped.
type txBuffer struct {
	q     *ethdev.TxQueue
	stats *portStats
	n     int
	pkts  [txBufferFlush]*mempool.Mbuf
}

// add queues m and sends the buffer when it is full.
//
// Ownership: the buffer owns m from now on.
func (b *txBuffer) add(m *mempool.Mbuf, caches *mempool.CacheSet) {
	b.pkts[b.n] = m
	b.n++
	if b.n == len(b.pkts) {
		b.flush(caches)
	}
}

// flush sends the buffered packets (rte_eth_tx_buffer_flush); those the port
// does not accept are freed through caches and counted as dropped.
func (b *txBuffer) flush(caches *mempool.CacheSet) {
	if b.n == 0 {
		return
	}
	sent := b.q.TxBurst(b.pkts[:b.n])
	if sent > 0 {
		b.stats.tx.Add(uint64(sent))
	}
	if sent < b.n {
		caches.FreeBulk(b.pkts[sent:b.n])
		b.stats.dropped.Add(uint64(b.n - sent))
	}
	clear(b.pkts[:b.n])
	b.n = 0
}

// rxPort is one RX port polled by an lcore, with where its packets go.
type rxPort struct {
	port   uint16
	q      *ethdev.RxQueue
	stats  *portStats
	dst    uint16     // destination port
	dstMAC ethdev.MAC // the destination port's MAC (new source address)
	tx     *txBuffer  // the destination port's TX buffer
}

// lcoreState is everything one forwarding lcore touches: its RX ports (queue
// handles looked up once), its destinations' TX buffers, its mempool caches and
// its burst array. Nothing in it is shared with another lcore except counters.
type lcoreState struct {
	id          int
	main        bool
	macUpdating bool
	rx          []rxPort
	caches      mempool.CacheSet
	pkts        [maxPktBurst]*mempool.Mbuf
}

// rewriteMAC sets the Ethernet destination to 02:00:00:00:00:<dst> (low byte of
// the port id) and the source to src, as l2fwd's MAC updating does. Frames
// shorter than the two addresses are left alone.
func rewriteMAC(m *mempool.Mbuf, dst uint16, src *ethdev.MAC) {
	d := m.Data()
	if len(d) < 12 {
		return
	}
	d[0], d[1], d[2], d[3], d[4], d[5] = 0x02, 0, 0, 0, 0, byte(dst)
	copy(d[6:12], src[:])
}

// forward sends a burst received on r to r's destination: MAC rewrite (unless
// disabled), then into the destination's TX buffer. It allocates nothing.
//
// Ownership: forward takes every mbuf of pkts.
func (l *lcoreState) forward(r *rxPort, pkts []*mempool.Mbuf) {
	if l.macUpdating {
		for _, m := range pkts {
			rewriteMAC(m, r.dst, &r.dstMAC)
		}
	}
	for _, m := range pkts {
		r.tx.add(m, &l.caches)
	}
}

// poll makes one pass over the lcore's RX ports, forwarding what arrives, and
// returns how many packets it received.
func (l *lcoreState) poll() int {
	total := 0
	for i := range l.rx {
		r := &l.rx[i]
		n := r.q.RxBurst(l.pkts[:])
		if n == 0 {
			continue
		}
		r.stats.rx.Add(uint64(n))
		l.forward(r, l.pkts[:n])
		total += n
	}
	return total
}

// drain sends what the lcore's TX buffers hold.
func (l *lcoreState) drain() {
	for i := range l.rx {
		l.rx[i].tx.flush(&l.caches)
	}
}

// loop is the lcore's forwarding loop (l2fwd_main_loop): every drain period it
// flushes the TX buffers and, on the main lcore, prints the statistics each
// period; in between it polls its RX ports. Empty polls back off as idle says.
// When quit is set it sends what is buffered and returns its cached mbufs.
func (l *lcoreState) loop(quit *atomic.Bool, idle eal.Backoff, period time.Duration, printStats func()) {
	prev := time.Now()
	var timer time.Duration
	for !quit.Load() {
		now := time.Now()
		if d := now.Sub(prev); d > drainPeriod {
			l.drain()
			if period > 0 {
				timer += d
				if timer >= period && l.main {
					printStats()
					timer = 0
				}
			}
			prev = now
		}
		if l.poll() == 0 {
			idle.Idle()
		} else {
			idle.Reset()
		}
	}
	l.drain()
	l.caches.Close()
}
