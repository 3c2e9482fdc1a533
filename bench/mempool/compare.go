//go:build ignore

// compare reads the outputs of DPDK's mempool_perf_autotest and of our
// BenchmarkMempoolPerf (perf_test.go), several rounds of each, and prints one
// table: per row, the median over the samples of DPDK's time per object
// (1e9 / rate_persec, with rate_persec scaled back by -div when run.sh ran
// DPDK with its clock divided), for its constant_n=0 and constant_n=1 runs,
// the median of ours, the ratio ours/DPDK against the faster of DPDK's two,
// and our allocations per object (with the most allocations seen during one
// row's timed loop: the Go runtime's own, such as a new thread when a locked
// lcore yields, count too).
//
// Usage: go run compare.go -div N -rowtime S -dpdk 'dir/dpdk.*.txt' -go 'dir/go.*.txt' [-all] [-rounds]
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

// key names one row: the section (cache, ucache, nocache), the number of
// cores, the bulk sizes and the number of objects kept.
type key struct {
	section         string
	cores, get, put int
	keep            int
}

func (k key) String() string {
	return fmt.Sprintf("%s cores=%d get=%d put=%d keep=%d", k.section, k.cores, k.get, k.put, k.keep)
}

var (
	dpdkLine = regexp.MustCompile(`mempool_autotest cache=(\d+) cores=(\d+) n_get_bulk=(\d+) n_put_bulk=(\d+) n_keep=(\d+) constant_n=(\d) rate_persec=(\d+)`)
	goLine   = regexp.MustCompile(`^BenchmarkMempoolPerf/(\w+)/cores=(\d+)/get=(\d+)/put=(\d+)/keep=(\d+)(?:-\d+)?\s+\d+\s+(.*)$`)
)

// the section of DPDK's output a line is in, from the last header seen.
func section(header string) string {
	switch {
	case strings.Contains(header, "user-owned cache"):
		return "ucache"
	case strings.Contains(header, "(with cache)"):
		return "cache"
	case strings.Contains(header, " for "):
		return "default" // the default ops (ring_mp_mc) pool without cache: same as nocache
	default:
		return "nocache"
	}
}

func readLines(pattern string, fn func(round int, line string)) int {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		fmt.Fprintf(os.Stderr, "compare: no files match %s\n", pattern)
		os.Exit(1)
	}
	slices.Sort(files)
	for i, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fn(i, sc.Text())
		}
		fh.Close()
	}
	return len(files)
}

var rowSeconds float64

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
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

func fmtNs(v []float64) string {
	if len(v) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", median(v))
}

func main() {
	dpdkGlob := flag.String("dpdk", "", "DPDK outputs (glob)")
	goGlob := flag.String("go", "", "Go benchmark outputs (glob)")
	div := flag.Float64("div", 1, "DPK_TSC_DIV the DPDK runs used (rates are multiplied by it)")
	all := flag.Bool("all", false, "print every row, not only the main ones")
	rounds := flag.Bool("rounds", false, "print every sample of the main rows")
	flag.Float64Var(&rowSeconds, "rowtime", 0.125, "seconds each Go row ran (for allocations per object)")
	flag.Parse()

	// DPDK: per key, samples for constant_n=0 and =1, in ns per object.
	dpdk := map[key]*[2][]float64{}
	hdr := ""
	nd := readLines(*dpdkGlob, func(_ int, l string) {
		if strings.Contains(l, "start performance test") {
			hdr = l
			return
		}
		m := dpdkLine.FindStringSubmatch(l)
		if m == nil {
			return
		}
		k := key{section(hdr), atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5])}
		rate, _ := strconv.ParseFloat(m[7], 64)
		if rate == 0 {
			return
		}
		if dpdk[k] == nil {
			dpdk[k] = &[2][]float64{}
		}
		c := atoi(m[6])
		dpdk[k][c] = append(dpdk[k][c], 1e9/(rate**div))
	})

	ours := map[key][]float64{}
	allocs := map[key]float64{} // most allocations seen in one row's timed loop
	objs := map[key]float64{}   // objects in that row, for allocations per object
	var order []key
	ng := readLines(*goGlob, func(_ int, l string) {
		m := goLine.FindStringSubmatch(l)
		if m == nil {
			return
		}
		k := key{m[1], atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5])}
		// The metrics: "value unit" pairs.
		f := strings.Fields(m[6])
		var ns, na float64
		for i := 0; i+1 < len(f); i += 2 {
			v, _ := strconv.ParseFloat(f[i], 64)
			switch f[i+1] {
			case "ns/op":
				ns = v
			case "allocs":
				na = v
			}
		}
		if ns == 0 {
			return
		}
		if _, ok := ours[k]; !ok {
			order = append(order, k)
		}
		ours[k] = append(ours[k], ns)
		if na >= allocs[k] {
			allocs[k] = na
			objs[k] = 1e9 * rowSeconds / ns
		}
	})

	// The main rows: bulk 32 (the target: cache, cores=1, keep 32
	// and 128), and bulk 1 and 8 with a cache.
	main := func(k key) bool {
		return k.get == 32 || (k.section != "nocache" && (k.get == 1 || k.get == 8) && k.keep == 128)
	}
	fmt.Printf("mempool: ns per object (get + put), median of %d DPDK runs (x%g clock) and %d Go runs; ratio = ours / faster DPDK\n\n", nd, *div, ng)
	fmt.Println("| config | DPDK ns/obj | DPDK ns/obj (constant n) | ours ns/obj | ours/DPDK | allocs/obj (in row) | target |")
	fmt.Println("|---|---|---|---|---|---|---|")
	worst := map[string]float64{}
	for _, k := range order {
		if !*all && !main(k) {
			continue
		}
		d := dpdk[k]
		if d == nil {
			d = &[2][]float64{}
		}
		o := median(ours[k])
		best := 0.0
		for _, v := range d {
			if m := median(v); m > 0 && (best == 0 || m < best) {
				best = m
			}
		}
		ratio := "-"
		if best > 0 {
			ratio = fmt.Sprintf("%.2f", o/best)
		}
		target := ""
		if k.section != "nocache" && k.cores == 1 && k.get == 32 && k.put == 32 && (k.keep == 32 || k.keep == 128) {
			target = "<= 1.25"
			if best > 0 {
				worst["target"] = max(worst["target"], o/best)
			}
		}
		al := "0"
		if allocs[k] > 0 {
			al = fmt.Sprintf("%.0e (%g)", allocs[k]/objs[k], allocs[k])
		}
		fmt.Printf("| %s | %s | %s | %.3f | %s | %s | %s |\n", k, fmtNs(d[0]), fmtNs(d[1]), o, ratio, al, target)
	}
	if w, ok := worst["target"]; ok {
		verdict := "met"
		if w > 1.25 {
			verdict = "MISSED"
		}
		fmt.Printf("\ntarget (cache, 1 core, bulk 32, keep 32 and 128: ours/DPDK <= 1.25): %s, worst ratio %.2f\n", verdict, w)
	}
	if *rounds {
		fmt.Println("\nsamples (ns/obj):")
		for _, k := range order {
			if !main(k) {
				continue
			}
			d := dpdk[k]
			if d == nil {
				d = &[2][]float64{}
			}
			fmt.Printf("%-45s DPDK %v const %v ours %v\n", k, round3(d[0]), round3(d[1]), round3(ours[k]))
		}
	}
}

func round3(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.FormatFloat(x, 'f', 3, 64)
	}
	return out
}
