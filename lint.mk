# SPDX-License-Identifier: GPL-2.0
#
# Static analysis: "make lint" runs scripts/lint, which checks the kernel
# code (checkpatch --strict, sparse, W=1 -Werror, a clang build against
# the Debian 6.12 headers), the userspace code (cppcheck, the host
# tests under ASan and UBSan) and every shell script (shellcheck), and
# ends with "lint: N passed, N failed".
# Included by the top-level Makefile; "make -f lint.mk lint" works alone.
# scripts/install-deps installs the tools it needs.

include mk/common.mk

.PHONY: lint
lint:
	BUILD=$(BUILD) scripts/lint
