#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# penctl end to end against the simulated pen: every command, its JSON,
# its error messages and exit codes, that the needle never outlives the
# process that runs it, the event stream: monitor, run --log, replay, and
# run --buttons driven by presses injected into the simulated pen. Where
# a 32-bit penctl lies beside this script (penctl32: an arm64 guest's,
# scripts/build-cross), it is run too, through the kernel's compat_ioctl.
#
# Many helpers here are run only through wait_for and check (as in
# "wait_for running"), which shellcheck takes for unreachable code.
# shellcheck disable=SC2317
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ktap.sh
. "$dir/ktap.sh"
# shellcheck source=pen_util.sh
. "$dir/pen_util.sh"
pen_sim_ensure penctl

SIM=500
SIM2=501		# the pen that monitor watches being unplugged
SIMB=502		# run --buttons: main and speed buttons
SIMF=503		# run --buttons: with a footswitch
SIMN=504		# run --buttons: no buttons at all
SIMO=505		# a footswitch and no buttons
DBG=/sys/kernel/debug/pen_sim
out=/tmp/penctl.out
log=/tmp/penctl.log

sim_state() { sed -n "s/^$1 //p" "$DBG/pen_sim$SIM/state"; }

# wait_for CMD...: retry CMD for up to 5 s (guest time).
wait_for() {
	i=0
	while ! "$@" > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge 100 ] && return 1
		sleep 0.05
	done
}
running() { [ "$(sim_state drive)" = on ]; }
stopped() { [ "$(sim_state drive)" = off ]; }
controlled() { penctl -d "$P" --json status | grep -q '"controlled":true'; }
# inject CMD [VALUE]: one fault injection into our simulated pen.
inject() { echo "$*" > "$DBG/pen_sim$SIM/inject"; }
# opened PID DEV: process PID has DEV open (so its events are flowing).
opened() {
	for fd in "/proc/$1/fd/"*; do
		[ "$(readlink "$fd")" = "$2" ] && return 0
	done
	return 1
}
# run_bg ARGS...: penctl -d "$P" ARGS in the background, its output in
# $out.bg and its pid in bg; returns once the needle runs.
run_bg() {
	penctl -d "$P" "$@" > "$out.bg" 2>&1 &
	bg=$!
	wait_for running
}
# stopped_by SIGNAL DESC: SIGNAL ends the penctl run_bg started, with
# exit 0 and the drive off.
stopped_by() {
	kill "-$1" "$bg"
	wait "$bg"
	rc=$?
	if [ $rc = 0 ] && stopped; then
		ok "$2"
	else
		not_ok "$2 (exit $rc, drive $(sim_state drive))"
	fi
}
# bg_ends RC PATTERN DESC: the penctl run_bg started exits RC, its
# output matching PATTERN.
bg_ends() {
	wait "$bg"
	rc=$?
	if [ "$rc" = "$1" ] && grep -q -- "$2" "$out.bg"; then
		ok "$3"
	else
		not_ok "$3 (exit $rc)"
		sed 's/^/#   /' "$out.bg"
	fi
}
# log_matches LOG: replay finds LOG's events match the driver's counters.
log_matches() {
	penctl replay "$1" > "$out.replay" 2>&1 &&
		grep -q "matches the driver's counters: yes" "$out.replay"
}

# run_fault INJECTION PATTERN DESC [PENCTL OPTION...]: run the needle
# (5 s at most), inject once it runs, and expect run to exit 1 with
# output matching PATTERN and the drive off.
run_fault() {
	inj=$1 pattern=$2 desc=$3
	shift 3
	run_bg "$@" run --depth 0.5mm --rate 100Hz --duration 5s
	inject "$inj"
	wait $bg
	rc=$?
	if [ $rc = 1 ] && grep -Eq -- "$pattern" "$out.bg" && stopped; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, drive $(sim_state drive))"
		sed 's/^/#   /' "$out.bg"
	fi
}

# The 32-bit penctl: an armhf program, static, that an arm64 kernel runs
# as its own; its tests are planned only where it is.
P32=$dir/penctl32
n32=0
[ -x "$P32" ] && n32=7
ktap_plan $((151 + n32))
sim_delete
sim_delete $SIM2
sim_delete $SIMB
sim_delete $SIMF
sim_delete $SIMN
sim_delete $SIMO
# With no pen at all, list says so: in a mount namespace of its own
# whose /dev is empty, so that the pens of the system stay.
# no_dev CMD...: CMD with an empty /dev.
no_dev() {
	unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs none /dev && exec "$@"' \
		no_dev "$@"
}
if command -v unshare > /dev/null; then
	expect 0 "^no pens found\$" "list without a pen says so, exit 0" -- no_dev penctl list
	expect 0 "^\\[\\]\$" "list --json without a pen is an empty array, exit 0" \
		-- no_dev penctl --json list
else
	skip "list without a pen: no unshare"
	skip "list --json without a pen: no unshare"
fi
sim_create "depth_max_um=2000 rate_max_mhz=250000" || exit 1
P=$(pen_dev)

expect 0 "\"name\":\"${P#/dev/}\".*\"driver\":\"pen_sim\"" "list --json names the pen" \
	-- penctl --json list
expect 0 "^${P#/dev/} +pen_sim +pen-sim +SIM-00000500 +stopped" "list prints a table" \
	-- penctl list
# Nodes named as pens are that are not pens: listed, each with its error,
# after the pen, exit 1; numbers too large to compare go by their names.
big=/dev/pen99999999999999999999
big8=/dev/pen99999999999999999998
: > "$big"
: > "$big8"
penctl list > "$out" 2>&1
rc=$?
errs=$(sed -n 's/^\(pen[0-9]*\) *error: not a pen device$/\1/p' "$out" | tr '\n' ' ')
if [ $rc = 1 ] && grep -q "^${P#/dev/} .* stopped\$" "$out" &&
   [ "$errs" = "${big8#/dev/} ${big#/dev/} " ] &&
   grep -q "^penctl: $big: not a pen device\$" "$out"; then
	ok "list names each node that is not a pen, in order of names, exit 1"
else
	not_ok "list names each node that is not a pen, in order of names, exit 1 (exit $rc)"
	sed 's/^/#   /' "$out"
fi
expect 1 "\\{\"path\":\"$big8\",\"error\":\"not a pen device\"\\},\\{\"path\":\"$big\",\"error\":\"not a pen device\"\\}\\]\$" \
	"list --json has an error object for each" -- penctl --json list
rm -f "$big" "$big8"
expect 0 '"depth_max_um":2000,.*"rate_max_mhz":250000' "info --json reports the limits" \
	-- penctl -d "$P" --json info
expect 0 'depth: +0 mm - 2 mm, step 0.01 mm' "info prints limits in human units" \
	-- penctl -d "$P" info
expect 0 '"depth_um":500,.*"rate_mhz":120000' "set --depth 0.5mm --rate 120Hz" \
	-- penctl -d "$P" --json set --depth 0.5mm --rate 120Hz
expect 0 '"depth_um":500,.*"rate_mhz":120000' "setpoints persist after penctl exits" \
	-- penctl -d "$P" --json status
expect 0 '"depth_um":750,.*"rate_mhz":120000' "set accepts um and spm" \
	-- penctl -d "$P" --json set --depth 750um --rate 7200spm
expect 0 '"rate_mhz":116667' "rpm rounds to the nearest mHz" \
	-- penctl -d "$P" --json set --rate 7000rpm

expect 0 'cartridge: +ready, id [0-9]+, 0 of 1000000 strokes used' "status shows the cartridge" \
	-- penctl -d "$P" status
echo cartridge_remove > "$DBG/pen_sim$SIM/inject"
expect 0 'cartridge: +none$' "status shows a removed cartridge as none" \
	-- penctl -d "$P" status
