//go:build race

package ring

// Under the race detector each poll costs far more and tests run more
// goroutines than CPUs, so yield sooner.
const spinsBeforeYield = 64
