package ethdev

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dpk-go/dpk/mempool"
)

type portState int

const (
	stateProbed portState = iota
	stateConfigured
	stateStarted
	stateClosed
)

func (s portState) String() string {
	return [...]string{"probed", "configured", "started", "closed"}[s]
}

// Port is one Ethernet port (DPDK's rte_eth_dev seen through rte_ethdev.h): the
// control path (configure, queue setup, start, stop, close, stats, link) with its
// state machine and argument checks, over a driver's Device. Control methods are
// safe for concurrent use; the fast path is on RxQueue/TxQueue handles.
type Port struct {
	id      uint16
	name    string
	devargs *Devargs
	driver  string
	dev     Device

	mu        sync.Mutex
	state     portState
	conf      Config
	rxq       []*RxQueue
	txq       []*TxQueue
	rxReady   []RxBurster
	txReady   []TxBurster
	promisc   bool
	allmulti  bool
	mtu       int
	statsBase Stats
	xBase     []XStat
	// retired holds the counters of queues a later Configure replaced, so that
	// the raw totals never go back and the baselines stay valid.
	retired Stats
}

var (
	portsMu sync.Mutex
	ports   [MaxPorts]*Port
)

// Create probes the device described by devargs (DPDK's --vdev syntax, e.g.
// "net_af_packet0,iface=veth0,qpairs=2") with the driver whose name prefixes the
// device name, and returns the new port with the lowest free id. Errors name the
// device and the offending key (see DevargsError) or the missing driver
// (ErrNoDevice).
func Create(devargs string) (*Port, error) {
	da, err := ParseDevargs(devargs)
	if err != nil {
		return nil, err
	}
	drv, err := findDriver(da.Name)
	if err != nil {
		return nil, err
	}
	portsMu.Lock()
	for _, p := range ports {
		if p != nil && p.name == da.Name {
			portsMu.Unlock()
			return nil, fmt.Errorf("ethdev: device %q already exists (port %d): %w", da.Name, p.id, ErrBusy)
		}
	}
	portsMu.Unlock()
	dev, err := drv.Probe(da)
	if err != nil {
		return nil, fmt.Errorf("ethdev: probe %s: %w", da.Name, err)
	}
	portsMu.Lock()
	defer portsMu.Unlock()
	// Again: another Create of the same name may have won while this one probed.
	for _, p := range ports {
		if p != nil && p.name == da.Name {
			dev.Close()
			return nil, fmt.Errorf("ethdev: device %q already exists (port %d): %w", da.Name, p.id, ErrBusy)
		}
	}
	for id := range ports {
		if ports[id] == nil {
			p := &Port{id: uint16(id), name: da.Name, devargs: da, driver: drv.Name(), dev: dev, mtu: deviceMTU(dev)}
			ports[id] = p
			return p, nil
		}
	}
	dev.Close()
	return nil, fmt.Errorf("ethdev: %s: all %d port ids in use: %w", da.Name, MaxPorts, ErrNoDevice)
}

// Attach makes a port of a device created through a driver's Go API rather than
// devargs (as rte_eth_from_rings does), named name, for driver driverName.
func Attach(name, driverName string, dev Device) (*Port, error) {
	da, err := ParseDevargs(name)
	if err != nil {
		return nil, err
	}
	portsMu.Lock()
	defer portsMu.Unlock()
	for _, p := range ports {
		if p != nil && p.name == da.Name {
			return nil, fmt.Errorf("ethdev: device %q already exists (port %d): %w", da.Name, p.id, ErrBusy)
		}
	}
	for id := range ports {
		if ports[id] == nil {
			p := &Port{id: uint16(id), name: da.Name, devargs: da, driver: driverName, dev: dev, mtu: deviceMTU(dev)}
			ports[id] = p
			return p, nil
		}
	}
	return nil, fmt.Errorf("ethdev: %s: all %d port ids in use: %w", da.Name, MaxPorts, ErrNoDevice)
}

func deviceMTU(dev Device) int {
	if g, ok := dev.(MTUGetter); ok {
		if m := g.MTU(); m > 0 {
			return m
		}
	}
	return EtherMTU
}

