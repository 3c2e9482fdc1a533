#!/usr/bin/env bash
# bench/afpacket/run.sh - dpk's testpmd against DPDK's testpmd (Debian's
# dpdk-testpmd 22.11) over net_af_packet on one veth pair, 64-byte frames.
#
# Three pairings, interleaved over ROUNDS rounds so that drifts of the machine hit
# them alike:
#   dpdk-tx -> dpk-rx     DPDK txonly feeds dpk rxonly
#   dpk-tx  -> dpdk-rx    dpk txonly feeds DPDK rxonly
#   dpdk-tx -> dpdk-rx    the baseline, DPDK on both ends
# and one table: for rxonly, dpk's receive rate and DPDK's receive rate from the
# same DPDK txonly peer; for txonly, dpk's send rate and DPDK's send rate into the
# same DPDK rxonly peer; and the ratio. Rates are the median, over rounds, of
# testpmd's per-period "Throughput" samples (periods that carried traffic).
#
# Both testpmds run with the same command line (the one the project's dpdk-peer
# tool builds); dpk's with DPK_BUSY_POLL=1 so that both busy-poll. The receiver's
# forwarding lcore is on CPU 0 and the sender's on the last CPU (main lcores the
# other way round): the two busy lcores never share a CPU.
#
# Needs root, dpdk-testpmd (Debian package dpdk-dev), go, ip, ethtool, and free
# 2 MiB huge pages (256 per run). Uses ../shared/tools/netns-pair and dpdk-peer
# when they are beside the repository, and does the same by itself otherwise.
# Not run in CI.
#
# Usage: sudo bench/afpacket/run.sh        (ROUNDS=3 SECONDS_TX=8 by default)
set -euo pipefail

ROUNDS=${ROUNDS:-3}
SECONDS_TX=${SECONDS_TX:-8}
PKT=64
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=$REPO/../shared/tools
NAME=dpkbench$$
NAME=${NAME:0:12}
WORK=$(mktemp -d /tmp/dpk-bench-afpacket.XXXXXX)

