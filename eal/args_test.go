package eal

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func cpus(ids ...int) CPUSet {
	var s CPUSet
	for _, id := range ids {
		s.Set(id)
	}
	return s
}

// ident maps each lcore id to the CPU of the same number, as -l does.
func ident(ids ...int) []LcoreSpec {
	var l []LcoreSpec
	for _, id := range ids {
		l = append(l, LcoreSpec{ID: id, CPUs: cpus(id)})
	}
	return l
}

// cfgWith returns ParseArgs's result for no options, changed by f.
func cfgWith(f func(c *Config)) Config {
	c := Config{MainLcore: -1}
	f(&c)
	return c
}

func TestParseArgsEmpty(t *testing.T) {
	for _, args := range [][]string{nil, {}, {"--"}} {
		cfg, rest, err := ParseArgs(args)
		require.NoError(t, err)
		require.Nil(t, rest)
		require.Equal(t, Config{MainLcore: -1}, cfg)
		require.Empty(t, cfg.Args())
	}
}

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want Config
	}{
		{"-l", []string{"-l", "0-3,5"}, cfgWith(func(c *Config) { c.Lcores = ident(0, 1, 2, 3, 5) })},
		{"-l glued", []string{"-l0-3"}, cfgWith(func(c *Config) { c.Lcores = ident(0, 1, 2, 3) })},
		{"-l unsorted dup", []string{"-l", "5,1,1,2"}, cfgWith(func(c *Config) { c.Lcores = ident(1, 2, 5) })},
		{"-l max", []string{"-l", "127"}, cfgWith(func(c *Config) { c.Lcores = ident(127) })},
		{"-c", []string{"-c", "0xf"}, cfgWith(func(c *Config) { c.Lcores = ident(0, 1, 2, 3) })},
		{"-c no prefix", []string{"-c", "5"}, cfgWith(func(c *Config) { c.Lcores = ident(0, 2) })},
		{"-c glued", []string{"-c0x3"}, cfgWith(func(c *Config) { c.Lcores = ident(0, 1) })},
		{"--lcores", []string{"--lcores", "0-3"}, cfgWith(func(c *Config) { c.Lcores = ident(0, 1, 2, 3) })},
		{"--lcores=", []string{"--lcores=0@2,(1-3)@(4-5)"}, cfgWith(func(c *Config) {
			c.Lcores = []LcoreSpec{{0, cpus(2)}, {1, cpus(4, 5)}, {2, cpus(4, 5)}, {3, cpus(4, 5)}}
		})},
		{"--main-lcore", []string{"-l", "0-3", "--main-lcore", "2"}, cfgWith(func(c *Config) {
			c.Lcores = ident(0, 1, 2, 3)
			c.MainLcore = 2
		})},
		{"--main-lcore=", []string{"--main-lcore=1", "-l1-2"}, cfgWith(func(c *Config) {
			c.Lcores = ident(1, 2)
			c.MainLcore = 1
		})},
		{"--main-lcore without lcores", []string{"--main-lcore", "0"}, cfgWith(func(c *Config) { c.MainLcore = 0 })},
		{"-s", []string{"-s", "0x6"}, cfgWith(func(c *Config) { c.ServiceCores = cpus(1, 2) })},
		{"-S", []string{"-S1-2"}, cfgWith(func(c *Config) { c.ServiceCores = cpus(1, 2) })},
		{"-s -S last wins", []string{"-s", "1", "-S", "3"}, cfgWith(func(c *Config) { c.ServiceCores = cpus(3) })},
		{"-n", []string{"-n", "4"}, cfgWith(func(c *Config) { c.MemChannels = 4 })},
		{"-n glued", []string{"-n4"}, cfgWith(func(c *Config) { c.MemChannels = 4 })},
		{"-n last wins", []string{"-n", "4", "-n", "2"}, cfgWith(func(c *Config) { c.MemChannels = 2 })},
		{"-m", []string{"-m", "512"}, cfgWith(func(c *Config) { c.MemoryMB = 512 })},
		{"-m glued", []string{"-m1024"}, cfgWith(func(c *Config) { c.MemoryMB = 1024 })},
		{"--socket-mem", []string{"--socket-mem", "1024,0,512"}, cfgWith(func(c *Config) { c.SocketMem = []int{1024, 0, 512} })},
		{"--socket-mem=", []string{"--socket-mem=64"}, cfgWith(func(c *Config) { c.SocketMem = []int{64} })},
		{"--socket-limit", []string{"--socket-limit", "2048,2048"}, cfgWith(func(c *Config) { c.SocketLimit = []int{2048, 2048} })},
		{"--socket-limit=", []string{"--socket-limit=0,8"}, cfgWith(func(c *Config) { c.SocketLimit = []int{0, 8} })},
		{"--huge-dir", []string{"--huge-dir", "/dev/hugepages"}, cfgWith(func(c *Config) { c.HugeDir = "/dev/hugepages" })},
		{"--huge-dir=", []string{"--huge-dir=/mnt/huge"}, cfgWith(func(c *Config) { c.HugeDir = "/mnt/huge" })},
		{"--huge-unlink", []string{"--huge-unlink"}, cfgWith(func(c *Config) { c.HugeUnlink = "always" })},
		{"--huge-unlink=existing", []string{"--huge-unlink=existing"}, cfgWith(func(c *Config) { c.HugeUnlink = "existing" })},
		{"--huge-unlink=always", []string{"--huge-unlink=always"}, cfgWith(func(c *Config) { c.HugeUnlink = "always" })},
		{"--huge-unlink=never", []string{"--huge-unlink=never"}, cfgWith(func(c *Config) { c.HugeUnlink = "never" })},
		{"--huge-unlink does not take the next arg", []string{"--huge-unlink", "-n", "2"}, cfgWith(func(c *Config) {
			c.HugeUnlink = "always"
			c.MemChannels = 2
		})},
		{"--single-file-segments", []string{"--single-file-segments"}, cfgWith(func(c *Config) { c.SingleFileSegments = true })},
		{"--legacy-mem", []string{"--legacy-mem"}, cfgWith(func(c *Config) { c.LegacyMem = true })},
		{"--no-huge", []string{"--no-huge"}, cfgWith(func(c *Config) { c.NoHuge = true })},
		{"--no-huge -m", []string{"--no-huge", "-m", "64"}, cfgWith(func(c *Config) {
			c.NoHuge = true
			c.MemoryMB = 64
		})},
		{"--in-memory", []string{"--in-memory"}, cfgWith(func(c *Config) { c.InMemory = true })},
		{"--in-memory --no-huge --huge-unlink", []string{"--in-memory", "--no-huge", "--huge-unlink"}, cfgWith(func(c *Config) {
			c.InMemory, c.NoHuge, c.HugeUnlink = true, true, "always"
		})},
		{"--no-shconf", []string{"--no-shconf"}, cfgWith(func(c *Config) { c.NoShconf = true })},
		{"--no-pci", []string{"--no-pci"}, cfgWith(func(c *Config) { c.NoPCI = true })},
		{"--no-hpet", []string{"--no-hpet"}, cfgWith(func(c *Config) { c.NoHPET = true })},
		{"--no-telemetry", []string{"--no-telemetry"}, cfgWith(func(c *Config) { c.NoTelemetry = true })},
		{"--file-prefix", []string{"--file-prefix", "vm1"}, cfgWith(func(c *Config) { c.FilePrefix = "vm1" })},
		{"--file-prefix=", []string{"--file-prefix=vm2"}, cfgWith(func(c *Config) { c.FilePrefix = "vm2" })},
		{"--proc-type", []string{"--proc-type", "primary"}, cfgWith(func(c *Config) { c.ProcType = "primary" })},
		{"--proc-type=secondary", []string{"--proc-type=secondary"}, cfgWith(func(c *Config) { c.ProcType = "secondary" })},
		{"--proc-type case", []string{"--proc-type", "AUTO"}, cfgWith(func(c *Config) { c.ProcType = "auto" })},
		{"-a", []string{"-a", "0000:01:00.0", "-a0000:02:00.0", "--allow", "03:00.0", "--allow=04:00.0"}, cfgWith(func(c *Config) {
			c.Allow = []string{"0000:01:00.0", "0000:02:00.0", "03:00.0", "04:00.0"}
		})},
		{"-b", []string{"-b", "0000:01:00.0", "--block=02:00.0", "-b03:00.0", "--block", "x"}, cfgWith(func(c *Config) {
			c.Block = []string{"0000:01:00.0", "02:00.0", "03:00.0", "x"}
		})},
		{"--vdev", []string{"--vdev", "net_null0", "--vdev=net_ring0,nodeaction=r1:0:CREATE", "--vdev", "net_vhost0,iface=/tmp/s,queues=2"}, cfgWith(func(c *Config) {
			c.Vdevs = []string{"net_null0", "net_ring0,nodeaction=r1:0:CREATE", "net_vhost0,iface=/tmp/s,queues=2"}
		})},
		{"--iova-mode", []string{"--iova-mode", "va"}, cfgWith(func(c *Config) { c.IOVAMode = "va" })},
		{"--iova-mode=pa", []string{"--iova-mode=pa"}, cfgWith(func(c *Config) { c.IOVAMode = "pa" })},
		{"--mbuf-pool-ops-name", []string{"--mbuf-pool-ops-name", "ring_mp_mc"}, cfgWith(func(c *Config) { c.MbufPoolOpsName = "ring_mp_mc" })},
		{"--mbuf-pool-ops-name=", []string{"--mbuf-pool-ops-name=stack"}, cfgWith(func(c *Config) { c.MbufPoolOpsName = "stack" })},
		{"--log-level", []string{"--log-level", "8", "--log-level=lib.eal:debug", "--log-level", "pmd.net.virtio.*,info", "--log-level", "WARNING", "--log-level=help"}, cfgWith(func(c *Config) {
			c.LogLevel = []string{"8", "lib.eal:debug", "pmd.net.virtio.*,info", "WARNING", "help"}
		})},
		{"-d", []string{"-d", "/usr/lib/dpdk/pmds", "-dlibfoo.so"}, cfgWith(func(c *Config) { c.Plugins = []string{"/usr/lib/dpdk/pmds", "libfoo.so"} })},
		{"-v", []string{"-v"}, cfgWith(func(c *Config) { c.Version = true })},
		{"-h", []string{"-h"}, cfgWith(func(c *Config) { c.Help = true })},
		{"--help", []string{"--help"}, cfgWith(func(c *Config) { c.Help = true })},
		{"cluster -vh", []string{"-vh"}, cfgWith(func(c *Config) { c.Version, c.Help = true, true })},
		{"cluster -vl0", []string{"-vl0"}, cfgWith(func(c *Config) {
			c.Version = true
			c.Lcores = ident(0)
		})},
		{"value starting with dash", []string{"--vdev", "-x"}, cfgWith(func(c *Config) { c.Vdevs = []string{"-x"} })},
		{"value that is --", []string{"--file-prefix", "--"}, cfgWith(func(c *Config) { c.FilePrefix = "--" })},
		{"value with =", []string{"--vdev=net_pcap0,iface=eth0"}, cfgWith(func(c *Config) { c.Vdevs = []string{"net_pcap0,iface=eth0"} })},
		{"testpmd-like", []string{"-l", "0-1", "-n", "4", "--no-pci", "--in-memory", "--vdev", "net_null0", "--vdev", "net_null1", "--log-level", "lib.eal:info"}, cfgWith(func(c *Config) {
			c.Lcores = ident(0, 1)
			c.MemChannels = 4
			c.NoPCI, c.InMemory = true, true
			c.Vdevs = []string{"net_null0", "net_null1"}
			c.LogLevel = []string{"lib.eal:info"}
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, rest, err := ParseArgs(tc.args)
			require.NoError(t, err)
			require.Nil(t, rest)
			require.Equal(t, tc.want, cfg)
			// Render and parse again: the same Config.
			again, rest, err := ParseArgs(cfg.Args())
			require.NoError(t, err, "args %q", cfg.Args())
			require.Nil(t, rest)
			require.Equal(t, cfg, again, "args %q", cfg.Args())
		})
	}
}

