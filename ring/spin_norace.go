//go:build !race

package ring

// spinsBeforeYield is how many times a call polls for another call on its side
// (a predecessor's publication, HTS's head == tail, RTS's head-tail distance)
// before it starts yielding the processor with runtime.Gosched between polls.
// It is large because on an lcore (a goroutine locked to its thread) Gosched
// hands the P to another thread and back, microseconds each time, while the
// call waited on usually publishes within nanoseconds: with 32 polls, MP/MC on
// two lcores ran 70x slower than DPDK's rte_ring, which spins without limit.
const spinsBeforeYield = 1 << 14
