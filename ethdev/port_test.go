package ethdev_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
)

func TestRegister(t *testing.T) {
	require.PanicsWithValue(t, "ethdev: Register called twice for driver net_fake", func() {
		ethdev.Register(fakeDriver{"net_fake"})
	})
	require.PanicsWithValue(t, "ethdev: Register of a driver without a name", func() {
		ethdev.Register(fakeDriver{""})
	})
	names := ethdev.Drivers()
	require.Contains(t, names, "net_fake")
	require.Contains(t, names, "net_fake_long")
	require.IsIncreasing(t, names)
}

func TestDriverMatch(t *testing.T) {
	// The longest registered prefix wins: net_fake_long0 is not a net_fake.
	long := create(t, uniq("net_fake_long"))
	require.Equal(t, "net_fake_long", long.DriverName())
	require.Equal(t, "net_fake_long", long.Info().DriverName)
	require.Equal(t, "net_fake_long", long.Device().(*fakeDev).driver)
	short := create(t, uniq("net_fake_"))
	require.Equal(t, "net_fake", short.DriverName())
	bare := create(t, "net_fake")
	require.Equal(t, "net_fake", bare.DriverName())
	require.Equal(t, "net_fake", bare.Name())

	// An unknown driver: ErrNoDevice, and the message lists what is registered.
	_, err := ethdev.Create("net_nosuch0,iface=x")
	require.ErrorIs(t, err, ethdev.ErrNoDevice)
	require.ErrorContains(t, err, `no driver for device "net_nosuch0"`)
	require.ErrorContains(t, err, "net_fake, net_fake_long")
	require.ErrorContains(t, err, "blank-import the driver package")
	_, err = ethdev.Create("net_fak0")
	require.ErrorIs(t, err, ethdev.ErrNoDevice)

	// Devargs errors come back as they are, naming the key.
	_, err = ethdev.Create("net_fake9,rxlen=0")
	require.ErrorIs(t, err, ethdev.ErrBadValue)
	require.ErrorContains(t, err, `rxlen="0"`)
	_, err = ethdev.Create("net_fake9,size=1")
	require.ErrorIs(t, err, ethdev.ErrUnknownKey)
	require.ErrorContains(t, err, `unknown key "size"`)
	_, err = ethdev.Create("net_fake9,fail=1")
	require.ErrorIs(t, err, ethdev.ErrInvalid)
	require.ErrorContains(t, err, "ethdev: probe net_fake9: fake probe failure")
	_, err = ethdev.Create("net fake")
	require.ErrorIs(t, err, ethdev.ErrSyntax)
	require.Nil(t, ethdev.Get(-1))
	require.Nil(t, ethdev.Get(ethdev.MaxPorts))
}

func TestCreateDuplicateAndIDReuse(t *testing.T) {
	name := uniq("net_fake")
	a, err := ethdev.Create(name + ",rxlen=100")
	require.NoError(t, err)
	_, err = ethdev.Create(name)
	require.ErrorIs(t, err, ethdev.ErrBusy)
	require.ErrorContains(t, err, fmt.Sprintf("device %q already exists (port %d)", name, a.ID()))
	require.Equal(t, "rxlen=100", a.Devargs())

	b := create(t, uniq("net_fake"))
	require.Greater(t, b.ID(), a.ID())
	require.Same(t, a, ethdev.Get(int(a.ID())))
	require.Contains(t, ethdev.Ports(), a)

	// Closing frees the id and the name; the lowest free id is taken next.
	require.NoError(t, a.Close())
	require.Nil(t, ethdev.Get(int(a.ID())))
	require.NotContains(t, ethdev.Ports(), a)
	require.NoError(t, a.Close(), "closing twice does nothing")
	c := create(t, name)
	require.Equal(t, a.ID(), c.ID())
	require.Same(t, c, ethdev.Get(int(c.ID())))
	require.ErrorIs(t, a.Configure(1, 1, nil), ethdev.ErrClosed, "the old handle stays closed")
}

