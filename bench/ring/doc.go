// Package ringbench compares dpk's ring with DPDK's rte_ring on this machine:
// perf_test.go holds Go counterparts of the rows of DPDK 22.11's
// ring_perf_autotest, run.sh runs both interleaved, and compare.go prints the
// table (see run.sh).
package ringbench
