package eal

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// MaxCPU is the number of CPU ids a CPUSet can hold (0..MaxCPU-1), as glibc's
// CPU_SETSIZE, which bounds the CPU ids DPDK accepts in --lcores.
const MaxCPU = 1024

// CPUSet is a set of CPU ids 0..MaxCPU-1 kept as a fixed bit mask, so that testing
// membership never allocates. The zero value is the empty set. CPUSet values are
// comparable with ==.
type CPUSet struct{ bits [MaxCPU / 64]uint64 }

// Set adds cpu to the set. Ids outside 0..MaxCPU-1 are ignored, as with
// golang.org/x/sys/unix.CPUSet.
func (s *CPUSet) Set(cpu int) {
	if cpu >= 0 && cpu < MaxCPU {
		s.bits[cpu/64] |= 1 << (uint(cpu) % 64)
	}
}

// Clear removes cpu from the set. Ids outside 0..MaxCPU-1 are ignored.
func (s *CPUSet) Clear(cpu int) {
	if cpu >= 0 && cpu < MaxCPU {
		s.bits[cpu/64] &^= 1 << (uint(cpu) % 64)
	}
}

// Has reports whether cpu is in the set; false for ids outside 0..MaxCPU-1.
func (s CPUSet) Has(cpu int) bool {
	return cpu >= 0 && cpu < MaxCPU && s.bits[cpu/64]&(1<<(uint(cpu)%64)) != 0
}

// Count is the number of CPUs in the set.
func (s CPUSet) Count() int {
	n := 0
	for _, w := range s.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// List returns the CPU ids in the set in ascending order; nil for the empty set.
func (s CPUSet) List() []int {
	var l []int
	for i, w := range s.bits {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			l = append(l, i*64+b)
			w &= w - 1
		}
	}
	return l
}

// String formats the set as a CPU list in the kernel's and DPDK's -l syntax:
// ascending, runs of two or more consecutive ids as ranges ("0-3,5,7-8"); "" for
// the empty set. ParseCPUList(s.String()) == s.
func (s CPUSet) String() string {
	var b strings.Builder
	l := s.List()
	for i := 0; i < len(l); {
		j := i
		for j+1 < len(l) && l[j+1] == l[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(l[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(l[j]))
		}
		i = j + 1
	}
	return b.String()
}

// ParseCPUList parses a CPU list as the kernel prints it in sysfs and as DPDK's -l
// takes it: comma-separated ids and inclusive ranges "lo-hi", e.g. "0-3,5,7".
// Blanks around ids and a trailing newline are ignored; ids may repeat. An empty
// (or blank) string is the empty set. Errors name the bad element: a non-number,
// an empty element, a range written high-low, or an id of MaxCPU or more.
func ParseCPUList(s string) (CPUSet, error) {
	set, err := parseCPUList(s)
	if err != nil {
		return CPUSet{}, fmt.Errorf("eal: bad CPU list %q: %w", s, err)
	}
	return set, nil
}

// parseCPUList is ParseCPUList with an error that does not repeat the input.
func parseCPUList(s string) (CPUSet, error) {
	var set CPUSet
	err := parseRanges(s, MaxCPU, false, func(lo, hi int) {
		for c := lo; c <= hi; c++ {
			set.Set(c)
		}
	})
	return set, err
}

// ParseCoreMask parses a hexadecimal CPU mask as DPDK's -c and -s take it: bit n
// set means CPU n, with an optional "0x"/"0X" prefix and surrounding blanks, e.g.
// "0xf" or "f" for CPUs 0-3. Any number of leading zeros is allowed; a set bit at
// MaxCPU or above, an empty mask or a non-hex digit is an error. A mask of zeros
// is the empty set (callers that need a CPU check Count).
func ParseCoreMask(s string) (CPUSet, error) {
	set, err := parseCoreMask(s)
	if err != nil {
		return CPUSet{}, fmt.Errorf("eal: bad core mask %q: %w", s, err)
	}
	return set, nil
}

func parseCoreMask(s string) (CPUSet, error) {
	var set CPUSet
	m := strings.Trim(s, " \t")
	if len(m) >= 2 && m[0] == '0' && (m[1] == 'x' || m[1] == 'X') {
		m = m[2:]
	}
	if m == "" {
		return set, errors.New("no hex digits")
	}
	for i := len(m) - 1; i >= 0; i-- {
		d, ok := hexDigit(m[i])
		if !ok {
			return CPUSet{}, fmt.Errorf("%q is not a hex digit", m[i])
		}
		base := (len(m) - 1 - i) * 4
		for b := 0; b < 4; b++ {
			if d&(1<<b) == 0 {
				continue
			}
			if base+b >= MaxCPU {
				return CPUSet{}, fmt.Errorf("CPU %d out of range (max %d)", base+b, MaxCPU-1)
			}
			set.Set(base + b)
		}
	}
	return set, nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseRanges calls fn(lo, hi) for each element "n" or "lo-hi" of the
// comma-separated list s, with 0 <= lo <= hi < limit. Blanks around numbers are
// ignored, and so is surrounding white space of the whole list (sysfs files end in
// a newline); an all-blank list has no elements. With reverseOK a range may be
// written high-low (as DPDK's --lcores groups allow). Errors name the element.
func parseRanges(s string, limit int, reverseOK bool, fn func(lo, hi int)) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for tok := range strings.SplitSeq(s, ",") {
		lo, hi, err := parseRange(tok, limit)
		if err != nil {
			return fmt.Errorf("element %q: %w", tok, err)
		}
		if lo > hi {
			if !reverseOK {
				return fmt.Errorf("element %q: range is high-low", tok)
			}
			lo, hi = hi, lo
		}
		fn(lo, hi)
	}
	return nil
}

func parseRange(tok string, limit int) (lo, hi int, err error) {
	t := strings.Trim(tok, " \t")
	if t == "" {
		return 0, 0, errors.New("empty element")
	}
	a, b, isRange := strings.Cut(t, "-")
	if lo, err = parseID(a, limit); err != nil {
		return 0, 0, err
	}
	if !isRange {
		return lo, lo, nil
	}
	if hi, err = parseID(b, limit); err != nil {
		return 0, 0, err
	}
	return lo, hi, nil
}

// parseID parses a decimal id (digits only, blanks around allowed) below limit.
func parseID(s string, limit int) (int, error) {
	s = strings.Trim(s, " \t")
	if s == "" {
		return 0, errors.New("missing number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a number", s)
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n >= limit {
		return 0, fmt.Errorf("%s out of range (max %d)", s, limit-1)
	}
	return n, nil
}
