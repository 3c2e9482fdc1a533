package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
)

// BusyPollEnv names the environment variable that makes forwarding lcores
// busy-poll ("1"), as DPDK's do, instead of idling adaptively (eal.Backoff) when
// their queues are empty. Benchmarks set it; the default suits small machines.
const BusyPollEnv = "DPK_BUSY_POLL"

// Pool sizing, as DPDK testpmd's: RTE_TEST_RX_DESC_MAX + lcores * cache +
// RTE_TEST_TX_DESC_MAX + MAX_PKT_BURST mbufs per port, for RTE_MAX_ETHPORTS
// ports. That is about 160k mbufs (350 MB); dpk caps the default at
// maxDefaultMbufs (about 75 MB), which --total-num-mbufs overrides.
const (
	testRxDescMax   = 2048
	testTxDescMax   = 2048
	maxDefaultMbufs = 32768
	linkWaitMax     = 9 * time.Second // rte_eth_link_get's longest wait
	flushRounds     = 2
)

// env is what run needs from the process, so that tests can drive it.
type env struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	signals <-chan os.Signal
	getenv  func(string) string
	// started, when set, is called once the forwarding lcores run.
	started func()
}

// exitError is an error that ends run with a message and exit status 1.
type exitError struct{ msg string }

func (e *exitError) Error() string { return e.msg }

func fail(format string, args ...any) error {
	return &exitError{msg: fmt.Sprintf(format, args...)}
}

// app is one testpmd run.
type app struct {
	ev   env
	out  io.Writer
	e    *eal.EAL
	o    options
	busy bool

	pool     *mempool.Pool
	allPorts []*ethdev.Port
	ports    []*fwdPort // forwarding ports, in forwarding order
	streams  []*stream
	lcores   []*fwdLcore
	workers  []*eal.Lcore // the lcores running lcores[i]
	stop     atomic.Bool
}

// run is testpmd's main: EAL options, "--", testpmd options. It returns the exit
// status.
func run(args []string, ev env) int {
	if ev.getenv == nil {
		ev.getenv = os.Getenv
	}
	e, appArgs, err := eal.Init(args)
	if err != nil {
		fmt.Fprintf(ev.stderr, "testpmd: %v\n", err)
		return 1
	}
	defer e.Cleanup()
	if e.Config().Help {
		fmt.Fprint(ev.stdout, eal.Usage())
		return 0
	}
	o, err := parseOptions(appArgs)
	if err != nil {
		fmt.Fprintf(ev.stderr, "testpmd: %v\n", err)
		var oe *optionError
		if errors.As(err, &oe) && oe.unknown {
			fmt.Fprintf(ev.stderr, "Run 'testpmd [EAL options] -- --help' for the testpmd options.\n")
		}
		return 1
	}
	if o.help {
		fmt.Fprint(ev.stdout, usageText)
		return 0
	}
	a := &app{ev: ev, out: ev.stdout, e: e, o: o, busy: ev.getenv(BusyPollEnv) == "1"}
	status := 0
	if err := a.main(); err != nil {
		fmt.Fprintf(ev.stderr, "testpmd: %v\n", err)
		status = 1
	}
	if code := a.shutdown(); code != 0 {
		status = code
	}
	return status
}

func (a *app) printf(format string, args ...any) { fmt.Fprintf(a.out, format, args...) }

// main sets up ports, pool, streams and lcores, forwards until told to stop, and
// prints the forwarding statistics.
func (a *app) main() error {
	o := &a.o
	if o.modeSet {
		a.printf("Set %s packet forwarding mode\n", o.mode)
	}
	if _, err := ethdev.CreateAll(a.e.Vdevs()); err != nil {
		return fail("%v", err)
	}
	a.allPorts = ethdev.Ports()
	if len(a.allPorts) == 0 {
		fmt.Fprintf(a.ev.stderr, "testpmd: No probed ethernet devices\n")
	}
	if err := a.selectPorts(); err != nil {
		return err
	}
	workers := a.e.Workers()
	if len(workers) == 0 {
		return fail("No cores defined for forwarding\nCheck the core mask argument")
	}
	nbCores := o.nbCores
	if nbCores == 0 {
		nbCores = 1
	}
	if nbCores > len(workers) {
		return fail("nb-cores should be > 0 and <= %d", len(workers))
	}
	if err := a.createPool(len(a.e.Lcores())); err != nil {
		return err
	}
	if o.topo == topoPaired && len(a.ports)%2 == 1 {
		a.printf("%s", oddPairedWarning)
	}
	if err := a.startPorts(); err != nil {
		return err
	}
	a.printf("No commandline core given, start packet forwarding\n")
	a.setupStreams(workers, nbCores)
	if !o.noFlushRx {
		a.flushRx()
	}
	a.banner(nbCores).write(a.out)
	for _, p := range a.ports {
		p.base, _ = p.port.Stats()
	}
	for i, lc := range a.lcores {
		if err := workers[i].Launch(lc.run); err != nil {
			a.stopLcores()
			return fail("launching forwarding on lcore %d: %v", workers[i].ID(), err)
		}
		a.workers = append(a.workers, workers[i])
	}
	if a.ev.started != nil {
		a.ev.started()
	}
	a.wait()
	a.printf("Telling cores to stop...\n")
	a.printf("Waiting for lcores to finish...\n")
	if err := a.stopLcores(); err != nil {
		fmt.Fprintf(a.ev.stderr, "testpmd: %v\n", err)
	}
	var buf bytes.Buffer
	a.writeFwdStats(&buf)
	buf.WriteString("\nDone.\n")
	a.out.Write(buf.Bytes())
	return nil
}

