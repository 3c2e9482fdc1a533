package mempool_test

import (
	"fmt"

	"github.com/dpk-go/dpk/mempool"
)

// A packet sent to two ports without copying its data: the clone shares the
// buffer and holds a reference; the buffer goes back to its pool when both are
// freed.
func ExampleMbuf_Clone() {
	pool, err := mempool.NewPktPool("example-clone", mempool.PktPoolConfig{N: 63, Socket: mempool.SocketAny})
	if err != nil {
		panic(err)
	}
	// Clones need no data room of their own: a pool of small mbufs will do.
	clones, err := mempool.NewPktPool("example-clones", mempool.PktPoolConfig{N: 63, DataRoomSize: 128, Socket: mempool.SocketAny})
	if err != nil {
		panic(err)
	}

	m := pool.Alloc(nil)
	copy(m.Append(11), "hello world")
	c, err := m.Clone(clones, nil)
	if err != nil {
		panic(err) // ErrNoEntries: the clone pool is empty
	}
	fmt.Printf("%q indirect=%v refcnt=%d writable=%v\n", c.Data(), c.IsIndirect(), m.RefCnt(), m.Writable())

	m.Free() // the original's owner is done; the clone still holds the buffer
	fmt.Println("in use:", pool.InUse(), clones.InUse())
	c.Free() // the last reference: both mbufs go back
	fmt.Println("in use:", pool.InUse(), clones.InUse())

	if err := clones.Close(); err != nil {
		panic(err)
	}
	if err := pool.Close(); err != nil {
		panic(err)
	}
	// Output:
	// "hello world" indirect=true refcnt=2 writable=false
	// in use: 1 1
	// in use: 0 0
}

func ExampleParsePType() {
	pool, err := mempool.NewPktPool("example-ptype", mempool.PktPoolConfig{N: 63, Socket: mempool.SocketAny})
	if err != nil {
		panic(err)
	}
	frame := []byte{
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x81, 0x00, // Ethernet, VLAN
		0x00, 0x0a, 0x08, 0x00, // VID 10, IPv4
		0x45, 0, 0, 36, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4, UDP
		0x13, 0x88, 0, 53, 0, 16, 0, 0, // UDP 5000 -> 53
		'p', 'a', 'y', 'l', 'o', 'a', 'd', '!',
	}
	m := pool.Alloc(nil)
	copy(m.Append(len(frame)), frame)

	ptype, hdr := mempool.ParsePType(m)
	m.SetPacketType(ptype)
	fmt.Println(mempool.PTypeString(m.PacketType()))
	fmt.Printf("l2_len=%d l3_len=%d l4_len=%d\n", hdr.L2Len, hdr.L3Len, hdr.L4Len)

	m.Free()
	if err := pool.Close(); err != nil {
		panic(err)
	}
	// Output:
	// L2_ETHER_VLAN L3_IPV4 L4_UDP
	// l2_len=18 l3_len=20 l4_len=8
}
