#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The pen tracepoints as the standard tools read them (docs/tracing.md),
# against a simulated pen: one scenario (setpoints, two runs, one stopped
# by an over-depth fault, the fault cleared, the cartridge out and in)
# traced at once by tracefs, trace-cmd, perf and bpftrace. Checked: the
# UAPI's enumerations print as libpen's names, every field the text
# prints filters under that name, pen_stroke has reached_ns, the
# setpoint, fault-cleared and cartridge events come when caused, the
# tools read the fields, and on the mono clock a stroke's trace
# timestamp and its reached_ns agree.
#
# The tools are not in the guest: hostrun (scripts/vm-run's /bin/hostrun)
# runs them chrooted in the tool root; without it their tests skip and
# tracefs's still run. The scenario runs in the guest, with its penctl;
# the tools trace it from the chroot, where this script, --inside, is
# bpftrace's program: under perf where the root has it, it says it is
# ready and waits for the scenario's end, both through /dev/shm (the
# chroot's /dev is the guest's), with nothing but shell builtins and the
# tools (the arm64 tool root has no coreutils).
SYNC=/dev/shm/pen-tracing-test

if [ "${1:-}" = --wait ]; then
	: > "$SYNC.ready"
	read -r _ < "$SYNC.done"
	exit 0
fi
if [ "${1:-}" = --inside ]; then
	if command -v perf > /dev/null 2>&1; then
		# No build ids and no symbols: slow under emulation, unused.
		perf record -q -B -N -k CLOCK_MONOTONIC -e 'pen:*' -a \
			-o /tmp/perf.data -- /bin/sh "$0" --wait 2> /tmp/perf.err
		echo "PERF_SCRIPT_BEGIN"
		perf script -F comm,pid,cpu,time,event,trace -i /tmp/perf.data 2>&1
		while read -r l; do echo "perf record: $l"; done < /tmp/perf.err
		echo "PERF_SCRIPT_END"
	else
		/bin/sh "$0" --wait
	fi
	exit 0
fi

dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ktap.sh
. "$dir/ktap.sh"
# shellcheck source=pen_util.sh
. "$dir/pen_util.sh"
pen_sim_ensure penctl

# scenario: what every tool traces, on pen $P, pen_sim instance $SIM.
scenario() {
	inj=/sys/kernel/debug/pen_sim/pen_sim$SIM/inject
	penctl -d "$P" set --depth 0.5mm --rate 100Hz > /dev/null
	penctl -d "$P" run --duration 0.5s > /dev/null
	echo "over_depth 300" > "$inj"
	penctl -d "$P" run --duration 2s > /dev/null 2>&1
	echo reset > "$inj"
	penctl -d "$P" clear-fault > /dev/null
	echo cartridge_remove > "$inj"
	echo "cartridge_insert 7007 1000" > "$inj"
}

SIM=503
out=/tmp/tracing.out
T=/sys/kernel/tracing
[ -d $T/events ] || T=/sys/kernel/debug/tracing
[ -d $T/events ] || ksft_skip_all "no tracefs in this kernel"
[ -d $T/events/pen ] || ksft_skip_all "no pen tracepoints ($T/events/pen)"
EVENTS="pen_stroke pen_state pen_setpoint pen_fault pen_fault_cleared pen_cartridge"

