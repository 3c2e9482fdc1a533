// Package dpdk runs Debian's dpdk-testpmd (DPDK 22.11) as a peer in dpk's
// interoperability tests, and parses testpmd logs: DPDK's, and dpk's own
// testpmd's, which prints the same statistics blocks.
//
// A peer runs non-interactively with --stats-period 1 inside a test network
// namespace, bounded in memory (--in-memory, -m 256, --total-num-mbufs) and
// time (a context timeout), with its main and forwarding lcores pinned to the
// CPUs the test chooses, as the project's dpdk-peer tool does; this package does
// not need that tool, only the dpdk-testpmd binary (Debian package dpdk-dev).
// Config.Binary runs another program with the same command line instead, such
// as dpk's own examples/testpmd.
//
//	peer := dpdk.Start(t, dpdk.Config{Netns: ns, Iface: "veth0", Fwd: "txonly", FwdCPU: 1})
//	// ... traffic ...
//	res := peer.Stop(t) // SIGINT, then the accumulated forward statistics
package dpdk

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dpk-go/dpk/internal/testutil"
)

// Command is DPDK's testpmd binary; Package is the Debian package that has it.
const (
	Command = "dpdk-testpmd"
	Package = "dpdk-dev"
)

// Defaults, as the dpdk-peer tool's.
const (
	DefaultMemMB        = 256
	DefaultMbufs        = 16384
	DefaultPktSize      = 64
	DefaultStartTimeout = 30 * time.Second
	DefaultStopTimeout  = 15 * time.Second
	DefaultTimeout      = 3 * time.Minute
	hugeDir             = "/dev/hugepages"
)

// Config describes one testpmd peer.
type Config struct {
	// Binary is the testpmd to run: "" for DPDK's (found on PATH, the test is
	// skipped without it), or the path of another program taking the same command
	// line and printing the same statistics, such as dpk's examples/testpmd.
	Binary string
	// Env are extra environment variables ("DPK_BUSY_POLL=1").
	Env []string
	// Netns is the namespace testpmd runs in (nil: the test's own).
	Netns *testutil.Netns
	// Iface makes port 0 "net_af_packet0,iface=<Iface>" (plus Devargs).
	Iface string
	// Devargs are extra key=value pairs for the af_packet vdev ("qpairs=1").
	Devargs string
	// Vdevs are raw --vdev values, used instead of Iface when it is empty.
	Vdevs []string
	// Fwd is the forwarding mode (default "io").
	Fwd string
	// MainCPU is the CPU of the main lcore (lcore 0) and EAL's threads (default 0).
	MainCPU int
	// FwdCPU is the CPU of the forwarding lcore (lcore 1). Two busy forwarding
	// lcores must not share a CPU.
	FwdCPU int
	// PktSize is --txpkts (default 64).
	PktSize int
	// EthPeer, when set, is the destination MAC of port 0 (--eth-peer=0,MAC).
	EthPeer string
	// MemMB is EAL's -m (default 256); Mbufs is --total-num-mbufs (default 16384).
	MemMB, Mbufs int
	// Extra are more testpmd options, after "--".
	Extra []string
	// StartTimeout bounds the wait for forwarding to start, StopTimeout the wait
	// after SIGINT before SIGKILL, Timeout the whole run.
	StartTimeout, StopTimeout, Timeout time.Duration
}

func (c *Config) defaults() {
	if c.Fwd == "" {
		c.Fwd = "io"
	}
	if c.PktSize == 0 {
		c.PktSize = DefaultPktSize
	}
	if c.MemMB == 0 {
		c.MemMB = DefaultMemMB
	}
	if c.Mbufs == 0 {
		c.Mbufs = DefaultMbufs
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	if c.StopTimeout == 0 {
		c.StopTimeout = DefaultStopTimeout
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
}

// Args returns testpmd's command line (without the binary) for c, with EAL's
// runtime files under prefix, on huge pages when huge is true (else --no-huge).
func Args(c Config, prefix string, huge bool) []string {
	c.defaults()
	args := []string{"--in-memory", "--file-prefix", prefix, "-m", strconv.Itoa(c.MemMB)}
	if huge {
		args = append(args, "--huge-dir", hugeDir)
	} else {
		args = append(args, "--no-huge")
	}
	args = append(args, "--no-pci", "--no-telemetry",
		"--lcores", fmt.Sprintf("0@%d,1@%d", c.MainCPU, c.FwdCPU), "--main-lcore", "0")
	if c.Iface != "" {
		v := "net_af_packet0,iface=" + c.Iface
		if c.Devargs != "" {
			v += "," + c.Devargs
		}
		args = append(args, "--vdev", v)
	} else {
		for _, v := range c.Vdevs {
			args = append(args, "--vdev", v)
		}
	}
	args = append(args, "--",
		"--forward-mode="+c.Fwd, "--stats-period", "1",
		"--total-num-mbufs="+strconv.Itoa(c.Mbufs), "--txpkts="+strconv.Itoa(c.PktSize), "--nb-cores=1")
	if c.EthPeer != "" {
		args = append(args, "--eth-peer=0,"+c.EthPeer)
	}
	return append(args, c.Extra...)
}

// HugePagesFor reports whether enough 2 MiB huge pages are free for -m memMB and
// hugetlbfs is mounted where testpmd looks.
func HugePagesFor(memMB int) bool {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return false
	}
	free := -1
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "HugePages_Free:" {
			free, _ = strconv.Atoi(f[1])
		}
	}
	if free < (memMB+1)/2 {
		return false
	}
	mounts, err := os.ReadFile("/proc/mounts")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(mounts), "\n") {
		if f := strings.Fields(l); len(f) >= 3 && f[1] == hugeDir && f[2] == "hugetlbfs" {
			return true
		}
	}
	return false
}

