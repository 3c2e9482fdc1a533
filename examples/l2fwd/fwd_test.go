package main

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/ring"
	"github.com/dpk-go/dpk/mempool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testPoolSeq atomic.Int32

// newTestPool makes an mbuf pool on plain pages that the test checks is full at
// the end (no leaks).
func newTestPool(t *testing.T, n int) *mempool.Pool {
	t.Helper()
	mem := eal.NewMemory(eal.MemoryConfig{NoHuge: true})
	t.Cleanup(func() { mem.Close() })
	p, err := mempool.NewPktPool(fmt.Sprintf("l2fwd_test%d", testPoolSeq.Add(1)), mempool.PktPoolConfig{
		N: n, CacheSize: 32, Socket: mempool.SocketAny, Memory: mem,
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.Equal(t, 0, p.InUse(), "mbufs not returned to the pool")
		assert.NoError(t, p.Close())
	})
	return p
}

// startPort configures a port with one queue pair and starts it.
func startPort(t *testing.T, p *ethdev.Port, pool *mempool.Pool) {
	t.Helper()
	require.NoError(t, p.Configure(1, 1, nil))
	require.NoError(t, p.RxQueueSetup(0, 0, -1, nil, pool))
	require.NoError(t, p.TxQueueSetup(0, 0, -1, nil))
	require.NoError(t, p.Start())
}

func closePorts(t *testing.T, ports ...*ethdev.Port) {
	t.Cleanup(func() {
		for _, p := range ports {
			p.Stop()
			assert.NoError(t, p.Close())
		}
	})
}

// fixture is two back-to-back ring pairs around the ports under test:
//
//	tester A (port a) <-> l2fwd port x ... l2fwd port y <-> tester B (port b)
type fixture struct {
	pool       *mempool.Pool
	a, x, y, b *ethdev.Port
	stats      [ethdev.MaxPorts]portStats
}

func newFixture(t *testing.T, ringSize int) *fixture {
	t.Helper()
	f := &fixture{pool: newTestPool(t, 4096)}
	var err error
	f.a, f.x, err = ring.Pair(ringName("ta"), ringName("lx"), 1, ringSize)
	require.NoError(t, err)
	f.y, f.b, err = ring.Pair(ringName("ly"), ringName("tb"), 1, ringSize)
	require.NoError(t, err)
	// Closed last (cleanups run in reverse): the pool check runs after.
	closePorts(t, f.a, f.x, f.y, f.b)
	for _, p := range []*ethdev.Port{f.a, f.x, f.y, f.b} {
		startPort(t, p, f.pool)
	}
	return f
}

var ringSeq atomic.Int32

func ringName(s string) string { return fmt.Sprintf("net_ring_%s%d", s, ringSeq.Add(1)) }

// lcore builds the state of an lcore that polls x (forwarding to y) and y
// (forwarding to x), as run does.
func (f *fixture) lcore(macUpdating bool) *lcoreState {
	tx := map[uint16]*txBuffer{}
	for _, p := range []*ethdev.Port{f.x, f.y} {
		tx[p.ID()] = &txBuffer{q: p.TxQueue(0), stats: &f.stats[p.ID()]}
	}
	l := &lcoreState{id: 1, macUpdating: macUpdating}
	for _, pr := range [][2]*ethdev.Port{{f.x, f.y}, {f.y, f.x}} {
		src, dst := pr[0], pr[1]
		l.rx = append(l.rx, rxPort{port: src.ID(), q: src.RxQueue(0), stats: &f.stats[src.ID()],
			dst: dst.ID(), dstMAC: dst.MACAddr(), tx: tx[dst.ID()]})
	}
	return l
}

// frame fills m with a 64-byte Ethernet frame: dst 0a:..., src 0b:..., type
// 0x0800, and seq in the payload.
func frame(t testing.TB, m *mempool.Mbuf, seq uint32) {
	d := m.Append(64)
	if d == nil {
		t.Fatal("append failed")
	}
	copy(d[0:6], []byte{0x0a, 1, 2, 3, 4, 5})
	copy(d[6:12], []byte{0x0b, 6, 7, 8, 9, 10})
	binary.BigEndian.PutUint16(d[12:14], 0x0800)
	for i := 14; i < 64; i++ {
		d[i] = byte(i)
	}
	binary.BigEndian.PutUint32(d[14:18], seq)
}