// TestCreateSameNameConcurrently has two Creates of one name probe at the same
// time: exactly one may get the name.
func TestCreateSameNameConcurrently(t *testing.T) {
	var both sync.WaitGroup
	both.Add(2)
	probeGate = func() { both.Done(); both.Wait() } // each probe waits for the other
	defer func() { probeGate = nil }()
	name := uniq("net_fake")
	probed := openFakes.Load()
	var ports [2]*ethdev.Port
	var errs [2]error
	var wg sync.WaitGroup
	for i := range ports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ports[i], errs[i] = ethdev.Create(name + ",gate")
		}()
	}
	wg.Wait()
	ok := 0
	for i, p := range ports {
		if errs[i] == nil {
			ok++
			require.NoError(t, p.Close())
		} else {
			require.ErrorIs(t, errs[i], ethdev.ErrBusy)
		}
	}
	require.Equal(t, 1, ok, "both Creates of %s succeeded", name)
	require.Equal(t, probed, openFakes.Load(), "the loser's device was closed")
}

func TestMaxPorts(t *testing.T) {
	before := ethdev.Count()
	probed := openFakes.Load()
	var ports []*ethdev.Port
	defer func() {
		for _, p := range ports {
			require.NoError(t, p.Close())
		}
		require.Equal(t, before, ethdev.Count())
		require.Equal(t, probed, openFakes.Load())
	}()
	for i := before; i < ethdev.MaxPorts; i++ {
		p, err := ethdev.Create(uniq("net_fake"))
		require.NoError(t, err)
		ports = append(ports, p)
	}
	require.Equal(t, ethdev.MaxPorts, ethdev.Count())
	ids := map[uint16]bool{}
	for _, p := range ethdev.Ports() {
		require.False(t, ids[p.ID()])
		ids[p.ID()] = true
		require.Less(t, int(p.ID()), ethdev.MaxPorts)
	}

	_, err := ethdev.Create(uniq("net_fake"))
	require.ErrorIs(t, err, ethdev.ErrNoDevice)
	require.ErrorContains(t, err, "all 32 port ids in use")
	require.Equal(t, probed+int64(len(ports)), openFakes.Load(), "the device probed for the refused port was closed")

	// CreateAll closes what it created when one fails.
	require.NoError(t, ports[0].Close())
	ports = ports[1:]
	_, err = ethdev.CreateAll([]string{uniq("net_fake"), uniq("net_fake")})
	require.ErrorIs(t, err, ethdev.ErrNoDevice)
	require.Equal(t, ethdev.MaxPorts-1, ethdev.Count())
	require.Equal(t, probed+int64(len(ports)), openFakes.Load())
}

