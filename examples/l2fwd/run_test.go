package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/ring"
	"github.com/dpk-go/dpk/internal/sys"
	"github.com/dpk-go/dpk/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testCPU is the CPU the in-process l2fwd runs on: the highest one the test
// may use, so that on a two-CPU machine the test's own goroutines keep CPU 0.
func testCPU() string {
	cpus, err := sys.Affinity()
	if err != nil || len(cpus) == 0 {
		return "0"
	}
	return strconv.Itoa(cpus[len(cpus)-1])
}

// running is an l2fwd run in this process.
type running struct {
	out, log testutil.Buffer
	stop     chan os.Signal
	done     chan int
}

func startRun(t *testing.T, args ...string) *running {
	t.Helper()
	r := &running{stop: make(chan os.Signal, 1), done: make(chan int, 1)}
	before := ethdev.Count()
	go func() { r.done <- run(args, &r.out, &r.log, r.stop) }()
	t.Cleanup(func() {
		select {
		case r.stop <- syscall.SIGTERM:
		default:
		}
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("l2fwd did not exit")
		}
		assert.LessOrEqual(t, ethdev.Count(), before, "ports l2fwd created are left open after it exited")
	})
	return r
}

// waitFor waits until the log (stdout+stderr) contains s.
func (r *running) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(r.out.String()+r.log.String(), s) {
		select {
		case code := <-r.done:
			r.done <- code
			t.Fatalf("l2fwd exited (%d) before printing %q:\n%s\n%s", code, s, r.out.String(), r.log.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("l2fwd did not print %q:\n%s\n%s", s, r.out.String(), r.log.String())
		}
	}
}

// interrupt sends SIGINT and returns the exit status.
func (r *running) interrupt(t *testing.T) int {
	t.Helper()
	r.stop <- syscall.SIGINT
	select {
	case code := <-r.done:
		r.done <- code
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("l2fwd did not exit after SIGINT")
		return -1
	}
}

// runOnce runs l2fwd to completion (it must fail or be stopped by stop).
func runOnce(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, log testutil.Buffer
	done := make(chan int, 1)
	go func() { done <- run(args, &out, &log, nil) }()
	select {
	case code = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("l2fwd did not exit")
	}
	assert.Zero(t, ethdev.Count(), "ports left open after l2fwd exited")
	return code, out.String(), log.String()
}

type counters struct{ tx, rx, dropped uint64 }

var (
	statsPortRe = regexp.MustCompile(`(?m)^Statistics for port (\d+) -+\nPackets sent: +(\d+)\nPackets received: +(\d+)\nPackets dropped: +(\d+)$`)
	statsAggRe  = regexp.MustCompile(`(?m)^Aggregate statistics =+\nTotal packets sent: +(\d+)\nTotal packets received: +(\d+)\nTotal packets dropped: +(\d+)\n=+$`)
)

// finalStats parses the last statistics table l2fwd printed: per port and the
// totals (port -1).
func finalStats(t *testing.T, out string) map[int]counters {
	t.Helper()
	i := strings.LastIndex(out, "\nPort statistics =")
	require.GreaterOrEqual(t, i, 0, "no statistics table in:\n%s", out)
	table := out[i:]
	m := map[int]counters{}
	u := func(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }
	for _, g := range statsPortRe.FindAllStringSubmatch(table, -1) {
		p, _ := strconv.Atoi(g[1])
		m[p] = counters{tx: u(g[2]), rx: u(g[3]), dropped: u(g[4])}
	}
	g := statsAggRe.FindStringSubmatch(table)
	require.NotNil(t, g, "no aggregate statistics in:\n%s", table)
	m[-1] = counters{tx: u(g[1]), rx: u(g[2]), dropped: u(g[3])}
	return m
}

func TestRunNullPorts(t *testing.T) {
	t.Run("adaptive idle", func(t *testing.T) { testRunNullPorts(t) })
	t.Run(busyPollEnv+"=1", func(t *testing.T) {
		t.Setenv(busyPollEnv, "1")
		testRunNullPorts(t)
	})
}

