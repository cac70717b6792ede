#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pentrace against the simulated pen: what it counts from the pen:pen_stroke
# tracepoint must agree with the driver's own counters and with the
# simulator's record of every stroke; usage errors exit 2 and a missing
# module or missing privileges exit 1, each with a one-line message.
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ktap.sh
. "$dir/ktap.sh"
# shellcheck source=pen_util.sh
. "$dir/pen_util.sh"
pen_sim_ensure pentrace

SIM=502
DBG=/sys/kernel/debug/pen_sim
RATE_MHZ=100000
out=/tmp/pentrace.out

# start FILE ARGS...: pentrace ARGS in the background, its stdout in FILE
# and stderr in FILE.err; returns once it traces (its pid in $pt), or 1
# if it exited first. Loading takes seconds on the debug kernel.
start() {
	f=$1
	shift
	pentrace "$@" > "$f" 2> "$f.err" &
	pt=$!
	i=0
	until grep -qs '^pentrace: tracing' "$f.err"; do
		kill -0 $pt 2>/dev/null || { wait $pt; return 1; }
		i=$((i + 1))
		[ $i -ge 1200 ] && return 1
		sleep 0.05
	done
}

# json KEY FILE: the number KEY has in the JSON object in FILE.
json() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2" | head -n 1; }
# json_array KEY FILE: the elements of the array KEY, one a line.
json_array() {
	sed -n "s/.*\"$1\":\[\([0-9,]*\)\].*/\1/p" "$2" | head -n 1 | tr , '\n'
}
sum() { awk '{ s += $1 } END { print s + 0 }'; }

# result DESC: one test, passed if the command just before succeeded.
result() {
	if [ $? = 0 ]; then ok "$1"; else not_ok "$1"; fi
}

ktap_plan 16

# ---- Usage errors: exit 2, one line naming the value -----------------

expect 2 "^pentrace: invalid interval 'soon': not a number$" \
	"a malformed interval is refused, exit 2" -- pentrace -i soon
expect 2 "^pentrace: invalid duration '0': must be greater than zero$" \
	"a zero duration is refused, exit 2" -- pentrace -d 0
expect 2 "^pentrace: invalid pen 'pen-1': not a pen \\(N, penN or /dev/penN\\)$" \
	"a malformed pen is refused, exit 2" -- pentrace --pen pen-1
expect 2 "^pentrace: invalid option '--colour'$" \
	"an unknown option is refused, exit 2" -- pentrace --colour

# ---- The environment: exit 1, one line saying what is missing ---------

if ! grep -q ' /sys/kernel/tracing ' /proc/mounts &&
   ! [ -d /sys/kernel/debug/tracing/events ]; then
	for i in $(seq 12); do skip "no tracefs in this kernel"; done
	ktap_finish
fi

if rmmod pen_sim && rmmod pen; then
	expect 1 "^pentrace: the pen module is not loaded \(no /sys/kernel/(debug/)?tracing/events/pen\)$" \
		"without the pen module, exit 1 naming it" -- pentrace -d 1
	if ! { pen_load pen && pen_load pen_sim; }; then
		echo "# reloading the pen modules failed"
		ktap_finish
	fi
else
	skip "without the pen module (cannot unload it)"
fi

# A user namespace's root has no capability outside it: bpf() refuses.
if unshare -r true 2>/dev/null; then
	expect 1 "^pentrace: cannot load the BPF program: BPF not permitted" \
		"without privileges, exit 1 saying BPF is not permitted" \
		-- unshare -r pentrace -d 1
else
	skip "without privileges (no user namespaces in this kernel)"
fi

# ---- Against the simulated pen -----------------------------------------

