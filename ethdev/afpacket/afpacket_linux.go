//go:build linux

package afpacket

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/internal/sys"
	"github.com/dpk-go/dpk/internal/tpacket"
)

func init() { ethdev.Register(driver{}) }

type driver struct{}

func (driver) Name() string { return DriverName }

// Probe opens the device described by args on the thread that calls it: the
// interface is looked up, and every queue pair's socket is created and bound, in
// that thread's network namespace. The sockets stay there whichever thread uses
// the port later.
func (driver) Probe(args *ethdev.Devargs) (ethdev.Device, error) {
	cfg, err := ParseDevargs(args)
	if err != nil {
		return nil, err
	}
	return newDevice(args.Name, cfg)
}

// NewDevice opens a net_af_packet device from a Config (the Go equivalent of the
// devargs), for ethdev.Attach:
//
//	dev, err := afpacket.NewDevice(afpacket.Config{Iface: "veth0", QPairs: 2})
//	port, err := ethdev.Attach("net_af_packet0", afpacket.DriverName, dev)
//
// Like Probe, it works in the network namespace of the calling thread.
func NewDevice(cfg Config) (ethdev.Device, error) {
	c, err := cfg.normalize(DriverName)
	if err != nil {
		return nil, err
	}
	d, err := newDevice(DriverName, c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", DriverName, err)
	}
	return d, nil
}

// device is one net_af_packet port: a packet socket with an RX and a TX ring per
// queue pair, all bound to one interface.
type device struct {
	name     string
	cfg      Config
	geo      geometry
	ctl      int // AF_UNIX socket for interface ioctls, in the interface's namespace
	ifindex  int
	ifMaxMTU int // IFLA_MAX_MTU, 0 if unknown
	qps      []*qpair
	rxq      []*rxQueue
	txq      []*txQueue
	conf     ethdev.Config

	mu       sync.Mutex // guards what control calls from any goroutine touch
	mac      ethdev.MAC
	promisc  bool
	allmulti bool
	closed   bool
}

// qpair is one packet socket and its mapped rings. Its ring cursors outlive the
// queue handles: queue setup and Configure make new handles over the same rings.
type qpair struct {
	fd    int
	mem   []byte // the whole mapping: RX ring, then TX ring
	rx    rxRing
	tx    txRing
	drops uint64 // kernel drops read from PACKET_STATISTICS so far (device.mu)
}

var _ ethdev.Device = (*device)(nil)
var _ ethdev.Promiscuouser = (*device)(nil)
var _ ethdev.AllMulticaster = (*device)(nil)
var _ ethdev.MTUSetter = (*device)(nil)
var _ ethdev.LinkSetter = (*device)(nil)

func newDevice(name string, cfg Config) (_ *device, err error) {
	d := &device{name: name, cfg: cfg, geo: cfg.geometry(), ctl: -1}
	defer func() {
		if err != nil {
			d.closeAll()
		}
	}()
	if d.ctl, err = sys.ControlSocket(); err != nil {
		return nil, err
	}
	if d.ifindex, err = sys.IfIndex(d.ctl, cfg.Iface); err != nil {
		if errors.Is(err, syscall.ENODEV) {
			return nil, fmt.Errorf("%w %q in this network namespace (%w)", ErrNoInterface, cfg.Iface, syscall.ENODEV)
		}
		return nil, err
	}
	mac, err := sys.IfHWAddr(d.ctl, cfg.Iface)
	if err != nil {
		return nil, err
	}
	d.mac = mac
	if mtu, err := sys.IfMaxMTU(d.ifindex); err == nil {
		d.ifMaxMTU = mtu
	}
	mtu, err := sys.IfMTU(d.ctl, cfg.Iface)
	if err != nil {
		return nil, err
	}
	for q := 0; q < cfg.QPairs; q++ {
		qp, err := d.openQPair(q)
		if err != nil {
			if q == 0 && errors.Is(err, syscall.EPERM) {
				return nil, err
			}
			return nil, fmt.Errorf("queue pair %d: %w", q, err)
		}
		qp.tx.setMTU(mtu)
		d.qps = append(d.qps, qp)
	}
	return d, nil
}

