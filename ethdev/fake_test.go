package ethdev_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
)

// fakeDriver is a test PMD. Its devices implement none of the optional
// interfaces (promiscuous, MTU, MAC, ...). Devargs: fail=1 makes Probe fail.
type fakeDriver struct{ name string }

func init() {
	ethdev.Register(fakeDriver{"net_fake"})
	ethdev.Register(fakeDriver{"net_fake_long"}) // for longest-prefix matching
}

// openFakes counts fake devices probed and not yet closed.
var openFakes atomic.Int64

// probeGate, when set, is called by Probe of devices given the bare key "gate".
var probeGate func()

func (d fakeDriver) Name() string { return d.name }

func (d fakeDriver) Probe(args *ethdev.Devargs) (ethdev.Device, error) {
	if err := args.CheckKeys("fail", "rxlen", "gate"); err != nil {
		return nil, err
	}
	fail, err := args.Bool("fail", false)
	if err != nil {
		return nil, err
	}
	if fail {
		return nil, fmt.Errorf("fake probe failure: %w", ethdev.ErrInvalid)
	}
	if args.Has("gate") {
		probeGate()
	}
	rxlen, err := args.Int("rxlen", 60, 1, 2048)
	if err != nil {
		return nil, err
	}
	openFakes.Add(1)
	d2 := &fakeDev{driver: d.name, rxLen: rxlen}
	d2.budget.Store(-1)
	return d2, nil
}

// fakeDev is a device whose RX makes packets of rxLen, rxLen+1, ..., rxLen+7
// bytes and whose TX accepts at most budget packets (-1 = all) and frees them.
// Its Stats adds missed to IMissed, its XStats appends two driver counters.
type fakeDev struct {
	driver  string
	rxLen   int
	closed  bool
	nrx     int
	budget  atomic.Int64  // TX packets still accepted; -1 = unlimited
	missed  atomic.Uint64 // reported as IMissed
	reject  atomic.Uint64 // TX packets refused: xstat fake_tx_rejected
	rxBytes atomic.Uint64 // bytes fabricated by RX
	chunks  []int         // sizes of the TX bursts the driver saw (data path only)
	onStats func()        // run once after the next Stats (control path only)
	rxq     []*fakeRxq
	txq     []*fakeTxq
}

func (d *fakeDev) Info() ethdev.DevInfo {
	return ethdev.DevInfo{MaxRxQueues: 4, MaxTxQueues: 4, Socket: -1}
}

func (d *fakeDev) Configure(nbRxq, nbTxq int, conf *ethdev.Config) error {
	d.release()
	d.nrx = nbRxq
	d.rxq = make([]*fakeRxq, nbRxq)
	d.txq = make([]*fakeTxq, nbTxq)
	return nil
}

func (d *fakeDev) release() {
	for _, q := range d.rxq {
		if q != nil {
			q.cache.Close()
		}
	}
	for _, q := range d.txq {
		if q != nil {
			q.caches.Close()
		}
	}
}

func (d *fakeDev) RxQueueSetup(p ethdev.RxQueueParams) (ethdev.RxBurster, error) {
	q := &fakeRxq{dev: d, pool: p.Pool, cache: p.Pool.NewCache(), port: p.Port, stats: p.Stats}
	d.rxq[p.Queue] = q
	return q, nil
}

func (d *fakeDev) TxQueueSetup(p ethdev.TxQueueParams) (ethdev.TxBurster, error) {
	q := &fakeTxq{dev: d}
	d.txq[p.Queue] = q
	return q, nil
}

func (d *fakeDev) Start() error { return nil }
func (d *fakeDev) Stop() error  { return nil }

func (d *fakeDev) Close() error {
	if d.closed {
		panic("fake device closed twice")
	}
	d.closed = true
	d.release()
	openFakes.Add(-1)
	return nil
}

func (d *fakeDev) Link() ethdev.Link   { return ethdev.Link{} }
func (d *fakeDev) MACAddr() ethdev.MAC { return ethdev.MAC{0x02, 0xfa, 0xce, 0, 0, 1} }

func (d *fakeDev) Stats(s *ethdev.Stats) {
	s.IMissed += d.missed.Load()
	if f := d.onStats; f != nil {
		d.onStats = nil
		f()
	}
}

func (d *fakeDev) XStats(x []ethdev.XStat) []ethdev.XStat {
	return append(x,
		ethdev.XStat{Name: "fake_tx_rejected", Value: d.reject.Load()},
		ethdev.XStat{Name: "fake_rx_bytes", Value: d.rxBytes.Load()},
	)
}

type fakeRxq struct {
	dev   *fakeDev
	pool  *mempool.Pool
	cache *mempool.Cache
	port  uint16
	stats *ethdev.QueueStats
	seq   int
}

func (q *fakeRxq) RxBurst(pkts []*mempool.Mbuf) int {
	if len(pkts) == 0 {
		return 0
	}
	if q.pool.AllocBulk(q.cache, pkts) != nil {
		q.stats.Nombuf.Add(1)
		return 0
	}
	for _, m := range pkts {
		n := q.dev.rxLen + q.seq%8
		q.seq++
		m.Append(n)
		m.SetPort(q.port)
		q.dev.rxBytes.Add(uint64(n))
	}
	return len(pkts)
}

type fakeTxq struct {
	dev    *fakeDev
	caches mempool.CacheSet
}

func (q *fakeTxq) TxBurst(pkts []*mempool.Mbuf) int {
	d := q.dev
	d.chunks = append(d.chunks, len(pkts))
	k := len(pkts)
	if b := d.budget.Load(); b >= 0 {
		k = min(k, int(b))
		d.budget.Store(b - int64(k))
	}
	d.reject.Add(uint64(len(pkts) - k))
	for _, m := range pkts[:k] {
		// The packets are the driver's now: it may do what it likes with them,
		// so the wrapper must have noted their lengths before.
		_ = m.Trim(m.PktLen())
	}
	q.caches.FreeBulk(pkts[:k])
	return k
}

var seq atomic.Int32

// uniq returns a device name unique in this process.
func uniq(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

// create creates a port and closes it at cleanup.
func create(t testing.TB, devargs string) *ethdev.Port {
	t.Helper()
	p, err := ethdev.Create(devargs)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, p.Stop())
		require.NoError(t, p.Close())
	})
	return p
}

// newPool makes a small mbuf pool and checks at cleanup that every mbuf is back.
func newPool(t testing.TB) *mempool.Pool {
	t.Helper()
	p, err := mempool.NewPktPool(uniq("ethdev"), mempool.PktPoolConfig{N: 2047, CacheSize: 64, Socket: mempool.SocketAny})
	require.NoError(t, err)
	t.Cleanup(func() {
		require.Equal(t, 0, p.InUse(), "mbufs not returned to pool %s", p.Name())
		require.NoError(t, p.Close())
	})
	return p
}

// startFake creates a fake port with nq queue pairs on pool and starts it.
func startFake(t testing.TB, pool *mempool.Pool, nq int) (*ethdev.Port, *fakeDev) {
	t.Helper()
	p := create(t, uniq("net_fake"))
	require.NoError(t, p.Configure(nq, nq, nil))
	for q := 0; q < nq; q++ {
		require.NoError(t, p.RxQueueSetup(q, 0, 0, nil, pool))
		require.NoError(t, p.TxQueueSetup(q, 0, 0, nil))
	}
	require.NoError(t, p.Start())
	return p, p.Device().(*fakeDev)
}
