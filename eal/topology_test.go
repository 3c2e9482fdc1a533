package eal

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTopologyTwoNodes(t *testing.T) {
	topo, err := readTopologyFrom(filepath.Join("testdata", "sysfs", "two-node"))
	require.NoError(t, err)
	require.Equal(t, []int{0, 1}, topo.Nodes)
	require.Equal(t, []CPUInfo{
		{ID: 0, Node: 0, Core: 0, Package: 0},
		{ID: 1, Node: 0, Core: 1, Package: 0},
		{ID: 2, Node: 0, Core: 2, Package: 0},
		{ID: 3, Node: 1, Core: 0, Package: 1},
		{ID: 4, Node: 1, Core: 1, Package: 1},
		{ID: 5, Node: 1, Core: 2, Package: 1},
		{ID: 7, Node: 1, Core: 3, Package: 1},
	}, topo.CPUs)

	require.True(t, topo.Online(0))
	require.True(t, topo.Online(7))
	require.False(t, topo.Online(6), "cpu6 is offline")
	require.False(t, topo.Online(8))
	require.False(t, topo.Online(-1))

	require.Equal(t, 0, topo.SocketOf(2))
	require.Equal(t, 1, topo.SocketOf(3))
	require.Equal(t, 1, topo.SocketOf(7))
	require.Equal(t, 0, topo.SocketOf(6), "offline: unknown")
	require.Equal(t, 0, topo.SocketOf(100), "absent: unknown")
}

func TestTopologyNoNUMA(t *testing.T) {
	topo, err := readTopologyFrom(filepath.Join("testdata", "sysfs", "no-numa"))
	require.NoError(t, err)
	require.Equal(t, []int{0}, topo.Nodes)
	require.Equal(t, []CPUInfo{
		{ID: 0, Node: 0, Core: 0, Package: 0},
		{ID: 1, Node: 0, Core: -1, Package: -1}, // no topology files
	}, topo.CPUs)
}

func TestTopologyNodeDirs(t *testing.T) {
	// No node/online: nodes come from the nodeN directories; node 2 has memory only.
	topo, err := readTopologyFrom(filepath.Join("testdata", "sysfs", "node-dirs"))
	require.NoError(t, err)
	require.Equal(t, []int{0, 2}, topo.Nodes)
	require.Len(t, topo.CPUs, 2)
	require.Equal(t, 0, topo.SocketOf(1))
}

func TestTopologyErrors(t *testing.T) {
	write := func(t *testing.T, root, rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no online file", map[string]string{"devices/system/cpu/possible": "0\n"}, "online"},
		{"bad online", map[string]string{"devices/system/cpu/online": "0-x\n"}, `"0-x"`},
		{"empty online", map[string]string{"devices/system/cpu/online": "\n"}, "no online CPUs"},
		{"bad core_id", map[string]string{
			"devices/system/cpu/online":                "0\n",
			"devices/system/cpu/cpu0/topology/core_id": "zero\n",
		}, "core_id"},
		{"bad node cpulist", map[string]string{
			"devices/system/cpu/online":         "0\n",
			"devices/system/node/online":        "0\n",
			"devices/system/node/node0/cpulist": "0,\n",
		}, "cpulist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for rel, content := range tc.files {
				write(t, root, rel, content)
			}
			_, err := readTopologyFrom(root)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestReadTopologyMachine(t *testing.T) {
	topo, err := ReadTopology()
	require.NoError(t, err)
	require.NotEmpty(t, topo.CPUs, "at least one CPU online")
	require.NotEmpty(t, topo.Nodes)
	for i, c := range topo.CPUs {
		if i > 0 {
			require.Greater(t, c.ID, topo.CPUs[i-1].ID, "ascending")
		}
		require.True(t, topo.Online(c.ID))
		require.Contains(t, topo.Nodes, c.Node)
		require.Equal(t, c.Node, topo.SocketOf(c.ID))
	}
	if runtime.GOOS == "linux" {
		b, err := os.ReadFile("/sys/devices/system/cpu/online")
		require.NoError(t, err)
		set, err := ParseCPUList(string(b))
		require.NoError(t, err)
		require.Equal(t, set.Count(), len(topo.CPUs))
	}
}
