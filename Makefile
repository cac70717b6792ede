# SPDX-License-Identifier: GPL-2.0
#
# pen: the microneedling pen driver stack.
#
#   make            modules (for KVER), libpen, penctl, pentrace and the
#                   selftests
#   make demo       boot a VM with the simulated pen and drive it with penctl
#   make check      every test: host tests, linters, then the selftests in
#                   a VM on each kernel of the matrix (KERNEL=stock-6.1
#                   for one: see scripts/kernel-info)
#   make debian-check  the Debian system test alone (make check runs it
#                   too): the .debs in a booted Debian 12 image
#   make lint       checkpatch, sparse, W=1, clang, cppcheck, ASan/UBSan
#   make bench      stroke timing, capacity, stop and setpoint latency and
#                   cost on stock 6.1 and 6.12 PREEMPT_RT under qemu
#                   -icount, beside cyclictest: a table and results/
#   make fuzz       each libFuzzer target of libpen and penctl (fuzz/) for
#                   FUZZ_TIME seconds (default 10); the corpus grows in
#                   build/fuzz/corpus/, crashes are kept in build/fuzz/artifacts/
#   make vm         a shell in the VM, modules loaded, penctl on the PATH
#   make clean
#
# KVER picks the kernel to build for and boot (default: scripts/kver);
# KDIR overrides its build tree. demo, check and vm install the Debian
# packages they need first (scripts/install-deps).

BUILD ?= build
KVER ?= $(shell scripts/kver 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build

.PHONY: all modules modules-clean deps check debian-check demo vm bench clean
.DEFAULT_GOAL := all

all: modules userspace pentrace selftests bench-prog

modules:
	@test -d "$(KDIR)" || { echo "no kernel build tree '$(KDIR)'; run scripts/install-deps or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules-clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

include userspace.mk
include tools/pentrace/pentrace.mk
include selftests/selftests.mk
include bench/bench.mk
include lint.mk

deps:
	scripts/install-deps

# lint's recipe is in lint.mk; it needs the tools and the harness header.
lint: deps $(KSFT_DIR)/kselftest_harness.h

# The sub-make re-reads KVER once install-deps has provided a kernel.
check: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/check $(if $(KERNEL),--kernel $(KERNEL))

debian-check: deps
	BUILD=$(BUILD) scripts/check --debian-only

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/demo --kver "$$(scripts/kver)"

# The modules are built per kernel by scripts/bench itself.
bench: deps bench-prog
	BUILD=$(BUILD) scripts/bench

vm: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/vm-run --kver "$$(scripts/kver)" --interactive

clean: modules-clean userspace-clean pentrace-clean selftests-clean bench-clean
	rm -rf $(BUILD)
