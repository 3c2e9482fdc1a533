// Package mempoolbench compares dpk's mempool with DPDK's rte_mempool on this
// machine: perf_test.go holds Go counterparts of the rows of DPDK 22.11's
// mempool_perf_autotest, run.sh runs both interleaved, and compare.go prints
// the table (see run.sh).
package mempoolbench
