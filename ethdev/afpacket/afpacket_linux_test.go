//go:build linux

package afpacket_test

import (
	"context"
	"encoding/binary"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/afpacket"
	"github.com/dpk-go/dpk/ethdev/ethdevtest"
	"github.com/dpk-go/dpk/internal/testutil"
	"github.com/dpk-go/dpk/mempool"
)

func harness(extra string, queues int) ethdevtest.Harness {
	return ethdevtest.Harness{
		Open: func(t *testing.T) *ethdev.Port {
			tp := newTopo(t, false)
			return openPort(t, tp.a, ifA, extra)
		},
		OpenPair: func(t *testing.T) (a, b *ethdev.Port) {
			tp := newTopo(t, false)
			return openPort(t, tp.a, ifA, extra), openPort(t, tp.b, ifB, extra)
		},
		Queues: queues,
		Lossy:  false,
	}
}

// The shared ethdev conformance suite, on the two ends of a veth pair in two
// namespaces.
func TestConformance(t *testing.T) {
	testutil.RequireRoot(t)
	ethdevtest.Run(t, harness("", 1))
}

// The suite with two queue pairs per port: frames sent on queue q of one port
// land on whichever queue the other port's fanout group picks; the suite
// receives on every queue.
func TestConformanceQPairs2(t *testing.T) {
	testutil.RequireRoot(t)
	ethdevtest.Run(t, harness(",qpairs=2", 2))
}

// Both ends in one namespace, with the qdisc path (qdisc_bypass=0): the port must
// still not receive its own frames (PACKET_IGNORE_OUTGOING).
func TestConformanceQdiscOneNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	ethdevtest.Run(t, ethdevtest.Harness{
		Open: func(t *testing.T) *ethdev.Port {
			tp := newTopo(t, true)
			return openPort(t, tp.a, ifA, ",qdisc_bypass=0")
		},
		OpenPair: func(t *testing.T) (a, b *ethdev.Port) {
			tp := newTopo(t, true)
			return openPort(t, tp.a, ifA, ",qdisc_bypass=0"), openPort(t, tp.a, ifB, ",qdisc_bypass=0")
		},
	})
}

// Probing a missing interface fails naming it, with ErrNoInterface; this needs no
// privilege (the lookup is an ioctl on an AF_UNIX socket).
func TestNoInterface(t *testing.T) {
	_, err := ethdev.Create(devName() + ",iface=dpknosuch0")
	require.ErrorIs(t, err, afpacket.ErrNoInterface)
	require.Contains(t, err.Error(), `"dpknosuch0"`)

	_, err = afpacket.NewDevice(afpacket.Config{Iface: "dpknosuch1"})
	require.ErrorIs(t, err, afpacket.ErrNoInterface)
	require.Contains(t, err.Error(), "dpknosuch1")
}

// Devargs errors come through ethdev.Create unchanged.
func TestCreateDevargsErrors(t *testing.T) {
	_, err := ethdev.Create(devName() + ",iface=lo,bogus=1")
	require.ErrorIs(t, err, ethdev.ErrUnknownKey)
	require.Contains(t, err.Error(), "bogus")
	_, err = ethdev.Create(devName() + ",qpairs=1")
	require.ErrorIs(t, err, ethdev.ErrMissingKey)
	require.Contains(t, err.Error(), "iface")
	_, err = ethdev.Create(devName() + ",iface=lo,framesz=100")
	require.ErrorIs(t, err, ethdev.ErrBadValue)
	require.Contains(t, err.Error(), "framesz")
}

