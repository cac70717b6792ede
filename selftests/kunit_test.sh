#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit tests of the pen core: load pen_kunit.ko, which runs its
# suites, and report every KUnit case as one test named suite.case, with
# the case's KUnit log under a failure. The whole script is one skip
# (exit 4, KSFT_SKIP) on a kernel without KUnit (Debian's: no KUnit
# debugfs) or without pen_kunit.ko, a test-only module: the project VM
# has it in /lib/pen where the kernel has KUnit; an installed system
# never has it (DKMS and the packages leave it out).
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ktap.sh
. "$dir/ktap.sh"

KO=/lib/pen/pen_kunit.ko
DBG=/sys/kernel/debug/kunit
out=/tmp/kunit.results

if [ -e "$KO" ]; then
	load="insmod $KO"
elif modinfo pen_kunit > /dev/null 2>&1; then
	load="modprobe pen_kunit"
else
	ksft_skip_all "no pen_kunit module (a test-only module, never installed)"
fi
[ -d "$DBG" ] || ksft_skip_all "no $DBG (a kernel without KUnit)"

# Turn a suite's KTAP results into lines "ok NAME", "not_ok NAME" or
# "skip NAME", each failure followed by its case's log as "#" lines.
# Cases are the results indented once (4 spaces); deeper ones are the
# parameters of a parameterised case, counted with their case.
parse() {
	awk -v suite="$1" '
	/^    (not )?ok [0-9]+ / {
		line = substr($0, 5)
		res = "ok"
		if (line ~ /^not /) { res = "not_ok"; line = substr(line, 5) }
		sub(/^ok [0-9]+ (- )?/, "", line)
		name = line
		i = index(line, " # ")
		if (i) {
			name = substr(line, 1, i - 1)
			if (toupper(substr(line, i + 3)) ~ /^SKIP/) res = "skip"
		}
		print res " " suite "." name
		if (res == "not_ok") printf "%s", buf
		buf = ""
		n++
		next
	}
	/^(not )?ok [0-9]+ / { top = $0; next }
	/^    ( *# |    )/ && !/# Subtest:/ { buf = buf "#   " substr($0, 5) "\n" }
	END {
		if (!n) {
			print (top ~ /^ok/ ? "skip " : "not_ok ") suite ": no case ran"
			printf "%s", buf
		}
	}' "$2"
}

: > "$out"
# $load is a command and its argument: split on purpose.
if $load; then
	for r in "$DBG"/pen_*/results; do
		[ -e "$r" ] || continue
		parse "$(basename "$(dirname "$r")")" "$r" >> "$out"
	done
	[ -s "$out" ] || echo "not_ok pen KUnit suites in $DBG" >> "$out"
	if rmmod pen_kunit; then
		echo "ok rmmod pen_kunit" >> "$out"
	else
		echo "not_ok rmmod pen_kunit" >> "$out"
	fi
else
	echo "not_ok $load" >> "$out"
fi

ktap_plan "$(grep -vc '^#' "$out")"
while IFS= read -r line; do
	name=${line#* }
	case $line in
	ok\ *) ok "$name" ;;
	not_ok\ *) not_ok "$name" ;;
	skip\ *) skip "$name" ;;
	*) echo "$line" ;;
	esac
done < "$out"
ktap_finish