// openQPair creates queue pair q's socket: TPACKET_V3, the options, an RX ring of
// blocks and a TX ring of frames in one mapping, bound to the interface and, with
// several queue pairs, joined to the port's fanout group.
func (d *device) openQPair(q int) (_ *qpair, err error) {
	// Protocol 0: the socket sees nothing until bind names the interface, so no
	// frame of another interface slips into the ring meanwhile.
	fd, err := sys.PacketSocket(0)
	if err != nil {
		return nil, permissionError("opening a packet socket", err)
	}
	qp := &qpair{fd: fd}
	defer func() {
		if err != nil {
			qp.close()
		}
	}()
	set := func(opt, v int, what string) error {
		if err := sys.SetsockoptInt(fd, sys.SolPacket, opt, v); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	if err := set(sys.PacketVersion, tpacket.V3, "PACKET_VERSION TPACKET_V3"); err != nil {
		return nil, err
	}
	// A malformed TX frame is skipped rather than stopping the ring.
	if err := set(sys.PacketLoss, 1, "PACKET_LOSS"); err != nil {
		return nil, err
	}
	if !d.cfg.NoQdiscBypass {
		if err := set(sys.PacketQdiscBypass, 1, "PACKET_QDISC_BYPASS"); err != nil {
			return nil, err
		}
	}
	// Our own TX (and the host's) is not RX. Linux >= 4.20; older kernels lack it
	// (ENOPROTOOPT) and then only qdisc bypass keeps our frames off our RX ring.
	if err := set(sys.PacketIgnoreOutgoing, 1, "PACKET_IGNORE_OUTGOING"); err != nil && !errors.Is(err, syscall.ENOPROTOOPT) {
		return nil, err
	}
	g := d.geo
	if err := sys.SetPacketRing(fd, false, sys.PacketRing{
		BlockSize: uint32(g.blockSize), BlockNr: uint32(g.rxBlocks),
		FrameSize: uint32(g.frameSize), FrameNr: uint32(g.rxBlocks * g.framesPerBlock),
		RetireBlkTovMs: uint32(g.retireMs),
	}); err != nil {
		return nil, err
	}
	if err := sys.SetPacketRing(fd, true, sys.PacketRing{
		BlockSize: uint32(g.blockSize), BlockNr: uint32(g.txBlocks),
		FrameSize: uint32(g.frameSize), FrameNr: uint32(g.txFrames),
	}); err != nil {
		return nil, err
	}
	if qp.mem, err = sys.MmapRing(fd, g.rxBytes()+g.txBytes()); err != nil {
		return nil, err
	}
	qp.rx.init(qp.mem[:g.rxBytes()], g)
	qp.tx.init(fd, qp.mem[g.rxBytes():], g)
	if err := sys.BindPacket(fd, d.ifindex, sys.EthPAll); err != nil {
		return nil, err
	}
	if d.cfg.QPairs > 1 {
		if err := d.joinFanout(fd); err != nil {
			return nil, err
		}
	}
	return qp, nil
}

// joinFanout puts a queue socket in the port's fanout group, as DPDK does: group
// (pid ^ ifindex) & 0xffff, mode HASH with DEFRAG and ROLLOVER. Kernels newer
// than 6.1 also take the IGNORE_OUTGOING flag for the group (the socket option
// does not apply to fanout members, whose frames come through the group's hook);
// older ones reject it with EINVAL and get the group without it.
func (d *device) joinFanout(fd int) error {
	id := (os.Getpid() ^ d.ifindex) & 0xffff
	flags := sys.FanoutHash | sys.FanoutFlagDefrag | sys.FanoutFlagRollover
	const fanoutFlagIgnoreOutgoing = 0x4000
	err := sys.SetsockoptInt(fd, sys.SolPacket, sys.PacketFanout, id|(flags|fanoutFlagIgnoreOutgoing)<<16)
	if errors.Is(err, syscall.EINVAL) {
		err = sys.SetsockoptInt(fd, sys.SolPacket, sys.PacketFanout, id|flags<<16)
	}
	if err != nil {
		return fmt.Errorf("PACKET_FANOUT group %#x: %w", id, err)
	}
	return nil
}

func (qp *qpair) close() {
	if qp.mem != nil {
		sys.Munmap(qp.mem)
		qp.mem = nil
	}
	if qp.fd >= 0 {
		sys.Close(qp.fd)
		qp.fd = -1
	}
}

func (d *device) closeAll() {
	d.releaseQueues()
	for _, qp := range d.qps {
		qp.close()
	}
	d.qps = nil
	if d.ctl >= 0 {
		sys.Close(d.ctl)
		d.ctl = -1
	}
}

func (d *device) Info() ethdev.DevInfo {
	maxLen := d.geo.maxFrameLen()
	maxMTU := maxLen - ethdev.EtherHdrLen
	if d.ifMaxMTU > 0 {
		maxMTU = min(maxMTU, d.ifMaxMTU)
	}
	return ethdev.DevInfo{
		IfName:        d.cfg.Iface,
		MaxRxQueues:   d.cfg.QPairs,
		MaxTxQueues:   d.cfg.QPairs,
		DefaultRxDesc: d.cfg.FrameCount,
		DefaultTxDesc: d.cfg.FrameCount,
		MinMTU:        ethdev.EtherMinMTU,
		MaxMTU:        maxMTU,
		MaxRxPktLen:   maxLen,
		RxOffloadCapa: RxOffloadVLANStrip,
		TxOffloadCapa: TxOffloadVLANInsert | TxOffloadMultiSegs,
		Socket:        -1,
	}
}

// Configure keeps the sockets and rings and releases the queue handles of an
// earlier configuration (their mempool caches flushed). The interface MTU is left
// as it is; SetMTU changes it.
func (d *device) Configure(nbRxq, nbTxq int, conf *ethdev.Config) error {
	d.releaseQueues()
	d.conf = *conf
	d.rxq = make([]*rxQueue, nbRxq)
	d.txq = make([]*txQueue, nbTxq)
	return nil
}

func (d *device) releaseQueues() {
	for i, q := range d.rxq {
		if q != nil {
			q.release()
			d.rxq[i] = nil
		}
	}
	for i, q := range d.txq {
		if q != nil {
			q.release()
			d.txq[i] = nil
		}
	}
}

// RxQueueSetup makes RX queue p.Queue a handle on queue pair p.Queue's RX ring.
// The ring's size comes from the devargs (framecnt, framesz, blocksz); p.NbDesc
// is ignored, as in DPDK.
func (d *device) RxQueueSetup(p ethdev.RxQueueParams) (ethdev.RxBurster, error) {
	if old := d.rxq[p.Queue]; old != nil {
		old.release()
	}
	strip := (d.conf.RxOffloads|p.Conf.Offloads)&RxOffloadVLANStrip != 0
	q := &rxQueue{r: &d.qps[p.Queue].rx, pool: p.Pool, cache: p.Pool.NewCache(), port: p.Port, stats: p.Stats, vlanStrip: strip}
	d.rxq[p.Queue] = q
	return q, nil
}

// TxQueueSetup makes TX queue p.Queue a handle on queue pair p.Queue's TX ring.
func (d *device) TxQueueSetup(p ethdev.TxQueueParams) (ethdev.TxBurster, error) {
	if old := d.txq[p.Queue]; old != nil {
		old.release()
	}
	q := &txQueue{r: &d.qps[p.Queue].tx, stats: p.Stats}
	d.txq[p.Queue] = q
	return q, nil
}

// Start hands every RX block filled while the port was stopped (or before its
// first start) back to the kernel unread, as a stopped NIC would have dropped
// those frames.
func (d *device) Start() error {
	for _, qp := range d.qps {
		qp.rx.discard()
	}
	if mtu, err := sys.IfMTU(d.ctl, d.cfg.Iface); err == nil {
		for _, qp := range d.qps {
			qp.tx.setMTU(mtu)
		}
	}
	return nil
}

// Stop keeps the sockets: frames arriving meanwhile fill the RX rings and then
// count as kernel drops (imissed); Start discards what the rings hold.
func (d *device) Stop() error { return nil }

// Close unmaps the rings, closes the sockets (which also undoes promiscuous and
// all-multicast memberships) and closes the queues' caches, so every mbuf is back
// in its pool.
func (d *device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	d.closeAll()
	d.rxq, d.txq = nil, nil
	return nil
}

// Link reports DPDK af_packet's fixed 10 Gbps full duplex, up while the interface
// is up and running (carrier on: for a veth, both ends up).
func (d *device) Link() ethdev.Link {
	l := ethdev.Link{Speed: ethdev.Speed10G, FullDuplex: true}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return l
	}
	if flags, err := sys.IfFlags(d.ctl, d.cfg.Iface); err == nil {
		l.Up = flags&sys.IffUp != 0 && flags&sys.IffRunning != 0
	}
	return l
}