sim_delete "$SIM"
sim_create "rate_max_mhz=250000" || exit 1
P=$(pen_dev "$SIM")
N=${P#/dev/pen}

# Two at once on the same tracepoint, one printing JSON, one text.
started=0
rm -f "$out.text.err"
if start "$out.json" --json -p "$N"; then
	jpid=$pt
	start "$out.text" -p "$N" && started=1
	tpid=$pt
fi
if [ $started = 0 ]; then
	sed 's/^/#   /' "$out.json.err" "$out.text.err" 2>/dev/null
	kill -INT ${jpid:+"$jpid"} ${tpid:+"$tpid"} 2>/dev/null
	sim_delete "$SIM"
	# A kernel without BPF is a reason to skip; anything else fails.
	reason=$(grep -h 'no BPF' "$out.json.err" "$out.text.err" 2>/dev/null)
	for i in $(seq 10); do
		if [ -n "$reason" ]; then
			skip "${reason#pentrace: }"
		else
			not_ok "pentrace did not start"
		fi
	done
	ktap_finish
fi
penctl -d "$P" run --depth 0.5mm --rate 100Hz --duration 2s > /dev/null 2>&1
kill -INT "$jpid" "$tpid"
wait "$jpid"
jrc=$?
wait "$tpid"
trc=$?
penctl -d "$P" --json status > "$out.status"
sed 's/^/# pentrace: /' "$out.json"

strokes=$(json strokes "$out.json")
measured=$(json measured "$out.json")
run_strokes=$(json run_strokes "$out.status")
echo "# driver: run_strokes $run_strokes, run_missed_strokes $(json run_missed_strokes "$out.status")"

[ $jrc = 0 ] && [ "$(wc -l < "$out.json")" = 1 ] &&
	[ "$(json pen "$out.json")" = "$N" ]
result "SIGINT ends pentrace --json, exit 0, one object for pen$N"
[ -n "$strokes" ] && [ "$strokes" -gt 100 ] &&
	[ "$strokes" = "$run_strokes" ]
result "strokes ($strokes) equal the driver's run_strokes"
[ -n "$(json missed "$out.json")" ] &&
	[ "$(json missed "$out.json")" = "$(json run_missed_strokes "$out.status")" ]
result "missed equal the driver's run_missed_strokes"

reached=$(awk '!/^#/ && $3 != 0' "$DBG/pen_sim$SIM/strokes" | wc -l)
[ -n "$measured" ] && [ "$measured" -gt 0 ] && [ "$measured" = "$reached" ]
result "measured ($measured) equal the strokes the simulator recorded reached ($reached)"

# Bucket 20 of the depth error is 0..9 um (from -200 um, 10 um each).
zero=$(json_array buckets "$out.json" | sed -n 21p)
[ "$zero" = "$measured" ] &&
	[ "$(json_array buckets "$out.json" | sum)" = "$measured" ] &&
	[ "$(json below "$out.json")" = 0 ] && [ "$(json above "$out.json")" = 0 ]
result "every measured stroke is in the depth error's 0..9 um bucket"
[ "$(json_array log2 "$out.json" | sum)" = "$strokes" ]
result "the lateness histogram holds every stroke"

rate=$(json rate_mhz "$out.json")
echo "# achieved rate: $rate mHz, commanded $RATE_MHZ mHz"
[ -n "$rate" ] && [ "$rate" -ge $((RATE_MHZ * 99 / 100)) ] &&
	[ "$rate" -le $((RATE_MHZ * 101 / 100)) ]
result "the achieved rate is within 1% of the commanded 100 Hz"

[ $trc = 0 ] &&
	grep -Eq "^  strokes: +$strokes$" "$out.text" &&
	grep -Eq "^  measured: +$measured$" "$out.text" &&
	grep -Eq "^  achieved rate: +[0-9]+\.[0-9]{3} Hz$" "$out.text" &&
	grep -Eq "^ +lateness \(ns\) : count +distribution$" "$out.text" &&
	grep -Eq "^ +0 -> 9 : $measured +\|\*{40}\|$" "$out.text"
result "the text report says the same: strokes, measured, rate, histograms"
if [ $trc != 0 ] || ! grep -q "strokes: *$strokes$" "$out.text"; then
	sed 's/^/#   /' "$out.text" "$out.text.err"
fi

# ---- -d and -i -----------------------------------------------------------

expect 0 "^\\{\"pen\":$N,.*\"strokes\":0,.*\"rate_mhz\":null," \
	"-d ends pentrace by itself, with a report of a pen at rest" \
	-- pentrace --json -p "pen$N" -d 500ms
pentrace --json -p "/dev/pen$N" -i 200ms -d 1s > "$out" 2>/dev/null
[ "$(grep -c '^{"pen"' "$out")" = 5 ]
result "-i 200ms -d 1s reports 5 times"

sim_delete "$SIM"
ktap_finish
