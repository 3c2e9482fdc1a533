package mempool

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ring"
)

// TestConcurrentOwnership runs 4 goroutines, each with its own Cache, that
// allocate and free bursts of random sizes from one pool and hand mbufs to each
// other through an MP/MC ring. Each mbuf must have one owner at a time: an
// ownership table is claimed and released with compare-and-swap, and the owner
// writes a token into the mbuf's data and checks it before letting go (a second
// owner would have overwritten it). At the end every mbuf is back in the pool.
// Run it under the race detector: go test -race ./mempool/
func TestConcurrentOwnership(t *testing.T) {
	const (
		workers = 4
		burst   = 48
		hold    = 96
	)
	iters := 3000
	if testing.Short() {
		iters = 300
	}
	p := newTestPktPool(t, PktPoolConfig{N: 2047, CacheSize: 64, DataRoomSize: 256})
	handoff, err := ring.New[*Mbuf]("handoff", 512, 0)
	require.NoError(t, err)

	owners := make([]atomic.Int32, p.Size()) // 0 = free, w+1 = worker w
	var failed atomic.Bool
	fail := func(format string, args ...any) {
		if failed.CompareAndSwap(false, true) {
			t.Errorf(format, args...)
		}
	}

	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := p.NewCache()
			defer c.Close()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			me := int32(w + 1)
			var seq uint64
			held := make([]*Mbuf, 0, hold+burst)
			tokens := make([]uint64, 0, hold+burst)
			buf := make([]*Mbuf, burst)

			take := func(m *Mbuf, fromRing bool) {
				if !owners[m.Index()].CompareAndSwap(0, me) {
					fail("worker %d: mbuf %d already owned by %d", w, m.Index(), owners[m.Index()].Load())
					return
				}
				if fromRing {
					// The sender left its token: 16 bytes, worker id then sequence.
					d := m.Data()
					if len(d) != 16 || d[0] < 1 || d[0] > workers {
						fail("worker %d: received mbuf %d with bad data %x", w, m.Index(), d)
						return
					}
					_ = m.Trim(16)
				}
				seq++
				tok := uint64(me)<<56 | seq
				b := m.Append(16)
				if b == nil {
					fail("worker %d: mbuf %d not reset: %v", w, m.Index(), m)
					return
				}
				b[0] = byte(me)
				binary.LittleEndian.PutUint64(b[8:], tok)
				held = append(held, m)
				tokens = append(tokens, tok)
			}
			// release checks and drops ownership of the last n held mbufs.
			release := func(n int) []*Mbuf {
				out := held[len(held)-n:]
				for i, m := range out {
					tok := tokens[len(tokens)-n+i]
					if got := binary.LittleEndian.Uint64(m.Data()[8:]); got != tok {
						fail("worker %d: mbuf %d token %#x, want %#x: another owner wrote it", w, m.Index(), got, tok)
					}
					if !owners[m.Index()].CompareAndSwap(me, 0) {
						fail("worker %d: mbuf %d owner changed to %d", w, m.Index(), owners[m.Index()].Load())
					}
				}
				held = held[:len(held)-n]
				tokens = tokens[:len(tokens)-n]
				return out
			}

			for i := 0; i < iters && !failed.Load(); i++ {
				// Allocate a burst of random size through the cache.
				if k := 1 + rng.IntN(burst); len(held)+k <= hold+burst {
					if p.AllocBulk(c, buf[:k]) == nil {
						for _, m := range buf[:k] {
							take(m, false)
						}
					}
				}
				// Receive what others handed over.
				n := handoff.DequeueBurst(buf[:1+rng.IntN(burst)])
				for j, m := range buf[:n] {
					if len(held) < hold+burst {
						take(m, true)
					} else {
						m.Free() // nowhere to keep it; it was checked by the sender
						buf[j] = nil
					}
				}
				// Hand some over, free some, through the cache or not.
				if k := rng.IntN(min(len(held), burst) + 1); k > 0 {
					out := release(k)
					sent := handoff.EnqueueBurst(out)
					if sent < k {
						FreeBulk(out[sent:])
					}
				}
				if k := rng.IntN(min(len(held), burst) + 1); k > 0 {
					out := release(k)
					if rng.IntN(2) == 0 {
						p.PutBulk(c, indexes(out))
					} else {
						FreeBulk(out)
					}
				}
				if len(held) > hold {
					FreeBulk(release(len(held) - hold))
				}
			}
			FreeBulk(release(len(held)))
		}(w)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("workers did not finish")
	}
	var rest [64]*Mbuf
	for {
		n := handoff.DequeueBurst(rest[:])
		if n == 0 {
			break
		}
		FreeBulk(rest[:n])
	}
	require.Equal(t, 0, p.InUse(), "mbufs lost or returned twice")
	require.Equal(t, p.Size(), p.AvailCount())
	for i := range owners {
		require.Zero(t, owners[i].Load(), fmt.Sprintf("mbuf %d still owned", i))
	}
}

// indexes returns the object indexes of ms, for PutBulk (which is a valid way to
// free them only because they are single segments with refcnt 1).
func indexes(ms []*Mbuf) []uint32 {
	out := make([]uint32, len(ms))
	for i, m := range ms {
		out[i] = m.Index()
	}
	return out
}
