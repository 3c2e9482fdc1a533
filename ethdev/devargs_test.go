package ethdev_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpk-go/dpk/ethdev"
)

func TestParseDevargs(t *testing.T) {
	d, err := ethdev.ParseDevargs("net_ring0")
	require.NoError(t, err)
	require.Equal(t, "net_ring0", d.Name)
	require.Empty(t, d.Keys())
	require.Equal(t, "", d.Args())
	require.Equal(t, "net_ring0", d.String())

	d, err = ethdev.ParseDevargs("net_af_packet0,iface=veth0,qpairs=2")
	require.NoError(t, err)
	require.Equal(t, "net_af_packet0", d.Name)
	require.Equal(t, []string{"iface", "qpairs"}, d.Keys())
	require.Equal(t, "veth0", d.Str("iface", ""))
	require.Equal(t, "dflt", d.Str("blocksz", "dflt"))
	require.True(t, d.Has("qpairs"))
	require.False(t, d.Has("framesz"))
	require.Equal(t, "iface=veth0,qpairs=2", d.Args())
	require.NoError(t, d.CheckKeys("iface", "qpairs", "blocksz"))

	// Names may hold '_', '-', '.', ':' (a PCI address) and digits.
	d, err = ethdev.ParseDevargs("0000:00:1f.6")
	require.NoError(t, err)
	require.Equal(t, "0000:00:1f.6", d.Name)

	// Repeated keys: Values has all in order, the scalar getters the last.
	d, err = ethdev.ParseDevargs("net_vdev0,queue=1,x=y,queue=2,queue=0x10")
	require.NoError(t, err)
	require.Equal(t, []string{"queue", "x", "queue", "queue"}, d.Keys())
	require.Equal(t, []string{"1", "2", "0x10"}, d.Values("queue"))
	require.Nil(t, d.Values("nope"))
	n, err := d.Int("queue", 0, 0, 100)
	require.NoError(t, err)
	require.Equal(t, 16, n, "hex accepted, the last repeat wins")
	// A leading 0 is octal, as with DPDK's strtoul(value, NULL, 0).
	d8, err := ethdev.ParseDevargs("net_vdev1,n=010")
	require.NoError(t, err)
	n, err = d8.Int("n", 0, 0, 100)
	require.NoError(t, err)
	require.Equal(t, 8, n)

	// Brackets and parentheses protect commas, nested too.
	d, err = ethdev.ParseDevargs("net_x0,list=[1,2,3],node=(a,b),deep=[(1,2),[3,(4)]],k=v")
	require.NoError(t, err)
	require.Equal(t, []string{"list", "node", "deep", "k"}, d.Keys())
	require.Equal(t, "[1,2,3]", d.Str("list", ""))
	require.Equal(t, "(a,b)", d.Str("node", ""))
	require.Equal(t, "[(1,2),[3,(4)]]", d.Str("deep", ""))

	// Bare keys have an empty value and are true as booleans; values may hold '='.
	d, err = ethdev.ParseDevargs("net_x1,flag,k=a=b,empty=")
	require.NoError(t, err)
	require.True(t, d.Has("flag"))
	require.Equal(t, "", d.Str("flag", "dflt"))
	on, err := d.Bool("flag", false)
	require.NoError(t, err)
	require.True(t, on)
	require.Equal(t, "a=b", d.Str("k", ""))
	require.Equal(t, "net_x1,flag=,k=a=b,empty=", d.String())

	// Empty items are skipped, as kvargs does; spaces around the name and keys
	// are trimmed, values are kept as given.
	d, err = ethdev.ParseDevargs(" net_x2 ,, k = v ,")
	require.NoError(t, err)
	require.Equal(t, "net_x2", d.Name)
	require.Equal(t, []string{"k"}, d.Keys())
	require.Equal(t, " v ", d.Str("k", ""))
}

func TestParseDevargsSyntaxErrors(t *testing.T) {
	cases := []struct{ in, msg string }{
		{"", `devargs "": syntax error: empty device name`},
		{"  ", `devargs "  ": syntax error: empty device name`},
		{",iface=x", `devargs ",iface=x": syntax error: empty device name`},
		{"net x0", `devargs "net x0": syntax error: bad character ' ' in device name`},
		{"net_x0=1", `devargs "net_x0=1": syntax error: bad character '=' in device name`},
		{"net_x0,a=[1,2", `devargs "net_x0,a=[1,2": syntax error: unclosed bracket`},
		{"net_x0,a=(1", `devargs "net_x0,a=(1": syntax error: unclosed bracket`},
		{"net_x0,a=1]", `devargs "net_x0,a=1]": syntax error: unbalanced ']' at offset 10`},
		{"net_x0,a=)(", `devargs "net_x0,a=)(": syntax error: unbalanced ')' at offset 9`},
		{"net_x0,=v", `devargs "net_x0": syntax error: empty key in "=v"`},
		{"net_x0, =v", `devargs "net_x0": syntax error: empty key in " =v"`},
	}
	for _, c := range cases {
		d, err := ethdev.ParseDevargs(c.in)
		require.Nil(t, d, c.in)
		require.ErrorIs(t, err, ethdev.ErrSyntax, c.in)
		var de *ethdev.DevargsError
		require.True(t, errors.As(err, &de), c.in)
		require.Empty(t, de.Key)
		require.Equal(t, c.msg, err.Error())
	}
}