// CreateAll creates a port for each devargs string, in order (how an application
// probes its --vdev list). On error the ports created so far are closed.
func CreateAll(devargs []string) ([]*Port, error) {
	var out []*Port
	for _, d := range devargs {
		p, err := Create(d)
		if err != nil {
			for _, q := range out {
				q.Close()
			}
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Get returns port id, or nil if there is none.
func Get(id int) *Port {
	if id < 0 || id >= MaxPorts {
		return nil
	}
	portsMu.Lock()
	defer portsMu.Unlock()
	return ports[id]
}

// Ports returns the live ports in id order (RTE_ETH_FOREACH_DEV).
func Ports() []*Port {
	portsMu.Lock()
	defer portsMu.Unlock()
	var out []*Port
	for _, p := range ports {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// Count is the number of live ports (rte_eth_dev_count_avail).
func Count() int { return len(Ports()) }

func (p *Port) opErr(op string, q int, err error) error {
	return &OpError{Port: int(p.id), Queue: q, Op: op, Err: err}
}

// ID is the port id.
func (p *Port) ID() uint16 { return p.id }

// Name is the device name ("net_af_packet0").
func (p *Port) Name() string { return p.name }

// DriverName is the driver's name ("net_af_packet").
func (p *Port) DriverName() string { return p.driver }

// Devargs is the device's key=value arguments as given ("iface=veth0,qpairs=1").
func (p *Port) Devargs() string { return p.devargs.Args() }

// Device is the driver's device, for driver-specific extensions.
func (p *Port) Device() Device { return p.dev }

// Info reports the device's limits and capabilities.
func (p *Port) Info() DevInfo {
	info := p.dev.Info()
	info.DriverName = p.driver
	return info
}

// Started reports whether the port is started.
func (p *Port) Started() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state == stateStarted
}

// Configure sets the number of RX and TX queues and the port configuration
// (rte_eth_dev_configure). The port must not be started (ErrBusy); counts are
// checked against DevInfo (ErrInvalid). Queue handles obtained before stay valid
// but inert; get new ones.
func (p *Port) Configure(nbRxq, nbTxq int, conf *Config) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.state {
	case stateClosed:
		return p.opErr("configure", -1, ErrClosed)
	case stateStarted:
		return p.opErr("configure", -1, ErrBusy)
	}
	info := p.dev.Info()
	if nbRxq < 0 || nbTxq < 0 || nbRxq+nbTxq == 0 || nbRxq > info.MaxRxQueues || nbTxq > info.MaxTxQueues ||
		nbRxq > MaxQueuesPerPort || nbTxq > MaxQueuesPerPort {
		return p.opErr("configure", -1, fmt.Errorf("%w: %d RX / %d TX queues (max %d / %d)",
			ErrInvalid, nbRxq, nbTxq, info.MaxRxQueues, info.MaxTxQueues))
	}
	var c Config
	if conf != nil {
		c = *conf
	}
	if c.MTU == 0 {
		// Keep the current MTU (a kernel interface's) when the device can
		// take it, else DPDK's default.
		c.MTU = p.mtu
		if checkMTU(info, c.MTU) != nil {
			c.MTU = EtherMTU
		}
	}
	if err := checkMTU(info, c.MTU); err != nil {
		return p.opErr("configure", -1, err)
	}
	if c.RSS != nil && c.RSS.HF&^info.FlowTypeRSSOffloads != 0 {
		return p.opErr("configure", -1, fmt.Errorf("%w: RSS hash functions %#x not in supported %#x",
			ErrInvalid, c.RSS.HF, info.FlowTypeRSSOffloads))
	}
	if c.RxOffloads&^info.RxOffloadCapa != 0 || c.TxOffloads&^info.TxOffloadCapa != 0 {
		return p.opErr("configure", -1, fmt.Errorf("%w: offloads rx %#x tx %#x not in supported rx %#x tx %#x",
			ErrInvalid, c.RxOffloads, c.TxOffloads, info.RxOffloadCapa, info.TxOffloadCapa))
	}
	if err := p.dev.Configure(nbRxq, nbTxq, &c); err != nil {
		return p.opErr("configure", -1, err)
	}
	p.conf = c
	p.mtu = c.MTU
	p.addQueueStats(&p.retired)
	p.rxq = make([]*RxQueue, nbRxq)
	p.txq = make([]*TxQueue, nbTxq)
	for i := range p.rxq {
		p.rxq[i] = newRxQueue(p, i)
	}
	for i := range p.txq {
		p.txq[i] = newTxQueue(p, i)
	}
	p.rxReady = make([]RxBurster, nbRxq)
	p.txReady = make([]TxBurster, nbTxq)
	p.state = stateConfigured
	return nil
}

func checkMTU(info DevInfo, mtu int) error {
	lo, hi := info.MinMTU, info.MaxMTU
	if lo == 0 {
		lo = EtherMinMTU
	}
	if hi == 0 {
		hi = 9000
	}
	if mtu < lo || mtu > hi {
		return fmt.Errorf("%w: MTU %d not in %d..%d", ErrInvalid, mtu, lo, hi)
	}
	return nil
}

func descCount(n, def, lo, hi int) (int, error) {
	if n == 0 {
		n = def
		if n == 0 {
			n = FallbackRingSize
		}
	}
	if n < 0 || (lo > 0 && n < lo) || (hi > 0 && n > hi) {
		return 0, fmt.Errorf("%w: %d descriptors not in %d..%d", ErrInvalid, n, lo, hi)
	}
	return n, nil
}

// RxQueueSetup sets up RX queue q with nbDesc descriptors (0 = the driver's
// default, else 512) on NUMA node socket, filling mbufs from pool
// (rte_eth_rx_queue_setup). The port must be configured and not started.
func (p *Port) RxQueueSetup(q, nbDesc, socket int, conf *RxConf, pool *mempool.Pool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.checkQueueSetup(q, len(p.rxq)); err != nil {
		return p.opErr("rx_queue_setup", q, err)
	}
	if pool == nil || !pool.IsPktPool() {
		return p.opErr("rx_queue_setup", q, fmt.Errorf("%w: an mbuf pool is required", ErrInvalid))
	}
	info := p.dev.Info()
	n, err := descCount(nbDesc, info.DefaultRxDesc, info.MinRxDesc, info.MaxRxDesc)
	if err != nil {
		return p.opErr("rx_queue_setup", q, err)
	}
	var c RxConf
	if conf != nil {
		c = *conf
	}
	rxq := p.rxq[q]
	b, err := p.dev.RxQueueSetup(RxQueueParams{Port: p.id, Queue: q, NbDesc: n, Socket: socket, Conf: c, Pool: pool, Stats: &rxq.stats})
	if err != nil {
		return p.opErr("rx_queue_setup", q, err)
	}
	p.rxReady[q] = b
	return nil
}

// TxQueueSetup sets up TX queue q with nbDesc descriptors (0 = default)
// (rte_eth_tx_queue_setup). The port must be configured and not started.
func (p *Port) TxQueueSetup(q, nbDesc, socket int, conf *TxConf) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.checkQueueSetup(q, len(p.txq)); err != nil {
		return p.opErr("tx_queue_setup", q, err)
	}
	info := p.dev.Info()
	n, err := descCount(nbDesc, info.DefaultTxDesc, info.MinTxDesc, info.MaxTxDesc)
	if err != nil {
		return p.opErr("tx_queue_setup", q, err)
	}
	var c TxConf
	if conf != nil {
		c = *conf
	}
	txq := p.txq[q]
	b, err := p.dev.TxQueueSetup(TxQueueParams{Port: p.id, Queue: q, NbDesc: n, Socket: socket, Conf: c, Stats: &txq.stats})
	if err != nil {
		return p.opErr("tx_queue_setup", q, err)
	}
	p.txReady[q] = b
	return nil
}

func (p *Port) checkQueueSetup(q, nq int) error {
	switch p.state {
	case stateClosed:
		return ErrClosed
	case stateStarted:
		return ErrBusy
	case stateProbed:
		return ErrNotConfigured
	}
	if q < 0 || q >= nq {
		return fmt.Errorf("%w: queue %d of %d", ErrInvalid, q, nq)
	}
	return nil
}

// Start starts the port (rte_eth_dev_start): every configured queue must be set
// up. Starting a started port does nothing.
func (p *Port) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.state {
	case stateClosed:
		return p.opErr("start", -1, ErrClosed)
	case stateProbed:
		return p.opErr("start", -1, ErrNotConfigured)
	case stateStarted:
		return nil
	}
	for i, b := range p.rxReady {
		if b == nil {
			return p.opErr("start", i, fmt.Errorf("RX %w", ErrQueueNotSetUp))
		}
	}
	for i, b := range p.txReady {
		if b == nil {
			return p.opErr("start", i, fmt.Errorf("TX %w", ErrQueueNotSetUp))
		}
	}
	if err := p.dev.Start(); err != nil {
		return p.opErr("start", -1, err)
	}
	for i, q := range p.rxq {
		q.impl.Store(&rxImpl{p.rxReady[i]})
	}
	for i, q := range p.txq {
		q.impl.Store(&txImpl{p.txReady[i]})
	}
	p.state = stateStarted
	return nil
}

// Stop stops the port (rte_eth_dev_stop). Bursts on its queues return 0 from
// now on; stop polling first, as in DPDK, since a burst already running inside
// the driver is not waited for. Stopping a stopped port does nothing.
func (p *Port) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.state {
	case stateClosed:
		return p.opErr("stop", -1, ErrClosed)
	case stateStarted:
	default:
		return nil
	}
	for _, q := range p.rxq {
		q.impl.Store(&rxImpl{stoppedRx{q}})
	}
	for _, q := range p.txq {
		q.impl.Store(&txImpl{stoppedTx{q}})
	}
	p.state = stateConfigured
	if err := p.dev.Stop(); err != nil {
		return p.opErr("stop", -1, err)
	}
	return nil
}

