package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dpk-go/dpk/ethdev"
)

// Application limits and defaults, as DPDK l2fwd's.
const (
	maxRxQueuePerLcore = 16    // MAX_RX_QUEUE_PER_LCORE: -q takes 1..15
	maxTimerPeriod     = 86400 // -T must be below this (seconds)
	defaultTimerPeriod = 10    // seconds
	maxPortPairs       = ethdev.MaxPorts / 2
	maxPortmapField    = 256 // longest "(a,b)" content DPDK copies
)

// options are l2fwd's own command-line options (after "--").
type options struct {
	portMask    uint32      // -p: ports to use
	promisc     bool        // -P
	rxPerLcore  int         // -q: RX ports per lcore, 1..15
	timerPeriod int         // -T: statistics period in seconds, 0 = off
	macUpdating bool        // on unless --no-mac-updating
	portmap     bool        // --portmap given (even with no pair in it)
	pairs       [][2]uint16 // --portmap pairs
}

func defaultOptions() options {
	return options{rxPerLcore: 1, timerPeriod: defaultTimerPeriod, macUpdating: true}
}

// argError is a command-line error. Msg is what DPDK's l2fwd prints for it; Stderr
// says whether DPDK prints it to stderr (getopt and --portmap errors) or stdout.
type argError struct {
	Msg    string
	Stderr bool
}

func (e *argError) Error() string { return e.Msg }

const prgName = "l2fwd"

// usage is l2fwd's help text (DPDK's, option for option).
func usage() string {
	return prgName + ` [EAL options] -- -p PORTMASK [-P] [-q NQ]
  -p PORTMASK: hexadecimal bitmask of ports to configure
  -P : Enable promiscuous mode
  -q NQ: number of queue (=ports) per lcore (default is 1)
  -T PERIOD: statistics will be refreshed each PERIOD seconds (0 to disable, 10 default, 86400 maximum)
  --no-mac-updating: Disable MAC addresses updating (enabled by default)
      When enabled:
       - The source MAC address is replaced by the TX port MAC address
       - The destination MAC address is replaced by 02:00:00:00:00:TX_PORT_ID
  --portmap: Configure forwarding port pair mapping
	      Default: alternate port pairs

`
}

// longOpts are l2fwd's long options and whether each takes a value.
var longOpts = []struct {
	name   string
	hasArg bool
}{
	{"no-mac-updating", false},
	{"portmap", true},
}

// parseArgs parses l2fwd's options as DPDK's l2fwd does with getopt_long
// ("p:Pq:T:" plus --no-mac-updating and --portmap=CONFIG): short options may be
// clustered and take their value glued or as the next argument, long options may
// be abbreviated to a unique prefix and take "=value" or the next argument,
// arguments that are not options are skipped (GNU getopt permutes them to the
// end, and l2fwd ignores them), and "--" ends the options.
func parseArgs(args []string) (options, error) {
	o := defaultOptions()
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return o, nil
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			var found = -1
			for j, lo := range longOpts {
				if lo.name == name {
					found = j
					break
				}
				if strings.HasPrefix(lo.name, name) {
					if found >= 0 {
						return o, &argError{Msg: fmt.Sprintf("%s: option '%s' is ambiguous", prgName, a), Stderr: true}
					}
					found = j
				}
			}
			if found < 0 {
				return o, &argError{Msg: fmt.Sprintf("%s: unrecognized option '--%s'", prgName, name), Stderr: true}
			}
			lo := longOpts[found]
			if !lo.hasArg {
				if hasVal {
					return o, &argError{Msg: fmt.Sprintf("%s: option '--%s' doesn't allow an argument", prgName, lo.name), Stderr: true}
				}
			} else if !hasVal {
				if i+1 >= len(args) {
					return o, &argError{Msg: fmt.Sprintf("%s: option '--%s' requires an argument", prgName, lo.name), Stderr: true}
				}
				i++
				val = args[i]
			}
			switch lo.name {
			case "no-mac-updating":
				o.macUpdating = false
			case "portmap":
				pairs, err := parsePortmap(val)
				if err != nil {
					return o, err
				}
				o.portmap, o.pairs = true, pairs
			}
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				c := a[j]
				switch c {
				case 'P':
					o.promisc = true
					continue
				case 'p', 'q', 'T':
				default:
					return o, &argError{Msg: fmt.Sprintf("%s: invalid option -- '%c'", prgName, c), Stderr: true}
				}
				var val string
				switch {
				case j+1 < len(a):
					val = a[j+1:]
				case i+1 < len(args):
					i++
					val = args[i]
				default:
					return o, &argError{Msg: fmt.Sprintf("%s: option requires an argument -- '%c'", prgName, c), Stderr: true}
				}
				j = len(a)
				switch c {
				case 'p':
					o.portMask = parsePortmask(val)
					if o.portMask == 0 {
						return o, &argError{Msg: "invalid portmask"}
					}
				case 'q':
					o.rxPerLcore = parseNQueue(val)
					if o.rxPerLcore == 0 {
						return o, &argError{Msg: "invalid queue number"}
					}
				case 'T':
					o.timerPeriod = parseTimerPeriod(val)
					if o.timerPeriod < 0 {
						return o, &argError{Msg: "invalid timer period"}
					}
				}
			}
		default:
			// Not an option: skipped, as getopt's permutation leaves it for the
			// program, and l2fwd takes no operands.
		}
	}
	return o, nil
}

