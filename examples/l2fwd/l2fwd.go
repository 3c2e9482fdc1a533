package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/mempool"
)

// Setup parameters, as DPDK l2fwd's.
const (
	defaultRxDesc    = 1024 // RX_DESC_DEFAULT
	defaultTxDesc    = 1024 // TX_DESC_DEFAULT
	mempoolCacheSize = 256  // MEMPOOL_CACHE_SIZE
	minMbufs         = 8192
	linkCheckEvery   = 100 * time.Millisecond // CHECK_INTERVAL
	linkCheckMax     = 90                     // MAX_CHECK_TIME: 9 s in all

	// busyPollEnv names the environment variable that, set to 1, makes every
	// lcore busy-poll as DPDK's l2fwd does, instead of backing off when idle.
	busyPollEnv = "DPK_BUSY_POLL"
)

// syncWriter serialises writes from the lcores, the signal handler and the
// control path.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// app is one run of l2fwd.
type app struct {
	out, log io.Writer // stdout (printf) and stderr (DPDK's log stream)
	e        *eal.EAL
	created  []*ethdev.Port // probed from --vdev
	inited   []*ethdev.Port // enabled ports, configured by us
	pool     *mempool.Pool
	quit     atomic.Bool
	stats    [ethdev.MaxPorts]portStats
}

// run is l2fwd's main: args are the command line without the program name,
// stop delivers SIGINT/SIGTERM (nil: never). It returns the exit status.
func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) int {
	a := &app{out: &syncWriter{w: stdout}, log: &syncWriter{w: stderr}}
	return a.main(args, stop)
}

// fatal reports an error as rte_exit does and releases what was set up.
func (a *app) fatal(format string, args ...any) int {
	fmt.Fprintf(a.log, "EAL: Error - exiting with code: 1\n  Cause: "+format+"\n", args...)
	a.cleanup()
	return 1
}

// cleanup stops and closes the ports and frees the pool and the EAL's memory,
// on the error paths.
func (a *app) cleanup() {
	a.quit.Store(true)
	if a.e != nil {
		a.e.Wait()
	}
	for _, p := range append(a.inited, a.created...) {
		p.Stop()
		p.Close()
	}
	if a.pool != nil {
		a.pool.Close()
	}
	if a.e != nil {
		a.e.Cleanup()
	}
}

// probeError describes a --vdev that could not be created, naming the device
// and the cause, with a hint when the cause is missing privileges.
func probeError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "ethdev: ")
	if (errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission)) &&
		!strings.Contains(msg, "CAP_NET_RAW") {
		msg += " (packet sockets need root or CAP_NET_RAW)"
	}
	return msg
}

func sigNum(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return int(n)
	}
	return 0
}

// adjustDesc clamps the descriptor counts to the port's limits
// (rte_eth_dev_adjust_nb_rx_tx_desc); zero limits mean none.
func adjustDesc(info ethdev.DevInfo, rx, tx int) (int, int) {
	clamp := func(n, lo, hi int) int {
		if hi > 0 && n > hi {
			n = hi
		}
		if lo > 0 && n < lo {
			n = lo
		}
		return n
	}
	return clamp(rx, info.MinRxDesc, info.MaxRxDesc), clamp(tx, info.MinTxDesc, info.MaxTxDesc)
}

