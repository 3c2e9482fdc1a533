#!/usr/bin/env bash
# demo.sh - l2fwd quick start: two hosts talk through dpk's l2fwd.
#
#   host A (netns)            l2fwd (netns)                    host B (netns)
#   eth0 198.18.0.1/24 <-veth-> p0 [net_af_packet0]
#                                   l2fwd -l 1 -- -p 0x3
#                                  p1 [net_af_packet1] <-veth-> eth0 198.18.0.2/24
#
# Builds l2fwd, creates three network namespaces with unique names, starts
# l2fwd on CPU 1, runs ping A->B and iperf3 A->B (both pinned to CPU 0, so that
# l2fwd keeps CPU 1), prints the iperf3 summary and l2fwd's final counters, and
# removes everything it created on any exit.
#
# Usage: sudo examples/l2fwd/demo.sh [--seconds N]
#   --seconds N   iperf3 duration (default 10)
#
# Exit status: 0 when ping, iperf3 and l2fwd all succeeded.
set -euo pipefail

seconds=10
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
while (($#)); do
	case $1 in
	--seconds)
		[[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || { echo "demo.sh: --seconds needs a positive number" >&2; exit 2; }
		seconds=$2
		shift 2
		;;
	--seconds=*)
		seconds=${1#--seconds=}
		[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "demo.sh: --seconds needs a positive number" >&2; exit 2; }
		shift
		;;
	-h | --help) usage; exit 0 ;;
	*) echo "demo.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
done

say() { printf '\n== %s\n' "$*"; }
# fg runs a command in the background and waits for it, so that a signal to this
# script runs the cleanup at once instead of after the command ends.
fg() {
	"$@" &
	wait $!
}
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

# --- prerequisites -----------------------------------------------------------------
[[ $EUID -eq 0 ]] || die "must run as root (network namespaces and packet sockets). Try: sudo $0"
command -v go >/dev/null 2>&1 || die "go not found on PATH: install Go 1.26 or newer (https://go.dev/dl/)"
declare -A pkg=([ip]=iproute2 [ping]=iputils-ping [iperf3]=iperf3 [ethtool]=ethtool [taskset]=util-linux
	[sysctl]=procps [ss]=iproute2)
need_pkgs() {
	local c
	for c in ip ping iperf3 ethtool taskset sysctl ss; do
		command -v "$c" >/dev/null 2>&1 || printf '%s\n' "${pkg[$c]}"
	done | sort -u
}
missing=($(need_pkgs))
if ((${#missing[@]})) && command -v apt-get >/dev/null 2>&1; then
	echo "demo.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } || true
	missing=($(need_pkgs))
fi
if ((${#missing[@]})); then
	die "missing commands; install these Debian packages: ${missing[*]}"
fi

repo=$(cd "$(dirname "$0")/../.." && pwd)
# l2fwd on CPU 1 and the traffic on CPU 0 (both on CPU 0 on a one-CPU machine).
l2fwd_cpu=1
traffic_cpu=0
if ! taskset -c 1 true 2>/dev/null; then
	l2fwd_cpu=0
	echo "demo.sh: CPU 1 is not available; l2fwd and the traffic share CPU 0" >&2
fi

tag=$$
ns_a=l2fwd-a-$tag
ns_b=l2fwd-b-$tag
ns_l=l2fwd-l-$tag
work=$(mktemp -d /tmp/l2fwd-demo.XXXXXX)
l2fwd_pid=
iperf_pid=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $l2fwd_pid ]] && kill -0 "$l2fwd_pid" 2>/dev/null; then
		kill -INT "$l2fwd_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$l2fwd_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$l2fwd_pid" 2>/dev/null || true
	fi
	if [[ -n $iperf_pid ]]; then kill -KILL "$iperf_pid" 2>/dev/null || true; fi
	for ns in "$ns_a" "$ns_b" "$ns_l"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build ---------------------------------------------------------------------------
say "building l2fwd"
(cd "$repo" && fg go build -o "$work/l2fwd" ./examples/l2fwd)

# --- topology ------------------------------------------------------------------------
say "creating namespaces $ns_a, $ns_b, $ns_l"
for ns in "$ns_a" "$ns_b" "$ns_l"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip -n "$ns_a" link add eth0 type veth peer name p0 netns "$ns_l"
ip -n "$ns_b" link add eth0 type veth peer name p1 netns "$ns_l"
for x in "$ns_a:eth0" "$ns_b:eth0" "$ns_l:p0" "$ns_l:p1"; do
	ns=${x%%:*} ifc=${x#*:}
	# IPv6 off: only the demo's frames cross. Offloads off: a packet socket
	# forwards frames as they are, so checksums must be filled in (tx) and
	# frames no bigger than the MTU (tso, gso, gro).
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1"
	ip netns exec "$ns" ethtool -K "$ifc" tx off tso off gso off gro off >/dev/null
	ip -n "$ns" link set "$ifc" up
done
ip -n "$ns_a" addr add 198.18.0.1/24 dev eth0
ip -n "$ns_b" addr add 198.18.0.2/24 dev eth0

# --- l2fwd ---------------------------------------------------------------------------
say "starting l2fwd on CPU $l2fwd_cpu"
cmd=("$work/l2fwd" -l "$l2fwd_cpu" --vdev net_af_packet0,iface=p0 --vdev net_af_packet1,iface=p1
	-- -p 0x3 -q 2 --no-mac-updating -T 1)
echo "${cmd[*]}"
# ip netns exec execs l2fwd, so $! is l2fwd's PID.
ip netns exec "$ns_l" "${cmd[@]}" >"$work/l2fwd.log" 2>&1 &
l2fwd_pid=$!
for i in $(seq 150); do
	grep -q 'L2FWD: entering main loop' "$work/l2fwd.log" && break
	if ! kill -0 "$l2fwd_pid" 2>/dev/null || ((i == 150)); then
		cat "$work/l2fwd.log" >&2
		die "l2fwd did not start forwarding"
	fi
	sleep 0.1
done
sed -n '1,/entering main loop/p' "$work/l2fwd.log"

status=0

# --- ping ----------------------------------------------------------------------------
say "ping -c 5 198.18.0.2 (from A)"
if ! fg ip netns exec "$ns_a" taskset -c "$traffic_cpu" ping -c 5 -i 0.2 -W 2 198.18.0.2; then
	echo "demo.sh: ping failed" >&2
	status=1
fi

# --- iperf3 --------------------------------------------------------------------------
say "iperf3 -c 198.18.0.2 -t $seconds (from A; server in B)"
ip netns exec "$ns_b" taskset -c "$traffic_cpu" iperf3 -s -1 -B 198.18.0.2 >"$work/iperf3-server.log" 2>&1 &
iperf_pid=$!
for i in $(seq 50); do
	ip netns exec "$ns_b" ss -Hltn 'sport = :5201' | grep -q . && break
	((i == 50)) && { cat "$work/iperf3-server.log" >&2; die "iperf3 server did not start"; }
	sleep 0.1
done
if fg ip netns exec "$ns_a" taskset -c "$traffic_cpu" iperf3 -c 198.18.0.2 -t "$seconds" >"$work/iperf3.log" 2>&1; then
	sed -n '/^- - - -/,$p' "$work/iperf3.log"
else
	cat "$work/iperf3.log"
	echo "demo.sh: iperf3 failed" >&2
	status=1
fi
wait "$iperf_pid" 2>/dev/null || true
iperf_pid=

# --- stop l2fwd ----------------------------------------------------------------------
say "stopping l2fwd (SIGINT); its final counters:"
kill -INT "$l2fwd_pid"
l2fwd_rc=
for _ in $(seq 100); do
	if ! kill -0 "$l2fwd_pid" 2>/dev/null; then
		wait "$l2fwd_pid" && l2fwd_rc=0 || l2fwd_rc=$?
		break
	fi
	sleep 0.1
done
if [[ -z $l2fwd_rc ]]; then
	kill -KILL "$l2fwd_pid" 2>/dev/null || true
	wait "$l2fwd_pid" 2>/dev/null || true
	l2fwd_rc=timeout
fi
l2fwd_pid=
# The last table (printed at exit, without the clear-screen escape) and what follows.
tac "$work/l2fwd.log" | sed -n '1,/^Port statistics =/p' | tac
if [[ $l2fwd_rc != 0 ]]; then
	echo "demo.sh: l2fwd exited with status $l2fwd_rc" >&2
	status=1
fi

if ((status == 0)); then
	say "done: ping and iperf3 went through l2fwd"
fi
exit "$status"
