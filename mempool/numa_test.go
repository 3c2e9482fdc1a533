package mempool

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/eal"
)

// numaMapsLine returns the /proc/self/numa_maps line of the mapping at addr.
func numaMapsLine(t *testing.T, addr uintptr) string {
	b, err := os.ReadFile("/proc/self/numa_maps")
	require.NoError(t, err)
	prefix := strconv.FormatUint(uint64(addr), 16) + " "
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no numa_maps line for %#x", addr)
	return ""
}

// TestPoolSocket: a pool's memory is bound to the NUMA node asked for (DPDK's
// socket_id), or to none with SocketAny; a node that does not exist is an
// error. On Linux the kernel's own view (/proc/self/numa_maps) must agree:
// a bind policy on that node, and pages only there.
func TestPoolSocket(t *testing.T) {
	topo, err := eal.ReadTopology()
	require.NoError(t, err)
	for _, node := range topo.Nodes {
		for _, pkt := range []bool{false, true} {
			var p *Pool
			if pkt {
				p, err = NewPktPool(testName("numa"), PktPoolConfig{N: 127, Socket: node})
			} else {
				p, err = New(testName("numa"), Config{N: 127, EltSize: 256, Socket: node})
			}
			require.NoError(t, err)
			require.Equal(t, node, p.Socket())
			require.Equal(t, node, p.Segment().Node(), "segment bound to node %d", node)
			if runtime.GOOS == "linux" {
				l := numaMapsLine(t, p.Segment().Base())
				require.Contains(t, l, fmt.Sprintf(" bind:%d ", node), l)
				for _, f := range strings.Fields(l) {
					if len(f) > 1 && f[0] == 'N' && strings.Contains(f, "=") {
						require.True(t, strings.HasPrefix(f, fmt.Sprintf("N%d=", node)), "pages on another node: %s", l)
					}
				}
			}
			require.NoError(t, p.Close())
		}
	}

	p, err := New(testName("numa"), Config{N: 10, EltSize: 8, Socket: SocketAny})
	require.NoError(t, err)
	require.Equal(t, SocketAny, p.Socket())
	require.Equal(t, -1, p.Segment().Node(), "SocketAny binds nothing")
	require.NoError(t, p.Close())

	if runtime.GOOS == "linux" {
		missing := topo.Nodes[len(topo.Nodes)-1] + 1
		_, err = New(testName("numa"), Config{N: 10, EltSize: 8, Socket: missing})
		require.ErrorIs(t, err, ErrInvalid)
		require.ErrorContains(t, err, fmt.Sprintf("NUMA socket %d", missing))
	}
	_, err = New(testName("numa"), Config{N: 10, EltSize: 8, Socket: -2})
	require.ErrorIs(t, err, ErrInvalid)
}
