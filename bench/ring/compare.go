//go:build ignore

// compare reads the outputs of DPDK's ring_perf_autotest and of our
// BenchmarkRingPerf (perf_test.go), several rounds of each, and prints one
// table: per row, the median over rounds of DPDK's number (cycles converted to
// ns with the TSC rate that DPDK's EAL logged) and of ours, the ratio
// ours/DPDK, our allocations per operation, and the target where
// there is one.
//
// Usage: go run compare.go -dpdk 'dir/dpdk.*.txt' -go 'dir/go.*.txt' [-tsc-khz N]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// row is one line of the table, in DPDK's order.
type row struct {
	key    string  // our benchmark name below BenchmarkRingPerf/
	name   string  // DPDK's wording
	unit   string  // what one number is
	target float64 // largest ratio ours/DPDK allowed (0 = none)
}

func rows() []row {
	var rs []row
	for _, api := range []struct{ key, name string }{{"legacy", "legacy (8 B)"}, {"elem16", "elem 16 B"}} {
		add := func(key, name, unit string, target float64) {
			rs = append(rs, row{api.key + "/" + key, api.name + " " + name, unit, target})
		}
		add("SPSC/single", "SP/SC single", "enq+deq of 1", 1.5)
		add("MPMC/single", "MP/MC single", "enq+deq of 1", 0)
		for _, op := range []string{"burst", "bulk"} {
			for _, n := range []int{8, 32} {
				sp, mp := 0.0, 0.0
				if n == 32 {
					sp, mp = 1.0, 1.25
				}
				unit := fmt.Sprintf("enq+deq of %d", n)
				add(fmt.Sprintf("SPSC/%s%d", op, n), fmt.Sprintf("SP/SC %s %d", op, n), unit, sp)
				add(fmt.Sprintf("MPMC/%s%d", op, n), fmt.Sprintf("MP/MC %s %d", op, n), unit, mp)
			}
		}
		add("SPSC/empty8", "SP/SC empty bulk deq 8", "one call", 0)
		add("MPMC/empty8", "MP/MC empty bulk deq 8", "one call", 0)
		for _, n := range []int{8, 32} {
			add(fmt.Sprintf("SPSC/twocore%d", n), fmt.Sprintf("2 cores SP/SC bulk %d", n), "per elem, enq+deq sides", 0)
			add(fmt.Sprintf("MPMC/twocore%d", n), fmt.Sprintf("2 cores MP/MC bulk %d", n), "per elem, enq+deq sides", 0)
		}
	}
	return rs
}

