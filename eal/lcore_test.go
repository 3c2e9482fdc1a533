//go:build linux

package eal

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/internal/sys"
)

func TestLcorePinning(t *testing.T) {
	cpus, err := sys.Affinity()
	require.NoError(t, err)
	last := cpus[len(cpus)-1]
	var set CPUSet
	set.Set(last)
	l := NewLcore(3, set, 0)
	var got []int
	var tid int
	require.NoError(t, l.Launch(func(l *Lcore) error {
		got, err = sys.Affinity()
		tid = sys.Gettid()
		return err
	}))
	require.NoError(t, l.Wait())
	require.Equal(t, []int{last}, got, "the lcore's thread runs only on its CPU")
	require.NotZero(t, tid)
	require.False(t, l.Running())
	require.Equal(t, 3, l.ID())
}

func TestLcoreBusyAndErrors(t *testing.T) {
	var set CPUSet
	set.Set(0)
	l := NewLcore(0, set, 0)
	release := make(chan struct{})
	require.NoError(t, l.Launch(func(*Lcore) error { <-release; return nil }))
	require.ErrorIs(t, l.Launch(func(*Lcore) error { return nil }), ErrBusy)
	close(release)
	require.NoError(t, l.Wait())

	boom := errors.New("boom")
	require.NoError(t, l.Launch(func(*Lcore) error { return boom }))
	require.ErrorIs(t, l.Wait(), boom)

	require.NoError(t, l.Launch(func(*Lcore) error { panic("bug") }))
	require.ErrorContains(t, l.Wait(), "panic: bug", "a panicking lcore reports instead of crashing")
	require.NoError(t, NewLcore(1, set, 0).Wait(), "wait without launch")
}

func TestLcoreBadCPU(t *testing.T) {
	var set CPUSet
	set.Set(MaxCPU - 1)
	l := NewLcore(0, set, 0)
	err := l.Launch(func(*Lcore) error { return nil })
	require.ErrorContains(t, err, "pin to CPUs")
	require.False(t, l.Running())
}

func TestInit(t *testing.T) {
	cpus, _ := sys.Affinity()
	e, app, err := Init([]string{"-l", "0", "--no-huge", "-m", "64", "--vdev", "net_null0", "--", "-p", "0x3"})
	require.NoError(t, err)
	require.Equal(t, []string{"-p", "0x3"}, app)
	require.Len(t, e.Lcores(), 1)
	require.True(t, e.MainLcore().IsMain())
	require.Empty(t, e.Workers())
	require.Equal(t, []string{"net_null0"}, e.Vdevs())
	seg, err := e.Memory().Alloc("t-init", 70<<20, -1)
	require.ErrorIs(t, err, ErrNoMemory, "-m 64 caps the memory")
	require.Nil(t, seg)

	ran := 0
	require.NoError(t, e.LaunchWorkers(func(*Lcore) error { ran++; return nil }, true))
	require.NoError(t, e.Wait())
	require.Equal(t, 1, ran)
	require.NoError(t, e.Cleanup())

	if len(cpus) >= 2 {
		e, _, err := Init([]string{"--lcores", "0@1,1@0", "--main-lcore", "1", "--no-huge"})
		require.NoError(t, err)
		require.Equal(t, 1, e.MainLcore().ID())
		require.Equal(t, []int{0}, e.MainLcore().CPUs().List())
		require.Len(t, e.Workers(), 1)
		require.NoError(t, e.Cleanup())
	}

	_, _, err = Init([]string{"-l", "1000"})
	require.Error(t, err)
	_, _, err = Init([]string{"--proc-type", "secondary"})
	require.ErrorContains(t, err, "primary")
	require.GreaterOrEqual(t, runtime.NumCPU(), 1)
}

func TestBackoff(t *testing.T) {
	var b Backoff
	for i := 0; i < 400; i++ {
		b.Idle()
	}
	require.Equal(t, 400, b.empty)
	require.Positive(t, b.sleep, "after spinning and yielding it sleeps")
	require.LessOrEqual(t, b.sleep, 200*time.Microsecond, "bounded by MaxSleep")
	b.Reset()
	require.Zero(t, b.empty)
	busy := Backoff{Busy: true}
	busy.Idle()
	require.Zero(t, busy.empty)
}