func TestParseArgsAppArgs(t *testing.T) {
	in := []string{"-l", "0", "--", "-p", "0x3", "--", "x"}
	cfg, rest, err := ParseArgs(in)
	require.NoError(t, err)
	require.Equal(t, ident(0), cfg.Lcores)
	require.Equal(t, []string{"-p", "0x3", "--", "x"}, rest)
	rest[0] = "changed"
	require.Equal(t, "-p", in[3], "rest is a copy")

	_, rest, err = ParseArgs([]string{"--", "--no-huge"})
	require.NoError(t, err)
	require.Equal(t, []string{"--no-huge"}, rest)

	// "--" as a value is not the end of the options.
	cfg, rest, err = ParseArgs([]string{"--vdev", "--", "--", "app"})
	require.NoError(t, err)
	require.Equal(t, []string{"--"}, cfg.Vdevs)
	require.Equal(t, []string{"app"}, rest)
}

func TestParseLcores(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []LcoreSpec
	}{
		{"0", ident(0)},
		{"0-3", ident(0, 1, 2, 3)},
		{"1,3", ident(1, 3)},
		{"3-1", ident(1, 2, 3)}, // high-low range, as DPDK
		{"0@2", []LcoreSpec{{0, cpus(2)}}},
		{"1@(0,2)", []LcoreSpec{{1, cpus(0, 2)}}},
		{"(0,1)@5", []LcoreSpec{{0, cpus(5)}, {1, cpus(5)}}},
		{"0@2,(1-3)@(4-5)", []LcoreSpec{{0, cpus(2)}, {1, cpus(4, 5)}, {2, cpus(4, 5)}, {3, cpus(4, 5)}}},
		{"0-1@7", []LcoreSpec{{0, cpus(7)}, {1, cpus(7)}}},
		{"0@4-6", []LcoreSpec{{0, cpus(4, 5, 6)}}},
		{"(5-7)", []LcoreSpec{{5, cpus(5, 6, 7)}, {6, cpus(5, 6, 7)}, {7, cpus(5, 6, 7)}}},
		{" 0 @ ( 1 , 2 ) , 3 ", []LcoreSpec{{0, cpus(1, 2)}, {3, cpus(3)}}},
		{"127@1023", []LcoreSpec{{127, cpus(1023)}}},
		{"0@1,0@2", []LcoreSpec{{0, cpus(2)}}}, // last mapping wins, as DPDK
		{"(3-1)@(9-8)", []LcoreSpec{{1, cpus(8, 9)}, {2, cpus(8, 9)}, {3, cpus(8, 9)}}},
		// The DPDK documentation's example.
		{"1,2@(5-7),(3-5)@(0,2),(0,6),7-8", []LcoreSpec{
			{0, cpus(0, 6)}, {1, cpus(1)}, {2, cpus(5, 6, 7)}, {3, cpus(0, 2)}, {4, cpus(0, 2)},
			{5, cpus(0, 2)}, {6, cpus(0, 6)}, {7, cpus(7)}, {8, cpus(8)},
		}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			cfg, _, err := ParseArgs([]string{"--lcores", tc.in})
			require.NoError(t, err)
			require.Equal(t, tc.want, cfg.Lcores)
			again, _, err := ParseArgs(cfg.Args())
			require.NoError(t, err, "args %q", cfg.Args())
			require.Equal(t, cfg, again, "args %q", cfg.Args())
		})
	}
}

