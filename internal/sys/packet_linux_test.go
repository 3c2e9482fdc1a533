//go:build linux

package sys_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dpk-go/dpk/internal/sys"
	"github.com/dpk-go/dpk/internal/testutil"
)

func TestHtons(t *testing.T) {
	if sys.Htons(0x0003) != 0x0300 || sys.Htons(0x88b5) != 0xb588 {
		t.Fatal("Htons")
	}
}

// Interface ioctls need no privilege: they work on loopback as any user.
func TestInterfaceIoctls(t *testing.T) {
	ctl, err := sys.ControlSocket()
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close(ctl)
	idx, err := sys.IfIndex(ctl, "lo")
	if err != nil || idx <= 0 {
		t.Fatalf("IfIndex(lo) = %d, %v", idx, err)
	}
	flags, err := sys.IfFlags(ctl, "lo")
	if err != nil || flags&sys.IffUp == 0 {
		t.Fatalf("IfFlags(lo) = %#x, %v (want up)", flags, err)
	}
	mtu, err := sys.IfMTU(ctl, "lo")
	if err != nil || mtu < 1500 {
		t.Fatalf("IfMTU(lo) = %d, %v", mtu, err)
	}
	if mac, err := sys.IfHWAddr(ctl, "lo"); err != nil || mac != [6]byte{} {
		t.Fatalf("IfHWAddr(lo) = %v, %v (want zero)", mac, err)
	}
	if maxMTU, err := sys.IfMaxMTU(idx); err != nil || (maxMTU != 0 && maxMTU < mtu) {
		t.Fatalf("IfMaxMTU(lo) = %d, %v", maxMTU, err)
	}
	if _, err := sys.IfIndex(ctl, "dpknosuch9"); !errors.Is(err, syscall.ENODEV) {
		t.Fatalf("IfIndex of a missing interface: %v, want ENODEV", err)
	}
}

// InNetns hands its thread back in the original namespace: however many calls,
// the process never shows up as living in the test namespace (which it would if
// a call had run on the main thread and left it there).
func TestInNetnsRestores(t *testing.T) {
	ns := testutil.NewNetns(t)
	self, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		var inside string
		ns.Do(t, func() error {
			var err error
			inside, err = os.Readlink("/proc/thread-self/ns/net")
			return err
		})
		if inside == self {
			t.Fatal("fn did not run in the namespace")
		}
	}
	out, _ := testutil.Output(5*time.Second, "ip", "netns", "pids", ns.Name)
	for _, p := range strings.Fields(out) {
		if p == strconv.Itoa(os.Getpid()) {
			t.Fatal("the test process is listed in the namespace")
		}
	}
}