// Close releases the port (rte_eth_dev_close): the driver frees every mbuf it
// held and the port id becomes free. The port must be stopped (ErrBusy).
// Closing a closed port does nothing.
func (p *Port) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.state {
	case stateClosed:
		return nil
	case stateStarted:
		return p.opErr("close", -1, ErrBusy)
	}
	err := p.dev.Close()
	p.state = stateClosed
	portsMu.Lock()
	if ports[p.id] == p {
		ports[p.id] = nil
	}
	portsMu.Unlock()
	if err != nil {
		return p.opErr("close", -1, err)
	}
	return nil
}

// NbRxQueues and NbTxQueues are the configured queue counts.
func (p *Port) NbRxQueues() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.rxq) }

// NbTxQueues is the configured number of TX queues.
func (p *Port) NbTxQueues() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.txq) }

// RxQueue returns the fast-path handle of RX queue q, or nil if q is not configured.
func (p *Port) RxQueue(q int) *RxQueue {
	p.mu.Lock()
	defer p.mu.Unlock()
	if q < 0 || q >= len(p.rxq) {
		return nil
	}
	return p.rxq[q]
}

// TxQueue returns the fast-path handle of TX queue q, or nil if q is not configured.
func (p *Port) TxQueue(q int) *TxQueue {
	p.mu.Lock()
	defer p.mu.Unlock()
	if q < 0 || q >= len(p.txq) {
		return nil
	}
	return p.txq[q]
}