func testRunNullPorts(t *testing.T) {
	r := startRun(t, "--no-huge", "-l", testCPU(), "--vdev", "net_null0", "--vdev", "net_null1,size=128",
		"--", "-p", "0x3", "-q", "2", "-T", "0")
	r.waitFor(t, "L2FWD: entering main loop on lcore "+testCPU())
	time.Sleep(200 * time.Millisecond)
	require.Equal(t, 0, r.interrupt(t), "exit status (1 = mbuf leak)\n%s\n%s", r.out.String(), r.log.String())
	out := r.out.String()
	wantLines := []string{
		"MAC updating enabled\n",
		fmt.Sprintf("Lcore %s: RX port 0 TX port 1\nLcore %[1]s: RX port 1 TX port 0\n", testCPU()),
		"Initializing port 0... done: \nPort 0, MAC address: 02:00:00:00:00:00\n\n",
		"Initializing port 1... done: \nPort 1, MAC address: 02:00:00:00:00:00\n\n",
		"\nChecking link status",
		"done\nPort 0 Link up at 10 Gbps FDX Fixed\nPort 1 Link up at 10 Gbps FDX Fixed\n",
		"\n\nSignal 2 received, preparing to exit...\n",
		"Closing port 0... Done\nClosing port 1... Done\nBye...\n",
	}
	for _, w := range wantLines {
		assert.Contains(t, out, w)
	}
	assert.NotContains(t, out, clearScreen, "-T 0 disables the periodic table")
	assert.Contains(t, r.log.String(), fmt.Sprintf("L2FWD:  -- lcoreid=%s portid=0\nL2FWD:  -- lcoreid=%[1]s portid=1\n", testCPU()))
	st := finalStats(t, out)
	assert.Positive(t, st[0].rx)
	// net_null never refuses a frame, and what was buffered is sent at exit.
	assert.Equal(t, st[0].rx, st[1].tx, "port 0 rx = port 1 tx")
	assert.Equal(t, st[1].rx, st[0].tx, "port 1 rx = port 0 tx")
	assert.Equal(t, counters{st[0].tx + st[1].tx, st[0].rx + st[1].rx, 0}, st[-1])
}

func TestRunPeriodicStats(t *testing.T) {
	r := startRun(t, "--no-huge", "-l", testCPU(), "--vdev", "net_null0,no-rx=1", "--vdev", "net_null1,no-rx=1",
		"--", "-p", "0x3", "-q", "2", "-T", "1")
	r.waitFor(t, clearScreen+"\nPort statistics ====")
	require.Equal(t, 0, r.interrupt(t))
	out := r.out.String()
	assert.Contains(t, out, clearScreen+"\nPort statistics ====================================\nStatistics for port 0 ---")
	last := out[strings.LastIndex(out, "\nPort statistics"):]
	assert.NotContains(t, last, clearScreen)
	assert.Equal(t, counters{}, finalStats(t, out)[-1])
}

// TestRunRingForwarding runs l2fwd in this process on two ports of ring pairs
// whose other ends the test drives:
//
//	test port 0 <-> l2fwd port 1 ... l2fwd port 2 <-> test port 3
func TestRunRingForwarding(t *testing.T) {
	f := &fixture{pool: newTestPool(t, 4096)}
	var err error
	f.a, f.x, err = ring.Pair("net_ring_t0", "net_ring_l1", 1, 1024)
	require.NoError(t, err)
	f.y, f.b, err = ring.Pair("net_ring_l2", "net_ring_t3", 1, 1024)
	require.NoError(t, err)
	require.Equal(t, []uint16{0, 1, 2, 3}, []uint16{f.a.ID(), f.x.ID(), f.y.ID(), f.b.ID()})
	closePorts(t, f.a, f.b) // l2fwd closes its own
	startPort(t, f.a, f.pool)
	startPort(t, f.b, f.pool)

	r := startRun(t, "--no-huge", "-l", testCPU(), "--", "-p", "0x6", "-q", "2", "-T", "0")
	r.waitFor(t, "L2FWD: entering main loop")
	out := r.out.String()
	assert.Contains(t, out, "Skipping disabled port 0\n")
	assert.Contains(t, out, "Skipping disabled port 3\n")
	assert.Contains(t, out, fmt.Sprintf("Lcore %s: RX port 1 TX port 2\nLcore %[1]s: RX port 2 TX port 1\n", testCPU()))

	const n, m = 1000, 300
	macX, macY := f.x.MACAddr(), f.y.MACAddr()
	check := func(port uint16, mac ethdev.MAC, first uint32) func(int, []byte) {
		return func(i int, d []byte) {
			assert.Equal(t, []byte{2, 0, 0, 0, 0, byte(port)}, d[0:6])
			assert.Equal(t, mac[:], d[6:12])
			assert.Equal(t, first+uint32(i), binary.BigEndian.Uint32(d[14:18]))
		}
	}
	gotB, gotA := 0, 0
	for i := 0; i < n; i += 100 {
		send(t, f.pool, f.a, 100, uint32(i))
		if i < m {
			send(t, f.pool, f.b, 100, uint32(100000+i))
		}
		gotB += recvAll(t, f.b, check(2, macY, uint32(gotB)))
		gotA += recvAll(t, f.a, check(1, macX, uint32(100000+gotA)))
	}
	deadline := time.Now().Add(5 * time.Second)
	for (gotB < n || gotA < m) && time.Now().Before(deadline) {
		gotB += recvAll(t, f.b, check(2, macY, uint32(gotB)))
		gotA += recvAll(t, f.a, check(1, macX, uint32(100000+gotA)))
		time.Sleep(time.Millisecond)
	}
	require.Equal(t, n, gotB, "frames through port 1 -> 2")
	require.Equal(t, m, gotA, "frames through port 2 -> 1")

	require.Equal(t, 0, r.interrupt(t), "%s\n%s", r.out.String(), r.log.String())
	st := finalStats(t, r.out.String())
	assert.Equal(t, counters{tx: m, rx: n}, st[1])
	assert.Equal(t, counters{tx: n, rx: m}, st[2])
	assert.Equal(t, counters{tx: n + m, rx: n + m}, st[-1])
	_, listed := st[0]
	assert.False(t, listed, "ports outside the mask are not listed")
	assert.NotNil(t, ethdev.Get(0), "ports outside the mask stay open")
	assert.Nil(t, ethdev.Get(1), "l2fwd closed port 1")
	assert.Nil(t, ethdev.Get(2), "l2fwd closed port 2")
}

