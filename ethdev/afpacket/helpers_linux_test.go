//go:build linux

package afpacket_test

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
	"github.com/dpk-go/dpk/ethdev/afpacket"
	"github.com/dpk-go/dpk/internal/sys"
	"github.com/dpk-go/dpk/internal/testutil"
	"github.com/dpk-go/dpk/mempool"
)

const (
	ifA       = "dpka0"
	ifB       = "dpkb0"
	testType  = 0x88b5 // IEEE 802 local experimental EtherType 1
	waitLimit = 5 * time.Second
)

var devSeq atomic.Int32

func devName() string { return fmt.Sprintf("%s%d", afpacket.DriverName, 100+devSeq.Add(1)) }

// topo is a veth pair: ifA in namespace a, ifB in namespace b (possibly the same).
type topo struct {
	a, b *testutil.Netns
}

func newTopo(t testing.TB, sameNS bool) topo {
	t.Helper()
	testutil.RequireRoot(t)
	a := testutil.NewNetns(t)
	b := a
	if !sameNS {
		b = testutil.NewNetns(t)
	}
	testutil.Veth(t, a, ifA, b, ifB)
	return topo{a, b}
}

// openPort creates a net_af_packet port on iface from inside namespace ns, with
// extra devargs (",qpairs=2"); the port is stopped and closed at cleanup.
func openPort(t testing.TB, ns *testutil.Netns, iface, extra string) *ethdev.Port {
	t.Helper()
	var p *ethdev.Port
	ns.Do(t, func() error {
		var err error
		p, err = ethdev.Create(devName() + ",iface=" + iface + extra)
		return err
	})
	t.Cleanup(func() {
		p.Stop()
		p.Close()
	})
	return p
}

// start configures p with nq queue pairs on pool and starts it.
func start(t testing.TB, p *ethdev.Port, nq int, pool *mempool.Pool, conf *ethdev.Config) {
	t.Helper()
	require.NoError(t, p.Configure(nq, nq, conf))
	for q := 0; q < nq; q++ {
		require.NoError(t, p.RxQueueSetup(q, 0, 0, nil, pool))
		require.NoError(t, p.TxQueueSetup(q, 0, 0, nil))
	}
	require.NoError(t, p.Start())
}

// frame builds a test frame of size bytes: broadcast destination, src, the test
// EtherType, a sequence number, then a pattern derived from it.
func frame(b []byte, src [6]byte, seq uint32) []byte {
	for i := 0; i < 6; i++ {
		b[i] = 0xff
	}
	copy(b[6:12], src[:])
	binary.BigEndian.PutUint16(b[12:], testType)
	binary.BigEndian.PutUint32(b[14:], seq)
	for i := 18; i < len(b); i++ {
		b[i] = byte(seq) + byte(i)
	}
	return b
}

// frameSeq returns the sequence number of a test frame and whether b is one with
// an intact pattern.
func frameSeq(b []byte) (uint32, bool) {
	if len(b) < 18 || binary.BigEndian.Uint16(b[12:]) != testType {
		return 0, false
	}
	seq := binary.BigEndian.Uint32(b[14:])
	for i := 18; i < len(b); i++ {
		if b[i] != byte(seq)+byte(i) {
			return seq, false
		}
	}
	return seq, true
}

var srcMAC = [6]byte{0x02, 0xde, 0xad, 0xbe, 0xef, 0x02}

// allocFrames fills ms with test frames of size bytes numbered from seq.
func allocFrames(t testing.TB, pool *mempool.Pool, ms []*mempool.Mbuf, size int, seq uint32) {
	t.Helper()
	require.NoError(t, pool.AllocBulk(nil, ms))
	for i, m := range ms {
		frame(m.Append(size), srcMAC, seq+uint32(i))
	}
}

// sendAll transmits every mbuf of ms on q, retrying until waitLimit.
func sendAll(t testing.TB, q *ethdev.TxQueue, ms []*mempool.Mbuf) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for k := 0; k < len(ms); {
		n := q.TxBurst(ms[k:])
		k += n
		if n == 0 {
			if time.Now().After(deadline) {
				mempool.FreeBulk(ms[k:])
				t.Fatalf("TX took %d of %d frames in %v", k, len(ms), waitLimit)
			}
			runtime.Gosched()
		}
	}
}

// rxFrame is a received frame, copied out of its mbuf.
type rxFrame struct {
	data    []byte
	flags   uint64
	vlanTCI uint16
	port    uint16
}

// receive polls q until match has accepted want frames or waitLimit passes, and
// returns the accepted frames (the others are dropped). match nil accepts
// test frames only.
func receive(t testing.TB, q *ethdev.RxQueue, want int, match func([]byte) bool) []rxFrame {
	t.Helper()
	if match == nil {
		match = func(b []byte) bool { _, ok := frameSeq(b); return ok }
	}
	var got []rxFrame
	pkts := make([]*mempool.Mbuf, 32)
	deadline := time.Now().Add(waitLimit)
	for len(got) < want && time.Now().Before(deadline) {
		n := q.RxBurst(pkts)
		for _, m := range pkts[:n] {
			if match(m.Data()) {
				got = append(got, rxFrame{append([]byte(nil), m.Data()...), m.OlFlags(), m.VlanTCI(), m.Port()})
			}
		}
		mempool.FreeBulk(pkts[:n])
		if n == 0 {
			runtime.Gosched()
		}
	}
	return got
}

// rawSock is a plain kernel packet socket on an interface, the other side of
// interop tests.
type rawSock struct {
	fd      int
	ifindex int
}

func openRaw(t testing.TB, ns *testutil.Netns, iface string) *rawSock {
	t.Helper()
	r := &rawSock{fd: -1}
	ns.Do(t, func() error {
		ctl, err := sys.ControlSocket()
		if err != nil {
			return err
		}
		defer sys.Close(ctl)
		if r.ifindex, err = sys.IfIndex(ctl, iface); err != nil {
			return err
		}
		if r.fd, err = sys.PacketSocket(sys.EthPAll); err != nil {
			return err
		}
		return sys.BindPacket(r.fd, r.ifindex, sys.EthPAll)
	})
	t.Cleanup(func() { sys.Close(r.fd) })
	return r
}

func (r *rawSock) send(t testing.TB, b []byte) {
	t.Helper()
	require.NoError(t, sys.SendPacket(r.fd, r.ifindex, b))
}

// recv returns the incoming frames (not the socket's own outgoing ones) that
// match accepts, until it has want of them or waitLimit passes.
func (r *rawSock) recv(t testing.TB, want int, match func([]byte) bool) [][]byte {
	t.Helper()
	const pktOutgoing = 4 // PACKET_OUTGOING
	var got [][]byte
	buf := make([]byte, 65536)
	deadline := time.Now().Add(waitLimit)
	for len(got) < want && time.Now().Before(deadline) {
		n, typ, err := sys.RecvPacket(r.fd, buf)
		if err == syscall.EAGAIN {
			_, err = sys.PollIn(r.fd, 50*time.Millisecond)
			require.NoError(t, err)
			continue
		}
		require.NoError(t, err)
		if typ != pktOutgoing && match(buf[:n]) {
			got = append(got, append([]byte(nil), buf[:n]...))
		}
	}
	return got
}
