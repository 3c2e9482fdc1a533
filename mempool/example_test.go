package mempool_test

import (
	"fmt"

	"github.com/dpk-go/dpk/mempool"
)

func ExampleNewPktPool() {
	// 1023 mbufs of DPDK's default 2176-byte buffer (128 bytes of headroom),
	// with per-owner caches of 32.
	pool, err := mempool.NewPktPool("example", mempool.PktPoolConfig{
		N:         1023,
		CacheSize: 32,
		Socket:    mempool.SocketAny,
	})
	if err != nil {
		panic(err)
	}
	// Each goroutine that allocates a lot gets its own cache; nil means the
	// shared ring, safe from anywhere.
	cache := pool.NewCache()

	m := pool.Alloc(cache)
	copy(m.Append(5), "hello")
	copy(m.Prepend(3), "hi ")
	fmt.Printf("%q: data_len=%d headroom=%d tailroom=%d\n", m.Data(), m.DataLen(), m.Headroom(), m.Tailroom())
	fmt.Println("in use:", pool.InUse())

	m.Free() // back to its own pool
	fmt.Println("in use:", pool.InUse())

	cache.Close()
	if err := pool.Close(); err != nil {
		panic(err)
	}
	// Output:
	// "hi hello": data_len=8 headroom=125 tailroom=2043
	// in use: 1
	// in use: 0
}
