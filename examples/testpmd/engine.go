package main

import (
	"sync/atomic"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
)

// stream is one forwarding stream: RX queue (rxPort, rxQueue) to TX queue
// (txPort, txQueue). Its counters are written only by the lcore that runs it and
// read by the main goroutine after that lcore has finished.
type stream struct {
	rxPort, txPort   int
	rxQueue, txQueue int
	rxq              *ethdev.RxQueue
	txq              *ethdev.TxQueue
	peer             ethdev.MAC // destination MAC for mac and txonly: the TX port's peer
	txMAC            ethdev.MAC // source MAC for mac and txonly: the TX port's address

	tmpl []byte // txonly: the frame every packet is a copy of

	rxPackets uint64 // packets received
	txPackets uint64 // packets the TX queue accepted
	dropped   uint64 // packets the TX queue refused, freed by the engine
}

// engine runs one burst of a forwarding mode on stream fs and returns the number
// of packets it handled (0 = nothing to do, the lcore may idle).
type engine func(lc *fwdLcore, fs *stream) int

func engineFor(m fwdMode) engine {
	switch m {
	case modeMac:
		return macFwd
	case modeMacSwap:
		return macSwapFwd
	case modeRxOnly:
		return rxOnly
	case modeTxOnly:
		return txOnly
	default:
		return ioFwd
	}
}

// fwdLcore is the state of one forwarding lcore: its streams and the scratch
// space its bursts use, so that the fast path allocates nothing.
type fwdLcore struct {
	id, socket int
	streams    []*stream
	engine     engine
	busy       bool // DPK_BUSY_POLL: never idle

	pkts   []*mempool.Mbuf // one burst: --burst long
	caches mempool.CacheSet
	pool   *mempool.Pool   // txonly: where packets come from
	cache  *mempool.Cache  // the lcore's cache of pool
	segs   []int           // txonly: --txpkts segment lengths
	chain  []*mempool.Mbuf // txonly: the segments of one multi-segment packet
	multi  bool            // --txonly-multi-flow
	ipVar  uint8           // multi-flow counter
	stop   *atomic.Bool
}

func newFwdLcore(id, socket int, streams []*stream, o *options, pool *mempool.Pool, stop *atomic.Bool) *fwdLcore {
	lc := &fwdLcore{
		id:      id,
		socket:  socket,
		streams: streams,
		engine:  engineFor(o.mode),
		pkts:    make([]*mempool.Mbuf, o.burst),
		pool:    pool,
		segs:    o.txpkts,
		chain:   make([]*mempool.Mbuf, len(o.txpkts)),
		multi:   o.multiFlow,
		stop:    stop,
	}
	return lc
}

// run is the lcore's main loop: every stream gets one burst per round, and a
// round that found no work idles according to eal.Backoff (unless busy).
func (lc *fwdLcore) run(*eal.Lcore) error {
	lc.init()
	defer lc.close()
	idle := eal.Backoff{Busy: lc.busy}
	for !lc.stop.Load() {
		if lc.round() == 0 {
			idle.Idle()
		} else {
			idle.Reset()
		}
	}
	return nil
}

// init creates the lcore's mempool cache; it runs on the lcore.
func (lc *fwdLcore) init() {
	if lc.pool != nil {
		lc.cache = lc.caches.Cache(lc.pool)
	}
}

// close returns the lcore's cached mbufs to their pools.
func (lc *fwdLcore) close() { lc.caches.Close() }

// round runs one burst on every stream and returns the packets handled.
func (lc *fwdLcore) round() int {
	work := 0
	for _, fs := range lc.streams {
		work += lc.engine(lc, fs)
	}
	return work
}

// send transmits pkts on the stream's TX queue; what the queue refuses is freed
// and counted as dropped (testpmd without TX retry).
func (lc *fwdLcore) send(fs *stream, pkts []*mempool.Mbuf) {
	k := fs.txq.TxBurst(pkts)
	fs.txPackets += uint64(k)
	if k < len(pkts) {
		lc.caches.FreeBulk(pkts[k:])
		fs.dropped += uint64(len(pkts) - k)
	}
}