expect 1 "cannot start: no cartridge inserted" "start without a cartridge is refused, named" \
	-- penctl -d "$P" run --duration 0.1s
if ! grep -q "running" "$out"; then
	ok "a refused start never said the needle was running"
else
	not_ok "a refused start never said the needle was running"
	sed 's/^/#   /' "$out"
fi
# Each refusal of a start named: a spent cartridge, a used one, and a
# setpoint above a depth cap lowered since it was set.
echo "cartridge_insert 5006 1" > "$DBG/pen_sim$SIM/inject"
penctl -d "$P" run --duration 0.2s > /dev/null 2>&1
expect 1 "cannot start: the cartridge's stroke budget is spent" \
	"start with a spent cartridge is refused, named" \
	-- penctl -d "$P" run --duration 0.1s
echo cartridge_remove > "$DBG/pen_sim$SIM/inject"
echo "cartridge_insert 5006 1000000" > "$DBG/pen_sim$SIM/inject"
expect 1 "cannot start: the cartridge was used before; cartridges are single use" \
	"start with a used cartridge is refused, named" \
	-- penctl -d "$P" run --duration 0.1s
echo cartridge_remove > "$DBG/pen_sim$SIM/inject"
echo "cartridge_insert 5005 1000000" > "$DBG/pen_sim$SIM/inject"
cap=/sys/class/pen/${P#/dev/}/depth_cap_um
penctl -d "$P" set --depth 1mm > /dev/null
echo 500 > "$cap"
expect 1 "cannot start: the depth 1 mm is above the pen's depth cap, 0.5 mm" \
	"start above a lowered depth cap is refused, both depths named" \
	-- penctl -d "$P" run --duration 0.1s
echo 2000 > "$cap"
penctl -d "$P" set --depth 750um > /dev/null

# Usage errors: exit 2, nothing done.
expect 2 "invalid depth '5': missing unit" "a depth without a unit is refused" \
	-- penctl -d "$P" set --depth 5
expect 2 "invalid rate 'fastHz'" "a malformed rate is refused" \
	-- penctl -d "$P" set --rate fastHz
expect 2 "invalid duration '-1'" "a negative duration is refused" \
	-- penctl -d "$P" run --duration -1
expect 2 "unknown command 'frob'" "an unknown command is refused" \
	-- penctl frob
expect 2 "invalid option '--colour'" "an unknown option is refused" \
	-- penctl --colour status
expect 2 "set needs --depth, --rate or both" "set without a value is refused" \
	-- penctl -d "$P" set
expect 2 "invalid watchdog '5ms': shorter than the kernel's shortest, 10 ms" \
	"a watchdog below the kernel's range is refused, as typed" \
	-- penctl -d "$P" run --watchdog 5ms
expect 2 "invalid watchdog '2m': longer than the kernel's longest, 60 s" \
	"a watchdog above the kernel's range is refused, as typed" \
	-- penctl -d "$P" run --watchdog 2m
expect 2 "invalid watchdog '1.5ms': not a whole number of milliseconds" \
	"a watchdog finer than a millisecond is refused" \
	-- penctl -d "$P" run --watchdog 1.5ms
expect 2 "options '--watchdog' and '--no-watchdog' exclude each other" \
	"--watchdog with --no-watchdog is refused" \
	-- penctl -d "$P" run --watchdog 1s --no-watchdog
expect 0 '"depth_um":750,.*"rate_mhz":116667' "refused commands changed nothing" \
	-- penctl -d "$P" --json status

# Device errors: exit 1, naming the value and the limit.
echo 1500 > "/sys/class/pen/${P#/dev/}/depth_cap_um"
expect 0 'depth cap: +1.5 mm' "info shows the depth cap" \
	-- penctl -d "$P" info
expect 1 "invalid depth '1.6mm': above the pen's depth cap, 1.5 mm" \
	"a depth above the cap is named as typed, with the cap" \
	-- penctl -d "$P" set --depth 1.6mm
echo 2000 > "/sys/class/pen/${P#/dev/}/depth_cap_um"
expect 1 "invalid depth '2.5mm': outside the pen's range, 0 mm to 2 mm" \
	"a depth beyond the pen's limit is named as typed, with the range" \
	-- penctl -d "$P" set --depth 2.5mm
expect 1 "invalid rate '300Hz': outside the pen's range, 25 Hz to 250 Hz" \
	"a rate beyond the pen's limit is named as typed, with the range" \
	-- penctl -d "$P" set --rate 300Hz
expect 1 "invalid depth '505um': not on the pen's 0.01 mm steps from 0 mm" \
	"a depth off the step grid is named as typed, with the step" \
	-- penctl -d "$P" set --depth 505um
expect 1 "/dev/pen99: no such pen" "a missing pen is named" \
	-- penctl -d 99 info

# run: strokes follow the rate (guest time is deterministic: -icount).
expect 0 '"ended_by":"duration".*"run_strokes":(100|101|102),"run_missed_strokes":0' \
	"run --duration 1s at 100 Hz strokes 101 times" \
	-- penctl -d "$P" --json run --depth 0.5mm --rate 100Hz --duration 1s
expect 0 'state: +stopped' "the needle is stopped after run" \
	-- penctl -d "$P" status

# The 32-bit penctl: every ioctl it makes goes through compat_ioctl, and
# the 64-bit penctl sees what it did. Its run leaves the setpoints as the
# run above did.
if [ $n32 != 0 ]; then
	# The ELF header's fifth byte, EI_CLASS: 1 is ELFCLASS32.
	class=$(head -c 5 "$P32" | tail -c 1 | od -An -tx1 | tr -d ' ')
	if [ "$class" = 01 ]; then
		ok "penctl32 is a 32-bit program"
	else
		not_ok "penctl32 is a 32-bit program (ELF class $class)"
	fi
	expect 0 "\"name\":\"${P#/dev/}\".*\"driver\":\"pen_sim\"" \
		"32-bit: list --json names the pen" -- "$P32" --json list
	expect 0 '"depth_max_um":2000,.*"rate_max_mhz":250000' \
		"32-bit: info --json reports the limits" -- "$P32" -d "$P" --json info
	expect 0 '"depth_um":600,.*"rate_mhz":110000' \
		"32-bit: set --depth 0.6mm --rate 110Hz" \
		-- "$P32" -d "$P" --json set --depth 0.6mm --rate 110Hz
	expect 0 '"depth_um":600,.*"rate_mhz":110000' \
		"32-bit: the 64-bit penctl reads what it set" \
		-- penctl -d "$P" --json status
	expect 1 "invalid depth '2.5mm': outside the pen's range, 0 mm to 2 mm" \
		"32-bit: a depth beyond the pen's limit is refused, with the range" \
		-- "$P32" -d "$P" set --depth 2.5mm
	expect 0 '"ended_by":"duration".*"run_strokes":(100|101|102),"run_missed_strokes":0' \
		"32-bit: run --duration 1s at 100 Hz strokes 101 times" \
		-- "$P32" -d "$P" --json run --depth 0.5mm --rate 100Hz --duration 1s
fi

# The needle never outlives penctl.
run_bg start
expect 1 "pen is controlled by another process" "a second controller is refused" \
	-- penctl -d "$P" set --depth 1mm
stopped_by INT "SIGINT stops start and exits 0"

run_bg run
stopped_by TERM "SIGTERM stops run and exits 0"

run_bg run
kill -KILL $bg
wait $bg
if wait_for stopped && penctl -d "$P" status | grep -q 'stop reason: *close'; then
	ok "SIGKILL of run stops the needle (closed by the kernel)"
else
	not_ok "SIGKILL of run stops the needle"
fi

run_bg run
expect 0 "" "stop from another process works without control" -- penctl -d "$P" stop
bg_ends 1 "needle stopped unexpectedly.*request" \
	"run exits 1 naming why when the pen stops under it"
run_bg run
expect 0 "^\\{\"path\":\"$P\",\"state\":\"stopped\",\"stop_reason\":\"request\"\\}\$" \
	"stop --json stops the needle and says how it is now" -- penctl -d "$P" --json stop
bg_ends 1 "needle stopped unexpectedly.*request" "and the run under it exits 1"

run_bg --json run
stopped_by TERM "SIGTERM stops run --json and exits 0"
if grep -q '^{"path":"'"$P"'","ended_by":"signal","signal":"SIGTERM","state":"stopped",' "$out.bg"; then
	ok "run --json's summary names the signal that ended it"
else
	not_ok "run --json's summary names the signal that ended it"
	sed 's/^/#   /' "$out.bg"
fi

# A stop signal that comes while run sets up (here while it waits to
# open its log, a FIFO nobody reads yet) cancels the start.
rm -f "$log.fifo"
mkfifo "$log.fifo"
strokes0=$(penctl -d "$P" --json status | sed -n 's/.*"strokes":\([0-9]*\),.*/\1/p')
penctl -d "$P" run --duration 5s --log "$log.fifo" > "$out.bg" 2>&1 &
bg=$!
wait_for controlled
kill -INT $bg
cat "$log.fifo" > "$log" &
rd=$!
wait $bg
rc=$?
# Had penctl ended before opening the FIFO, cat would wait for ever.
kill $rd 2> /dev/null
wait $rd
strokes1=$(penctl -d "$P" --json status | sed -n 's/.*"strokes":\([0-9]*\),.*/\1/p')
if [ $rc = 1 ] && stopped && [ -n "$strokes0" ] && [ "$strokes0" = "$strokes1" ] &&
   [ ! -s "$log" ] &&
   grep -q "^penctl: $P: SIGINT before the needle started; not starting\$" "$out.bg"; then
	ok "SIGINT while run sets up: not started, said, exit 1, nothing logged"
else
	not_ok "SIGINT while run sets up: not started, said, exit 1, nothing logged (exit $rc, strokes $strokes0 -> $strokes1)"
	sed 's/^/#   /' "$out.bg"
fi
rm -f "$log.fifo"

# The kernel's watchdog, which penctl arms whenever it runs the needle:
# a penctl that is stopped (or hung) gets its needle stopped by the
# kernel, at the first stroke boundary past the timeout (100 Hz here).
# watchdog_stop TIMEOUT_MS DESC [OPTION...]: run, SIGSTOP it, and expect
# the watchdog fault within TIMEOUT_MS and a period of the last kick.
watchdog_stop() {
	limit=$(($1 + 10)) desc=$2
	shift 2
	run_bg run --rate 100Hz "$@"
	kill -STOP $bg
	wait_for stopped
	st=$(penctl -d "$P" --json status)
	kill -CONT $bg
	wait $bg
	rc=$?
	ms=$(echo "$st" | sed -n 's/.*"fault":"watchdog","fault_code":7,"fault_value":\([0-9]*\),.*/\1/p')
	if [ $rc = 1 ] && [ -n "$ms" ] && [ "$ms" -le $limit ] &&
	   grep -q "needle stopped: fault watchdog" "$out.bg"; then
		ok "$desc"
		echo "# drive-off delay, penctl stopped: $ms ms after its last kick (bound $limit ms)"
	else
		not_ok "$desc (exit $rc, $ms ms since the last kick, bound $limit)"
		echo "#   $st"
		sed 's/^/#   /' "$out.bg"
	fi
	penctl -d "$P" clear-fault > /dev/null 2>&1
}
watchdog_stop 1000 "a stopped run's needle is stopped by the kernel's watchdog (default 1 s)"
watchdog_stop 200 "start --watchdog 200ms: stopped 200 ms and a period after the last kick" \
	--watchdog 200ms
expect 0 "warning: the watchdog is off \(--no-watchdog\): if penctl hangs or is stopped, the needle runs on" \
	"--no-watchdog runs without one, and warns" \
	-- penctl -d "$P" run --no-watchdog --duration 0.2s

# Faults, injected into the simulated pen and judged by the core: a
# stroke 300 um deeper than commanded is beyond the 150 um tolerance.
run_fault "over_depth 300" "needle stopped: fault over-depth \(\+300 um\)" \
	"an over-depth fault stops run, which exits 1 naming it"
expect 0 "fault: +over-depth \(\+300 um\) at stroke [1-9][0-9]*" \
	"status shows the latched fault" -- penctl -d "$P" status
expect 0 '"stop_reason":"fault","stop_reason_code":5,"fault":"over-depth","fault_code":1,"fault_value":300,"fault_ns":[1-9][0-9]*,"fault_seq":[1-9][0-9]*' \
	"status --json has the fault keys" -- penctl -d "$P" --json status
expect 1 "cannot start: fault over-depth \(\+300 um\) latched; clear it with 'penctl -d $P clear-fault'" \
	"start refuses while a fault is latched, naming how to clear it" \
	-- penctl -d "$P" start --duration 1s
sleep 30 3<> "$P" &
holder=$!
wait_for controlled
expect 1 "$P: pen is controlled by another process" \
	"clear-fault needs control of the pen" -- penctl -d "$P" clear-fault
kill $holder
wait $holder
expect 0 '"state":"stopped",.*"fault":"over-depth"' \
	"the fault stays latched after the refused start and clear" \
	-- penctl -d "$P" --json status
expect 0 "^\\{\"path\":\"$P\",\"cleared\":true,\"fault\":\"over-depth\"\\}\$" \
	"clear-fault --json clears the fault and names it" \
	-- penctl -d "$P" --json clear-fault
expect 0 "fault: +none" "status shows no fault after clear-fault" \
	-- penctl -d "$P" status
expect 0 "^$P: no fault latched\$" "clear-fault without a fault says so, exit 0" \
	-- penctl -d "$P" clear-fault
inject reset
expect 0 "stopped after .* \(duration reached\)" \
	"with the injection reset, run --duration 0.2s exits 0" \
	-- penctl -d "$P" run --duration 0.2s

# Faults the hardware reports itself.
run_fault "overcurrent 1200" "needle stopped: fault overcurrent \(1200 mA\)" \
	"an overcurrent stops run, which exits 1 naming it"
expect 0 "^$P: fault cleared\$" "clear-fault clears the overcurrent" \
	-- penctl -d "$P" clear-fault
run_fault "overtemp 85500" '"ended_by":"pen",.*"stop_reason":"fault","fault":"overtemp","fault_code":4,"fault_value":85500' \
	"an overtemp ends run --json by the pen, with the fault keys" --json
if grep -q "needle stopped: fault overtemp (85.500 degC)" "$out.bg"; then
	ok "the overtemp is named in degC"
else
	not_ok "the overtemp is named in degC"
	sed 's/^/#   /' "$out.bg"
fi
penctl -d "$P" clear-fault > /dev/null 2>&1

# monitor names faults, latched or counted behind another, their
# clearing, the cartridges that come and go, and the periods a late
# stroke missed: for people and in JSON.
hsaid() { grep -Eq -- "$1" "$out.hmon"; }
penctl -d "$P" monitor > "$out.hmon" 2>&1 &
hmon=$!
penctl -d "$P" --json monitor > "$out.mon" 2>&1 &
mon=$!
wait_for opened $hmon "$P"
wait_for opened $mon "$P"
run_bg run --depth 0.5mm --rate 100Hz --duration 5s
# A stroke held 22 ms at 10 ms periods: the next is 12 ms late.
inject "late 22000"
wait_for hsaid "[12] periods? missed before it\$"
inject "over_depth 300"
wait $bg
inject reset
inject "overcurrent 900"
penctl -d "$P" clear-fault > /dev/null 2>&1
inject cartridge_remove
inject "cartridge_insert 5007 1000000"
wait_for hsaid "cartridge ready, id 5007, 0 of 1000000 strokes used\$"
wait_for grep -q '"cartridge":"ready",.*"cartridge_id":5007,' "$out.mon"
kill -INT $hmon $mon
wait $hmon
rc=$?
wait $mon
rc2=$?
if [ $rc = 0 ] &&
   hsaid "^[0-9.]+ fault over-depth \(\+300 um\) at stroke [1-9][0-9]*, latched\$" &&
   hsaid "^[0-9.]+ fault overcurrent \(900 mA\) at stroke [0-9]+, counted \(another fault is latched\)\$" &&
   hsaid "^[0-9.]+ fault-cleared over-depth \(\+300 um\)\$"; then
	ok "monitor names a latched fault, one counted behind it, and the clearing"
else
	not_ok "monitor names a latched fault, one counted behind it, and the clearing (exit $rc)"
	grep -v " stroke " "$out.hmon" | sed 's/^/#   /'
fi
if hsaid "^[0-9.]+ cartridge none\$" &&
   hsaid "^[0-9.]+ stroke [0-9]+: 0.5 mm, .*, [12] periods? missed before it\$"; then
	ok "monitor names a removed cartridge, and the periods a late stroke missed"
else
	not_ok "monitor names a removed cartridge, and the periods a late stroke missed"
	grep -v " stroke " "$out.hmon" | sed 's/^/#   /'
	grep "missed" "$out.hmon" | sed 's/^/#   /'
fi
if [ $rc2 = 0 ] &&
   grep -q '^{"type":"stroke",.*"missed":[12],' "$out.mon" &&
   grep -q '^{"type":"fault",.*"fault":"overcurrent",.*"fault_value":900,"latched":false}$' "$out.mon" &&
   grep -q '^{"type":"fault-cleared",.*"fault":"over-depth",.*"fault_value":300}$' "$out.mon" &&
   grep -q '^{"type":"cartridge",.*"cartridge":"none",' "$out.mon"; then
	ok "monitor --json has the missed periods, the counted fault, the clearing and the cartridges"
else
	not_ok "monitor --json has the missed periods, the counted fault, the clearing and the cartridges (exit $rc2)"
	grep -v '"type":"stroke"' "$out.mon" | sed 's/^/#   /'
fi
expect 0 "cartridge: +ready, id 5007, 0 of 1000000 strokes used" \
	"status shows the new cartridge, and no fault" -- penctl -d "$P" status

# Events. Two monitors watch a run: one --json with --count, one for
# people with --duration.
penctl -d "$P" --json monitor --count 20 > "$out.mon" 2>&1 &
mon=$!
penctl -d "$P" monitor --duration 3s > "$out.hmon" 2>&1 &
hmon=$!
wait_for opened $mon "$P"
wait_for opened $hmon "$P"
penctl -d "$P" run --depth 0.5mm --rate 100Hz --duration 1s > /dev/null 2>&1
wait $mon
rc=$?
n=$(grep -c '^{"type":"[a-z-]*",.*}$' "$out.mon")
if [ $rc = 0 ] && [ "$n" = 20 ] && [ "$(wc -l < "$out.mon")" = 20 ]; then
	ok "monitor --count 20 --json prints 20 JSON lines while run drives the pen"
else
	not_ok "monitor --count 20 --json prints 20 JSON lines while run drives the pen (exit $rc, $n lines)"
	sed 's/^/#   /' "$out.mon"
fi
expect 0 "strokes: +[1-9][0-9]* \([1-9][0-9]* measured\)" \
	"replay parses every line monitor --json printed" -- penctl replay "$out.mon"
wait $hmon
rc=$?
if [ $rc = 0 ] &&
   grep -q "^$P: monitoring events" "$out.hmon" &&
   grep -q "setpoint 0.5 mm, 100 Hz from stroke [0-9]*$" "$out.hmon" &&
   grep -q "state running at 0.5 mm, 100 Hz$" "$out.hmon" &&
   grep -Eq "stroke [0-9]+: 0.5 mm, reached 0.5 mm \(\+0 um\), late [0-9.]+ us$" "$out.hmon" &&
   grep -q "state stopped (stop reason: request)$" "$out.hmon"; then
	ok "monitor prints setpoints, starts, strokes and stops for people"
else
	not_ok "monitor prints setpoints, starts, strokes and stops for people (exit $rc)"
	head -n 8 "$out.hmon" | sed 's/^/#   /'
	tail -n 4 "$out.hmon" | sed 's/^/#   /'
fi

penctl -d "$P" monitor > "$out.bg" 2>&1 &
bg=$!
wait_for opened $bg "$P"
kill -INT $bg
wait $bg
rc=$?
if [ $rc = 0 ]; then ok "SIGINT ends monitor with exit 0"; else not_ok "SIGINT ends monitor with exit 0 (exit $rc)"; fi
expect 2 "invalid count 'many': not a whole number" "a bad --count is refused, naming it" \
	-- penctl -d "$P" monitor --count many

# A monitor that cannot keep up loses events, and says how many: 5 s at
# 250 Hz is more strokes than its ring of 1024 holds.
penctl -d "$P" monitor --duration 8s > "$out.mon" 2>&1 &
mon=$!
penctl -d "$P" --json monitor --duration 8s > "$out.jmon" 2> "$out.jerr" &
jmon=$!
wait_for opened $mon "$P"
wait_for opened $jmon "$P"
kill -STOP $mon $jmon
penctl -d "$P" run --rate 250Hz --duration 5s > /dev/null 2>&1
kill -CONT $mon $jmon
wait $mon
rc=$?
wait $jmon
rc2=$?
lost=$(sed -n 's/^{"type":"overflow",.*"lost":\([1-9][0-9]*\)}$/\1/p' "$out.jmon")
if [ $rc2 = 0 ] && [ -n "$lost" ] &&
   grep -q "^penctl: $P: monitor fell behind: $lost events lost\$" "$out.jerr"; then
	ok "monitor --json that fell behind has an overflow record, and says so on stderr"
else
	not_ok "monitor --json that fell behind has an overflow record, and says so on stderr (exit $rc2)"
	grep -v '"type":"stroke"' "$out.jmon" | sed 's/^/#   /'
	sed 's/^/#   /' "$out.jerr"
fi
if [ $rc = 0 ] &&
   grep -Eq "^[0-9.]+ \*\*\* OVERFLOW: [1-9][0-9]* events lost here: the reader fell behind \*\*\*$" "$out.mon"; then
	ok "a monitor that fell behind prints an OVERFLOW line counting the lost events"
else
	not_ok "a monitor that fell behind prints an OVERFLOW line counting the lost events (exit $rc)"
	tail -n 3 "$out.mon" | sed 's/^/#   /'
fi

# run --log: the log's strokes are the driver's, one for one.
expect 0 "stopped after .* \(duration reached\)" "run --log writes a session log" \
	-- penctl -d "$P" run --depth 0.5mm --rate 100Hz --duration 1s --log "$log"
strokes=$(grep -c '^{"type":"stroke",' "$log")
counted=$(sed -n 's/^{"type":"summary",.*"run_strokes":\([0-9]*\),.*/\1/p' "$log")
if head -n 1 "$log" | grep -q "^{\"type\":\"session\",.*\"name\":\"${P#/dev/}\"" &&
   tail -n 2 "$log" | head -n 1 | grep -q '^{"type":"state",.*"state":"stopped"' &&
   tail -n 1 "$log" | grep -q '^{"type":"summary","ended_by":"duration",' &&
   [ "$strokes" -gt 0 ] && [ "$strokes" = "$counted" ]; then
	ok "the log has $strokes stroke lines, the summary's run_strokes"
else
	not_ok "the log's stroke lines ($strokes) equal the summary's run_strokes ($counted)"
	head -n 3 "$log" | sed 's/^/#   /'
	tail -n 3 "$log" | sed 's/^/#   /'
fi
expect 0 "matches the driver's counters: yes" "replay finds the log matches the driver's counters" \
	-- penctl replay "$log"
sed '3s/.*/{"type":"stroke","seq":/' "$log" > "$log.bad"
expect 1 "$log.bad: line 3: not JSON" "replay of a corrupt log exits 1 naming the line" \
	-- penctl replay "$log.bad"
expect 1 "/nonexistent/x.log: cannot open log: No such file" \
	"a log that cannot be opened is refused before the start" \
	-- penctl -d "$P" run --depth 1mm --duration 1s --log /nonexistent/x.log
expect 0 '"state":"stopped",.*"depth_um":500,' "the refused log changed nothing" \
	-- penctl -d "$P" --json status
# A log that takes nothing (a full disk): written by a thread of its
# own, its failure is seen before the start or by the first stroke's
# event; either way the needle is stopped, run says why once, exit 1.
penctl -d "$P" run --depth 0.5mm --rate 100Hz --duration 5s --log /dev/full > "$out" 2>&1
rc=$?
if [ $rc = 1 ] && stopped &&
   [ "$(grep -c "cannot write log" "$out")" = 1 ] &&
   grep -q "^penctl: /dev/full: cannot write log: No space left on device\$" "$out"; then
	ok "a log that takes nothing: the needle stopped, run says why once, exit 1"
else
	not_ok "a log that takes nothing: the needle stopped, run says why once, exit 1 (exit $rc)"
	sed 's/^/#   /' "$out"
fi
# A log that stops taking lines while the needle runs (a pipe whose
# reader went after the first line) ends the run: the needle stops, run
# says why and exits 1.
rm -f "$log.fifo"
mkfifo "$log.fifo"
head -n 1 "$log.fifo" > "$log" &
rd=$!
penctl -d "$P" run --depth 0.5mm --rate 100Hz --duration 5s --log "$log.fifo" > "$out" 2>&1
rc=$?
# Had penctl ended before opening the FIFO, head would wait for ever.
kill $rd 2> /dev/null
wait $rd
if [ $rc = 1 ] && stopped &&
   [ "$(grep -c "cannot write log" "$out")" = 1 ] &&
   grep -q "^penctl: $log.fifo: cannot write log: Broken pipe\$" "$out" &&
   grep -q "^$P: stopped after [0-9.]* s (log unwritable)\$" "$out" &&
   grep -q '^{"type":"session",' "$log" &&
   penctl -d "$P" status | grep -q 'stop reason: *request'; then
	ok "a log that stops taking lines stops the needle; run says why, once, exit 1"
else
	not_ok "a log that stops taking lines stops the needle; run says why, once, exit 1 (exit $rc)"
	sed 's/^/#   /' "$out"
fi
# A log that is open but never read (its reader hangs): the needle runs
# its time while the queue holds the lines (log.c, LOG_QUEUE); once it is
# stopped, run waits for the log (LOG_DRAIN_NS, 10 s), then says how many
# lines were lost, exit 1. 750 strokes of some 190 bytes each are more
# than the FIFO's 64 KiB.
rm -f "$log.fifo"
mkfifo "$log.fifo"
exec 8<> "$log.fifo"
penctl -d "$P" run --depth 0.5mm --rate 250Hz --duration 3s --log "$log.fifo" > "$out" 2>&1
rc=$?
exec 8>&-
if [ $rc = 1 ] && stopped &&
   grep -q "^$P: stopped after 3.000 s (duration reached)\$" "$out" &&
   [ "$(grep -c "cannot write log" "$out")" = 1 ] &&
   grep -Eq "^penctl: $log.fifo: cannot write log: [1-9][0-9]* lines? lost: it did not take them as fast as they came\$" "$out"; then
	ok "a log never read: the needle runs its time, then run says how many lines were lost, exit 1"
else
	not_ok "a log never read: the needle runs its time, then run says how many lines were lost, exit 1 (exit $rc)"
	sed 's/^/#   /' "$out"
fi
rm -f "$log.fifo"

run_bg run --log "$log"
sleep 0.3
kill -TERM $bg
wait $bg
rc=$?
if [ $rc = 0 ] && stopped &&
   tail -n 1 "$log" | grep -q '"ended_by":"signal","signal":"SIGTERM"' &&
   log_matches "$log"; then
	ok "SIGTERM ends run --log with a complete log"
else
	not_ok "SIGTERM ends run --log with a complete log (exit $rc)"
	tail -n 3 "$log" | sed 's/^/#   /'
	sed 's/^/#   /' "$out.replay"
fi

run_fault "over_depth 300" "needle stopped: fault over-depth \(\+300 um\)" \
	"an over-depth fault ends run --log, which exits 1" --log "$log"
if log_matches "$log" && grep -q "faults: *1 (over-depth 1)" "$out.replay" &&
   grep -q '^{"type":"fault",.*"fault":"over-depth",.*"fault_value":300,"latched":true}$' "$log"; then
	ok "the log has the fault, and matches the driver's counters"
else
	not_ok "the log has the fault, and matches the driver's counters"
	sed 's/^/#   /' "$out.replay"
fi
inject reset
penctl -d "$P" clear-fault > /dev/null 2>&1

# A monitor of a pen that is unplugged prints what it left, then fails.
echo "$SIM2" > /sys/bus/pen_sim/new_device
P2=$(pen_dev "$SIM2")
penctl -d "$P2" monitor > "$out.mon" 2>&1 &
mon=$!
wait_for opened $mon "$P2"
penctl -d "$P2" run --rate 100Hz > /dev/null 2>&1 &
bg=$!
wait_for grep -q "^[0-9.]* stroke " "$out.mon"
sim_delete $SIM2
wait $mon
rc=$?
wait $bg
if [ $rc = 1 ] && grep -q "state stopped (stop reason: removed)$" "$out.mon" &&
   tail -n 1 "$out.mon" | grep -q "^penctl: $P2: cannot read events: pen is gone (removed)$"; then
	ok "monitor of an unplugged pen prints its last events, then exits 1"
else
	not_ok "monitor of an unplugged pen prints its last events, then exits 1 (exit $rc)"
	tail -n 4 "$out.mon" | sed 's/^/#   /'
fi

run_bg run
sim_delete
bg_ends 1 "removed" "run exits 1 when the pen is unplugged"

# run --buttons: the pen's buttons start, stop and change the speed, as
# the simulated pen reports presses from debugfs. Every check waits for
# the state it expects (status, the drive), never for a time.
# press ID BUTTON: a press and its release; hold/let_go: the footswitch.
press() {
	echo "press $2" > "$DBG/pen_sim$1/inject" &&
		echo "release $2" > "$DBG/pen_sim$1/inject"
}
hold() { echo "press footswitch" > "$DBG/pen_sim$1/inject"; }
let_go() { echo "release footswitch" > "$DBG/pen_sim$1/inject"; }
drive_of() { sed -n "s/^drive //p" "$DBG/pen_sim$1/state"; }
# status_has DEV REGEX: penctl status --json matches.
status_has() { penctl -d "$1" --json status | grep -Eq -- "$2"; }
said() { grep -q -- "$1" "$out.btn"; }
# said_n TEXT N: run --buttons said TEXT N times or more.
said_n() { [ "$(grep -c -- "$1" "$out.btn")" -ge "$2" ]; }
# lost_then_running DEV: run --buttons reported lost presses; DEV runs.
lost_then_running() {
	wait_for said "button presses were lost" &&
		wait_for status_has "$1" '"state":"running"'
}
# said_and_stopped TEXT DEV: run --buttons said TEXT, and DEV is stopped.
said_and_stopped() {
	wait_for said "$1" && status_has "$2" '"state":"stopped"'
}
# check COND DESC: a test that is the exit status of COND (a command).
check() {
	desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/#   /' "$out.btn"
	fi
}
# buttons_start DEV [OPTION...]: run --buttons in the background, $btn,
# and wait until it has the buttons open.
buttons_start() {
	dev=$1
	shift
	# The last session's "buttons ready" must not be taken for this one's.
	rm -f "$out.btn"
	penctl -d "$dev" run --buttons "$@" > "$out.btn" 2>&1 &
	btn=$!
	wait_for said "buttons ready"
}
# gone_within PID: PID exits within 5 s of guest time, its status in $rc.
gone_within() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -ge 100 ]; then
			kill -KILL "$1"
			wait "$1"
			rc=timeout
			return 1
		fi
		sleep 0.05
	done
	wait "$1"
	rc=$?
}

