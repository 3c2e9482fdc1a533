package mempool

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

var allOps = []string{OpsRingMPMC, OpsRingSPSC, OpsRingMPSC, OpsRingSPMC, OpsRingMTRTS, OpsRingMTHTS, OpsStack, OpsLFStack}

// mtOps are the backends any number of goroutines may use at once.
var mtOps = []string{OpsRingMPMC, OpsRingMTRTS, OpsRingMTHTS, OpsStack, OpsLFStack}

func newOpsPool(t testing.TB, ops string, n, cacheSize int) *Pool {
	t.Helper()
	p, err := New(testName("o"), Config{N: n, EltSize: 64, CacheSize: cacheSize, Socket: SocketAny, Ops: ops})
	require.NoError(t, err)
	t.Cleanup(func() {
		require.Equal(t, 0, p.InUse(), "objects not returned to pool %s (%s)", p.Name(), ops)
		require.NoError(t, p.Close())
	})
	return p
}

func TestOpsNames(t *testing.T) {
	p, err := New(testName("o"), Config{N: 10, EltSize: 8, Socket: SocketAny})
	require.NoError(t, err)
	require.Equal(t, OpsRingMPMC, p.Ops(), "the default")
	require.NoError(t, p.Close())

	_, err = New(testName("o"), Config{N: 10, EltSize: 8, Socket: SocketAny, Ops: "bucket"})
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, `unknown ops "bucket"`)
	_, err = NewPktPool(testName("o"), PktPoolConfig{N: 10, Ops: "ring_mc_mp"})
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, `unknown ops "ring_mc_mp"`)

	for _, ops := range allOps {
		p := newOpsPool(t, ops, 100, 0)
		require.Equal(t, ops, p.Ops())
		m, err := NewPktPool(testName("o"), PktPoolConfig{N: 31, Socket: SocketAny, Ops: ops})
		require.NoError(t, err)
		require.Equal(t, ops, m.Ops())
		mb := m.Alloc(nil)
		require.NotNil(t, mb)
		mb.Free()
		require.NoError(t, m.Close())
	}
}

// TestOpsBasic runs the all-or-nothing get contract, puts, counts and the
// initial order on every backend, with and without a cache.
func TestOpsBasic(t *testing.T) {
	for _, ops := range allOps {
		for _, cacheSize := range []int{0, 16} {
			t.Run(fmt.Sprintf("%s/cache=%d", ops, cacheSize), func(t *testing.T) {
				p := newOpsPool(t, ops, 100, cacheSize)
				c := p.NewCache()
				defer c.Close()
				first := make([]uint32, 3)
				require.NoError(t, p.GetBulk(nil, first))
				require.Equal(t, []uint32{0, 1, 2}, first, "fresh pools hand out low indexes first")
				a := make([]uint32, 97)
				require.NoError(t, p.GetBulk(c, a))
				require.Equal(t, 0, p.AvailCount())
				require.ErrorIs(t, p.GetBulk(c, a[:1]), ErrNoEntries)
				require.ErrorIs(t, p.GetBulk(nil, a[:1]), ErrNoEntries)
				require.Equal(t, uint64(2), p.AllocFailures())
				seen := map[uint32]bool{0: true, 1: true, 2: true}
				for _, i := range a {
					require.False(t, seen[i], "object %d handed out twice", i)
					seen[i] = true
				}
				p.PutBulk(c, a[:50])
				p.PutBulk(nil, a[50:])
				p.PutBulk(c, first)
				require.Equal(t, 100, p.AvailCount())
				c.Flush()
				require.Equal(t, 100, p.backendCount())
			})
		}
	}
}

// TestStackLIFO: the stacks hand out the objects put last first.
func TestStackLIFO(t *testing.T) {
	for _, ops := range []string{OpsStack, OpsLFStack} {
		p := newOpsPool(t, ops, 64, 0)
		a := make([]uint32, 10)
		require.NoError(t, p.GetBulk(nil, a))
		p.PutBulk(nil, a[:4]) // 0 1 2 3, 3 on top
		p.PutBulk(nil, a[7:8])
		one := make([]uint32, 1)
		require.NoError(t, p.GetBulk(nil, one))
		require.Equal(t, a[7], one[0], ops)
		three := make([]uint32, 3)
		require.NoError(t, p.GetBulk(nil, three))
		require.Equal(t, []uint32{a[3], a[2], a[1]}, three, ops)
		p.PutBulk(nil, one)
		p.PutBulk(nil, three)
		p.PutBulk(nil, a[4:7])
		p.PutBulk(nil, a[8:]) // a[0] is still in the pool
	}
}

