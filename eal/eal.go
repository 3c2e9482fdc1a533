package eal

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/dpk-go/dpk/internal/sys"
)

// EAL is an initialised environment: the lcores chosen on the command line pinned
// to their CPUs, the NUMA topology, and the Memory that segments (and so mempools)
// come from. Create it with Init (from a command line) or New (from a Config), and
// release it with Cleanup.
type EAL struct {
	cfg    Config
	topo   Topology
	lcores []*Lcore
	byID   [MaxLcore]*Lcore
	main   *Lcore
	mem    *Memory

	closeOnce sync.Once
}

// Init parses DPDK EAL options from args (as rte_eal_init does with argv[1:]),
// initialises the environment and returns it with the application's own arguments
// (those after "--").
func Init(args []string) (*EAL, []string, error) {
	cfg, rest, err := ParseArgs(args)
	if err != nil {
		return nil, nil, err
	}
	e, err := New(cfg)
	if err != nil {
		return nil, nil, err
	}
	return e, rest, nil
}

// New initialises an EAL from a parsed Config. Lcores default to every CPU the
// process may run on (one lcore per CPU, id = CPU). It fails when an lcore names a
// CPU that is offline or outside the process's affinity, or when the process type
// is not primary.
func New(cfg Config) (*EAL, error) {
	if cfg.ProcType != "" && cfg.ProcType != "primary" && cfg.ProcType != "auto" {
		return nil, fmt.Errorf("eal: --proc-type %s: only primary processes are supported", cfg.ProcType)
	}
	topo, err := ReadTopology()
	if err != nil {
		return nil, fmt.Errorf("eal: reading CPU topology: %w", err)
	}
	allowed, err := sys.Affinity()
	if err != nil {
		return nil, fmt.Errorf("eal: %w", err)
	}
	var allowedSet CPUSet
	for _, c := range allowed {
		allowedSet.Set(c)
	}
	specs := cfg.Lcores
	if specs == nil {
		for _, c := range allowed {
			if c >= MaxLcore {
				break
			}
			var s CPUSet
			s.Set(c)
			specs = append(specs, LcoreSpec{ID: c, CPUs: s})
		}
	}
	e := &EAL{cfg: cfg, topo: topo}
	for _, sp := range specs {
		for _, c := range sp.CPUs.List() {
			if len(allowed) > 0 && !allowedSet.Has(c) {
				return nil, fmt.Errorf("eal: lcore %d: CPU %d is not available to this process (allowed: %s)", sp.ID, c, allowedSet.String())
			}
			if !topo.Online(c) {
				return nil, fmt.Errorf("eal: lcore %d: CPU %d is not online", sp.ID, c)
			}
		}
		cpus := sp.CPUs.List()
		if len(cpus) == 0 {
			return nil, fmt.Errorf("eal: lcore %d has no CPU", sp.ID)
		}
		l := NewLcore(sp.ID, sp.CPUs, topo.SocketOf(cpus[0]))
		e.lcores = append(e.lcores, l)
		e.byID[sp.ID] = l
	}
	if len(e.lcores) == 0 {
		return nil, errors.New("eal: no lcores")
	}
	e.main = e.lcores[0]
	if cfg.MainLcore >= 0 && cfg.Lcores != nil {
		if cfg.MainLcore >= MaxLcore || e.byID[cfg.MainLcore] == nil {
			return nil, fmt.Errorf("eal: --main-lcore %d is not in the lcore list", cfg.MainLcore)
		}
		e.main = e.byID[cfg.MainLcore]
	}
	e.main.main = true

	mc := MemoryConfig{NoHuge: cfg.NoHuge, HugeDir: cfg.HugeDir, Logger: slog.Default()}
	if cfg.MemoryMB > 0 {
		mc.Limit = int64(cfg.MemoryMB) << 20
	}
	for _, mb := range cfg.SocketMem {
		mc.Limit += int64(mb) << 20
	}
	e.mem = NewMemory(mc)
	return e, nil
}

// Config is the configuration the EAL was created with.
func (e *EAL) Config() Config { return e.cfg }

// Topology is the machine's CPU and NUMA layout read at initialisation.
func (e *EAL) Topology() Topology { return e.topo }

// Memory is where this EAL's segments come from (--no-huge, --huge-dir, -m and
// --socket-mem applied).
func (e *EAL) Memory() *Memory { return e.mem }

// Vdevs are the --vdev device arguments in command-line order.
func (e *EAL) Vdevs() []string { return e.cfg.Vdevs }

// Lcores returns every lcore in ascending id order.
func (e *EAL) Lcores() []*Lcore { return e.lcores }

// Lcore returns lcore id, or nil if it is not enabled.
func (e *EAL) Lcore(id int) *Lcore {
	if id < 0 || id >= MaxLcore {
		return nil
	}
	return e.byID[id]
}

// MainLcore is the main lcore (--main-lcore, default the first listed).
func (e *EAL) MainLcore() *Lcore { return e.main }

// Workers returns the lcores other than the main one, in order.
func (e *EAL) Workers() []*Lcore {
	var w []*Lcore
	for _, l := range e.lcores {
		if l != e.main {
			w = append(w, l)
		}
	}
	return w
}

// LaunchWorkers launches fn on every worker lcore (and on the main lcore too when
// withMain), like rte_eal_mp_remote_launch. On error nothing more is launched and
// the error names the lcore.
func (e *EAL) LaunchWorkers(fn func(*Lcore) error, withMain bool) error {
	for _, l := range e.lcores {
		if l == e.main && !withMain {
			continue
		}
		if err := l.Launch(fn); err != nil {
			return err
		}
	}
	return nil
}

// Wait waits for every lcore's function and returns their errors joined
// (rte_eal_mp_wait_lcore).
func (e *EAL) Wait() error {
	var errs []error
	for _, l := range e.lcores {
		if err := l.Wait(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Cleanup waits for all lcores and frees the EAL's memory segments
// (rte_eal_cleanup). Mempools created from this EAL's Memory must not be used after.
func (e *EAL) Cleanup() error {
	var err error
	e.closeOnce.Do(func() {
		err = errors.Join(e.Wait(), e.mem.Close())
	})
	return err
}
