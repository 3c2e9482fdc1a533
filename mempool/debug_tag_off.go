//go:build !dpkdebug

package mempool

// debugAll: without the dpkdebug build tag, only pools created with
// Config.Debug (PktPoolConfig.Debug) run the debug checks.
const debugAll = false
