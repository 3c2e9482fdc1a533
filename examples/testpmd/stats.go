package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dpk-go/dpk/ethdev"
)

// The borders of DPDK testpmd's statistics blocks.
var (
	nicBorder    = strings.Repeat("#", 24)
	fwdBorder    = strings.Repeat("-", 22)
	accBorder    = strings.Repeat("+", 15)
	streamBorder = strings.Repeat("-", 7)
)

// clearScreen is what testpmd prints before each periodic statistics show:
// ANSI "erase display" and "cursor to row 1, column 1".
const clearScreen = "\033[2J\033[1;1H"

// portStatsHeader follows clearScreen; it has no newline of its own, the first
// NIC statistics block starts with one.
const portStatsHeader = "\nPort statistics ===================================="

// throughput is the state kept between two NIC statistics shows of a port, from
// which "Throughput (since last show)" is computed.
type throughput struct {
	valid                              bool
	at                                 time.Time
	ipackets, opackets, ibytes, obytes uint64
}

// rates are the four numbers of the "Throughput (since last show)" lines.
type rates struct {
	rxPPS, rxBPS, txPPS, txBPS uint64
}

// update records s taken at now and returns the rates since the previous call;
// the first call returns zeros, as DPDK's first show does.
func (t *throughput) update(s *ethdev.Stats, now time.Time) rates {
	var r rates
	if t.valid {
		if ns := now.Sub(t.at).Nanoseconds(); ns > 0 {
			per := func(cur, prev uint64, mul float64) uint64 {
				if cur <= prev {
					return 0
				}
				return uint64(float64(cur-prev) * mul / float64(ns) * 1e9)
			}
			r.rxPPS = per(s.IPackets, t.ipackets, 1)
			r.txPPS = per(s.OPackets, t.opackets, 1)
			r.rxBPS = per(s.IBytes, t.ibytes, 8)
			r.txBPS = per(s.OBytes, t.obytes, 8)
		}
	}
	*t = throughput{valid: true, at: now, ipackets: s.IPackets, opackets: s.OPackets, ibytes: s.IBytes, obytes: s.OBytes}
	return r
}

// writeNICStats writes DPDK testpmd's "NIC statistics for port N" block
// (nic_stats_display), leading newline and closing border included.
func writeNICStats(w io.Writer, port int, s *ethdev.Stats, r rates) {
	fmt.Fprintf(w, "\n  %s NIC statistics for port %-2d %s\n", nicBorder, port, nicBorder)
	fmt.Fprintf(w, "  RX-packets: %-10d RX-missed: %-10d RX-bytes:  %d\n", s.IPackets, s.IMissed, s.IBytes)
	fmt.Fprintf(w, "  RX-errors: %d\n", s.IErrors)
	fmt.Fprintf(w, "  RX-nombuf:  %-10d\n", s.RxNombuf)
	fmt.Fprintf(w, "  TX-packets: %-10d TX-errors: %-10d TX-bytes:  %d\n", s.OPackets, s.OErrors, s.OBytes)
	fmt.Fprintf(w, "\n  Throughput (since last show)\n")
	fmt.Fprintf(w, "  Rx-pps: %12d          Rx-bps: %12d\n  Tx-pps: %12d          Tx-bps: %12d\n",
		r.rxPPS, r.rxBPS, r.txPPS, r.txBPS)
	fmt.Fprintf(w, "  %s%s%s\n", nicBorder, strings.Repeat("#", 28), nicBorder)
}

// fwdStats are one port's (or all ports') forwarding statistics since start.
type fwdStats struct {
	rxPackets, rxDropped uint64 // Δipackets, Δimissed
	txPackets, txDropped uint64 // Δopackets, engine TX leftovers + Δoerrors
	rxErrors, rxNombuf   uint64 // Δierrors, Δrx_nombuf
}

func (a *fwdStats) add(b fwdStats) {
	a.rxPackets += b.rxPackets
	a.rxDropped += b.rxDropped
	a.txPackets += b.txPackets
	a.txDropped += b.txDropped
	a.rxErrors += b.rxErrors
	a.rxNombuf += b.rxNombuf
}

// writeFwdPortStats writes the "Forward statistics for port N" block. Note the
// missing space before RX-total/TX-total: the 14-wide field supplies it.
func writeFwdPortStats(w io.Writer, port int, s fwdStats) {
	fmt.Fprintf(w, "\n  %s Forward statistics for port %-2d %s\n", fwdBorder, port, fwdBorder)
	fmt.Fprintf(w, "  RX-packets: %-14d RX-dropped: %-14dRX-total: %d\n", s.rxPackets, s.rxDropped, s.rxPackets+s.rxDropped)
	if s.rxErrors+s.rxNombuf > 0 {
		fmt.Fprintf(w, "  RX-error: %d\n", s.rxErrors)
		fmt.Fprintf(w, "  RX-nombufs: %-14d\n", s.rxNombuf)
	}
	fmt.Fprintf(w, "  TX-packets: %-14d TX-dropped: %-14dTX-total: %d\n", s.txPackets, s.txDropped, s.txPackets+s.txDropped)
	fmt.Fprintf(w, "  %s%s%s\n", fwdBorder, strings.Repeat("-", 32), fwdBorder)
}

// writeAccumulated writes the "Accumulated forward statistics for all ports"
// block (no space before its right border).
func writeAccumulated(w io.Writer, s fwdStats) {
	fmt.Fprintf(w, "\n  %s Accumulated forward statistics for all ports%s\n", accBorder, accBorder)
	fmt.Fprintf(w, "  RX-packets: %-14d RX-dropped: %-14dRX-total: %d\n", s.rxPackets, s.rxDropped, s.rxPackets+s.rxDropped)
	fmt.Fprintf(w, "  TX-packets: %-14d TX-dropped: %-14dTX-total: %d\n", s.txPackets, s.txDropped, s.txPackets+s.txDropped)
	if s.rxNombuf > 0 {
		fmt.Fprintf(w, "  RX-nombufs: %-14d\n", s.rxNombuf)
	}
	fmt.Fprintf(w, "  %s%s%s\n", accBorder, strings.Repeat("+", 46), accBorder)
}

// writeStreamStats writes one stream's line pair, printed when there are more
// streams than ports (several queues); streams that saw nothing are skipped.
func writeStreamStats(w io.Writer, fs *stream) {
	if fs.rxPackets == 0 && fs.txPackets == 0 && fs.dropped == 0 {
		return
	}
	fmt.Fprintf(w, "\n  %s Forward Stats for RX Port=%2d/Queue=%2d -> TX Port=%2d/Queue=%2d %s\n",
		streamBorder, fs.rxPort, fs.rxQueue, fs.txPort, fs.txQueue, streamBorder)
	fmt.Fprintf(w, "  RX-packets: %-14d TX-packets: %-14d TX-dropped: %-14d\n", fs.rxPackets, fs.txPackets, fs.dropped)
}

// portFwdStats computes port p's forwarding statistics: cur minus the snapshot
// taken at start, plus the TX leftovers the engines dropped on p.
func portFwdStats(cur, base *ethdev.Stats, engineDropped uint64) fwdStats {
	return fwdStats{
		rxPackets: cur.IPackets - base.IPackets,
		rxDropped: cur.IMissed - base.IMissed,
		txPackets: cur.OPackets - base.OPackets,
		txDropped: engineDropped + (cur.OErrors - base.OErrors),
		rxErrors:  cur.IErrors - base.IErrors,
		rxNombuf:  cur.RxNombuf - base.RxNombuf,
	}
}
