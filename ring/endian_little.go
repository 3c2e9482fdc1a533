//go:build !(mips || mips64 || ppc64 || s390x)

package ring

// Offsets of the low and high halves of a pair's word in memory
// (little-endian).
const (
	loOff = 0
	hiOff = 4
)
