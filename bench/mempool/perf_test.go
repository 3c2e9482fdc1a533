package mempoolbench

// Go counterparts of the rows of DPDK 22.11's mempool_perf_autotest
// (app/test/test_mempool_perf.c), through dpk's public API:
//
//   - pools of 2 x (512 + 512) - 1 = 2047 objects of 2048 bytes (MEMPOOL_SIZE
//     with two lcores, MEMPOOL_ELT_SIZE), each object's first 4 bytes set to
//     its number at creation (my_obj_init). Section "cache" uses a pool with
//     a cache of 512 through each lcore's default cache (Pool.LcoreCache);
//     "nocache" a pool without cache (every get and put on the ring);
//     "ucache" the pool without cache through a user-owned cache of 512 that
//     each lcore creates for the row and flushes and frees after it
//     (Pool.NewCacheSize: rte_mempool_cache_create);
//   - each lcore, pinned to CPU 0 (and CPU 1 for cores=2) as dpdk-test -l 0-1
//     pins its main and worker lcores, repeats DPDK's test_loop: get keep
//     objects in bulks of get, then put them back in bulks of put, through a
//     512-entry object table;
//   - like DPDK's, every lcore repeats test_loop (65536 objects) until the
//     row's time is up (-rowtime), and the row's rate is the sum of the
//     lcores' objects per second; the benchmark reports its inverse as ns/op
//     (nanoseconds per object got and put back, over all lcores), so
//     -benchtime must be 1x.
//
// DPDK's pools, and the contents of their default caches, live through all
// its rows; so do ours. DPDK also runs every get==put row a second time with
// the bulk sizes as compile-time constants (constant_n=1); Go has no such
// specialisation, so compare.go sets both of DPDK's numbers against one of
// ours.

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/dpk-go/dpk/eal"
	"github.com/dpk-go/dpk/mempool"
)

const (
	maxKeep = 512
	eltSize = 2048
	poolN   = 2*(maxKeep+mempool.CacheMaxSize) - 1
)

var (
	poolsOnce sync.Once
	pools     map[string]*mempool.Pool
	poolsErr  error
)

func perfPool(section string) (*mempool.Pool, error) {
	poolsOnce.Do(func() {
		pools = map[string]*mempool.Pool{}
		for _, s := range []struct {
			name  string
			cache int
		}{{"nocache", 0}, {"cache", mempool.CacheMaxSize}} {
			p, err := mempool.New("perf_test_"+s.name, mempool.Config{
				N: poolN, EltSize: eltSize, CacheSize: s.cache, Socket: mempool.SocketAny,
				ObjInit: func(obj unsafe.Pointer, idx uint32) {
					clear(unsafe.Slice((*byte)(obj), eltSize))
					*(*uint32)(obj) = idx
				},
			})
			if err != nil {
				poolsErr = err
				return
			}
			pools[s.name] = p
		}
		pools["ucache"] = pools["nocache"]
	})
	return pools[section], poolsErr
}

// loopObjects is DPDK's N: every test_loop call moves this many objects.
const loopObjects = 65536

var rowTime = flag.Duration("rowtime", 250*time.Millisecond,
	"how long each row runs (DPDK's TIME_S is 5 s; run.sh divides DPDK's clock to match)")

// testLoop is DPDK's test_loop: loopObjects/keep rounds of keep gets (in
// bulks of getBulk) then keep puts (in bulks of putBulk).
func testLoop(p *mempool.Pool, c *mempool.Cache, keep, getBulk, putBulk int) error {
	var table [maxKeep]uint32
	for i := 0; i < loopObjects/keep; i++ {
		for idx := 0; idx < keep; idx += getBulk {
			if err := p.GetBulk(c, table[idx:idx+getBulk]); err != nil {
				return err
			}
		}
		for idx := 0; idx < keep; idx += putBulk {
			p.PutBulk(c, table[idx:idx+putBulk])
		}
	}
	return nil
}

var lcores [2]*eal.Lcore

func lcore(i int) *eal.Lcore {
	if lcores[i] == nil {
		var cpus eal.CPUSet
		cpus.Set(i)
		lcores[i] = eal.NewLcore(i, cpus, 0)
	}
	return lcores[i]
}

// benchPerf runs one row as DPDK's per_lcore_mempool_test does: every lcore
// calls testLoop until rowTime has passed on its clock, and counts the
// objects. The benchmark's ns/op is then the row's wall time per object
// (over all lcores), its allocs/op the allocations per object, and "allocs"
// the allocations during the whole timed part (0 when the loop allocates
// nothing). Run with -benchtime 1x: one call is one row.
func benchPerf(b *testing.B, section string, cores, getBulk, putBulk, keep int) {
	if cores > runtime.NumCPU() {
		b.Skipf("needs %d CPUs", cores)
	}
	p, err := perfPool(section)
	if err != nil {
		b.Fatal(err)
	}
	if got := p.AvailCount(); got != poolN {
		b.Fatalf("mempool is not full: %d of %d", got, poolN)
	}
	var start atomic.Bool
	var ready sync.WaitGroup
	var objects [2]int64
	var elapsed [2]time.Duration
	ready.Add(cores)
	for i := 0; i < cores; i++ {
		err := lcore(i).Launch(func(l *eal.Lcore) error {
			var c *mempool.Cache
			switch section {
			case "cache":
				c = p.LcoreCache(l)
			case "ucache":
				var err error
				if c, err = p.NewCacheSize(mempool.CacheMaxSize); err != nil {
					ready.Done()
					return err
				}
				defer c.Close() // rte_mempool_cache_flush + rte_mempool_cache_free
			}
			ready.Done()
			for !start.Load() {
				runtime.Gosched() // lets the benchmark goroutine run on a 2-CPU machine
			}
			t0 := time.Now()
			for time.Since(t0) < *rowTime {
				if err := testLoop(p, c, keep, getBulk, putBulk); err != nil {
					return err
				}
				objects[l.ID()] += loopObjects
			}
			elapsed[l.ID()] = time.Since(t0)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	ready.Wait()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start.Store(true)
	for i := 0; i < cores; i++ {
		if err := lcore(i).Wait(); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&ms1)
	// DPDK's rate_persec: the sum of each lcore's objects per second.
	rate := 0.0
	for i := 0; i < cores; i++ {
		rate += float64(objects[i]) / elapsed[i].Seconds()
	}
	total := float64(objects[0] + objects[1])
	allocs := float64(ms1.Mallocs - ms0.Mallocs)
	b.ReportMetric(1e9/rate, "ns/op")
	b.ReportMetric(allocs/total, "allocs/op")
	b.ReportMetric(allocs, "allocs")
	b.ReportMetric(0, "B/op")
}

// BenchmarkMempoolPerf: see the comment at the top of this file. Names:
// BenchmarkMempoolPerf/<section>/cores=<n>/get=<g>/put=<p>/keep=<k>.
func BenchmarkMempoolPerf(b *testing.B) {
	for _, section := range []string{"cache", "ucache", "nocache"} {
		for _, cores := range []int{1, 2} {
			for _, bulk := range []int{1, 4, 8, 32} {
				for _, keep := range []int{32, 128, 512} {
					name := fmt.Sprintf("%s/cores=%d/get=%d/put=%d/keep=%d", section, cores, bulk, bulk, keep)
					b.Run(name, func(b *testing.B) { benchPerf(b, section, cores, bulk, bulk, keep) })
				}
			}
		}
	}
}