func TestStatsBaseline(t *testing.T) {
	pool := newPool(t)
	p, dev := startFake(t, pool, 1)
	rxq, txq := p.RxQueue(0), p.TxQueue(0)
	pkts := make([]*mempool.Mbuf, 64)

	// RX counts packets and their bytes (PktLen): 60..67 bytes here.
	require.Equal(t, 10, rxq.RxBurst(pkts[:10]))
	rxBytes := 0
	for _, m := range pkts[:10] {
		rxBytes += m.PktLen()
		require.Equal(t, p.ID(), m.Port())
	}
	require.Equal(t, uint64(rxBytes), dev.rxBytes.Load())
	// TX of the first 4.
	txBytes := pkts[0].PktLen() + pkts[1].PktLen() + pkts[2].PktLen() + pkts[3].PktLen()
	require.Equal(t, 4, txq.TxBurst(pkts[:4]))
	mempool.FreeBulk(pkts[4:10])
	dev.missed.Add(3)

	s, err := p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(10), s.IPackets)
	require.Equal(t, uint64(rxBytes), s.IBytes)
	require.Equal(t, uint64(4), s.OPackets)
	require.Equal(t, uint64(txBytes), s.OBytes)
	require.Equal(t, uint64(3), s.IMissed, "the device's own counters are added")
	require.Equal(t, uint64(10), s.QIPackets[0])
	require.Equal(t, uint64(rxBytes), s.QIBytes[0])
	require.Equal(t, uint64(4), s.QOPackets[0])
	require.Equal(t, uint64(txBytes), s.QOBytes[0])

	// Reset: a baseline, not a write to the fast path's counters.
	require.NoError(t, p.ResetStats())
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, ethdev.Stats{}, s)

	require.Equal(t, 2, rxq.RxBurst(pkts[:2]))
	b2 := pkts[0].PktLen() + pkts[1].PktLen()
	require.Equal(t, 2, txq.TxBurst(pkts[:2]))
	dev.missed.Add(1)
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, ethdev.Stats{
		IPackets: 2, IBytes: uint64(b2), OPackets: 2, OBytes: uint64(b2), IMissed: 1,
		QIPackets: [16]uint64{2}, QIBytes: [16]uint64{uint64(b2)},
		QOPackets: [16]uint64{2}, QOBytes: [16]uint64{uint64(b2)},
	}, s)

	// Reconfiguring replaces the queues; the counters since the reset carry on.
	require.NoError(t, p.Stop())
	require.NoError(t, p.Configure(2, 2, nil))
	for q := 0; q < 2; q++ {
		require.NoError(t, p.RxQueueSetup(q, 0, 0, nil, pool))
		require.NoError(t, p.TxQueueSetup(q, 0, 0, nil))
	}
	require.NoError(t, p.Start())
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(2), s.IPackets, "counters after Configure: %+v", s)
	require.Equal(t, uint64(2), s.OPackets)
	require.Equal(t, uint64(b2), s.IBytes)
	require.Equal(t, uint64(1), s.IMissed)
	require.Equal(t, 1, p.RxQueue(1).RxBurst(pkts[:1]))
	require.Equal(t, 1, p.TxQueue(1).TxBurst(pkts[:1]))
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(3), s.IPackets)
	require.Equal(t, uint64(1), s.QIPackets[1])
	require.NoError(t, p.ResetStats())
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, ethdev.Stats{}, s)
}

// TestResetStatsOneSnapshot has a packet arrive while ResetStats reads the
// counters: Stats and XStats must still agree afterwards, so both baselines come
// from one snapshot.
func TestResetStatsOneSnapshot(t *testing.T) {
	pool := newPool(t)
	p, dev := startFake(t, pool, 1)
	dev.missed.Add(5)
	dev.onStats = func() { dev.missed.Add(1) }
	require.NoError(t, p.ResetStats())
	s, err := p.Stats()
	require.NoError(t, err)
	v, err := p.XStat("rx_missed_errors")
	require.NoError(t, err)
	require.Equal(t, s.IMissed, v)
	require.Equal(t, uint64(1), v)
}

