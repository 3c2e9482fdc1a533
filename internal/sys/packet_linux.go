//go:build linux

package sys

import (
	"fmt"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Packet socket constants (uapi <linux/if_packet.h>, <linux/if_ether.h>).
const (
	EthPAll   = unix.ETH_P_ALL   // every protocol, for PacketSocket and BindPacket
	EthP8021Q = unix.ETH_P_8021Q // 802.1Q VLAN tag

	SolPacket = unix.SOL_PACKET

	PacketVersion        = unix.PACKET_VERSION
	PacketLoss           = unix.PACKET_LOSS
	PacketQdiscBypass    = unix.PACKET_QDISC_BYPASS
	PacketIgnoreOutgoing = unix.PACKET_IGNORE_OUTGOING
	PacketFanout         = unix.PACKET_FANOUT
	PacketAuxdata        = unix.PACKET_AUXDATA

	FanoutHash         = unix.PACKET_FANOUT_HASH
	FanoutLB           = unix.PACKET_FANOUT_LB
	FanoutFlagRollover = unix.PACKET_FANOUT_FLAG_ROLLOVER
	FanoutFlagDefrag   = unix.PACKET_FANOUT_FLAG_DEFRAG

	PacketMrPromisc  = unix.PACKET_MR_PROMISC
	PacketMrAllmulti = unix.PACKET_MR_ALLMULTI

	IffUp      = unix.IFF_UP
	IffRunning = unix.IFF_RUNNING
	IffPromisc = unix.IFF_PROMISC
)

// Htons converts a 16-bit value to network byte order (for protocol numbers).
func Htons(v uint16) uint16 { return v<<8 | v>>8 }

// PacketSocket opens socket(AF_PACKET, SOCK_RAW, htons(proto)), close-on-exec. It
// needs CAP_NET_RAW (the error wraps syscall.EPERM otherwise). proto 0 makes a
// socket that receives nothing until bound with a protocol.
func PacketSocket(proto uint16) (int, error) {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(Htons(proto)))
	if err != nil {
		return -1, fmt.Errorf("socket(AF_PACKET): %w", err)
	}
	return fd, nil
}

// ControlSocket opens a socket for interface ioctls (SIOCGIF*, SIOCSIF*) that
// needs no privilege: an AF_UNIX datagram socket. Interface ioctls act on the
// network namespace the socket was created in, whatever thread calls them later.
func ControlSocket() (int, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket(AF_UNIX): %w", err)
	}
	return fd, nil
}

// SetsockoptInt sets an int socket option.
func SetsockoptInt(fd, level, opt, value int) error {
	if err := unix.SetsockoptInt(fd, level, opt, value); err != nil {
		return fmt.Errorf("setsockopt(%d, %d) = %d: %w", level, opt, value, err)
	}
	return nil
}

// PacketRing describes one PACKET_RX_RING or PACKET_TX_RING request (struct
// tpacket_req3, which the kernel also takes for V1/V2 rings as a prefix).
type PacketRing struct {
	BlockSize, BlockNr, FrameSize, FrameNr uint32
	RetireBlkTovMs                         uint32 // V3 RX only
	SizeofPriv                             uint32 // V3 RX only
	FeatureReqWord                         uint32 // V3 RX only
}

// SetPacketRing creates the socket's RX ring (tx false) or TX ring (tx true).
// PACKET_VERSION must be set before.
func SetPacketRing(fd int, tx bool, r PacketRing) error {
	req := unix.TpacketReq3{
		Block_size: r.BlockSize, Block_nr: r.BlockNr, Frame_size: r.FrameSize, Frame_nr: r.FrameNr,
		Retire_blk_tov: r.RetireBlkTovMs, Sizeof_priv: r.SizeofPriv, Feature_req_word: r.FeatureReqWord,
	}
	opt, name := unix.PACKET_RX_RING, "PACKET_RX_RING"
	if tx {
		opt, name = unix.PACKET_TX_RING, "PACKET_TX_RING"
	}
	if err := unix.SetsockoptTpacketReq3(fd, unix.SOL_PACKET, opt, &req); err != nil {
		return fmt.Errorf("setsockopt %s %+v: %w", name, r, err)
	}
	return nil
}

