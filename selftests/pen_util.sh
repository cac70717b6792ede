# SPDX-License-Identifier: GPL-2.0
#
# What the shell tests share (as the C tests share pen_util.h), sourced
# after ktap.sh: their simulated pen, instance number SIM, which the test
# sets, and expect, whose output goes to the file the test names in out.
# Sourced, never run: the tests that source it are POSIX sh.
# shellcheck shell=sh

# sim_create PARAMS: create pen_sim instance SIM with PARAMS.
sim_create() { echo "$SIM $1" > /sys/bus/pen_sim/new_device; }
# sim_delete [N]: remove instance N (default SIM), quietly if it is gone.
sim_delete() { echo "${1:-$SIM}" > /sys/bus/pen_sim/del_device 2>/dev/null; }
# pen_dev [N]: the device node of instance N (default SIM).
pen_dev() {
	echo "/dev/$(ls "/sys/bus/pen_sim/devices/pen_sim${1:-$SIM}/pen")"
}

# expect RC PATTERN DESC -- CMD...: exit status RC and output matching
# the extended regex PATTERN (stdout and stderr together).
expect() {
	rc=$1 pattern=$2 desc=$3
	shift 4
	"$@" > "${out:?}" 2>&1
	got=$?
	if [ "$got" = "$rc" ] && grep -Eq -- "$pattern" "$out"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# command: $*"
		echo "# exit $got, wanted $rc; output:"
		sed 's/^/#   /' "$out"
	fi
}