echo "$SIMB" > /sys/bus/pen_sim/new_device
echo "$SIMF footswitch=1" > /sys/bus/pen_sim/new_device
echo "$SIMN buttons=0" > /sys/bus/pen_sim/new_device
B=$(pen_dev $SIMB)
F=$(pen_dev $SIMF)
N=$(pen_dev $SIMN)

expect 1 "^penctl: $N: the pen has no buttons\$" \
	"run --buttons on a pen without buttons exits 1, saying so" \
	-- penctl -d "$N" run --buttons
echo "$SIMO buttons=0 footswitch=1" > /sys/bus/pen_sim/new_device
O=$(pen_dev $SIMO)
expect 0 "^buttons: +none\$" "info of a pen without buttons says so" \
	-- penctl -d "$N" info
expect 0 "^buttons: +footswitch\$" "info of a pen with a footswitch alone names it" \
	-- penctl -d "$O" info
expect 1 "^penctl: $O: the pen has a footswitch but no main button\$" \
	"run --buttons on a pen with a footswitch alone exits 1, saying so" \
	-- penctl -d "$O" run --buttons
if [ "$(drive_of $SIMO)" = off ]; then
	ok "and its needle stayed stopped"
else
	not_ok "and its needle stayed stopped"
fi
sim_delete $SIMO