func TestDevargsGetterErrors(t *testing.T) {
	d, err := ethdev.ParseDevargs("net_af_packet0,iface=,qpairs=abc,framesz=99999,blocksz= 4096 ,on=yes,off=OFF,bad=maybe,ifac=veth1")
	require.NoError(t, err)

	// Required: absent or empty is missing; the error names the key.
	_, err = d.Required("iface")
	require.ErrorIs(t, err, ethdev.ErrMissingKey)
	require.EqualError(t, err, `devargs net_af_packet0: missing required key "iface"`)
	_, err = d.Required("path")
	require.EqualError(t, err, `devargs net_af_packet0: missing required key "path"`)
	v, err := d.Required("ifac")
	require.NoError(t, err)
	require.Equal(t, "veth1", v)

	// Int: absent gives the default; bad or out of range names key and value.
	n, err := d.Int("framecnt", 512, 1, 1<<20)
	require.NoError(t, err)
	require.Equal(t, 512, n)
	n, err = d.Int("blocksz", 0, 1, 1<<20)
	require.NoError(t, err, "spaces around numbers are ignored")
	require.Equal(t, 4096, n)
	_, err = d.Int("qpairs", 1, 1, 16)
	require.ErrorIs(t, err, ethdev.ErrBadValue)
	require.EqualError(t, err, `devargs net_af_packet0: qpairs="abc": bad value: not an integer`)
	_, err = d.Int("framesz", 2048, 64, 65535)
	require.ErrorIs(t, err, ethdev.ErrBadValue)
	require.EqualError(t, err, `devargs net_af_packet0: framesz="99999": bad value: must be 64..65535`)
	var de *ethdev.DevargsError
	require.True(t, errors.As(err, &de))
	require.Equal(t, ethdev.DevargsError{Device: "net_af_packet0", Key: "framesz", Value: "99999", Err: de.Err}, *de)

	// Bool.
	for key, want := range map[string]bool{"on": true, "off": false} {
		b, err := d.Bool(key, !want)
		require.NoError(t, err)
		require.Equal(t, want, b, key)
	}
	b, err := d.Bool("absent", true)
	require.NoError(t, err)
	require.True(t, b)
	_, err = d.Bool("bad", false)
	require.ErrorIs(t, err, ethdev.ErrBadValue)
	require.EqualError(t, err, `devargs net_af_packet0: bad="maybe": bad value: want 0 or 1`)

	// CheckKeys names the first key not allowed.
	err = d.CheckKeys("iface", "qpairs", "framesz", "blocksz", "on", "off", "bad")
	require.ErrorIs(t, err, ethdev.ErrUnknownKey)
	require.EqualError(t, err, `devargs net_af_packet0: unknown key "ifac"`)
	require.True(t, errors.As(err, &de))
	require.Equal(t, "ifac", de.Key)
	require.Equal(t, "veth1", de.Value)
}

// FuzzParseDevargs checks that no input makes the parser panic, and that what
// parses renders (String) to a string that parses to the same name, keys and
// values.
func FuzzParseDevargs(f *testing.F) {
	for _, s := range []string{
		"net_ring0",
		"net_af_packet0,iface=veth0,qpairs=2",
		"net_x,list=[1,2,3],node=(a,b)",
		"net_x,flag,k=a=b,,",
		" net_x , k = v ",
		"net_x,a=[1,2",
		"0000:00:1f.6,k=v",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ethdev.ParseDevargs(s)
		if err != nil {
			var de *ethdev.DevargsError
			if !errors.As(err, &de) || de.Error() == "" {
				t.Fatalf("ParseDevargs(%q): error %v is not a *DevargsError", s, err)
			}
			return
		}
		if d.Name == "" {
			t.Fatalf("ParseDevargs(%q): empty name accepted", s)
		}
		out := d.String()
		d2, err := ethdev.ParseDevargs(out)
		if err != nil {
			t.Fatalf("ParseDevargs(%q) = %q, which does not parse: %v", s, out, err)
		}
		if d2.Name != d.Name {
			t.Fatalf("%q -> %q: name %q, want %q", s, out, d2.Name, d.Name)
		}
		k1, k2 := d.Keys(), d2.Keys()
		if len(k1) != len(k2) {
			t.Fatalf("%q -> %q: keys %q, want %q", s, out, k2, k1)
		}
		for i := range k1 {
			if k1[i] != k2[i] {
				t.Fatalf("%q -> %q: keys %q, want %q", s, out, k2, k1)
			}
			v1, v2 := d.Values(k1[i]), d2.Values(k1[i])
			if len(v1) != len(v2) {
				t.Fatalf("%q -> %q: values of %q: %q, want %q", s, out, k1[i], v2, v1)
			}
			for j := range v1 {
				if v1[j] != v2[j] {
					t.Fatalf("%q -> %q: values of %q: %q, want %q", s, out, k1[i], v2, v1)
				}
			}
		}
		if out2 := d2.String(); out2 != out {
			t.Fatalf("String not stable: %q -> %q -> %q", s, out, out2)
		}
		// The getters must not panic either.
		for _, k := range k1 {
			d.Int(k, 0, -1<<31, 1<<31)
			d.Bool(k, false)
			d.Required(k)
		}
		d.CheckKeys()
		_ = d.Args()
	})
}