// Port-level control: info, link, MAC, MTU, promiscuous mode, against what the
// kernel says about the interface.
func TestControl(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	p := openPort(t, tp.a, ifA, ",qpairs=3")

	info := p.Info()
	require.Equal(t, afpacket.DriverName, info.DriverName)
	require.Equal(t, ifA, info.IfName)
	require.Equal(t, 3, info.MaxRxQueues)
	require.Equal(t, 3, info.MaxTxQueues)
	require.Equal(t, 2000, info.MaxRxPktLen, "framesz 2048 - 48")
	require.Equal(t, 2000-14, info.MaxMTU)

	require.Equal(t, "Link up at 10 Gbps FDX Fixed", p.Link().String())
	tp.b.Exec(t, "ip", "link", "set", ifB, "down")
	require.False(t, waitLink(p, false).Up, "carrier goes with the peer")
	tp.b.Exec(t, "ip", "link", "set", ifB, "up")
	require.True(t, waitLink(p, true).Up)

	var kernelMAC string
	tp.a.Do(t, func() error {
		ifc, err := net.InterfaceByName(ifA)
		if err == nil {
			kernelMAC = ifc.HardwareAddr.String()
		}
		return err
	})
	require.Equal(t, kernelMAC, strings.ToLower(p.MACAddr().String()))

	start(t, p, 3, pool, nil)
	require.NoError(t, p.SetMTU(1400))
	require.Contains(t, tp.a.Exec(t, "ip", "link", "show", ifA), "mtu 1400")
	require.Equal(t, 1400, p.MTU())
	require.ErrorIs(t, p.SetMTU(5000), ethdev.ErrInvalid, "above MaxMTU")

	require.NoError(t, p.SetPromiscuous(true))
	require.Contains(t, tp.a.Exec(t, "ip", "-d", "link", "show", ifA), "promiscuity 1")
	require.NoError(t, p.SetPromiscuous(false))
	require.Contains(t, tp.a.Exec(t, "ip", "-d", "link", "show", ifA), "promiscuity 0")
	require.NoError(t, p.SetAllMulticast(true))
	require.NoError(t, p.SetAllMulticast(false))

	require.NoError(t, p.SetLinkUp(false))
	require.False(t, waitLink(p, false).Up)
	require.NoError(t, p.SetLinkUp(true))
	require.True(t, waitLink(p, true).Up)

	xs, err := p.XStats()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, x := range xs {
		names[x.Name] = true
	}
	for _, n := range []string{"rx_kernel_drops", "rx_truncated", "rx_mbuf_too_small", "tx_frame_too_big", "tx_ring_full"} {
		require.True(t, names[n], "xstat %s", n)
	}
}

