//go:build linux

package sys

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// InNetns runs fn on an OS thread that has joined the network namespace at path
// (e.g. /var/run/netns/NAME). Sockets fn creates stay in that namespace
// afterwards. When fn returns the thread goes back to its original namespace
// before any other goroutine may run on it; if that fails the thread is
// discarded, so no other goroutine ever runs in the namespace by accident.
//
// Going back matters even though the thread could just be discarded: when the
// goroutine happens to run on the process's main thread, Go cannot end that
// thread (it parks it), and the whole process would then count as living in the
// namespace (/proc/PID/ns/net is the main thread's), so `ip netns pids` would
// list it.
func InNetns(path string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Unlocked only once the thread is back in its own namespace.
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("netns: open own namespace: %w", err)
			return
		}
		defer unix.Close(orig)
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("netns %s: %w", path, err)
			runtime.UnlockOSThread()
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("netns %s: setns: %w", path, err)
			return
		}
		err = fn()
		if unix.Setns(orig, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}
