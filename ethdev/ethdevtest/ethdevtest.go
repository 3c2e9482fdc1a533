// Package ethdevtest is the conformance suite every PMD runs in its own tests: the
// port state machine and its misuse errors, burst ownership, statistics and xstats
// consistency, start/stop/close cycles, and the rule that every mbuf is back in
// its pool at the end.
//
//	func TestConformance(t *testing.T) {
//		ethdevtest.Run(t, ethdevtest.Harness{
//			Open: func(t *testing.T) *ethdev.Port { ... },
//			OpenPair: func(t *testing.T) (a, b *ethdev.Port) { ... },
//		})
//	}
package ethdevtest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
)

// Harness tells the suite how to get ports of the driver under test.
type Harness struct {
	// Open returns a new, unconfigured port. The suite closes it.
	Open func(t *testing.T) *ethdev.Port
	// OpenPair, when set, returns two new ports wired so that frames sent on a
	// arrive on b and frames sent on b arrive on a (a loopback driver may return
	// the same port twice). It enables the traffic tests.
	OpenPair func(t *testing.T) (a, b *ethdev.Port)
	// Queues is how many queue pairs the traffic tests use (default 1).
	Queues int
	// RxFabricates marks a driver whose RX makes packets up (net_null): RX is
	// checked for ownership and counting only.
	RxFabricates bool
	// Lossy marks a driver on a real wire where a few frames may be dropped by the
	// kernel; traffic tests then require at least 90% delivery instead of all.
	Lossy bool
	// Timeout bounds each wait for traffic (default 5 s).
	Timeout time.Duration
}

const (
	burst     = 32
	poolSize  = 4095
	cacheSize = 64
	etherType = 0x88b5 // IEEE 802 local experimental EtherType 1
)

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, h Harness) {
	if h.Queues == 0 {
		h.Queues = 1
	}
	if h.Timeout == 0 {
		h.Timeout = 5 * time.Second
	}
	t.Run("Info", func(t *testing.T) { testInfo(t, h) })
	t.Run("StateMachine", func(t *testing.T) { testStateMachine(t, h) })
	t.Run("StoppedQueues", func(t *testing.T) { testStoppedQueues(t, h) })
	t.Run("StartStopCycles", func(t *testing.T) { testCycles(t, h) })
	t.Run("XStatsNames", func(t *testing.T) { testXStatsNames(t, h) })
	if h.RxFabricates {
		t.Run("FabricatedRx", func(t *testing.T) { testFabricatedRx(t, h) })
	}
	if h.OpenPair != nil {
		t.Run("Traffic", func(t *testing.T) { testTraffic(t, h) })
		t.Run("TxOwnership", func(t *testing.T) { testTxOwnership(t, h) })
	}
}

var poolSeq int

// NewPool makes an mbuf pool for a test and checks at cleanup that every mbuf came
// back before closing it.
func NewPool(t testing.TB) *mempool.Pool {
	t.Helper()
	poolSeq++
	p, err := mempool.NewPktPool(fmt.Sprintf("ethdevtest%d", poolSeq), mempool.PktPoolConfig{N: poolSize, CacheSize: cacheSize})
	require.NoError(t, err)
	t.Cleanup(func() {
		require.Equal(t, 0, p.InUse(), "mbufs not returned to pool %s", p.Name())
		require.NoError(t, p.Close())
	})
	return p
}

func closePort(t testing.TB, p *ethdev.Port) {
	t.Helper()
	require.NoError(t, p.Stop())
	require.NoError(t, p.Close())
}

// setup configures p with nq queue pairs on pool and starts it.
func setup(t testing.TB, p *ethdev.Port, nq int, pool *mempool.Pool) {
	t.Helper()
	require.NoError(t, p.Configure(nq, nq, nil))
	for q := 0; q < nq; q++ {
		require.NoError(t, p.RxQueueSetup(q, 0, 0, nil, pool))
		require.NoError(t, p.TxQueueSetup(q, 0, 0, nil))
	}
	require.NoError(t, p.Start())
}

