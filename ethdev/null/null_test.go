package null_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/ethdevtest"
	_ "github.com/dpk-go/dpk/ethdev/null"
	"github.com/dpk-go/dpk/mempool"
)

var seq atomic.Int32

func open(t *testing.T) *ethdev.Port {
	p, err := ethdev.Create(fmt.Sprintf("net_null%d,size=64", seq.Add(1)))
	require.NoError(t, err)
	return p
}

func TestConformance(t *testing.T) {
	ethdevtest.Run(t, ethdevtest.Harness{Open: open, RxFabricates: true})
}

func TestDevargs(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"net_null90,bogus=1", `unknown key "bogus"`},
		{"net_null91,size=0", `size="0"`},
		{"net_null92,size=abc", "not an integer"},
		{"net_null93,copy=maybe", `copy="maybe"`},
	} {
		_, err := ethdev.Create(tc.args)
		require.ErrorContains(t, err, tc.want, tc.args)
	}
	_, err := ethdev.Create("net_nosuch0")
	require.ErrorIs(t, err, ethdev.ErrNoDevice)
	require.ErrorContains(t, err, "net_null")
}

func TestSizeAndNoRx(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	p, err := ethdev.Create("net_null80,size=128,copy=1")
	require.NoError(t, err)
	require.NoError(t, p.Configure(1, 1, nil))
	require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
	require.NoError(t, p.TxQueueSetup(0, 0, 0, nil))
	require.NoError(t, p.Start())
	pkts := make([]*mempool.Mbuf, 8)
	require.Equal(t, 8, p.RxQueue(0).RxBurst(pkts))
	for _, m := range pkts {
		require.Equal(t, 128, m.PktLen())
		require.Equal(t, make([]byte, 128), m.Data())
	}
	require.Equal(t, 8, p.TxQueue(0).TxBurst(pkts))
	require.NoError(t, p.Stop())
	require.NoError(t, p.Close())

	q, err := ethdev.Create("net_null81,no-rx=1")
	require.NoError(t, err)
	require.NoError(t, q.Configure(1, 1, nil))
	require.NoError(t, q.RxQueueSetup(0, 0, 0, nil, pool))
	require.NoError(t, q.TxQueueSetup(0, 0, 0, nil))
	require.NoError(t, q.Start())
	require.Equal(t, 0, q.RxQueue(0).RxBurst(pkts))
	require.NoError(t, q.Stop())
	require.NoError(t, q.Close())
}

func TestBurstAllocs(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	p, err := ethdev.Create("net_null70")
	require.NoError(t, err)
	require.NoError(t, p.Configure(1, 1, nil))
	require.NoError(t, p.RxQueueSetup(0, 0, 0, nil, pool))
	require.NoError(t, p.TxQueueSetup(0, 0, 0, nil))
	require.NoError(t, p.Start())
	rxq, txq := p.RxQueue(0), p.TxQueue(0)
	pkts := make([]*mempool.Mbuf, 32)
	allocs := testing.AllocsPerRun(1000, func() {
		n := rxq.RxBurst(pkts)
		txq.TxBurst(pkts[:n])
	})
	require.Zero(t, allocs)
	require.NoError(t, p.Stop())
	require.NoError(t, p.Close())
}

func BenchmarkRxTx(b *testing.B) {
	pool := ethdevtest.NewPool(b)
	p, err := ethdev.Create("net_null60")
	require.NoError(b, err)
	require.NoError(b, p.Configure(1, 1, nil))
	require.NoError(b, p.RxQueueSetup(0, 0, 0, nil, pool))
	require.NoError(b, p.TxQueueSetup(0, 0, 0, nil))
	require.NoError(b, p.Start())
	rxq, txq := p.RxQueue(0), p.TxQueue(0)
	pkts := make([]*mempool.Mbuf, 32)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := rxq.RxBurst(pkts)
		txq.TxBurst(pkts[:n])
	}
	b.ReportMetric(float64(b.N*32)/b.Elapsed().Seconds(), "pkts/s")
	require.NoError(b, p.Stop())
	require.NoError(b, p.Close())
}