func (a *app) main(args []string, stop <-chan os.Signal) int {
	e, rest, err := eal.Init(args)
	if err != nil {
		fmt.Fprintf(a.log, "EAL: %s\n", strings.TrimPrefix(err.Error(), "eal: "))
		return a.fatal("Invalid EAL arguments")
	}
	a.e = e
	if e.Config().Help {
		fmt.Fprint(a.out, eal.Usage(), "\n", usage())
		a.cleanup()
		return 0
	}
	created, err := ethdev.CreateAll(e.Vdevs())
	if err != nil {
		fmt.Fprintf(a.log, "EAL: %s\n", probeError(err))
		return a.fatal("Invalid EAL arguments")
	}
	a.created = created

	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s, ok := <-stop:
				if !ok {
					return
				}
				fmt.Fprintf(a.out, "\n\nSignal %d received, preparing to exit...\n", sigNum(s))
				a.quit.Store(true)
			case <-done:
				return
			}
		}
	}()

	o, err := parseArgs(rest)
	if err != nil {
		var ae *argError
		if errors.As(err, &ae) && ae.Stderr {
			fmt.Fprintln(a.log, ae.Msg)
		} else {
			fmt.Fprintln(a.out, err)
		}
		fmt.Fprint(a.out, usage())
		return a.fatal("Invalid L2FWD arguments")
	}
	if o.macUpdating {
		fmt.Fprintln(a.out, "MAC updating enabled")
	} else {
		fmt.Fprintln(a.out, "MAC updating disabled")
	}

	all := ethdev.Ports()
	if len(all) == 0 {
		return a.fatal("No Ethernet ports - bye")
	}
	ids := make([]uint16, len(all))
	for i, p := range all {
		ids[i] = p.ID()
	}
	mask := o.portMask
	if o.portmap {
		var msg string
		mask, msg, err = checkPortPairs(o.pairs, mask, func(id uint16) bool { return ethdev.Get(int(id)) != nil })
		if err != nil {
			fmt.Fprintln(a.out, msg)
			return a.fatal("%v", err)
		}
	}
	possible := uint32(uint64(1)<<len(all) - 1)
	if mask&^possible != 0 {
		return a.fatal("Invalid portmask; possible (0x%x)", possible)
	}

	dst, odd := dstPorts(ids, mask, o.pairs, o.portmap)
	if odd {
		fmt.Fprintln(a.out, "Notice: odd number of ports in portmask.")
	}
	as, ok := assignLcores(ids, mask, func(id int) bool { return e.Lcore(id) != nil }, eal.MaxLcore, o.rxPerLcore)
	nbLcores := 0
	for i, x := range as {
		fmt.Fprintf(a.out, "Lcore %d: RX port %d TX port %d\n", x.lcore, x.port, dst[x.port])
		if i == 0 || as[i-1].lcore != x.lcore {
			nbLcores++
		}
	}
	if !ok {
		return a.fatal("Not enough cores")
	}

	nbRxd, nbTxd := defaultRxDesc, defaultTxDesc
	nbMbufs := max(len(all)*(nbRxd+nbTxd+maxPktBurst+nbLcores*mempoolCacheSize), minMbufs)
	pool, err := mempool.NewPktPool("mbuf_pool", mempool.PktPoolConfig{
		N:            nbMbufs,
		CacheSize:    mempoolCacheSize,
		DataRoomSize: mempool.DefaultBufSize,
		Socket:       e.MainLcore().Socket(),
		Memory:       e.Memory(),
	})
	if err != nil {
		return a.fatal("Cannot init mbuf pool: %v", err)
	}
	a.pool = pool

	var macs [ethdev.MaxPorts]ethdev.MAC
	avail := 0
	for _, p := range all {
		id := p.ID()
		if mask&(1<<id) == 0 {
			fmt.Fprintf(a.out, "Skipping disabled port %d\n", id)
			continue
		}
		avail++
		fmt.Fprintf(a.out, "Initializing port %d... ", id)
		info := p.Info()
		var conf ethdev.Config
		if info.TxOffloadCapa&ethdev.TxOffloadMbufFastFree != 0 {
			conf.TxOffloads |= ethdev.TxOffloadMbufFastFree
		}
		if err := p.Configure(1, 1, &conf); err != nil {
			return a.fatal("Cannot configure device: err=%v, port=%d", err, id)
		}
		a.inited = append(a.inited, p)
		nbRxd, nbTxd = adjustDesc(info, nbRxd, nbTxd)
		macs[id] = p.MACAddr()
		if err := p.RxQueueSetup(0, nbRxd, info.Socket, &ethdev.RxConf{Offloads: conf.RxOffloads}, pool); err != nil {
			return a.fatal("rte_eth_rx_queue_setup:err=%v, port=%d", err, id)
		}
		if err := p.TxQueueSetup(0, nbTxd, info.Socket, &ethdev.TxConf{Offloads: conf.TxOffloads}); err != nil {
			return a.fatal("rte_eth_tx_queue_setup:err=%v, port=%d", err, id)
		}
		if err := p.Start(); err != nil {
			return a.fatal("rte_eth_dev_start:err=%v, port=%d", err, id)
		}
		fmt.Fprint(a.out, "done: \n")
		if o.promisc {
			if err := p.SetPromiscuous(true); err != nil {
				return a.fatal("rte_eth_promiscuous_enable:err=%v, port=%d", err, id)
			}
		}
		fmt.Fprintf(a.out, "Port %d, MAC address: %s\n\n", id, macs[id])
		a.resetStats()
	}
	if avail == 0 {
		return a.fatal("All available ports are disabled. Please set portmask.")
	}

	a.checkLinks(mask, all)

	// Per-lcore state: RX queue handles and TX buffers, looked up once.
	var txb [ethdev.MaxPorts]*txBuffer
	for _, x := range as {
		d := dst[x.port]
		if txb[d] == nil {
			txb[d] = &txBuffer{q: ethdev.Get(int(d)).TxQueue(0), stats: &a.stats[d]}
		}
	}
	var states [eal.MaxLcore]*lcoreState
	for _, x := range as {
		st := states[x.lcore]
		if st == nil {
			st = &lcoreState{id: x.lcore, main: x.lcore == e.MainLcore().ID(), macUpdating: o.macUpdating}
			states[x.lcore] = st
		}
		d := dst[x.port]
		st.rx = append(st.rx, rxPort{
			port: x.port, q: ethdev.Get(int(x.port)).RxQueue(0), stats: &a.stats[x.port],
			dst: d, dstMAC: macs[d], tx: txb[d],
		})
	}
	busy := os.Getenv(busyPollEnv) == "1"
	period := time.Duration(o.timerPeriod) * time.Second
	lcoreMain := func(l *eal.Lcore) error {
		st := states[l.ID()]
		if st == nil {
			fmt.Fprintf(a.log, "L2FWD: lcore %d has nothing to do\n", l.ID())
			return nil
		}
		fmt.Fprintf(a.log, "L2FWD: entering main loop on lcore %d\n", l.ID())
		for _, r := range st.rx {
			fmt.Fprintf(a.log, "L2FWD:  -- lcoreid=%d portid=%d\n", l.ID(), r.port)
		}
		st.loop(&a.quit, eal.Backoff{Busy: busy}, period, func() { printStats(a.out, mask, &a.stats, true) })
		return nil
	}
	status := 0
	if err := e.LaunchWorkers(lcoreMain, true); err != nil {
		fmt.Fprintf(a.log, "l2fwd: %v\n", err)
		a.quit.Store(true)
		status = 1
	}
	if err := e.Wait(); err != nil {
		fmt.Fprintf(a.log, "l2fwd: %v\n", err)
		status = 1
	}

	// Not in DPDK: the final counters, for scripts and tests.
	printStats(a.out, mask, &a.stats, false)

	for _, p := range all {
		id := p.ID()
		if mask&(1<<id) == 0 {
			continue
		}
		fmt.Fprintf(a.out, "Closing port %d...", id)
		if err := p.Stop(); err != nil {
			fmt.Fprintf(a.out, "rte_eth_dev_stop: err=%v, port=%d\n", err, id)
		}
		if err := p.Close(); err != nil {
			fmt.Fprintf(a.log, "l2fwd: %v\n", err)
			status = 1
		}
		fmt.Fprint(a.out, " Done\n")
	}
	a.inited = nil
	for _, p := range a.created {
		p.Close() // disabled --vdev ports (DPDK's EAL cleanup does this)
	}
	a.created = nil

	if n := pool.InUse(); n != 0 {
		fmt.Fprintf(a.log, "l2fwd: mbuf leak: %d mbufs not returned\n", n)
		e.Cleanup()
		return 1
	}
	if err := pool.Close(); err != nil {
		fmt.Fprintf(a.log, "l2fwd: %v\n", err)
		status = 1
	}
	a.pool = nil
	if err := e.Cleanup(); err != nil {
		fmt.Fprintf(a.log, "l2fwd: %v\n", err)
		status = 1
	}
	fmt.Fprint(a.out, "Bye...\n")
	return status
}