# result DESC: one test, passed if the command just before succeeded;
# returns as it did.
result() {
	if [ $? = 0 ]; then ok "$1"; else not_ok "$1"; return 1; fi
}
# printed EVENT: the NAME of each NAME= its text prints, one a line.
printed() {
	sed -n 's/^print fmt: "\([^"]*\)".*/\1/p' "$T/events/pen/$1/format" |
		grep -o '[a-z_]*=' | tr -d =
}
# has LABEL FILE PATTERN...: every extended regex PATTERN matches a line
# of FILE; those that do not are named.
has() {
	label=$1 f=$2 miss=
	shift 2
	for pat; do
		grep -Eq -- "$pat" "$f" || miss="$miss '$pat'"
	done
	[ -z "$miss" ] && return 0
	echo "# $label lacks:$miss"
	return 1
}
# clock_diffs FILE: over the measured pen_stroke lines of FILE, the
# difference of the line's timestamp (its first field S.FRAC:) and its
# reached_ns: "COUNT MIN MAX", in ns.
clock_diffs() {
	awk '/pen_stroke:/ && / measured=1/ {
		ts = ""; r = ""
		for (i = 1; i <= NF; i++) {
			if (ts == "" && $i ~ /^[0-9]+\.[0-9]+:$/) {
				s = $i; sub(/:$/, "", s)
				split(s, a, ".")
				# A leading 1: busybox awk reads 0NNN as octal.
				ts = a[1] * 1e9 + ("1" substr(a[2] "000000000", 1, 9)) - 1e9
			}
			if ($i ~ /^reached_ns=/) { r = $i; sub(/.*=/, "", r) }
		}
		if (ts == "" || r == "") next
		d = ts - r; n++
		if (n == 1 || d < lo) { lo = d; lol = $0 }
		if (n == 1 || d > hi) { hi = d; hil = $0 }
	} END {
		printf "%d %.0f %.0f\n", n, lo, hi
		print "# lowest: " lol > "/dev/stderr"
		print "# highest: " hil > "/dev/stderr"
	}' "$1"
}
# clock_ok LABEL FILE: there are such lines, and each timestamp is at or
# after its reached_ns (text timestamps may be in us: -1 us is allowed),
# by less than 5 ms: about 1 us on the stock kernels, up to 1.8 ms for
# perf on the debug kernel, where bpftrace's program on the same
# tracepoint runs in the BPF interpreter first. The local clock was
# 234 ms off.
clock_ok() {
	label=$1
	shift
	# Three numbers: split on purpose.
	# shellcheck disable=SC2046
	set -- $(clock_diffs "$1")
	echo "# $label: $1 measured strokes, timestamp - reached_ns from $2 to $3 ns"
	[ "$1" -gt 0 ] && [ "$2" -ge -1000 ] && [ "$3" -lt 5000000 ]
}

# The tools run in the guest's tool root; without hostrun (an installed
# system) their tests skip, and a guest with hostrun but no tool root
# fails them.
tools=0
pre=$(tool_cmd bpftrace)
case $?:$pre in
0:hostrun) tools=1 ;;
2:*) tools=broken ;;
esac
ktap_plan 16

# ---- The formats: names for the enumerations, a field for every name ----

missing=
for e in $EVENTS; do
	[ -f "$T/events/pen/$e/format" ] || missing="$missing $e"
done
[ -z "$missing" ]
result "the tracepoints are there: $EVENTS${missing:+; missing:$missing}"

bad=
for e in $EVENTS; do
	[ -f "$T/events/pen/$e/format" ] || continue
	for f in $(printed "$e"); do
		grep -Eq "field:[^;]* $f;" "$T/events/pen/$e/format" ||
			bad="$bad $e.$f(no field)"
		echo "$f == 0" > "$T/events/pen/$e/filter" 2> /dev/null ||
			bad="$bad $e.$f(filter refused)"
		echo 0 > "$T/events/pen/$e/filter"
	done
done
[ -z "$bad" ]
result "every NAME= each event prints is a field, and 'NAME == 0' filters it${bad:+:$bad}"

grep -q 'field:u64 reached_ns;' $T/events/pen/pen_stroke/format &&
	grep -q 'field:u32 measured;' $T/events/pen/pen_stroke/format &&
	grep -q 'reached_ns=%llu' $T/events/pen/pen_stroke/format
result "pen_stroke carries reached_ns and measured"

