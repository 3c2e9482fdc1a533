//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dpk-go/dpk/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// topology is the quick start's: hosts A and B, each in a namespace, joined by
// l2fwd in a third one.
//
//	A eth0 198.18.0.1 <-> L p0 [port 0]  l2fwd  [port 1] L p1 <-> B eth0 198.18.0.2
type topology struct {
	a, b, l *testutil.Netns
}

func newTopology(t *testing.T) *topology {
	t.Helper()
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, "ip", "iproute2")
	testutil.RequireCommand(t, "ethtool", "ethtool")
	tp := &topology{a: testutil.NewNetns(t), b: testutil.NewNetns(t), l: testutil.NewNetns(t)}
	testutil.Veth(t, tp.a, "eth0", tp.l, "p0")
	testutil.Veth(t, tp.b, "eth0", tp.l, "p1")
	tp.a.Addr(t, "eth0", "198.18.0.1/24")
	tp.b.Addr(t, "eth0", "198.18.0.2/24")
	return tp
}

// linkCounters are an interface's kernel counters.
type linkCounters struct {
	RxPackets, TxPackets, RxDropped, TxDropped uint64
}

func readLink(t *testing.T, ns *testutil.Netns, ifc string) linkCounters {
	t.Helper()
	out := ns.Exec(t, "ip", "-s", "-j", "link", "show", ifc)
	var links []struct {
		Stats64 struct {
			Rx struct{ Packets, Dropped uint64 } `json:"rx"`
			Tx struct{ Packets, Dropped uint64 } `json:"tx"`
		} `json:"stats64"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &links), out)
	require.Len(t, links, 1)
	s := links[0].Stats64
	return linkCounters{RxPackets: s.Rx.Packets, TxPackets: s.Tx.Packets, RxDropped: s.Rx.Dropped, TxDropped: s.Tx.Dropped}
}

// process is a command running in a namespace with its output collected.
type process struct {
	cmd      *exec.Cmd
	out, log testutil.Buffer
	done     chan error
}

func startIn(t *testing.T, ctx context.Context, ns *testutil.Netns, env []string, name string, args ...string) *process {
	t.Helper()
	p := &process{cmd: ns.Command(ctx, name, args...), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.log
	p.cmd.WaitDelay = 5 * time.Second
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the process to exit and returns its exit status.
func (p *process) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		var ee *exec.ExitError
		if err == nil {
			return 0
		}
		if errors.As(err, &ee) && ee.Exited() {
			return ee.ExitCode()
		}
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", p.cmd, err, p.out.String(), p.log.String())
	case <-time.After(timeout):
		t.Fatalf("%s did not exit within %v\nstdout:\n%s\nstderr:\n%s", p.cmd, timeout, p.out.String(), p.log.String())
	}
	return -1
}

// waitOutput waits until the process's stdout or stderr contains s.
func (p *process) waitOutput(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.out.String()+p.log.String(), s) {
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("%s exited (%v) before printing %q\nstdout:\n%s\nstderr:\n%s", p.cmd, err, s, p.out.String(), p.log.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not print %q within %v\nstdout:\n%s\nstderr:\n%s", p.cmd, s, timeout, p.out.String(), p.log.String())
		}
	}
}

// tables counts the periodic statistics tables printed so far.
func tables(out string) int { return strings.Count(out, clearScreen) }

// lastTable returns the last complete periodic table's counters.
func lastTable(t *testing.T, out string) map[int]counters {
	t.Helper()
	parts := strings.Split(out, clearScreen)
	for i := len(parts) - 1; i > 0; i-- {
		if strings.Contains(parts[i], "\n====================================================\n") {
			return finalStats(t, parts[i])
		}
	}
	t.Fatalf("no complete statistics table in:\n%s", out)
	return nil
}

// TestForwardVeth is the quick start as a test: l2fwd with two net_af_packet
// ports between two hosts; ping and a verified 100 MiB TCP transfer go
// through, and l2fwd's counters agree with the kernel's.
func TestForwardVeth(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, "ping", "iputils-ping")
	testutil.RequireCommand(t, "taskset", "util-linux")
	bin := l2fwdBinary(t)
	exe, err := os.Executable()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()

	const size = 100 << 20
	want := streamSum(size)
	tp := newTopology(t)

	// l2fwd on the last CPU (CPU 1 on a two-CPU machine), the traffic on CPU 0.
	cpu := testCPU()
	l2 := startIn(t, ctx, tp.l, nil, bin, "-l", cpu,
		"--vdev", "net_af_packet0,iface=p0", "--vdev", "net_af_packet1,iface=p1",
		"--", "-p", "0x3", "-q", "2", "--no-mac-updating", "-T", "1")
	l2.waitOutput(t, "L2FWD: entering main loop on lcore "+cpu, 20*time.Second)
	out := l2.out.String()
	for _, s := range []string{
		"MAC updating disabled\n",
		fmt.Sprintf("Lcore %s: RX port 0 TX port 1\nLcore %[1]s: RX port 1 TX port 0\n", cpu),
		"Initializing port 0... done: \nPort 0, MAC address: ",
		"Initializing port 1... done: \nPort 1, MAC address: ",
		"\nChecking link status",
		"done\nPort 0 Link up at ",
	} {
		assert.Contains(t, out, s)
	}

	// ping: a few frames each way, and the counters agree exactly (nothing is
	// lost at this rate).
	ping, err := tp.a.Command(ctx, "taskset", "-c", "0", "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.2").CombinedOutput()
	require.NoError(t, err, "ping A -> B through l2fwd:\n%s", ping)
	t.Logf("ping through l2fwd:\n%s", ping)
	exact := false
	for attempt := 0; attempt < 5 && !exact; attempt++ {
		time.Sleep(300 * time.Millisecond)
		a1, b1 := readLink(t, tp.a, "eth0"), readLink(t, tp.b, "eth0")
		n := tables(l2.out.String())
		for tables(l2.out.String()) < n+2 { // one whole period after reading the hosts' counters
			require.Less(t, time.Since(start), 60*time.Second, "no statistics table printed")
			time.Sleep(50 * time.Millisecond)
		}
		st := lastTable(t, l2.out.String())
		a2, b2 := readLink(t, tp.a, "eth0"), readLink(t, tp.b, "eth0")
		if a1 != a2 || b1 != b2 {
			continue // a host sent something meanwhile (ARP): read again
		}
		exact = true
		assert.Equal(t, a1.TxPackets, st[0].rx, "l2fwd port 0 received what A sent")
		assert.Equal(t, b1.TxPackets, st[1].rx, "l2fwd port 1 received what B sent")
		assert.Equal(t, b1.RxPackets, st[1].tx, "B received what l2fwd sent on port 1")
		assert.Equal(t, a1.RxPackets, st[0].tx, "A received what l2fwd sent on port 0")
		assert.GreaterOrEqual(t, st[0].rx, uint64(3), "the pings crossed")
	}
	require.True(t, exact, "the hosts' counters never stood still")

	// 100 MiB over TCP, verified by hash at the far end.
	env := []string{helperAddrEnv + "=198.18.0.2:5201", fmt.Sprintf("%s=%d", helperSizeEnv, size)}
	server := startIn(t, ctx, tp.b, append(env, helperEnv+"=server"), "taskset", "-c", "0", exe, "-test.run=^$")
	server.waitOutput(t, "listening", 10*time.Second)
	xfer := time.Now()
	client := startIn(t, ctx, tp.a, append(env, helperEnv+"=client"), "taskset", "-c", "0", exe, "-test.run=^$")
	require.Equal(t, 0, client.wait(t, 60*time.Second), "client: %s %s", client.out.String(), client.log.String())
	require.Equal(t, 0, server.wait(t, 10*time.Second), "server: %s", server.log.String())
	elapsed := time.Since(xfer)
	answer := strings.Fields(client.out.String())
	require.Len(t, answer, 2, "server's answer: %q", client.out.String())
	assert.Equal(t, fmt.Sprint(size), answer[1], "bytes received")
	assert.Equal(t, want, answer[0], "SHA-256 of the bytes received")
	t.Logf("100 MiB through l2fwd in %v (%.2f Gbit/s)", elapsed.Round(time.Millisecond), float64(size)*8/elapsed.Seconds()/1e9)

	// Stop l2fwd; it must exit cleanly (status 1 would mean an mbuf leak).
	time.Sleep(300 * time.Millisecond)
	a, b := readLink(t, tp.a, "eth0"), readLink(t, tp.b, "eth0")
	p0, p1 := readLink(t, tp.l, "p0"), readLink(t, tp.l, "p1")
	require.NoError(t, l2.cmd.Process.Signal(syscall.SIGINT))
	code := l2.wait(t, 15*time.Second)
	require.Equal(t, 0, code, "l2fwd exit status\nstdout:\n%s\nstderr:\n%s", l2.out.String(), l2.log.String())
	out = l2.out.String()
	assert.Contains(t, out, "\n\nSignal 2 received, preparing to exit...\n")
	assert.Contains(t, out, "Closing port 0... Done\nClosing port 1... Done\nBye...\n")
	assert.NotContains(t, l2.log.String(), "mbuf leak")
	st := finalStats(t, out)
	t.Logf("l2fwd: port 0 rx %d tx %d, port 1 rx %d tx %d; A eth0 tx %d rx %d; B eth0 tx %d rx %d; p0 rx %d; p1 rx %d",
		st[0].rx, st[0].tx, st[1].rx, st[1].tx, a.TxPackets, a.RxPackets, b.TxPackets, b.RxPackets, p0.RxPackets, p1.RxPackets)

	assert.Zero(t, st[-1].dropped, "Packets dropped")
	// What l2fwd sent is exactly what the hosts received.
	assert.Equal(t, b.RxPackets, st[1].tx, "B received what l2fwd sent on port 1 (B rx_dropped %d)", b.RxDropped)
	assert.Equal(t, a.RxPackets, st[0].tx, "A received what l2fwd sent on port 0 (A rx_dropped %d)", a.RxDropped)
	// What l2fwd received it sent on (nothing dropped).
	assert.Equal(t, st[0].rx, st[1].tx, "port 0 rx = port 1 tx")
	assert.Equal(t, st[1].rx, st[0].tx, "port 1 rx = port 0 tx")
	// It cannot have received more than the hosts sent. Under TCP it may have
	// received fewer: TCP speeds up until frames are lost, and they are lost where
	// the bottleneck is, the packet socket's RX ring (the kernel's drop counter,
	// l2fwd's imissed, is not in DPDK's table). TCP resends them.
	assert.LessOrEqual(t, st[0].rx, a.TxPackets, "port 0 rx <= A tx")
	assert.LessOrEqual(t, st[1].rx, b.TxPackets, "port 1 rx <= B tx")
	assert.Equal(t, a.TxPackets, p0.RxPackets, "veth A -> p0")
	assert.GreaterOrEqual(t, st[0].rx, uint64(size/1500), "at least one frame per 1500 bytes crossed A -> B")
	if lost := a.TxPackets - st[0].rx; lost > 0 {
		t.Logf("%d frames (%.2f%%) from A never reached l2fwd: the kernel dropped them at the full RX ring", lost, 100*float64(lost)/float64(a.TxPackets))
	}
	t.Logf("TestForwardVeth took %v", time.Since(start).Round(time.Millisecond))
}

// TestDemo runs the quick start script briefly, so that it does not rot.
func TestDemo(t *testing.T) {
	testutil.RequireRoot(t)
	for cmd, pkg := range map[string]string{"ip": "iproute2", "ping": "iputils-ping", "iperf3": "iperf3",
		"ethtool": "ethtool", "taskset": "util-linux", "ss": "iproute2", "go": "golang"} {
		testutil.RequireCommand(t, cmd, pkg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "demo.sh", "--seconds", "2")
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	out, err := cmd.CombinedOutput()
	t.Logf("demo.sh --seconds 2:\n%s", out)
	require.NoError(t, err, "demo.sh failed")
	s := string(out)
	assert.Contains(t, s, "5 packets transmitted, 5 received")
	assert.Regexp(t, `(?m)^\[ *\d+\] +0\.00-\S+ +sec .* sender$`, s, "iperf3 summary")
	assert.Regexp(t, `(?m)^\[ *\d+\] +0\.00-\S+ +sec .* receiver$`, s, "iperf3 summary")
	st := finalStats(t, s)
	assert.Positive(t, st[0].rx)
	assert.Zero(t, st[-1].dropped)
	assert.Contains(t, s, "Bye...")
	// Nothing left behind.
	ns, err := exec.Command("ip", "netns", "list").Output()
	require.NoError(t, err)
	sc := bufio.NewScanner(strings.NewReader(string(ns)))
	for sc.Scan() {
		assert.NotRegexp(t, fmt.Sprintf(`^l2fwd-[abl]-%d\b`, cmd.Process.Pid), sc.Text(), "namespace left behind by demo.sh")
	}
}