func testInfo(t *testing.T, h Harness) {
	p := h.Open(t)
	defer closePort(t, p)
	info := p.Info()
	require.GreaterOrEqual(t, info.MaxRxQueues, 1)
	require.GreaterOrEqual(t, info.MaxTxQueues, 1)
	require.NotEmpty(t, info.DriverName)
	require.Equal(t, p.DriverName(), info.DriverName)
	require.NotEmpty(t, p.Name())
}

func testStateMachine(t *testing.T, h Harness) {
	pool := NewPool(t)
	p := h.Open(t)
	info := p.Info()

	// Nothing works before Configure.
	require.ErrorIs(t, p.Start(), ethdev.ErrNotConfigured)
	require.ErrorIs(t, p.RxQueueSetup(0, 0, 0, nil, pool), ethdev.ErrNotConfigured)
	require.ErrorIs(t, p.TxQueueSetup(0, 0, 0, nil), ethdev.ErrNotConfigured)

	// Bad queue counts.
	require.ErrorIs(t, p.Configure(0, 0, nil), ethdev.ErrInvalid)
	require.ErrorIs(t, p.Configure(-1, 1, nil), ethdev.ErrInvalid)
	require.ErrorIs(t, p.Configure(info.MaxRxQueues+1, 1, nil), ethdev.ErrInvalid)
	require.ErrorIs(t, p.Configure(1, info.MaxTxQueues+1, nil), ethdev.ErrInvalid)
	require.ErrorIs(t, p.Configure(1, 1, &ethdev.Config{MTU: 10}), ethdev.ErrInvalid)

	require.NoError(t, p.Configure(1, 1, nil))
	var op *ethdev.OpError
	err := p.RxQueueSetup(1, 0, 0, nil, pool)
	require.ErrorIs(t, err, ethdev.ErrInvalid)
	require.ErrorAs(t, err, &op)
	require.Equal(t, int(p.ID()), op.Port)
	require.Equal(t, 1, op.Queue)
	require.ErrorIs(t, p.RxQueueSetup(0, 0, 0, nil, nil), ethdev.ErrInvalid)
	require.ErrorIs(t, p.TxQueueSetup(-1, 0, 0, nil), ethdev.ErrInvalid)
	require.ErrorIs(t, p.RxQueueSetup(0, -5, 0, nil, pool), ethdev.ErrInvalid)

	// Start needs every queue set up.
	require.ErrorIs(t, p.Start(), ethdev.ErrQueueNotSetUp)
	require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
	require.ErrorIs(t, p.Start(), ethdev.ErrQueueNotSetUp)
	require.NoError(t, p.TxQueueSetup(0, 0, 0, nil))
	// Setting a queue up twice replaces it.
	require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
	require.NoError(t, p.Start())
	require.True(t, p.Started())
	require.NoError(t, p.Start(), "start of a started port is a no-op")

	// Reconfiguration and close need a stopped port.
	require.ErrorIs(t, p.Configure(1, 1, nil), ethdev.ErrBusy)
	require.ErrorIs(t, p.RxQueueSetup(0, 0, 0, nil, pool), ethdev.ErrBusy)
	require.ErrorIs(t, p.TxQueueSetup(0, 0, 0, nil), ethdev.ErrBusy)
	require.ErrorIs(t, p.Close(), ethdev.ErrBusy)

	require.NoError(t, p.Stop())
	require.NoError(t, p.Stop(), "stop of a stopped port is a no-op")
	require.False(t, p.Started())
	// Reconfigure after stop, then start again.
	require.NoError(t, p.Configure(1, 1, nil))
	require.ErrorIs(t, p.Start(), ethdev.ErrQueueNotSetUp, "queues must be set up again after Configure")
	require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
	require.NoError(t, p.TxQueueSetup(0, 0, 0, nil))
	require.NoError(t, p.Start())
	require.NoError(t, p.Stop())

	id := int(p.ID())
	require.Same(t, p, ethdev.Get(id))
	require.NoError(t, p.Close())
	require.Nil(t, ethdev.Get(id), "a closed port's id is free")
	require.NoError(t, p.Close(), "close of a closed port is a no-op")
	require.ErrorIs(t, p.Configure(1, 1, nil), ethdev.ErrClosed)
	require.ErrorIs(t, p.Start(), ethdev.ErrClosed)
	require.ErrorIs(t, p.Stop(), ethdev.ErrClosed)
	_, err = p.Stats()
	require.ErrorIs(t, err, ethdev.ErrClosed)
	require.ErrorIs(t, p.ResetStats(), ethdev.ErrClosed)
}

