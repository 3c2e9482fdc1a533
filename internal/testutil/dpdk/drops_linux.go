//go:build linux

package dpdk

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/dpk-go/dpk/internal/sys"
)

// PacketDrops returns the frames the kernel dropped because the peer's packet
// socket RX rings were full (PACKET_STATISTICS tp_drops, summed over the peer's
// packet sockets). DPDK 22.11's net_af_packet never reads these counters (its
// RX-dropped stays 0), so this is what closes the books on what a veth delivered
// to it. Reading resets the kernel's counters; call it once, after the traffic
// stopped and before Stop. Needs root (the sockets are taken with pidfd_getfd).
func (p *Peer) PacketDrops() (uint64, error) {
	pid := p.cmd.Process.Pid
	inodes, err := packetInodes(pid)
	if err != nil {
		return 0, err
	}
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var drops uint64
	found := 0
	for _, e := range ents {
		link, err := os.Readlink(dir + "/" + e.Name())
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if !inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			continue
		}
		fd, _ := strconv.Atoi(e.Name())
		nfd, err := sys.ForeignFd(pid, fd)
		if err != nil {
			return 0, err
		}
		_, d, _, err := sys.PacketStatsV3(nfd)
		sys.Close(nfd)
		if err != nil {
			return 0, err
		}
		drops += uint64(d)
		found++
	}
	if found == 0 {
		return 0, fmt.Errorf("dpdk: pid %d has no packet socket", pid)
	}
	return drops, nil
}

// packetInodes lists the socket inodes of the packet sockets in pid's network
// namespace (/proc/PID/net/packet, last column).
func packetInodes(pid int) (map[string]bool, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/packet", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	inodes := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) > 0 {
			inodes[fs[len(fs)-1]] = true
		}
	}
	return inodes, sc.Err()
}
