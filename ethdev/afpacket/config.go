package afpacket

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/internal/tpacket"
)

// DriverName is the PMD name device names start with.
const DriverName = "net_af_packet"

// Devargs keys, as DPDK's net_af_packet.
const (
	KeyIface       = "iface"
	KeyQPairs      = "qpairs"
	KeyBlockSize   = "blocksz"
	KeyFrameSize   = "framesz"
	KeyFrameCount  = "framecnt"
	KeyQdiscBypass = "qdisc_bypass"
)

// Defaults and limits, as DPDK's where it has them.
const (
	DefaultQPairs     = 1
	MaxQPairs         = 16 // RTE_PMD_AF_PACKET_MAX_RINGS
	DefaultFrameSize  = 2048
	DefaultFrameCount = 512
	// DefaultRetireTimeout is the V3 block retire timer (tp_retire_blk_tov). The
	// kernel's own default is derived from block size and link speed, 8 ms on a
	// veth (speed unknown): a lone frame (a ping) would wait that long. 1 ms is
	// the smallest value the kernel takes.
	DefaultRetireTimeout = time.Millisecond

	minFrameSize = 128     // header, an Ethernet header, a minimum frame and a VLAN tag
	maxRingBytes = 1 << 30 // per ring, per queue pair
	maxBlockSize = 1 << 26
)

// ErrNoInterface is wrapped by the error of a device whose iface does not exist
// (in the network namespace of the probing thread).
var ErrNoInterface = errors.New("no such network interface")

// Config is a net_af_packet device's configuration: what the devargs say, as a
// struct for Go callers (NewDevice). Zero fields take the defaults, so
// Config{Iface: "veth0"} is DPDK's default device.
type Config struct {
	Iface         string        // kernel interface (required)
	QPairs        int           // queue pairs, 1..16 (0 = 1); one packet socket each
	BlockSize     int           // ring block size: a power-of-two multiple of the page size (0 = page size)
	FrameSize     int           // ring frame size: multiple of 16, 128..BlockSize (0 = 2048)
	FrameCount    int           // frames per ring (0 = 512)
	NoQdiscBypass bool          // send through the qdisc layer (devargs qdisc_bypass=0)
	RetireTimeout time.Duration // V3 RX block retire timer, ms resolution (0 = DefaultRetireTimeout)
}

// ParseDevargs turns net_af_packet devargs into a validated Config with the
// defaults filled in. It needs no privilege and touches no interface: an unknown
// key, a missing iface or a bad value is a *ethdev.DevargsError naming it.
func ParseDevargs(args *ethdev.Devargs) (Config, error) {
	var c Config
	if err := args.CheckKeys(KeyIface, KeyQPairs, KeyBlockSize, KeyFrameSize, KeyFrameCount, KeyQdiscBypass); err != nil {
		return c, err
	}
	var err error
	if c.Iface, err = args.Required(KeyIface); err != nil {
		return c, err
	}
	if c.QPairs, err = args.Int(KeyQPairs, DefaultQPairs, 1, MaxQPairs); err != nil {
		return c, err
	}
	if c.BlockSize, err = args.Int(KeyBlockSize, os.Getpagesize(), 1, maxBlockSize); err != nil {
		return c, err
	}
	if c.FrameSize, err = args.Int(KeyFrameSize, DefaultFrameSize, 1, maxBlockSize); err != nil {
		return c, err
	}
	if c.FrameCount, err = args.Int(KeyFrameCount, DefaultFrameCount, 1, maxRingBytes/minFrameSize); err != nil {
		return c, err
	}
	bypass, err := args.Bool(KeyQdiscBypass, true)
	if err != nil {
		return c, err
	}
	c.NoQdiscBypass = !bypass
	return c.normalize(args.Name)
}

