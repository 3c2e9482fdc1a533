package afpacket

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
)

func parse(t *testing.T, s string) (Config, error) {
	t.Helper()
	da, err := ethdev.ParseDevargs(s)
	require.NoError(t, err)
	return ParseDevargs(da)
}

func TestDevargsDefaults(t *testing.T) {
	c, err := parse(t, "net_af_packet0,iface=veth0")
	require.NoError(t, err)
	require.Equal(t, Config{
		Iface:         "veth0",
		QPairs:        1,
		BlockSize:     os.Getpagesize(),
		FrameSize:     2048,
		FrameCount:    512,
		RetireTimeout: DefaultRetireTimeout,
	}, c)
	require.False(t, c.NoQdiscBypass, "qdisc bypass is on by default, as in DPDK")

	// The zero Config is the same device.
	z, err := Config{Iface: "veth0"}.normalize(DriverName)
	require.NoError(t, err)
	require.Equal(t, c, z)
}

func TestDevargsAll(t *testing.T) {
	c, err := parse(t, "net_af_packet1,iface=eth1,qpairs=4,blocksz=16384,framesz=4096,framecnt=64,qdisc_bypass=0")
	require.NoError(t, err)
	require.Equal(t, "eth1", c.Iface)
	require.Equal(t, 4, c.QPairs)
	require.Equal(t, 16384, c.BlockSize)
	require.Equal(t, 4096, c.FrameSize)
	require.Equal(t, 64, c.FrameCount)
	require.True(t, c.NoQdiscBypass)
}

func TestDevargsUnknownKey(t *testing.T) {
	_, err := parse(t, "net_af_packet0,iface=veth0,ring_size=7")
	require.ErrorIs(t, err, ethdev.ErrUnknownKey)
	var de *ethdev.DevargsError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "ring_size", de.Key)
	require.Contains(t, err.Error(), "ring_size")
}

func TestDevargsMissingIface(t *testing.T) {
	for _, s := range []string{"net_af_packet0", "net_af_packet0,qpairs=2", "net_af_packet0,iface="} {
		_, err := parse(t, s)
		require.ErrorIs(t, err, ethdev.ErrMissingKey, s)
		require.Contains(t, err.Error(), "iface", s)
	}
}

func TestDevargsBadValues(t *testing.T) {
	page := os.Getpagesize()
	for _, tc := range []struct{ args, key string }{
		{"qpairs=0", KeyQPairs},
		{"qpairs=17", KeyQPairs},
		{"qpairs=two", KeyQPairs},
		{"blocksz=1000", KeyBlockSize},                    // below a page
		{fmt.Sprintf("blocksz=%d", 3*page), KeyBlockSize}, // not a power of two
		{"blocksz=-4096", KeyBlockSize},
		{"framesz=2040", KeyFrameSize},                    // not a multiple of 16
		{"framesz=64", KeyFrameSize},                      // too small for header and frame
		{fmt.Sprintf("framesz=%d", 2*page), KeyFrameSize}, // larger than the block
		{"framecnt=0", KeyFrameCount},
		{"framecnt=x", KeyFrameCount},
		{"framecnt=100000000", KeyFrameCount},
		{"qdisc_bypass=2", KeyQdiscBypass},
		{"qdisc_bypass=maybe", KeyQdiscBypass},
	} {
		_, err := parse(t, "net_af_packet0,iface=veth0,"+tc.args)
		require.ErrorIs(t, err, ethdev.ErrBadValue, tc.args)
		var de *ethdev.DevargsError
		require.ErrorAs(t, err, &de, tc.args)
		require.Equal(t, tc.key, de.Key, tc.args)
		require.Contains(t, err.Error(), tc.key, tc.args)
	}
	_, err := parse(t, "net_af_packet0,iface=a_name_longer_than_15")
	require.ErrorIs(t, err, ethdev.ErrBadValue)
	require.Contains(t, err.Error(), "iface")
}

func TestGeometry(t *testing.T) {
	c, err := Config{Iface: "x", BlockSize: 4096}.normalize(DriverName)
	require.NoError(t, err)
	g := c.geometry()
	require.Equal(t, 2, g.framesPerBlock)
	require.Equal(t, 256, g.rxBlocks, "512 frames of 2048 bytes in 4 KiB blocks")
	require.Equal(t, 256, g.txBlocks)
	require.Equal(t, 512, g.txFrames)
	require.Equal(t, 1, g.retireMs)
	require.Equal(t, 2000, g.maxFrameLen(), "framesz - (TPACKET3_HDRLEN - sizeof(sockaddr_ll))")

	// Tiny rings: at least two RX blocks; TX rounded up to whole blocks.
	c, err = Config{Iface: "x", BlockSize: 8192, FrameSize: 2048, FrameCount: 3}.normalize(DriverName)
	require.NoError(t, err)
	g = c.geometry()
	require.Equal(t, 2, g.rxBlocks)
	require.Equal(t, 1, g.txBlocks)
	require.Equal(t, 4, g.txFrames)

	// A frame size that does not divide the block leaves a gap per block.
	c, err = Config{Iface: "x", BlockSize: 4096, FrameSize: 1536, FrameCount: 5}.normalize(DriverName)
	require.NoError(t, err)
	g = c.geometry()
	require.Equal(t, 2, g.framesPerBlock)
	require.Equal(t, 3, g.txBlocks)
	require.Equal(t, 6, g.txFrames)
	require.Equal(t, 2, g.rxBlocks) // 5*1536 = 7680 bytes -> 2 blocks
}

// Without CAP_NET_RAW, socket(AF_PACKET) fails with EPERM; the driver says what
// is missing and keeps the errno for errors.Is.
func TestPermissionError(t *testing.T) {
	base := fmt.Errorf("socket(AF_PACKET): %w", syscall.EPERM)
	err := permissionError("opening a packet socket", base)
	require.ErrorIs(t, err, syscall.EPERM)
	require.Contains(t, err.Error(), "needs root or CAP_NET_RAW")
	require.Contains(t, err.Error(), DriverName)

	err = permissionError("opening a packet socket", syscall.EACCES)
	require.ErrorIs(t, err, syscall.EPERM)
	require.ErrorIs(t, err, syscall.EACCES)
	require.Contains(t, err.Error(), "needs root or CAP_NET_RAW")

	other := errors.New("something else")
	require.Same(t, other, permissionError("x", other), "other errors pass unchanged")
	require.False(t, strings.Contains(permissionError("x", syscall.ENOMEM).Error(), "CAP_NET_RAW"))
}
