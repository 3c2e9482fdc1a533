package main

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
)

func TestParseOptionsDefaults(t *testing.T) {
	o, err := parseOptions(nil)
	require.NoError(t, err)
	require.Equal(t, modeIO, o.mode)
	require.False(t, o.modeSet)
	require.Equal(t, 1, o.rxq)
	require.Equal(t, 1, o.txq)
	require.Equal(t, 0, o.rxd)
	require.Equal(t, 0, o.txd)
	require.Equal(t, 32, o.burst)
	require.Equal(t, []int{64}, o.txpkts)
	require.Equal(t, 64, o.txPktLen())
	require.Equal(t, netip.MustParseAddr("198.18.0.1"), o.txIPSrc)
	require.Equal(t, netip.MustParseAddr("198.18.0.2"), o.txIPDst)
	require.Equal(t, uint16(9), o.txUDPSrc)
	require.Equal(t, uint16(9), o.txUDPDst)
	require.Equal(t, 2176, o.mbufSize)
	require.Equal(t, topoPaired, o.topo)
	require.Equal(t, 0, o.statsPeriod)
	require.Equal(t, 0, o.totalMbufs)
	require.Equal(t, ethdev.MAC{2, 0, 0, 0, 0, 3}, o.peerMAC(3))
}

func TestParseOptionsEveryOption(t *testing.T) {
	o, err := parseOptions([]string{
		"-a", "--auto-start",
		"--forward-mode=txonly",
		"--nb-cores", "2",
		"--nb-ports=3",
		"--portmask=0x5",
		"--rxq=4", "--txq", "2",
		"--rxd=1024", "--txd=512",
		"--burst=64",
		"--txpkts=40,24",
		"--tx-ip=10.0.0.1,10.0.0.2",
		"--tx-udp=1000,2000",
		"--eth-peer=1,aa:bb:cc:dd:ee:ff",
		"--stats-period=2",
		"--total-num-mbufs=4096",
		"--mbuf-size=4096",
		"--port-topology=chained",
		"--no-flush-rx",
		"--disable-rss",
		"--txonly-multi-flow",
	})
	require.NoError(t, err)
	require.True(t, o.autoStart)
	require.Equal(t, modeTxOnly, o.mode)
	require.True(t, o.modeSet)
	require.Equal(t, 2, o.nbCores)
	require.Equal(t, 3, o.nbPorts)
	require.Equal(t, uint64(5), o.portmask)
	require.Equal(t, 4, o.rxq)
	require.Equal(t, 2, o.txq)
	require.Equal(t, 1024, o.rxd)
	require.Equal(t, 512, o.txd)
	require.Equal(t, 64, o.burst)
	require.Equal(t, []int{40, 24}, o.txpkts)
	require.Equal(t, 64, o.txPktLen())
	require.Equal(t, netip.MustParseAddr("10.0.0.1"), o.txIPSrc)
	require.Equal(t, netip.MustParseAddr("10.0.0.2"), o.txIPDst)
	require.Equal(t, uint16(1000), o.txUDPSrc)
	require.Equal(t, uint16(2000), o.txUDPDst)
	require.Equal(t, ethdev.MAC{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}, o.peerMAC(1))
	require.Equal(t, ethdev.MAC{2, 0, 0, 0, 0, 0}, o.peerMAC(0))
	require.Equal(t, 2, o.statsPeriod)
	require.Equal(t, 4096, o.totalMbufs)
	require.Equal(t, 4096, o.mbufSize)
	require.Equal(t, topoChained, o.topo)
	require.True(t, o.noFlushRx)
	require.True(t, o.disableRSS)
	require.True(t, o.multiFlow)
}

func TestParseOptionsForms(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want func(o options) bool
	}{
		{[]string{"--tx-udp=7"}, func(o options) bool { return o.txUDPSrc == 7 && o.txUDPDst == 7 }},
		{[]string{"--port-topology", "loop"}, func(o options) bool { return o.topo == topoLoop }},
		{[]string{"--port-topology=paired"}, func(o options) bool { return o.topo == topoPaired }},
		{[]string{"--portmask=3"}, func(o options) bool { return o.portmask == 3 }},
		{[]string{"--portmask", "0XfF"}, func(o options) bool { return o.portmask == 0xff }},
		{[]string{"--forward-mode", "mac"}, func(o options) bool { return o.mode == modeMac }},
		{[]string{"--forward-mode=macswap"}, func(o options) bool { return o.mode == modeMacSwap }},
		{[]string{"--forward-mode=rxonly"}, func(o options) bool { return o.mode == modeRxOnly }},
		{[]string{"--forward-mode=io"}, func(o options) bool { return o.mode == modeIO && o.modeSet }},
		{[]string{"--stats-period", "0"}, func(o options) bool { return o.statsPeriod == 0 }},
		{[]string{"--rxd=0", "--txd=0"}, func(o options) bool { return o.rxd == 0 && o.txd == 0 }},
		{[]string{"--burst=1"}, func(o options) bool { return o.burst == 1 }},
		{[]string{"--burst=512"}, func(o options) bool { return o.burst == 512 }},
		{[]string{"-h"}, func(o options) bool { return o.help }},
		{[]string{"--help"}, func(o options) bool { return o.help }},
		{[]string{"-ah"}, func(o options) bool { return o.help && o.autoStart }},
		{[]string{"--eth-peer=0,02-00-00-00-00-09", "--eth-peer=0,02:00:00:00:00:0a"},
			func(o options) bool { return o.peerMAC(0) == ethdev.MAC{2, 0, 0, 0, 0, 10} }},
	} {
		o, err := parseOptions(tc.args)
		require.NoError(t, err, "%q", tc.args)
		require.True(t, tc.want(o), "%q", tc.args)
	}
}