func TestXStats(t *testing.T) {
	pool := newPool(t)
	p, dev := startFake(t, pool, 2)
	pkts := make([]*mempool.Mbuf, 8)
	require.Equal(t, 8, p.RxQueue(1).RxBurst(pkts))
	dev.budget.Store(5)
	require.Equal(t, 5, p.TxQueue(0).TxBurst(pkts))
	mempool.FreeBulk(pkts[5:])
	dev.missed.Add(2)

	xs, err := p.XStats()
	require.NoError(t, err)
	var names []string
	values := map[string]uint64{}
	for _, x := range xs {
		names = append(names, x.Name)
		values[x.Name] = x.Value
	}
	// DPDK's generic names in DPDK's order, per-queue ones, then the driver's.
	require.Equal(t, []string{
		"rx_good_packets", "tx_good_packets", "rx_good_bytes", "tx_good_bytes",
		"rx_missed_errors", "rx_errors", "tx_errors", "rx_mbuf_allocation_errors",
		"rx_q0_packets", "rx_q0_bytes", "rx_q0_errors",
		"rx_q1_packets", "rx_q1_bytes", "rx_q1_errors",
		"tx_q0_packets", "tx_q0_bytes",
		"tx_q1_packets", "tx_q1_bytes",
		"fake_tx_rejected", "fake_rx_bytes",
	}, names)
	s, err := p.Stats()
	require.NoError(t, err)
	require.Equal(t, s.IPackets, values["rx_good_packets"])
	require.Equal(t, uint64(8), values["rx_good_packets"])
	require.Equal(t, uint64(5), values["tx_good_packets"])
	require.Equal(t, s.IBytes, values["rx_good_bytes"])
	require.Equal(t, s.OBytes, values["tx_good_bytes"])
	require.Equal(t, uint64(2), values["rx_missed_errors"])
	require.Equal(t, uint64(0), values["rx_q0_packets"])
	require.Equal(t, uint64(8), values["rx_q1_packets"])
	require.Equal(t, uint64(5), values["tx_q0_packets"])
	require.Equal(t, uint64(3), values["fake_tx_rejected"])
	require.Equal(t, s.IBytes, values["fake_rx_bytes"])
	v, err := p.XStat("fake_tx_rejected")
	require.NoError(t, err)
	require.Equal(t, uint64(3), v)
	_, err = p.XStat("no_such_stat")
	require.ErrorIs(t, err, ethdev.ErrInvalid)
	require.ErrorContains(t, err, `xstats_get_by_name: invalid argument: no xstat "no_such_stat"`)

	// ResetStats zeroes every xstat, the driver's included.
	require.NoError(t, p.ResetStats())
	xs, err = p.XStats()
	require.NoError(t, err)
	require.Len(t, xs, len(names))
	for _, x := range xs {
		require.Zero(t, x.Value, x.Name)
	}
	dev.reject.Add(1)
	v, err = p.XStat("fake_tx_rejected")
	require.NoError(t, err)
	require.Equal(t, uint64(1), v)

	// With fewer queues the per-queue names shrink; the baselines still apply by
	// name.
	require.NoError(t, p.Stop())
	require.NoError(t, p.Configure(1, 1, nil))
	require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
	require.NoError(t, p.TxQueueSetup(0, 0, 0, nil))
	require.NoError(t, p.Start())
	xs, err = p.XStats()
	require.NoError(t, err)
	require.Len(t, xs, len(names)-5)
	for _, x := range xs {
		want := uint64(0)
		if x.Name == "fake_tx_rejected" {
			want = 1
		}
		require.Equal(t, want, x.Value, x.Name)
	}

	// Reset with one queue, then back to two: queue 1's packets from before
	// (8, received at the start) stay behind the baseline.
	require.NoError(t, p.ResetStats())
	require.NoError(t, p.Stop())
	require.NoError(t, p.Configure(2, 2, nil))
	for q := 0; q < 2; q++ {
		require.NoError(t, p.RxQueueSetup(q, 0, 0, nil, pool))
		require.NoError(t, p.TxQueueSetup(q, 0, 0, nil))
	}
	require.NoError(t, p.Start())
	xs, err = p.XStats()
	require.NoError(t, err)
	require.Len(t, xs, len(names))
	for _, x := range xs {
		require.Zero(t, x.Value, x.Name)
	}
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, ethdev.Stats{}, s)
}