// PacketStatsV3 reads (and thereby resets) a V3 socket's PACKET_STATISTICS:
// packets seen (drops included), drops, and queue freezes.
func PacketStatsV3(fd int) (packets, drops, freezes uint32, err error) {
	st, err := unix.GetsockoptTpacketStatsV3(fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("getsockopt PACKET_STATISTICS: %w", err)
	}
	return st.Packets, st.Drops, st.Freeze_q_cnt, nil
}

// BindPacket binds a packet socket to interface ifindex for protocol proto (host
// order; EthPAll for every frame).
func BindPacket(fd, ifindex int, proto uint16) error {
	sa := &unix.SockaddrLinklayer{Protocol: Htons(proto), Ifindex: ifindex}
	if err := unix.Bind(fd, sa); err != nil {
		return fmt.Errorf("bind(AF_PACKET, ifindex %d): %w", ifindex, err)
	}
	return nil
}

// PacketMembership adds (or drops) a PACKET_MR_* membership (PacketMrPromisc,
// PacketMrAllmulti) for ifindex on a packet socket. The kernel undoes it when the
// socket closes.
func PacketMembership(fd, ifindex, typ int, add bool) error {
	mreq := unix.PacketMreq{Ifindex: int32(ifindex), Type: uint16(typ)}
	opt, name := unix.PACKET_ADD_MEMBERSHIP, "PACKET_ADD_MEMBERSHIP"
	if !add {
		opt, name = unix.PACKET_DROP_MEMBERSHIP, "PACKET_DROP_MEMBERSHIP"
	}
	if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, opt, &mreq); err != nil {
		return fmt.Errorf("setsockopt %s type %d ifindex %d: %w", name, typ, ifindex, err)
	}
	return nil
}

// MmapRing maps length bytes of a packet socket's rings (RX ring first, TX ring
// after it), read-write, MAP_SHARED|MAP_POPULATE.
func MmapRing(fd, length int) ([]byte, error) {
	b, err := unix.Mmap(fd, 0, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("mmap packet ring %d bytes: %w", length, err)
	}
	return b, nil
}

// Kick asks the kernel to send the frames marked TP_STATUS_SEND_REQUEST in a
// packet socket's TX ring: sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0). It returns
// the errno (0 on success) without allocating; EAGAIN and ENOBUFS are transient.
func Kick(fd int) syscall.Errno {
	_, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), 0, 0, unix.MSG_DONTWAIT, 0, 0)
	return e
}

// PollIn waits up to timeout for fd to be readable (poll(2) POLLIN) and reports
// whether it is. EINTR counts as not ready.
func PollIn(fd int, timeout time.Duration) (bool, error) {
	fds := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds[:], int(timeout/time.Millisecond))
	if err == unix.EINTR {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("poll: %w", err)
	}
	return n > 0 && fds[0].Revents&unix.POLLIN != 0, nil
}

// SendPacket sends one frame on ifindex through a packet socket (sendto with a
// sockaddr_ll), for tests and control traffic.
func SendPacket(fd, ifindex int, frame []byte) error {
	sa := &unix.SockaddrLinklayer{Ifindex: ifindex, Halen: 6}
	if len(frame) >= 6 {
		copy(sa.Addr[:], frame[:6])
	}
	if err := unix.Sendto(fd, frame, 0, sa); err != nil {
		return fmt.Errorf("sendto(AF_PACKET, ifindex %d): %w", ifindex, err)
	}
	return nil
}

// RecvPacket receives one frame into buf without blocking (recvfrom
// MSG_DONTWAIT|MSG_TRUNC): it returns the frame's full length (which may exceed
// len(buf)) and its sll_pkttype, or syscall.EAGAIN when none is queued.
func RecvPacket(fd int, buf []byte) (n int, pktType uint8, err error) {
	n, from, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT|unix.MSG_TRUNC)
	if err != nil {
		return 0, 0, err
	}
	if ll, ok := from.(*unix.SockaddrLinklayer); ok {
		pktType = ll.Pkttype
	}
	return n, pktType, nil
}

// Interface ioctls. fd is any socket of the interface's network namespace
// (ControlSocket); name is the interface name.

func ifreq(name string) (*unix.Ifreq, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return nil, fmt.Errorf("interface %q: %w", name, err)
	}
	return ifr, nil
}

func ifioctl(fd int, req uint, name, what string) (*unix.Ifreq, error) {
	ifr, err := ifreq(name)
	if err != nil {
		return nil, err
	}
	if err := unix.IoctlIfreq(fd, req, ifr); err != nil {
		return nil, fmt.Errorf("interface %q: %s: %w", name, what, err)
	}
	return ifr, nil
}

