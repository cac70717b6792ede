# SPDX-License-Identifier: GPL-2.0
# Sourced, never run: the tests that source it are POSIX sh.
# shellcheck shell=sh
#
# Minimal kselftest output for shell tests, sourced by *_test.sh:
#   ktap_plan N; ok "desc" / not_ok "desc" / skip "desc"; ktap_finish
# ktap_finish checks the plan, prints the same "# Totals:" line as the C harness and exits
# nonzero if a test failed. ksft_skip_all "why", before any test, makes
# the whole script one skip, as kselftest's runner counts it (exit 4,
# KSFT_SKIP).
ktap_n=0 ktap_pass=0 ktap_fail=0 ktap_skip=0

ktap_plan() { ktap_planned=$1; echo "TAP version 13"; echo "1..$1"; }
ok() { ktap_n=$((ktap_n + 1)); ktap_pass=$((ktap_pass + 1)); echo "ok $ktap_n $1"; }
not_ok() { ktap_n=$((ktap_n + 1)); ktap_fail=$((ktap_fail + 1)); echo "not ok $ktap_n $1"; }
skip() { ktap_n=$((ktap_n + 1)); ktap_skip=$((ktap_skip + 1)); echo "ok $ktap_n $1 # SKIP"; }
ktap_finish() {
	if [ "$ktap_n" != "$ktap_planned" ]; then
		echo "# planned $ktap_planned tests, ran $ktap_n"
		ktap_fail=$((ktap_fail + 1))
	fi
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail xfail:0 xpass:0 skip:$ktap_skip error:0"
	[ $ktap_fail = 0 ]
	exit
}
ksft_skip_all() { echo "TAP version 13"; echo "1..0 # SKIP $1"; exit 4; }