# run --hold-to-run: the kernel runs the needle only while the pedal is
# held, and letting it go is how the run ends.
expect 1 "cannot start: hold-to-run is on and the footswitch is not held: hold it down, then start" \
	"run --hold-to-run with the pedal up is refused, saying what to do" \
	-- penctl -d "$F" run --hold-to-run --duration 1s
if [ "$(drive_of $SIMF)" = off ] && status_has "$F" '"run_strokes":0,'; then
	ok "the refused start changed nothing"
else
	not_ok "the refused start changed nothing"
fi
expect 1 "cannot hold to run: the pen has no footswitch" \
	"--hold-to-run on a pen without a footswitch is refused" \
	-- penctl -d "$N" run --hold-to-run --duration 1s
hold $SIMF
penctl -d "$F" run --hold-to-run --rate 100Hz --log "$log" > "$out.bg" 2>&1 &
bg=$!
wait_for status_has "$F" '"state":"running"'
let_go $SIMF
gone_within $bg
if [ "$rc" = 0 ] && [ "$(drive_of $SIMF)" = off ] &&
   grep -q "^$F: stopped after [0-9.]* s (footswitch released)\$" "$out.bg" &&
   status_has "$F" '"stop_reason":"pedal"'; then
	ok "letting go of the pedal ends run --hold-to-run, exit 0"
