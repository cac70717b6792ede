# SPDX-License-Identifier: GPL-2.0
#
# pen: the microneedling pen driver stack.
#
#   make            modules (for KVER), libpen, its Python binding, penctl,
#                   pentrace and the selftests
#   make demo       boot a VM with the simulated pen and drive it with penctl
#   make check      every test: host tests, linters, then the selftests in
#                   a VM on each kernel of the matrix, x86-64 and arm64
#                   (KERNEL=stock-6.1 for one, KERNEL=arm64 for the arm64
#                   lane alone: see scripts/kernel-info)
#   make debian-check  the Debian system test alone (make check runs it
#                   too): the .debs in a booted Debian 12 image
#   make lint       checkpatch, sparse, W=1, clang, cppcheck, ASan/UBSan
#   make bench      stroke timing, capacity, stop and setpoint latency,
#                   cost, scaling and pen_vcm's actuation on stock 6.1
#                   and 6.12, 6.12 PREEMPT_RT and arm64 6.1 under qemu
#                   -icount, beside cyclictest: a table, plots and
#                   results/
#   make coverage   line, branch and function coverage of the modules,
#                   libpen, penctl and pentrace under the host tests and
#                   the debug kernel's selftest boots: BUILD/coverage/
#                   html/index.html and summary.txt (docs/coverage.md)
#   make fuzz       each libFuzzer target of libpen and penctl (fuzz/) for
#                   FUZZ_TIME seconds (default 10); the corpus grows in
#                   build/fuzz/corpus/, crashes are kept in build/fuzz/artifacts/
#   make vm         a shell in the VM, modules loaded, penctl on the PATH
#   make install    libpen, penctl, pentrace, their man pages, penctl's
#                   bash completion and the docs into DESTDIR and the
#                   directories of mk/common.mk (PREFIX=/usr/local...);
#                   the udev rule and modprobe.d file of packaging/ too
#   make install-modules
#                   pen, pen_sim and pen_vcm (never the test-only modules)
#                   for KVER into INSTALL_MOD_PATH/lib/modules/KVER/
#                   INSTALL_MOD_DIR (default extra), then depmod
#   make uninstall, make uninstall-modules
#                   remove exactly what those installed
#   make ksft-install KSFT_INSTALL_PATH=DIR
#                   the selftests as the kernel's kselftest collection
#                   "pen", installed by its own Makefile: DIR's
#                   ./run_kselftest.sh -c pen (docs/testing.md)
#   make clean
#
# KVER picks the kernel to build for and boot (default: scripts/kver);
# KDIR overrides its build tree. demo, check and vm install the Debian
# packages they need first (scripts/install-deps). docs/installing.md
# describes the install targets and their variables.

BUILD ?= build
KVER ?= $(shell scripts/kver 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build

.PHONY: all modules modules-clean deps check debian-check demo vm bench coverage clean \
	install-modules uninstall-modules pen-install-data pen-uninstall-data
.DEFAULT_GOAL := all

all: modules userspace python pentrace selftests bench-prog

modules:
	@test -d "$(KDIR)" || { echo "no kernel build tree '$(KDIR)'; run scripts/install-deps or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules-clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

include userspace.mk
include bindings/python/python.mk
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

# Its own build, in BUILD/coverage, with the debug kernel's modules.
coverage: deps
	BUILD=$(BUILD) scripts/coverage

vm: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/vm-run --kver "$$(scripts/kver)" --interactive

# ---- installing (docs/installing.md) ---------------------------------

# What a user of the installed tools and library reads, in
# $(DOCDIR) as in the tree (README.md's links stay good).
PEN_DOCS := README.md docs/installing.md docs/safety.md docs/hardware.md \
	docs/uapi.md docs/pentrace.md docs/pen_sim.md
# The udev rule and the modprobe.d file, where packaging/ has them.
PEN_UDEV_RULE := $(wildcard packaging/udev/60-pen.rules)
PEN_MODPROBE_CONF := $(wildcard packaging/modprobe/pen.conf)

# Added to the installs of userspace.mk and pentrace.mk.
install: pen-install-data
uninstall: pen-uninstall-data

pen-install-data:
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/docs
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 $(filter docs/%,$(PEN_DOCS)) $(DESTDIR)$(DOCDIR)/docs/
ifneq ($(PEN_UDEV_RULE),)
	$(INSTALL) -d $(DESTDIR)$(UDEVDIR)/rules.d
	$(INSTALL) -m 644 $(PEN_UDEV_RULE) $(DESTDIR)$(UDEVDIR)/rules.d/
endif
ifneq ($(PEN_MODPROBE_CONF),)
	$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/modprobe.d
	$(INSTALL) -m 644 $(PEN_MODPROBE_CONF) $(DESTDIR)$(SYSCONFDIR)/modprobe.d/
endif

pen-uninstall-data:
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(PEN_DOCS))
	@rmdir $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR) 2>/dev/null || true
	rm -f $(if $(PEN_UDEV_RULE),$(DESTDIR)$(UDEVDIR)/rules.d/60-pen.rules) \
		$(if $(PEN_MODPROBE_CONF),$(DESTDIR)$(SYSCONFDIR)/modprobe.d/pen.conf)

