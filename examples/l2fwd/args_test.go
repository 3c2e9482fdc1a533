package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseArgs(t *testing.T) {
	def := defaultOptions()
	with := func(f func(o *options)) options {
		o := defaultOptions()
		f(&o)
		return o
	}
	many := strings.Repeat("(0,1),", 17)
	tests := []struct {
		name    string
		args    []string
		want    options
		wantErr string // the message DPDK prints; "" = success
		stderr  bool   // DPDK prints it to stderr (getopt, --portmap)
	}{
		{name: "empty", args: nil, want: def},
		{name: "portmask hex", args: []string{"-p", "0x3"}, want: with(func(o *options) { o.portMask = 3 })},
		{name: "portmask no prefix", args: []string{"-p", "ff"}, want: with(func(o *options) { o.portMask = 0xff })},
		{name: "portmask glued", args: []string{"-p3"}, want: with(func(o *options) { o.portMask = 3 })},
		{name: "portmask upper", args: []string{"-p", "0XA"}, want: with(func(o *options) { o.portMask = 0xa })},
		{name: "portmask leading space", args: []string{"-p", " 1"}, want: with(func(o *options) { o.portMask = 1 })},
		{name: "portmask negative wraps", args: []string{"-p", "-1"}, want: with(func(o *options) { o.portMask = 0xffffffff })},
		{name: "portmask zero", args: []string{"-p", "0"}, wantErr: "invalid portmask"},
		{name: "portmask empty", args: []string{"-p", ""}, wantErr: "invalid portmask"},
		{name: "portmask garbage", args: []string{"-p", "0x3g"}, wantErr: "invalid portmask"},
		{name: "portmask bare 0x", args: []string{"-p", "0x"}, wantErr: "invalid portmask"},
		{name: "portmask over 32 bits", args: []string{"-p", "0x100000000"}, wantErr: "invalid portmask"},
		{name: "portmask missing value", args: []string{"-p"}, wantErr: "l2fwd: option requires an argument -- 'p'", stderr: true},
		{name: "promiscuous", args: []string{"-P"}, want: with(func(o *options) { o.promisc = true })},
		{name: "clustered", args: []string{"-Pp3"}, want: with(func(o *options) { o.promisc = true; o.portMask = 3 })},
		{name: "q min", args: []string{"-q", "1"}, want: def},
		{name: "q max", args: []string{"-q", "15"}, want: with(func(o *options) { o.rxPerLcore = 15 })},
		{name: "q zero", args: []string{"-q", "0"}, wantErr: "invalid queue number"},
		{name: "q 16", args: []string{"-q", "16"}, wantErr: "invalid queue number"},
		{name: "q negative", args: []string{"-q", "-2"}, wantErr: "invalid queue number"},
		{name: "q hex", args: []string{"-q", "0x2"}, wantErr: "invalid queue number"},
		{name: "T zero", args: []string{"-T", "0"}, want: with(func(o *options) { o.timerPeriod = 0 })},
		{name: "T max", args: []string{"-T", "86399"}, want: with(func(o *options) { o.timerPeriod = 86399 })},
		{name: "T 86400", args: []string{"-T", "86400"}, wantErr: "invalid timer period"},
		{name: "T negative", args: []string{"-T", "-1"}, wantErr: "invalid timer period"},
		{name: "T garbage", args: []string{"-T", "1s"}, wantErr: "invalid timer period"},
		{name: "T huge", args: []string{"-T", "99999999999999999999"}, wantErr: "invalid timer period"},
		{name: "no-mac-updating", args: []string{"--no-mac-updating"}, want: with(func(o *options) { o.macUpdating = false })},
		{name: "no-mac-updating abbreviated", args: []string{"--no-mac"}, want: with(func(o *options) { o.macUpdating = false })},
		{name: "no-mac-updating with value", args: []string{"--no-mac-updating=1"}, wantErr: "l2fwd: option '--no-mac-updating' doesn't allow an argument", stderr: true},
		{name: "mac-updating does not exist", args: []string{"--mac-updating"}, wantErr: "l2fwd: unrecognized option '--mac-updating'", stderr: true},
		{name: "unknown long", args: []string{"--bogus=1"}, wantErr: "l2fwd: unrecognized option '--bogus'", stderr: true},
		{name: "unknown short", args: []string{"-x"}, wantErr: "l2fwd: invalid option -- 'x'", stderr: true},
		{name: "unknown short in cluster", args: []string{"-Px"}, wantErr: "l2fwd: invalid option -- 'x'", stderr: true},
		{name: "portmap", args: []string{"--portmap=(0,1),(2,3)"},
			want: with(func(o *options) { o.portmap = true; o.pairs = [][2]uint16{{0, 1}, {2, 3}} })},
		{name: "portmap separate value", args: []string{"--portmap", "(1,0)"},
			want: with(func(o *options) { o.portmap = true; o.pairs = [][2]uint16{{1, 0}} })},
		{name: "portmap abbreviated", args: []string{"--port=(1,0)"},
			want: with(func(o *options) { o.portmap = true; o.pairs = [][2]uint16{{1, 0}} })},
		{name: "portmap C numbers and spaces", args: []string{"--portmap=( 0x1, 010)"},
			want: with(func(o *options) { o.portmap = true; o.pairs = [][2]uint16{{1, 8}} })},
		{name: "portmap self pair", args: []string{"--portmap=(2,2)"},
			want: with(func(o *options) { o.portmap = true; o.pairs = [][2]uint16{{2, 2}} })},
		{name: "portmap empty", args: []string{"--portmap="}, want: with(func(o *options) { o.portmap = true })},
		{name: "portmap last wins", args: []string{"--portmap=(0,1)", "--portmap=(1,0)"},
			want: with(func(o *options) { o.portmap = true; o.pairs = [][2]uint16{{1, 0}} })},
		{name: "portmap missing value", args: []string{"--portmap"}, wantErr: "l2fwd: option '--portmap' requires an argument", stderr: true},
		{name: "portmap unclosed", args: []string{"--portmap=(0,1"}, wantErr: "Invalid config", stderr: true},
		{name: "portmap one field", args: []string{"--portmap=(0)"}, wantErr: "Invalid config", stderr: true},
		{name: "portmap trailing comma", args: []string{"--portmap=(0,)"}, wantErr: "Invalid config", stderr: true},
		{name: "portmap empty field", args: []string{"--portmap=(0,,1)"}, wantErr: "Invalid config", stderr: true},
		{name: "portmap not a number", args: []string{"--portmap=(a,b)"}, wantErr: "Invalid config", stderr: true},
		{name: "portmap port 32", args: []string{"--portmap=(0,32)"}, wantErr: "Invalid config", stderr: true},
		{name: "portmap negative", args: []string{"--portmap=(-1,0)"}, wantErr: "Invalid config", stderr: true},
		{name: "portmap too many pairs", args: []string{"--portmap=" + many},
			wantErr: "exceeded max number of port pair params: 16\nInvalid config", stderr: true},
		{name: "operands are skipped", args: []string{"stray", "-p", "1"}, want: with(func(o *options) { o.portMask = 1 })},
		{name: "double dash ends options", args: []string{"-p", "1", "--", "-x"}, want: with(func(o *options) { o.portMask = 1 })},
		{name: "value may start with dash", args: []string{"-T", "-q"}, wantErr: "invalid timer period"},
		{name: "typical", args: []string{"-p", "0x3", "-q", "2", "--no-mac-updating", "-T", "1"},
			want: with(func(o *options) { o.portMask = 3; o.rxPerLcore = 2; o.macUpdating = false; o.timerPeriod = 1 })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(tc.args)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tc.wantErr, err.Error())
				var ae *argError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tc.stderr, ae.Stderr, "printed on stderr")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCheckPortPairs(t *testing.T) {
	present := func(n uint16) func(uint16) bool { return func(p uint16) bool { return p < n } }
	tests := []struct {
		name     string
		pairs    [][2]uint16
		mask     uint32
		nports   uint16
		wantMask uint32
		wantMsg  string
	}{
		{"ok", [][2]uint16{{0, 1}}, 0x3, 2, 0x3, ""},
		{"mask reduced to pairs", [][2]uint16{{0, 2}}, 0x7, 3, 0x5, ""},
		{"no pairs disables all", nil, 0x3, 2, 0, ""},
		{"self pair", [][2]uint16{{1, 1}}, 0x2, 2, 0x2, ""},
		{"not in mask", [][2]uint16{{0, 2}}, 0x3, 3, 0, "port 2 is not enabled in port mask"},
		{"not present", [][2]uint16{{0, 2}}, 0x7, 2, 0, "port 2 is not present on the board"},
		{"used twice", [][2]uint16{{0, 1}, {2, 1}}, 0x7, 3, 0, "port 1 is used in other port pairs"},
		{"used twice reports second", [][2]uint16{{0, 1}, {0, 2}}, 0x7, 3, 0, "port 2 is used in other port pairs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mask, msg, err := checkPortPairs(tc.pairs, tc.mask, present(tc.nports))
			if tc.wantMsg != "" {
				require.ErrorIs(t, err, errPairConfig)
				assert.Equal(t, tc.wantMsg, msg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantMask, mask)
		})
	}
}

func TestDstPorts(t *testing.T) {
	ports := []uint16{0, 1, 2, 3, 4}
	tests := []struct {
		name    string
		mask    uint32
		pairs   [][2]uint16
		portmap bool
		want    map[uint16]uint16
		odd     bool
	}{
		{name: "two", mask: 0x3, want: map[uint16]uint16{0: 1, 1: 0}},
		{name: "four", mask: 0xf, want: map[uint16]uint16{0: 1, 1: 0, 2: 3, 3: 2}},
		{name: "gaps", mask: 0x15, want: map[uint16]uint16{0: 2, 2: 0, 4: 4}, odd: true},
		{name: "odd three", mask: 0x7, want: map[uint16]uint16{0: 1, 1: 0, 2: 2}, odd: true},
		{name: "single", mask: 0x2, want: map[uint16]uint16{1: 1}, odd: true},
		{name: "portmap", mask: 0xf, pairs: [][2]uint16{{0, 3}, {1, 2}}, portmap: true,
			want: map[uint16]uint16{0: 3, 3: 0, 1: 2, 2: 1}},
		{name: "portmap self", mask: 0x4, pairs: [][2]uint16{{2, 2}}, portmap: true, want: map[uint16]uint16{2: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst, odd := dstPorts(ports, tc.mask, tc.pairs, tc.portmap)
			assert.Equal(t, tc.odd, odd)
			for p, d := range tc.want {
				assert.Equal(t, d, dst[p], "dst of port %d", p)
			}
		})
	}
}

func TestAssignLcores(t *testing.T) {
	lcores := func(ids ...int) func(int) bool {
		return func(id int) bool {
			for _, x := range ids {
				if x == id {
					return true
				}
			}
			return false
		}
	}
	ports := []uint16{0, 1, 2, 3}
	tests := []struct {
		name    string
		mask    uint32
		enabled func(int) bool
		perL    int
		want    string
		wantOK  bool
	}{
		{"one per lcore", 0x3, lcores(0, 1), 1, "0:0 1:1", true},
		{"two per lcore", 0x3, lcores(0, 1), 2, "0:0 0:1", true},
		{"starts at lowest enabled", 0x3, lcores(1), 2, "1:0 1:1", true},
		{"skips disabled lcores", 0xf, lcores(1, 3), 2, "1:0 1:1 3:2 3:3", true},
		{"skips disabled ports", 0xa, lcores(0, 1), 1, "0:1 1:3", true},
		{"not enough cores", 0x3, lcores(1), 1, "1:0", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as, ok := assignLcores(ports, tc.mask, tc.enabled, 128, tc.perL)
			var s []string
			for _, a := range as {
				s = append(s, fmt.Sprintf("%d:%d", a.lcore, a.port))
			}
			assert.Equal(t, tc.want, strings.Join(s, " "))
			assert.Equal(t, tc.wantOK, ok)
		})
	}
}
