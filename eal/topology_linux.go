//go:build linux

package eal

// ReadTopology reads the online CPUs, their cores and packages and their NUMA nodes
// from /sys, as DPDK's EAL does at start. It fails if
// /sys/devices/system/cpu/online cannot be read or a topology file is malformed.
func ReadTopology() (Topology, error) {
	return readTopologyFrom("/sys")
}