func testStoppedQueues(t *testing.T, h Harness) {
	pool := NewPool(t)
	p := h.Open(t)
	setup(t, p, 1, pool)
	rxq, txq := p.RxQueue(0), p.TxQueue(0)
	require.NotNil(t, rxq)
	require.NotNil(t, txq)
	require.Nil(t, p.RxQueue(1))
	require.Nil(t, p.TxQueue(-1))
	require.NoError(t, p.Stop())

	pkts := make([]*mempool.Mbuf, burst)
	require.Equal(t, 0, rxq.RxBurst(pkts), "RX on a stopped port returns nothing")
	require.Equal(t, uint64(1), rxq.IdlePolls())

	require.NoError(t, pool.AllocBulk(nil, pkts))
	for _, m := range pkts {
		fillFrame(m, 60, 0, 0)
	}
	require.Equal(t, 0, txq.TxBurst(pkts), "TX on a stopped port accepts nothing")
	require.Equal(t, uint64(1), txq.IdlePolls())
	require.Equal(t, burst, pool.InUse(), "refused mbufs stay the caller's")
	mempool.FreeBulk(pkts)

	s, err := p.Stats()
	require.NoError(t, err)
	require.Zero(t, s.OPackets)
	require.NoError(t, p.Close())
}

func testCycles(t *testing.T, h Harness) {
	pool := NewPool(t)
	p := h.Open(t)
	setup(t, p, 1, pool)
	pkts := make([]*mempool.Mbuf, burst)
	for i := 0; i < 3; i++ {
		require.NoError(t, p.Stop())
		require.NoError(t, p.Start())
		// Some traffic through whatever the driver has, dropped at once.
		n := p.RxQueue(0).RxBurst(pkts)
		mempool.FreeBulk(pkts[:n])
		require.NoError(t, pool.AllocBulk(nil, pkts[:4]))
		for _, m := range pkts[:4] {
			fillFrame(m, 60, 0, 0)
		}
		k := p.TxQueue(0).TxBurst(pkts[:4])
		mempool.FreeBulk(pkts[k:4])
	}
	closePort(t, p)
	// A loopback driver may have received its own frames; Close frees them.
	require.Equal(t, 0, pool.InUse(), "port close must return every mbuf it held")
}

func testXStatsNames(t *testing.T, h Harness) {
	pool := NewPool(t)
	p := h.Open(t)
	defer closePort(t, p)
	setup(t, p, 1, pool)
	xs, err := p.XStats()
	require.NoError(t, err)
	want := []string{"rx_good_packets", "tx_good_packets", "rx_good_bytes", "tx_good_bytes",
		"rx_missed_errors", "rx_errors", "tx_errors", "rx_mbuf_allocation_errors",
		"rx_q0_packets", "rx_q0_bytes", "rx_q0_errors", "tx_q0_packets", "tx_q0_bytes"}
	require.GreaterOrEqual(t, len(xs), len(want))
	seen := map[string]bool{}
	for i, x := range xs {
		if i < len(want) {
			require.Equal(t, want[i], x.Name, "xstat %d", i)
		}
		require.False(t, seen[x.Name], "duplicate xstat %q", x.Name)
		seen[x.Name] = true
	}
	_, err = p.XStat("no_such_counter")
	require.ErrorIs(t, err, ethdev.ErrInvalid)
}

