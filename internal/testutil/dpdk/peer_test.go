package dpdk

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/internal/testutil"
)

// TestPeerNull runs DPDK's testpmd on net_null (no namespace needed) and stops it.
func TestPeerNull(t *testing.T) {
	testutil.RequireRoot(t)
	p := Start(t, Config{Vdevs: []string{"net_null0"}, Fwd: "txonly", FwdCPU: runtime.NumCPU() - 1, Mbufs: 8192})
	require.False(t, p.Exited())
	time.Sleep(500 * time.Millisecond)
	r := p.MustStop(t)
	require.True(t, p.Exited())
	require.True(t, r.HasAccumulated)
	require.True(t, r.Bye, "testpmd exits cleanly on SIGINT")
	require.Greater(t, r.Accumulated.TxPackets, uint64(0))
	require.Len(t, r.Ports, 1)
	r2, err := p.Stop()
	require.NoError(t, err)
	require.Same(t, r, r2, "Stop is idempotent")
}

// TestPeerAfPacket runs DPDK's txonly on one end of a veth in a namespace and
// checks its TX-packets against the kernel's counters of that veth.
func TestPeerAfPacket(t *testing.T) {
	ns := testutil.NewNetns(t)
	testutil.Veth(t, ns, "dpa", ns, "dpb")
	before, err := IfaceStats(ns, "dpa")
	require.NoError(t, err)
	p := Start(t, Config{Netns: ns, Iface: "dpa", Fwd: "txonly", FwdCPU: runtime.NumCPU() - 1, EthPeer: "02:00:00:00:00:99"})
	time.Sleep(time.Second)
	r := p.MustStop(t)
	after, err := IfaceStats(ns, "dpa")
	require.NoError(t, err)
	require.Greater(t, r.Accumulated.TxPackets, uint64(0))
	d := after.Sub(before)
	require.Equal(t, r.Accumulated.TxPackets, d.TxPackets+d.TxDropped, "every frame testpmd sent went through the veth")
	require.NotEmpty(t, r.Shows, "the periodic NIC statistics are parsed")
}

func TestPeerStartFailure(t *testing.T) {
	testutil.RequireRoot(t)
	ft := &fakeT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(ft, Config{Vdevs: []string{"net_nosuchdriver0"}, FwdCPU: runtime.NumCPU() - 1, StartTimeout: 20 * time.Second})
	}()
	<-done
	require.True(t, ft.failed)
	require.Contains(t, ft.msg, "exited during startup")
	require.Contains(t, ft.msg, "log tail")
}

// fakeT records a Fatalf instead of failing the real test.
type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = true
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