func waitLink(p *ethdev.Port, up bool) ethdev.Link {
	deadline := time.Now().Add(waitLimit)
	for {
		l := p.Link()
		if l.Up == up || time.Now().After(deadline) {
			return l
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Frames the kernel sends (a raw packet socket on the peer) arrive intact in
// RxBurst; frames TxBurst sends arrive at the peer's raw socket and in its
// interface counters.
func TestKernelInterop(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	p := openPort(t, tp.a, ifA, "")
	start(t, p, 1, pool, nil)
	raw := openRaw(t, tp.b, ifB)

	// Kernel -> port.
	const n = 50
	buf := make([]byte, 1514)
	for i := 0; i < n; i++ {
		raw.send(t, frame(buf[:60+i*29], srcMAC, uint32(i)))
	}
	got := receive(t, p.RxQueue(0), n, nil)
	require.Len(t, got, n)
	for i, f := range got {
		seq, ok := frameSeq(f.data)
		require.True(t, ok)
		require.Equal(t, uint32(i), seq, "in order")
		require.Len(t, f.data, 60+i*29)
		require.Equal(t, p.ID(), f.port)
		require.Zero(t, f.flags)
	}

	// Port -> kernel.
	rxBefore := ifCounter(t, tp.b, ifB, "rx_packets")
	pkts := make([]*mempool.Mbuf, n)
	allocFrames(t, pool, pkts, 100, 1000)
	sendAll(t, p.TxQueue(0), pkts)
	rcvd := raw.recv(t, n, func(b []byte) bool { _, ok := frameSeq(b); return ok })
	require.Len(t, rcvd, n)
	for i, b := range rcvd {
		seq, _ := frameSeq(b)
		require.Equal(t, uint32(1000+i), seq)
		require.Len(t, b, 100)
	}
	require.GreaterOrEqual(t, ifCounter(t, tp.b, ifB, "rx_packets")-rxBefore, uint64(n))
	s, err := p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(n), s.OPackets)
	require.Equal(t, uint64(n*100), s.OBytes)
	require.GreaterOrEqual(t, s.IPackets, uint64(n))
}

func ifCounter(t testing.TB, ns *testutil.Netns, ifc, name string) uint64 {
	t.Helper()
	out := ns.Exec(t, "cat", "/sys/class/net/"+ifc+"/statistics/"+name)
	v, err := strconv.ParseUint(strings.TrimSpace(out), 10, 64)
	require.NoError(t, err)
	return v
}

// The kernel's IP stack talks to the port: a UDP datagram to a neighbour address
// makes the kernel ARP for it; the port answers the ARP request, the kernel
// learns the port's MAC and sends the queued datagram to it.
func TestKernelStackARP(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	p := openPort(t, tp.a, ifA, "")
	start(t, p, 1, pool, nil)
	tp.b.Addr(t, ifB, "198.18.0.1/24")
	myIP := net.IPv4(198, 18, 0, 2).To4()
	myMAC := p.MACAddr()

	tp.b.Do(t, func() error {
		c, err := net.Dial("udp4", "198.18.0.2:7777")
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Write([]byte("hello, dpk"))
		return err
	})

	arpReq := receive(t, p.RxQueue(0), 1, func(b []byte) bool {
		return len(b) >= 42 && binary.BigEndian.Uint16(b[12:]) == 0x0806 &&
			binary.BigEndian.Uint16(b[20:]) == 1 && net.IP(b[38:42]).Equal(myIP)
	})
	require.Len(t, arpReq, 1, "kernel ARP request for 198.18.0.2")
	req := arpReq[0].data
	peerMAC, peerIP := req[22:28], req[28:32]

	m := pool.Alloc(nil)
	require.NotNil(t, m)
	b := m.Append(60)
	clear(b)
	copy(b[0:6], peerMAC)
	copy(b[6:12], myMAC[:])
	binary.BigEndian.PutUint16(b[12:], 0x0806)
	binary.BigEndian.PutUint16(b[14:], 1)      // Ethernet
	binary.BigEndian.PutUint16(b[16:], 0x0800) // IPv4
	b[18], b[19] = 6, 4
	binary.BigEndian.PutUint16(b[20:], 2) // reply
	copy(b[22:28], myMAC[:])
	copy(b[28:32], myIP)
	copy(b[32:38], peerMAC)
	copy(b[38:42], peerIP)
	sendAll(t, p.TxQueue(0), []*mempool.Mbuf{m})

	udp := receive(t, p.RxQueue(0), 1, func(b []byte) bool {
		return len(b) >= 42 && binary.BigEndian.Uint16(b[12:]) == 0x0800 && b[23] == 17 &&
			binary.BigEndian.Uint16(b[36:]) == 7777
	})
	require.Len(t, udp, 1, "the datagram, once the kernel learnt our MAC")
	require.Equal(t, myMAC[:], udp[0].data[0:6])
	require.Contains(t, string(udp[0].data[42:]), "hello, dpk")
	require.Contains(t, tp.b.Exec(t, "ip", "neigh", "show", "198.18.0.2", "dev", ifB), strings.ToLower(myMAC.String()))
}

// A VLAN-tagged frame arrives with TP_STATUS_VLAN_VALID (the kernel strips the
// tag): without the VLAN_STRIP offload the driver puts the tag back and sets
// RxVLAN; with it, the frame comes untagged with RxVLAN|RxVLANStripped. Both set
// VlanTCI.
func TestVLANRx(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	p := openPort(t, tp.a, ifA, "")
	raw := openRaw(t, tp.b, ifB)
	const tci = 0x2064 // priority 1, VLAN 100

	untagged := frame(make([]byte, 60), srcMAC, 7)
	tagged := append(append(append([]byte(nil), untagged[:12]...), 0x81, 0x00, tci>>8, tci&0xff), untagged[12:]...)
	isOurs := func(b []byte) bool {
		return len(b) >= 16 && (binary.BigEndian.Uint16(b[12:]) == 0x8100 || binary.BigEndian.Uint16(b[12:]) == testType)
	}

	start(t, p, 1, pool, nil)
	raw.send(t, tagged)
	got := receive(t, p.RxQueue(0), 1, isOurs)
	require.Len(t, got, 1)
	require.Equal(t, mempool.RxVLAN, got[0].flags)
	require.Equal(t, uint16(tci), got[0].vlanTCI)
	require.Equal(t, tagged, got[0].data, "tag re-inserted without VLAN_STRIP")

	require.NoError(t, p.Stop())
	start(t, p, 1, pool, &ethdev.Config{RxOffloads: afpacket.RxOffloadVLANStrip})
	raw.send(t, tagged)
	got = receive(t, p.RxQueue(0), 1, isOurs)
	require.Len(t, got, 1)
	require.Equal(t, mempool.RxVLAN|mempool.RxVLANStripped, got[0].flags)
	require.Equal(t, uint16(tci), got[0].vlanTCI)
	require.Equal(t, untagged, got[0].data, "tag stripped with VLAN_STRIP")
}

// TX inserts the tag of an mbuf marked TxVLAN in software; multi-segment mbufs
// are sent as one frame; the peer port sees both intact.
func TestVLANTxAndChains(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	a := openPort(t, tp.a, ifA, "")
	b := openPort(t, tp.b, ifB, "")
	start(t, a, 1, pool, nil)
	start(t, b, 1, pool, nil)

	m := pool.Alloc(nil)
	require.NotNil(t, m)
	want := frame(make([]byte, 200), srcMAC, 42)
	copy(m.Append(200), want)
	m.SetOlFlags(mempool.TxVLAN)
	m.SetVlanTCI(0x0123)

	// A three-segment chain of 100+200+300 bytes.
	segs := make([]*mempool.Mbuf, 3)
	require.NoError(t, pool.AllocBulk(nil, segs))
	whole := frame(make([]byte, 600), srcMAC, 43)
	copy(segs[0].Append(100), whole[:100])
	copy(segs[1].Append(200), whole[100:300])
	copy(segs[2].Append(300), whole[300:])
	require.NoError(t, segs[0].Chain(segs[1]))
	require.NoError(t, segs[0].Chain(segs[2]))

	sendAll(t, a.TxQueue(0), []*mempool.Mbuf{m, segs[0]})
	got := receive(t, b.RxQueue(0), 2, func(d []byte) bool {
		return len(d) >= 16 && (binary.BigEndian.Uint16(d[12:]) == 0x8100 || binary.BigEndian.Uint16(d[12:]) == testType)
	})
	require.Len(t, got, 2)
	require.Equal(t, mempool.RxVLAN, got[0].flags)
	require.Equal(t, uint16(0x0123), got[0].vlanTCI)
	tagged := append(append(append([]byte(nil), want[:12]...), 0x81, 0x00, 0x01, 0x23), want[12:]...)
	require.Equal(t, tagged, got[0].data)
	require.Equal(t, whole, got[1].data)
}

// The RX cursor survives bursts that stop inside a block: small caller slices,
// and a pool that runs dry (rx_nombuf), lose nothing and keep the order.
func TestRxCursorAndNombuf(t *testing.T) {
	small, err := mempool.NewPktPool("afp_small", mempool.PktPoolConfig{N: 16})
	require.NoError(t, err)
	t.Cleanup(func() {
		require.Equal(t, 0, small.InUse())
		require.NoError(t, small.Close())
	})
	tp := newTopo(t, false)
	p := openPort(t, tp.a, ifA, "")
	start(t, p, 1, small, nil)
	raw := openRaw(t, tp.b, ifB)

	const n = 100 // 60-byte frames: about 28 per 4 KiB block, so several blocks
	buf := make([]byte, 60)
	for i := 0; i < n; i++ {
		raw.send(t, frame(buf, srcMAC, uint32(i)))
	}
	q := p.RxQueue(0)
	var seqs []uint32
	held := make([]*mempool.Mbuf, 0, 16)
	pkts := make([]*mempool.Mbuf, 32)
	sizes := []int{1, 3, 32, 5}
	sawNombuf := false
	deadline := time.Now().Add(waitLimit)
	for i := 0; len(seqs) < n && time.Now().Before(deadline); i++ {
		k := q.RxBurst(pkts[:sizes[i%len(sizes)]])
		for _, m := range pkts[:k] {
			seq, ok := frameSeq(m.Data())
			if ok {
				seqs = append(seqs, seq)
			}
			held = append(held, m)
		}
		if len(held) == 16 {
			// The pool is empty now: a burst finds frames but no mbuf.
			if q.RxBurst(pkts) == 0 {
				sawNombuf = true
			}
			mempool.FreeBulk(held)
			held = held[:0]
		}
		if k == 0 {
			mempool.FreeBulk(held)
			held = held[:0]
			time.Sleep(time.Millisecond)
		}
	}
	mempool.FreeBulk(held)
	require.Len(t, seqs, n)
	for i, s := range seqs {
		require.Equal(t, uint32(i), s, "frame %d out of order", i)
	}
	require.True(t, sawNombuf)
	s, err := p.Stats()
	require.NoError(t, err)
	require.Positive(t, s.RxNombuf)
	require.Zero(t, s.IMissed)
}

// Frames the kernel truncated (longer than a ring block can hold) are dropped and
// counted as ierrors/rx_truncated; frames too long for a TX frame are dropped,
// freed and counted as oerrors/tx_frame_too_big.
func TestOversize(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	for _, x := range []struct {
		ns  *testutil.Netns
		ifc string
	}{{tp.a, ifA}, {tp.b, ifB}} {
		x.ns.Exec(t, "ip", "link", "set", x.ifc, "mtu", "9000")
	}
	p := openPort(t, tp.a, ifA, "")
	start(t, p, 1, pool, nil)
	raw := openRaw(t, tp.b, ifB)

	raw.send(t, frame(make([]byte, 5000), srcMAC, 1)) // > 4096-byte block: truncated
	raw.send(t, frame(make([]byte, 100), srcMAC, 2))
	got := receive(t, p.RxQueue(0), 1, nil)
	require.Len(t, got, 1)
	seq, _ := frameSeq(got[0].data)
	require.Equal(t, uint32(2), seq, "the truncated frame is dropped, the next one arrives")
	x, err := p.XStat("rx_truncated")
	require.NoError(t, err)
	require.Equal(t, uint64(1), x)
	s, err := p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(1), s.IErrors)

	// 2100 bytes in a two-segment chain: more than framesz-48 = 2000.
	ms := make([]*mempool.Mbuf, 2)
	require.NoError(t, pool.AllocBulk(nil, ms))
	ms[0].Append(1050)
	ms[1].Append(1050)
	require.NoError(t, ms[0].Chain(ms[1]))
	require.Equal(t, 1, p.TxQueue(0).TxBurst(ms[:1]), "dropped frames count as taken")
	x, err = p.XStat("tx_frame_too_big")
	require.NoError(t, err)
	require.Equal(t, uint64(1), x)
	s, err = p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(1), s.OErrors)
	require.Zero(t, s.OPackets, "a dropped frame is not counted as sent")
	require.Zero(t, s.OBytes)
	require.Equal(t, 0, pool.InUse(), "the dropped chain was freed")
}