// strtoul converts the leading part of s as C's strtoul does: leading white
// space, an optional sign, an optional 0x prefix for base 16 (and base 0), digits.
// It returns the value (saturated at the maximum on overflow, with overflow set;
// negated modulo 2^64 after a '-'), the unparsed rest (all of s when no digit
// was read) and whether any digit was read.
func strtoul(s string, base int) (v uint64, rest string, ok, overflow bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	hexPrefix := i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X')
	switch {
	case base == 0 && hexPrefix:
		base = 16
	case base == 0 && i < len(s) && s[i] == '0':
		base = 8
	case base == 0:
		base = 10
	}
	if base == 16 && hexPrefix && i+2 < len(s) && digitVal(s[i+2]) < 16 {
		i += 2
	}
	start := i
	for ; i < len(s); i++ {
		d := digitVal(s[i])
		if d >= base {
			break
		}
		if v > (^uint64(0)-uint64(d))/uint64(base) {
			overflow = true
		}
		v = v*uint64(base) + uint64(d)
	}
	if i == start {
		return 0, s, false, false
	}
	if overflow {
		return ^uint64(0), s[i:], true, true
	}
	if neg {
		v = -v
	}
	return v, s[i:], true, false
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// parsePortmask parses -p's hexadecimal mask; 0 means invalid (as in DPDK, where a
// zero mask is refused too). The value is truncated to 32 bits as DPDK's is.
func parsePortmask(s string) uint32 {
	v, rest, ok, _ := strtoul(s, 16)
	if s == "" || !ok || rest != "" {
		return 0
	}
	return uint32(v)
}

// parseNQueue parses -q: 1..maxRxQueuePerLcore-1, else 0 (invalid).
func parseNQueue(s string) int {
	v, rest, ok, _ := strtoul(s, 10)
	if s == "" || !ok || rest != "" || v == 0 || v >= maxRxQueuePerLcore {
		return 0
	}
	return int(v)
}

// parseTimerPeriod parses -T: 0..maxTimerPeriod-1 seconds, else -1 (invalid).
func parseTimerPeriod(s string) int {
	v, rest, ok, overflow := strtoul(s, 10)
	if s == "" || !ok || rest != "" {
		return -1
	}
	// strtol into an int: saturate to the long range, then keep the low 32 bits.
	n := int64(v)
	if overflow {
		n = 1<<63 - 1
		if strings.HasPrefix(strings.TrimLeft(s, " \t\n\v\f\r"), "-") {
			n = -1 << 63
		}
	}
	p := int(int32(n))
	if p >= maxTimerPeriod || p < 0 {
		return -1
	}
	return p
}

var errPortmap = &argError{Msg: "Invalid config", Stderr: true}

// parsePortmap parses --portmap's "(a,b)[,(c,d)...]": every "(...)" group holds two
// port numbers (C syntax: decimal, 0x hex or 0 octal) below ethdev.MaxPorts;
// text outside the parentheses is ignored, as DPDK does. At most MaxPorts/2 pairs.
func parsePortmap(s string) ([][2]uint16, error) {
	var pairs [][2]uint16
	for {
		open := strings.IndexByte(s, '(')
		if open < 0 {
			return pairs, nil
		}
		s = s[open+1:]
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return nil, errPortmap
		}
		content := s[:end]
		s = s[end:]
		if len(content) >= maxPortmapField {
			return nil, errPortmap
		}
		fields, ok := splitPair(content)
		if !ok {
			return nil, errPortmap
		}
		var pair [2]uint16
		for i, f := range fields {
			v, _, ok, overflow := strtoul(f, 0)
			if !ok || overflow || v >= ethdev.MaxPorts {
				return nil, errPortmap
			}
			pair[i] = uint16(v)
		}
		if len(pairs) >= maxPortPairs {
			return nil, &argError{Msg: fmt.Sprintf("exceeded max number of port pair params: %d\nInvalid config", len(pairs)), Stderr: true}
		}
		pairs = append(pairs, pair)
	}
}

