package main

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/dpk-go/dpk/ethdev"
)

// Limits and defaults of testpmd's own options, as DPDK's.
const (
	defaultBurst      = 32   // DEF_PKT_BURST
	maxBurst          = 512  // MAX_PKT_BURST
	defaultTxPktLen   = 64   // TXONLY_DEF_PACKET_LEN
	maxTxSegs         = 64   // RTE_MAX_SEGS_PER_PKT is 255; more than 64 segments of a frame is never useful
	minTxPktLen       = 42   // Ethernet + IPv4 + UDP headers: what txonly writes
	minTotalMbufs     = 1025 // DPDK: "total-num-mbufs should be > 1024"
	defaultMbufCache  = 250  // DEF_MBUF_CACHE
	maxQueues         = 1024 // RTE_MAX_QUEUES_PER_PORT
	maxDesc           = 65535
	maxStatsPeriodSec = 86400
)

// topology is --port-topology: how a stream's TX port follows from its RX port.
type topology int

const (
	topoPaired  topology = iota // 0<->1, 2<->3, ...; an odd last port pairs with itself
	topoChained                 // p -> p+1 (mod n)
	topoLoop                    // p -> p
)

func (t topology) String() string {
	return [...]string{"paired", "chained", "loop"}[t]
}

// fwdMode names a forwarding engine.
type fwdMode string

const (
	modeIO      fwdMode = "io"
	modeMac     fwdMode = "mac"
	modeMacSwap fwdMode = "macswap"
	modeRxOnly  fwdMode = "rxonly"
	modeTxOnly  fwdMode = "txonly"
)

// supportedModes lists the engines dpk's testpmd implements, in DPDK's order.
var supportedModes = []fwdMode{modeIO, modeMac, modeMacSwap, modeRxOnly, modeTxOnly}

// knownModes are DPDK's other engines: named here so the error says "not
// supported" rather than "invalid".
var knownModes = []string{"flowgen", "csum", "icmpecho", "noisy", "5tswap", "ieee1588", "shared-rxq"}

// options are testpmd's own command-line options (those after "--").
type options struct {
	help        bool
	mode        fwdMode
	modeSet     bool // --forward-mode given: testpmd then says "Set <mode> packet forwarding mode"
	autoStart   bool
	nbCores     int    // 0 = DPDK's default, 1
	nbPorts     int    // 0 = every port
	portmask    uint64 // 0 = every port
	rxq, txq    int
	rxd, txd    int // 0 = the PMD's default
	burst       int
	txpkts      []int
	txIPSrc     netip.Addr
	txIPDst     netip.Addr
	txUDPSrc    uint16
	txUDPDst    uint16
	ethPeer     [ethdev.MaxPorts]ethdev.MAC
	ethPeerSet  [ethdev.MaxPorts]bool
	statsPeriod int // seconds; 0 = no periodic statistics
	totalMbufs  int // 0 = computed default
	mbufSize    int
	topo        topology
	noFlushRx   bool
	disableRSS  bool
	multiFlow   bool
}

func defaultOptions() options {
	return options{
		mode:     modeIO,
		rxq:      1,
		txq:      1,
		burst:    defaultBurst,
		txpkts:   []int{defaultTxPktLen},
		txIPSrc:  netip.AddrFrom4([4]byte{198, 18, 0, 1}),
		txIPDst:  netip.AddrFrom4([4]byte{198, 18, 0, 2}),
		txUDPSrc: 9,
		txUDPDst: 9,
		mbufSize: 2176,
		topo:     topoPaired,
	}
}

// txPktLen is the length of a txonly frame: the sum of the --txpkts segments.
func (o *options) txPktLen() int {
	n := 0
	for _, s := range o.txpkts {
		n += s
	}
	return n
}

// peerMAC is the destination MAC for frames sent on port p: --eth-peer, else
// 02:00:00:00:00:<p> as DPDK's default peer addresses.
func (o *options) peerMAC(p uint16) ethdev.MAC {
	if int(p) < len(o.ethPeer) && o.ethPeerSet[p] {
		return o.ethPeer[p]
	}
	return ethdev.MAC{0x02, 0, 0, 0, 0, byte(p)}
}

// errInteractive is returned for -i: there is no command prompt yet.
var errInteractive = errors.New("interactive mode is not supported yet")

// optionError is a command-line error naming the option, like DPDK's testpmd's
// "unrecognized option '--foo'" and "<option> ... invalid" messages.
type optionError struct {
	option  string // as written, "--burst"
	value   string
	unknown bool
	err     error
}

func (e *optionError) Error() string {
	switch {
	case e.unknown:
		return fmt.Sprintf("unrecognized option '%s'", e.option)
	case e.value == "":
		return fmt.Sprintf("option '%s': %v", e.option, e.err)
	default:
		return fmt.Sprintf("option '%s' value %q: %v", e.option, e.value, e.err)
	}
}

func (e *optionError) Unwrap() error { return e.err }

type argKind int

const (
	flagArg argKind = iota
	valueArg
)