func (a *app) resetStats() {
	for i := range a.stats {
		a.stats[i].tx.Store(0)
		a.stats[i].rx.Store(0)
		a.stats[i].dropped.Store(0)
	}
}

// checkLinks waits up to 9 s for the enabled ports' links to come up, printing
// a dot per 100 ms wait, then prints every enabled port's link
// (check_all_ports_link_status). A signal ends the wait.
func (a *app) checkLinks(mask uint32, all []*ethdev.Port) {
	fmt.Fprint(a.out, "\nChecking link status")
	printFlag := false
	for count := 0; count <= linkCheckMax; count++ {
		if a.quit.Load() {
			return
		}
		allUp := true
		for _, p := range all {
			if a.quit.Load() {
				return
			}
			if mask&(1<<p.ID()) == 0 {
				continue
			}
			l := p.Link()
			if printFlag {
				fmt.Fprintf(a.out, "Port %d %s\n", p.ID(), l)
				continue
			}
			if !l.Up {
				allUp = false
				break
			}
		}
		if printFlag {
			break
		}
		if !allUp {
			fmt.Fprint(a.out, ".")
			time.Sleep(linkCheckEvery)
		}
		if allUp || count == linkCheckMax-1 {
			printFlag = true
			fmt.Fprint(a.out, "done\n")
		}
	}
}
