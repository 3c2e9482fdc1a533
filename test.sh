#!/usr/bin/env bash
# test.sh - dpk's whole test suite, set-up included (the README's test command;
# .ci/run calls exactly this).
#
# 1. installs what the tests need when it is missing: iproute2, iputils-ping,
#    ethtool, iperf3, and Debian's dpdk-dev (dpdk-testpmd, the interop peer);
# 2. reserves 2 MiB hugepages (DPK_HUGEPAGES, default 1024) and mounts hugetlbfs
#    on /dev/hugepages for DPDK;
# 3. checks formatting, runs go vet ./..., the race detector on the concurrent
#    packages, and go test ./...
#
# Needs root (namespaces, packet sockets, hugepages). Usage: sudo ./test.sh [go test flags]
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'test.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, AF_PACKET sockets, hugepages). Try: sudo $0"
command -v go >/dev/null || die "go not found on PATH: install Go 1.26 or newer (https://go.dev/dl/)"

# --- packages -------------------------------------------------------------------
declare -A pkg_for=([ip]=iproute2 [ping]=iputils-ping [ethtool]=ethtool [iperf3]=iperf3 [dpdk-testpmd]=dpdk-dev)
missing=()
for cmd in ip ping ethtool iperf3 dpdk-testpmd; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("${pkg_for[$cmd]}")
done
if ((${#missing[@]})); then
	command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them; install them by hand"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } ||
		die "apt-get install ${missing[*]} failed"
fi

# --- hugepages ------------------------------------------------------------------
want=${DPK_HUGEPAGES:-1024}
nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
if [[ -w $nr ]]; then
	cur=$(<"$nr")
	if ((cur < want)); then
		echo "$want" >"$nr" || true
		say "hugepages: $cur -> $(<"$nr") x 2 MiB (wanted $want)"
	fi
else
	say "warning: $nr not writable; tests use normal pages where no hugepages are reserved"
fi
if ! awk '$2=="/dev/hugepages" && $3=="hugetlbfs" {f=1} END {exit !f}' /proc/mounts; then
	mkdir -p /dev/hugepages && mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages ||
		say "warning: cannot mount hugetlbfs on /dev/hugepages (DPDK interop tests will use --no-huge)"
fi

# --- checks ---------------------------------------------------------------------
export DPK_TEST_STRICT=1 # a missing prerequisite fails a test instead of skipping it
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
[[ -z "$unformatted" ]] || die "gofmt needed on: $unformatted"
say "go vet ./..."
go vet ./...
say "go test -race (ring, mempool, ethdev)"
go test -race -count=1 -timeout 10m ./ring/... ./mempool/... ./ethdev/
say "go test ./..."
go test -count=1 -timeout 25m "$@" ./...
say "all tests passed"
