#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pentrace's paths that need no pen and no BPF, run on the build host:
# options, usage errors, and the check of the tracepoint's format against
# made-up tracefs trees (PENTRACE_TRACEFS). Built under ASan and UBSan by
# "make pentrace-asan" (scripts/lint), where any sanitizer report fails.
#
#   tools/pentrace/host-test.sh PENTRACE
#
# Prints one line per test and "pentrace host tests: N passed, N failed";
# exits nonzero if any failed. The selftest (selftests/pentrace_test.sh)
# covers the rest in a VM.
bin=${1:?usage: host-test.sh PENTRACE}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# expect RC STDERR_REGEX DESC -- ARGS...: pentrace ARGS exits RC, says
# nothing but one line matching STDERR_REGEX on stderr (or nothing, for
# an empty regex), and no sanitizer complains.
expect() {
	rc=$1 pattern=$2 desc=$3
	shift 4
	"$bin" "$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	lines=$(wc -l < "$tmp/err")
	if grep -q 'Sanitizer\|runtime error' "$tmp/err"; then
		why="sanitizer report"
	elif [ "$got" != "$rc" ]; then
		why="exit $got, wanted $rc"
	elif [ -z "$pattern" ] && [ "$lines" != 0 ]; then
		why="unexpected message"
	elif [ -n "$pattern" ] && { [ "$lines" != 1 ] ||
		! grep -Eq -- "$pattern" "$tmp/err"; }; then
		why="wanted one line matching: $pattern"
	else
		pass=$((pass + 1))
		echo "ok - $desc"
		return
	fi
	fail=$((fail + 1))
	echo "not ok - $desc ($why)"
	sed 's/^/#   /' "$tmp/err"
}

# fake_tracefs DIR [SED_EXPR]: a tracefs with pen:pen_stroke's format as
# the driver defines it, edited by SED_EXPR.
fake_tracefs() {
	mkdir -p "$1/events/pen/pen_stroke"
	sed -e "${2:-}" > "$1/events/pen/pen_stroke/format" <<-'EOF'
	name: pen_stroke
	ID: 1340
	format:
		field:unsigned short common_type;	offset:0;	size:2;	signed:0;
		field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
		field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
		field:int common_pid;	offset:4;	size:4;	signed:1;

		field:u64 seq;	offset:8;	size:8;	signed:0;
		field:u64 issued_ns;	offset:16;	size:8;	signed:0;
		field:u64 lateness_ns;	offset:24;	size:8;	signed:0;
		field:u64 reached_ns;	offset:32;	size:8;	signed:0;
		field:u32 pen;	offset:40;	size:4;	signed:0;
		field:u32 cmd_um;	offset:44;	size:4;	signed:0;
		field:u32 reached_um;	offset:48;	size:4;	signed:0;
		field:u32 measured;	offset:52;	size:4;	signed:0;
		field:u32 missed;	offset:56;	size:4;	signed:0;
		field:u32 rate_mhz;	offset:60;	size:4;	signed:0;

	print fmt: "pen%u seq=%llu", REC->pen, REC->seq
	EOF
}

expect 0 "" "--help prints the usage, exit 0" -- --help
grep -q '^Usage: pentrace ' "$tmp/out" ||
	{ fail=$((fail + 1)); echo "not ok - --help names the usage"; }
expect 0 "" "-V prints the version, exit 0" -- -V
grep -q '^pentrace [0-9]' "$tmp/out" ||
	{ fail=$((fail + 1)); echo "not ok - -V names the version"; }

expect 2 "^pentrace: invalid interval 'x': not a number$" \
	"a malformed interval" -- -i x
expect 2 "^pentrace: invalid interval '1\.': malformed number$" \
	"an interval with a dangling point" -- --interval 1.
expect 2 "^pentrace: invalid duration '-3': negative values are not allowed$" \
	"a negative duration" -- -d -3
expect 2 "^pentrace: invalid duration '0\.0': must be greater than zero$" \
	"a zero duration" -- -d 0.0
expect 2 "^pentrace: invalid duration '0\.0000000001': finer than 1 ns$" \
	"a duration finer than 1 ns" -- -d 0.0000000001
expect 2 "^pentrace: invalid duration '99999999999': too large" \
	"a duration beyond a year" -- -d 99999999999
expect 2 "^pentrace: invalid duration '2x': unknown unit 'x' \(use ms, s, m or h\)$" \
	"a duration in an unknown unit" -- -d 2x
expect 2 "^pentrace: invalid duration '3 ': missing unit" \
	"a duration with a blank and no unit" -- -d "3 "
