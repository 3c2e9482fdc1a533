package eal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Topology is the machine's CPU and NUMA layout: the online CPUs and the NUMA
// nodes, as DPDK's EAL detects them at start (rte_eal_cpu_init).
type Topology struct {
	// CPUs are the online CPUs in ascending ID order.
	CPUs []CPUInfo
	// Nodes are the NUMA node ids in ascending order, including nodes without
	// online CPUs (memory-only nodes); [0] on a machine without NUMA.
	Nodes []int
}

// CPUInfo describes one online CPU.
type CPUInfo struct {
	ID      int // CPU id as the kernel numbers it
	Node    int // NUMA node (socket id in DPDK's terms); 0 when the kernel gives none
	Core    int // physical core id within its package (topology/core_id); -1 if unknown
	Package int // physical package id (topology/physical_package_id); -1 if unknown
}

// maxTopologyCPU bounds the CPU ids read from sysfs; unlike CPUSet, a Topology can
// describe machines with MaxCPU or more CPUs.
const maxTopologyCPU = 1 << 20

// SocketOf returns the NUMA node of cpu (DPDK's rte_lcore_to_socket_id for an lcore
// on that CPU), or 0 if cpu is not online.
func (t Topology) SocketOf(cpu int) int {
	if i, ok := t.find(cpu); ok {
		return t.CPUs[i].Node
	}
	return 0
}

// Online reports whether cpu is an online CPU.
func (t Topology) Online(cpu int) bool {
	_, ok := t.find(cpu)
	return ok
}

func (t Topology) find(cpu int) (int, bool) {
	return slices.BinarySearchFunc(t.CPUs, cpu, func(c CPUInfo, id int) int { return c.ID - id })
}

// readTopologyFrom reads the topology from a sysfs tree mounted at root:
// devices/system/cpu/online for the online CPUs, cpuN/topology/{core_id,
// physical_package_id} for each, and devices/system/node/nodeN/cpulist for node
// membership (the nodes from node/online, else from the nodeN directories). A
// missing node directory means one node 0 for all CPUs; a missing topology file
// means -1. A missing online file or a malformed file is an error.
func readTopologyFrom(root string) (Topology, error) {
	cpuDir := filepath.Join(root, "devices", "system", "cpu")
	nodeDir := filepath.Join(root, "devices", "system", "node")

	online, err := readIDList(filepath.Join(cpuDir, "online"))
	if err != nil {
		return Topology{}, err
	}
	if len(online) == 0 {
		return Topology{}, fmt.Errorf("eal: %s: no online CPUs", filepath.Join(cpuDir, "online"))
	}
	t := Topology{CPUs: make([]CPUInfo, len(online))}
	for i, id := range online {
		c := CPUInfo{ID: id}
		dir := filepath.Join(cpuDir, "cpu"+strconv.Itoa(id), "topology")
		if c.Core, err = readOptionalInt(filepath.Join(dir, "core_id")); err != nil {
			return Topology{}, err
		}
		if c.Package, err = readOptionalInt(filepath.Join(dir, "physical_package_id")); err != nil {
			return Topology{}, err
		}
		t.CPUs[i] = c
	}

	nodes, err := readNodes(nodeDir)
	if err != nil {
		return Topology{}, err
	}
	if len(nodes) == 0 {
		t.Nodes = []int{0}
		return t, nil
	}
	t.Nodes = nodes
	for _, n := range nodes {
		cpus, err := readIDList(filepath.Join(nodeDir, "node"+strconv.Itoa(n), "cpulist"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Topology{}, err
		}
		for _, id := range cpus {
			if i, ok := t.find(id); ok {
				t.CPUs[i].Node = n
			}
		}
	}
	return t, nil
}

// readNodes lists the NUMA node ids from node/online, or else from the nodeN
// directories; none when the node directory does not exist.
func readNodes(nodeDir string) ([]int, error) {
	nodes, err := readIDList(filepath.Join(nodeDir, "online"))
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nodes, err
	}
	ents, err := os.ReadDir(nodeDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("eal: %w", err)
	}
	for _, e := range ents {
		if s, ok := strings.CutPrefix(e.Name(), "node"); ok {
			if n, err := parseID(s, maxTopologyCPU); err == nil {
				nodes = append(nodes, n)
			}
		}
	}
	slices.Sort(nodes)
	return nodes, nil
}

// readIDList reads a sysfs id list file ("0-3,8\n") as ascending ids.
func readIDList(path string) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eal: %w", err)
	}
	var ids []int
	err = parseRanges(string(b), maxTopologyCPU, false, func(lo, hi int) {
		for id := lo; id <= hi; id++ {
			ids = append(ids, id)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("eal: %s: %w", path, err)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// readOptionalInt reads a sysfs file holding one integer; -1 if it does not exist.
func readOptionalInt(path string) (int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("eal: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("eal: %s: %q is not a number", path, strings.TrimSpace(string(b)))
	}
	return n, nil
}
