package mempool

import (
	"runtime"
	"sync/atomic"
)

// spinsBeforeYield is how long a backend spins (polls of the lock, or failed
// compare-and-swaps of the list head) before it yields.
const spinsBeforeYield = 1 << 14

// spinStack is the "stack" backend (DPDK's drivers/mempool/stack with its
// rte_spinlock): an array of free indexes behind a spin lock. LIFO: the
// objects freed last, still warm in some CPU's caches, go out first.
type spinStack struct {
	lock atomic.Uint32
	_    [cacheLineSize - 4]byte
	len  uint32
	objs []uint32
}

func newSpinStack(n uint32) *spinStack {
	return &spinStack{objs: make([]uint32, n)}
}

func (s *spinStack) acquire() {
	for !s.lock.CompareAndSwap(0, 1) {
		// Spin on a load (no bus locking) until the lock looks free, as
		// DPDK's rte_spinlock does. Yield only after a long wait, in case
		// the holder's goroutine was descheduled: on an lcore (a locked
		// thread) Gosched hands the thread's P over and back, which costs
		// microseconds, far more than any critical section here.
		for i := 1; s.lock.Load() != 0; i++ {
			if i%spinsBeforeYield == 0 {
				runtime.Gosched()
			}
		}
	}
}

func (s *spinStack) release() { s.lock.Store(0) }

// push adds objs, the last one on top. It fails, adding nothing, if the stack
// would hold more objects than the pool has.
func (s *spinStack) push(objs []uint32) bool {
	s.acquire()
	l := s.len
	if uint64(l)+uint64(len(objs)) > uint64(len(s.objs)) {
		s.release()
		return false
	}
	copy(s.objs[l:], objs)
	s.len = l + uint32(len(objs))
	s.release()
	return true
}

// pop takes len(objs) objects, top first, all or nothing.
func (s *spinStack) pop(objs []uint32) bool {
	s.acquire()
	l := s.len
	if uint64(len(objs)) > uint64(l) {
		s.release()
		return false
	}
	top := s.objs[l-uint32(len(objs)) : l]
	for i := range objs {
		objs[i] = top[len(top)-1-i]
	}
	s.len = l - uint32(len(objs))
	s.release()
	return true
}

func (s *spinStack) count() int {
	s.acquire()
	n := s.len
	s.release()
	return int(n)
}

// lfStack is the "lf_stack" backend: a lock-free LIFO list (DPDK's
// drivers/mempool/stack lock-free variant). The list is linked through next,
// one entry per object (next[i] is 1 + the index below object i, 0 at the
// bottom), and head packs the top (1 + index, 0 when empty) with a tag that
// every successful push and pop increments, in one 64-bit word changed by
// compare-and-swap. A pop that read the head, walked the list and then finds
// the same {top, tag} knows that nothing was pushed or popped in between, so
// the links it walked were current: without the tag, a top popped and pushed
// back by others would look unchanged while the objects below it had changed
// (the ABA problem). The tag is 32 bits: a pop would have to be stalled for
// 2^32 other operations to be fooled.
//
// len counts the objects on the list that no pop has claimed: a pop first
// claims n by decrementing it (failing, all or nothing, if fewer are there),
// then unlinks them; a push links its objects and then adds them to len. So
// the list holds at least len objects and a pop that claimed n finds n.
type lfStack struct {
	head atomic.Uint64
	_    [cacheLineSize - 8]byte
	len  atomic.Int64
	_    [cacheLineSize - 8]byte
	next []atomic.Uint32
}

func newLFStack(n uint32) *lfStack {
	return &lfStack{next: make([]atomic.Uint32, n)}
}

// push adds objs, the last one on top. It fails for an index out of the
// pool's range (n objects), adding nothing, and when the stack then holds more
// than n objects (an object was returned twice; the list is corrupt).
func (s *lfStack) push(objs []uint32, n uint32) bool {
	if len(objs) == 0 {
		return true
	}
	for _, o := range objs {
		if o >= n {
			return false
		}
	}
	// Link objs[i] above objs[i-1]; objs[0] goes above the current top.
	for i := len(objs) - 1; i > 0; i-- {
		s.next[objs[i]].Store(objs[i-1] + 1)
	}
	top, bottom := objs[len(objs)-1], objs[0]
	for {
		old := s.head.Load()
		s.next[bottom].Store(uint32(old))
		if s.head.CompareAndSwap(old, (old>>32+1)<<32|uint64(top+1)) {
			break
		}
	}
	// More free objects than the pool has: something was returned twice.
	return s.len.Add(int64(len(objs))) <= int64(n)
}

// pop takes len(objs) objects, top first, all or nothing.
func (s *lfStack) pop(objs []uint32) bool {
	n := int64(len(objs))
	if n == 0 {
		return true
	}
	for {
		l := s.len.Load()
		if l < n {
			return false
		}
		if s.len.CompareAndSwap(l, l-n) {
			break
		}
	}
	for try := 1; ; try++ {
		old := s.head.Load()
		cur := uint32(old)
		ok := true
		for i := range objs {
			if cur == 0 || int(cur) > len(s.next) {
				ok = false // the list changed under us: start again
				break
			}
			objs[i] = cur - 1
			cur = s.next[cur-1].Load()
		}
		if ok && s.head.CompareAndSwap(old, (old>>32+1)<<32|uint64(cur)) {
			return true
		}
		if try%spinsBeforeYield == 0 {
			runtime.Gosched() // see spinStack.acquire
		}
	}
}

func (s *lfStack) count() int { return int(s.len.Load()) }
