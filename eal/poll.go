package eal

import (
	"runtime"
	"time"
)

// Backoff paces an lcore's poll loop when polls find no work, so that examples
// and tests do not burn a CPU that a small machine needs for the traffic itself:
// after SpinPolls empty polls it yields the thread, after YieldPolls more it
// sleeps, doubling from 1 µs up to MaxSleep. Any poll with work resets it. With
// Busy set it never yields or sleeps (pure busy polling, as DPDK's PMDs do).
//
//	var idle eal.Backoff
//	for running() {
//		n := rxq.RxBurst(pkts)
//		if n == 0 { idle.Idle(); continue }
//		idle.Reset()
//		...
//	}
type Backoff struct {
	Busy       bool
	SpinPolls  int           // default 256
	YieldPolls int           // default 64
	MaxSleep   time.Duration // default 200 µs

	empty int
	sleep time.Duration
}

// Idle records an empty poll and waits as the policy says.
func (b *Backoff) Idle() {
	if b.Busy {
		return
	}
	b.empty++
	spin, yield := b.SpinPolls, b.YieldPolls
	if spin == 0 {
		spin = 256
	}
	if yield == 0 {
		yield = 64
	}
	switch {
	case b.empty <= spin:
	case b.empty <= spin+yield:
		runtime.Gosched()
	default:
		max := b.MaxSleep
		if max == 0 {
			max = 200 * time.Microsecond
		}
		if b.sleep == 0 {
			b.sleep = time.Microsecond
		} else if b.sleep < max {
			b.sleep = min(2*b.sleep, max)
		}
		time.Sleep(b.sleep)
	}
}

// Reset records a poll that found work.
func (b *Backoff) Reset() {
	b.empty = 0
	b.sleep = 0
}
