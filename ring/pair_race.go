//go:build race

package ring

// Race-detector builds: every access goes through the whole 64-bit word (see
// pair).

// store stores the whole word, with release semantics.
func (p *pair) store(v uint64) { p.w.Store(v) }

// loadLo and loadHi load one half (acquire).
func (p *pair) loadLo() uint32 { return lo(p.w.Load()) }
func (p *pair) loadHi() uint32 { return hi(p.w.Load()) }

// casLo replaces the low half with n if it holds o, leaving the high half as
// it is.
func (p *pair) casLo(o, n uint32) bool {
	for {
		w := p.w.Load()
		if lo(w) != o {
			return false
		}
		if p.w.CompareAndSwap(w, pack(n, hi(w))) {
			return true
		}
	}
}

// storeHi stores the high half (release), leaving the low half as it is.
func (p *pair) storeHi(v uint32) {
	for {
		w := p.w.Load()
		if p.w.CompareAndSwap(w, pack(lo(w), v)) {
			return
		}
	}
}

// storeLo stores the low half, leaving the high half as it is.
func (p *pair) storeLo(v uint32) {
	for {
		w := p.w.Load()
		if p.w.CompareAndSwap(w, pack(v, hi(w))) {
			return
		}
	}
}

// raceBuild is true in race-detector builds, where moveRaw is not used: its
// pointers step one past the end of the slots, which checkptr (on with
// -race) reports, and copy is what the race detector understands best.
const raceBuild = true