expect 2 "^pentrace: invalid pen 'x1': not a pen \(N, penN or /dev/penN\)$" \
	"a malformed pen" -- -p x1
expect 2 "^pentrace: invalid pen 'pen': not a pen" "a pen without its number" -- -p pen
expect 2 "^pentrace: invalid pen '4294967296': number too large$" \
	"a pen number beyond 32 bits" -- -p 4294967296
expect 2 "^pentrace: invalid option '--frob'$" "an unknown long option" -- --frob
expect 2 "^pentrace: invalid option '-x'$" "an unknown short option" -- -x
expect 2 "^pentrace: option '-i' needs a value$" "a missing value" -- -i
expect 2 "^pentrace: option '--pen' given twice$" "an option twice" -- -p 1 --pen 2
expect 2 "^pentrace: unexpected argument 'now'$" "an operand" -- now

export PENTRACE_TRACEFS="$tmp/none"
expect 1 "^pentrace: PENTRACE_TRACEFS=.*/none: no tracefs there" \
	"no tracefs where PENTRACE_TRACEFS says" -- -d 1

# Every pen tool's grammar (libpen's): what gets past the options to the
# tracefs check was accepted.
for args in "-d 500ms" "-d 1.5s" "-d 2m" "-i 250ms -d 1h" "-d 3" \
	"-p 3" "-p pen3" "-p /dev/pen3" "--pen=pen0 --duration=500ms"; do
	# shellcheck disable=SC2086 # split on purpose: the words are options
	expect 1 "no tracefs there" "pentrace $args is accepted" -- $args
done

export PENTRACE_TRACEFS="$tmp/nopen"
mkdir -p "$PENTRACE_TRACEFS/events/sched"
expect 1 "^pentrace: the pen module (is not loaded \(no .*/nopen/events/pen\)|is loaded but has no tracepoints)" \
	"no events/pen: the module is not loaded" -- -d 1

export PENTRACE_TRACEFS="$tmp/old"
mkdir -p "$PENTRACE_TRACEFS/events/pen/pen_fault"
expect 1 "^pentrace: the pen module has no pen:pen_stroke tracepoint" \
	"events/pen without pen_stroke: an older driver" -- -d 1

# format_refused NAME SED_EXPR PATTERN DESC: pentrace -d 1 on a tracefs
# (in $tmp/NAME) whose pen_stroke format SED_EXPR edits exits 1 with
# one line matching PATTERN.
format_refused() {
	export PENTRACE_TRACEFS="$tmp/$1"
	fake_tracefs "$PENTRACE_TRACEFS" "$2"
	expect 1 "$3" "$4" -- -d 1
}
format_refused moved 's/cmd_um;\toffset:44/cmd_um;\toffset:48/' \
	"^pentrace: pen:pen_stroke's field 'cmd_um' is at offset 48, size 4, unsigned; pentrace was built for offset 44, size 4, unsigned" \
	"a field at another offset is refused"
format_refused resized 's/u32 missed;\toffset:56;\tsize:4/u64 missed;\toffset:56;\tsize:8/' \
	"^pentrace: pen:pen_stroke's field 'missed' is at offset 56, size 8" \
	"a field of another size is refused"
format_refused signed 's/reached_um;\(.*\)signed:0/reached_um;\1signed:1/' \
	"^pentrace: pen:pen_stroke's field 'reached_um' .*, signed; pentrace was built for .*, unsigned" \
	"a field of other signedness is refused"
format_refused missing '/rate_mhz/d' \
	"^pentrace: pen:pen_stroke has no field 'rate_mhz'" \
	"a missing field is refused"

# The right format passes the check; what follows depends on the host
# (no BPF for us, or no such tracepoint in its real tracefs), but it must
# not be about the format.
export PENTRACE_TRACEFS="$tmp/good"
fake_tracefs "$PENTRACE_TRACEFS"
"$bin" -d 0.1 > "$tmp/out" 2> "$tmp/err"
got=$?
if grep -q 'Sanitizer\|runtime error' "$tmp/err"; then
	fail=$((fail + 1)); echo "not ok - the driver's format passes the check (sanitizer report)"
	sed 's/^/#   /' "$tmp/err"
elif grep -q "field\|format" "$tmp/err" || [ "$got" -gt 1 ]; then
	fail=$((fail + 1)); echo "not ok - the driver's format passes the check (exit $got)"
	sed 's/^/#   /' "$tmp/err"
else
	pass=$((pass + 1)); echo "ok - the driver's format passes the check"
	sed 's/^/#   then: /' "$tmp/err"
fi

echo "pentrace host tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
