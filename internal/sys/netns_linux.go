//go:build linux

package sys

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// InNetns runs fn on a fresh OS thread that has joined the network namespace
// at path (e.g. /var/run/netns/NAME). Sockets fn creates stay in that namespace
// afterwards. The thread is discarded when fn returns, so no other goroutine ever
// runs in the namespace by accident.
func InNetns(path string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No unlock: the thread has switched namespaces and must die with the goroutine.
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("netns %s: %w", path, err)
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("netns %s: setns: %w", path, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}