func testFabricatedRx(t *testing.T, h Harness) {
	pool := NewPool(t)
	p := h.Open(t)
	setup(t, p, 1, pool)
	pkts := make([]*mempool.Mbuf, burst)
	total, bytes := 0, 0
	for i := 0; i < 10; i++ {
		n := p.RxQueue(0).RxBurst(pkts)
		for _, m := range pkts[:n] {
			require.Equal(t, p.ID(), m.Port())
			bytes += m.PktLen()
		}
		total += n
		require.Equal(t, n, p.TxQueue(0).TxBurst(pkts[:n]), "a wireless TX takes everything")
	}
	require.Positive(t, total)
	s, err := p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(total), s.IPackets)
	require.Equal(t, uint64(bytes), s.IBytes)
	require.Equal(t, uint64(total), s.OPackets)
	require.Equal(t, uint64(bytes), s.OBytes)
	require.Equal(t, s.IPackets, s.QIPackets[0])
	closePort(t, p)
}

// fillFrame writes an Ethernet frame of size bytes: broadcast destination, a
// locally administered source, the suite's EtherType, then stream id and sequence.
func fillFrame(m *mempool.Mbuf, size int, stream, seq uint32) {
	b := m.Append(size)
	for i := 0; i < 6; i++ {
		b[i] = 0xff
	}
	copy(b[6:12], []byte{0x02, 0xde, 0xad, 0xbe, 0xef, 0x01})
	binary.BigEndian.PutUint16(b[12:], etherType)
	binary.BigEndian.PutUint32(b[14:], stream)
	binary.BigEndian.PutUint32(b[18:], seq)
	for i := 22; i < size; i++ {
		b[i] = byte(seq + uint32(i))
	}
}

// checkFrame verifies a frame written by fillFrame and returns its stream and
// sequence numbers.
func checkFrame(b []byte) (stream, seq uint32, err error) {
	if len(b) < 22 || binary.BigEndian.Uint16(b[12:]) != etherType {
		return 0, 0, errors.New("not a test frame")
	}
	stream = binary.BigEndian.Uint32(b[14:])
	seq = binary.BigEndian.Uint32(b[18:])
	for i := 22; i < len(b); i++ {
		if b[i] != byte(seq+uint32(i)) {
			return stream, seq, fmt.Errorf("frame %d/%d: byte %d is %#x, want %#x", stream, seq, i, b[i], byte(seq+uint32(i)))
		}
	}
	return stream, seq, nil
}

func openPair(t *testing.T, h Harness, pool *mempool.Pool) (a, b *ethdev.Port) {
	a, b = h.OpenPair(t)
	setup(t, a, h.Queues, pool)
	if b != a {
		setup(t, b, h.Queues, pool)
	}
	require.NoError(t, a.ResetStats())
	require.NoError(t, b.ResetStats())
	return a, b
}

func closePair(t *testing.T, a, b *ethdev.Port) {
	closePort(t, a)
	if b != a {
		closePort(t, b)
	}
}