say() { printf 'run.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root"
command -v dpdk-testpmd >/dev/null || die "dpdk-testpmd not found (apt-get install dpdk-dev)"
command -v go >/dev/null || die "go not found"
NCPU=$(nproc)
((NCPU >= 2)) || die "needs 2 CPUs (one per busy forwarding lcore)"
RX_CPU=0
TX_CPU=$((NCPU - 1))

NETNS_PAIR=""
[[ -x $TOOLS/netns-pair ]] && NETNS_PAIR=$TOOLS/netns-pair
DPDK_PEER=""
[[ -x $TOOLS/dpdk-peer ]] && DPDK_PEER=$TOOLS/dpdk-peer

cleanup() {
	local rc=$?
	if [[ -n $NETNS_PAIR ]]; then
		"$NETNS_PAIR" down "$NAME" >/dev/null 2>&1 || true
	else
		for ns in "$NAME-a" "$NAME-b"; do
			for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
			ip netns del "$ns" 2>/dev/null || true
		done
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- dpk's testpmd ----------------------------------------------------------------
say "building dpk's testpmd"
(cd "$REPO" && go build -o "$WORK/dpk-testpmd" ./examples/testpmd)

# --- the veth pair: $NAME-a[$NAME-va] <-> $NAME-b[$NAME-vb] -----------------------
NS_A=$NAME-a NS_B=$NAME-b IF_A=$NAME-va IF_B=$NAME-vb
if [[ -n $NETNS_PAIR ]]; then
	"$NETNS_PAIR" up "$NAME" --replace >/dev/null
else
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add "$IF_A" type veth peer name "$IF_B"
	ip link set "$IF_A" netns "$NS_A"
	ip link set "$IF_B" netns "$NS_B"
	for x in "$NS_A:$IF_A" "$NS_B:$IF_B"; do
		ns=${x%%:*} ifc=${x#*:}
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
		ip -n "$ns" link set "$ifc" up
		ip netns exec "$ns" ethtool -K "$ifc" gro off >/dev/null 2>&1 || true
	done
fi
say "veth $NS_A/$IF_A <-> $NS_B/$IF_B; receiver lcore on CPU $RX_CPU, sender lcore on CPU $TX_CPU"

# --- one testpmd run ---------------------------------------------------------------
# peer BIN NS IF FWD SECONDS FWD_CPU MAIN_CPU READY_FILE JSON_OUT
# Runs testpmd BIN (dpdk-testpmd or dpk's) like dpdk-peer does and writes its
# result as one JSON line with rx_pps_median / tx_pps_median.
peer() {
	local bin=$1 ns=$2 ifc=$3 fwd=$4 secs=$5 fcpu=$6 mcpu=$7 ready=$8 out=$9 IDLE_STOP=""
	[[ $fwd == rxonly ]] && IDLE_STOP=3
	if [[ -n $DPDK_PEER ]]; then
		DPDK_TESTPMD=$bin DPK_BUSY_POLL=1 DPDK_PEER_LOGDIR=$WORK/logs "$DPDK_PEER" afpacket \
			--iface "$ifc" --netns "$ns" --fwd "$fwd" --seconds "$secs" --fwd-cpu "$fcpu" --main-cpu "$mcpu" \
			--pkt-size "$PKT" --ready-file "$ready" ${IDLE_STOP:+--idle-stop "$IDLE_STOP"} >"$out" 2>>"$WORK/peer.err"
		return
	fi
	# Without dpdk-peer: the same command line, SIGINT after $secs seconds of
	# forwarding, and the median of the Throughput samples that carried traffic.
	local log=$WORK/$fwd-$$-$RANDOM.log prefix=dpkb-$RANDOM huge=(--huge-dir /dev/hugepages)
	awk '$2=="/dev/hugepages" && $3=="hugetlbfs" {f=1} END {exit !f}' /proc/mounts || huge=(--no-huge)
	DPK_BUSY_POLL=1 ip netns exec "$ns" "$bin" --in-memory --file-prefix "$prefix" -m 256 "${huge[@]}" \
		--no-pci --no-telemetry --lcores "0@$mcpu,1@$fcpu" --main-lcore 0 --vdev "net_af_packet0,iface=$ifc" \
		-- --forward-mode="$fwd" --stats-period 1 --total-num-mbufs=16384 --txpkts="$PKT" --nb-cores=1 \
		</dev/null >"$log" 2>&1 &
	local pid=$! i
	for ((i = 0; i < 300; i++)); do
		grep -q 'Port statistics =' "$log" && break
		kill -0 "$pid" 2>/dev/null || { tail "$log" >&2; die "$bin $fwd did not start"; }
		sleep 0.1
	done
	: >"$ready"
	sleep "$secs"
	kill -INT "$pid"
	for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$prefix"
	awk '
	function median(a, n,   i, j, t) {
		if (n == 0) return 0
		for (i = 2; i <= n; i++) { t = a[i]; j = i - 1; while (j >= 1 && a[j] > t) { a[j+1] = a[j]; j-- } a[j+1] = t }
		return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	/Port statistics =/ { s++ }
	$1 == "Rx-pps:" { rx[s] += $2 } $1 == "Tx-pps:" { tx[s] += $2 }
	END {
		for (i = 2; i <= s; i++) { if (rx[i] > 0) r[++nr] = rx[i]; if (tx[i] > 0) t[++nt] = tx[i] }
		printf "{\"rx_pps_median\":%.0f,\"tx_pps_median\":%.0f}\n", median(r, nr), median(t, nt)
	}' "$log" >"$out"
}

field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1" | head -n1; }

# pair RX_BIN TX_BIN TAG: receiver on $IF_B first, then the sender on $IF_A for
# SECONDS_TX; prints "RX_PPS TX_PPS".
pair() {
	local rxbin=$1 txbin=$2 tag=$3 ready=$WORK/ready.$3 i
	rm -f "$ready"
	# The receiver outlives the sender (whose startup may take seconds); with
	# dpdk-peer it stops about 3 s after the traffic did.
	peer "$rxbin" "$NS_B" "$IF_B" rxonly $((SECONDS_TX + 15)) "$RX_CPU" "$TX_CPU" "$ready" "$WORK/$tag.rx.json" &
	local rxpid=$!
	for ((i = 0; i < 400; i++)); do [[ -e $ready ]] && break; sleep 0.1; done
	[[ -e $ready ]] || die "$tag: receiver did not start"
	peer "$txbin" "$NS_A" "$IF_A" txonly "$SECONDS_TX" "$TX_CPU" "$RX_CPU" "$WORK/ready.tx" "$WORK/$tag.tx.json"
	wait "$rxpid" || die "$tag: receiver failed (see $WORK)"
	echo "$(field "$WORK/$tag.rx.json" rx_pps_median) $(field "$WORK/$tag.tx.json" tx_pps_median)"
}

DPDK=$(command -v dpdk-testpmd)
DPK=$WORK/dpk-testpmd
declare -a R_OURS R_BASE T_OURS T_BASE
for ((r = 1; r <= ROUNDS; r++)); do
	pair "$DPK" "$DPDK" "dpdk-dpk-$r" >"$WORK/res"
	read -r rx tx <"$WORK/res"
	R_OURS+=("$rx")
	say "round $r: dpdk-tx -> dpk-rx : dpk rx $rx pps (DPDK tx $tx pps)"
	pair "$DPDK" "$DPK" "dpk-dpdk-$r" >"$WORK/res"
	read -r rx tx <"$WORK/res"
	T_OURS+=("$tx")
	say "round $r: dpk-tx  -> dpdk-rx: dpk tx $tx pps (DPDK rx $rx pps)"
	pair "$DPDK" "$DPDK" "dpdk-dpdk-$r" >"$WORK/res"
	read -r rx tx <"$WORK/res"
	R_BASE+=("$rx")
	T_BASE+=("$tx")
	say "round $r: dpdk-tx -> dpdk-rx: DPDK rx $rx pps, DPDK tx $tx pps"
done

med() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }

ro=$(med "${R_OURS[@]}") rb=$(med "${R_BASE[@]}") to=$(med "${T_OURS[@]}") tb=$(med "${T_BASE[@]}")
echo
echo "net_af_packet on a veth, ${PKT}-byte frames, ${SECONDS_TX} s per run, median of $ROUNDS rounds, $(nproc) CPUs"
printf '%-34s %12s %12s %10s\n' "mode" "dpk pps" "DPDK pps" "dpk/DPDK"
printf '%-34s %12.0f %12.0f %10s\n' "rxonly (peer: DPDK txonly)" "$ro" "$rb" "$(ratio "$ro" "$rb")"
printf '%-34s %12.0f %12.0f %10s\n' "txonly (peer: DPDK rxonly)" "$to" "$tb" "$(ratio "$to" "$tb")"
