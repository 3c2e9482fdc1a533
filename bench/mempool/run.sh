#!/usr/bin/env bash
# bench/mempool/run.sh - dpk's mempool against DPDK's rte_mempool, same machine,
# same run.
#
# Runs DPDK 22.11's own mempool_perf_autotest (Debian's dpdk-test, package
# dpdk-dev) and our Go counterpart of its get==put rows (BenchmarkMempoolPerf
# in perf_test.go: same pool size and object size, same caches, same loop, on
# CPUs 0 and 1) alternately, ROUNDS times (DPDK, ours, DPDK, ours, ...), so
# that drifts of a noisy machine hit both alike. Then compare.go prints one
# table with the median of each row: DPDK's time per object got and put back
# (1e9 / rate_persec) for its two variants (bulk sizes as variables and as
# compile-time constants), ours, the ratio ours/DPDK against the faster of
# DPDK's two, our allocations per operation, and the issue's target.
#
# DPDK's test runs each of its 720 rows for 5 s (an hour) and takes no option
# to run fewer. So that one round takes about 90 s, run.sh preloads a
# 20-line shim (shim/tsc_div.c, built with cc) that makes DPDK's idea of the
# TSC rate DPK_TSC_DIV (default 40) times smaller: each row then runs
# 5 s / 40 = 125 ms of real time (millions of iterations), and compare.go
# multiplies the printed rates back by the same factor. FULL=1 runs DPDK
# unmodified (an hour per round).
#
# Needs dpdk-test, cc and go, 2 CPUs, and 512 MiB of free 2 MiB huge pages
# (DPDK runs --in-memory -m 512; without them it falls back to --no-huge).
# Nothing else should be busy on CPUs 0-1: the script warns when the load is
# high.
#
# Our rows run as DPDK's do: each lcore repeats the loop until the row's time
# (ROWTIME, by default DPDK's row time) is up, and the rate is the sum of the
# lcores' objects per second.
#
# Usage: bench/mempool/run.sh     (ROUNDS=3 DPK_TSC_DIV=40; ALL=1 prints
#                                  every row, KEEP=1 keeps the raw outputs,
#                                  ROUNDS_DETAIL=1 the samples)
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DIV=${DPK_TSC_DIV:-40}
[[ ${FULL:-0} == 1 ]] && DIV=1
ROWTIME=${ROWTIME:-$((5000 / DIV))ms} # as long as DPDK's rows
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/dpk-bench-mempool.XXXXXX)

say() { printf 'run.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

cleanup() {
	if [[ ${KEEP:-0} == 1 ]]; then
		say "raw outputs kept in $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

command -v dpdk-test >/dev/null || die "dpdk-test not found (apt-get install dpdk-dev)"
command -v go >/dev/null || die "go not found"
command -v cc >/dev/null || ((DIV == 1)) || die "cc not found (needed for the clock shim; FULL=1 runs without it)"
(($(nproc) >= 2)) || die "needs 2 CPUs (DPDK runs -l 0-1)"

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	say "warning: load average $load: other work on the CPUs makes both sides slower and noisier"
fi

mem=(-m 512)
free2m=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
if ((free2m < 256)); then
	say "warning: $free2m free 2 MiB huge pages; DPDK runs --no-huge"
	mem=(--no-huge -m 512)
fi

preload=()
if ((DIV > 1)); then
	cc -O2 -shared -fPIC -o "$WORK/tsc_div.so" "$REPO/bench/mempool/shim/tsc_div.c" -ldl
	preload=("LD_PRELOAD=$WORK/tsc_div.so" "DPK_TSC_DIV=$DIV")
fi

say "building the Go benchmarks"
(cd "$REPO" && go test -c -o "$WORK/mempoolbench.test" ./bench/mempool)

for ((i = 1; i <= ROUNDS; i++)); do
	say "round $i/$ROUNDS: DPDK mempool_perf_autotest (rows of $((5000 / DIV)) ms)"
	env "${preload[@]}" DPDK_TEST=mempool_perf_autotest stdbuf -oL dpdk-test --in-memory --file-prefix "dpkmp$$" \
		"${mem[@]}" --no-pci --no-telemetry -l 0-1 >"$WORK/dpdk.$i.txt" 2>&1 ||
		{ tail -20 "$WORK/dpdk.$i.txt" >&2; die "dpdk-test failed"; }
	grep -q "Test OK" "$WORK/dpdk.$i.txt" || { tail -20 "$WORK/dpdk.$i.txt" >&2; die "mempool_perf_autotest did not pass"; }
	say "round $i/$ROUNDS: Go BenchmarkMempoolPerf"
	(cd "$REPO/bench/mempool" && "$WORK/mempoolbench.test" -test.run '^$' -test.bench "${GO_BENCH:-^BenchmarkMempoolPerf$}" \
		-test.benchtime 1x -test.benchmem -rowtime "$ROWTIME" >"$WORK/go.$i.txt" 2>&1) ||
		{ tail -20 "$WORK/go.$i.txt" >&2; die "Go benchmarks failed"; }
done

cd "$REPO/bench/mempool"
go run compare.go -div "$DIV" -rowtime "$(awk -v t="${ROWTIME%ms}" 'BEGIN { print t / 1000 }')" -dpdk "$WORK/dpdk.*.txt" -go "$WORK/go.*.txt" ${ALL:+-all} ${ROUNDS_DETAIL:+-rounds}
