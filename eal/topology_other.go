//go:build !linux

package eal

import "runtime"

// ReadTopology, on systems without Linux sysfs, describes runtime.NumCPU() CPUs
// 0..n-1, each its own core, all in package 0 and NUMA node 0. It never fails.
func ReadTopology() (Topology, error) {
	n := runtime.NumCPU()
	t := Topology{CPUs: make([]CPUInfo, n), Nodes: []int{0}}
	for i := range t.CPUs {
		t.CPUs[i] = CPUInfo{ID: i, Core: i}
	}
	return t, nil
}