// selectPorts picks the forwarding ports: every port, or those in --portmask,
// limited to the first --nb-ports.
func (a *app) selectPorts() error {
	o := &a.o
	var sel []*ethdev.Port
	if o.portmask != 0 {
		for bit := 0; bit < 64; bit++ {
			if o.portmask&(1<<bit) == 0 {
				continue
			}
			p := ethdev.Get(bit)
			if p == nil {
				return &optionError{option: "--portmask", value: fmt.Sprintf("%#x", o.portmask),
					err: fmt.Errorf("port %d does not exist (%d ports)", bit, len(a.allPorts))}
			}
			sel = append(sel, p)
		}
	} else {
		sel = a.allPorts
	}
	if o.nbPorts > 0 {
		if o.nbPorts > len(sel) {
			return &optionError{option: "--nb-ports", value: fmt.Sprint(o.nbPorts),
				err: fmt.Errorf("must be between 1 and %d (the number of ports)", len(sel))}
		}
		sel = sel[:o.nbPorts]
	}
	for _, p := range sel {
		a.ports = append(a.ports, &fwdPort{id: p.ID(), port: p, peer: o.peerMAC(p.ID())})
	}
	return nil
}

// portSocket is the NUMA node testpmd shows for a port: the device's, or 0 when
// unknown, as DPDK's testpmd does for SOCKET_ID_ANY.
func portSocket(p *ethdev.Port) int {
	if s := p.Info().Socket; s >= 0 {
		return s
	}
	return 0
}

func (a *app) createPool(nbLcores int) error {
	o := &a.o
	n := o.totalMbufs
	if n == 0 {
		n = min((testRxDescMax+nbLcores*defaultMbufCache+testTxDescMax+maxBurst)*ethdev.MaxPorts, maxDefaultMbufs)
	}
	room := o.mbufSize
	for i, s := range o.txpkts {
		if s > room-mempool.DefaultHeadroom {
			return &optionError{option: "--txpkts", value: fmt.Sprint(s),
				err: fmt.Errorf("segment %d of %d bytes does not fit an mbuf (data room %d - headroom %d)", i, s, room, mempool.DefaultHeadroom)}
		}
	}
	socket := 0
	if len(a.ports) > 0 {
		socket = portSocket(a.ports[0].port)
	}
	name := fmt.Sprintf("mb_pool_%d", socket)
	fmt.Fprintf(a.ev.stderr, "testpmd: create a new mbuf pool <%s>: n=%d, size=%d, socket=%d\n", name, n, room, socket)
	fmt.Fprintf(a.ev.stderr, "testpmd: preferred mempool ops selected: ring_mp_mc\n")
	pool, err := mempool.NewPktPool(name, mempool.PktPoolConfig{
		N:            n,
		CacheSize:    min(defaultMbufCache, n*2/3),
		DataRoomSize: room,
		Socket:       socket,
		Memory:       a.e.Memory(),
	})
	if err != nil {
		return fail("Creation of mbuf pool for socket %d failed: %v", socket, err)
	}
	a.pool = pool
	return nil
}