func TestParseOptionsErrors(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		option  string // the option the error must name
		unknown bool
		text    string // also in the message
	}{
		{[]string{"--bogus"}, "--bogus", true, "unrecognized option '--bogus'"},
		{[]string{"--bogus=1"}, "--bogus", true, "unrecognized option"},
		{[]string{"-x"}, "-x", true, "unrecognized option '-x'"},
		{[]string{"stray"}, "stray", true, "unrecognized"},
		{[]string{"--burs=32"}, "--burs", true, "unrecognized"}, // no abbreviations
		{[]string{"-i"}, "-i", false, "interactive mode is not supported yet"},
		{[]string{"--interactive"}, "--interactive", false, "interactive mode is not supported yet"},
		{[]string{"--forward-mode=foo"}, "--forward-mode", false, "invalid foo packet forwarding mode"},
		{[]string{"--forward-mode=csum"}, "--forward-mode", false, "not supported yet"},
		{[]string{"--forward-mode"}, "--forward-mode", false, "requires a value"},
		{[]string{"--nb-cores=0"}, "--nb-cores", false, "between 1"},
		{[]string{"--nb-cores=x"}, "--nb-cores", false, "not a number"},
		{[]string{"--nb-ports=0"}, "--nb-ports", false, "between 1"},
		{[]string{"--nb-ports=33"}, "--nb-ports", false, "between 1"},
		{[]string{"--portmask=0"}, "--portmask", false, "no port"},
		{[]string{"--portmask=zz"}, "--portmask", false, "hexadecimal"},
		{[]string{"--rxq=0"}, "--rxq", false, "between 1 and 1024"},
		{[]string{"--txq=1025"}, "--txq", false, "between 1 and 1024"},
		{[]string{"--rxd=-1"}, "--rxd", false, "between 0"},
		{[]string{"--txd=70000"}, "--txd", false, "between 0"},
		{[]string{"--burst=0"}, "--burst", false, "between 1 and 512"},
		{[]string{"--burst=513"}, "--burst", false, "between 1 and 512"},
		{[]string{"--txpkts=10"}, "--txpkts", false, "total packet length=10 < 42"},
		{[]string{"--txpkts=64,0"}, "--txpkts", false, "segment 1"},
		{[]string{"--txpkts=40000,40000"}, "--txpkts", false, "> 65535"},
		{[]string{"--tx-ip=1.2.3.4"}, "--tx-ip", false, "SRC,DST"},
		{[]string{"--tx-ip=1.2.3.4,::1"}, "--tx-ip", false, "not an IPv4 address"},
		{[]string{"--tx-udp=70000"}, "--tx-udp", false, "source port"},
		{[]string{"--tx-udp=1,x"}, "--tx-udp", false, "destination port"},
		{[]string{"--eth-peer=0"}, "--eth-peer", false, "PORT,"},
		{[]string{"--eth-peer=32,02:00:00:00:00:01"}, "--eth-peer", false, "port"},
		{[]string{"--eth-peer=0,zz"}, "--eth-peer", false, "invalid ethernet address: zz"},
		{[]string{"--stats-period=-1"}, "--stats-period", false, "between 0"},
		{[]string{"--total-num-mbufs=1024"}, "--total-num-mbufs", false, "between 1025"},
		{[]string{"--mbuf-size=100"}, "--mbuf-size", false, "between"},
		{[]string{"--port-topology=ring"}, "--port-topology", false, "paired, chained or loop"},
		{[]string{"--no-flush-rx=1"}, "--no-flush-rx", false, "takes no value"},
		{[]string{"--disable-rss=yes"}, "--disable-rss", false, "takes no value"},
		{[]string{"--txonly-multi-flow=1"}, "--txonly-multi-flow", false, "takes no value"},
		{[]string{"--rxq"}, "--rxq", false, "requires a value"},
	} {
		_, err := parseOptions(tc.args)
		require.Error(t, err, "%q", tc.args)
		var oe *optionError
		require.True(t, errors.As(err, &oe), "%q: %T", tc.args, err)
		require.Equal(t, tc.option, oe.option, "%q", tc.args)
		require.Equal(t, tc.unknown, oe.unknown, "%q", tc.args)
		require.Contains(t, err.Error(), tc.option, "%q: the message must name the option", tc.args)
		require.Contains(t, err.Error(), tc.text, "%q", tc.args)
	}
	_, err := parseOptions([]string{"-i"})
	require.ErrorIs(t, err, errInteractive)
}

func TestUsageNamesEveryOption(t *testing.T) {
	for _, d := range optionTable {
		require.True(t, strings.Contains(usageText, "--"+d.long), "usage lacks --%s", d.long)
	}
}