func TestTxBurstChunks(t *testing.T) {
	pool := newPool(t)
	p, dev := startFake(t, pool, 1)
	txq := p.TxQueue(0)
	pkts := make([]*mempool.Mbuf, 300)
	lens := make([]int, 300)
	alloc := func() {
		require.NoError(t, pool.AllocBulk(nil, pkts))
		for i, m := range pkts {
			lens[i] = 1 + i%200
			m.Append(lens[i])
		}
	}
	sum := func(n int) uint64 {
		s := 0
		for _, l := range lens[:n] {
			s += l
		}
		return uint64(s)
	}

	// Everything accepted: the driver sees chunks of at most 128.
	alloc()
	require.Equal(t, 300, txq.TxBurst(pkts))
	require.Equal(t, []int{128, 128, 44}, dev.chunks)
	s, err := p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(300), s.OPackets)
	require.Equal(t, sum(300), s.OBytes)
	require.NoError(t, p.ResetStats())

	// The driver takes only 200: the wrapper stops at the short chunk and counts
	// exactly the accepted packets and their bytes (noted before the driver
	// freed them). The rest are still the caller's.
	dev.chunks = nil
	dev.budget.Store(200)
	alloc()
	require.Equal(t, 200, txq.TxBurst(pkts))
	require.Equal(t, []int{128, 128}, dev.chunks)
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(200), s.OPackets)
	require.Equal(t, sum(200), s.OBytes)
	require.Equal(t, 100, pool.InUse())
	for i, m := range pkts[200:] {
		require.Equal(t, lens[200+i], m.PktLen(), "refused packets are untouched")
	}

	// One short chunk: 28 of 100 taken; then none at all.
	dev.chunks = nil
	dev.budget.Store(28)
	require.Equal(t, 28, txq.TxBurst(pkts[200:]))
	require.Equal(t, []int{100}, dev.chunks)
	dev.budget.Store(0)
	require.Equal(t, 0, txq.TxBurst(pkts[228:]))
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(228), s.OPackets)
	require.Equal(t, sum(228), s.OBytes)
	require.Equal(t, uint64(56+72+72), dev.reject.Load(), "refusals the driver saw")
	mempool.FreeBulk(pkts[228:])
	require.Equal(t, 0, txq.TxBurst(nil))
}

func TestStoppedQueues(t *testing.T) {
	pool := newPool(t)
	p, _ := startFake(t, pool, 1)
	rxq, txq := p.RxQueue(0), p.TxQueue(0)
	require.Same(t, p, rxq.Port())
	require.Equal(t, 0, txq.ID())
	require.Nil(t, p.RxQueue(1))
	require.Nil(t, p.TxQueue(-1))
	require.NoError(t, p.Stop())
	pkts := make([]*mempool.Mbuf, 4)
	require.Equal(t, 0, rxq.RxBurst(pkts))
	require.NoError(t, pool.AllocBulk(nil, pkts))
	require.Equal(t, 0, txq.TxBurst(pkts), "a stopped port's queue takes nothing")
	require.Equal(t, uint64(1), rxq.IdlePolls())
	require.Equal(t, uint64(1), txq.IdlePolls())
	require.NoError(t, p.Start())
	require.Equal(t, 4, txq.TxBurst(pkts), "the same handles work again after Start")
	require.Equal(t, 4, rxq.RxBurst(pkts))
	mempool.FreeBulk(pkts)
}

func TestOptionalOperations(t *testing.T) {
	p := create(t, uniq("net_fake"))
	require.Equal(t, ethdev.EtherMTU, p.MTU())
	err := p.SetMTU(9000)
	require.ErrorIs(t, err, ethdev.ErrNotSupported)
	require.EqualError(t, err, fmt.Sprintf("ethdev: port %d: set_mtu: operation not supported", p.ID()))
	require.NoError(t, p.SetMTU(ethdev.EtherMTU), "setting the current MTU needs no driver support")
	require.ErrorIs(t, p.SetMTU(10), ethdev.ErrInvalid)
	require.ErrorIs(t, p.SetMTU(9001), ethdev.ErrInvalid)
	require.Equal(t, ethdev.EtherMTU, p.MTU())

	err = p.SetPromiscuous(true)
	require.ErrorIs(t, err, ethdev.ErrNotSupported)
	var oe *ethdev.OpError
	require.True(t, errors.As(err, &oe))
	require.Equal(t, ethdev.OpError{Port: int(p.ID()), Queue: -1, Op: "promiscuous", Err: ethdev.ErrNotSupported}, *oe)
	require.False(t, p.Promiscuous())
	require.ErrorIs(t, p.SetAllMulticast(true), ethdev.ErrNotSupported)
	require.False(t, p.AllMulticast())
	require.ErrorIs(t, p.SetMACAddr(ethdev.MAC{2}), ethdev.ErrNotSupported)
	require.ErrorIs(t, p.SetLinkUp(true), ethdev.ErrNotSupported)
	require.Equal(t, ethdev.MAC{0x02, 0xfa, 0xce, 0, 0, 1}, p.MACAddr())
	require.Equal(t, "Link down", p.Link().String())
}

