#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The host tests, as "make host-tests" runs them; no kernel, no VM:
#
#   1. test-units with penctl: libpen's parsing and formatting, error
#      paths, ABI and exports, and penctl's usage errors and replay;
#      test-outq, penctl's output queue; and test-penctl, penctl's parts
#      that need no pen. Each of their checks is a test.
#   2. The same under valgrind's memcheck, penctl included (every penctl
#      that test-units starts runs under valgrind too). One test: it
#      passes if every check passes and valgrind finds no invalid access,
#      no use of uninitialised memory and no leak (definite, indirect or
#      possible) in any process. The logs are in BUILD/valgrind/.
#   3. The libFuzzer targets, FUZZ_RUNS inputs each (fuzz/run.sh --runs).
#      One test each; a crash leaves its input in BUILD/fuzz/artifacts/.
#   4. penctl's bash completion (tools/penctl/tests/completion.sh) and
#      its message when a pen's node is not the user's to open
#      (tools/penctl/tests/open-perm.sh; skipped unless root).
#   5. The selftests as a kselftest collection: "make ksft-install" gives
#      the kernel's layout (selftests/ksft-install-test.sh), each check a
#      test.
#   6. The Python binding's tests that need no pen
#      (bindings/python/tests/host-tests.sh; not run without pytest).
#
# Each part's totals are printed with its name before them; the last
# line alone reads "N passed, N failed": the sum, which scripts/check
# takes. Exits nonzero if anything failed.
#
#   libpen/tests/host-tests.sh BUILD FUZZ_RUNS FUZZ_TARGET...
set -uo pipefail
export LC_ALL=C

if [ $# -lt 2 ]; then
	echo "usage: libpen/tests/host-tests.sh BUILD FUZZ_RUNS FUZZ_TARGET..." >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$1 fuzz_runs=$2
shift 2
export LD_LIBRARY_PATH=$build${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
pass=0 fail=0

# add NAME "N passed, N failed": add to the totals, or count one failure
# if a part ended without its totals line (it crashed, or never ran).
add() {
	local p f
	p=$(echo "$2" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$2" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then
		echo "not ok - $1 printed no totals"
		fail=$((fail + 1))
		return
	fi
	pass=$((pass + p)) fail=$((fail + f))
}

# ---- 1. test-units --------------------------------------------------------

# unit NAME ARG...: run build/NAME, print its checks with its name on
# its totals line, and add them.
unit() {
	local name=$1 out=$build/$1.out
	shift
	"$build/$name" "$@" >"$out" 2>&1
	sed "\$s/^\([0-9]* passed, [0-9]* failed\)\$/$name: \1/" "$out"
	add "$name" "$(tail -n 1 "$out")"
}

unit test-units "$build/penctl"
unit test-outq
unit test-penctl

# ---- 2. test-units and penctl under valgrind --------------------------------

# valgrind's own errors exit 99: penctl's statuses are 0, 1 and 2, so a
# penctl with an error can never pass for one that exited as expected.
valgrind_run() {
	local dir=$build/valgrind logs errors lost n t0 secs rc
	if ! command -v valgrind >/dev/null; then
		echo "not ok - valgrind: not installed (scripts/install-deps)"
		fail=$((fail + 1))
		return
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	t0=$EPOCHREALTIME
	valgrind --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		--trace-children=yes --log-file="$dir/%p.log" \
		"$build/test-units" "$build/penctl" >"$dir/test-units.out" 2>&1
	rc=$?
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')

	logs=("$dir"/*.log)
	n=${#logs[@]}
	errors=$(cat "${logs[@]}" | sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	# Bytes definitely, indirectly and possibly lost, all processes.
	lost=$(cat "${logs[@]}" |
		sed -n 's/.*\(definitely\|indirectly\|possibly\) lost: \([0-9,]*\) bytes.*/\2/p' |
		tr -d , | awk '{ s += $1 } END { print s + 0 }')
	totals=$(tail -n 1 "$dir/test-units.out")

	if [ "$rc" = 0 ] && [ "$errors" = 0 ] && [ "$lost" = 0 ] &&
	   echo "$totals" | grep -qE '^[0-9]+ passed, 0 failed$'; then
		echo "ok - valgrind: test-units ($totals) in $n processes (test-units and the penctl it runs): 0 errors, 0 bytes leaked (${secs} s)"
		pass=$((pass + 1))
		return
	fi
	echo "not ok - valgrind: exit $rc, $errors errors, $lost bytes leaked in $n processes; test-units: $totals (logs in $dir)"
	fail=$((fail + 1))
	grep -E '^not ok ' "$dir/test-units.out" | head -n 20 | sed 's/^/# /'
	# The reports of the processes with errors, first 100 lines.
	grep -L 'ERROR SUMMARY: 0 errors' "${logs[@]}" | head -n 5 |
		xargs -r cat | head -n 100 | sed 's/^/# /'
}
valgrind_run

# ---- 3. libFuzzer targets ----------------------------------------------------

out=$build/fuzz-smoke.out
mkdir -p "$build"
"$top/fuzz/run.sh" --build "$build" --runs "$fuzz_runs" "$@" 2>&1 | tee "$out"
add fuzz "$(sed -n 's/^fuzz: //p' "$out" | tail -n 1)"

# ---- 4. penctl's completion and permission message --------------------------

for t in completion open-perm; do
	out=$build/penctl-$t.out
	"$top/tools/penctl/tests/$t.sh" "$build" >"$out" 2>&1
	totals=$(tail -n 1 "$out")
	sed "\$s/^\([0-9]* passed, [0-9]* failed\)\$/$t: \1/" "$out"
	add "$t" "$totals"
done

# ---- 5. the installed kselftest collection ----------------------------------

out=$build/ksft-install-test.out
"$top/selftests/ksft-install-test.sh" "$build" >"$out" 2>&1
totals=$(tail -n 1 "$out")
sed '$s/^\([0-9]* passed, [0-9]* failed\)$/ksft-install: \1/' "$out"
add ksft-install "$totals"

# ---- 6. the Python binding ---------------------------------------------------

out=$build/python-host-tests.out
"$top/bindings/python/tests/host-tests.sh" "$build" >"$out" 2>&1
totals=$(tail -n 1 "$out")
sed '$s/^\([0-9]* passed, [0-9]* failed\)$/python: \1/' "$out"
add python "$totals"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