grep -q '{ 1, "over-depth" }' $T/events/pen/pen_fault/format &&
	grep -q '{ 5, "fault" }' $T/events/pen/pen_state/format &&
	grep -q '{ 1, "ready" }' $T/events/pen/pen_cartridge/format
result "the formats map the UAPI's numbers to libpen's names"

# ---- One scenario, traced by all ----------------------------------------

sim_delete "$SIM"
sim_create "" || exit 1
P=$(pen_dev "$SIM")
N=${P#/dev/pen}

echo 0 > $T/tracing_on
echo > $T/trace
echo mono > $T/trace_clock
for e in $EVENTS; do
	echo "pen == $N" > "$T/events/pen/$e/filter"
	echo 1 > "$T/events/pen/$e/enable"
done
echo 1 > $T/tracing_on

# bpftrace attaches for tens of seconds under emulation, once: it waits
# (under perf, where the root has perf) while the scenario runs here,
# then prints all.
# bpftrace's own $1 (the pen), not the shell's.
# shellcheck disable=SC2016
bt_script='
tracepoint:pen:pen_stroke /args->pen == $1/ {
	@strokes = count();
	@measured[args->measured] = count();
	@lateness_ns = hist(args->lateness_ns);
	if (args->measured && args->reached_ns > args->issued_ns) {
		@reached_after_issued = count();
	}
}
tracepoint:pen:pen_fault /args->pen == $1/ { @faults[args->fault] = count(); }
tracepoint:pen:pen_state /args->pen == $1 && args->state == 0/ {
	@stops[args->stop_reason] = count();
}
tracepoint:pen:pen_setpoint /args->pen == $1/ {
	@setpoint[args->depth_um, args->rate_mhz, args->mask] = count();
}
tracepoint:pen:pen_fault_cleared /args->pen == $1/ {
	@cleared[args->fault] = count();
}
tracepoint:pen:pen_cartridge /args->pen == $1/ { @cartridge[args->state] = count(); }
'
t0=$(date +%s)
if [ $tools = 1 ]; then
	rm -f "$SYNC.ready" "$SYNC.done"
	mkdir -p "${SYNC%/*}" && mkfifo "$SYNC.done"
	# PEN_TOP is the chroot's: this script, to wait in.
	# shellcheck disable=SC2016
	hostrun sh -c 'exec bpftrace -e "$1" -c "/bin/sh $PEN_TOP/selftests/tracing_test.sh --inside" "$2"' \
		sh "$bt_script" "$N" > "$out.bt" 2> "$out.bt.err" &
	bt=$!
	# Attached, and perf recording: under -icount, perf's start on
	# 6.12 takes minutes of guest time (seconds of the host's), so
	# ten minutes at most.
	i=0
	while [ ! -e "$SYNC.ready" ] && kill -0 $bt 2> /dev/null &&
	      [ $i -lt 6000 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	t1=$(date +%s)
	[ -e "$SYNC.ready" ] ||
		echo "# bpftrace/perf not ready after $((t1 - t0)) s: the scenario runs untraced by them"
	scenario
	echo end > "$SYNC.done" &
	wait $bt
	btrc=$?
	kill $! 2> /dev/null
	rm -f "$SYNC.ready" "$SYNC.done"
else
	t1=$t0
	scenario
fi
t2=$(date +%s)
echo 0 > $T/tracing_on
cp $T/trace "$out.trace"
penctl -d "$P" --json status > "$out.status"
strokes=$(sed -n 's/.*"strokes":\([0-9]*\).*/\1/p' "$out.status")

# ---- tracefs ------------------------------------------------------------

has tracefs "$out.trace" \
	"pen_setpoint: pen=$N seq=0 depth_um=500 rate_mhz=100000 mask=depth\|rate$" \
	"pen_state: pen=$N seq=0 state=running stop_reason=none depth_um=500 rate_mhz=100000$" \
	"pen_state: pen=$N seq=[0-9]+ state=stopped stop_reason=request " \
	"pen_fault: pen=$N seq=[0-9]+ fault=over-depth value=300 latched=1$" \
	"pen_state: pen=$N seq=[0-9]+ state=stopped stop_reason=fault " \
	"pen_fault_cleared: pen=$N seq=[0-9]+ fault=over-depth value=300$" \
	"pen_cartridge: pen=$N seq=[0-9]+ id=0 state=none budget=0 strokes=0$" \
	"pen_cartridge: pen=$N seq=[0-9]+ id=7007 state=ready budget=1000 strokes=0$"
result "tracefs: setpoint, start, stop by request, fault, stop by fault, cleared fault, cartridge out and in, by name"

! grep -Eq '(fault|state|stop_reason)=[0-9]' "$out.trace"
result "tracefs: no enumeration printed as a number"

# Whether a stop cuts a stroke short (an unmeasured one) is timing.
[ "$(grep -c 'pen_stroke:' "$out.trace")" = "$strokes" ] &&
	grep -Eq "pen_stroke: pen=$N seq=[0-9]+ issued_ns=[1-9][0-9]* lateness_ns=[0-9]+ reached_ns=[1-9][0-9]* cmd_um=500 reached_um=500 measured=1 missed=[0-9]+ rate_mhz=100000$" "$out.trace" &&
	! grep -E "pen_stroke: .* measured=1 " "$out.trace" | grep -q ' reached_ns=0 ' &&
	! grep -E "pen_stroke: .* measured=0 " "$out.trace" |
		grep -Evq ' reached_ns=0 cmd_um=500 reached_um=0 '
result "tracefs: one pen_stroke per stroke issued ($strokes), reached_ns set just when measured"

clock_ok tracefs "$out.trace"
result "tracefs, trace_clock mono: a measured stroke's timestamp is its reached_ns (within 5 ms)"

# The filter by the printed name, on a short run.
echo > $T/trace
echo "pen == $N && measured == 0" > $T/events/pen/pen_stroke/filter &&
	echo 1 > $T/tracing_on &&
	penctl -d "$P" run --duration 0.3s > /dev/null &&
	echo 0 > $T/tracing_on &&
	n0=$(grep -c 'pen_stroke:' $T/trace) &&
	[ "$n0" -ge 1 ] && ! grep 'pen_stroke:' $T/trace | grep -q 'measured=1'
result "tracefs filter 'measured == 0' keeps just the unmeasured strokes (${n0:-none})"

for e in $EVENTS; do
	echo 0 > "$T/events/pen/$e/enable"
	echo 0 > "$T/events/pen/$e/filter"
done
# As the other tests expect it: the default clock, tracing on, empty.
echo local > $T/trace_clock
echo 1 > $T/tracing_on
echo > $T/trace

# ---- The tools, in the tool root -----------------------------------------

if [ $tools != 1 ]; then
	for _ in $(seq 7); do
		if [ $tools = broken ]; then
			not_ok "the tools: hostrun has no tool root in this guest"
		else
			skip "the tools: no hostrun (they run in a scripts/vm-run guest)"
		fi
	done
	sim_delete "$SIM"
	ktap_finish
fi
echo "# bpftrace (and perf) took $((t1 - t0)) s to start, the scenario $((t2 - t1)) s (guest time)"
sed 's/^/# bpftrace: /' "$out.bt.err"
sed -n '/^PERF_SCRIPT_BEGIN$/,/^PERF_SCRIPT_END$/!p' "$out.bt" | sed 's/^/# bpftrace: /'

# bpftrace prints each map at its exit, keys as numbers.
[ "$btrc" = 0 ] && has bpftrace "$out.bt" \
	"^@strokes: $strokes$" \
	"^@measured\[1\]: [1-9]" \
	"^@reached_after_issued: [1-9]" \
	"^@faults\[1\]: 1$" \
	"^@stops\[1\]: 1$" "^@stops\[5\]: 1$" \
	"^@setpoint\[500, 100000, 3\]: 1$" \
	"^@cleared\[1\]: 1$" \
	"^@cartridge\[0\]: 1$" "^@cartridge\[1\]: 1$"
result "bpftrace reads every tracepoint's args: strokes, faults, stops, setpoints, cleared, cartridges"
[ "$(sed -n '/^@lateness_ns:/,/^$/p' "$out.bt" | awk -F'|' '/^\[/ { split($1, a, " "); s += a[3] } END { print s + 0 }')" = "$strokes" ]
result "bpftrace's lateness histogram holds every stroke"

# perf script, where the tool root has perf.
sed -n '/^PERF_SCRIPT_BEGIN$/,/^PERF_SCRIPT_END$/p' "$out.bt" > "$out.perf"
if [ -s "$out.perf" ]; then
	has perf "$out.perf" \
		"pen:pen_fault: pen=$N seq=[0-9]+ fault=over-depth value=300 latched=1" \
		"pen:pen_state: pen=$N .* state=stopped stop_reason=fault " \
		"pen:pen_cartridge: pen=$N .* state=ready "
	result "perf script prints the enumerations by name" ||
		sed 's/^/# perf: /' "$out.perf" | tail -n 20
	clock_ok perf "$out.perf"
	result "perf -k CLOCK_MONOTONIC: a measured stroke's time is its reached_ns (within 5 ms)"
else
	skip "perf: not in the tool root"
	skip "perf clock: not in the tool root"
fi

# trace-cmd: record the scenario once more, then report and filter.
sim_delete "$SIM"
sim_create "" || exit 1
P=$(pen_dev "$SIM")
N=${P#/dev/pen}
hostrun trace-cmd start -C mono -e pen > "$out.tc.err" 2>&1
scenario
hostrun sh -c 'trace-cmd stop && trace-cmd extract -o /tmp/t.dat > /dev/null 2>&1 &&
	trace-cmd report -t /tmp/t.dat && echo TRACE_CMD_F &&
	trace-cmd report -F "pen_stroke: measured == 0" /tmp/t.dat' \
	> "$out.tc" 2>> "$out.tc.err"
tcrc=$?
hostrun trace-cmd reset > /dev/null 2>&1
echo local > $T/trace_clock
echo 1 > $T/tracing_on
sed -n '/^TRACE_CMD_F$/,$p' "$out.tc" > "$out.tcf"
sed -i '/^TRACE_CMD_F$/,$d' "$out.tc"
sed 's/^/# trace-cmd: /' "$out.tc.err"

[ $tcrc = 0 ] && has trace-cmd "$out.tc" \
	"pen_setpoint: +pen=$N seq=0 depth_um=500 rate_mhz=100000 mask=depth\|rate$" \
	"pen_fault: +pen=$N seq=[0-9]+ fault=over-depth value=300 latched=1$" \
	"pen_state: +pen=$N .* state=stopped stop_reason=request " \
	"pen_fault_cleared: +pen=$N seq=[0-9]+ fault=over-depth value=300$" \
	"pen_cartridge: +pen=$N .* state=none " \
	"pen_stroke: +pen=$N .* reached_ns=[1-9][0-9]* .* measured=1 "
result "trace-cmd report decodes the names, reached_ns, every event"
clock_ok trace-cmd "$out.tc"
result "trace-cmd record -C mono: a measured stroke's time is its reached_ns (within 5 ms)"
n0=$(grep -c 'pen_stroke:' "$out.tcf")
[ "$n0" -ge 1 ] && ! grep 'pen_stroke:' "$out.tcf" | grep -q 'measured=1' &&
	! grep -Eq 'pen_(state|fault|setpoint|cartridge)' "$out.tcf"
result "trace-cmd report -F 'pen_stroke: measured == 0': only unmeasured strokes ($n0)"

sim_delete "$SIM"
ktap_finish
