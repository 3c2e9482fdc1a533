package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/internal/testutil"
	"github.com/dpk-go/dpk/internal/testutil/dpdk"
	"github.com/dpk-go/dpk/mempool"
)

// runResult is one in-process testpmd run.
type runResult struct {
	code           int
	stdout, stderr string
}

// runCtl lets a test end a run: a byte on stdin, or a signal.
type runCtl struct {
	stdin io.WriteCloser
	sig   chan<- os.Signal
	out   *testutil.Buffer // stdout so far
}

// waitFor waits (at most 20 s) until stdout contains n occurrences of s.
func (c *runCtl) waitFor(s string, n int) {
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(c.out.String(), s) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// runTestpmd runs testpmd in this process with args. After forwarding starts,
// stop is called (on another goroutine) to end the run one way or the other.
func runTestpmd(t *testing.T, args []string, stop func(c *runCtl)) runResult {
	t.Helper()
	stdinR, stdinW := io.Pipe()
	t.Cleanup(func() { stdinW.Close() })
	sig := make(chan os.Signal, 1)
	var out, errOut testutil.Buffer
	done := make(chan int)
	go func() {
		done <- run(args, env{
			stdin: stdinR, stdout: &out, stderr: &errOut, signals: sig,
			getenv: func(string) string { return "" },
			started: func() {
				if stop != nil {
					go stop(&runCtl{stdin: stdinW, sig: sig, out: &out})
				}
			},
		})
	}()
	select {
	case code := <-done:
		return runResult{code: code, stdout: out.String(), stderr: errOut.String()}
	case <-time.After(60 * time.Second):
		t.Fatalf("testpmd did not finish within 60 s")
		return runResult{}
	}
}

// ealArgs are EAL options for in-process runs: two lcores (one forwarding),
// normal pages.
func ealArgs(t *testing.T, vdevs ...string) []string {
	t.Helper()
	if runtime.NumCPU() < 2 {
		t.Skip("needs 2 CPUs (a main and a forwarding lcore)")
	}
	args := []string{"-l", "0-1", "--no-huge", "-m", "256"}
	for _, v := range vdevs {
		args = append(args, "--vdev", v)
	}
	return append(args, "--")
}

func pressEnterAfter(d time.Duration) func(*runCtl) {
	return func(c *runCtl) {
		time.Sleep(d)
		c.stdin.Write([]byte("\n"))
	}
}

// requireInOrder checks that every want string appears in s, in order.
func requireInOrder(t *testing.T, s string, want ...string) {
	t.Helper()
	pos := 0
	for _, w := range want {
		i := strings.Index(s[pos:], w)
		require.True(t, i >= 0, "missing (in order) %q after offset %d in:\n%s", w, pos, s)
		pos += i + len(w)
	}
}

// TestRunIOPipeline forwards between net_null0 (fabricates on RX, frees on TX)
// and net_ring0 (a loopback) in io mode, stopped by a byte on stdin, and checks
// the whole output and that the counters add up.
func TestRunIOPipeline(t *testing.T) {
	args := append(ealArgs(t, "net_null0", "net_ring0"), "--total-num-mbufs=4096", "--no-flush-rx")
	r := runTestpmd(t, args, pressEnterAfter(300*time.Millisecond))
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	requireInOrder(t, r.stderr,
		"testpmd: create a new mbuf pool <mb_pool_0>: n=4096, size=2176, socket=0\n",
		"testpmd: preferred mempool ops selected: ring_mp_mc\n")
	requireInOrder(t, r.stdout,
		"Configuring Port 0 (socket 0)\nPort 0: ",
		"Configuring Port 1 (socket 0)\nPort 1: ",
		"Checking link statuses...\nDone\n",
		"No commandline core given, start packet forwarding\n",
		"io packet forwarding - ports=2 - cores=1 - streams=2 - NUMA support enabled, MP allocation mode: native\n",
		"Logical Core 1 (socket 0) forwards packets on 2 streams:\n",
		"  RX P=0/Q=0 (socket 0) -> TX P=1/Q=0 (socket 0) peer=02:00:00:00:00:01\n",
		"  RX P=1/Q=0 (socket 0) -> TX P=0/Q=0 (socket 0) peer=02:00:00:00:00:00\n",
		"  io packet forwarding packets/burst=32\n",
		"Press enter to exit\n",
		"Telling cores to stop...\nWaiting for lcores to finish...\n",
		"Forward statistics for port 0 ",
		"Forward statistics for port 1 ",
		"Accumulated forward statistics for all ports",
		"\nDone.\n",
		"\nStopping port 0...\nStopping ports...\nDone\n",
		"\nStopping port 1...\nStopping ports...\nDone\n",
		"\nShutting down port 0...\nClosing ports...\nPort 0 is closed\nDone\n",
		"\nShutting down port 1...\nClosing ports...\nPort 1 is closed\nDone\n",
		"\nBye...\n")
	require.NotContains(t, r.stdout, "Set io packet forwarding mode", "only printed for --forward-mode")
	require.NotContains(t, r.stderr, "leak")

	res, err := dpdk.Parse(r.stdout)
	require.NoError(t, err)
	null, ok := res.Port(0)
	require.True(t, ok)
	ring, ok := res.Port(1)
	require.True(t, ok)
	// null0 -> ring0 -> (loopback) ring0 -> null0.
	require.Greater(t, null.RxPackets, uint64(1000))
	require.Equal(t, null.RxPackets, ring.TxPackets+ring.TxDropped, "everything null0 received went to ring0's TX")
	require.LessOrEqual(t, ring.RxPackets, ring.TxPackets, "ring0 received what it sent, less what was in flight")
	require.Equal(t, ring.RxPackets, null.TxPackets+null.TxDropped, "everything ring0 received went to null0's TX")
	require.Equal(t, uint64(0), null.TxDropped, "net_null accepts everything")
	require.Equal(t, null.RxPackets+ring.RxPackets, res.Accumulated.RxPackets)
	require.Equal(t, null.TxPackets+ring.TxPackets, res.Accumulated.TxPackets)
	require.Equal(t, null.TxDropped+ring.TxDropped, res.Accumulated.TxDropped)

	compatCheck(t, r.stdout, res)
}

// compatCheck feeds our output to the project's dpdk-peer tool (its parser of
// DPDK testpmd logs) when ../shared is there, and compares its reading with ours.
func compatCheck(t *testing.T, log string, ours *dpdk.Result) {
	t.Helper()
	tool := findPeerTool()
	if tool == "" {
		t.Log("skipping the dpdk-peer compatibility check: ../shared/tools/dpdk-peer not found")
		return
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Log("skipping the dpdk-peer compatibility check: no bash")
		return
	}
	f := filepath.Join(t.TempDir(), "testpmd.log")
	require.NoError(t, os.WriteFile(f, []byte(log), 0o644))
	out, err := exec.Command("bash", tool, "parse", f, "--seconds", "2").Output()
	require.NoError(t, err, "dpdk-peer parse: %s", out)
	var j struct {
		RxPackets   uint64 `json:"rx_packets"`
		TxPackets   uint64 `json:"tx_packets"`
		RxDropped   uint64 `json:"rx_dropped"`
		TxDropped   uint64 `json:"tx_dropped"`
		StatsSource string `json:"stats_source"`
		CleanExit   bool   `json:"clean_exit"`
		Ports       []struct {
			Port      int    `json:"port"`
			RxPackets uint64 `json:"rx_packets"`
			TxPackets uint64 `json:"tx_packets"`
		} `json:"ports"`
	}
	require.NoError(t, json.Unmarshal(out, &j), "%s", out)
	require.Equal(t, "fwd_stats", j.StatsSource)
	require.True(t, j.CleanExit)
	require.Equal(t, ours.Accumulated.RxPackets, j.RxPackets)
	require.Equal(t, ours.Accumulated.TxPackets, j.TxPackets)
	require.Equal(t, ours.Accumulated.RxDropped, j.RxDropped)
	require.Equal(t, ours.Accumulated.TxDropped, j.TxDropped)
	require.Len(t, j.Ports, len(ours.Ports))
	for i, p := range ours.Ports {
		require.Equal(t, p.Port, j.Ports[i].Port)
		require.Equal(t, p.RxPackets, j.Ports[i].RxPackets)
		require.Equal(t, p.TxPackets, j.Ports[i].TxPackets)
	}
}

// findPeerTool looks for shared/tools/dpdk-peer beside the repository.
func findPeerTool() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(filepath.Dir(d), "shared", "tools", "dpdk-peer")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// TestRunStatsPeriod prints NIC statistics every second until SIGTERM.
func TestRunStatsPeriod(t *testing.T) {
	args := append(ealArgs(t, "net_null0"), "--forward-mode=txonly", "--stats-period=1", "--total-num-mbufs=2048",
		"--no-flush-rx", "--eth-peer=0,02:00:00:00:00:33")
	r := runTestpmd(t, args, func(c *runCtl) {
		c.waitFor("Port statistics ====", 2)
		c.sig <- syscall.SIGTERM
	})
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	require.NotContains(t, r.stdout, "Press enter to exit")
	requireInOrder(t, r.stdout,
		"Set txonly packet forwarding mode\n",
		"\nWarning! port-topology=paired and odd forward ports number, the last port will pair with itself.\n\n",
		"txonly packet forwarding - ports=1 - cores=1 - streams=1",
		"  RX P=0/Q=0 (socket 0) -> TX P=0/Q=0 (socket 0) peer=02:00:00:00:00:33\n",
		"  packet len=64 - nb packet segments=1\n",
		"\033[2J\033[1;1H\nPort statistics ====================================\n  ######################## NIC statistics for port 0  ####",
		"\033[2J\033[1;1H\nPort statistics ====================================\n",
		"\nSignal 15 received, preparing to exit...\n",
		"Telling cores to stop...",
		"Bye...")
	res, err := dpdk.Parse(r.stdout)
	require.NoError(t, err)
	require.Equal(t, 15, res.Signal)
	require.GreaterOrEqual(t, len(res.Shows), 2)
	require.Greater(t, res.TxPPS()[0], uint64(0), "the second show has a throughput")
	require.Greater(t, res.Accumulated.TxPackets, uint64(0))
	require.Equal(t, uint64(0), res.Accumulated.RxPackets, "txonly does not receive")
	compatCheck(t, r.stdout, res)
}

// TestRunMultiQueue uses two queues per port and two ports over one lcore: four
// streams, so the per-stream statistics are printed too.
func TestRunMultiQueue(t *testing.T) {
	args := append(ealArgs(t, "net_null0", "net_null1"), "--rxq=2", "--txq=2", "--total-num-mbufs=4096",
		"--no-flush-rx", "--forward-mode=macswap", "--port-topology=chained", "--burst=16")
	r := runTestpmd(t, args, pressEnterAfter(200*time.Millisecond))
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	requireInOrder(t, r.stdout,
		"macswap packet forwarding - ports=2 - cores=1 - streams=4",
		"  RX P=0/Q=0 (socket 0) -> TX P=1/Q=0 (socket 0)",
		"  RX P=1/Q=0 (socket 0) -> TX P=0/Q=0 (socket 0)",
		"  RX P=0/Q=1 (socket 0) -> TX P=1/Q=1 (socket 0)",
		"  RX P=1/Q=1 (socket 0) -> TX P=0/Q=1 (socket 0)",
		"  macswap packet forwarding packets/burst=16\n",
		"  port 0: RX queue number: 2 Tx queue number: 2\n",
		"\n  ------- Forward Stats for RX Port= 0/Queue= 0 -> TX Port= 1/Queue= 0 -------\n",
		"\n  ------- Forward Stats for RX Port= 1/Queue= 1 -> TX Port= 0/Queue= 1 -------\n",
		"Forward statistics for port 0",
		"Accumulated forward statistics")
	res, err := dpdk.Parse(r.stdout)
	require.NoError(t, err)
	require.Greater(t, res.Accumulated.RxPackets, uint64(0))
	require.Equal(t, res.Accumulated.RxPackets, res.Accumulated.TxPackets+res.Accumulated.TxDropped)
}

// TestRunPortSelection checks --portmask and --nb-ports on three ports.
func TestRunPortSelection(t *testing.T) {
	args := append(ealArgs(t, "net_null0", "net_null1", "net_null2"), "--portmask=0x6", "--forward-mode=rxonly",
		"--total-num-mbufs=4096", "--no-flush-rx")
	r := runTestpmd(t, args, pressEnterAfter(100*time.Millisecond))
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	requireInOrder(t, r.stdout,
		"Configuring Port 0", "Configuring Port 1", "Configuring Port 2", // every port is started
		"rxonly packet forwarding - ports=2 - cores=1 - streams=2",
		"  RX P=1/Q=0 (socket 0) -> TX P=2/Q=0 (socket 0) peer=02:00:00:00:00:02\n",
		"  RX P=2/Q=0 (socket 0) -> TX P=1/Q=0 (socket 0) peer=02:00:00:00:00:01\n",
		"Forward statistics for port 1 ", "Forward statistics for port 2 ", "Accumulated")
	require.NotContains(t, r.stdout, "Forward statistics for port 0")

	args = append(ealArgs(t, "net_null0", "net_null1", "net_null2"), "--nb-ports=1", "--total-num-mbufs=4096",
		"--no-flush-rx", "--port-topology=loop")
	r = runTestpmd(t, args, pressEnterAfter(100*time.Millisecond))
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	requireInOrder(t, r.stdout, "io packet forwarding - ports=1 - cores=1 - streams=1",
		"  RX P=0/Q=0 (socket 0) -> TX P=0/Q=0 (socket 0)")
	require.NotContains(t, r.stdout, "Warning! port-topology=paired", "loop topology: no pairing warning")
}

// TestRunFlushRx checks that what waits in the RX queues before forwarding
// starts is dropped (not counted), unless --no-flush-rx.
func TestRunFlushRx(t *testing.T) {
	for _, flush := range []bool{true, false} {
		t.Run(fmt.Sprint("flush=", flush), func(t *testing.T) {
			pool := newTestPool(t)
			a, b := ringPair(t, pool, 1024)
			inject(t, b, pool, frames(100)) // waiting on a's RX
			require.NoError(t, a.Stop())
			require.NoError(t, b.Stop())
			args := append(ealArgs(t), "--forward-mode=rxonly", "--total-num-mbufs=2048", "--port-topology=loop")
			if !flush {
				args = append(args, "--no-flush-rx")
			}
			r := runTestpmd(t, args, pressEnterAfter(200*time.Millisecond))
			require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			res, err := dpdk.Parse(r.stdout)
			require.NoError(t, err)
			want := uint64(100)
			if flush {
				want = 0
			}
			require.Equal(t, want, res.Accumulated.RxPackets)
		})
	}
}

// TestRunErrors checks the command-line and configuration errors.
func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append(ealArgs(t, "net_null0"), "-i"), "testpmd: option '-i': interactive mode is not supported yet"},
		{append(ealArgs(t, "net_null0"), "--bogus"), "testpmd: unrecognized option '--bogus'"},
		{append(ealArgs(t, "net_null0"), "--burst=600"), "option '--burst' value \"600\": must be between 1 and 512"},
		{append(ealArgs(t, "net_null0"), "--nb-cores=2"), "nb-cores should be > 0 and <= 1"},
		{append(ealArgs(t, "net_null0", "net_null1"), "--portmask=0x4"), "option '--portmask' value \"0x4\": port 2 does not exist"},
		{append(ealArgs(t, "net_null0", "net_null1"), "--nb-ports=3"), "option '--nb-ports' value \"3\""},
		{append(ealArgs(t, "net_null0"), "--mbuf-size=1000", "--txpkts=1000"), "option '--txpkts'"},
		{ealArgs(t, "net_null0,bogus=1"), "bogus"},
		{[]string{"-l", "0", "--no-huge", "--vdev", "net_null0", "--", "--total-num-mbufs=2048"}, "No cores defined for forwarding"},
		{[]string{"--bogus-eal"}, "testpmd: eal: unknown option --bogus-eal"},
	} {
		r := runTestpmd(t, tc.args, nil)
		require.Equal(t, 1, r.code, "%q: stdout:\n%s", tc.args, r.stdout)
		require.Contains(t, r.stderr, tc.want, "%q", tc.args)
		require.Empty(t, ethdev.Ports(), "%q: every port is closed", tc.args)
	}
}