var (
	tscRe     = regexp.MustCompile(`TSC frequency is ~(\d+) KHz`)
	sectionRe = regexp.MustCompile(`^### (.*) ###`)
	dpdkRe    = regexp.MustCompile(`^(legacy APIs|elem APIs: element size 16B): (SP/SC|MP/MC): (single|burst|bulk)(?: \(size: (\d+)\))?: ([0-9.]+)`)
	goRe      = regexp.MustCompile(`^BenchmarkRingPerf/(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)
)

// parseDPDK returns the cycle counts of one dpdk-test output by row key, and
// the TSC rate it logged (0 if none).
func parseDPDK(path string) (map[string]float64, float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	vals := map[string]float64{}
	var khz float64
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := tscRe.FindStringSubmatch(line); m != nil {
			khz, _ = strconv.ParseFloat(m[1], 64)
		}
		if m := sectionRe.FindStringSubmatch(line); m != nil {
			section = m[1]
			continue
		}
		m := dpdkRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		api := "legacy"
		if strings.HasPrefix(m[1], "elem") {
			api = "elem16"
		}
		mode := strings.ReplaceAll(m[2], "/", "")
		op := m[3] + m[4]
		switch {
		case strings.Contains(section, "empty"):
			op = "empty" + m[4]
		case strings.Contains(section, "two physical cores"):
			op = "twocore" + m[4]
		case strings.Contains(section, "hyperthreads"), strings.Contains(section, "NUMA"):
			continue
		}
		v, err := strconv.ParseFloat(m[5], 64)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %q: %w", path, line, err)
		}
		vals[api+"/"+mode+"/"+op] = v
	}
	return vals, khz, sc.Err()
}

// goResult is one of our benchmark lines.
type goResult struct{ ns, allocs float64 }

func parseGo(path string) (map[string]goResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := map[string]goResult{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := goRe.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		fields := strings.Fields(m[2])
		r := goResult{ns: -1, allocs: -1}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "dpdk-ns":
				r.ns = v
			case "allocs/op":
				r.allocs = v
			}
		}
		res[m[1]] = r
	}
	return res, sc.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func glob(pattern string) []string {
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		fmt.Fprintf(os.Stderr, "compare: no files match %q\n", pattern)
		os.Exit(2)
	}
	slices.Sort(m)
	return m
}

func main() {
	dpdkGlob := flag.String("dpdk", "", "glob of dpdk-test ring_perf_autotest outputs")
	goGlob := flag.String("go", "", "glob of BenchmarkRingPerf outputs")
	khzFlag := flag.Float64("tsc-khz", 0, "TSC rate in kHz (default: from DPDK's EAL log)")
	rounds := flag.Bool("rounds", false, "also print every round's numbers")
	flag.Parse()

	dpdk := map[string][]float64{}
	var khzs []float64
	for _, p := range glob(*dpdkGlob) {
		vals, khz, err := parseDPDK(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		if khz > 0 {
			khzs = append(khzs, khz)
		}
		for k, v := range vals {
			dpdk[k] = append(dpdk[k], v)
		}
	}
	khz := *khzFlag
	if khz == 0 {
		khz = median(khzs)
	}
	if khz == 0 {
		fmt.Fprintln(os.Stderr, "compare: no TSC rate in DPDK's output (run with --log-level=lib.eal:debug) and no -tsc-khz")
		os.Exit(1)
	}
	ours := map[string][]goResult{}
	for _, p := range glob(*goGlob) {
		res, err := parseGo(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		for k, v := range res {
			ours[k] = append(ours[k], v)
		}
	}

	fmt.Printf("TSC %.0f kHz; medians of %d DPDK and %d Go rounds; ns = DPDK cycles / %.3f\n\n",
		khz, len(glob(*dpdkGlob)), len(glob(*goGlob)), khz/1e6)
	fmt.Println("| row | unit | DPDK ns | ours ns | ours/DPDK | allocs/op | target |")
	fmt.Println("|---|---|---:|---:|---:|---:|---|")
	missed := 0
	for _, r := range rows() {
		cyc := median(dpdk[r.key])
		dns := cyc * 1e6 / khz
		var ns, allocs []float64
		for _, g := range ours[r.key] {
			ns = append(ns, g.ns)
			allocs = append(allocs, g.allocs)
		}
		ons := median(ns)
		ratio := "–"
		if dns > 0 && ons > 0 {
			ratio = fmt.Sprintf("%.2f", ons/dns)
		}
		target := ""
		if r.target > 0 {
			ok := dns > 0 && ons > 0 && ons/dns <= r.target
			mark := "met"
			if !ok {
				mark = "MISSED"
				missed++
			}
			target = fmt.Sprintf("≤ %.2f %s", r.target, mark)
		}
		al := "–"
		if len(allocs) > 0 {
			al = strconv.FormatFloat(slices.Max(allocs), 'f', -1, 64)
		}
		fmt.Printf("| %s | %s | %.2f | %.2f | %s | %s | %s |\n", r.name, r.unit, dns, ons, ratio, al, target)
		if *rounds {
			var d []string
			for _, c := range dpdk[r.key] {
				d = append(d, fmt.Sprintf("%.2f", c*1e6/khz))
			}
			var o []string
			for _, v := range ns {
				o = append(o, fmt.Sprintf("%.2f", v))
			}
			fmt.Printf("|   rounds | | %s | %s | | | |\n", strings.Join(d, " "), strings.Join(o, " "))
		}
	}
	fmt.Printf("\ntargets missed: %d\n", missed)
}
