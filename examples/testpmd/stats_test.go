package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
)

// The golden texts below are DPDK 22.11 testpmd's own output (apps.md §2.5, §2.6
// and logs captured from dpdk-testpmd on this project's machines), byte for byte:
// note the trailing spaces after RX-nombuf and the missing space before RX-total.

func TestNICStatsGolden(t *testing.T) {
	var buf bytes.Buffer
	writeNICStats(&buf, 0, &ethdev.Stats{OPackets: 256, OBytes: 16384}, rates{})
	require.Equal(t, "\n"+
		"  ######################## NIC statistics for port 0  ########################\n"+
		"  RX-packets: 0          RX-missed: 0          RX-bytes:  0\n"+
		"  RX-errors: 0\n"+
		"  RX-nombuf:  0         \n"+
		"  TX-packets: 256        TX-errors: 0          TX-bytes:  16384\n"+
		"\n"+
		"  Throughput (since last show)\n"+
		"  Rx-pps:            0          Rx-bps:            0\n"+
		"  Tx-pps:            0          Tx-bps:            0\n"+
		"  ############################################################################\n",
		buf.String())

	buf.Reset()
	writeNICStats(&buf, 12, &ethdev.Stats{IPackets: 1609560, IBytes: 103011840, IMissed: 7, IErrors: 3, RxNombuf: 5,
		OPackets: 12345678901, OErrors: 2, OBytes: 1},
		rates{rxPPS: 252006, rxBPS: 129027552, txPPS: 1, txBPS: 123456789012})
	require.Equal(t, "\n"+
		"  ######################## NIC statistics for port 12 ########################\n"+
		"  RX-packets: 1609560    RX-missed: 7          RX-bytes:  103011840\n"+
		"  RX-errors: 3\n"+
		"  RX-nombuf:  5         \n"+
		"  TX-packets: 12345678901 TX-errors: 2          TX-bytes:  1\n"+
		"\n"+
		"  Throughput (since last show)\n"+
		"  Rx-pps:       252006          Rx-bps:    129027552\n"+
		"  Tx-pps:            1          Tx-bps: 123456789012\n"+
		"  ############################################################################\n",
		buf.String())
}

func TestFwdStatsGolden(t *testing.T) {
	var buf bytes.Buffer
	writeFwdPortStats(&buf, 0, fwdStats{rxPackets: 9844640, txPackets: 9844640})
	writeFwdPortStats(&buf, 1, fwdStats{rxPackets: 9844640, txPackets: 9844640})
	writeAccumulated(&buf, fwdStats{rxPackets: 19689280, txPackets: 19689280})
	require.Equal(t, `
  ---------------------- Forward statistics for port 0  ----------------------
  RX-packets: 9844640        RX-dropped: 0             RX-total: 9844640
  TX-packets: 9844640        TX-dropped: 0             TX-total: 9844640
  ----------------------------------------------------------------------------

  ---------------------- Forward statistics for port 1  ----------------------
  RX-packets: 9844640        RX-dropped: 0             RX-total: 9844640
  TX-packets: 9844640        TX-dropped: 0             TX-total: 9844640
  ----------------------------------------------------------------------------

  +++++++++++++++ Accumulated forward statistics for all ports+++++++++++++++
  RX-packets: 19689280       RX-dropped: 0             RX-total: 19689280
  TX-packets: 19689280       TX-dropped: 0             TX-total: 19689280
  ++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
`, buf.String())
}

func TestFwdStatsExtraLines(t *testing.T) {
	var buf bytes.Buffer
	// A 14-digit count fills the field: DPDK then prints no space at all.
	writeFwdPortStats(&buf, 3, fwdStats{rxPackets: 5, rxDropped: 12345678901234, txPackets: 7, txDropped: 2, rxErrors: 1, rxNombuf: 4})
	writeAccumulated(&buf, fwdStats{rxPackets: 5, rxDropped: 1, txPackets: 7, txDropped: 2, rxNombuf: 4})
	require.Equal(t, `
  ---------------------- Forward statistics for port 3  ----------------------
  RX-packets: 5              RX-dropped: 12345678901234RX-total: 12345678901239
  RX-error: 1
  RX-nombufs: 4             
  TX-packets: 7              TX-dropped: 2             TX-total: 9
  ----------------------------------------------------------------------------

  +++++++++++++++ Accumulated forward statistics for all ports+++++++++++++++
  RX-packets: 5              RX-dropped: 1             RX-total: 6
  TX-packets: 7              TX-dropped: 2             TX-total: 9
  RX-nombufs: 4             
  ++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
`, buf.String())
}

func TestStreamStatsGolden(t *testing.T) {
	var buf bytes.Buffer
	writeStreamStats(&buf, &stream{rxPort: 0, rxQueue: 1, txPort: 1, txQueue: 1, rxPackets: 10, txPackets: 8, dropped: 2})
	writeStreamStats(&buf, &stream{rxPort: 1, rxQueue: 1, txPort: 0, txQueue: 1}) // idle: not printed
	require.Equal(t, "\n  ------- Forward Stats for RX Port= 0/Queue= 1 -> TX Port= 1/Queue= 1 -------\n"+
		"  RX-packets: 10             TX-packets: 8              TX-dropped: 2             \n", buf.String())
}

func TestPortFwdStats(t *testing.T) {
	base := ethdev.Stats{IPackets: 10, IMissed: 1, OPackets: 20, OErrors: 2, IErrors: 3, RxNombuf: 4}
	cur := ethdev.Stats{IPackets: 110, IMissed: 6, OPackets: 220, OErrors: 5, IErrors: 3, RxNombuf: 5}
	require.Equal(t, fwdStats{rxPackets: 100, rxDropped: 5, txPackets: 200, txDropped: 7 + 3, rxNombuf: 1},
		portFwdStats(&cur, &base, 7))
}

func TestThroughput(t *testing.T) {
	var tp throughput
	t0 := time.Unix(1000, 0)
	require.Equal(t, rates{}, tp.update(&ethdev.Stats{IPackets: 100, IBytes: 6400}, t0), "first show is all zero")
	r := tp.update(&ethdev.Stats{IPackets: 1100, IBytes: 70400, OPackets: 50, OBytes: 3200}, t0.Add(2*time.Second))
	require.Equal(t, rates{rxPPS: 500, rxBPS: 256000, txPPS: 25, txBPS: 12800}, r)
	// Counters that went backwards (a reset) give 0, not a huge number.
	r = tp.update(&ethdev.Stats{}, t0.Add(3*time.Second))
	require.Equal(t, rates{}, r)
}
