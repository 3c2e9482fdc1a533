package dpdk

import (
	"bufio"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// FwdStats are the counters of one "Forward statistics for port N" block, or of
// the "Accumulated forward statistics for all ports" block (Port -1).
type FwdStats struct {
	Port      int
	RxPackets uint64 // packets received since forwarding started
	RxDropped uint64 // packets the port dropped for lack of room (imissed)
	RxTotal   uint64
	TxPackets uint64 // packets sent
	TxDropped uint64 // packets the PMD refused (freed by the engine) + TX errors
	TxTotal   uint64
	RxNombufs uint64 // only printed when non-zero
}

// NICStats are the counters of one "NIC statistics for port N" block (the
// periodic --stats-period show): totals since the port started, and the
// throughput since the previous show.
type NICStats struct {
	Port                         int
	RxPackets, RxMissed          uint64
	RxBytes, RxErrors, RxNombuf  uint64
	TxPackets, TxErrors, TxBytes uint64
	RxPPS, RxBPS, TxPPS, TxBPS   uint64
}

// Result is what a testpmd log says.
type Result struct {
	// Accumulated is the "Accumulated forward statistics for all ports" block;
	// when the log has none (a testpmd with one port prints it all the same, so
	// this means the run did not stop cleanly) it is the sum of the per-port
	// blocks, and HasAccumulated is false.
	Accumulated    FwdStats
	HasAccumulated bool
	// Ports are the "Forward statistics for port N" blocks, in log order.
	Ports []FwdStats
	// Shows are the periodic NIC statistics shows: one slice of port blocks per
	// "Port statistics ====" header, in order.
	Shows [][]NICStats
	// Signal is the number in "Signal N received" (0 if absent); Bye reports
	// that testpmd got to "Bye...".
	Signal int
	Bye    bool
}

// ErrNoStats is returned by Parse for a log without any forward statistics.
var ErrNoStats = errors.New("dpdk: no forward statistics in testpmd log")

// Port returns the forward statistics of port p and whether the log has them.
func (r *Result) Port(p int) (FwdStats, bool) {
	for _, s := range r.Ports {
		if s.Port == p {
			return s, true
		}
	}
	return FwdStats{}, false
}

// LastNIC returns the last periodic NIC statistics of port p and whether there
// were any.
func (r *Result) LastNIC(p int) (NICStats, bool) {
	for i := len(r.Shows) - 1; i >= 0; i-- {
		for _, s := range r.Shows[i] {
			if s.Port == p {
				return s, true
			}
		}
	}
	return NICStats{}, false
}

// RxPPS returns, for every show after the first (whose throughput is always 0),
// the sum over ports of Rx-pps; TxPPS likewise.
func (r *Result) RxPPS() []uint64 { return r.series(func(s NICStats) uint64 { return s.RxPPS }) }

// TxPPS returns the per-show sums of Tx-pps (see RxPPS).
func (r *Result) TxPPS() []uint64 { return r.series(func(s NICStats) uint64 { return s.TxPPS }) }

func (r *Result) series(f func(NICStats) uint64) []uint64 {
	var out []uint64
	for i, show := range r.Shows {
		if i == 0 {
			continue
		}
		var sum uint64
		for _, s := range show {
			sum += f(s)
		}
		out = append(out, sum)
	}
	return out
}

var (
	portRE   = regexp.MustCompile(`port ([0-9]+)`)
	signalRE = regexp.MustCompile(`Signal ([0-9]+) received`)
)

// Parse reads a testpmd log (DPDK's, or dpk's testpmd, which prints the same
// blocks): forward statistics per port and accumulated, periodic NIC statistics,
// the signal that stopped it and whether it said "Bye...". It returns ErrNoStats
// when the log has no forward statistics at all (testpmd did not stop cleanly);
// the Result then still holds the periodic shows.
func Parse(log string) (*Result, error) {
	r := &Result{}
	const (
		none = iota
		nic
		fwd
		acc
	)
	sect := none
	var cur *NICStats
	var fs *FwdStats
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		switch {
		case strings.Contains(line, "Port statistics ="):
			r.Shows = append(r.Shows, nil)
			sect, cur = nic, nil
			continue
		case strings.Contains(line, "NIC statistics for port"):
			if len(r.Shows) == 0 { // a "show port stats" outside the periodic shows
				r.Shows = append(r.Shows, nil)
			}
			show := &r.Shows[len(r.Shows)-1]
			*show = append(*show, NICStats{Port: portNumber(line)})
			cur = &(*show)[len(*show)-1]
			sect = nic
			continue
		case strings.Contains(line, "Forward statistics for port"):
			r.Ports = append(r.Ports, FwdStats{Port: portNumber(line)})
			fs = &r.Ports[len(r.Ports)-1]
			sect = fwd
			continue
		case strings.Contains(line, "Forward Stats for RX Port"): // per-stream lines
			sect = none
			continue
		case strings.Contains(line, "Accumulated forward statistics"):
			r.HasAccumulated = true
			r.Accumulated = FwdStats{Port: -1}
			fs = &r.Accumulated
			sect = acc
			continue
		case strings.Contains(line, "Bye..."):
			r.Bye = true
		}
		if m := signalRE.FindStringSubmatch(line); m != nil {
			r.Signal, _ = strconv.Atoi(m[1])
		}
		if len(f) == 0 {
			continue
		}
		switch sect {
		case nic:
			if cur == nil {
				continue
			}
			switch {
			case f[0] == "RX-packets:" && len(f) >= 6 && f[2] == "RX-missed:":
				cur.RxPackets, cur.RxMissed, cur.RxBytes = num(f[1]), num(f[3]), num(f[5])
			case f[0] == "RX-errors:" && len(f) >= 2:
				cur.RxErrors = num(f[1])
			case f[0] == "RX-nombuf:" && len(f) >= 2:
				cur.RxNombuf = num(f[1])
			case f[0] == "TX-packets:" && len(f) >= 6 && f[2] == "TX-errors:":
				cur.TxPackets, cur.TxErrors, cur.TxBytes = num(f[1]), num(f[3]), num(f[5])
			case f[0] == "Rx-pps:" && len(f) >= 4:
				cur.RxPPS, cur.RxBPS = num(f[1]), num(f[3])
			case f[0] == "Tx-pps:" && len(f) >= 4:
				cur.TxPPS, cur.TxBPS = num(f[1]), num(f[3])
			}
		case fwd, acc:
			if fs == nil {
				continue
			}
			switch {
			case f[0] == "RX-packets:" && len(f) >= 4 && strings.HasPrefix(f[2], "RX-dropped:"):
				fs.RxPackets, fs.RxDropped, fs.RxTotal = fwdLine(line, "RX")
			case f[0] == "TX-packets:" && len(f) >= 4 && strings.HasPrefix(f[2], "TX-dropped:"):
				fs.TxPackets, fs.TxDropped, fs.TxTotal = fwdLine(line, "TX")
			case f[0] == "RX-nombufs:" && len(f) >= 2:
				fs.RxNombufs = num(f[1])
			}
		}
	}
	if !r.HasAccumulated {
		if len(r.Ports) == 0 {
			return r, ErrNoStats
		}
		r.Accumulated = FwdStats{Port: -1}
		for _, p := range r.Ports {
			r.Accumulated.RxPackets += p.RxPackets
			r.Accumulated.RxDropped += p.RxDropped
			r.Accumulated.RxTotal += p.RxTotal
			r.Accumulated.TxPackets += p.TxPackets
			r.Accumulated.TxDropped += p.TxDropped
			r.Accumulated.TxTotal += p.TxTotal
			r.Accumulated.RxNombufs += p.RxNombufs
		}
	}
	return r, nil
}

// fwdLine parses "  RX-packets: N  RX-dropped: N RX-total: N" (or TX), where a
// 14-digit dropped count runs into "RX-total:" without a space.
func fwdLine(line, dir string) (pkts, dropped, total uint64) {
	get := func(key string) uint64 {
		i := strings.Index(line, key)
		if i < 0 {
			return 0
		}
		rest := strings.TrimLeft(line[i+len(key):], " ")
		end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if end < 0 {
			end = len(rest)
		}
		return num(rest[:end])
	}
	return get(dir + "-packets:"), get(dir + "-dropped:"), get(dir + "-total:")
}

func portNumber(line string) int {
	m := portRE.FindStringSubmatch(line)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func num(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// String summarises the accumulated counters.
func (s FwdStats) String() string {
	return fmt.Sprintf("RX-packets %d RX-dropped %d TX-packets %d TX-dropped %d", s.RxPackets, s.RxDropped, s.TxPackets, s.TxDropped)
}