// Stats returns the counters since the last ResetStats (rte_eth_stats_get).
func (p *Port) Stats() (Stats, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == stateClosed {
		return Stats{}, p.opErr("stats_get", -1, ErrClosed)
	}
	s := p.rawStats()
	s.sub(&p.statsBase)
	return s, nil
}

func (p *Port) rawStats() Stats {
	s := p.retired
	p.addQueueStats(&s)
	p.dev.Stats(&s)
	return s
}

// addQueueStats adds the counters of the current queues to s.
func (p *Port) addQueueStats(s *Stats) {
	for i, q := range p.rxq {
		pk, by, er := q.stats.Packets.Load(), q.stats.Bytes.Load(), q.stats.Errors.Load()
		s.IPackets += pk
		s.IBytes += by
		s.IErrors += er
		s.IMissed += q.stats.Missed.Load()
		s.RxNombuf += q.stats.Nombuf.Load()
		if i < QueueStatCounters {
			s.QIPackets[i] += pk
			s.QIBytes[i] += by
			s.QErrors[i] += er
		}
	}
	for i, q := range p.txq {
		pk, by, er := q.stats.Packets.Load(), q.stats.Bytes.Load(), q.stats.Errors.Load()
		s.OPackets += pk
		s.OBytes += by
		s.OErrors += er
		if i < QueueStatCounters {
			s.QOPackets[i] += pk
			s.QOBytes[i] += by
		}
	}
}

// ResetStats zeroes the counters Stats and XStats report (rte_eth_stats_reset).
func (p *Port) ResetStats() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == stateClosed {
		return p.opErr("stats_reset", -1, ErrClosed)
	}
	// One snapshot for both baselines, so that Stats and XStats agree after a
	// reset taken while traffic flows; per-queue names for every queue that has
	// counters, so that the baseline still applies after Configure adds queues.
	s := p.rawStats()
	p.statsBase = s
	p.xBase = p.dev.XStats(genericXStats(nil, &s, QueueStatCounters, QueueStatCounters))
	return nil
}

func (p *Port) rawXStats() []XStat {
	s := p.rawStats()
	x := genericXStats(nil, &s, len(p.rxq), len(p.txq))
	return p.dev.XStats(x)
}

// XStats returns the extended statistics since the last ResetStats: DPDK's generic
// names first (rx_good_packets, ...), per-queue ones, then the driver's.
func (p *Port) XStats() ([]XStat, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == stateClosed {
		return nil, p.opErr("xstats_get", -1, ErrClosed)
	}
	x := p.rawXStats()
	// By name: the per-queue names, and so the driver's positions, change with
	// the number of queues.
	base := make(map[string]uint64, len(p.xBase))
	for _, b := range p.xBase {
		base[b.Name] = b.Value
	}
	for i := range x {
		x[i].Value -= base[x[i].Name]
	}
	return x, nil
}