// Frames the kernel could not place because the RX ring was full show as
// imissed and rx_kernel_drops (PACKET_STATISTICS, accumulated across reads).
func TestKernelDrops(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	a := openPort(t, tp.a, ifA, "")
	b := openPort(t, tp.b, ifB, ",framecnt=16") // 8 blocks of 4 KiB
	start(t, a, 1, pool, nil)
	start(t, b, 1, pool, nil)

	pkts := make([]*mempool.Mbuf, 32)
	for i := 0; i < 20; i++ {
		allocFrames(t, pool, pkts, 1000, uint32(i*32))
		sendAll(t, a.TxQueue(0), pkts)
	}
	s, err := b.Stats()
	require.NoError(t, err)
	require.Positive(t, s.IMissed, "a 32 KiB ring cannot hold 640 KB")
	x, err := b.XStat("rx_kernel_drops")
	require.NoError(t, err)
	require.Equal(t, s.IMissed, x)
	s2, err := b.Stats()
	require.NoError(t, err)
	require.Equal(t, s.IMissed, s2.IMissed, "the kernel's counter resets on read; the driver's does not")

	got := drain(t, b.RxQueue(0)) // what the ring held
	require.NotZero(t, got)
	require.Less(t, got, 640)
	s3, err := b.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(640), s3.IPackets+s3.IMissed, "every frame either received or counted missed")
}

