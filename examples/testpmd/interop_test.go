package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/internal/testutil"
	"github.com/dpk-go/dpk/internal/testutil/dpdk"
)

// The interoperability tests run DPDK's testpmd (Debian's dpdk-testpmd, 22.11)
// with net_af_packet on one end of a veth and dpk's testpmd, built from this
// package and started with the very same command line, on the other end, each in
// its own network namespace. Each testpmd's forwarding lcore has a CPU of its
// own: DPDK's on the last CPU, dpk's on CPU 0 (their main lcores swap).

var builtBin struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin.dir != "" {
		os.RemoveAll(builtBin.dir)
	}
	os.Exit(code)
}

// buildTestpmd builds this package's command once per test binary.
func buildTestpmd(t *testing.T) string {
	t.Helper()
	goTool := testutil.RequireCommand(t, "go", "golang")
	builtBin.once.Do(func() {
		builtBin.dir, builtBin.err = os.MkdirTemp("", "dpk-testpmd")
		if builtBin.err != nil {
			return
		}
		builtBin.path = filepath.Join(builtBin.dir, "testpmd")
		cmd := exec.Command(goTool, "build", "-o", builtBin.path, ".")
		builtBin.out, builtBin.err = cmd.CombinedOutput()
	})
	require.NoError(t, builtBin.err, "go build: %s", builtBin.out)
	return builtBin.path
}

type interopSetup struct {
	nsA, nsB           *testutil.Netns
	ifA, ifB           string
	oursBin            string
	dpdkCPU, oursCPU   int // forwarding CPUs
	dpdkMain, oursMain int
}

func newInterop(t *testing.T) *interopSetup {
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, dpdk.Command, dpdk.Package)
	if runtime.NumCPU() < 2 {
		t.Skip("needs 2 CPUs: the two busy forwarding lcores must not share one")
	}
	s := &interopSetup{nsA: testutil.NewNetns(t), nsB: testutil.NewNetns(t), ifA: "tpa", ifB: "tpb"}
	testutil.Veth(t, s.nsA, s.ifA, s.nsB, s.ifB)
	s.oursBin = buildTestpmd(t)
	s.dpdkCPU, s.dpdkMain = runtime.NumCPU()-1, 0
	s.oursCPU, s.oursMain = 0, runtime.NumCPU()-1
	return s
}

func ifStats(t *testing.T, ns *testutil.Netns, ifc string) dpdk.IfStats {
	t.Helper()
	s, err := dpdk.IfaceStats(ns, ifc)
	require.NoError(t, err)
	return s
}

// waitQuiet waits until f stops changing for quiet, at most max.
func waitQuiet(f func() uint64, quiet, max time.Duration) {
	deadline := time.Now().Add(max)
	last, since := f(), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if v := f(); v != last {
			last, since = v, time.Now()
		} else if time.Since(since) >= quiet {
			return
		}
	}
}

const interopSeconds = 3 * time.Second