// Peer is a running dpdk-testpmd.
type Peer struct {
	Args   []string // the command line, for messages
	log    testutil.Buffer
	cmd    *exec.Cmd
	cancel context.CancelFunc
	done   chan struct{}
	err    error // from Wait, valid after done
	prefix string
	stop   time.Duration
	bin    string

	stopOnce sync.Once
	result   *Result
	stopErr  error
}

// Start runs testpmd as configured and returns once it forwards (its first
// "Port statistics" show). It fails the test, with the end of testpmd's log,
// when testpmd exits or does not start forwarding in time. The peer is stopped
// at the end of the test if the test did not stop it.
func Start(t testing.TB, c Config) *Peer {
	t.Helper()
	bin := c.Binary
	if bin == "" {
		bin = testutil.RequireCommand(t, Command, Package)
	}
	c.defaults()
	prefix := "dpk-" + testutil.UniqueName("tp")
	p := &Peer{Args: Args(c, prefix, HugePagesFor(c.MemMB)), done: make(chan struct{}), prefix: prefix, stop: c.StopTimeout, bin: bin}
	name, args := bin, p.Args
	if sb, err := exec.LookPath("stdbuf"); err == nil { // line-buffered output through the pipe
		name, args = sb, append([]string{"-oL", "-eL", bin}, p.Args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	p.cancel = cancel
	if c.Netns != nil {
		p.cmd = c.Netns.Command(ctx, name, args...) // ip netns exec execs: the PID is testpmd's
	} else {
		p.cmd = exec.CommandContext(ctx, name, args...)
	}
	p.cmd.Stdout, p.cmd.Stderr = &p.log, &p.log
	if len(c.Env) > 0 {
		p.cmd.Env = append(os.Environ(), c.Env...)
	}
	p.cmd.WaitDelay = 5 * time.Second
	if err := p.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("dpdk: start %s: %v", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.Stop() })

	deadline := time.Now().Add(c.StartTimeout)
	for !strings.Contains(p.log.String(), "Port statistics =") {
		select {
		case <-p.done:
			t.Fatalf("dpdk: %s exited during startup (%v)\ncommand: %s %s\nlog tail:\n%s",
				bin, p.err, bin, strings.Join(p.Args, " "), p.log.Tail(25))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.Stop()
			t.Fatalf("dpdk: %s did not start forwarding within %v\ncommand: %s %s\nlog tail:\n%s",
				bin, c.StartTimeout, bin, strings.Join(p.Args, " "), p.log.Tail(25))
		}
	}
	return p
}

// Log is testpmd's output so far (stdout and stderr).
func (p *Peer) Log() string { return p.log.String() }

// Stats parses the output so far (periodic NIC statistics; forward statistics
// only after Stop).
func (p *Peer) Stats() *Result {
	r, _ := Parse(p.log.String())
	return r
}

// Stop sends SIGINT (by PID), waits up to the stop timeout, then kills, and
// returns the parsed statistics. It is idempotent: later calls return the first
// result. The error (with the log tail) says that testpmd had to be killed,
// exited with a non-zero status, or printed no forward statistics; the Result
// holds whatever could be parsed.
func (p *Peer) Stop() (*Result, error) {
	p.stopOnce.Do(func() {
		defer p.cancel()
		defer os.RemoveAll("/var/run/dpdk/" + p.prefix)
		killed := false
		select {
		case <-p.done:
		default:
			p.cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-p.done:
			case <-time.After(p.stop):
				p.cmd.Process.Kill()
				killed = true
				<-p.done
			}
		}
		p.result, p.stopErr = Parse(p.log.String())
		if p.stopErr != nil || killed || p.err != nil {
			p.stopErr = fmt.Errorf("dpdk: %s stopped uncleanly (killed=%v, wait: %v, parse: %v); log tail:\n%s",
				p.bin, killed, p.err, p.stopErr, p.log.Tail(25))
		}
	})
	return p.result, p.stopErr
}

// MustStop is Stop failing the test on error.
func (p *Peer) MustStop(t testing.TB) *Result {
	t.Helper()
	r, err := p.Stop()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Exited reports whether testpmd has exited.
func (p *Peer) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
