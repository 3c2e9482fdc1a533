//go:build linux

package sys

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// SetAffinity pins the calling OS thread to the given CPUs (sched_setaffinity(2)
// on thread id 0). The caller must have locked its goroutine to the thread.
func SetAffinity(cpus []int) error {
	var set unix.CPUSet
	set.Zero()
	for _, c := range cpus {
		set.Set(c)
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("sched_setaffinity %v: %w", cpus, err)
	}
	return nil
}

// Affinity returns the CPUs the calling thread may run on.
func Affinity() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("sched_getaffinity: %w", err)
	}
	var cpus []int
	for c := 0; c < len(set)*64; c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// Gettid returns the calling thread's kernel id.
func Gettid() int { return unix.Gettid() }

// Geteuid returns the effective user id.
func Geteuid() int { return unix.Geteuid() }
