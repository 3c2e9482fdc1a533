package ethdev

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/dpk-go/dpk/mempool"
)

// Driver is a poll-mode driver (PMD): it creates devices from devargs. Drivers
// register themselves with Register in an init function; applications
// blank-import the drivers they want.
type Driver interface {
	// Name is the driver name that device names start with ("net_af_packet").
	Name() string
	// Probe creates the device described by args (args.Name is the full device
	// name, e.g. "net_af_packet0"). It must reject unknown keys (Devargs.CheckKeys).
	Probe(args *Devargs) (Device, error)
}

// Device is what a PMD implements for one port. ethdev.Port calls it from the
// control path only, under the port's lock and in a valid state, so a Device needs
// no state checks of its own: Configure and queue setup happen while stopped, Start
// only after every queue is set up, Close only when stopped.
type Device interface {
	// Info reports limits and capabilities. It may be called in any state.
	Info() DevInfo
	// Configure sets the number of queues and the port configuration; queues set
	// up earlier are released.
	Configure(nbRxq, nbTxq int, conf *Config) error
	// RxQueueSetup creates RX queue p.Queue that fills mbufs from p.Pool.
	RxQueueSetup(p RxQueueParams) (RxBurster, error)
	// TxQueueSetup creates TX queue p.Queue.
	TxQueueSetup(p TxQueueParams) (TxBurster, error)
	// Start starts the device; bursts follow.
	Start() error
	// Stop stops the device. No burst runs during or after Stop. Mbufs the
	// device holds (posted RX buffers, TX not yet completed) may stay with it until
	// Close or the next Configure, which must return them to their pools.
	Stop() error
	// Close releases everything; every mbuf the device held is freed.
	Close() error
	// Link reports the link state without waiting.
	Link() Link
	// MACAddr is the port's MAC address.
	MACAddr() MAC
	// Stats adds the device's own counters (IMissed, IErrors, OErrors, RxNombuf
	// not counted per queue, ...) to s. Counters must only grow.
	Stats(s *Stats)
	// XStats appends driver-specific extended statistics (monotonic counters).
	XStats(dst []XStat) []XStat
}

// Optional Device interfaces; without them the operation fails with ErrNotSupported.
type (
	Promiscuouser  interface{ SetPromiscuous(on bool) error }
	AllMulticaster interface{ SetAllMulticast(on bool) error }
	MTUSetter      interface{ SetMTU(mtu int) error }
	MACSetter      interface{ SetMACAddr(mac MAC) error }
	LinkSetter     interface{ SetLinkUp(up bool) error }
	// MTUGetter reports the device's current MTU (a kernel interface's), which
	// Port then starts from instead of EtherMTU.
	MTUGetter interface{ MTU() int }
)

// RxBurster is a driver's RX queue fast path.
type RxBurster interface {
	// RxBurst receives up to len(pkts) packets into pkts[:n] and returns n. It never
	// blocks and never allocates; the caller owns the returned mbufs.
	RxBurst(pkts []*mempool.Mbuf) int
}

// TxBurster is a driver's TX queue fast path.
type TxBurster interface {
	// TxBurst sends pkts[:k] and returns k (0..len(pkts)); it owns those k mbufs
	// from then on (and frees them when done). pkts[k:] stay the caller's.
	TxBurst(pkts []*mempool.Mbuf) int
}

// RxQueueParams is what RX queue setup gives a driver.
type RxQueueParams struct {
	Port   uint16        // the port id, to stamp on received mbufs (Mbuf.SetPort)
	Queue  int           // queue index
	NbDesc int           // ring size, already defaulted and range-checked against DevInfo
	Socket int           // NUMA node for queue memory
	Conf   RxConf        // per-queue configuration
	Pool   *mempool.Pool // where receive buffers come from
	Stats  *QueueStats   // the queue's counters: the driver adds Errors, Missed, Nombuf
}

// TxQueueParams is what TX queue setup gives a driver.
type TxQueueParams struct {
	Port   uint16
	Queue  int
	NbDesc int
	Socket int
	Conf   TxConf
	Stats  *QueueStats // the driver adds Errors
}

var (
	driversMu sync.RWMutex
	drivers   = map[string]Driver{}
)

// Register makes a driver available to Create. It panics if the name is empty or
// already registered (a programming error, found at init).
func Register(d Driver) {
	driversMu.Lock()
	defer driversMu.Unlock()
	name := d.Name()
	if name == "" {
		panic("ethdev: Register of a driver without a name")
	}
	if _, dup := drivers[name]; dup {
		panic("ethdev: Register called twice for driver " + name)
	}
	drivers[name] = d
}

// Drivers lists the registered driver names, sorted.
func Drivers() []string {
	driversMu.RLock()
	defer driversMu.RUnlock()
	names := make([]string, 0, len(drivers))
	for n := range drivers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// findDriver returns the driver whose name is the longest prefix of devName
// (DPDK matches "net_ring0" to driver "net_ring").
func findDriver(devName string) (Driver, error) {
	driversMu.RLock()
	defer driversMu.RUnlock()
	var best Driver
	for n, d := range drivers {
		if strings.HasPrefix(devName, n) && (best == nil || len(n) > len(best.Name())) {
			best = d
		}
	}
	if best == nil {
		known := make([]string, 0, len(drivers))
		for n := range drivers {
			known = append(known, n)
		}
		sort.Strings(known)
		return nil, fmt.Errorf("%w: no driver for device %q (registered: %s; blank-import the driver package)",
			ErrNoDevice, devName, strings.Join(known, ", "))
	}
	return best, nil
}
