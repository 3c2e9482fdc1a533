package ethdev

import (
	"fmt"
	"sync/atomic"
)

// Stats are a port's basic counters (rte_eth_stats). Per-queue arrays cover the
// first QueueStatCounters queues.
type Stats struct {
	IPackets  uint64 // packets received
	OPackets  uint64 // packets sent
	IBytes    uint64 // bytes received (Ethernet frame without CRC)
	OBytes    uint64 // bytes sent
	IMissed   uint64 // packets dropped by the device for lack of RX room
	IErrors   uint64 // erroneous received packets
	OErrors   uint64 // failed transmissions
	RxNombuf  uint64 // RX mbuf allocation failures
	QIPackets [QueueStatCounters]uint64
	QOPackets [QueueStatCounters]uint64
	QIBytes   [QueueStatCounters]uint64
	QOBytes   [QueueStatCounters]uint64
	QErrors   [QueueStatCounters]uint64
}

func (s *Stats) sub(b *Stats) {
	s.IPackets -= b.IPackets
	s.OPackets -= b.OPackets
	s.IBytes -= b.IBytes
	s.OBytes -= b.OBytes
	s.IMissed -= b.IMissed
	s.IErrors -= b.IErrors
	s.OErrors -= b.OErrors
	s.RxNombuf -= b.RxNombuf
	for i := range s.QIPackets {
		s.QIPackets[i] -= b.QIPackets[i]
		s.QOPackets[i] -= b.QOPackets[i]
		s.QIBytes[i] -= b.QIBytes[i]
		s.QOBytes[i] -= b.QOBytes[i]
		s.QErrors[i] -= b.QErrors[i]
	}
}

// QueueStats are one queue's counters. The queue's polling lcore writes them (the
// wrapper adds Packets and Bytes, the driver Errors, Missed and Nombuf); any
// goroutine may read them. They only grow: resets are done by Port with a
// baseline, so the fast path never races with a reset.
//
// On TX, a driver that accepts a frame (takes ownership) but cannot send it (too big, malformed) adds it to Errors and its length
// to ErrBytes during the burst; the wrapper then leaves them out of Packets and
// Bytes, so opackets/obytes count only frames sent, as DPDK's do.
type QueueStats struct {
	Packets  atomic.Uint64
	Bytes    atomic.Uint64
	Errors   atomic.Uint64
	ErrBytes atomic.Uint64 // TX only: bytes of the frames in Errors
	Missed   atomic.Uint64 // RX only
	Nombuf   atomic.Uint64 // RX only
	_        [16]byte      // keep queues' counters on separate cache lines
}

// XStat is one extended statistic (rte_eth_xstat with its name).
type XStat struct {
	Name  string
	Value uint64
}

// genericXStats appends DPDK's generic xstats, in DPDK's order, then the per-queue
// ones (RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS).
func genericXStats(dst []XStat, s *Stats, nrx, ntx int) []XStat {
	dst = append(dst,
		XStat{"rx_good_packets", s.IPackets},
		XStat{"tx_good_packets", s.OPackets},
		XStat{"rx_good_bytes", s.IBytes},
		XStat{"tx_good_bytes", s.OBytes},
		XStat{"rx_missed_errors", s.IMissed},
		XStat{"rx_errors", s.IErrors},
		XStat{"tx_errors", s.OErrors},
		XStat{"rx_mbuf_allocation_errors", s.RxNombuf},
	)
	for q := 0; q < min(nrx, QueueStatCounters); q++ {
		dst = append(dst,
			XStat{fmt.Sprintf("rx_q%d_packets", q), s.QIPackets[q]},
			XStat{fmt.Sprintf("rx_q%d_bytes", q), s.QIBytes[q]},
			XStat{fmt.Sprintf("rx_q%d_errors", q), s.QErrors[q]},
		)
	}
	for q := 0; q < min(ntx, QueueStatCounters); q++ {
		dst = append(dst,
			XStat{fmt.Sprintf("tx_q%d_packets", q), s.QOPackets[q]},
			XStat{fmt.Sprintf("tx_q%d_bytes", q), s.QOBytes[q]},
		)
	}
	return dst
}
