package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/dpk-go/dpk/ethdev"
)

// clearScreen is what l2fwd prints before each periodic table: ANSI "erase
// display" and "cursor to row 1, column 1".
const clearScreen = "\x1b[2J\x1b[1;1H"

// formatStats renders DPDK l2fwd's statistics table for the ports in mask, with
// the clear-screen escape first when clear is set. Each line is "\n" + text, the
// labels and numbers padded to 38 characters, and the last border ends with "\n".
func formatStats(mask uint32, stats *[ethdev.MaxPorts]portStats, clear bool) []byte {
	var b bytes.Buffer
	if clear {
		b.WriteString(clearScreen)
	}
	b.WriteString("\nPort statistics ====================================")
	var tx, rx, dropped uint64
	for p := 0; p < ethdev.MaxPorts; p++ {
		if mask&(1<<p) == 0 {
			continue
		}
		s := &stats[p]
		ptx, prx, pd := s.tx.Load(), s.rx.Load(), s.dropped.Load()
		fmt.Fprintf(&b, "\nStatistics for port %d ------------------------------"+
			"\nPackets sent: %24d"+
			"\nPackets received: %20d"+
			"\nPackets dropped: %21d", p, ptx, prx, pd)
		tx += ptx
		rx += prx
		dropped += pd
	}
	fmt.Fprintf(&b, "\nAggregate statistics ==============================="+
		"\nTotal packets sent: %18d"+
		"\nTotal packets received: %14d"+
		"\nTotal packets dropped: %15d", tx, rx, dropped)
	b.WriteString("\n====================================================\n")
	return b.Bytes()
}

// printStats writes the table in one write, so that it is not interleaved with
// other output.
func printStats(w io.Writer, mask uint32, stats *[ethdev.MaxPorts]portStats, clear bool) {
	w.Write(formatStats(mask, stats, clear))
}