// recv receives one burst on the stream's RX queue and counts it.
func (lc *fwdLcore) recv(fs *stream) []*mempool.Mbuf {
	n := fs.rxq.RxBurst(lc.pkts)
	fs.rxPackets += uint64(n)
	return lc.pkts[:n]
}

// ioFwd forwards packets unmodified, without touching their data.
func ioFwd(lc *fwdLcore, fs *stream) int {
	pkts := lc.recv(fs)
	if len(pkts) > 0 {
		lc.send(fs, pkts)
	}
	return len(pkts)
}

// macFwd sets the destination MAC to the TX port's peer and the source MAC to
// the TX port's address, then forwards.
func macFwd(lc *fwdLcore, fs *stream) int {
	pkts := lc.recv(fs)
	if len(pkts) == 0 {
		return 0
	}
	for _, m := range pkts {
		if d := m.Data(); len(d) >= 12 {
			copy(d[0:6], fs.peer[:])
			copy(d[6:12], fs.txMAC[:])
		}
	}
	lc.send(fs, pkts)
	return len(pkts)
}

// macSwapFwd swaps the source and destination MACs, then forwards.
func macSwapFwd(lc *fwdLcore, fs *stream) int {
	pkts := lc.recv(fs)
	if len(pkts) == 0 {
		return 0
	}
	for _, m := range pkts {
		if d := m.Data(); len(d) >= 12 {
			var t [6]byte
			copy(t[:], d[0:6])
			copy(d[0:6], d[6:12])
			copy(d[6:12], t[:])
		}
	}
	lc.send(fs, pkts)
	return len(pkts)
}

// rxOnly receives and frees.
func rxOnly(lc *fwdLcore, fs *stream) int {
	pkts := lc.recv(fs)
	if len(pkts) > 0 {
		lc.caches.FreeBulk(pkts)
	}
	return len(pkts)
}

// txOnly ignores RX and sends a burst of copies of the stream's template frame
// (see buildTxTemplate). When the pool cannot supply a whole burst it sends as
// many as it could get.
func txOnly(lc *fwdLcore, fs *stream) int {
	pkts := lc.pkts
	n := 0
	if len(lc.segs) == 1 {
		n = lc.allocBurst(pkts)
		for _, m := range pkts[:n] {
			lc.prepare(fs)
			copy(m.Append(len(fs.tmpl)), fs.tmpl)
			m.SetTxOffload(txOffloadL2L3)
		}
	} else {
		for n < len(pkts) {
			m := lc.buildChain(fs)
			if m == nil {
				break
			}
			pkts[n] = m
			n++
		}
	}
	if n == 0 {
		return 0
	}
	lc.send(fs, pkts[:n])
	return n
}

// allocBurst fills pkts with fresh mbufs, all at once when the pool has enough,
// else as many as it has; it returns how many.
func (lc *fwdLcore) allocBurst(pkts []*mempool.Mbuf) int {
	if lc.pool.AllocBulk(lc.cache, pkts) == nil {
		return len(pkts)
	}
	n := 0
	for n < len(pkts) {
		m := lc.pool.Alloc(lc.cache)
		if m == nil {
			break
		}
		pkts[n] = m
		n++
	}
	return n
}

// buildChain makes one multi-segment txonly packet, segment i holding
// --txpkts[i] bytes of the template; nil when the pool is short.
func (lc *fwdLcore) buildChain(fs *stream) *mempool.Mbuf {
	segs := lc.chain
	if lc.pool.AllocBulk(lc.cache, segs) != nil {
		return nil
	}
	lc.prepare(fs)
	off := 0
	head := segs[0]
	for i, m := range segs {
		n := lc.segs[i]
		copy(m.Append(n), fs.tmpl[off:off+n])
		off += n
		if i > 0 {
			head.Chain(m) // cannot fail: at most maxTxSegs segments
		}
	}
	head.SetTxOffload(txOffloadL2L3)
	return head
}

// prepare updates the template for the next packet: with --txonly-multi-flow the
// IPv4 source address varies per packet (and the header checksum follows).
func (lc *fwdLcore) prepare(fs *stream) {
	if !lc.multi {
		return
	}
	setMultiFlowSource(fs.tmpl, lc.ipVar, lc.id)
	lc.ipVar++
}
