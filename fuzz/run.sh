#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run libFuzzer targets built by fuzz/fuzz.mk, each for a bounded number
# of inputs or seconds, from its seed corpus fuzz/corpus/NAME/ (and its
# dictionary fuzz/NAME.dict). One line per target, "ok - ..." with its
# figures or "not ok - ..." with the crash report; the last line is
# "fuzz: N passed, N failed". Exits nonzero if a target failed.
#
#   fuzz/run.sh --build DIR --runs N NAME...   e.g. the host tests' short
#       run: N inputs each, seed 1, from the seeds alone (a fresh corpus
#       in DIR/fuzz/smoke/NAME), so that a run is repeatable
#   fuzz/run.sh --build DIR --time S NAME...   "make fuzz": S seconds
#       each, a random seed, and the corpus grows in DIR/fuzz/corpus/NAME
#       from one run to the next
#
# A crash, leak, sanitizer report, broken property (the targets abort)
# or an input running over 10 s fails its target; the input that did it
# is kept as DIR/fuzz/artifacts/NAME-crash-SHA1 (or leak-, timeout-,
# oom-). To reproduce: DIR/fuzz/fuzz_NAME FILE. Each target's whole log
# is DIR/fuzz/NAME.log.
set -uo pipefail
export LC_ALL=C

src=$(cd "$(dirname "$0")" && pwd)
build='' runs='' secs=''
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--time) secs=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "fuzz/run.sh: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ -z "$build" ] || [ -z "$runs$secs" ] || [ $# = 0 ] ||
   { [ -n "$runs" ] && [ -n "$secs" ]; }; then
	echo "usage: fuzz/run.sh --build DIR {--runs N | --time S} NAME..." >&2
	exit 2
fi

dir=$build/fuzz
mkdir -p "$dir/artifacts"
pass=0 fail=0

for name in "$@"; do
	bin=$dir/fuzz_$name log=$dir/$name.log
	args=(-artifact_prefix="$dir/artifacts/$name-" -timeout=10
	      -print_final_stats=1)
	[ -r "$src/$name.dict" ] && args+=(-dict="$src/$name.dict")
	if [ -n "$runs" ]; then
		corpus=$dir/smoke/$name
		rm -rf "$corpus"
		args+=(-runs="$runs" -seed=1)
	else
		corpus=$dir/corpus/$name
		args+=(-max_total_time="$secs")
	fi
	mkdir -p "$corpus"

	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz_$name: $bin not built (make fuzz-build)"
		fail=$((fail + 1))
		continue
	fi
	# New inputs go into the first directory; the seeds are only read.
	t0=$EPOCHREALTIME
	"$bin" "${args[@]}" "$corpus" "$src/corpus/$name" >"$log" 2>&1
	rc=$?
	secs_taken=$(awk -v a="$t0" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "%.1f", b - a }')

	if [ $rc = 0 ] && grep -q '^Done [0-9]* runs' "$log"; then
		# "#200000  DONE   cov: 245 ft: 1051 corp: 204/4521b ..."
		done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
		n=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
		cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
		corp=$(echo "$done_line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
		echo "ok - fuzz_$name: $n runs in ${secs_taken} s, coverage $cov edges, $ft features, corpus $corp inputs"
		pass=$((pass + 1))
		continue
	fi

	fail=$((fail + 1))
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	echo "not ok - fuzz_$name: exit $rc${artifact:+, reproducer $artifact} (log $log)"
	# The report is at the end of the log; the progress lines are not.
	grep -vE '^#[0-9]+[[:space:]]|^INFO: |NEW_FUNC' "$log" |
		tail -n 60 | sed 's/^/# /'
done

echo "fuzz: $pass passed, $fail failed"
[ $fail = 0 ]
