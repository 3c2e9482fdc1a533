#!/usr/bin/env bash
# bench/ring/run.sh - dpk's ring against DPDK's rte_ring, same machine, same run.
#
# Runs DPDK 22.11's own ring_perf_autotest (Debian's dpdk-test, package
# dpdk-dev) and our Go counterpart of every row (BenchmarkRingPerf in
# perf_test.go: same ring size and flags, same element sizes, same loops, same
# units, on CPUs 0 and 1) alternately, ROUNDS times (DPDK, ours, DPDK, ours,
# ...), so that drifts of a noisy machine hit both alike. Then compare.go prints
# one table with the median of each row over the rounds: DPDK's cycles
# converted to ns with the TSC rate DPDK's EAL logs ("TSC frequency is ~N
# KHz"), our ns, the ratio ours/DPDK, our allocations per operation, and the
# issue's target for the row.
#
# What DPDK's numbers are (test_ring_perf.c): single, burst and bulk rows are
# cycles per loop iteration (one enqueue call plus one dequeue call of 1, 8 or
# 32 elements); empty rows are cycles per dequeue call; two-core rows are, for
# the producer and the consumer each, cycles per element over its own run,
# summed.
#
# Needs dpdk-test and go, 2 CPUs, and 512 MiB of free 2 MiB huge pages (DPDK
# runs --in-memory -m 512; without huge pages it falls back to --no-huge).
# Root is not needed when huge pages are usable by the user. Nothing else
# should be busy on CPUs 0-1: the script warns when the load is high.
#
# Each Go row runs 2^23 iterations (BENCHTIME=8388608x), DPDK's count for the
# burst, bulk and two-core rows, so that both suites take about as long and a
# burst of noise on the machine hits them alike.
#
# Usage: bench/ring/run.sh     (ROUNDS=5 BENCHTIME=8388608x by default;
#                               KEEP=1 keeps the raw outputs, ROUNDS_DETAIL=1
#                               prints every round's numbers under each row)
set -euo pipefail

ROUNDS=${ROUNDS:-5}
BENCHTIME=${BENCHTIME:-8388608x}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/dpk-bench-ring.XXXXXX)

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
(($(nproc) >= 2)) || die "needs 2 CPUs (DPDK runs -l 0-1)"

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	say "warning: load average $load: other work on the CPUs makes both sides slower and noisier"
fi

# DPDK's memory: huge pages when 512 MiB of them are free, else normal pages.
mem=(-m 512)
free2m=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
if ((free2m < 256)); then
	say "warning: $free2m free 2 MiB huge pages; DPDK runs --no-huge"
	mem=(--no-huge -m 512)
fi

say "building the Go benchmarks"
(cd "$REPO" && go test -c -o "$WORK/ringbench.test" ./bench/ring)

for ((i = 1; i <= ROUNDS; i++)); do
	say "round $i/$ROUNDS: DPDK ring_perf_autotest"
	DPDK_TEST=ring_perf_autotest dpdk-test --in-memory --file-prefix "dpkring$$" "${mem[@]}" \
		--no-pci --no-telemetry -l 0-1 --log-level=lib.eal:debug >"$WORK/dpdk.$i.txt" 2>&1 ||
		{ tail -20 "$WORK/dpdk.$i.txt" >&2; die "dpdk-test failed"; }
	grep -q "Test OK" "$WORK/dpdk.$i.txt" || { tail -20 "$WORK/dpdk.$i.txt" >&2; die "ring_perf_autotest did not pass"; }
	say "round $i/$ROUNDS: Go BenchmarkRingPerf"
	(cd "$REPO/bench/ring" && "$WORK/ringbench.test" -test.run '^$' -test.bench '^BenchmarkRingPerf$' \
		-test.benchtime "$BENCHTIME" -test.benchmem >"$WORK/go.$i.txt" 2>&1) ||
		{ tail -20 "$WORK/go.$i.txt" >&2; die "Go benchmarks failed"; }
done

# The TSC rate: from DPDK's EAL log; if it has none, from the kernel's
# calibration message.
tsc=()
if ! grep -q "TSC frequency is" "$WORK"/dpdk.*.txt; then
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p; s/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -1)
	[[ -n $mhz ]] || die "no TSC rate in DPDK's log nor in dmesg"
	tsc=(-tsc-khz "$(awk -v m="$mhz" 'BEGIN { printf "%.0f", m * 1000 }')")
	say "TSC rate from dmesg: $mhz MHz"
fi

cd "$REPO/bench/ring"
go run compare.go -dpdk "$WORK/dpdk.*.txt" -go "$WORK/go.*.txt" "${tsc[@]}" ${ROUNDS_DETAIL:+-rounds}
