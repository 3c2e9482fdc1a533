package ethdev

import (
	"sync/atomic"

	"github.com/dpk-go/dpk/mempool"
)

// RxQueue is the fast-path handle of one RX queue. Look it up once
// (Port.RxQueue) outside the polling loop. One goroutine at a time may call
// RxBurst on a queue (as in DPDK, queues are not thread-safe).
//
// While the port is stopped the handle's bursts return 0 and count the attempt in
// IdlePolls; no state is checked per burst.
type RxQueue struct {
	impl  atomic.Pointer[rxImpl]
	stats QueueStats
	port  *Port
	id    int
	idle  atomic.Uint64
}

type rxImpl struct{ b RxBurster }

// TxQueue is the fast-path handle of one TX queue; see RxQueue.
type TxQueue struct {
	impl  atomic.Pointer[txImpl]
	stats QueueStats
	port  *Port
	id    int
	idle  atomic.Uint64
}

type txImpl struct{ b TxBurster }

// stoppedRx and stoppedTx are what a stopped port's queues run.
type stoppedRx struct{ q *RxQueue }

func (s stoppedRx) RxBurst(pkts []*mempool.Mbuf) int { s.q.idle.Add(1); return 0 }

type stoppedTx struct{ q *TxQueue }

func (s stoppedTx) TxBurst(pkts []*mempool.Mbuf) int { s.q.idle.Add(1); return 0 }

func newRxQueue(p *Port, id int) *RxQueue {
	q := &RxQueue{port: p, id: id}
	q.impl.Store(&rxImpl{stoppedRx{q}})
	return q
}

func newTxQueue(p *Port, id int) *TxQueue {
	q := &TxQueue{port: p, id: id}
	q.impl.Store(&txImpl{stoppedTx{q}})
	return q
}

// Port is the queue's port.
func (q *RxQueue) Port() *Port { return q.port }

// ID is the queue index.
func (q *RxQueue) ID() int { return q.id }

// IdlePolls counts bursts attempted while the port was stopped.
func (q *RxQueue) IdlePolls() uint64 { return q.idle.Load() }

// RxBurst receives up to len(pkts) packets into pkts[:n] and returns n
// (rte_eth_rx_burst). It never blocks and allocates nothing.
//
// Ownership: the caller owns the n returned mbufs and must free or transmit each.
func (q *RxQueue) RxBurst(pkts []*mempool.Mbuf) int {
	n := q.impl.Load().b.RxBurst(pkts)
	if n > 0 {
		var bytes uint64
		for _, m := range pkts[:n] {
			bytes += uint64(m.PktLen())
		}
		q.stats.Packets.Add(uint64(n))
		q.stats.Bytes.Add(bytes)
	}
	return n
}

// Port is the queue's port.
func (q *TxQueue) Port() *Port { return q.port }

// ID is the queue index.
func (q *TxQueue) ID() int { return q.id }

// IdlePolls counts bursts attempted while the port was stopped.
func (q *TxQueue) IdlePolls() uint64 { return q.idle.Load() }

// txChunk bounds how many packet lengths are noted (on the stack) before the
// driver takes them: it may free the mbufs at once, so they are read before.
const txChunk = 128

// TxBurst sends pkts and returns how many the driver accepted, k
// (rte_eth_tx_burst). It never blocks and allocates nothing.
//
// Ownership: the driver owns pkts[:k] (it frees them when sent); pkts[k:] are
// still the caller's, to retry or free.
func (q *TxQueue) TxBurst(pkts []*mempool.Mbuf) int {
	b := q.impl.Load().b
	var lens [txChunk]uint32
	sent := 0
	var bytes uint64
	// Frames the driver takes but drops show up as growth of Errors/ErrBytes
	// (this goroutine is their only writer); they are not counted as sent.
	e0, eb0 := q.stats.Errors.Load(), q.stats.ErrBytes.Load()
	for sent < len(pkts) {
		chunk := pkts[sent:min(len(pkts), sent+txChunk)]
		for i, m := range chunk {
			lens[i] = uint32(m.PktLen())
		}
		k := b.TxBurst(chunk)
		for _, l := range lens[:k] {
			bytes += uint64(l)
		}
		sent += k
		if k < len(chunk) {
			break
		}
	}
	if sent > 0 {
		dropped := q.stats.Errors.Load() - e0
		q.stats.Packets.Add(uint64(sent) - dropped)
		q.stats.Bytes.Add(bytes - (q.stats.ErrBytes.Load() - eb0))
	}
	return sent
}