type optDef struct {
	long  string
	short byte
	kind  argKind
	set   func(o *options, v string) error
}

func flag(f func(o *options)) func(*options, string) error {
	return func(o *options, _ string) error { f(o); return nil }
}

// intIn parses a decimal integer in [lo, hi].
func intIn(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errors.New("not a number")
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("must be between %d and %d", lo, hi)
	}
	return n, nil
}

func ipv4(v string) (netip.Addr, error) {
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 address", v)
	}
	return a, nil
}

var optionTable = []optDef{
	{long: "help", short: 'h', set: flag(func(o *options) { o.help = true })},
	{long: "interactive", short: 'i', set: func(*options, string) error { return errInteractive }},
	{long: "auto-start", short: 'a', set: flag(func(o *options) { o.autoStart = true })},
	{long: "forward-mode", kind: valueArg, set: func(o *options, v string) error {
		for _, m := range supportedModes {
			if string(m) == v {
				o.mode, o.modeSet = m, true
				return nil
			}
		}
		for _, m := range knownModes {
			if m == v {
				return fmt.Errorf("%s packet forwarding mode is not supported yet (supported: %s)", v, modeList())
			}
		}
		return fmt.Errorf("invalid %s packet forwarding mode (supported: %s)", v, modeList())
	}},
	{long: "nb-cores", kind: valueArg, set: func(o *options, v string) (err error) {
		o.nbCores, err = intIn(v, 1, 127)
		return err
	}},
	{long: "nb-ports", kind: valueArg, set: func(o *options, v string) (err error) {
		o.nbPorts, err = intIn(v, 1, ethdev.MaxPorts)
		return err
	}},
	{long: "portmask", kind: valueArg, set: func(o *options, v string) error {
		m, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(v, "0x"), "0X"), 16, 64)
		if err != nil {
			return errors.New("not a hexadecimal mask")
		}
		if m == 0 {
			return errors.New("no port in the mask")
		}
		o.portmask = m
		return nil
	}},
	{long: "rxq", kind: valueArg, set: func(o *options, v string) (err error) {
		o.rxq, err = intIn(v, 1, maxQueues)
		return err
	}},
	{long: "txq", kind: valueArg, set: func(o *options, v string) (err error) {
		o.txq, err = intIn(v, 1, maxQueues)
		return err
	}},
	{long: "rxd", kind: valueArg, set: func(o *options, v string) (err error) {
		o.rxd, err = intIn(v, 0, maxDesc)
		return err
	}},
	{long: "txd", kind: valueArg, set: func(o *options, v string) (err error) {
		o.txd, err = intIn(v, 0, maxDesc)
		return err
	}},
	{long: "burst", kind: valueArg, set: func(o *options, v string) (err error) {
		o.burst, err = intIn(v, 1, maxBurst)
		return err
	}},
	{long: "txpkts", kind: valueArg, set: func(o *options, v string) error {
		parts := strings.Split(v, ",")
		if len(parts) > maxTxSegs {
			return fmt.Errorf("at most %d segments", maxTxSegs)
		}
		segs := make([]int, len(parts))
		total := 0
		for i, p := range parts {
			n, err := intIn(p, 1, 65535)
			if err != nil {
				return fmt.Errorf("segment %d: %w", i, err)
			}
			segs[i] = n
			total += n
		}
		if total < minTxPktLen {
			return fmt.Errorf("total packet length=%d < %d", total, minTxPktLen)
		}
		if total > 65535 {
			return fmt.Errorf("total packet length=%d > 65535", total)
		}
		o.txpkts = segs
		return nil
	}},
	{long: "tx-ip", kind: valueArg, set: func(o *options, v string) error {
		src, dst, ok := strings.Cut(v, ",")
		if !ok {
			return errors.New("want SRC,DST")
		}
		s, err := ipv4(src)
		if err != nil {
			return err
		}
		d, err := ipv4(dst)
		if err != nil {
			return err
		}
		o.txIPSrc, o.txIPDst = s, d
		return nil
	}},
	{long: "tx-udp", kind: valueArg, set: func(o *options, v string) error {
		src, dst, hasDst := strings.Cut(v, ",")
		s, err := intIn(src, 0, 65535)
		if err != nil {
			return fmt.Errorf("source port: %w", err)
		}
		d := s
		if hasDst {
			if d, err = intIn(dst, 0, 65535); err != nil {
				return fmt.Errorf("destination port: %w", err)
			}
		}
		o.txUDPSrc, o.txUDPDst = uint16(s), uint16(d)
		return nil
	}},
	{long: "eth-peer", kind: valueArg, set: func(o *options, v string) error {
		ps, ms, ok := strings.Cut(v, ",")
		if !ok {
			return errors.New("want PORT,XX:XX:XX:XX:XX:XX")
		}
		p, err := intIn(ps, 0, ethdev.MaxPorts-1)
		if err != nil {
			return fmt.Errorf("port: %w", err)
		}
		mac, err := ethdev.ParseMAC(ms)
		if err != nil {
			return fmt.Errorf("invalid ethernet address: %s", ms)
		}
		o.ethPeer[p], o.ethPeerSet[p] = mac, true
		return nil
	}},
	{long: "stats-period", kind: valueArg, set: func(o *options, v string) (err error) {
		o.statsPeriod, err = intIn(v, 0, maxStatsPeriodSec)
		return err
	}},
	{long: "total-num-mbufs", kind: valueArg, set: func(o *options, v string) (err error) {
		o.totalMbufs, err = intIn(v, minTotalMbufs, 1<<31-1)
		return err
	}},
	{long: "mbuf-size", kind: valueArg, set: func(o *options, v string) (err error) {
		// The buffer must hold the 128-byte headroom and at least a minimal frame.
		o.mbufSize, err = intIn(v, 128+64, 65535)
		return err
	}},
	{long: "port-topology", kind: valueArg, set: func(o *options, v string) error {
		switch v {
		case "paired":
			o.topo = topoPaired
		case "chained":
			o.topo = topoChained
		case "loop":
			o.topo = topoLoop
		default:
			return errors.New("want paired, chained or loop")
		}
		return nil
	}},
	{long: "no-flush-rx", set: flag(func(o *options) { o.noFlushRx = true })},
	{long: "disable-rss", set: flag(func(o *options) { o.disableRSS = true })},
	{long: "txonly-multi-flow", set: flag(func(o *options) { o.multiFlow = true })},
}

