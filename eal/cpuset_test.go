package eal

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCPUSetBasics(t *testing.T) {
	var s CPUSet
	require.Zero(t, s.Count())
	require.Nil(t, s.List())
	require.Equal(t, "", s.String())

	for _, c := range []int{0, 1, 2, 3, 5, 63, 64, 1023} {
		s.Set(c)
	}
	s.Set(-1)     // ignored
	s.Set(MaxCPU) // ignored
	require.Equal(t, 8, s.Count())
	require.Equal(t, []int{0, 1, 2, 3, 5, 63, 64, 1023}, s.List())
	require.Equal(t, "0-3,5,63-64,1023", s.String())
	require.True(t, s.Has(64))
	require.False(t, s.Has(4))
	require.False(t, s.Has(-1))
	require.False(t, s.Has(MaxCPU))

	s.Clear(64)
	s.Clear(4)
	s.Clear(-3)
	require.False(t, s.Has(64))
	require.Equal(t, "0-3,5,63,1023", s.String())

	// Comparable.
	u, err := ParseCPUList(s.String())
	require.NoError(t, err)
	require.True(t, u == s)
}

func TestCPUSetHasNoAlloc(t *testing.T) {
	var s CPUSet
	s.Set(7)
	n := testing.AllocsPerRun(100, func() { _ = s.Has(7) && !s.Has(8) && s.Count() == 1 })
	require.Zero(t, n)
}

func TestParseCPUList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"", nil},
		{"\n", nil},
		{"0", []int{0}},
		{"0-3,5,7", []int{0, 1, 2, 3, 5, 7}},
		{"0-3\n", []int{0, 1, 2, 3}},
		{" 1 - 2 , 4 ", []int{1, 2, 4}},
		{"3,1,1,2", []int{1, 2, 3}},
		{"5-5", []int{5}},
		{"1023", []int{1023}},
		{"0-1023", nil}, // checked by count below
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := ParseCPUList(tc.in)
			require.NoError(t, err)
			if tc.in == "0-1023" {
				require.Equal(t, MaxCPU, s.Count())
				require.Equal(t, "0-1023", s.String())
				return
			}
			require.Equal(t, tc.want, s.List())
		})
	}
}

func TestParseCPUListErrors(t *testing.T) {
	for _, tc := range []struct{ in, token string }{
		{"a", `"a"`},
		{"0-3,x", `"x"`},
		{"1,,2", `""`},
		{"1,", `""`},
		{",1", `""`},
		{"3-1", `"3-1"`},
		{"1024", `"1024"`},
		{"0-1024", `"0-1024"`},
		{"-1", `"-1"`},
		{"1-", `"1-"`},
		{"1-2-3", `"1-2-3"`},
		{"+1", `"+1"`},
		{"0x1", `"0x1"`},
		{"99999999999999999999999", `"99999999999999999999999"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseCPUList(tc.in)
			require.Error(t, err)
			require.Contains(t, err.Error(), "element "+tc.token)
			require.Contains(t, err.Error(), "eal: bad CPU list")
		})
	}
}

func TestParseCoreMask(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"0xf", "0-3"},
		{"f", "0-3"},
		{"0XF", "0-3"},
		{" 0x5 ", "0,2"},
		{"0", ""},
		{"0x0", ""},
		{"10", "4"},
		{"0x00000000000000000000000000000000000000000000000001", "0"},
		{"8" + strings.Repeat("0", 255), "1023"},
		{"fF", "0-7"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := ParseCoreMask(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.want, s.String())
		})
	}
	for _, in := range []string{"", "0x", "  ", "g", "0xfg", "-1", "1" + strings.Repeat("0", 256)} {
		_, err := ParseCoreMask(in)
		require.Error(t, err, "%q", in)
		require.Contains(t, err.Error(), "eal: bad core mask")
	}
}

func FuzzParseCPUList(f *testing.F) {
	for _, s := range []string{"0-3,5", "", "1,,2", "0-1023", " 7 - 9 ", "3-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := ParseCPUList(s)
		if err != nil {
			return
		}
		again, err := ParseCPUList(set.String())
		require.NoError(t, err)
		require.Equal(t, set, again)
	})
}