// normalize fills in defaults and checks the values, naming the devargs key of a
// bad one in a *ethdev.DevargsError for device dev.
func (c Config) normalize(dev string) (Config, error) {
	bad := func(key string, v int, why string) error {
		return &ethdev.DevargsError{Device: dev, Key: key, Value: fmt.Sprint(v), Err: fmt.Errorf("%w: %s", ethdev.ErrBadValue, why)}
	}
	if c.Iface == "" {
		return c, &ethdev.DevargsError{Device: dev, Key: KeyIface, Err: ethdev.ErrMissingKey}
	}
	if len(c.Iface) >= 16 {
		return c, &ethdev.DevargsError{Device: dev, Key: KeyIface, Value: c.Iface,
			Err: fmt.Errorf("%w: interface names are at most 15 bytes", ethdev.ErrBadValue)}
	}
	page := os.Getpagesize()
	if c.QPairs == 0 {
		c.QPairs = DefaultQPairs
	}
	if c.BlockSize == 0 {
		c.BlockSize = page
	}
	if c.FrameSize == 0 {
		c.FrameSize = DefaultFrameSize
	}
	if c.FrameCount == 0 {
		c.FrameCount = DefaultFrameCount
	}
	if c.RetireTimeout == 0 {
		c.RetireTimeout = DefaultRetireTimeout
	}
	switch {
	case c.QPairs < 1 || c.QPairs > MaxQPairs:
		return c, bad(KeyQPairs, c.QPairs, fmt.Sprintf("must be 1..%d", MaxQPairs))
	case c.BlockSize < page || c.BlockSize > maxBlockSize || c.BlockSize&(c.BlockSize-1) != 0:
		return c, bad(KeyBlockSize, c.BlockSize, fmt.Sprintf("must be a power-of-two multiple of the page size (%d) up to %d", page, maxBlockSize))
	case c.FrameSize%tpacket.Alignment != 0:
		return c, bad(KeyFrameSize, c.FrameSize, fmt.Sprintf("must be a multiple of %d", tpacket.Alignment))
	case c.FrameSize < minFrameSize:
		return c, bad(KeyFrameSize, c.FrameSize, fmt.Sprintf("must be at least %d", minFrameSize))
	case c.FrameSize > c.BlockSize:
		return c, bad(KeyFrameSize, c.FrameSize, fmt.Sprintf("must not exceed blocksz (%d)", c.BlockSize))
	case c.FrameCount < 1 || c.FrameCount > maxRingBytes/c.FrameSize:
		return c, bad(KeyFrameCount, c.FrameCount, fmt.Sprintf("must be 1..%d (at most %d bytes of ring)", maxRingBytes/c.FrameSize, maxRingBytes))
	case c.RetireTimeout < time.Millisecond || c.RetireTimeout > time.Minute:
		return c, fmt.Errorf("%s: retire timeout %v: %w: must be 1ms..1m", dev, c.RetireTimeout, ethdev.ErrBadValue)
	}
	return c, nil
}

// geometry is the shape of one queue pair's rings.
type geometry struct {
	blockSize      int
	frameSize      int
	framesPerBlock int
	rxBlocks       int // RX (V3) blocks: framecnt*framesz bytes, rounded up, at least 2
	txBlocks       int
	txFrames       int // TX frames: framecnt rounded up to whole blocks
	retireMs       int
}

func (c Config) geometry() geometry {
	g := geometry{blockSize: c.BlockSize, frameSize: c.FrameSize, framesPerBlock: c.BlockSize / c.FrameSize}
	g.rxBlocks = max(2, (c.FrameCount*c.FrameSize+c.BlockSize-1)/c.BlockSize)
	g.txBlocks = (c.FrameCount + g.framesPerBlock - 1) / g.framesPerBlock
	g.txFrames = g.txBlocks * g.framesPerBlock
	g.retireMs = int(c.RetireTimeout / time.Millisecond)
	return g
}

// rxBytes and txBytes are the sizes of the two rings in the mapping.
func (g geometry) rxBytes() int { return g.rxBlocks * g.blockSize }
func (g geometry) txBytes() int { return g.txBlocks * g.blockSize }

// maxFrameLen is the longest frame a TX frame holds: the frame size minus the
// data offset (TPACKET3_HDRLEN - sizeof(sockaddr_ll) = 48). The device reports it
// as MaxRxPktLen too, so what one port receives another can send.
func (g geometry) maxFrameLen() int { return g.frameSize - tpacket.TxData3Offset }

// permissionError turns the EPERM (or EACCES) of opening a packet socket without
// privilege into an error that says what is missing. The result still wraps
// syscall.EPERM (and the original error) for errors.Is.
func permissionError(op string, err error) error {
	switch {
	case errors.Is(err, syscall.EPERM):
		return fmt.Errorf("%s: %s needs root or CAP_NET_RAW: %w", DriverName, op, err)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("%s: %s needs root or CAP_NET_RAW: %w (%w)", DriverName, op, syscall.EPERM, err)
	}
	return err
}

// RX/TX offload bits this driver supports.
const (
	RxOffloadVLANStrip  = ethdev.RxOffloadVLANStrip
	TxOffloadVLANInsert = ethdev.TxOffloadVLANInsert
	TxOffloadMultiSegs  = ethdev.TxOffloadMultiSegs
)