func TestOpErrors(t *testing.T) {
	pool := newPool(t)
	p := create(t, uniq("net_fake"))
	id := p.ID()
	err := p.RxQueueSetup(0, 0, 0, nil, pool)
	require.EqualError(t, err, fmt.Sprintf("ethdev: port %d queue 0: rx_queue_setup: port not configured", id))
	require.ErrorIs(t, err, ethdev.ErrNotConfigured)

	err = p.Configure(5, 1, nil)
	require.EqualError(t, err, fmt.Sprintf("ethdev: port %d: configure: invalid argument: 5 RX / 1 TX queues (max 4 / 4)", id))
	require.NoError(t, p.Configure(1, 1, nil))
	err = p.TxQueueSetup(1, 0, 0, nil)
	require.EqualError(t, err, fmt.Sprintf("ethdev: port %d queue 1: tx_queue_setup: invalid argument: queue 1 of 1", id))
	err = p.RxQueueSetup(0, 0, 0, nil, nil)
	require.ErrorIs(t, err, ethdev.ErrInvalid)
	require.ErrorContains(t, err, "an mbuf pool is required")
	err = p.Start()
	require.ErrorIs(t, err, ethdev.ErrQueueNotSetUp)
	var oe *ethdev.OpError
	require.True(t, errors.As(err, &oe))
	require.Equal(t, "start", oe.Op)
	require.Equal(t, 0, oe.Queue)
	require.Equal(t, int(id), oe.Port)
}

// TestConcurrentStats bursts on queue handles in one goroutine while another
// reads and resets the statistics (run with -race).
func TestConcurrentStats(t *testing.T) {
	pool := newPool(t)
	p, _ := startFake(t, pool, 2)
	rxq := []*ethdev.RxQueue{p.RxQueue(0), p.RxQueue(1)}
	txq := []*ethdev.TxQueue{p.TxQueue(0), p.TxQueue(1)}
	var stop atomic.Bool
	var sent atomic.Uint64
	var wg sync.WaitGroup
	defer func() { stop.Store(true); wg.Wait() }()
	wg.Add(1)
	go func() {
		defer wg.Done()
		pkts := make([]*mempool.Mbuf, 32)
		for i := 0; !stop.Load() || i < 100; i++ {
			q := i % 2
			n := rxq[q].RxBurst(pkts[:1+i%32])
			k := txq[q].TxBurst(pkts[:n])
			mempool.FreeBulk(pkts[k:n])
			sent.Add(uint64(k))
		}
	}()
	for i := 0; i < 300; i++ {
		s, err := p.Stats()
		require.NoError(t, err)
		require.Less(t, s.IPackets, uint64(1)<<40, "no wrap-around below a baseline")
		require.Less(t, s.OPackets, uint64(1)<<40)
		xs, err := p.XStats()
		require.NoError(t, err)
		require.NotEmpty(t, xs)
		if i%50 == 0 {
			require.NoError(t, p.ResetStats())
		}
		_, err = p.XStat("rx_good_packets")
		require.NoError(t, err)
	}
	stop.Store(true)
	wg.Wait()
	// Stats and XStats agree once traffic stops, even though the resets were
	// taken while it was flowing.
	s, err := p.Stats()
	require.NoError(t, err)
	for name, want := range map[string]uint64{
		"rx_good_packets": s.IPackets, "tx_good_packets": s.OPackets,
		"rx_good_bytes": s.IBytes, "tx_good_bytes": s.OBytes,
		"rx_q0_packets": s.QIPackets[0], "tx_q1_bytes": s.QOBytes[1],
	} {
		v, err := p.XStat(name)
		require.NoError(t, err)
		require.Equal(t, want, v, name)
	}
	require.NoError(t, p.ResetStats())
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, ethdev.Stats{}, s)
	require.NotZero(t, sent.Load())
}
