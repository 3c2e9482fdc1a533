package ring

import "sync/atomic"

// pair is a 64-bit word holding two uint32 halves, lo (value bits 0-31) and hi
// (bits 32-63), that the ring reads and writes both as a whole and half by
// half, as DPDK's head/tail unions are.
//
// Whole-word operations are the same in every build. Half-word operations
// differ (pair_amd64.go, pair_other.go, pair_race.go):
//
//   - normal builds access the half itself with a 32-bit atomic operation (or,
//     on amd64, a plain store where a release store is meant);
//   - race-detector builds do every access on the whole 64-bit word (a load,
//     or a compare-and-swap loop that changes one half), because the race
//     detector tracks synchronisation per address and size: a 32-bit store
//     to the high half would not be seen to synchronise with a 64-bit load of
//     the word, and it would report races that do not exist. The algorithms
//     are the same; only how a half is read or written differs.
type pair struct{ w atomic.Uint64 }

func lo(w uint64) uint32             { return uint32(w) }
func hi(w uint64) uint32             { return uint32(w >> 32) }
func pack(lo, hi uint32) uint64      { return uint64(hi)<<32 | uint64(lo) }
func (p *pair) load() uint64         { return p.w.Load() }
func (p *pair) cas(o, n uint64) bool { return p.w.CompareAndSwap(o, n) }
