package main

import (
	"fmt"
	"io"

	"github.com/dpk-go/dpk/ethdev"
)

// streamSpec is one forwarding stream before it is bound to queues: RX from
// forwarding port index rx, queue q, to forwarding port index tx, queue q.
type streamSpec struct {
	rx, tx, queue int
}

// txPortIndex returns the index, among n forwarding ports, of the port that
// receives what port index i forwards (DPDK's fwd_topology_tx_port_get).
func txPortIndex(i, n int, t topology) int {
	switch t {
	case topoChained:
		return (i + 1) % n
	case topoLoop:
		return i
	default: // paired
		if i%2 == 1 {
			return i - 1
		}
		if i+1 < n {
			return i + 1
		}
		return i // odd port count: the last port pairs with itself
	}
}

// buildStreams lists the streams for nPorts forwarding ports with nq queues each:
// ports vary fastest, then queues, as DPDK orders them, so that the first streams
// (and so the first lcores) cover every port's queue 0.
func buildStreams(nPorts, nq int, t topology) []streamSpec {
	if nPorts == 0 {
		return nil
	}
	out := make([]streamSpec, 0, nPorts*nq)
	for q := 0; q < nq; q++ {
		for i := 0; i < nPorts; i++ {
			out = append(out, streamSpec{rx: i, tx: txPortIndex(i, nPorts, t), queue: q})
		}
	}
	return out
}

// oddPairedWarning is what DPDK's testpmd prints for paired topology and an odd
// number of forwarding ports.
const oddPairedWarning = "\nWarning! port-topology=paired and odd forward ports number, the last port will pair with itself.\n\n"

// spreadStreams divides nStreams streams over at most nLcores lcores and returns
// how many streams each used lcore gets, in order (DPDK's
// setup_fwd_config_of_each_lcore): every lcore gets nStreams/nLcores, and the
// last nStreams%nLcores lcores one more. With fewer streams than lcores only
// nStreams lcores are used.
func spreadStreams(nStreams, nLcores int) []int {
	if nStreams == 0 || nLcores == 0 {
		return nil
	}
	nc := min(nLcores, nStreams)
	per, extra := nStreams/nc, nStreams%nc
	counts := make([]int, nc)
	for i := range counts {
		counts[i] = per
		if i >= nc-extra {
			counts[i]++
		}
	}
	return counts
}

// fwdPort is one forwarding port and what the statistics need about it.
type fwdPort struct {
	id     uint16
	port   *ethdev.Port
	socket int
	mac    ethdev.MAC
	peer   ethdev.MAC

	base  ethdev.Stats // snapshot when forwarding started
	shown throughput   // state of the last NIC statistics show
}

// bannerStream is a stream as the start banner prints it.
type bannerStream struct {
	rxPort, rxQueue, txPort, txQueue int
	rxSocket, txSocket               int
	peer                             ethdev.MAC
}

// bannerLcore is an lcore and its streams, as the start banner prints them.
type bannerLcore struct {
	id, socket int
	streams    []bannerStream
}

// bannerPort is a port's queue configuration, as the start banner prints it.
type bannerPort struct {
	id       int
	rxq, txq int
	rxd, txd int
}

// banner is what DPDK's testpmd prints when forwarding starts
// (pkt_fwd_config_display + rxtx_config_display).
type banner struct {
	mode       fwdMode
	nbPorts    int // forwarding ports
	nbStreams  int
	lcores     []bannerLcore // the lcores that got streams
	nbFwdCores int           // --nb-cores
	burst      int
	txPktLen   int // txonly only
	txSegs     int
	ports      []bannerPort
	rxOffloads uint64
	txOffloads uint64
}

func (b *banner) write(w io.Writer) {
	fmt.Fprintf(w, "%s packet forwarding - ports=%d - cores=%d - streams=%d - NUMA support enabled, MP allocation mode: native\n",
		b.mode, b.nbPorts, len(b.lcores), b.nbStreams)
	for _, l := range b.lcores {
		fmt.Fprintf(w, "Logical Core %d (socket %d) forwards packets on %d streams:\n", l.id, l.socket, len(l.streams))
		for _, s := range l.streams {
			fmt.Fprintf(w, "  RX P=%d/Q=%d (socket %d) -> TX P=%d/Q=%d (socket %d) peer=%s\n",
				s.rxPort, s.rxQueue, s.rxSocket, s.txPort, s.txQueue, s.txSocket, s.peer)
		}
	}
	fmt.Fprintf(w, "\n")
	fmt.Fprintf(w, "  %s packet forwarding packets/burst=%d\n", b.mode, b.burst)
	if b.mode == modeTxOnly {
		fmt.Fprintf(w, "  packet len=%d - nb packet segments=%d\n", b.txPktLen, b.txSegs)
	}
	fmt.Fprintf(w, "  nb forwarding cores=%d - nb forwarding ports=%d\n", b.nbFwdCores, b.nbPorts)
	for _, p := range b.ports {
		fmt.Fprintf(w, "  port %d: RX queue number: %d Tx queue number: %d\n", p.id, p.rxq, p.txq)
		fmt.Fprintf(w, "    Rx offloads=0x%x Tx offloads=0x%x\n", b.rxOffloads, b.txOffloads)
		fmt.Fprintf(w, "    RX queue: 0\n")
		fmt.Fprintf(w, "      RX desc=%d - RX free threshold=0\n", p.rxd)
		fmt.Fprintf(w, "      RX threshold registers: pthresh=0 hthresh=0  wthresh=0\n")
		fmt.Fprintf(w, "      RX Offloads=0x0\n")
		fmt.Fprintf(w, "    TX queue: 0\n")
		fmt.Fprintf(w, "      TX desc=%d - TX free threshold=0\n", p.txd)
		fmt.Fprintf(w, "      TX threshold registers: pthresh=0 hthresh=0  wthresh=0\n")
		fmt.Fprintf(w, "      TX offloads=0x0 - TX RS bit threshold=0\n")
	}
}