func TestRunHelp(t *testing.T) {
	r := runTestpmd(t, []string{"--no-huge", "--", "--help"}, nil)
	require.Equal(t, 0, r.code)
	require.Contains(t, r.stdout, "--forward-mode=N")
	require.Contains(t, r.stdout, BusyPollEnv)
}

// leakyDevice is a port whose TX keeps the mbufs and whose Close does not free
// them: testpmd must notice.
type leakyDevice struct{ held [][]*mempool.Mbuf }

type leakyTx struct{ d *leakyDevice }

func (q leakyTx) TxBurst(pkts []*mempool.Mbuf) int {
	q.d.held = append(q.d.held, append([]*mempool.Mbuf(nil), pkts...))
	return len(pkts)
}

type emptyRx struct{}

func (emptyRx) RxBurst([]*mempool.Mbuf) int { return 0 }

func (d *leakyDevice) Info() ethdev.DevInfo {
	return ethdev.DevInfo{MaxRxQueues: 1, MaxTxQueues: 1, Socket: -1}
}
func (d *leakyDevice) Configure(int, int, *ethdev.Config) error { return nil }
func (d *leakyDevice) RxQueueSetup(ethdev.RxQueueParams) (ethdev.RxBurster, error) {
	return emptyRx{}, nil
}
func (d *leakyDevice) TxQueueSetup(ethdev.TxQueueParams) (ethdev.TxBurster, error) {
	return leakyTx{d}, nil
}
func (d *leakyDevice) Start() error                           { return nil }
func (d *leakyDevice) Stop() error                            { return nil }
func (d *leakyDevice) Close() error                           { return nil }
func (d *leakyDevice) Link() ethdev.Link                      { return ethdev.Link{Up: true} }
func (d *leakyDevice) MACAddr() ethdev.MAC                    { return ethdev.MAC{2, 0xee, 0, 0, 0, 1} }
func (d *leakyDevice) Stats(*ethdev.Stats)                    {}
func (d *leakyDevice) XStats(x []ethdev.XStat) []ethdev.XStat { return x }

func TestRunLeakDetected(t *testing.T) {
	d := &leakyDevice{}
	p, err := ethdev.Attach("net_leaky0", "net_leaky", d)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	args := append(ealArgs(t), "--forward-mode=txonly", "--total-num-mbufs=2048", "--burst=4")
	r := runTestpmd(t, args, pressEnterAfter(50*time.Millisecond))
	require.Equal(t, 1, r.code, "stdout:\n%s", r.stdout)
	require.Contains(t, r.stderr, "Error during enabling promiscuous mode for port 0: Operation not supported - ignore\n")
	require.Regexp(t, `testpmd: mbuf leak: [0-9]+ mbufs not returned`, r.stderr)
	require.Contains(t, r.stdout, "Bye...")
}
