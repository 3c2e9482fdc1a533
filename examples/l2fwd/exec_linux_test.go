//go:build linux

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dpk-go/dpk/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// execL2fwd runs the built binary (optionally through a wrapper such as
// setpriv) and returns its exit status and combined output.
func execL2fwd(t *testing.T, wrapper []string, args ...string) (int, string) {
	t.Helper()
	bin := l2fwdBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	argv := append(append(append([]string{}, wrapper...), bin), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee) && ee.Exited():
		return ee.ExitCode(), string(out)
	default:
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		return -1, ""
	}
}

// TestBadInput runs the binary with bad command lines: each must exit with
// status 1 and a message naming the problem, never a panic.
func TestBadInput(t *testing.T) {
	cpu := testCPU()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown devargs key", []string{"--no-huge", "-l", cpu, "--vdev", "net_af_packet0,iface=lo,bogus=1", "--", "-p", "1"},
			[]string{"EAL: ", "net_af_packet0", `unknown key "bogus"`}},
		{"missing iface", []string{"--no-huge", "-l", cpu, "--vdev", "net_af_packet0", "--", "-p", "1"},
			[]string{"EAL: ", "net_af_packet0", `missing required key "iface"`}},
		{"bad devargs value", []string{"--no-huge", "-l", cpu, "--vdev", "net_af_packet0,iface=lo,qpairs=99", "--", "-p", "1"},
			[]string{"net_af_packet0", `qpairs="99"`}},
		{"nonexistent interface", []string{"--no-huge", "-l", cpu, "--vdev", "net_af_packet0,iface=nosuch0", "--", "-p", "1"},
			[]string{"EAL: ", "nosuch0"}},
		{"unknown driver", []string{"--no-huge", "-l", cpu, "--vdev", "net_bogus0", "--", "-p", "1"},
			[]string{"EAL: ", "net_bogus0", "no driver"}},
		{"portmask names an absent port", []string{"--no-huge", "-l", cpu, "--vdev", "net_null0", "--vdev", "net_null1", "--", "-p", "0x4"},
			[]string{"Invalid portmask; possible (0x3)"}},
		{"unknown EAL option", []string{"--bogus-eal", "--", "-p", "1"},
			[]string{"EAL: unknown option --bogus-eal", "Invalid EAL arguments"}},
		{"unknown l2fwd option", []string{"--no-huge", "-l", cpu, "--vdev", "net_null0", "--", "-p", "1", "-z"},
			[]string{"l2fwd: invalid option -- 'z'", "Invalid L2FWD arguments"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := execL2fwd(t, nil, tc.args...)
			assert.Equal(t, 1, code, "exit status\n%s", out)
			for _, w := range tc.want {
				assert.Contains(t, out, w)
			}
			assert.NotContains(t, out, "panic")
			assert.NotContains(t, out, "goroutine ")
		})
	}
}

// TestNotRoot runs l2fwd with a net_af_packet port as an unprivileged user: it
// must say that root or CAP_NET_RAW is needed.
func TestNotRoot(t *testing.T) {
	var wrapper []string
	if os.Geteuid() == 0 {
		setpriv := testutil.RequireCommand(t, "setpriv", "util-linux")
		wrapper = []string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"}
	}
	code, out := execL2fwd(t, wrapper, "--no-huge", "-l", testCPU(), "--vdev", "net_af_packet0,iface=lo", "--", "-p", "1")
	require.Equal(t, 1, code, "exit status\n%s", out)
	assert.Contains(t, out, "net_af_packet0")
	assert.Contains(t, out, "root or CAP_NET_RAW")
	assert.NotContains(t, out, "panic")
}