// IfIndex returns the interface's index (SIOCGIFINDEX); the error wraps ENODEV
// when there is no such interface.
func IfIndex(fd int, name string) (int, error) {
	ifr, err := ifioctl(fd, unix.SIOCGIFINDEX, name, "SIOCGIFINDEX")
	if err != nil {
		return 0, err
	}
	return int(ifr.Uint32()), nil
}

// IfHWAddr returns the interface's hardware (MAC) address (SIOCGIFHWADDR).
func IfHWAddr(fd int, name string) ([6]byte, error) {
	var mac [6]byte
	ifr, err := ifioctl(fd, unix.SIOCGIFHWADDR, name, "SIOCGIFHWADDR")
	if err != nil {
		return mac, err
	}
	// ifr_hwaddr is a struct sockaddr: sa_family (2 bytes), then sa_data.
	raw := (*[unix.IFNAMSIZ + 24]byte)(unsafe.Pointer(ifr))
	copy(mac[:], raw[unix.IFNAMSIZ+2:])
	return mac, nil
}

// IfMTU returns the interface's MTU (SIOCGIFMTU).
func IfMTU(fd int, name string) (int, error) {
	ifr, err := ifioctl(fd, unix.SIOCGIFMTU, name, "SIOCGIFMTU")
	if err != nil {
		return 0, err
	}
	return int(int32(ifr.Uint32())), nil
}

// SetIfMTU sets the interface's MTU (SIOCSIFMTU, needs CAP_NET_ADMIN).
func SetIfMTU(fd int, name string, mtu int) error {
	ifr, err := ifreq(name)
	if err != nil {
		return err
	}
	ifr.SetUint32(uint32(mtu))
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFMTU, ifr); err != nil {
		return fmt.Errorf("interface %q: SIOCSIFMTU %d: %w", name, mtu, err)
	}
	return nil
}

// IfFlags returns the interface's flags (SIOCGIFFLAGS: IffUp, IffRunning, ...).
func IfFlags(fd int, name string) (uint32, error) {
	ifr, err := ifioctl(fd, unix.SIOCGIFFLAGS, name, "SIOCGIFFLAGS")
	if err != nil {
		return 0, err
	}
	return uint32(ifr.Uint16()), nil
}

// SetIfFlags sets or clears flag bits on the interface (SIOCGIFFLAGS then
// SIOCSIFFLAGS, needs CAP_NET_ADMIN).
func SetIfFlags(fd int, name string, set, clear uint32) error {
	flags, err := IfFlags(fd, name)
	if err != nil {
		return err
	}
	ifr, err := ifreq(name)
	if err != nil {
		return err
	}
	ifr.SetUint16(uint16((flags | set) &^ clear))
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("interface %q: SIOCSIFFLAGS: %w", name, err)
	}
	return nil
}

// IfMaxMTU returns the largest MTU the interface accepts (IFLA_MAX_MTU from an
// RTM_GETLINK dump), or 0 if the kernel does not report it. It asks the network
// namespace of the calling thread.
func IfMaxMTU(ifindex int) (int, error) {
	rib, err := syscall.NetlinkRIB(unix.RTM_GETLINK, unix.AF_UNSPEC)
	if err != nil {
		return 0, fmt.Errorf("netlink RTM_GETLINK: %w", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(rib)
	if err != nil {
		return 0, fmt.Errorf("netlink RTM_GETLINK: %w", err)
	}
	for i := range msgs {
		m := &msgs[i]
		if m.Header.Type != unix.RTM_NEWLINK || len(m.Data) < unix.SizeofIfInfomsg {
			continue
		}
		ifi := (*unix.IfInfomsg)(unsafe.Pointer(&m.Data[0]))
		if int(ifi.Index) != ifindex {
			continue
		}
		attrs, err := syscall.ParseNetlinkRouteAttr(m)
		if err != nil {
			return 0, fmt.Errorf("netlink RTM_GETLINK: %w", err)
		}
		for _, a := range attrs {
			if a.Attr.Type == unix.IFLA_MAX_MTU && len(a.Value) >= 4 {
				return int(*(*uint32)(unsafe.Pointer(&a.Value[0]))), nil
			}
		}
		return 0, nil
	}
	return 0, fmt.Errorf("netlink RTM_GETLINK: ifindex %d: %w", ifindex, unix.ENODEV)
}