func modeList() string {
	s := make([]string, len(supportedModes))
	for i, m := range supportedModes {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// parseOptions parses testpmd's options the way getopt_long does for DPDK's
// testpmd: "--opt=value" or "--opt value", long names spelled in full, short
// flags -i, -a, -h (clustered or not). Errors are *optionError naming the option.
func parseOptions(args []string) (options, error) {
	o := defaultOptions()
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name, val, hasVal := strings.Cut(a[2:], "=")
			d := lookupOpt(name, 0)
			if d == nil {
				return o, &optionError{option: "--" + name, unknown: true}
			}
			opt := "--" + name
			switch d.kind {
			case flagArg:
				if hasVal {
					return o, &optionError{option: opt, value: val, err: errors.New("takes no value")}
				}
			case valueArg:
				if !hasVal {
					if i+1 >= len(args) {
						return o, &optionError{option: opt, err: errors.New("requires a value")}
					}
					i++
					val = args[i]
				}
			}
			if err := d.set(&o, val); err != nil {
				return o, &optionError{option: opt, value: val, err: err}
			}
		case len(a) > 1 && a[0] == '-' && a[1] != '-':
			for j := 1; j < len(a); j++ {
				d := lookupOpt("", a[j])
				if d == nil {
					return o, &optionError{option: "-" + a[j:j+1], unknown: true}
				}
				if err := d.set(&o, ""); err != nil {
					return o, &optionError{option: "-" + a[j:j+1], err: err}
				}
			}
		default:
			return o, &optionError{option: a, unknown: true, err: errors.New("not an option")}
		}
	}
	return o, nil
}

func lookupOpt(long string, short byte) *optDef {
	for i := range optionTable {
		d := &optionTable[i]
		if (long != "" && d.long == long) || (short != 0 && d.short == short) {
			return d
		}
	}
	return nil
}

const usageText = `Usage: testpmd [EAL options] -- [testpmd options]

  -i, --interactive: run in interactive mode (not supported yet).
  -a, --auto-start: start forwarding on init [always when non-interactive].
  -h, --help: display this message and quit.
  --stats-period=PERIOD: statistics will be shown every PERIOD seconds.
  --forward-mode=N: set forwarding mode (io, mac, macswap, rxonly, txonly).
  --nb-cores=N: set the number of forwarding cores (1 <= N <= number of worker lcores).
  --nb-ports=N: set the number of forwarding ports.
  --portmask=PORTMASK: hexadecimal bitmask of ports used by the packet forwarding test.
  --port-topology=<paired|chained|loop>: set port topology mode.
  --rxq=N: set the number of RX queues per port to N.
  --txq=N: set the number of TX queues per port to N.
  --rxd=N: set the number of descriptors in RX rings to N (0 = PMD default).
  --txd=N: set the number of descriptors in TX rings to N (0 = PMD default).
  --burst=N: set the number of packets per burst to N (1..512).
  --txpkts=X[,Y]*: set TX segment sizes (txonly).
  --tx-ip=src,dst: IP addresses in txonly packets.
  --tx-udp=src[,dst]: UDP ports in txonly packets.
  --txonly-multi-flow: generate multiple flows in txonly mode.
  --eth-peer=X,M:M:M:M:M:M: set the MAC address of port X's peer.
  --total-num-mbufs=N: set the number of mbufs to be allocated in the mbuf pool (> 1024).
  --mbuf-size=N: set the data size of mbufs to N bytes.
  --no-flush-rx: don't flush RX streams before forwarding.
  --disable-rss: disable RSS mode.

Environment: DPK_BUSY_POLL=1 makes forwarding lcores busy-poll (as DPDK does)
instead of idling adaptively when queues are empty.
`