else
	not_ok "letting go of the pedal ends run --hold-to-run, exit 0 (exit $rc)"
	sed 's/^/#   /' "$out.bg"
fi
if grep -q '^{"type":"state",.*"state":"stopped",.*"stop_reason":"pedal"' "$log" &&
   tail -n 1 "$log" | grep -q '"ended_by":"pedal",.*"stop_reason":"pedal"' &&
   log_matches "$log"; then
	ok "its session log has the pedal's stop, and matches the driver's counters"
else
	not_ok "its session log has the pedal's stop, and matches the driver's counters"
	grep -v '"type":"stroke"' "$log" | sed 's/^/#   /'
fi
expect 2 "invalid level '10Hz': the pen runs at 25 Hz to 300 Hz" \
	"a level beyond the pen's range is refused, naming it, exit 2" \
	-- penctl -d "$B" run --buttons --levels 10Hz,50Hz
expect 2 "invalid levels '100Hz,50Hz': 50 Hz is not faster than 100 Hz" \
	"levels must go slowest first, exit 2" \
	-- penctl -d "$B" run --buttons --levels 100Hz,50Hz
expect 2 "invalid rate '100Hz': not one of the levels \(25, 80, 135, 190, 245, 300 Hz\)" \
	"a --rate that is not a level is refused, exit 2" \
	-- penctl -d "$B" run --buttons --rate 100Hz

