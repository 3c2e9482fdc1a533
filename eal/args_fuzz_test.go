package eal

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseArgs checks that ParseArgs never panics, that its errors are
// *ArgError matching exactly one sentinel, and that a parsed Config renders to
// arguments that parse back to the same Config (and render the same again).
// The input is the argument list joined with newlines.
func FuzzParseArgs(f *testing.F) {
	f.Add("-l\n0-3\n--vdev\nnet_null0\n--\napp")
	f.Fuzz(func(t *testing.T, s string) {
		var args []string
		if s != "" {
			args = strings.Split(s, "\n")
		}
		cfg, rest, err := ParseArgs(args)
		if err != nil {
			var ae *ArgError
			require.ErrorAs(t, err, &ae)
			require.NotEqual(t, errors.Is(err, ErrBadOption), errors.Is(err, ErrUnknownOption), "exactly one sentinel: %v", err)
			require.True(t, strings.HasPrefix(err.Error(), "eal: "), err.Error())
			return
		}
		if rest != nil {
			require.Equal(t, args[len(args)-len(rest):], rest, "rest is the tail of args")
			require.Equal(t, "--", args[len(args)-len(rest)-1])
		}
		for _, l := range cfg.Lcores {
			require.Less(t, l.ID, MaxLcore)
			require.NotZero(t, l.CPUs.Count())
		}
		rendered := cfg.Args()
		again, rest, err := ParseArgs(rendered)
		require.NoError(t, err, "rendered %q", rendered)
		require.Nil(t, rest)
		require.Equal(t, cfg, again, "rendered %q", rendered)
		require.Equal(t, rendered, again.Args())
	})
}
