# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The arm64 guest's machine, in one place: scripts/vm-run boots it and
# scripts/arm64-dtb dumps its device tree, which must describe the same
# machine (its CPUs, memory and interrupt controller). qemu's "virt"
# board with a Cortex-A57 (ARMv8.0, as most pen controller SoCs are; its
# 32-bit EL0 runs armhf programs through compat).
#
# qemu_arm64_machine SMP: set the array qemu_arm64 to qemu-system-aarch64's
# machine options for SMP vCPUs.
qemu_arm64_machine() {
	# shellcheck disable=SC2034 # for the script that sources this
	qemu_arm64=(qemu-system-aarch64 -machine virt -accel tcg
		    -cpu cortex-a57 -m 1024 -smp "$1")
}
