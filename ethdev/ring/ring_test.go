package ring_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/ethdevtest"
	netring "github.com/dpk-go/dpk/ethdev/ring"
	"github.com/dpk-go/dpk/mempool"
)

var seq atomic.Int32

func TestConformanceLoopback(t *testing.T) {
	open := func(t *testing.T) *ethdev.Port {
		p, err := ethdev.Create(fmt.Sprintf("net_ring%d", seq.Add(1)))
		require.NoError(t, err)
		return p
	}
	ethdevtest.Run(t, ethdevtest.Harness{
		Open:     open,
		OpenPair: func(t *testing.T) (a, b *ethdev.Port) { p := open(t); return p, p },
	})
}

func TestConformancePair(t *testing.T) {
	n := 0
	ethdevtest.Run(t, ethdevtest.Harness{
		Open: func(t *testing.T) *ethdev.Port {
			p, err := ethdev.Create(fmt.Sprintf("net_ring%d,size=64,queues=2", seq.Add(1)))
			require.NoError(t, err)
			return p
		},
		OpenPair: func(t *testing.T) (a, b *ethdev.Port) {
			n++
			a, b, err := netring.Pair(fmt.Sprintf("net_ring_a%d", n), fmt.Sprintf("net_ring_b%d", n), 2, 256)
			require.NoError(t, err)
			return a, b
		},
		Queues: 2,
	})
}

func TestDevargs(t *testing.T) {
	_, err := ethdev.Create("net_ring99,size=100")
	require.ErrorIs(t, err, ethdev.ErrBadValue)
	require.ErrorContains(t, err, "power of two")
	_, err = ethdev.Create("net_ring98,queues=0")
	require.ErrorIs(t, err, ethdev.ErrBadValue)
	_, err = ethdev.Create("net_ring97,iface=x")
	require.ErrorIs(t, err, ethdev.ErrUnknownKey)
}

func TestPairMovesMbufsWithoutCopy(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	a, b, err := netring.Pair("net_ring_x", "net_ring_y", 1, 64)
	require.NoError(t, err)
	for _, p := range []*ethdev.Port{a, b} {
		require.NoError(t, p.Configure(1, 1, nil))
		require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
		require.NoError(t, p.TxQueueSetup(0, 0, 0, nil))
		require.NoError(t, p.Start())
	}
	m := pool.Alloc(nil)
	copy(m.Append(60), "hello")
	require.Equal(t, 1, a.TxQueue(0).TxBurst([]*mempool.Mbuf{m}))
	got := make([]*mempool.Mbuf, 4)
	require.Equal(t, 1, b.RxQueue(0).RxBurst(got))
	require.Same(t, m, got[0], "the mbuf itself crosses, not a copy")
	require.Equal(t, b.ID(), got[0].Port())
	got[0].Free()
	// The 64-slot ring holds 63: the 64th is refused and stays the caller's.
	burst := make([]*mempool.Mbuf, 64)
	require.NoError(t, pool.AllocBulk(nil, burst))
	require.Equal(t, 63, a.TxQueue(0).TxBurst(burst))
	burst[63].Free()
	for _, p := range []*ethdev.Port{a, b} {
		require.NoError(t, p.Stop())
		require.NoError(t, p.Close())
	}
	require.Equal(t, 0, pool.InUse())
}

// RxBurst and TxBurst on net_ring allocate nothing, wrapper counters included.
func TestBurstAllocs(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	a, b, err := netring.Pair("net_ring_alloc_a", "net_ring_alloc_b", 1, 1024)
	require.NoError(t, err)
	for _, p := range []*ethdev.Port{a, b} {
		require.NoError(t, p.Configure(1, 1, nil))
		require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
		require.NoError(t, p.TxQueueSetup(0, 0, 0, nil))
		require.NoError(t, p.Start())
	}
	pkts := make([]*mempool.Mbuf, 32)
	require.NoError(t, pool.AllocBulk(nil, pkts))
	for _, m := range pkts {
		m.Append(64)
	}
	txa, rxb := a.TxQueue(0), b.RxQueue(0)
	allocs := testing.AllocsPerRun(1000, func() {
		k := txa.TxBurst(pkts)
		n := rxb.RxBurst(pkts[:k])
		if n != 32 {
			panic("lost packets")
		}
	})
	require.Zero(t, allocs)
	s, err := b.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(1001*32), s.IPackets)
	mempool.FreeBulk(pkts)
	for _, p := range []*ethdev.Port{a, b} {
		require.NoError(t, p.Stop())
		require.NoError(t, p.Close())
	}
}
