package ethdev

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Devargs errors; a *DevargsError wraps one of them.
var (
	ErrUnknownKey = errors.New("unknown key")
	ErrMissingKey = errors.New("missing required key")
	ErrBadValue   = errors.New("bad value")
	ErrSyntax     = errors.New("syntax error")
)

// DevargsError names the device, the key and the value that were wrong.
type DevargsError struct {
	Device string
	Key    string
	Value  string
	Err    error
}

func (e *DevargsError) Error() string {
	switch {
	case e.Key == "":
		return fmt.Sprintf("devargs %q: %v", e.Device, e.Err)
	case errors.Is(e.Err, ErrUnknownKey) || errors.Is(e.Err, ErrMissingKey):
		return fmt.Sprintf("devargs %s: %v %q", e.Device, e.Err, e.Key)
	default:
		return fmt.Sprintf("devargs %s: %s=%q: %v", e.Device, e.Key, e.Value, e.Err)
	}
}

func (e *DevargsError) Unwrap() error { return e.Err }

// Devargs is a parsed device argument string in DPDK's syntax
// `name,key=value,key=value` (rte_devargs / rte_kvargs): the device name, then
// comma-separated keys in order. A key may repeat (Values returns all). Values may
// not contain ',' except inside [...] or (...) groups.
type Devargs struct {
	Name string
	kv   []kv
	used []bool
}

type kv struct{ key, val string }

// ParseDevargs parses "name[,key=value...]". The name must be non-empty and made of
// letters, digits, '_', '-', '.' or ':'; keys must be non-empty.
func ParseDevargs(s string) (*Devargs, error) {
	parts, err := splitTop(s)
	if err != nil {
		return nil, &DevargsError{Device: s, Err: err}
	}
	name := strings.TrimSpace(parts[0])
	if name == "" {
		return nil, &DevargsError{Device: s, Err: fmt.Errorf("%w: empty device name", ErrSyntax)}
	}
	for _, c := range name {
		if !(c == '_' || c == '-' || c == '.' || c == ':' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return nil, &DevargsError{Device: s, Err: fmt.Errorf("%w: bad character %q in device name", ErrSyntax, c)}
		}
	}
	d := &Devargs{Name: name}
	for _, p := range parts[1:] {
		if p == "" {
			continue // "name," and "a=1,,b=2" are tolerated, as kvargs does
		}
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if k == "" {
			return nil, &DevargsError{Device: name, Err: fmt.Errorf("%w: empty key in %q", ErrSyntax, p)}
		}
		if !ok {
			// A bare key ("flag") is allowed and has an empty value.
			v = ""
		}
		d.kv = append(d.kv, kv{k, v})
	}
	d.used = make([]bool, len(d.kv))
	return d, nil
}

// splitTop splits on commas outside brackets.
func splitTop(s string) ([]string, error) {
	var parts []string
	depth := 0
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("%w: unbalanced %q at offset %d", ErrSyntax, s[i], i)
			}
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("%w: unclosed bracket", ErrSyntax)
	}
	return append(parts, s[start:]), nil
}

// String renders the devargs back in DPDK syntax.
func (d *Devargs) String() string {
	var b strings.Builder
	b.WriteString(d.Name)
	for _, p := range d.kv {
		b.WriteByte(',')
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.val)
	}
	return b.String()
}

// Args renders only the key=value part (what DPDK prints as "Devargs:").
func (d *Devargs) Args() string {
	s := d.String()
	if i := strings.IndexByte(s, ','); i >= 0 {
		return s[i+1:]
	}
	return ""
}

// Keys returns the keys in order (repeats included).
func (d *Devargs) Keys() []string {
	ks := make([]string, len(d.kv))
	for i, p := range d.kv {
		ks[i] = p.key
	}
	return ks
}

// Has reports whether key was given.
func (d *Devargs) Has(key string) bool {
	_, ok := d.lookup(key)
	return ok
}

func (d *Devargs) lookup(key string) (string, bool) {
	v, ok := "", false
	for i, p := range d.kv {
		if p.key == key {
			d.used[i] = true
			v, ok = p.val, true // the last occurrence wins
		}
	}
	return v, ok
}

// Values returns every value given for key, in order.
func (d *Devargs) Values(key string) []string {
	var vs []string
	for i, p := range d.kv {
		if p.key == key {
			d.used[i] = true
			vs = append(vs, p.val)
		}
	}
	return vs
}

// Str returns the value of key, or def when absent.
func (d *Devargs) Str(key, def string) string {
	if v, ok := d.lookup(key); ok {
		return v
	}
	return def
}

// Required returns the value of key, or an ErrMissingKey error naming it.
func (d *Devargs) Required(key string) (string, error) {
	v, ok := d.lookup(key)
	if !ok || v == "" {
		return "", &DevargsError{Device: d.Name, Key: key, Err: ErrMissingKey}
	}
	return v, nil
}

// Int returns key as an integer in [lo, hi] (decimal, or hex with 0x), def when
// absent, and an ErrBadValue error naming key and value otherwise.
func (d *Devargs) Int(key string, def, lo, hi int) (int, error) {
	v, ok := d.lookup(key)
	if !ok {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 0, 64)
	if err != nil {
		return 0, &DevargsError{Device: d.Name, Key: key, Value: v, Err: fmt.Errorf("%w: not an integer", ErrBadValue)}
	}
	if n < int64(lo) || n > int64(hi) {
		return 0, &DevargsError{Device: d.Name, Key: key, Value: v, Err: fmt.Errorf("%w: must be %d..%d", ErrBadValue, lo, hi)}
	}
	return int(n), nil
}

// Bool returns key as a boolean (0/1, true/false, yes/no, on/off; a bare key is
// true), def when absent.
func (d *Devargs) Bool(key string, def bool) (bool, error) {
	v, ok := d.lookup(key)
	if !ok {
		return def, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on", "":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, &DevargsError{Device: d.Name, Key: key, Value: v, Err: fmt.Errorf("%w: want 0 or 1", ErrBadValue)}
}

// CheckKeys returns an ErrUnknownKey error naming the first key not in allowed.
// Drivers call it first, so a typo is never silently ignored.
func (d *Devargs) CheckKeys(allowed ...string) error {
	for _, p := range d.kv {
		found := false
		for _, a := range allowed {
			if p.key == a {
				found = true
				break
			}
		}
		if !found {
			return &DevargsError{Device: d.Name, Key: p.key, Value: p.val, Err: ErrUnknownKey}
		}
	}
	return nil
}