// testTraffic sends numbered frames from a to b on every queue and checks that
// they arrive intact, once each, and that both ports' counters agree. Sending and
// receiving alternate, so a small ring or socket buffer never stalls the test.
func testTraffic(t *testing.T, h Harness) {
	pool := NewPool(t)
	a, b := openPair(t, h, pool)
	const perQueue = 1000
	sizes := []int{60, 64, 128, 512, 1000, 1514}
	pkts := make([]*mempool.Mbuf, burst)
	rx := make([]*mempool.Mbuf, burst)
	next := make([]int, h.Queues) // next sequence number to send per queue
	sentBytes, sent := 0, 0
	got := make(map[[2]uint32]bool)
	recvBytes := 0
	deadline := time.Now().Add(h.Timeout)
	receive := func() int {
		total := 0
		for q := 0; q < h.Queues; q++ {
			n := b.RxQueue(q).RxBurst(rx)
			for _, m := range rx[:n] {
				require.Equal(t, b.ID(), m.Port(), "mbuf port")
				require.Equal(t, m.PktLen(), m.DataLen(), "single segment expected")
				stream, seq, err := checkFrame(m.Data())
				if err == nil {
					key := [2]uint32{stream, seq}
					require.False(t, got[key], "frame %v received twice", key)
					got[key] = true
					recvBytes += m.PktLen()
				}
			}
			mempool.FreeBulk(rx[:n])
			total += n
		}
		return total
	}
	for time.Now().Before(deadline) {
		progress := 0
		for q := 0; q < h.Queues; q++ {
			seq := next[q]
			if seq == perQueue {
				continue
			}
			n := min(burst, perQueue-seq)
			require.NoError(t, pool.AllocBulk(nil, pkts[:n]))
			for i, m := range pkts[:n] {
				fillFrame(m, sizes[(seq+i)%len(sizes)], uint32(q), uint32(seq+i))
			}
			k := a.TxQueue(q).TxBurst(pkts[:n])
			mempool.FreeBulk(pkts[k:n]) // refused: still ours; sent again next round
			for i := 0; i < k; i++ {
				sentBytes += sizes[(seq+i)%len(sizes)]
			}
			sent += k
			next[q] += k
			progress += k
		}
		progress += receive()
		if sent == perQueue*h.Queues && len(got) >= sent {
			break
		}
		if progress == 0 {
			runtime.Gosched()
		}
	}
	require.Equal(t, perQueue*h.Queues, sent, "TX accepted %d of %d frames within %v", sent, perQueue*h.Queues, h.Timeout)
	if h.Lossy {
		require.GreaterOrEqual(t, len(got), sent*9/10, "received %d of %d frames", len(got), sent)
	} else {
		require.Equal(t, sent, len(got), "received %d of %d frames", len(got), sent)
	}

	sa, err := a.Stats()
	require.NoError(t, err)
	sb, err := b.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(sent), sa.OPackets, "sender opackets")
	require.Equal(t, uint64(sentBytes), sa.OBytes, "sender obytes")
	require.GreaterOrEqual(t, sb.IPackets, uint64(len(got)), "receiver ipackets")
	require.GreaterOrEqual(t, sb.IBytes, uint64(recvBytes), "receiver ibytes")
	var qsum uint64
	for q := 0; q < h.Queues && q < ethdev.QueueStatCounters; q++ {
		qsum += sb.QIPackets[q]
	}
	require.Equal(t, sb.IPackets, qsum, "per-queue RX counters add up")
	x, err := b.XStat("rx_good_packets")
	require.NoError(t, err)
	require.Equal(t, sb.IPackets, x, "xstat rx_good_packets == ipackets")
	x, err = a.XStat("tx_good_bytes")
	require.NoError(t, err)
	require.Equal(t, sa.OBytes, x)

	require.NoError(t, a.ResetStats())
	sa, err = a.Stats()
	require.NoError(t, err)
	require.Zero(t, sa.OPackets, "after reset")
	x, err = a.XStat("tx_good_packets")
	require.NoError(t, err)
	require.Zero(t, x, "xstats reset too")

	closePair(t, a, b)
	require.Equal(t, 0, pool.InUse(), "all mbufs back after close")
}

// testTxOwnership overfills TX without receiving: whatever the driver refuses is
// freed by the caller, whatever it takes it must free itself (or on Close), so the
// pool is full at the end and nothing was freed twice.
func testTxOwnership(t *testing.T, h Harness) {
	pool := NewPool(t)
	a, b := openPair(t, h, pool)
	pkts := make([]*mempool.Mbuf, burst)
	refused := 0
	for i := 0; i < 100; i++ {
		if err := pool.AllocBulk(nil, pkts); err != nil {
			break // the pool ran dry because the peer holds the frames: fine
		}
		for j, m := range pkts {
			fillFrame(m, 64, 0, uint32(i*burst+j))
		}
		k := a.TxQueue(0).TxBurst(pkts)
		refused += burst - k
		mempool.FreeBulk(pkts[k:])
	}
	t.Logf("TX refused %d frames", refused)
	closePair(t, a, b)
	require.Equal(t, 0, pool.InUse(), "every mbuf back after close")
}