// MACAddr reads the interface's address (the last one read if the ioctl fails).
func (d *device) MACAddr() ethdev.MAC {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		if mac, err := sys.IfHWAddr(d.ctl, d.cfg.Iface); err == nil {
			d.mac = mac
		}
	}
	return d.mac
}

// SetPromiscuous adds or drops a PACKET_MR_PROMISC membership on queue pair 0's
// socket: the interface is promiscuous while the port wants it (the kernel counts
// users, so other users of the interface are not disturbed).
func (d *device) SetPromiscuous(on bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ethdev.ErrClosed
	}
	if on == d.promisc {
		return nil
	}
	if err := sys.PacketMembership(d.qps[0].fd, d.ifindex, sys.PacketMrPromisc, on); err != nil {
		return err
	}
	d.promisc = on
	return nil
}

// SetAllMulticast adds or drops a PACKET_MR_ALLMULTI membership.
func (d *device) SetAllMulticast(on bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ethdev.ErrClosed
	}
	if on == d.allmulti {
		return nil
	}
	if err := sys.PacketMembership(d.qps[0].fd, d.ifindex, sys.PacketMrAllmulti, on); err != nil {
		return err
	}
	d.allmulti = on
	return nil
}

// SetMTU sets the interface MTU (SIOCSIFMTU; needs CAP_NET_ADMIN).
func (d *device) SetMTU(mtu int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ethdev.ErrClosed
	}
	if err := sys.SetIfMTU(d.ctl, d.cfg.Iface, mtu); err != nil {
		return err
	}
	for _, qp := range d.qps {
		qp.tx.setMTU(mtu)
	}
	return nil
}

