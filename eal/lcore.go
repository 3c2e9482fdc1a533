package eal

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/dpk-go/dpk/internal/sys"
)

// ErrBusy is returned when a function is launched on an lcore that is still
// running one (DPDK's -EBUSY from rte_eal_remote_launch).
var ErrBusy = errors.New("eal: lcore busy")

// Lcore is a logical core: when a function is launched on it, that function runs on
// a goroutine locked to an OS thread whose CPU affinity is the lcore's CPU set. An
// lcore runs one function at a time.
//
// Go has no thread-local storage, so per-lcore state (a mempool cache, a port's
// queue) is found from the *Lcore handle that the launched function receives.
type Lcore struct {
	id     int
	cpus   CPUSet
	socket int
	main   bool

	mu      sync.Mutex
	running bool
	done    chan struct{}
	err     error
}

// NewLcore describes lcore id running on cpus of NUMA node socket. Applications
// normally get lcores from an EAL; tests may build their own.
func NewLcore(id int, cpus CPUSet, socket int) *Lcore {
	return &Lcore{id: id, cpus: cpus, socket: socket}
}

// ID is the lcore id (0..MaxLcore-1), as in DPDK's rte_lcore_id().
func (l *Lcore) ID() int { return l.id }

// CPUs is the set of CPUs the lcore's thread is pinned to.
func (l *Lcore) CPUs() CPUSet { return l.cpus }

// Socket is the NUMA node of the lcore's (first) CPU.
func (l *Lcore) Socket() int { return l.socket }

// IsMain reports whether this is the EAL's main lcore.
func (l *Lcore) IsMain() bool { return l.main }

func (l *Lcore) String() string {
	return fmt.Sprintf("lcore %d@(%s) socket %d", l.id, l.cpus.String(), l.socket)
}

// Launch starts fn on the lcore: a new goroutine, locked to its OS thread, pinned
// to the lcore's CPUs. It returns ErrBusy if the lcore is running a function, or the
// pinning error (then fn does not run). Wait collects fn's result.
//
// The thread is discarded when fn returns (the goroutine exits still locked), so a
// pinned thread never returns to the Go scheduler's pool.
func (l *Lcore) Launch(fn func(*Lcore) error) error {
	l.mu.Lock()
	if l.running {
		l.mu.Unlock()
		return fmt.Errorf("eal: launch on lcore %d: %w", l.id, ErrBusy)
	}
	l.running = true
	l.done = make(chan struct{})
	l.err = nil
	l.mu.Unlock()

	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: the thread dies with the goroutine.
		if err := sys.SetAffinity(l.cpus.List()); err != nil {
			started <- fmt.Errorf("eal: lcore %d: pin to CPUs %s: %w", l.id, l.cpus.String(), err)
			return
		}
		started <- nil
		err := runSafely(l, fn)
		l.mu.Lock()
		l.err = err
		l.running = false
		close(l.done)
		l.mu.Unlock()
	}()
	if err := <-started; err != nil {
		l.mu.Lock()
		l.running = false
		close(l.done)
		l.mu.Unlock()
		return err
	}
	return nil
}

// runSafely runs fn and turns a panic into an error, so that one lcore's bug is
// reported by Wait instead of taking the process down silently mid-statistics.
func runSafely(l *Lcore, fn func(*Lcore) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("eal: lcore %d: panic: %v", l.id, r)
		}
	}()
	return fn(l)
}

// Wait blocks until the function launched on the lcore returns, and returns its
// error. It returns nil at once if nothing was launched.
func (l *Lcore) Wait() error {
	l.mu.Lock()
	done := l.done
	l.mu.Unlock()
	if done == nil {
		return nil
	}
	<-done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Running reports whether a launched function has not returned yet.
func (l *Lcore) Running() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.running
}
