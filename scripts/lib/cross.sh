# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the scripts that build for or boot the pen's own
# architecture (arm64) from this x86-64 machine. cross_env fetches the
# cross compilers and the arm64 root if needed (scripts/cross-deps) and
# puts the compilers on the PATH:
#
#   PEN_CROSS_TOOLCHAIN  the unpacked gcc-12 cross compilers
#   PEN_CROSS_SYSROOT    the unpacked arm64 libraries and programs
#   PEN_CROSS_TOOLSROOT  the arm64 guests' tool root: Python (and its
#                        headers), pytest, trace-cmd, perf, bpftrace
#   PATH                 aarch64-linux-gnu-gcc, arm-linux-gnueabihf-gcc
#   LD_LIBRARY_PATH      the cross binutils' own libraries (libopcodes,
#                        libbfd of the target), which they need to run
#   pen_kbuild_arm64     kbuild's arguments for an arm64 module build
#                        (an array, not exported)
cross_env() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	PEN_CROSS_TOOLCHAIN=$("$top/scripts/cross-deps" toolchain) || return 1
	PEN_CROSS_SYSROOT=$("$top/scripts/cross-deps" sysroot) || return 1
	PEN_CROSS_TOOLSROOT=$("$top/scripts/cross-deps" tools-root) || return 1
	PATH=$PEN_CROSS_TOOLCHAIN/usr/bin:$PATH
	LD_LIBRARY_PATH=$PEN_CROSS_TOOLCHAIN/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export PEN_CROSS_TOOLCHAIN PEN_CROSS_SYSROOT PEN_CROSS_TOOLSROOT PATH LD_LIBRARY_PATH
	# shellcheck disable=SC2034 # for the script that sources this
	pen_kbuild_arm64=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
}