// MTU is the interface's current MTU (0 if it cannot be read).
func (d *device) MTU() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0
	}
	m, err := sys.IfMTU(d.ctl, d.cfg.Iface)
	if err != nil {
		return 0
	}
	return m
}

// SetLinkUp sets the interface administratively up or down.
func (d *device) SetLinkUp(up bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ethdev.ErrClosed
	}
	if up {
		return sys.SetIfFlags(d.ctl, d.cfg.Iface, sys.IffUp, 0)
	}
	return sys.SetIfFlags(d.ctl, d.cfg.Iface, 0, sys.IffUp)
}

// kernelDrops reads every socket's PACKET_STATISTICS (which resets the kernel's
// counters) into the running totals and returns their sum.
func (d *device) kernelDrops() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	var sum uint64
	for _, qp := range d.qps {
		if !d.closed {
			if _, drops, _, err := sys.PacketStatsV3(qp.fd); err == nil {
				qp.drops += uint64(drops)
			}
		}
		sum += qp.drops
	}
	return sum
}

// Stats adds the frames the kernel dropped for lack of room in the RX rings
// (PACKET_STATISTICS tp_drops, accumulated) as imissed. Packets, bytes, errors
// and rx_nombuf are counted per queue.
func (d *device) Stats(s *ethdev.Stats) {
	s.IMissed += d.kernelDrops()
}

// XStats appends the driver's counters, summed over queue pairs.
func (d *device) XStats(x []ethdev.XStat) []ethdev.XStat {
	drops := d.kernelDrops()
	var truncated, tooSmall, badBlocks, tooBig, badFrames, full, kick uint64
	for _, qp := range d.qps {
		truncated += qp.rx.truncated.Load()
		tooSmall += qp.rx.mbufTooSmall.Load()
		badBlocks += qp.rx.badBlocks.Load()
		tooBig += qp.tx.tooBig.Load()
		badFrames += qp.tx.badFrames.Load()
		full += qp.tx.ringFull.Load()
		kick += qp.tx.kickErrors.Load()
	}
	return append(x,
		ethdev.XStat{Name: "rx_kernel_drops", Value: drops},
		ethdev.XStat{Name: "rx_truncated", Value: truncated},
		ethdev.XStat{Name: "rx_mbuf_too_small", Value: tooSmall},
		ethdev.XStat{Name: "rx_bad_blocks", Value: badBlocks},
		ethdev.XStat{Name: "tx_frame_too_big", Value: tooBig},
		ethdev.XStat{Name: "tx_bad_frames", Value: badFrames},
		ethdev.XStat{Name: "tx_ring_full", Value: full},
		ethdev.XStat{Name: "tx_kick_errors", Value: kick},
	)
}