// startPorts configures, sets up and starts every probed port (DPDK's
// start_port(RTE_PORT_ALL)), waits for the links and turns promiscuous mode on.
func (a *app) startPorts() error {
	o := &a.o
	for _, p := range a.allPorts {
		socket := portSocket(p)
		a.printf("Configuring Port %d (socket %d)\n", p.ID(), socket)
		var conf ethdev.Config
		if o.rxq > 1 && !o.disableRSS {
			if hf := rssIP & p.Info().FlowTypeRSSOffloads; hf != 0 {
				conf.RSS = &ethdev.RSSConf{HF: hf}
			}
		}
		if err := p.Configure(o.rxq, o.txq, &conf); err != nil {
			return fail("Fail to configure port %d: %v", p.ID(), err)
		}
		for q := 0; q < o.rxq; q++ {
			if err := p.RxQueueSetup(q, o.rxd, socket, nil, a.pool); err != nil {
				return fail("Fail to configure port %d rx queues: %v", p.ID(), err)
			}
		}
		for q := 0; q < o.txq; q++ {
			if err := p.TxQueueSetup(q, o.txd, socket, nil); err != nil {
				return fail("Fail to configure port %d tx queues: %v", p.ID(), err)
			}
		}
		if err := p.Start(); err != nil {
			return fail("Fail to start port %d: %v", p.ID(), err)
		}
		a.printf("Port %d: %s\n", p.ID(), p.MACAddr())
	}
	a.printf("Checking link statuses...\n")
	deadline := time.Now().Add(linkWaitMax)
	for _, p := range a.allPorts {
		p.WaitLink(time.Until(deadline))
	}
	a.printf("Done\n")
	for _, p := range a.allPorts {
		if err := p.SetPromiscuous(true); err != nil {
			msg := err.Error()
			if errors.Is(err, ethdev.ErrNotSupported) {
				msg = "Operation not supported"
			}
			fmt.Fprintf(a.ev.stderr, "Error during enabling promiscuous mode for port %d: %s - ignore\n", p.ID(), msg)
		}
	}
	for _, fp := range a.ports {
		fp.socket = portSocket(fp.port)
		fp.mac = fp.port.MACAddr()
	}
	return nil
}

// rssIP is RTE_ETH_RSS_IP, what testpmd hashes on when --rxq > 1.
const rssIP = 0xa38c

// setupStreams builds the streams and spreads them over the first nbCores workers.
func (a *app) setupStreams(workers []*eal.Lcore, nbCores int) {
	o := &a.o
	nq := min(o.rxq, o.txq)
	for _, sp := range buildStreams(len(a.ports), nq, o.topo) {
		rx, tx := a.ports[sp.rx], a.ports[sp.tx]
		fs := &stream{
			rxPort: int(rx.id), rxQueue: sp.queue, txPort: int(tx.id), txQueue: sp.queue,
			rxq: rx.port.RxQueue(sp.queue), txq: tx.port.TxQueue(sp.queue),
			peer: tx.peer, txMAC: tx.mac,
		}
		if o.mode == modeTxOnly {
			fs.tmpl = buildTxTemplate(txParams{
				src: tx.mac, dst: tx.peer, ipSrc: o.txIPSrc, ipDst: o.txIPDst,
				udpSrc: o.txUDPSrc, udpDst: o.txUDPDst, length: o.txPktLen(),
			})
		}
		a.streams = append(a.streams, fs)
	}
	next := 0
	for i, n := range spreadStreams(len(a.streams), nbCores) {
		w := workers[i]
		lc := newFwdLcore(w.ID(), w.Socket(), a.streams[next:next+n], o, a.pool, &a.stop)
		lc.busy = a.busy
		a.lcores = append(a.lcores, lc)
		next += n
	}
}

