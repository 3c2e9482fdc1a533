// Package ring is the net_ring poll-mode driver: ports whose queues are lock-free
// rings of mbuf pointers in this process (DPDK's net_ring / rte_eth_from_rings).
// Nothing is copied: TX enqueues the mbuf itself and RX dequeues it, so ownership
// moves from the sender to the receiver.
//
// A port created from devargs ("net_ring0") is a loopback: queue q's TX ring is its
// RX ring, so what it sends it receives. Pair creates two ports wired back to back,
// the usual fixture for testing forwarding code without a kernel.
//
// Devargs: size=N (ring slots per queue, a power of two, default 1024),
// queues=N (rings to create, default 16, as DPDK's RTE_PMD_RING_MAX_RX_RINGS).
package ring

import (
	"fmt"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
	dpkring "github.com/dpk-go/dpk/ring"
)

// DriverName is the PMD name device names start with.
const DriverName = "net_ring"

const (
	defaultSize   = 1024
	defaultQueues = 16
)

func init() { ethdev.Register(driver{}) }

type driver struct{}

func (driver) Name() string { return DriverName }

func (driver) Probe(args *ethdev.Devargs) (ethdev.Device, error) {
	if err := args.CheckKeys("size", "queues"); err != nil {
		return nil, err
	}
	size, err := args.Int("size", defaultSize, 2, 1<<20)
	if err != nil {
		return nil, err
	}
	if size&(size-1) != 0 {
		return nil, &ethdev.DevargsError{Device: args.Name, Key: "size", Value: fmt.Sprint(size), Err: fmt.Errorf("%w: must be a power of two", ethdev.ErrBadValue)}
	}
	nq, err := args.Int("queues", defaultQueues, 1, 1024)
	if err != nil {
		return nil, err
	}
	rings, err := newRings(args.Name, nq, size)
	if err != nil {
		return nil, err
	}
	return newDevice(rings, rings, ethdev.MAC{0x02, 0x70, 0x63, 0x61, 0x70, 0x00}), nil
}

// Ring is the ring type net_ring queues use.
type Ring = dpkring.Ring[*mempool.Mbuf]

func newRings(name string, n, size int) ([]*Ring, error) {
	rs := make([]*Ring, n)
	for i := range rs {
		r, err := dpkring.New[*mempool.Mbuf](fmt.Sprintf("ETH_RXTX%d_%s", i, name), size, dpkring.SPEnq|dpkring.SCDeq)
		if err != nil {
			return nil, err
		}
		rs[i] = r
	}
	return rs, nil
}

// FromRings creates a port named name (e.g. "net_ring_a") whose RX queue q
// dequeues from rx[q] and TX queue q enqueues to tx[q] (rte_eth_from_rings). The
// rings must be single-producer/single-consumer safe for one lcore per queue.
func FromRings(name string, rx, tx []*Ring) (*ethdev.Port, error) {
	if len(rx) == 0 && len(tx) == 0 {
		return nil, fmt.Errorf("net_ring %s: no rings: %w", name, ethdev.ErrInvalid)
	}
	return ethdev.Attach(name, DriverName, newDevice(rx, tx, ethdev.MAC{0x02, 0x70, 0x63, 0x61, 0x70, 0x00}))
}

// Pair creates two ports, nameA and nameB, each with queues queue pairs of
// size-slot rings, wired back to back: what A sends on queue q, B receives on
// queue q, and the other way.
func Pair(nameA, nameB string, queues, size int) (a, b *ethdev.Port, err error) {
	ab, err := newRings(nameA+"_to_"+nameB, queues, size)
	if err != nil {
		return nil, nil, err
	}
	ba, err := newRings(nameB+"_to_"+nameA, queues, size)
	if err != nil {
		return nil, nil, err
	}
	a, err = ethdev.Attach(nameA, DriverName, newDevice(ba, ab, ethdev.MAC{0x02, 0x70, 0x63, 0x61, 0x70, 0x0a}))
	if err != nil {
		return nil, nil, err
	}
	b, err = ethdev.Attach(nameB, DriverName, newDevice(ab, ba, ethdev.MAC{0x02, 0x70, 0x63, 0x61, 0x70, 0x0b}))
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, b, nil
}

type device struct {
	rx, tx  []*Ring
	mac     ethdev.MAC
	started bool
	nrx     int
}

func newDevice(rx, tx []*Ring, mac ethdev.MAC) *device {
	return &device{rx: rx, tx: tx, mac: mac}
}

func (d *device) Info() ethdev.DevInfo {
	return ethdev.DevInfo{
		MaxRxQueues: len(d.rx), MaxTxQueues: len(d.tx),
		MaxMTU: 65535 - ethdev.EtherHdrLen, MaxRxPktLen: 65535, Socket: -1,
	}
}

func (d *device) Configure(nbRxq, nbTxq int, conf *ethdev.Config) error {
	d.nrx = nbRxq
	return nil
}

func (d *device) RxQueueSetup(p ethdev.RxQueueParams) (ethdev.RxBurster, error) {
	return &rxQueue{r: d.rx[p.Queue], port: p.Port}, nil
}

func (d *device) TxQueueSetup(p ethdev.TxQueueParams) (ethdev.TxBurster, error) {
	return &txQueue{r: d.tx[p.Queue], stats: p.Stats}, nil
}

func (d *device) Start() error { d.started = true; return nil }
func (d *device) Stop() error  { d.started = false; return nil }

// Close frees the mbufs waiting in the port's RX rings: they were handed over by a
// sender and nobody else will receive them.
func (d *device) Close() error {
	var buf [64]*mempool.Mbuf
	for _, r := range d.rx {
		for {
			n := r.DequeueBurst(buf[:])
			if n == 0 {
				break
			}
			mempool.FreeBulk(buf[:n])
		}
	}
	return nil
}

func (d *device) Link() ethdev.Link {
	return ethdev.Link{Speed: ethdev.Speed10G, FullDuplex: true, Up: d.started}
}

func (d *device) MACAddr() ethdev.MAC                    { return d.mac }
func (d *device) SetMACAddr(m ethdev.MAC) error          { d.mac = m; return nil }
func (d *device) SetPromiscuous(bool) error              { return nil }
func (d *device) SetAllMulticast(bool) error             { return nil }
func (d *device) SetMTU(int) error                       { return nil }
func (d *device) Stats(*ethdev.Stats)                    {}
func (d *device) XStats(x []ethdev.XStat) []ethdev.XStat { return x }

type rxQueue struct {
	r    *Ring
	port uint16
}

func (q *rxQueue) RxBurst(pkts []*mempool.Mbuf) int {
	n := q.r.DequeueBurst(pkts)
	for _, m := range pkts[:n] {
		m.SetPort(q.port)
	}
	return n
}

type txQueue struct {
	r     *Ring
	stats *ethdev.QueueStats
}

// TxBurst enqueues as many as fit; the rest stay the caller's.
func (q *txQueue) TxBurst(pkts []*mempool.Mbuf) int {
	return q.r.EnqueueBurst(pkts)
}
