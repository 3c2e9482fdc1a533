package mempool_test

import (
	"errors"
	"fmt"

	"github.com/dpk-go/dpk/mempool"
)

// A pool on a stack backend: the objects freed last come out first.
func ExampleConfig_ops() {
	pool, err := mempool.New("lifo", mempool.Config{N: 64, EltSize: 256, Socket: mempool.SocketAny, Ops: mempool.OpsLFStack})
	if err != nil {
		panic(err)
	}
	objs := make([]uint32, 3)
	_ = pool.GetBulk(nil, objs)
	fmt.Println("got", objs)
	pool.PutBulk(nil, objs)
	_ = pool.GetBulk(nil, objs[:1])
	fmt.Println("then", objs[0], "(the last one put)")
	pool.PutBulk(nil, objs[:1])
	_ = pool.Close()
	// Output:
	// got [0 1 2]
	// then 2 (the last one put)
}

func ExamplePool_Stats() {
	pool, _ := mempool.New("counted", mempool.Config{N: 1023, EltSize: 64, CacheSize: 32, Socket: mempool.SocketAny})
	cache := pool.NewCache()
	objs := make([]uint32, 8)
	for i := 0; i < 10; i++ {
		_ = pool.GetBulk(cache, objs) // the first refills the cache from the ring
		pool.PutBulk(cache, objs)
	}
	if err := pool.GetBulk(nil, make([]uint32, 2000)); err != nil {
		fmt.Println(err)
	}
	s := pool.Stats()
	fmt.Printf("gets %d (%d objects), %d served by the cache alone, %d from the ring, %d failed\n",
		s.GetSuccessBulk, s.GetSuccessObjs, s.GetCacheHitBulk, s.GetCommonPoolBulk, s.GetFailBulk)
	cache.Close()
	_ = pool.Close()
	// Output:
	// mempool: not enough free objects
	// gets 10 (80 objects), 9 served by the cache alone, 1 from the ring, 1 failed
}

// A Debug pool catches a double free and names the mbuf and its pool.
func ExamplePktPoolConfig_debug() {
	pool, _ := mempool.NewPktPool("checked", mempool.PktPoolConfig{N: 63, Socket: mempool.SocketAny, Debug: true})
	m := pool.Alloc(nil)
	m.Free()
	func() {
		defer func() {
			err := recover().(*mempool.DebugError)
			fmt.Println(errors.Is(err, mempool.ErrDoubleFree), err.Op, err.Index, err.Pool)
		}()
		m.Free()
	}()
	_ = pool.Close()
	// Output:
	// true Mbuf.Free 0 checked
}