// Frames that arrive while the port is stopped are not delivered after Start.
func TestStartDiscardsStale(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	p := openPort(t, tp.a, ifA, "")
	start(t, p, 1, pool, nil)
	raw := openRaw(t, tp.b, ifB)
	require.NoError(t, p.Stop())
	buf := make([]byte, 60)
	for i := 0; i < 10; i++ {
		raw.send(t, frame(buf, srcMAC, uint32(i)))
	}
	time.Sleep(20 * time.Millisecond) // let the retire timer hand the block over
	require.NoError(t, p.Start())
	raw.send(t, frame(buf, srcMAC, 99))
	got := receive(t, p.RxQueue(0), 1, nil)
	require.Len(t, got, 1)
	seq, _ := frameSeq(got[0].data)
	require.Equal(t, uint32(99), seq)
}

// RxBurst and TxBurst allocate nothing in steady state.
func TestNoAllocs(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	a := openPort(t, tp.a, ifA, "")
	b := openPort(t, tp.b, ifB, "")
	start(t, a, 1, pool, nil)
	start(t, b, 1, pool, nil)
	txq, rxq := a.TxQueue(0), b.RxQueue(0)
	pkts := make([]*mempool.Mbuf, 32)
	rx := make([]*mempool.Mbuf, 32)

	send := func() {
		if pool.AllocBulk(nil, pkts) != nil {
			return
		}
		for _, m := range pkts {
			frame(m.Append(64), srcMAC, 0)
		}
		k := txq.TxBurst(pkts)
		mempool.FreeBulk(pkts[k:])
	}
	recv := func() int {
		total := 0
		deadline := time.Now().Add(waitLimit)
		for total < 32 && time.Now().Before(deadline) {
			n := rxq.RxBurst(rx)
			mempool.FreeBulk(rx[:n])
			total += n
			if n == 0 {
				runtime.Gosched()
			}
		}
		return total
	}
	// Warm up: caches created, blocks cycled.
	for i := 0; i < 50; i++ {
		send()
		recv()
	}
	received := 0
	allocs := testing.AllocsPerRun(200, func() {
		send()
		received += recv()
	})
	require.Zero(t, allocs, "TxBurst + RxBurst allocations per burst")
	require.GreaterOrEqual(t, received, 200*32, "the measured bursts moved traffic")
	rxIdle := testing.AllocsPerRun(200, func() { mempool.FreeBulk(rx[:rxq.RxBurst(rx)]) })
	require.Zero(t, rxIdle, "idle RxBurst")
	for n := rxq.RxBurst(rx); n > 0; n = rxq.RxBurst(rx) {
		mempool.FreeBulk(rx[:n])
	}
}

