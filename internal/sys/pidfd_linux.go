//go:build linux

package sys

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// ForeignFd duplicates file descriptor fd of process pid into this process
// (pidfd_open(2) + pidfd_getfd(2), Linux >= 5.6). It needs ptrace rights over
// pid (root). Tests use it to read counters of a peer's sockets that the peer
// itself does not report.
func ForeignFd(pid, fd int) (int, error) {
	pfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd_open %d: %w", pid, err)
	}
	defer unix.Close(pfd)
	nfd, err := unix.PidfdGetfd(pfd, fd, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd_getfd %d/%d: %w", pid, fd, err)
	}
	return nfd, nil
}