// send transmits n frames from tester port p, numbered from seq.
func send(t testing.TB, pool *mempool.Pool, p *ethdev.Port, n int, seq uint32) {
	pkts := make([]*mempool.Mbuf, n)
	if err := pool.AllocBulk(nil, pkts); err != nil {
		t.Fatal(err)
	}
	for i, m := range pkts {
		frame(t, m, seq+uint32(i))
	}
	if k := p.TxQueue(0).TxBurst(pkts); k != n {
		mempool.FreeBulk(pkts[k:])
		t.Fatalf("tester TX took %d of %d", k, n)
	}
}

// recvAll receives what tester port p has, checks each frame with check, and
// frees it.
func recvAll(t testing.TB, p *ethdev.Port, check func(i int, d []byte)) int {
	var pkts [64]*mempool.Mbuf
	total := 0
	for {
		n := p.RxQueue(0).RxBurst(pkts[:])
		if n == 0 {
			return total
		}
		for _, m := range pkts[:n] {
			if check != nil {
				check(total, m.Data())
			}
			total++
		}
		mempool.FreeBulk(pkts[:n])
	}
}

func TestRewriteMAC(t *testing.T) {
	pool := newTestPool(t, 64)
	m := pool.Alloc(nil)
	require.NotNil(t, m)
	defer m.Free()
	frame(t, m, 7)
	before := append([]byte(nil), m.Data()...)
	src := ethdev.MAC{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	rewriteMAC(m, 0x0105, &src) // port ids are < 32; the low byte is what goes out
	d := m.Data()
	assert.Equal(t, []byte{0x02, 0, 0, 0, 0, 0x05}, d[0:6], "destination 02:00:00:00:00:<dst port>")
	assert.Equal(t, src[:], d[6:12], "source = the destination port's MAC")
	assert.Equal(t, before[12:], d[12:], "the rest of the frame is untouched")

	// A runt frame is left alone rather than overrun.
	r := pool.Alloc(nil)
	require.NotNil(t, r)
	defer r.Free()
	copy(r.Append(6), []byte{1, 2, 3, 4, 5, 6})
	rewriteMAC(r, 1, &src)
	assert.Equal(t, []byte{1, 2, 3, 4, 5, 6}, r.Data())
}

func TestForwardRingPairs(t *testing.T) {
	for _, macUpdating := range []bool{true, false} {
		t.Run(fmt.Sprintf("macUpdating=%v", macUpdating), func(t *testing.T) {
			f := newFixture(t, 1024)
			l := f.lcore(macUpdating)
			const n = 100 // three full buffers and a partial one
			send(t, f.pool, f.a, n, 0)
			send(t, f.pool, f.b, n/2, 1000)

			for l.poll() > 0 {
			}
			// 100 = 3×32 + 4: the 4 wait in x→y's TX buffer for the drain.
			assert.Equal(t, 96, recvAll(t, f.b, nil), "full buffers are sent at once")
			l.drain()

			checkFrames := func(out *ethdev.Port, first uint32) func(int, []byte) {
				return func(i int, d []byte) {
					if macUpdating {
						assert.Equal(t, []byte{2, 0, 0, 0, 0, byte(out.ID())}, d[0:6])
						mac := out.MACAddr()
						assert.Equal(t, mac[:], d[6:12])
					} else {
						assert.Equal(t, []byte{0x0a, 1, 2, 3, 4, 5, 0x0b, 6, 7, 8, 9, 10}, d[0:12])
					}
					assert.Equal(t, uint32(first)+uint32(i), binary.BigEndian.Uint32(d[14:18]), "order kept")
					assert.Len(t, d, 64)
				}
			}
			assert.Equal(t, n-96, recvAll(t, f.b, checkFrames(f.y, 96)))
			assert.Equal(t, n/2, recvAll(t, f.a, checkFrames(f.x, 1000)))

			x, y := &f.stats[f.x.ID()], &f.stats[f.y.ID()]
			assert.Equal(t, uint64(n), x.rx.Load())
			assert.Equal(t, uint64(n), y.tx.Load())
			assert.Equal(t, uint64(n/2), y.rx.Load())
			assert.Equal(t, uint64(n/2), x.tx.Load())
			assert.Zero(t, x.dropped.Load()+y.dropped.Load())
			l.caches.Close()
		})
	}
}

func TestForwardDropsWhatTxRefuses(t *testing.T) {
	// A 16-slot ring takes 15 mbufs; the rest of a 32-frame buffer is dropped.
	f := newFixture(t, 16)
	l := f.lcore(true)
	send(t, f.pool, f.a, 15, 0)
	require.Equal(t, 15, l.poll())
	send(t, f.pool, f.a, 15, 15)
	require.Equal(t, 15, l.poll())
	send(t, f.pool, f.a, 2, 30)
	require.Equal(t, 2, l.poll()) // the 32nd frame flushes the buffer
	y := &f.stats[f.y.ID()]
	assert.Equal(t, uint64(15), y.tx.Load())
	assert.Equal(t, uint64(17), y.dropped.Load())
	assert.Equal(t, 15, recvAll(t, f.b, nil))
	l.caches.Close() // the dropped mbufs went to the lcore's cache; the pool check sees them back
}

func TestForwardNoAllocs(t *testing.T) {
	f := newFixture(t, 1024)
	l := f.lcore(true)
	pkts := make([]*mempool.Mbuf, maxPktBurst)
	var out [maxPktBurst]*mempool.Mbuf
	var caches mempool.CacheSet
	defer caches.Close()
	defer l.caches.Close()
	aq, bq := f.a.TxQueue(0), f.b.RxQueue(0)
	burst := func() {
		if err := f.pool.AllocBulk(caches.Cache(f.pool), pkts); err != nil {
			t.Fatal(err)
		}
		for _, m := range pkts {
			m.Append(60)
		}
		if aq.TxBurst(pkts) != len(pkts) {
			t.Fatal("tester TX")
		}
		if l.poll() != maxPktBurst {
			t.Fatal("poll")
		}
		l.drain()
		n := bq.RxBurst(out[:])
		if n != maxPktBurst {
			t.Fatalf("received %d", n)
		}
		caches.FreeBulk(out[:n])
	}
	burst() // create the caches
	allocs := testing.AllocsPerRun(200, burst)
	assert.Zero(t, allocs, "allocations per 32-frame burst (poll, rewrite, buffer, TX)")
}

func TestLoopStopsAndDrains(t *testing.T) {
	f := newFixture(t, 1024)
	l := f.lcore(false)
	l.main = true
	var quit atomic.Bool
	var printed atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.loop(&quit, eal.Backoff{}, time.Millisecond, func() { printed.Add(1) })
	}()
	send(t, f.pool, f.a, 5, 0)
	deadline := time.Now().Add(5 * time.Second)
	got := 0
	for got < 5 && time.Now().Before(deadline) {
		got += recvAll(t, f.b, nil)
		time.Sleep(time.Millisecond)
	}
	assert.Equal(t, 5, got, "a partial buffer goes out within the drain period")
	time.Sleep(20 * time.Millisecond)
	quit.Store(true)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("loop did not stop")
	}
	assert.Positive(t, printed.Load(), "the main lcore prints the statistics every period")
}