// drain receives and frees until the queue has been quiet for 50 ms (or
// waitLimit passes) and returns how many frames it got.
func drain(t testing.TB, q *ethdev.RxQueue) int {
	t.Helper()
	pkts := make([]*mempool.Mbuf, 32)
	total := 0
	deadline := time.Now().Add(waitLimit)
	quiet := time.Now()
	for time.Now().Before(deadline) && time.Since(quiet) < 50*time.Millisecond {
		n := q.RxBurst(pkts)
		mempool.FreeBulk(pkts[:n])
		total += n
		if n > 0 {
			quiet = time.Now()
		} else {
			time.Sleep(time.Millisecond)
		}
	}
	return total
}

// PACKET_IGNORE_OUTGOING (and the fanout group's IGNORE_OUTGOING flag with
// several queue pairs): what the host itself sends on the interface, here the
// kernel's ARP request, is not received by the port, though the peer gets it.
func TestIgnoresOutgoing(t *testing.T) {
	for _, qpairs := range []int{1, 2} {
		t.Run(strconv.Itoa(qpairs), func(t *testing.T) {
			pool := ethdevtest.NewPool(t)
			tp := newTopo(t, false)
			p := openPort(t, tp.a, ifA, ",qdisc_bypass=0,qpairs="+strconv.Itoa(qpairs))
			start(t, p, qpairs, pool, nil)
			raw := openRaw(t, tp.b, ifB)
			tp.a.Addr(t, ifA, "198.18.1.1/24")
			tp.a.Do(t, func() error {
				c, err := net.Dial("udp4", "198.18.1.2:9")
				if err != nil {
					return err
				}
				defer c.Close()
				_, err = c.Write([]byte("x"))
				return err
			})
			isARP := func(b []byte) bool { return len(b) >= 14 && binary.BigEndian.Uint16(b[12:]) == 0x0806 }
			require.NotEmpty(t, raw.recv(t, 1, isARP), "the peer sees the host's ARP request")
			deadline := time.Now().Add(50 * time.Millisecond)
			pkts := make([]*mempool.Mbuf, 32)
			for time.Now().Before(deadline) {
				for q := 0; q < qpairs; q++ {
					n := p.RxQueue(q).RxBurst(pkts)
					for _, m := range pkts[:n] {
						require.False(t, isARP(m.Data()), "the port received the host's own ARP request")
					}
					mempool.FreeBulk(pkts[:n])
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}

// With every TX frame still held by the kernel (a slow qdisc, a 2-frame TX ring),
// TxBurst takes what fits, counts tx_ring_full and leaves the rest to the caller;
// retried, everything goes out in order.
func TestTxRingFull(t *testing.T) {
	pool := ethdevtest.NewPool(t)
	tp := newTopo(t, false)
	// 10 kB/s after a 1600-byte burst: 1000-byte frames leave every 100 ms.
	tp.a.Exec(t, "tc", "qdisc", "replace", "dev", ifA, "root", "tbf", "rate", "80kbit", "burst", "1600", "latency", "2s")
	p := openPort(t, tp.a, ifA, ",qdisc_bypass=0,framecnt=2")
	start(t, p, 1, pool, nil)
	raw := openRaw(t, tp.b, ifB)

	const n = 6
	pkts := make([]*mempool.Mbuf, n)
	allocFrames(t, pool, pkts, 1000, 0)
	k := p.TxQueue(0).TxBurst(pkts)
	require.Equal(t, 2, k, "two TX frames, both taken")
	require.Equal(t, n-k, pool.InUse(), "the driver freed what it took; the rest is still ours")
	full, err := p.XStat("tx_ring_full")
	require.NoError(t, err)
	require.Positive(t, full)
	sendAll(t, p.TxQueue(0), pkts[k:])

	got := raw.recv(t, n, func(b []byte) bool { _, ok := frameSeq(b); return ok })
	require.Len(t, got, n)
	for i, b := range got {
		seq, _ := frameSeq(b)
		require.Equal(t, uint32(i), seq)
	}
	s, err := p.Stats()
	require.NoError(t, err)
	require.Equal(t, uint64(n), s.OPackets)
	require.Zero(t, s.OErrors)
}

// Without CAP_NET_RAW the probe fails saying so, with an error that wraps EPERM.
// The test re-runs itself under setpriv with CAP_NET_RAW dropped from the
// bounding set (root keeps its uid but loses the capability).
func TestNoCapNetRaw(t *testing.T) {
	if os.Getenv("DPK_AFPACKET_NOCAP") != "" {
		_, err := ethdev.Create(devName() + ",iface=lo")
		require.ErrorIs(t, err, syscall.EPERM)
		require.Contains(t, err.Error(), "needs root or CAP_NET_RAW")
		return
	}
	testutil.RequireRoot(t)
	setpriv := testutil.RequireCommand(t, "setpriv", "util-linux")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, setpriv, "--bounding-set", "-net_raw", os.Args[0],
		"-test.run", "^TestNoCapNetRaw$", "-test.count", "1", "-test.v")
	cmd.Env = append(os.Environ(), "DPK_AFPACKET_NOCAP=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "--- PASS: TestNoCapNetRaw")
}
