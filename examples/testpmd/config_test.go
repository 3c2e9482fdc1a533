package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
)

func TestTopologies(t *testing.T) {
	tx := func(n int, topo topology) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = txPortIndex(i, n, topo)
		}
		return out
	}
	require.Equal(t, []int{1, 0}, tx(2, topoPaired))
	require.Equal(t, []int{1, 0, 3, 2}, tx(4, topoPaired))
	require.Equal(t, []int{1, 0, 2}, tx(3, topoPaired), "odd count: the last port pairs with itself")
	require.Equal(t, []int{0}, tx(1, topoPaired))
	require.Equal(t, []int{1, 2, 0}, tx(3, topoChained))
	require.Equal(t, []int{1, 0}, tx(2, topoChained))
	require.Equal(t, []int{0}, tx(1, topoChained))
	require.Equal(t, []int{0, 1, 2}, tx(3, topoLoop))
}

func TestBuildStreams(t *testing.T) {
	require.Nil(t, buildStreams(0, 1, topoPaired))
	require.Equal(t, []streamSpec{{0, 1, 0}, {1, 0, 0}}, buildStreams(2, 1, topoPaired))
	// Ports vary fastest, then queues, as DPDK orders streams.
	require.Equal(t, []streamSpec{
		{0, 1, 0}, {1, 2, 0}, {2, 0, 0},
		{0, 1, 1}, {1, 2, 1}, {2, 0, 1},
	}, buildStreams(3, 2, topoChained))
	require.Equal(t, []streamSpec{{0, 0, 0}, {1, 1, 0}}, buildStreams(2, 1, topoLoop))
	require.Equal(t, []streamSpec{{0, 1, 0}, {1, 0, 0}, {2, 2, 0}}, buildStreams(3, 1, topoPaired))
}

func TestSpreadStreams(t *testing.T) {
	require.Nil(t, spreadStreams(0, 2))
	require.Nil(t, spreadStreams(3, 0))
	require.Equal(t, []int{2}, spreadStreams(2, 1))
	require.Equal(t, []int{1, 1}, spreadStreams(2, 2))
	require.Equal(t, []int{1}, spreadStreams(1, 4), "fewer streams than lcores: one lcore per stream")
	require.Equal(t, []int{1, 2}, spreadStreams(3, 2), "the extra streams go to the last lcores")
	require.Equal(t, []int{2, 2, 3, 3}, spreadStreams(10, 4))
}

// TestBanner checks the start banner against DPDK testpmd's, captured from
// dpdk-testpmd 22.11 with two net_ring ports (io) and one port (txonly).
func TestBanner(t *testing.T) {
	b := &banner{
		mode: modeIO, nbPorts: 2, nbStreams: 2, nbFwdCores: 1, burst: 32, txPktLen: 64, txSegs: 1,
		lcores: []bannerLcore{{id: 1, socket: 0, streams: []bannerStream{
			{rxPort: 0, txPort: 1, peer: ethdev.MAC{2, 0, 0, 0, 0, 1}},
			{rxPort: 1, txPort: 0, peer: ethdev.MAC{2, 0, 0, 0, 0, 0}},
		}}},
		ports: []bannerPort{{id: 0, rxq: 1, txq: 1}, {id: 1, rxq: 1, txq: 1}},
	}
	var buf bytes.Buffer
	b.write(&buf)
	const portBlock = `    Rx offloads=0x0 Tx offloads=0x0
    RX queue: 0
      RX desc=0 - RX free threshold=0
      RX threshold registers: pthresh=0 hthresh=0  wthresh=0
      RX Offloads=0x0
    TX queue: 0
      TX desc=0 - TX free threshold=0
      TX threshold registers: pthresh=0 hthresh=0  wthresh=0
      TX offloads=0x0 - TX RS bit threshold=0
`
	require.Equal(t, `io packet forwarding - ports=2 - cores=1 - streams=2 - NUMA support enabled, MP allocation mode: native
Logical Core 1 (socket 0) forwards packets on 2 streams:
  RX P=0/Q=0 (socket 0) -> TX P=1/Q=0 (socket 0) peer=02:00:00:00:00:01
  RX P=1/Q=0 (socket 0) -> TX P=0/Q=0 (socket 0) peer=02:00:00:00:00:00

  io packet forwarding packets/burst=32
  nb forwarding cores=1 - nb forwarding ports=2
  port 0: RX queue number: 1 Tx queue number: 1
`+portBlock+`  port 1: RX queue number: 1 Tx queue number: 1
`+portBlock, buf.String())

	b = &banner{
		mode: modeTxOnly, nbPorts: 1, nbStreams: 1, nbFwdCores: 1, burst: 32, txPktLen: 64, txSegs: 1,
		lcores: []bannerLcore{{id: 1, socket: 0, streams: []bannerStream{
			{rxPort: 0, txPort: 0, peer: ethdev.MAC{2, 0, 0, 0, 0, 0}},
		}}},
		ports: []bannerPort{{id: 0, rxq: 1, txq: 1}},
	}
	buf.Reset()
	b.write(&buf)
	require.Equal(t, `txonly packet forwarding - ports=1 - cores=1 - streams=1 - NUMA support enabled, MP allocation mode: native
Logical Core 1 (socket 0) forwards packets on 1 streams:
  RX P=0/Q=0 (socket 0) -> TX P=0/Q=0 (socket 0) peer=02:00:00:00:00:00

  txonly packet forwarding packets/burst=32
  packet len=64 - nb packet segments=1
  nb forwarding cores=1 - nb forwarding ports=1
  port 0: RX queue number: 1 Tx queue number: 1
`+portBlock, buf.String())
}