# The rest reads the buttons: without evdev they have no event device.
if ! ls "/sys/class/pen/${B#/dev/}"/input*/event* > /dev/null 2>&1; then
	expect 1 "cannot open the buttons: no event device \(is the evdev module loaded\?\)" \
		"without evdev, run --buttons exits 1, saying so" \
		-- penctl -d "$B" run --buttons
	for i in $(seq 45); do skip "run --buttons: no evdev in this kernel"; done
	sim_delete $SIMB
	sim_delete $SIMF
	sim_delete $SIMN
	ktap_finish
fi
buttons_start "$B" --depth 0.5mm
penctl -d "$B" --json monitor > "$out.mon" 2>&1 &
mon=$!
wait_for opened $mon "$B"
check "run --buttons waits: the needle stays stopped until a press" \
	status_has "$B" '"state":"stopped",.*"depth_um":500,"rate":"25 Hz"'
press $SIMB main
check "the main button starts the needle at the slowest of six levels (25 Hz)" \
	wait_for status_has "$B" '"state":"running",.*"rate_mhz":25000,'
press $SIMB speed_up
press $SIMB speed_up
check "speed up twice: level 3, 135 Hz, while the needle runs" \
	wait_for status_has "$B" '"state":"running",.*"rate_mhz":135000,'
press $SIMB speed_down
check "speed down: level 2, 80 Hz" \
	wait_for status_has "$B" '"rate_mhz":80000,'
press $SIMB main
check "the main button stops the needle" \
	wait_for status_has "$B" '"state":"stopped","state_code":0,"stop_reason":"request"'
press $SIMB speed_down
press $SIMB speed_down
check "speed down at the slowest level says so and changes nothing" \
	wait_for said "speed down: already at the slowest level, level 1/6 (25 Hz)"
check "the pen is at 25 Hz after that" status_has "$B" '"rate_mhz":25000,'
press $SIMB main
check "the main button starts it again" \
	wait_for status_has "$B" '"state":"running"'