func TestConfigArgs(t *testing.T) {
	cfg, _, err := ParseArgs([]string{"--lcores", "0,1@(2-3),2@(2-3),4@5", "--main-lcore", "0", "-s", "0x40"})
	require.NoError(t, err)
	require.Equal(t, []string{"--lcores", "0,(1-2)@(2-3),4@5", "--main-lcore", "0", "-S", "6"}, cfg.Args())

	cfg, _, err = ParseArgs([]string{"--lcores", "0-2", "--huge-unlink", "--no-huge", "--in-memory", "-v"})
	require.NoError(t, err)
	require.Equal(t, []string{"-l", "0-2", "--huge-unlink=always", "--no-huge", "--in-memory", "-v"}, cfg.Args())

	// Every field.
	full := Config{
		Lcores:             []LcoreSpec{{0, cpus(0)}, {1, cpus(2, 3)}},
		MainLcore:          1,
		ServiceCores:       cpus(5),
		MemChannels:        4,
		MemoryMB:           0,
		SocketMem:          []int{512, 0},
		SocketLimit:        []int{1024, 1024},
		HugeDir:            "/dev/hugepages",
		InMemory:           true,
		NoPCI:              true,
		NoTelemetry:        true,
		NoShconf:           true,
		NoHPET:             true,
		SingleFileSegments: true,
		HugeUnlink:         "existing",
		FilePrefix:         "p",
		ProcType:           "auto",
		Vdevs:              []string{"net_null0"},
		Allow:              []string{"01:00.0"},
		IOVAMode:           "pa",
		MbufPoolOpsName:    "ring_mp_mc",
		LogLevel:           []string{"debug"},
		Plugins:            []string{"x.so"},
		Version:            true,
		Help:               true,
	}
	again, rest, err := ParseArgs(full.Args())
	require.NoError(t, err, "args %q", full.Args())
	require.Nil(t, rest)
	require.Equal(t, full, again)
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		unknown bool   // ErrUnknownOption rather than ErrBadOption
		option  string // ArgError.Option
		msg     string // in the message
	}{
		// Unknown options and stray arguments.
		{[]string{"--foo"}, true, "--foo", "unknown option --foo"},
		{[]string{"--foo=1"}, true, "--foo", "unknown option --foo"},
		{[]string{"-x"}, true, "-x", "unknown option -x"},
		{[]string{"-vx"}, true, "-x", "unknown option -x"},
		{[]string{"--no-hug"}, true, "--no-hug", "unknown option --no-hug"}, // no abbreviations
		{[]string{"--master-lcore", "0"}, true, "--master-lcore", "unknown option"},
		{[]string{"-r", "2"}, true, "-r", "unknown option -r"},
		{[]string{"app"}, true, "", `unexpected argument "app"`},
		{[]string{"-l", "0", "app", "--"}, true, "", `unexpected argument "app"`},
		{[]string{"-"}, true, "", `unexpected argument "-"`},

		// Missing and unwanted values.
		{[]string{"-l"}, false, "-l", "option -l: requires a value"},
		{[]string{"--lcores"}, false, "--lcores", "option --lcores: requires a value"},
		{[]string{"--vdev"}, false, "--vdev", "requires a value"},
		{[]string{"-vn"}, false, "-n", "requires a value"},
		{[]string{"--no-huge=1"}, false, "--no-huge", `option --no-huge "1": takes no value`},
		{[]string{"--help=x"}, false, "--help", "takes no value"},

		// Core options.
		{[]string{"-l", "0-x"}, false, "-l", `option -l "0-x": bad CPU list: element "0-x"`},
		{[]string{"-l", ""}, false, "-l", "no lcores"},
		{[]string{"-l", "3-1"}, false, "-l", "high-low"},
		{[]string{"-l", "128"}, false, "-l", "lcore 128 >= MaxLcore"},
		{[]string{"-l", "0-1024"}, false, "-l", "out of range"},
		{[]string{"-c", "0xg"}, false, "-c", `option -c "0xg": bad core mask`},
		{[]string{"-c", "0"}, false, "-c", "no lcores"},
		{[]string{"-c", "0x" + "1" + strings.Repeat("0", 32)}, false, "-c", "lcore 128 >= MaxLcore"},
		{[]string{"-l", "0", "-c", "1"}, false, "-c", "cannot be used with -l"},
		{[]string{"-c", "1", "--lcores", "0"}, false, "--lcores", "cannot be used with -c"},
		{[]string{"--lcores=0", "-l0"}, false, "-l", "cannot be used with --lcores"},
		{[]string{"-l", "0", "-l", "1"}, false, "-l", "given more than once"},
		{[]string{"--lcores", "0@abc"}, false, "--lcores", `option --lcores "0@abc": element "0@abc": bad CPU set`},
		{[]string{"--lcores", "abc"}, false, "--lcores", "bad lcore set"},
		{[]string{"--lcores", ""}, false, "--lcores", "empty element"},
		{[]string{"--lcores", "0,"}, false, "--lcores", "empty element"},
		{[]string{"--lcores", "128"}, false, "--lcores", "lcore 128 >= MaxLcore"},
		{[]string{"--lcores", "(100-130)@0"}, false, "--lcores", "lcore 128 >= MaxLcore"},
		{[]string{"--lcores", "0@1024"}, false, "--lcores", "out of range"},
		{[]string{"--lcores", "(0,1"}, false, "--lcores", "missing ')'"},
		{[]string{"--lcores", "0,1)"}, false, "--lcores", "unbalanced ')'"},
		{[]string{"--lcores", "((0))"}, false, "--lcores", "nested"},
		{[]string{"--lcores", "()@1"}, false, "--lcores", "empty group"},
		{[]string{"--lcores", "(0)x@1"}, false, "--lcores", "text after ')'"},
		{[]string{"--lcores", "0(1)"}, false, "--lcores", "misplaced parenthesis"},
		{[]string{"--lcores", "0@"}, false, "--lcores", "bad CPU set"},
		{[]string{"--lcores", "@1"}, false, "--lcores", "bad lcore set"},
		{[]string{"--lcores", "0@1@2"}, false, "--lcores", "bad CPU set"},
		{[]string{"--main-lcore", "x"}, false, "--main-lcore", `option --main-lcore "x": bad lcore id`},
		{[]string{"--main-lcore", "-1"}, false, "--main-lcore", "bad lcore id"},
		{[]string{"--main-lcore", "128"}, false, "--main-lcore", "out of range"},
		{[]string{"--main-lcore", "4", "-l", "0-3"}, false, "--main-lcore", "lcore 4 is not in the lcore list (-l)"},
		{[]string{"-l", "0-3", "--main-lcore=7"}, false, "--main-lcore", "not in the lcore list"},
		{[]string{"-S", "1", "--main-lcore", "1"}, false, "--main-lcore", "also a service core"},
		{[]string{"-s", "0"}, false, "-s", "no service cores"},
		{[]string{"-s", "z"}, false, "-s", "bad core mask"},
		{[]string{"-S", "200"}, false, "-S", "lcore 200 >= MaxLcore"},
		{[]string{"-S", "x"}, false, "-S", "bad CPU list"},

		// Memory.
		{[]string{"-n", "0"}, false, "-n", `option -n "0": want a whole number`},
		{[]string{"-n", "x"}, false, "-n", "want a whole number"},
		{[]string{"-m", "-5"}, false, "-m", "want a whole number"},
		{[]string{"-m", "99999999999999999999"}, false, "-m", "want a whole number"},
		{[]string{"--socket-mem", "1024,x"}, false, "--socket-mem", `node 1: "x" is not an amount`},
		{[]string{"--socket-mem", "1024,"}, false, "--socket-mem", `node 1: ""`},
		{[]string{"--socket-mem", ""}, false, "--socket-mem", "node 0"},
		{[]string{"--socket-mem", "1,1,1,1,1,1,1,1,1"}, false, "--socket-mem", "at most 8 NUMA nodes"},
		{[]string{"--socket-mem", "-1"}, false, "--socket-mem", "not an amount"},
		{[]string{"--socket-mem", "8796093022207,1"}, false, "--socket-mem", "total too large"},
		{[]string{"--socket-limit", "a"}, false, "--socket-limit", "not an amount"},
		{[]string{"-m", "512", "--socket-mem", "512"}, false, "-m", "cannot be used with --socket-mem"},
		{[]string{"--socket-mem", "512", "-m512"}, false, "-m", "cannot be used with --socket-mem"},
		{[]string{"--no-huge", "--socket-mem", "512"}, false, "--socket-mem", "cannot be used with --no-huge"},
		{[]string{"--huge-dir", ""}, false, "--huge-dir", "empty value"},
		{[]string{"--huge-dir="}, false, "--huge-dir", "empty value"},
		{[]string{"--huge-unlink="}, false, "--huge-unlink", "want existing, always or never"},
		{[]string{"--huge-unlink=sometimes"}, false, "--huge-unlink", `option --huge-unlink "sometimes": want existing`},
		{[]string{"--no-huge", "--huge-unlink"}, false, "--huge-unlink", "cannot be used with --no-huge"},
		{[]string{"--single-file-segments", "--huge-unlink=always"}, false, "--huge-unlink", "cannot be used with --single-file-segments"},
		{[]string{"--in-memory", "--huge-unlink=never"}, false, "--huge-unlink", "cannot be used with --in-memory"},
		{[]string{"--legacy-mem", "--in-memory"}, false, "--legacy-mem", "cannot be used with --in-memory"},

		// Files and process.
		{[]string{"--file-prefix", ""}, false, "--file-prefix", "empty value"},
		{[]string{"--file-prefix", "a%d"}, false, "--file-prefix", "must not contain"},
		{[]string{"--file-prefix", "a/b"}, false, "--file-prefix", "must not contain"},
		{[]string{"--proc-type", "tertiary"}, false, "--proc-type", `option --proc-type "tertiary": want primary, secondary or auto`},

		// Devices.
		{[]string{"-a", "01:00.0", "-b", "02:00.0"}, false, "-b", "cannot be used with -a"},
		{[]string{"--block=02:00.0", "--allow", "01:00.0"}, false, "--allow", "cannot be used with --block"},
		{[]string{"-a", ""}, false, "-a", "empty value"},
		{[]string{"-b", ""}, false, "-b", "empty value"},
		{[]string{"--vdev", ""}, false, "--vdev", "empty device name"},
		{[]string{"--vdev=,iface=x"}, false, "--vdev", "empty device name"},
		{[]string{"--iova-mode", "PA"}, false, "--iova-mode", "want va or pa"},
		{[]string{"--iova-mode", "dc"}, false, "--iova-mode", "want va or pa"},
		{[]string{"--mbuf-pool-ops-name="}, false, "--mbuf-pool-ops-name", "empty value"},
		{[]string{"-d", ""}, false, "-d", "empty value"},

		// Logging.
		{[]string{"--log-level", "9"}, false, "--log-level", "level 9 out of range"},
		{[]string{"--log-level", "0"}, false, "--log-level", "out of range"},
		{[]string{"--log-level", "verbose"}, false, "--log-level", `level "verbose"`},
		{[]string{"--log-level", "lib.eal:"}, false, "--log-level", `level ""`},
		{[]string{"--log-level", ":debug"}, false, "--log-level", "empty log type pattern"},
		{[]string{"--log-level", ",debug"}, false, "--log-level", "empty log type pattern"},
		{[]string{"--log-level", ""}, false, "--log-level", "want 1-8"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			cfg, rest, err := ParseArgs(tc.args)
			require.Error(t, err)
			require.Equal(t, Config{}, cfg)
			require.Nil(t, rest)
			var ae *ArgError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tc.option, ae.Option)
			require.Contains(t, err.Error(), tc.msg)
			require.True(t, strings.HasPrefix(err.Error(), "eal: "), err.Error())
			if tc.option != "" {
				require.Contains(t, err.Error(), tc.option, "the message names the option")
			}
			if tc.unknown {
				require.ErrorIs(t, err, ErrUnknownOption)
				require.NotErrorIs(t, err, ErrBadOption)
			} else {
				require.ErrorIs(t, err, ErrBadOption)
				require.NotErrorIs(t, err, ErrUnknownOption)
			}
		})
	}
}