func TestRunErrors(t *testing.T) {
	cpu := testCPU()
	null2 := []string{"--no-huge", "-l", cpu, "--vdev", "net_null0", "--vdev", "net_null1"}
	args := func(eal []string, app ...string) []string {
		return append(append(append([]string{}, eal...), "--"), app...)
	}
	const exitCause = "EAL: Error - exiting with code: 1\n  Cause: "
	tests := []struct {
		name   string
		args   []string
		stdout []string
		stderr []string
	}{
		{"absent port in mask", args(null2, "-p", "0x4"), nil, []string{exitCause + "Invalid portmask; possible (0x3)\n"}},
		{"absent high port", args(null2, "-p", "0x80000001"), nil, []string{"Invalid portmask; possible (0x3)"}},
		{"zero mask", args(null2, "-p", "0"), []string{"invalid portmask\n", "-p PORTMASK: hexadecimal bitmask"}, []string{exitCause + "Invalid L2FWD arguments\n"}},
		{"no mask", args(null2), nil, []string{exitCause + "All available ports are disabled. Please set portmask.\n"}},
		{"no ports", args([]string{"--no-huge", "-l", cpu}, "-p", "1"), nil, []string{exitCause + "No Ethernet ports - bye\n"}},
		{"q out of range", args(null2, "-p", "3", "-q", "16"), []string{"invalid queue number\n"}, []string{"Invalid L2FWD arguments"}},
		{"T out of range", args(null2, "-p", "3", "-T", "86400"), []string{"invalid timer period\n"}, []string{"Invalid L2FWD arguments"}},
		{"unknown app option", args(null2, "-p", "3", "--mac-updating"), []string{"[EAL options] -- -p PORTMASK"},
			[]string{"l2fwd: unrecognized option '--mac-updating'\n", "Invalid L2FWD arguments"}},
		{"bad portmap", args(null2, "-p", "3", "--portmap=(0,1"), nil, []string{"Invalid config\n", "Invalid L2FWD arguments"}},
		{"portmap port not in mask", args(null2, "-p", "1", "--portmap=(0,1)"), []string{"port 1 is not enabled in port mask\n"}, []string{"Cause: Invalid port pair config\n"}},
		{"portmap absent port", args(null2, "-p", "7", "--portmap=(0,2)"), []string{"port 2 is not present on the board\n"}, []string{"Invalid port pair config"}},
		{"portmap port twice", args(null2, "-p", "3", "--portmap=(0,1),(1,0)"), []string{"port 0 is used in other port pairs\n"}, []string{"Invalid port pair config"}},
		{"not enough cores", args(null2, "-p", "3"), []string{"Lcore " + cpu + ": RX port 0 TX port 1\n"}, []string{exitCause + "Not enough cores\n"}},
		{"unknown EAL option", args([]string{"--bogus"}, "-p", "1"), nil, []string{"EAL: unknown option --bogus\n", "Invalid EAL arguments"}},
		{"bad lcore list", args([]string{"-l", "x"}, "-p", "1"), nil, []string{"EAL: option -l \"x\"", "Invalid EAL arguments"}},
		{"unknown driver", args([]string{"--no-huge", "--vdev", "net_bogus0"}, "-p", "1"), nil, []string{"net_bogus0", "no driver"}},
		{"unknown devargs key", args([]string{"--no-huge", "--vdev", "net_null0,sise=64"}, "-p", "1"), nil, []string{"unknown key \"sise\""}},
		{"bad devargs value", args([]string{"--no-huge", "--vdev", "net_null0,size=big"}, "-p", "1"), nil, []string{"size=\"big\""}},
		{"second vdev fails", args([]string{"--no-huge", "--vdev", "net_null0", "--vdev", "net_null1,copy=maybe"}, "-p", "1"), nil, []string{"net_null1", "copy"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runOnce(t, tc.args...)
			assert.Equal(t, 1, code)
			for _, s := range tc.stdout {
				assert.Contains(t, stdout, s)
			}
			for _, s := range tc.stderr {
				assert.Contains(t, stderr, s)
			}
			assert.NotContains(t, stdout+stderr, "panic")
		})
	}
}

func TestRunHelp(t *testing.T) {
	code, stdout, _ := runOnce(t, "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "EAL options:")
	assert.Contains(t, stdout, "--no-mac-updating")
}
