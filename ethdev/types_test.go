package ethdev_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
)

func TestLinkString(t *testing.T) {
	cases := []struct {
		l    ethdev.Link
		want string
	}{
		{ethdev.Link{}, "Link down"},
		{ethdev.Link{Speed: ethdev.Speed10G, FullDuplex: true, Autoneg: true}, "Link down"},
		{ethdev.Link{Speed: ethdev.Speed10G, FullDuplex: true, Autoneg: true, Up: true}, "Link up at 10 Gbps FDX Autoneg"},
		{ethdev.Link{Speed: ethdev.SpeedUnknown, FullDuplex: true, Up: true}, "Link up at Unknown FDX Fixed"},
		{ethdev.Link{Speed: ethdev.SpeedNone, Up: true}, "Link up at None HDX Fixed"},
		{ethdev.Link{Speed: 10, Up: true}, "Link up at 10 Mbps HDX Fixed"},
		{ethdev.Link{Speed: 100, FullDuplex: true, Autoneg: true, Up: true}, "Link up at 100 Mbps FDX Autoneg"},
		{ethdev.Link{Speed: 1000, FullDuplex: true, Up: true}, "Link up at 1 Gbps FDX Fixed"},
		{ethdev.Link{Speed: 2500, FullDuplex: true, Up: true}, "Link up at 2.5 Gbps FDX Fixed"},
		{ethdev.Link{Speed: 100000, FullDuplex: true, Up: true}, "Link up at 100 Gbps FDX Fixed"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, c.l.String(), "%+v", c.l)
	}
}

func TestMAC(t *testing.T) {
	m := ethdev.MAC{0x02, 0x0a, 0xbc, 0xde, 0xf0, 0x01}
	require.Equal(t, "02:0A:BC:DE:F0:01", m.String(), "upper case, as DPDK prints it")
	require.Equal(t, "00:00:00:00:00:00", ethdev.MAC{}.String())

	for _, s := range []string{"02:0a:bc:de:f0:01", "02:0A:BC:DE:F0:01", "02-0a-bc-de-f0-01", "2:a:bc:de:f0:1"} {
		got, err := ethdev.ParseMAC(s)
		require.NoError(t, err, s)
		require.Equal(t, m, got, s)
	}
	got, err := ethdev.ParseMAC(m.String())
	require.NoError(t, err)
	require.Equal(t, m, got, "String round trip")

	for _, s := range []string{
		"", "02:0a:bc:de:f0", "02:0a:bc:de:f0:01:02", "020abcdef001", "02:0a:bc:de:f0:0g",
		"02:0a:bc:de:f0:001", "02:0a:bc:de:f0:01:", ":02:0a:bc:de:f0:01", "02::0a:bc:de:f0:01",
		"02:0a:bc:de:f0:", "02:0a:bc:de:f0: 1",
	} {
		_, err := ethdev.ParseMAC(s)
		require.Error(t, err, "%q", s)
		require.ErrorContains(t, err, fmt.Sprintf("bad MAC address %q", s))
	}
}

func TestOpError(t *testing.T) {
	e := &ethdev.OpError{Port: 3, Queue: -1, Op: "start", Err: ethdev.ErrBusy}
	require.Equal(t, "ethdev: port 3: start: device busy", e.Error())
	q := &ethdev.OpError{Port: 0, Queue: 7, Op: "rx_queue_setup", Err: fmt.Errorf("%w: queue 7 of 2", ethdev.ErrInvalid)}
	require.Equal(t, "ethdev: port 0 queue 7: rx_queue_setup: invalid argument: queue 7 of 2", q.Error())
	require.ErrorIs(t, q, ethdev.ErrInvalid)
	require.NotErrorIs(t, q, ethdev.ErrBusy)

	// Wrapped further, the sentinel and the OpError are both still found.
	w := fmt.Errorf("app: %w", q)
	require.ErrorIs(t, w, ethdev.ErrInvalid)
	var oe *ethdev.OpError
	require.True(t, errors.As(w, &oe))
	require.Equal(t, 7, oe.Queue)
	require.Equal(t, "rx_queue_setup", oe.Op)
}