// XStat returns the extended statistic called name, or an error wrapping
// ErrInvalid if the port has none of that name.
func (p *Port) XStat(name string) (uint64, error) {
	xs, err := p.XStats()
	if err != nil {
		return 0, err
	}
	for _, x := range xs {
		if x.Name == name {
			return x.Value, nil
		}
	}
	return 0, p.opErr("xstats_get_by_name", -1, fmt.Errorf("%w: no xstat %q", ErrInvalid, name))
}

// Link returns the link state without waiting (rte_eth_link_get_nowait).
func (p *Port) Link() Link { return p.dev.Link() }

// WaitLink polls the link until it is up or timeout passes, and returns the last
// state (rte_eth_link_get waits like this, up to 9 s).
func (p *Port) WaitLink(timeout time.Duration) Link {
	deadline := time.Now().Add(timeout)
	for {
		l := p.dev.Link()
		if l.Up || time.Now().After(deadline) {
			return l
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// MACAddr is the port's MAC address (rte_eth_macaddr_get).
func (p *Port) MACAddr() MAC { return p.dev.MACAddr() }

// SetMACAddr sets the port's default MAC address.
func (p *Port) SetMACAddr(mac MAC) error {
	s, ok := p.dev.(MACSetter)
	if !ok {
		return p.opErr("mac_addr_set", -1, ErrNotSupported)
	}
	if err := s.SetMACAddr(mac); err != nil {
		return p.opErr("mac_addr_set", -1, err)
	}
	return nil
}

// Promiscuous reports whether promiscuous mode is on.
func (p *Port) Promiscuous() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.promisc }

// SetPromiscuous turns promiscuous mode on or off (rte_eth_promiscuous_enable /
// disable); ErrNotSupported if the driver cannot.
func (p *Port) SetPromiscuous(on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == stateClosed {
		return p.opErr("promiscuous", -1, ErrClosed)
	}
	s, ok := p.dev.(Promiscuouser)
	if !ok {
		return p.opErr("promiscuous", -1, ErrNotSupported)
	}
	if err := s.SetPromiscuous(on); err != nil {
		return p.opErr("promiscuous", -1, err)
	}
	p.promisc = on
	return nil
}

// AllMulticast reports whether all-multicast mode is on.
func (p *Port) AllMulticast() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.allmulti }

// SetAllMulticast turns all-multicast reception on or off.
func (p *Port) SetAllMulticast(on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.dev.(AllMulticaster)
	if !ok {
		return p.opErr("allmulticast", -1, ErrNotSupported)
	}
	if err := s.SetAllMulticast(on); err != nil {
		return p.opErr("allmulticast", -1, err)
	}
	p.allmulti = on
	return nil
}

// MTU is the port's MTU in bytes (L3 payload, without Ethernet header and CRC).
func (p *Port) MTU() int { p.mu.Lock(); defer p.mu.Unlock(); return p.mtu }

// SetMTU sets the MTU (rte_eth_dev_set_mtu), checked against DevInfo.
func (p *Port) SetMTU(mtu int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == stateClosed {
		return p.opErr("set_mtu", -1, ErrClosed)
	}
	if err := checkMTU(p.dev.Info(), mtu); err != nil {
		return p.opErr("set_mtu", -1, err)
	}
	if s, ok := p.dev.(MTUSetter); ok {
		if err := s.SetMTU(mtu); err != nil {
			return p.opErr("set_mtu", -1, err)
		}
	} else if mtu != p.mtu {
		return p.opErr("set_mtu", -1, ErrNotSupported)
	}
	p.mtu = mtu
	return nil
}

// SetLinkUp sets the link administratively up or down (rte_eth_dev_set_link_up/down).
func (p *Port) SetLinkUp(up bool) error {
	s, ok := p.dev.(LinkSetter)
	if !ok {
		return p.opErr("set_link", -1, ErrNotSupported)
	}
	if err := s.SetLinkUp(up); err != nil {
		return p.opErr("set_link", -1, err)
	}
	return nil
}

// CloseAll stops and closes every port (for application shutdown), returning the
// errors joined.
func CloseAll() error {
	var errs []error
	for _, p := range Ports() {
		errs = append(errs, p.Stop(), p.Close())
	}
	return errors.Join(errs...)
}
