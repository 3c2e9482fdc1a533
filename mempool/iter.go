package mempool

import (
	"iter"
	"unsafe"
)

// ObjIter calls fn for every object of the pool, free or not, in index order,
// and returns how many it visited (rte_mempool_obj_iter). It is for set-up and
// inspection (initialising objects, registering them, checking them), not for
// the fast path: it races with owners that write objects while it runs.
func (p *Pool) ObjIter(fn func(idx uint32, obj unsafe.Pointer)) int {
	for i := uint32(0); i < p.n; i++ {
		fn(i, p.Object(i))
	}
	return int(p.n)
}

// Objects is ObjIter as an iterator, for range loops.
func (p *Pool) Objects() iter.Seq2[uint32, unsafe.Pointer] {
	return func(yield func(uint32, unsafe.Pointer) bool) {
		for i := uint32(0); i < p.n; i++ {
			if !yield(i, p.Object(i)) {
				return
			}
		}
	}
}

// MbufIter calls fn for every mbuf of an mbuf pool (NewPktPool), free or not,
// in index order, and returns how many it visited; it visits nothing in a pool
// of plain objects.
func (p *Pool) MbufIter(fn func(m *Mbuf)) int {
	if !p.pkt {
		return 0
	}
	for i := uint32(0); i < p.n; i++ {
		fn(p.Mbuf(i))
	}
	return int(p.n)
}

// Mbufs is MbufIter as an iterator, for range loops (empty for a pool of plain
// objects).
func (p *Pool) Mbufs() iter.Seq[*Mbuf] {
	return func(yield func(*Mbuf) bool) {
		if !p.pkt {
			return
		}
		for i := uint32(0); i < p.n; i++ {
			if !yield(p.Mbuf(i)) {
				return
			}
		}
	}
}