// TestInteropDPDKTxToOursRx: DPDK's txonly sends, dpk's rxonly receives. Every
// frame DPDK counted as sent is either received by dpk, or dropped by dpk's port
// (RX-dropped: the kernel found its ring full), or dropped by the kernel on the
// way (the veths' rx_dropped / tx_dropped).
func TestInteropDPDKTxToOursRx(t *testing.T) {
	s := newInterop(t)
	ours := dpdk.Start(t, dpdk.Config{Binary: s.oursBin, Netns: s.nsB, Iface: s.ifB, Fwd: "rxonly",
		MainCPU: s.oursMain, FwdCPU: s.oursCPU})
	a0, b0 := ifStats(t, s.nsA, s.ifA), ifStats(t, s.nsB, s.ifB)

	peer := dpdk.Start(t, dpdk.Config{Netns: s.nsA, Iface: s.ifA, Fwd: "txonly", MainCPU: s.dpdkMain, FwdCPU: s.dpdkCPU})
	time.Sleep(interopSeconds)
	sent := peer.MustStop(t)

	// dpk's counters stop moving once the veth has delivered everything and the
	// ring is drained; its NIC statistics are printed every second.
	waitQuiet(func() uint64 {
		n, _ := ours.Stats().LastNIC(0)
		return ifStats(t, s.nsB, s.ifB).RxPackets + n.RxPackets + n.RxMissed
	}, 1500*time.Millisecond, 10*time.Second)
	got := ours.MustStop(t)
	a, b := ifStats(t, s.nsA, s.ifA).Sub(a0), ifStats(t, s.nsB, s.ifB).Sub(b0)

	t.Logf("DPDK txonly: %v", sent.Accumulated)
	t.Logf("dpk rxonly:  %v", got.Accumulated)
	t.Logf("veth %s: %+v, %s: %+v", s.ifA, a, s.ifB, b)
	require.True(t, got.Bye, "dpk's testpmd exits cleanly")
	require.Greater(t, sent.Accumulated.TxPackets, uint64(0))
	require.Greater(t, got.Accumulated.RxPackets, uint64(0))
	require.Equal(t, uint64(0), got.Accumulated.TxPackets, "rxonly sends nothing")
	require.Equal(t, sent.Accumulated.TxPackets,
		got.Accumulated.RxPackets+got.Accumulated.RxDropped+b.RxDropped+a.TxDropped,
		"DPDK's TX-packets = dpk's RX-packets + RX-dropped + the kernel's drops")
	require.Equal(t, sent.Accumulated.TxPackets, a.TxPackets+a.TxDropped, "the kernel saw every frame DPDK sent")
}

// TestInteropOursTxToDPDKRx: dpk's txonly sends, DPDK's rxonly receives. Every
// frame dpk counted as sent went through the veth (or was dropped there), and
// every frame the veth delivered was received by DPDK or dropped because DPDK's
// RX ring was full. DPDK 22.11's net_af_packet does not report those drops
// (its RX-dropped stays 0), so the test reads them from DPDK's socket itself
// (PACKET_STATISTICS, through pidfd_getfd).
func TestInteropOursTxToDPDKRx(t *testing.T) {
	s := newInterop(t)
	peer := dpdk.Start(t, dpdk.Config{Netns: s.nsB, Iface: s.ifB, Fwd: "rxonly", MainCPU: s.dpdkMain, FwdCPU: s.dpdkCPU})
	a0, b0 := ifStats(t, s.nsA, s.ifA), ifStats(t, s.nsB, s.ifB)

	ours := dpdk.Start(t, dpdk.Config{Binary: s.oursBin, Netns: s.nsA, Iface: s.ifA, Fwd: "txonly",
		MainCPU: s.oursMain, FwdCPU: s.oursCPU})
	time.Sleep(interopSeconds)
	sent := ours.MustStop(t)

	waitQuiet(func() uint64 { return ifStats(t, s.nsB, s.ifB).RxPackets }, 500*time.Millisecond, 10*time.Second)
	ringDrops, err := peer.PacketDrops()
	require.NoError(t, err)
	got := peer.MustStop(t)
	a, b := ifStats(t, s.nsA, s.ifA).Sub(a0), ifStats(t, s.nsB, s.ifB).Sub(b0)

	t.Logf("dpk txonly:  %v", sent.Accumulated)
	t.Logf("DPDK rxonly: %v", got.Accumulated)
	t.Logf("veth %s: %+v, %s: %+v", s.ifA, a, s.ifB, b)
	require.True(t, sent.Bye, "dpk's testpmd exits cleanly")
	require.Greater(t, sent.Accumulated.TxPackets, uint64(0))
	require.Equal(t, uint64(0), sent.Accumulated.RxPackets, "txonly does not receive")
	require.Equal(t, sent.Accumulated.TxPackets, a.TxPackets+a.TxDropped, "the kernel saw every frame dpk sent")
	require.Equal(t, a.TxPackets, b.RxPackets+b.RxDropped, "the veth delivered or dropped every frame")

	t.Logf("DPDK's RX ring dropped %d frames (unreported by DPDK)", ringDrops)
	require.Greater(t, got.Accumulated.RxPackets, uint64(0), "DPDK received dpk's frames")
	require.Equal(t, b.RxPackets, got.Accumulated.RxPackets+got.Accumulated.RxDropped+ringDrops,
		"the veth delivered = DPDK's RX-packets + RX-dropped + its ring's drops")
}