// flushRx drops what waits in the forwarding ports' RX queues before
// forwarding starts (DPDK's flush_fwd_rx_queues), unless --no-flush-rx.
func (a *app) flushRx() {
	pkts := make([]*mempool.Mbuf, maxBurst)
	for round := 0; round < flushRounds; round++ {
		for _, p := range a.ports {
			for q := 0; q < a.o.rxq; q++ {
				rxq := p.port.RxQueue(q)
				deadline := time.Now().Add(time.Second)
				for time.Now().Before(deadline) {
					n := rxq.RxBurst(pkts)
					if n == 0 {
						break
					}
					mempool.FreeBulk(pkts[:n])
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (a *app) banner(nbCores int) *banner {
	o := &a.o
	b := &banner{
		mode: o.mode, nbPorts: len(a.ports), nbStreams: len(a.streams), nbFwdCores: nbCores,
		burst: o.burst, txPktLen: o.txPktLen(), txSegs: len(o.txpkts),
	}
	socketOf := map[int]int{}
	for _, p := range a.ports {
		socketOf[int(p.id)] = p.socket
		b.ports = append(b.ports, bannerPort{id: int(p.id), rxq: o.rxq, txq: o.txq, rxd: o.rxd, txd: o.txd})
	}
	for _, lc := range a.lcores {
		bl := bannerLcore{id: lc.id, socket: lc.socket}
		for _, fs := range lc.streams {
			bl.streams = append(bl.streams, bannerStream{
				rxPort: fs.rxPort, rxQueue: fs.rxQueue, rxSocket: socketOf[fs.rxPort],
				txPort: fs.txPort, txQueue: fs.txQueue, txSocket: socketOf[fs.txPort], peer: fs.peer,
			})
		}
		b.lcores = append(b.lcores, bl)
	}
	return b
}

// wait blocks until forwarding should stop: one byte (or EOF) on stdin, or, with
// --stats-period, printing statistics every period; and in both cases SIGINT or
// SIGTERM.
func (a *app) wait() {
	if a.o.statsPeriod > 0 {
		a.showPortStats()
		t := time.NewTicker(time.Duration(a.o.statsPeriod) * time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				a.showPortStats()
			case s := <-a.ev.signals:
				a.signalled(s)
				return
			}
		}
	}
	a.printf("Press enter to exit\n")
	done := make(chan struct{})
	go func() {
		var b [1]byte
		if a.ev.stdin != nil {
			io.ReadFull(a.ev.stdin, b[:]) // one byte, EOF or an error
		}
		close(done)
	}()
	select {
	case <-done:
	case s := <-a.ev.signals:
		a.signalled(s)
	}
}

func (a *app) signalled(s os.Signal) {
	n := 0
	if sig, ok := s.(syscall.Signal); ok {
		n = int(sig)
	}
	a.printf("\nSignal %d received, preparing to exit...\n", n)
}

// showPortStats clears the screen and prints every forwarding port's NIC
// statistics, as testpmd does every --stats-period seconds.
func (a *app) showPortStats() {
	var buf bytes.Buffer
	buf.WriteString(clearScreen)
	buf.WriteString(portStatsHeader)
	now := time.Now()
	for _, p := range a.ports {
		s, err := p.port.Stats()
		if err != nil {
			continue
		}
		writeNICStats(&buf, int(p.id), &s, p.shown.update(&s, now))
	}
	a.out.Write(buf.Bytes())
}

// stopLcores tells the forwarding lcores to stop and waits for them.
func (a *app) stopLcores() error {
	a.stop.Store(true)
	var errs []error
	for _, w := range a.workers {
		if err := w.Wait(); err != nil {
			errs = append(errs, err)
		}
	}
	a.workers = nil
	return errors.Join(errs...)
}

// writeFwdStats writes the per-stream (several queues only), per-port and
// accumulated forwarding statistics since forwarding started.
func (a *app) writeFwdStats(w io.Writer) {
	dropped := map[int]uint64{}
	for _, fs := range a.streams {
		if len(a.streams) > len(a.ports) {
			writeStreamStats(w, fs)
		}
		dropped[fs.txPort] += fs.dropped
	}
	var total fwdStats
	for _, p := range a.ports {
		cur, err := p.port.Stats()
		if err != nil {
			continue
		}
		s := portFwdStats(&cur, &p.base, dropped[int(p.id)])
		writeFwdPortStats(w, int(p.id), s)
		total.add(s)
	}
	writeAccumulated(w, total)
}

// shutdown stops and closes every port, checks that every mbuf came back to the
// pool and says goodbye. It returns a non-zero status on a leak.
func (a *app) shutdown() int {
	if len(a.workers) > 0 {
		a.stopLcores()
	}
	status := 0
	for _, p := range a.allPorts {
		a.printf("\nStopping port %d...\nStopping ports...\n", p.ID())
		if err := p.Stop(); err != nil {
			fmt.Fprintf(a.ev.stderr, "testpmd: stopping port %d: %v\n", p.ID(), err)
		}
		a.printf("Done\n")
	}
	for _, p := range a.allPorts {
		a.printf("\nShutting down port %d...\nClosing ports...\n", p.ID())
		if err := p.Close(); err != nil {
			fmt.Fprintf(a.ev.stderr, "testpmd: closing port %d: %v\n", p.ID(), err)
		} else {
			a.printf("Port %d is closed\n", p.ID())
		}
		a.printf("Done\n")
	}
	if a.pool != nil {
		if n := a.pool.InUse(); n != 0 {
			fmt.Fprintf(a.ev.stderr, "testpmd: mbuf leak: %d mbufs not returned\n", n)
			status = 1
		} else if err := a.pool.Close(); err != nil {
			fmt.Fprintf(a.ev.stderr, "testpmd: %v\n", err)
		}
	}
	a.printf("\nBye...\n")
	return status
}