func TestStatsFormat(t *testing.T) {
	var st [ethdev.MaxPorts]portStats
	st[0].tx.Store(123)
	st[0].rx.Store(456)
	st[1].tx.Store(456)
	st[1].rx.Store(123)
	st[1].dropped.Store(7)
	st[2].rx.Store(99) // not in the mask: not listed, not counted
	st[31].tx.Store(18446744073709551615)
	got := string(formatStats(1<<0|1<<1|1<<31, &st, true))
	want := "\x1b[2J\x1b[1;1H" +
		"\nPort statistics ====================================" +
		"\nStatistics for port 0 ------------------------------" +
		"\nPackets sent:                      123" +
		"\nPackets received:                  456" +
		"\nPackets dropped:                     0" +
		"\nStatistics for port 1 ------------------------------" +
		"\nPackets sent:                      456" +
		"\nPackets received:                  123" +
		"\nPackets dropped:                     7" +
		"\nStatistics for port 31 ------------------------------" +
		"\nPackets sent:     18446744073709551615" +
		"\nPackets received:                    0" +
		"\nPackets dropped:                     0" +
		"\nAggregate statistics ===============================" +
		"\nTotal packets sent:                578" + // wraps like DPDK's u64 sum
		"\nTotal packets received:            579" +
		"\nTotal packets dropped:               7" +
		"\n====================================================\n"
	assert.Equal(t, want, got)
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "Packets") || strings.HasPrefix(line, "Total") {
			if !strings.Contains(line, "18446744073709551615") {
				assert.Len(t, line, 38, "label and number take 38 columns: %q", line)
			}
		}
	}
	noClear := string(formatStats(1, &st, false))
	assert.True(t, strings.HasPrefix(noClear, "\nPort statistics ="), "final table has no clear-screen escape")
}
