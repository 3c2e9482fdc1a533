// Package testutil holds helpers for dpk's own tests: root checks, throwaway
// network namespaces joined by veth pairs, and command runners. Every helper
// registers its own cleanup with t.Cleanup, so a test removes what it created even
// when it fails.
package testutil

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// StrictEnv names the environment variable that the README's test command sets:
// with it, a missing prerequisite fails the test instead of skipping it, so a CI
// run cannot go green by skipping the privileged tests.
const StrictEnv = "DPK_TEST_STRICT"

// RequireRoot skips the test, saying why, unless it runs as root (under
// StrictEnv it fails instead).
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv(StrictEnv) != "" {
			t.Fatalf("needs root, and %s is set", StrictEnv)
		}
		t.Skipf("skipped: needs root (network namespaces, packet sockets); run the README's test command as root (it runs in CI)")
	}
}

// RequireCommand skips the test, naming the package to install, when cmd is not
// on PATH (under StrictEnv it fails instead).
func RequireCommand(t testing.TB, cmd, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(cmd)
	if err != nil {
		if os.Getenv(StrictEnv) != "" {
			t.Fatalf("%s not found (install Debian package %s; the README's test command does)", cmd, pkg)
		}
		t.Skipf("skipped: %s not found (install Debian package %s; the README's test command does)", cmd, pkg)
	}
	return p
}

// Run runs a command with a timeout and fails the test with its output on error.
func Run(t testing.TB, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	out, err := Output(timeout, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// Output runs a command with a timeout and returns its combined output.
func Output(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

var nsSeq atomic.Int32

// UniqueName returns a short name (at most 12 bytes) unique to this process and
// call, for namespaces and interfaces (interface names are limited to 15 bytes).
func UniqueName(prefix string) string {
	if len(prefix) > 4 {
		prefix = prefix[:4]
	}
	return fmt.Sprintf("%s%d%d", prefix, os.Getpid()%100000, nsSeq.Add(1))
}

// Netns is a network namespace created for one test.
type Netns struct {
	Name string
}

// Path is the namespace's bind mount, usable with setns(2).
func (n *Netns) Path() string { return "/var/run/netns/" + n.Name }

// NewNetns creates a network namespace with loopback up and registers its
// removal (which also kills any process left inside it).
func NewNetns(t testing.TB) *Netns {
	t.Helper()
	RequireRoot(t)
	RequireCommand(t, "ip", "iproute2")
	n := &Netns{Name: "dpk" + UniqueName("")}
	Run(t, 10*time.Second, "ip", "netns", "add", n.Name)
	t.Cleanup(func() { n.Delete() })
	n.Exec(t, "ip", "link", "set", "lo", "up")
	return n
}

// Delete kills what runs in the namespace and removes it. It is idempotent.
func (n *Netns) Delete() {
	if pids, err := Output(5*time.Second, "ip", "netns", "pids", n.Name); err == nil {
		self := strconv.Itoa(os.Getpid())
		for _, p := range strings.Fields(pids) {
			if p != self { // never the test process itself, whatever thread visited
				Output(5*time.Second, "kill", "-9", p)
			}
		}
	}
	Output(10*time.Second, "ip", "netns", "del", n.Name)
}

// Exec runs a command inside the namespace and fails the test on error.
func (n *Netns) Exec(t testing.TB, name string, args ...string) string {
	t.Helper()
	return Run(t, 30*time.Second, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Command returns an unstarted command that runs inside the namespace.
func (n *Netns) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Veth creates a veth pair: ifA in namespace a, ifB in namespace b, both up,
// with IPv6 off (so only the test's frames cross) and the offloads a packet
// socket cannot forward disabled on both ends: TSO/GSO/GRO (frames bigger than the
// MTU) and TX checksum offload (frames whose checksum the kernel has not filled
// in yet). Interfaces go away with their namespaces.
func Veth(t testing.TB, a *Netns, ifA string, b *Netns, ifB string) {
	t.Helper()
	RequireCommand(t, "ethtool", "ethtool")
	tmpA, tmpB := "v"+UniqueName("a"), "v"+UniqueName("b")
	Run(t, 10*time.Second, "ip", "link", "add", tmpA, "type", "veth", "peer", "name", tmpB)
	Run(t, 10*time.Second, "ip", "link", "set", tmpA, "netns", a.Name, "name", ifA)
	Run(t, 10*time.Second, "ip", "link", "set", tmpB, "netns", b.Name, "name", ifB)
	for _, x := range []struct {
		ns  *Netns
		ifc string
	}{{a, ifA}, {b, ifB}} {
		x.ns.Exec(t, "sysctl", "-qw", "net.ipv6.conf."+x.ifc+".disable_ipv6=1")
		x.ns.Exec(t, "ip", "link", "set", x.ifc, "up")
		x.ns.Exec(t, "ethtool", "-K", x.ifc, "tx", "off", "tso", "off", "gso", "off", "gro", "off")
	}
}

// Addr assigns an IPv4 address in CIDR form to an interface in the namespace.
func (n *Netns) Addr(t testing.TB, ifc, cidr string) {
	t.Helper()
	n.Exec(t, "ip", "addr", "add", cidr, "dev", ifc)
}
