# SPDX-License-Identifier: GPL-2.0
#
# What the shell tests share (as the C tests share pen_util.h), sourced
# after ktap.sh: their simulated pen, instance number SIM, which the test
# sets, and expect, whose output goes to the file the test names in out.
# Sourced, never run: the tests that source it are POSIX sh.
# shellcheck shell=sh

# The tools: an installed system's /usr/bin/penctl and /usr/sbin/pentrace
# even where the caller's PATH has no sbin; the VM's are on its PATH.
PATH=$PATH:/usr/sbin:/sbin
export PATH

# pen_load MODULE: load MODULE as this system does: the project VM's
# /lib/pen/MODULE.ko (pen_sim with the parameters vm-run booted it with),
# or modprobe on an installed system (DKMS, make install-modules).
pen_load() {
	if [ -e "/lib/pen/$1.ko" ]; then
		# The VM's parameters are words: split on purpose.
		# shellcheck disable=SC2046
		insmod "/lib/pen/$1.ko" $([ "$1" = pen_sim ] && cat /simparams 2>/dev/null)
	else
		modprobe "$1"
	fi
}

# pen_sim_ensure TOOL...: before any test, the script's simulated pens
# and TOOLs (penctl, pentrace) must be there: pen_sim is loaded if it is
# not, and no pen but pen_sim's may exist (the tests run needles). If
# not, the script is one skip (ksft_skip_all). sim_util.c's
# pen_sim_ensure() does the same for the C tests.
pen_sim_ensure() {
	for tool; do
		command -v "$tool" > /dev/null ||
			ksft_skip_all "no $tool on the PATH ($PATH)"
	done
	if [ ! -d /sys/bus/pen_sim ]; then
		if ! { [ -d /sys/module/pen ] || pen_load pen; } ||
		   ! pen_load pen_sim; then
			ksft_skip_all "pen_sim is not loaded and cannot be (modprobe pen_sim)"
		fi
	fi
	for p in /sys/class/pen/pen*; do
		[ -e "$p" ] || continue
		case $(readlink -f "$p/device/subsystem") in
		*/pen_sim) ;;
		*) ksft_skip_all "$(basename "$p") is not pen_sim's: the tests must not drive it (unload its driver first)" ;;
		esac
	done
}

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

# tool_cmd PROGRAM: how to run PROGRAM, which a scripts/vm-run guest's
# initramfs does not hold (python3, trace-cmd, perf, bpftrace): prints
# "hostrun" in such a guest, which runs it in the tool root it shares
# (docs/testing.md), or nothing where PROGRAM is installed here (a board
# with the selftests installed). Returns 1 if it cannot be run here, 2 if
# the guest has hostrun but no tool root (exit 127): a broken guest,
# which a test counts as a failure, not a skip.
tool_cmd() {
	if command -v hostrun > /dev/null; then
		hostrun true > /dev/null 2>&1
		[ $? = 127 ] && return 2
		echo hostrun
		return 0
	fi
	command -v "$1" > /dev/null || return 1
	echo
}