# The modules for KVER, as Debian's guide to out-of-tree modules has them:
# kbuild's modules_install into INSTALL_MOD_PATH (a staging root; empty:
# the running system) under lib/modules/KVER/INSTALL_MOD_DIR, rebuilt
# first without the test-only modules (PEN_TEST_MODULES=n, Kbuild). Then
# depmod, unless DEPMOD=: or INSTALL_MOD_PATH is a staging root without
# the kernel's System.map (boot/System.map-KVER), where depmod would
# write an index of our modules alone; kbuild's own depmod is skipped.
INSTALL_MOD_PATH ?=
INSTALL_MOD_DIR ?= extra
DEPMOD ?= /sbin/depmod
PEN_MODULES := pen pen_sim pen_vcm
PEN_MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)
PEN_KBUILD_INSTALL = $(MAKE) -C $(KDIR) M=$(CURDIR) PEN_TEST_MODULES=n
# Debian's kernels sign every module at modules_install
# (CONFIG_MODULE_SIG_ALL) with a key that their headers do not ship: the
# modules are then installed unsigned, as DKMS leaves them without a MOK,
# instead of sign-file failing on each. A key that is there is used.
PEN_SIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="*\([^"]*\)"*$$/\1/p' \
	$(KDIR)/include/config/auto.conf 2>/dev/null)
PEN_NOSIGN = $(if $(filter pkcs11:%,$(PEN_SIG_KEY))$(wildcard $(PEN_SIG_KEY) \
	$(addprefix $(KDIR)/,$(PEN_SIG_KEY))),,CONFIG_MODULE_SIG_ALL=)

define pen_depmod
	@if [ "$(DEPMOD)" = : ]; then \
		echo "DEPMOD=: given: depmod not run"; \
	elif [ -n "$(INSTALL_MOD_PATH)" ] && \
	     [ ! -e "$(INSTALL_MOD_PATH)/boot/System.map-$(KVER)" ]; then \
		echo "$(INSTALL_MOD_PATH) has no boot/System.map-$(KVER): depmod not run"; \
	else \
		echo "$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)"; \
		$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER); \
	fi
endef

install-modules:
	@test -d "$(KDIR)" || { echo "no kernel build tree '$(KDIR)'; run scripts/install-deps or set KDIR" >&2; exit 1; }
	$(PEN_KBUILD_INSTALL) modules
	$(PEN_KBUILD_INSTALL) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) DEPMOD=true $(PEN_NOSIGN) \
		modules_install
	$(pen_depmod)

# Whatever compression modules_install gave them (CONFIG_MODULE_COMPRESS).
uninstall-modules:
	rm -f $(foreach m,$(PEN_MODULES),$(PEN_MODDIR)/kernel/$(m).ko \
		$(addprefix $(PEN_MODDIR)/kernel/$(m).ko,.gz .xz .zst))
	@rmdir $(PEN_MODDIR)/kernel $(PEN_MODDIR) 2>/dev/null || true
	$(pen_depmod)

clean: modules-clean userspace-clean python-clean pentrace-clean selftests-clean bench-clean
	rm -rf $(BUILD)
