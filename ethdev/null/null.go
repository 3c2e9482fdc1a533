// Package null is the net_null poll-mode driver: a port with no wire. RX makes
// size-byte packets out of nothing on every burst, as fast as the pool allows; TX
// frees what it is given and counts it. It is DPDK's net_null, for measuring the
// cost of everything but I/O and for tests.
//
// Devargs (as DPDK's): size=N (packet length, default 64), copy=0|1 (RX writes
// the payload, TX reads it; default 0), no-rx=0|1 (RX returns nothing).
//
//	ethdev.Create("net_null0,size=64")
package null

import (
	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
)

// DriverName is the PMD name device names start with.
const DriverName = "net_null"

func init() { ethdev.Register(driver{}) }

type driver struct{}

func (driver) Name() string { return DriverName }

func (driver) Probe(args *ethdev.Devargs) (ethdev.Device, error) {
	if err := args.CheckKeys("size", "copy", "no-rx"); err != nil {
		return nil, err
	}
	size, err := args.Int("size", 64, 1, 65535)
	if err != nil {
		return nil, err
	}
	cp, err := args.Bool("copy", false)
	if err != nil {
		return nil, err
	}
	norx, err := args.Bool("no-rx", false)
	if err != nil {
		return nil, err
	}
	return &device{size: size, copy: cp, noRx: norx, mac: ethdev.MAC{0x02, 0, 0, 0, 0, 0}}, nil
}

type device struct {
	size    int
	copy    bool
	noRx    bool
	mac     ethdev.MAC
	rxq     []*rxQueue
	txq     []*txQueue
	started bool
}

func (d *device) Info() ethdev.DevInfo {
	return ethdev.DevInfo{
		MaxRxQueues: 1024, MaxTxQueues: 1024,
		MinRxDesc: 1, MaxRxDesc: 65535, MinTxDesc: 1, MaxTxDesc: 65535,
		MaxMTU: 65535 - ethdev.EtherHdrLen, MaxRxPktLen: 65535, Socket: -1,
	}
}

func (d *device) Configure(nbRxq, nbTxq int, conf *ethdev.Config) error {
	d.releaseQueues()
	d.rxq = make([]*rxQueue, nbRxq)
	d.txq = make([]*txQueue, nbTxq)
	return nil
}

func (d *device) releaseQueues() {
	for _, q := range d.rxq {
		if q != nil {
			q.cache.Close()
		}
	}
	for _, q := range d.txq {
		if q != nil {
			q.caches.Close()
		}
	}
}

func (d *device) RxQueueSetup(p ethdev.RxQueueParams) (ethdev.RxBurster, error) {
	if old := d.rxq[p.Queue]; old != nil {
		old.cache.Close()
	}
	q := &rxQueue{dev: d, pool: p.Pool, cache: p.Pool.NewCache(), port: p.Port, stats: p.Stats}
	d.rxq[p.Queue] = q
	return q, nil
}

func (d *device) TxQueueSetup(p ethdev.TxQueueParams) (ethdev.TxBurster, error) {
	if old := d.txq[p.Queue]; old != nil {
		old.caches.Close()
	}
	q := &txQueue{dev: d}
	d.txq[p.Queue] = q
	return q, nil
}

func (d *device) Start() error { d.started = true; return nil }
func (d *device) Stop() error  { d.started = false; return nil }
func (d *device) Close() error {
	d.releaseQueues()
	d.rxq, d.txq = nil, nil
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
	dev   *device
	pool  *mempool.Pool
	cache *mempool.Cache
	port  uint16
	stats *ethdev.QueueStats
}

// RxBurst fabricates len(pkts) packets of the configured size, or as many as the
// pool has (counting rx_nombuf when it runs dry).
func (q *rxQueue) RxBurst(pkts []*mempool.Mbuf) int {
	if q.dev.noRx || len(pkts) == 0 {
		return 0
	}
	if err := q.pool.AllocBulk(q.cache, pkts); err != nil {
		q.stats.Nombuf.Add(uint64(len(pkts)))
		return 0
	}
	for _, m := range pkts {
		if m.SetLen(q.dev.size) != nil {
			m.SetLen(m.BufLen() - m.DataOff())
		}
		m.SetPort(q.port)
		if q.dev.copy {
			clear(m.Data())
		}
	}
	return len(pkts)
}

type txQueue struct {
	dev    *device
	caches mempool.CacheSet
	sink   byte
}

// TxBurst accepts and frees every packet.
func (q *txQueue) TxBurst(pkts []*mempool.Mbuf) int {
	if q.dev.copy {
		for _, m := range pkts {
			if d := m.Data(); len(d) > 0 {
				q.sink ^= d[0] ^ d[len(d)-1]
			}
		}
	}
	q.caches.FreeBulk(pkts)
	return len(pkts)
}