// splitPair splits "a,b" into its two fields as rte_strsplit(…, 2, ',') does:
// the second field is everything after the first comma, unless that starts with
// another comma (then it is empty). Fewer than two fields is an error.
func splitPair(s string) ([2]string, bool) {
	a, b, ok := strings.Cut(s, ",")
	if !ok || b == "" {
		return [2]string{}, false
	}
	if b[0] == ',' {
		b = ""
	}
	return [2]string{a, b}, true
}

// errPairConfig is a failed check of the --portmap pairs against the mask and
// the ports present (DPDK's check_port_pair_config).
var errPairConfig = errors.New("Invalid port pair config")

// checkPortPairs checks the --portmap pairs against the port mask and the ports
// present, as DPDK does, and returns the mask reduced to the paired ports. The
// message explains which port is wrong.
func checkPortPairs(pairs [][2]uint16, mask uint32, present func(uint16) bool) (uint32, string, error) {
	var used uint32
	for _, pr := range pairs {
		var pm uint32
		var last uint16
		for _, p := range pr {
			last = p
			if mask&(1<<p) == 0 {
				return mask, fmt.Sprintf("port %d is not enabled in port mask", p), errPairConfig
			}
			if !present(p) {
				return mask, fmt.Sprintf("port %d is not present on the board", p), errPairConfig
			}
			pm |= 1 << p
		}
		if used&pm != 0 {
			return mask, fmt.Sprintf("port %d is used in other port pairs", last), errPairConfig
		}
		used |= pm
	}
	return mask & used, "", nil
}

// dstPorts computes each enabled port's destination. Without pairs: enabled
// ports in id order are paired 1st-2nd, 3rd-4th, ...; an odd last port forwards
// to itself (odd reports it). With pairs: each (a,b) forwards a→b and b→a.
func dstPorts(ports []uint16, mask uint32, pairs [][2]uint16, portmap bool) (dst [ethdev.MaxPorts]uint16, odd bool) {
	if portmap {
		for _, pr := range pairs {
			dst[pr[0]] = pr[1]
			dst[pr[1]] = pr[0]
		}
		return dst, false
	}
	var last uint16
	n := 0
	for _, p := range ports {
		if mask&(1<<p) == 0 {
			continue
		}
		if n%2 == 1 {
			dst[p] = last
			dst[last] = p
		} else {
			last = p
		}
		n++
	}
	if n%2 == 1 {
		dst[last] = last
		odd = true
	}
	return dst, odd
}

// assignment is one port polled by one lcore.
type assignment struct {
	lcore int
	port  uint16
}

// assignLcores gives each enabled port, in id order, to the lowest enabled lcore
// id that has fewer than perLcore ports (the main lcore included, as DPDK does).
// It returns the assignments in port order; ok is false when the lcores ran out
// ("Not enough cores"), the assignments made until then being returned.
func assignLcores(ports []uint16, mask uint32, enabled func(int) bool, maxLcore, perLcore int) (as []assignment, ok bool) {
	id, n := 0, 0
	for _, p := range ports {
		if mask&(1<<p) == 0 {
			continue
		}
		for !enabled(id) || n == perLcore {
			id++
			n = 0
			if id >= maxLcore {
				return as, false
			}
		}
		as = append(as, assignment{lcore: id, port: p})
		n++
	}
	return as, true
}
