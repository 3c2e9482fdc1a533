//go:build dpkdebug

package mempool

// debugAll: built with -tags dpkdebug, every pool runs its debug checks
// (Config.Debug), as every DPDK mempool does in a build with
// RTE_LIBRTE_MEMPOOL_DEBUG.
const debugAll = true
