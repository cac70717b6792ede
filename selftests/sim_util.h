/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Driving a simulated pen from userspace, shared by the selftests
 * (through pen_util.h) and pen_bench: creating and removing instances
 * through the bus files, opening their /dev/penN, reading their debugfs
 * state and records, and injecting faults. The functions print nothing
 * and return -errno (or -1 with errno where they return a file), so that
 * tests can assert on them and pen_bench can word its own errors.
 *
 * The pens are pen_sim's unless PEN_BACKEND=testbench names the platform
 * backend on its test bench (docs/testbench.md): pen_vcm.ko driving the
 * simulated hardware of pen_testbench.ko, which has the same bus files,
 * the same debugfs files and the same injections where they make sense.
 */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* Nonzero if the pens under test are pen_sim's (PEN_BACKEND unset or "sim"). */
int pen_backend_is_sim(void);
/*
 * From now on, pen_sim's pens (nonzero) or the test bench's, whatever
 * PEN_BACKEND says: for a program that measures both (pen_bench).
 */
void pen_backend_use(int use_sim);

/*
 * Is the running kernel PREEMPT_RT (uname -v says so)? pen_vcm drives no
 * pen from the hard-irq timer there.
 */
int pen_kernel_is_rt(void);

/* What the simulator can do and the bench's hardware cannot, for SKIP(). */
#define PEN_SIM_ONLY	"the test bench's hardware cannot do this (pen_sim only)"

/* The bus, the debugfs directory and an instance's name, per backend. */
#define SIM_BUS		(pen_backend_is_sim() ? "/sys/bus/pen_sim" : \
			 "/sys/bus/pen_testbench")
#define SIM_DEBUGFS	(pen_backend_is_sim() ? "/sys/kernel/debug/pen_sim" : \
			 "/sys/kernel/debug/pen_testbench")
#define SIM_PREFIX	(pen_backend_is_sim() ? "pen_sim" : "pen_tb")
/* The driver name the pens report (struct pen_info.driver). */
#define SIM_DRIVER	(pen_backend_is_sim() ? "pen_sim" : "pen_vcm")

/* A line of an instance's stroke record, debugfs "strokes". */
struct sim_stroke {
	uint64_t seq;
	uint64_t cmd_ns;
	uint64_t reach_ns;
	uint32_t cmd_um;
	uint32_t reached_um;
};

/* One time the simulated drive was powered, from its "drive" record. */
struct sim_span {
	uint64_t on_ns;
	uint64_t off_ns;	/* 0: still on */
};

/* @file of the bus ("new_device") into @buf. */
const char *sim_bus_file(char *buf, size_t len, const char *file);
/* @file ("state") of instance @id's debugfs directory into @buf. */
const char *sim_debugfs_file(char *buf, size_t len, unsigned int id,
			     const char *file);
/* Write @text to @file in one write(): 0 or -errno. */
int sim_write(const char *file, const char *text);

/*
 * Create simulated pen @id with "key=value ..." @opts (or NULL). On the
 * test bench the pen is pen_vcm's, bound as the bench registers its
 * platform device: one that did not bind (pen_vcm not loaded, or its
 * probe failed) is removed again, and the error is ENODEV.
 */
int sim_create(unsigned int id, const char *opts);
int sim_delete(unsigned int id);
/* N of the /dev/penN that simulated pen @id registered, or -errno. */
int sim_pen_index(unsigned int id);
/* Open simulated pen @id's /dev/penN: a file descriptor, or -1 and errno. */
int sim_open(unsigned int id, int flags);
/* A numeric (or on/off: 1/0) "key value" line of the state file, or -errno. */
long long sim_state(unsigned int id, const char *key);
/* The stroke record; *out is malloc()ed. Returns the count or -errno. */
long sim_strokes(unsigned int id, struct sim_stroke **out);
/* The drive's record; *out is malloc()ed. Returns the count or -errno. */
long sim_spans(unsigned int id, struct sim_span **out);
/* Send one command to simulated pen @id's fault injection file. */
int sim_inject(unsigned int id, const char *cmd);

/*
 * The test bench's instances come from the device tree's benches where
 * it has them (the arm64 guest's: docs/testbench.md), a pool fixed at
 * boot; new_device then fails with EOPNOTSUPP for a configuration none
 * of them has, which a test skips (pen_fixture_open() does), and EBUSY
 * if all that have it are in use. Nonzero if they do.
 */
int sim_from_device_tree(void);
/*
 * The serial number simulated pen @id reports, into @buf: pen_sim's and
 * the bench's software node's "SIM-" or "TB-" and the id in 8 digits, a
 * device tree bench's its node's serial-number.
 */
const char *sim_serial(unsigned int id, char *buf, size_t len);

/*
 * The modules, wherever the tests run. In the project's VM they are
 * /lib/pen/NAME.ko (scripts/vm-run), loaded with finit_module(), and
 * pen_sim takes the parameters the VM booted it with (/simparams); on an
 * installed system (DKMS, make install-modules) they are modprobe's, with
 * whatever /etc/modprobe.d says. @params are added to those; NULL or ""
 * for none. 0 or -errno (-ENOENT: no such module to load).
 */
int pen_module_load(const char *name, const char *params);
/* rmmod @name without waiting: 0, or -errno (EWOULDBLOCK: in use). */
int pen_module_unload(const char *name);
/* Nonzero if module @name is loaded. */
int pen_module_loaded(const char *name);

/* pen.ko's debugfs file @file of pen @pen (pen/penN/@file), or NULL. */
FILE *pen_debugfs_open(int pen, const char *file);

/*
 * The stroke thread's account of its wake-ups (debugfs pen/penN/wakeups):
 * how many, the lead it learnt from them, their mean and worst.
 */
struct pen_wakeups {
	long long wakeups;
	long long lead_ns;
	long long mean_ns;
	long long max_ns;
};

/* 0, or -errno; fields the file lacks stay -1. */
int pen_wakeups_of(int pen, struct pen_wakeups *w);

/*
 * Make sure the pens under test are there before a test begins: for
 * pen_sim, load it (pen_module_load) when its bus is absent; the test
 * bench, a test-only module never installed, must already be loaded.
 * Refuses (on pen_sim) while any pen that is not pen_sim's exists: the
 * tests open /dev/pen0 and run its needle, which must never be a real
 * pen's. NULL when the tests can run, else why not, for a skip.
 */
const char *pen_sim_ensure(void);

#endif /* SIM_UTIL_H */