func TestArgErrorMessage(t *testing.T) {
	_, _, err := ParseArgs([]string{"--lcores", "0@abc"})
	require.EqualError(t, err, `eal: option --lcores "0@abc": element "0@abc": bad CPU set: "abc" is not a number`)

	_, _, err = ParseArgs([]string{"-l", "0-3,x"})
	require.EqualError(t, err, `eal: option -l "0-3,x": bad CPU list: element "x": "x" is not a number`)

	_, _, err = ParseArgs([]string{"--bogus"})
	require.EqualError(t, err, "eal: unknown option --bogus")

	_, _, err = ParseArgs([]string{"prog"})
	require.EqualError(t, err, `eal: unexpected argument "prog" (application arguments go after "--")`)

	// The detail stays reachable.
	e := &ArgError{Option: "-n", Value: "1", Err: errors.ErrUnsupported}
	require.ErrorIs(t, e, errors.ErrUnsupported)
	require.ErrorIs(t, e, ErrBadOption)
}

func TestUsage(t *testing.T) {
	u := Usage()
	for _, o := range []string{
		"-l ", "-c ", "--lcores", "--main-lcore", "-s ", "-S ", "-n ", "-m ", "--socket-mem", "--socket-limit",
		"--huge-dir", "--huge-unlink", "--single-file-segments", "--legacy-mem", "--no-huge", "--in-memory",
		"--file-prefix", "--proc-type", "--no-shconf", "--no-pci", "--no-hpet", "--no-telemetry", "--allow",
		"--block", "--vdev", "--iova-mode", "--mbuf-pool-ops-name", "--log-level", "-d ", "-v ", "--help",
	} {
		require.Contains(t, u, o)
	}
	// Every option in the table is documented.
	for _, d := range options {
		if d.long != "" {
			require.Contains(t, u, "--"+d.long)
		}
		if d.short != 0 {
			require.Regexp(t, `(?m)^  -`+string(d.short)+`[ ,]`, u)
		}
	}
}
