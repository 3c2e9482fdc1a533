//go:build linux

package testutil

import (
	"testing"

	"github.com/dpk-go/dpk/internal/sys"
)

// Do runs fn on a thread inside the namespace; sockets it opens stay there.
func (n *Netns) Do(t testing.TB, fn func() error) {
	t.Helper()
	if err := sys.InNetns(n.Path(), fn); err != nil {
		t.Fatalf("in netns %s: %v", n.Name, err)
	}
}