kill -INT $btn
wait $btn
rc=$?
if [ $rc = 0 ] && [ "$(drive_of $SIMB)" = off ] &&
   grep -q "^$B: buttons ready at 0.5 mm, level 1/6 (25 Hz)" "$out.btn" &&
   grep -q "^$B: main button: started at 0.5 mm, level 1/6 (25 Hz)\$" "$out.btn" &&
   grep -q "^$B: speed up: level 3/6 (135 Hz)\$" "$out.btn" &&
   grep -q "^$B: speed down: level 2/6 (80 Hz)\$" "$out.btn" &&
   grep -q "^$B: main button: stopped\$" "$out.btn" &&
   grep -q "^$B: ended (SIGINT): the needle is stopped; 2 runs, [1-9][0-9]* strokes\$" "$out.btn"; then
	ok "SIGINT ends run --buttons with the needle stopped, exit 0; a line per press"
else
	not_ok "SIGINT ends run --buttons with the needle stopped, exit 0; a line per press (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi
kill -INT $mon
wait $mon
if grep -q '^{"type":"setpoint",.*"rate_mhz":135000,"mask":2}$' "$out.mon" &&
   [ "$(grep -c '^{"type":"state",.*"state":"running"' "$out.mon")" = 2 ]; then
	ok "monitor --json saw both starts and the setpoint of level 3"
else
	not_ok "monitor --json saw both starts and the setpoint of level 3"
	grep -v '"type":"stroke"' "$out.mon" | sed 's/^/#   /'
fi

# A fault stops the needle; the session goes on, and says how to clear it.
buttons_start "$B" --levels 50Hz,100Hz --rate 100Hz --log "$log"
press $SIMB main
wait_for status_has "$B" '"state":"running",.*"rate_mhz":100000,'
echo "over_depth 300" > "$DBG/pen_sim$SIMB/inject"
check "a fault stops the needle and is named; run --buttons goes on" \
	wait_for said "needle stopped: fault over-depth (+300 um) latched; to clear it, end this run (Ctrl-C), then 'penctl -d $B clear-fault'"
echo reset > "$DBG/pen_sim$SIMB/inject"
press $SIMB main
check "a press while the fault is latched cannot start it, and says so" \
	wait_for said "main button: cannot start: fault over-depth (+300 um) latched"
kill -TERM $btn
wait $btn
rc=$?
if [ $rc = 0 ] && [ "$(drive_of $SIMB)" = off ] && log_matches "$log" &&
   tail -n 1 "$log" | grep -q '"ended_by":"signal","signal":"SIGTERM"'; then
	ok "SIGTERM ends it, exit 0; its --log matches the driver's counters"
else
	not_ok "SIGTERM ends it, exit 0; its --log matches the driver's counters (exit $rc)"
	sed 's/^/#   /' "$out.btn" "$out.replay"
fi
penctl -d "$B" clear-fault > /dev/null 2>&1

# A fault latched while the needle is stopped is named, with how to
# clear it; while it is latched, no session begins.
buttons_start "$B"
echo "overcurrent 1200" > "$DBG/pen_sim$SIMB/inject"
check "a fault latched while stopped is named, with how to clear it" \
	wait_for said "^penctl: $B: fault overcurrent (1200 mA) latched; the needle cannot start until it is cleared: end this run (Ctrl-C), then 'penctl -d $B clear-fault'\$"
kill -INT $btn
wait $btn
expect 1 "^penctl: $B: cannot start: fault overcurrent \(1200 mA\) latched; clear it with 'penctl -d $B clear-fault'\$" \
	"run --buttons with a fault latched is refused, naming how to clear it" \
	-- penctl -d "$B" run --buttons
penctl -d "$B" clear-fault > /dev/null 2>&1

# A start refused for another reason is named, and the session goes on,
# here until its --duration is over.
buttons_start "$B" --duration 3s
echo cartridge_remove > "$DBG/pen_sim$SIMB/inject"
press $SIMB main
check "a press without a cartridge cannot start, and says why" \
	wait_for said "^penctl: $B: main button: cannot start: no cartridge inserted\$"
check "the needle stayed stopped" status_has "$B" '"state":"stopped"'
echo "cartridge_insert 5010 1000000" > "$DBG/pen_sim$SIMB/inject"
gone_within $btn
if [ "$rc" = 0 ] && [ "$(drive_of $SIMB)" = off ] &&
   grep -q "^$B: ended (duration reached): the needle is stopped; 0 runs, 0 strokes\$" "$out.btn"; then
	ok "--duration ends run --buttons, exit 0"
else
	not_ok "--duration ends run --buttons, exit 0 (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi

# The buttons' /dev/input node gone.
ev=/dev/input/$(basename "$(ls -d "/sys/class/pen/${B#/dev/}"/input*/event*)")
mv "$ev" "$ev.away"
expect 1 "^penctl: $B: cannot open the buttons: no /dev/input node for them\$" \
	"without the buttons' /dev/input node, run --buttons exits 1, saying so" \
	-- penctl -d "$B" run --buttons
mv "$ev.away" "$ev"
check "it did not start the needle" status_has "$B" '"state":"stopped"'
# A log that takes nothing ends the session by the first press's
# events at the latest (the failure is seen as a line is logged): the
# needle stopped, said once, exit 1.
buttons_start "$B" --log /dev/full
press $SIMB main
gone_within $btn
if [ "$rc" = 1 ] && [ "$(drive_of $SIMB)" = off ] &&
   [ "$(grep -c "cannot write log" "$out.btn")" = 1 ] &&
   grep -q "^penctl: /dev/full: cannot write log: No space left on device\$" "$out.btn"; then
	ok "run --buttons with a log that takes nothing ends by the first press, said once, exit 1"
else
	not_ok "run --buttons with a log that takes nothing ends by the first press, said once, exit 1 (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi

# The pen's events pile up while penctl is stopped, past the ring of
# 1024 the kernel keeps for it (1040 new cartridges put in, an event
# each): the next press still starts the needle, from the state read
# back.
buttons_start "$B"
kill -STOP $btn
i=6000
while [ $i -lt 7040 ]; do
	echo "cartridge_insert $i 1000000" > "$DBG/pen_sim$SIMB/inject"
	i=$((i + 1))
done
kill -CONT $btn
press $SIMB main
check "after its pen events overflowed, a press still starts the needle" \
	wait_for status_has "$B" '"state":"running"'
press $SIMB main
check "and the next stops it" \
	wait_for status_has "$B" '"state":"stopped",.*"stop_reason":"request"'
kill -INT $btn
wait $btn
rc=$?
if [ $rc = 0 ] && [ "$(drive_of $SIMB)" = off ] &&
   grep -q "^$B: ended (SIGINT): the needle is stopped; 1 run, [1-9][0-9]* strokes\$" "$out.btn"; then
	ok "that session ends on SIGINT, exit 0, one run"
else
	not_ok "that session ends on SIGINT, exit 0, one run (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi

# A stop lost with the pen's events while penctl was stopped (its ring
# of 1024 full of strokes, some 10 s at 100 Hz: slower, a stall of the
# host's is less likely to be a timing fault without -icount) is found
# from the status read back, and said; the session goes on.
events_lost() { cat "/sys/class/pen/${B#/dev/}/stats/events_lost"; }
lost_more() { [ "$(events_lost)" -gt "$1" ]; }
buttons_start "$B" --levels 50Hz,100Hz --rate 100Hz --watchdog 30s
press $SIMB main
wait_for status_has "$B" '"state":"running",.*"rate_mhz":100000,'
lost0=$(events_lost)
kill -STOP $btn
for i in 1 2 3 4; do wait_for lost_more "$lost0" && break; done
penctl -d "$B" stop > /dev/null
kill -CONT $btn
check "a stop lost with the events is found from the status, and said" \
	wait_for said "^penctl: $B: needle stopped: request\$"
press $SIMB main
check "the next press starts the needle again" \
	wait_for status_has "$B" '"state":"running"'
kill -INT $btn
wait $btn
rc=$?
if [ $rc = 0 ] && [ "$(drive_of $SIMB)" = off ] &&
   grep -q "^$B: ended (SIGINT): the needle is stopped; 2 runs, [1-9][0-9]* strokes\$" "$out.btn"; then
	ok "that session ends on SIGINT, exit 0, two runs"
else
	not_ok "that session ends on SIGINT, exit 0, two runs (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi
# Should a stall have made a timing fault, the tests after start clean.
penctl -d "$B" clear-fault > /dev/null 2>&1

# With a footswitch: the main button arms, the pedal runs the needle.
buttons_start "$F" --depth 0.25mm
press $SIMF main
check "with a footswitch, the main button only arms: the needle stays stopped" \
	said_and_stopped "main button: armed; the footswitch runs the needle" "$F"
hold $SIMF
check "pressing the pedal while armed starts the needle" \
	wait_for status_has "$F" '"state":"running"'
let_go $SIMF
check "letting go of the pedal stops it, in the kernel (hold-to-run)" \
	wait_for status_has "$F" '"state":"stopped",.*"stop_reason":"pedal"'
press $SIMF main
wait_for said "main button: disarmed"
hold $SIMF
check "disarmed, the pedal does nothing" \
	said_and_stopped "footswitch pressed: not armed" "$F"
press $SIMF main
check "arming with the pedal held starts the needle" \
	wait_for status_has "$F" '"state":"running"'
let_go $SIMF
wait_for status_has "$F" '"state":"stopped"'
# Disarmed while the pedal runs the needle: the main button stops it,
# and letting go of the pedal then is only said.
hold $SIMF
check "still armed, the pedal starts the needle again" \
	wait_for status_has "$F" '"state":"running"'
press $SIMF main
check "the main button disarms, and stops the needle under the held pedal" \
	wait_for status_has "$F" '"state":"stopped",.*"stop_reason":"request"'
let_go $SIMF
check "letting go of the pedal, disarmed, is only said" \
	wait_for said "^$F: footswitch released\$"
press $SIMF main
wait_for said_n "main button: armed; the footswitch runs the needle" 2
# The pedal pressed and let go while penctl is stopped: acting on the
# press, it finds the pedal up, and says so; the needle stays stopped.
kill -STOP $btn
hold $SIMF
let_go $SIMF
kill -CONT $btn
check "a pedal let go before its press is acted on: said, not started" \
	wait_for said "^$F: footswitch pressed: the footswitch came up before the needle started\$"
check "the needle stayed stopped" \
	status_has "$F" '"state":"stopped",.*"stop_reason":"request"'
# Presses pile up while penctl is stopped, past what the kernel buffers
# for it (64 input events): they are lost, and it says so; the pedal
# held meanwhile is read back from the kernel's state, and counts.
kill -STOP $btn
i=0
while [ $i -lt 40 ]; do
	press $SIMF speed_up
	i=$((i + 1))
done
hold $SIMF
kill -CONT $btn
check "lost presses are reported; the pedal held meanwhile still starts the needle" \
	lost_then_running "$F"
let_go $SIMF
wait_for status_has "$F" '"state":"stopped"'
kill -INT $btn
wait $btn
rc=$?
if [ $rc = 0 ] && [ "$(drive_of $SIMF)" = off ] &&
   grep -q "^$F: buttons ready at 0.25 mm, level 1/6 (25 Hz): main button arms, footswitch runs" "$out.btn" &&
   grep -q "^$F: footswitch pressed: started at 0.25 mm, level 1/6 (25 Hz)\$" "$out.btn" &&
   grep -q "^$F: footswitch released: stopped\$" "$out.btn" &&
   grep -q "^$F: main button: armed, footswitch held: started at" "$out.btn"; then
	ok "the footswitch session ends on SIGINT, exit 0, each press a line"
else
	not_ok "the footswitch session ends on SIGINT, exit 0, each press a line (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi

# Nothing penctl writes can hold it up while the needle runs. Its stdout
# is a pipe nobody reads, full before it starts: the pedal still starts
# and stops the needle, a STOP from another process still stops it, and
# penctl still kicks the watchdog; at the end it says what it could not
# write, and exits 1.
fifo=/tmp/penctl.fifo
rm -f "$fifo"
mkfifo "$fifo"
exec 7<> "$fifo"
head -c 65536 /dev/zero >&7
penctl -d "$F" run --buttons > "$fifo" 2> "$out.btn" &
btn=$!
ev=/dev/input/$(basename "$(ls -d "/sys/class/pen/${F#/dev/}"/input*/event*)")
wait_for opened $btn "$ev"
press $SIMF main
hold $SIMF
check "with its stdout blocked, the armed pedal starts the needle" \
	wait_for status_has "$F" '"state":"running"'
let_go $SIMF
check "and letting go stops it, before the release's report returns" \
	status_has "$F" '"state":"stopped",.*"stop_reason":"pedal"'
hold $SIMF
wait_for status_has "$F" '"state":"running"'
penctl -d "$F" stop > /dev/null 2>&1
check "a STOP from another process stops it at once" \
	status_has "$F" '"state":"stopped",.*"stop_reason":"request",.*"fault":"none"'
kill -INT $btn
wait_for said "lines\? of output dropped"
cat <&7 > /dev/null &
drain=$!
gone_within $btn
kill $drain 2> /dev/null
exec 7>&-
if [ "$rc" = 1 ] && [ "$(drive_of $SIMF)" = off ] &&
   grep -Eq "^penctl: [1-9][0-9]* lines? of output dropped: standard output did not take (it|them) while the needle ran\$" "$out.btn"; then
	ok "at the end it says how many lines it dropped, exit 1"
else
	not_ok "at the end it says how many lines it dropped, exit 1 (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi
let_go $SIMF

# Unplugged under it: penctl ends, exit 1, and the needle is stopped.
buttons_start "$B"
press $SIMB main
wait_for status_has "$B" '"state":"running"'
penctl -d "$B" --json monitor > "$out.mon" 2>&1 &
mon=$!
wait_for opened $mon "$B"
sim_delete $SIMB
gone_within $btn
if [ "$rc" = 1 ] &&
   grep -q "^penctl: $B: pen is gone (removed); its needle is stopped\$" "$out.btn"; then
	ok "unplugging the pen ends run --buttons at once, exit 1, saying so"
else
	not_ok "unplugging the pen ends run --buttons at once, exit 1, saying so (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi
wait $mon
if grep -q '^{"type":"state",.*"state":"stopped",.*"stop_reason":"removed"' "$out.mon"; then
	ok "the unplugged pen's needle stopped (stop reason removed)"
else
	not_ok "the unplugged pen's needle stopped (stop reason removed)"
	grep -v '"type":"stroke"' "$out.mon" | sed 's/^/#   /'
fi
# And while it only waits for a press, with a log: the pen's status
# cannot be read at the end, so the log's summary says why, its counters
# null rather than made up.
rm -f "$log"
buttons_start "$F" --log "$log"
sim_delete $SIMF
gone_within $btn
if [ "$rc" = 1 ] && grep -q "pen is gone (removed)" "$out.btn"; then
	ok "unplugging an idle pen ends run --buttons at once, exit 1"
else
	not_ok "unplugging an idle pen ends run --buttons at once, exit 1 (exit $rc)"
	sed 's/^/#   /' "$out.btn"
fi
if tail -n 1 "$log" | grep -q '^{"type":"summary",.*"ended_by":"pen",.*"error":"pen is gone (removed)","state":null,.*"run_strokes":null,'; then
	ok "its log ends with a summary saying the pen is gone, counters null"
else
	not_ok "its log ends with a summary saying the pen is gone, counters null"
	tail -n 1 "$log" | sed 's/^/#   /'
fi
sim_delete $SIMN

ktap_finish