// TestStackOverflowPanics: a put that would hold more objects than the pool
// has (a double free in a pool without debug checks) panics instead of
// corrupting silently.
func TestStackOverflowPanics(t *testing.T) {
	if debugAll {
		t.Skip("with -tags dpkdebug every pool catches the double free itself (TestDebugDoubleFree)")
	}
	for _, ops := range []string{OpsRingMPMC, OpsStack} {
		p, err := New(testName("o"), Config{N: 8, EltSize: 8, Socket: SocketAny, Ops: ops})
		require.NoError(t, err)
		a := make([]uint32, 2)
		require.NoError(t, p.GetBulk(nil, a))
		p.PutBulk(nil, a)
		require.PanicsWithValue(t, fmt.Sprintf("mempool %q: put overflow: an object was returned twice (or is not of this pool)", p.Name()),
			func() { p.PutBulk(nil, a[:1]) }, ops)
		require.NoError(t, p.Close())
	}
}

// TestOpsConcurrent: goroutines with and without caches take and return random
// bursts on every multi-thread backend; each object has one owner at a time
// (claimed in a table with compare-and-swap) and all are back at the end. Run
// it with -race.
func TestOpsConcurrent(t *testing.T) {
	iters := 4000
	if testing.Short() {
		iters = 500
	}
	for _, ops := range mtOps {
		t.Run(ops, func(t *testing.T) {
			p := newOpsPool(t, ops, 1023, 32)
			owner := make([]int32, p.Size())
			var mu sync.Mutex // guards owner (the test's bookkeeping, not the pool)
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					var c *Cache
					if w%2 == 0 {
						c = p.NewCache()
						defer c.Close()
					}
					rng := rand.New(rand.NewPCG(uint64(w), 7))
					var held []uint32
					buf := make([]uint32, 64)
					for i := 0; i < iters; i++ {
						k := 1 + rng.IntN(len(buf))
						if p.GetBulk(c, buf[:k]) == nil {
							mu.Lock()
							for _, o := range buf[:k] {
								if owner[o] != 0 {
									mu.Unlock()
									errs <- fmt.Errorf("worker %d got object %d owned by %d", w, o, owner[o]-1)
									return
								}
								owner[o] = int32(w + 1)
							}
							mu.Unlock()
							held = append(held, buf[:k]...)
						}
						if k := rng.IntN(min(len(held), 64) + 1); k > 0 {
							out := held[len(held)-k:]
							mu.Lock()
							for _, o := range out {
								owner[o] = 0
							}
							mu.Unlock()
							p.PutBulk(c, out)
							held = held[:len(held)-k]
						}
						if len(held) > 200 {
							mu.Lock()
							for _, o := range held {
								owner[o] = 0
							}
							mu.Unlock()
							p.PutBulk(nil, held)
							held = held[:0]
						}
					}
					mu.Lock()
					for _, o := range held {
						owner[o] = 0
					}
					mu.Unlock()
					p.PutBulk(c, held)
				}(w)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			require.Equal(t, 0, p.InUse())
		})
	}
}

// TestNoAllocsOps: gets and puts allocate nothing on any backend, with or
// without a cache, nor do Stats and, in a Debug pool, the checks.
func TestNoAllocsOps(t *testing.T) {
	for _, ops := range allOps {
		for _, debug := range []bool{false, true} {
			p, err := New(testName("a"), Config{N: 1023, EltSize: 64, CacheSize: 64, Socket: SocketAny, Ops: ops, Debug: debug})
			require.NoError(t, err)
			c := p.NewCache()
			objs := make([]uint32, 32)
			big := make([]uint32, 700)
			calls := map[string]func(){
				"cache":   func() { _ = p.GetBulk(c, objs); p.PutBulk(c, objs) },
				"backend": func() { _ = p.GetBulk(nil, objs); p.PutBulk(nil, objs) },
				"refill and flush": func() {
					_ = p.GetBulk(c, big)
					p.PutBulk(c, big[:90])
					p.PutBulk(c, big[90:])
				},
				"failure": func() { _ = p.GetBulk(c, bigObjs[:]); _ = p.GetBulk(nil, bigObjs[:]) },
				"stats":   func() { _ = p.Stats() },
			}
			for name, f := range calls {
				require.Zero(t, testing.AllocsPerRun(50, f), "%s debug=%t: %s", ops, debug, name)
			}
			c.Close()
			require.NoError(t, p.Close())
		}
	}
}

var bigObjs [2000]uint32
