// SPDX-License-Identifier: GPL-2.0
/*
 * An ioctl fuzzer for /dev/penN, seeded and repeatable: the same seed
 * makes the same calls. Random and near-valid command numbers (a valid
 * one with its direction, size, number or type changed, or with high bits
 * above the 32 the kernel reads), pointers (NULL, low, unmapped, kernel,
 * non-canonical, misaligned, read-only, straddling into an unmapped page)
 * and field values (around every limit, off the grid, unknown mask bits,
 * reserved fields), from the controlling file and read-only ones, with
 * the needle running and stopped, mixed with read(), poll(), and opening
 * and closing files.
 *
 * Each call's result is checked against what docs/uapi.md allows for it:
 * unknown commands ENOTTY, a bad pointer EFAULT, the errors of each
 * ioctl's rules, and success only when no rule is broken; accepted
 * setpoints must show in GET_STATUS and refused ones change nothing.
 * Afterwards the pen must still work, and every stroke the needle made is
 * checked against the simulated pen's record: depth within the pen's
 * range and its depth cap, spacing never under the fastest rate's period
 * on the absolute schedule (pen_check_strokes()).
 *
 *   PEN_FUZZ_SEED    seed (default 1); a failure names it
 *   PEN_FUZZ_CALLS   calls to make (default 100000; scripts/check asks
 *                    the debug kernel for 1000000)
 */
#include <limits.h>
#include <poll.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"
#include "pen_expect.h"

#define SIM_ID		1400
#define FUZZ_OPTS	"depth_min_um=100 depth_max_um=2500 depth_step_um=20 " \
			"rate_min_mhz=30000 rate_max_mhz=250000 lag_us=300 " \
			"record_size=262144"
#define DEPTH_MIN	100U
#define DEPTH_MAX	2500U
#define DEPTH_STEP	20U
#define DEPTH_CAP	1800U
#define RATE_MIN	30000U
#define RATE_MAX	250000U

#define NFILES		4	/* slot 0 is the controller, the rest read-only */
#define LOG_MAX		20	/* mismatches logged in full */

/* xorshift64*: small, fast and the same everywhere. */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)((rnd() >> 32) * n >> 32);
}

/* The errnos the calls may give, as bits of a set; any other is bit 31. */
static unsigned int E(int err)
{
	static const int known[] = {
		EINVAL, ERANGE, EFAULT, EBADF, ENOTTY, EALREADY, EIO, EAGAIN,
		EOPNOTSUPP,
	};
	unsigned int i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (err == known[i])
			return 1U << i;
	return 1U << 31;
}

/* Where an ioctl's or read()'s pointer points. */
enum ptr_kind {
	PTR_GOOD,		/* a mapped, writable buffer */
	PTR_MISALIGNED,		/* the same, at an odd address */
	PTR_NULL,
	PTR_LOW,		/* a small integer: never mapped */
	PTR_UNMAPPED,		/* a hole in our own mappings */
	PTR_KERNEL,		/* the kernel's half of the address space */
	PTR_NONCANONICAL,
	PTR_READONLY,		/* readable, not writable */
	PTR_STRADDLE,		/* runs off a writable page into an unmapped one */
	PTR_STRADDLE_RO,	/* runs off a read-only page into an unmapped one */
	PTR_KINDS
};

struct fuzz {
	long page;
	/* [rw page][hole][ro page][hole], and a big buffer for read() */
	char *map;
	char *rbuf;
	size_t rbuf_len;
	int fd[NFILES];
	uint64_t seed;
	uint64_t calls, ioctls, reads, polls, opens, ok, running_samples,
		 samples, records, mismatches;
	/* Setpoints last accepted: GET_STATUS must show them. */
	uint32_t depth_um, rate_mhz;
};

/* A pointer of @kind with room for @size bytes where that makes sense. */
static char *fuzz_ptr(struct fuzz *f, enum ptr_kind kind, size_t size,
		      size_t *writable, size_t *readable)
{
	static const uint64_t kernel[] = {
		0xffff888000000000ULL, 0xffffffff81000000ULL,
		0xffffffffff600000ULL, 0xfffffffffffff000ULL,
		0xffffc90000000000ULL,
	};
	char *p;
	size_t k;

	if (size > (size_t)f->page / 2)
		size = f->page / 2;
	*writable = 0;
	*readable = 0;
	switch (kind) {
	case PTR_GOOD:
		p = f->map + below(f->page - size + 1) / 8 * 8;
		*writable = *readable = f->map + f->page - p;
		return p;
	case PTR_MISALIGNED:
		p = f->map + below(f->page - size) + 1;
		if (!((uintptr_t)p & 7))
			p -= 1;
		*writable = *readable = f->map + f->page - p;
		return p;
	case PTR_NULL:
		return NULL;
	case PTR_LOW:
		return (char *)(uintptr_t)(1 + below(65535));
	case PTR_UNMAPPED:
		return f->map + f->page + below(f->page);
	case PTR_KERNEL:
		return (char *)(uintptr_t)(kernel[below(5)] + below(4096));
	case PTR_NONCANONICAL:
		return (char *)(uintptr_t)(0x8000000000000000ULL + (rnd() >> 20));
	case PTR_READONLY:
		p = f->map + 2 * f->page + below(f->page - size + 1);
		*readable = f->map + 3 * f->page - p;
		return p;
	case PTR_STRADDLE:
		k = size > 1 ? 1 + below(size - 1) : 0;
		p = f->map + f->page - k;
		*writable = *readable = k;
		return p;
	case PTR_STRADDLE_RO:
		k = size > 1 ? 1 + below(size - 1) : 0;
		p = f->map + 3 * f->page - k;
		*readable = k;
		return p;
	default:
		return NULL;
	}
}

static enum ptr_kind pick_ptr_kind(void)
{
	/* Mostly good pointers, so the rules behind them get exercised. */
	return below(2) ? PTR_GOOD : (enum ptr_kind)below(PTR_KINDS);
}

/* A u32 field: around the limits given, or anything. */
static uint32_t fuzz_value(uint32_t lo, uint32_t hi, uint32_t step)
{
	switch (below(12)) {
	case 0: return lo;
	case 1: return hi;
	case 2: return lo - 1;
	case 3: return hi + 1;
	case 4: return 0;
	case 5: return UINT32_MAX;
	case 6: return (uint32_t)rnd();
	case 7: return hi + step;
	case 8: return lo + below(hi - lo + 1);	/* maybe off the grid */
	default:
		/* On the grid, within range: the ones that should pass. */
		return lo + below((hi - lo) / step + 1) * step;
	}
}

static void fuzz_params(struct pen_params *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	switch (below(8)) {
	case 0: p->mask = (uint32_t)rnd(); break;
	case 1: p->mask = 0; break;
	case 2: p->mask = PEN_PARAM_DEPTH; break;
	case 3: p->mask = PEN_PARAM_RATE; break;
	case 4: p->mask = 1U << below(32); break;
	default: p->mask = PEN_PARAM_ALL; break;
	}
	if (p->mask & PEN_PARAM_DEPTH || !below(8))
		p->depth_um = fuzz_value(DEPTH_MIN, below(2) ? DEPTH_CAP : DEPTH_MAX,
					 DEPTH_STEP);
	if (p->mask & PEN_PARAM_RATE || !below(8))
		p->rate_mhz = fuzz_value(RATE_MIN, RATE_MAX, 1 + below(1000));
	if (!below(10))
		for (i = 0; i < 5; i++)
			p->reserved[i] = below(4) ? 0 : (uint32_t)rnd();
}

/* EINVAL if any of the @n reserved fields at @r is set: the ABI's rule. */
static unsigned int reserved_errors(const __u32 *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i])
			return E(EINVAL);
	return 0;
}

/* Errors SET_PARAMS may give for @p on the controller; 0 if none. */
static unsigned int params_errors(const struct pen_params *p)
{
	unsigned int e = reserved_errors(p->reserved, 5);

	if (!p->mask || (p->mask & ~PEN_PARAM_ALL))
		e |= E(EINVAL);
	if ((!(p->mask & PEN_PARAM_DEPTH) && p->depth_um) ||
	    (!(p->mask & PEN_PARAM_RATE) && p->rate_mhz))
		e |= E(EINVAL);
	if (p->mask & PEN_PARAM_DEPTH) {
		if (p->depth_um < DEPTH_MIN || p->depth_um > DEPTH_MAX)
			e |= E(ERANGE);
		else if ((p->depth_um - DEPTH_MIN) % DEPTH_STEP)
			e |= E(EINVAL);
		if (p->depth_um > DEPTH_CAP)
			e |= E(ERANGE);
	}
	if (p->mask & PEN_PARAM_RATE &&
	    (p->rate_mhz < RATE_MIN || p->rate_mhz > RATE_MAX))
		e |= E(ERANGE);
	return e;
}

static const unsigned long valid_cmds[] = {
	PEN_IOC_GET_INFO, PEN_IOC_SET_PARAMS, PEN_IOC_START, PEN_IOC_STOP,
	PEN_IOC_GET_STATUS, PEN_IOC_CLEAR_FAULT, PEN_IOC_SET_WATCHDOG,
	PEN_IOC_KICK_WATCHDOG, PEN_IOC_SET_HOLD_TO_RUN,
};
#define NCMDS	(sizeof(valid_cmds) / sizeof(valid_cmds[0]))

static int is_valid_cmd(uint32_t cmd)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (cmd == (uint32_t)valid_cmds[i])
			return 1;
	return 0;
}

/*
 * Commands the VFS answers itself before the driver sees them (FIOCLEX,
 * FIONBIO, FIFREEZE, FICLONE, FS_IOC_*...): their ioctl types.
 */
static int is_vfs_cmd(uint32_t cmd)
{
	switch (_IOC_TYPE(cmd)) {
	case 0x00: case 'T': case 'X': case 'f': case 0x94: case 0x15:
		return 1;
	}
	return 0;
}

/* A command number: valid, near-valid, or random. */
static unsigned long fuzz_cmd(void)
{
	unsigned long cmd = valid_cmds[below(NCMDS)];
	uint32_t c;

	switch (below(10)) {
	case 0:	/* another direction */
		return (cmd & ~(_IOC_DIRMASK << _IOC_DIRSHIFT)) |
		       ((unsigned long)below(4) << _IOC_DIRSHIFT);
	case 1:	/* another size, near the real one or anything */
		c = below(2) ? _IOC_SIZE(cmd) + below(17) - 8 : below(1U << 14);
		return (cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		       ((unsigned long)(c & _IOC_SIZEMASK) << _IOC_SIZESHIFT);
	case 2:	/* another number, ours or beyond */
		return (cmd & ~(_IOC_NRMASK << _IOC_NRSHIFT)) |
		       ((unsigned long)below(below(2) ? 16 : 256) << _IOC_NRSHIFT);
	case 3:	/* another type */
		do {
			c = (cmd & ~(_IOC_TYPEMASK << _IOC_TYPESHIFT)) |
			    (below(256) << _IOC_TYPESHIFT);
		} while (is_vfs_cmd(c));
		return c;
	case 4:	/* anything */
		do {
			c = (uint32_t)rnd();
		} while (is_vfs_cmd(c));
		return c;
	case 5:	/* high bits the kernel never sees: still the command */
		return cmd | (rnd() & 0xffffffff00000000ULL);
	default:
		return cmd;
	}
}

static int fuzz_open(int slot)
{
	int flags = (slot ? O_RDONLY : O_RDWR) | O_NONBLOCK;

	return sim_open(SIM_ID, flags);
}

/*
 * Compare a call's result with what is allowed: @ok_allowed if it may
 * succeed, @errs the errno bits it may fail with. Logs the first LOG_MAX
 * mismatches with the seed and the call number, to repeat them.
 */
static void judge(struct __test_metadata *_metadata, struct fuzz *f,
		  const char *what, unsigned long cmd, const void *arg,
		  int slot, long ret, int err, int ok_allowed,
		  unsigned int errs)
{
	int good = ret >= 0 ? ok_allowed : !!(errs & E(err));

	if (ret >= 0)
		f->ok++;
	if (good)
		return;
	f->mismatches++;
	if (f->mismatches <= LOG_MAX)
		TH_LOG("seed %" PRIu64 " call %" PRIu64 ": %s %#lx arg %p on %s file: %ld (%s); allowed: %s errnos %#x",
		       f->seed, f->calls, what, cmd, arg,
		       slot ? "a read-only" : "the controlling", ret,
		       ret < 0 ? strerror(err) : "ok",
		       ok_allowed ? "success or" : "only", errs);
}

/* Is the struct at @p of @size usable, given its kind? */
static int fits(size_t have, size_t size)
{
	return have >= size;
}

/*
 * What every setter refuses before it looks at its argument: a file
 * that is not the controller (EBADF), then an argument of @size it
 * cannot read, @rd bytes being readable (EFAULT). 0 if neither applies.
 */
static unsigned int setter_errors(int ctl, size_t rd, size_t size)
{
	if (!ctl)
		return E(EBADF);
	return fits(rd, size) ? 0 : E(EFAULT);
}

/* Errors SET_WATCHDOG may give for @wd on the controller; 0 if none. */
static unsigned int watchdog_errors(const struct pen_watchdog *wd)
{
	unsigned int e = reserved_errors(wd->reserved, 3);

	if (wd->timeout_ms && (wd->timeout_ms < PEN_WATCHDOG_MIN_MS ||
			       wd->timeout_ms > PEN_WATCHDOG_MAX_MS))
		e |= E(ERANGE);
	return e;
}

/*
 * Errors SET_HOLD_TO_RUN may give for @hold on the controller; 0 if
 * none. The fuzzed pen has no footswitch, so it cannot be turned on.
 */
static unsigned int hold_errors(const struct pen_hold_to_run *hold)
{
	unsigned int e = reserved_errors(hold->reserved, 3);

	if (hold->enable > 1)
		e |= E(EINVAL);
	else if (hold->enable && !e)
		e |= E(EOPNOTSUPP);
	return e;
}

static void check_status(struct __test_metadata *_metadata, struct fuzz *f,
			 const struct pen_status *st)
{
	size_t i;

	f->samples++;
	f->running_samples += st->state == PEN_STATE_RUNNING;
	EXPECT_GE(PEN_STATE_RUNNING, st->state);
	/* A refused SET_PARAMS changed nothing; an accepted one shows. */
	EXPECT_EQ(f->depth_um, st->depth_um) TH_LOG("call %" PRIu64, f->calls);
	EXPECT_EQ(f->rate_mhz, st->rate_mhz) TH_LOG("call %" PRIu64, f->calls);
	EXPECT_EQ(PEN_CARTRIDGE_READY, st->cartridge_state);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, st->reserved[i]);
}

static void check_info(struct __test_metadata *_metadata,
		       const struct pen_info *info)
{
	size_t i;

	EXPECT_EQ(PEN_API_VERSION, info->api_version);
	EXPECT_EQ(DEPTH_MIN, info->depth_min_um);
	EXPECT_EQ(DEPTH_MAX, info->depth_max_um);
	EXPECT_EQ(DEPTH_CAP, info->depth_cap_um);
	EXPECT_EQ(RATE_MAX, info->rate_max_mhz);
	for (i = 0; i < 7; i++)
		EXPECT_EQ(0, info->reserved[i]);
}

static void fuzz_ioctl(struct __test_metadata *_metadata, struct fuzz *f)
{
	/* The controller half the time, so the driving ioctls get through. */
	int slot = below(2) ? 0 : 1 + below(NFILES - 1);
	int fd = f->fd[slot], ctl = slot == 0, err;
	unsigned long cmd = fuzz_cmd();
	uint32_t c = (uint32_t)cmd;
	enum ptr_kind kind = pick_ptr_kind();
	size_t size = _IOC_SIZE(c), wr, rd;
	char *arg = fuzz_ptr(f, kind, size ? size : 1, &wr, &rd);
	struct pen_params params;
	struct pen_hold_to_run hold;
	struct pen_watchdog wd;
	struct pen_status st;
	struct pen_info info;
	unsigned int errs = 0;
	int ok = 1;
	long ret;

	if (fd < 0)
		return;
	/*
	 * Fill what the kernel will read with something worth reading
	 * (copied in: the pointer may be misaligned).
	 */
	if (c == (uint32_t)PEN_IOC_SET_PARAMS && fits(wr, size)) {
		fuzz_params(&params);
		memcpy(arg, &params, sizeof(params));
	}
	if (c == (uint32_t)PEN_IOC_SET_WATCHDOG && fits(wr, size)) {
		memset(&wd, 0, sizeof(wd));
		wd.timeout_ms = fuzz_value(PEN_WATCHDOG_MIN_MS,
					   PEN_WATCHDOG_MAX_MS, 1);
		if (!below(3))
			wd.timeout_ms = 0;
		if (!below(8))
			wd.reserved[below(3)] = (uint32_t)rnd();
		memcpy(arg, &wd, sizeof(wd));
	}
	if (c == (uint32_t)PEN_IOC_SET_HOLD_TO_RUN && fits(wr, size)) {
		memset(&hold, 0, sizeof(hold));
		hold.enable = below(2) ? below(2) : fuzz_value(0, 1, 1);
		if (!below(8))
			hold.reserved[below(3)] = (uint32_t)rnd();
		memcpy(arg, &hold, sizeof(hold));
	}
	f->ioctls++;
	f->calls++;
	ret = ioctl(fd, cmd, arg);
	err = errno;

	if (!is_valid_cmd(c)) {
		judge(_metadata, f, "ioctl", cmd, arg, slot, ret, err, 0,
		      E(ENOTTY));
		return;
	}
	switch (_IOC_NR(c)) {
	case _IOC_NR(PEN_IOC_GET_INFO):
		ok = fits(wr, size);
		errs = ok ? 0 : E(EFAULT);
		if (ret == 0 && kind <= PTR_MISALIGNED) {
			memcpy(&info, arg, sizeof(info));
			check_info(_metadata, &info);
		}
		break;
	case _IOC_NR(PEN_IOC_GET_STATUS):
		ok = fits(wr, size);
		errs = ok ? 0 : E(EFAULT);
		if (ret == 0 && kind <= PTR_MISALIGNED) {
			memcpy(&st, arg, sizeof(st));
			check_status(_metadata, f, &st);
		}
		break;
	case _IOC_NR(PEN_IOC_SET_PARAMS):
		errs = setter_errors(ctl, rd, size);
		if (errs) {
			ok = 0;
			break;
		}
		/* The read-only page holds zeroes: an empty mask. */
		errs = fits(wr, size) ? params_errors(&params) : E(EINVAL);
		ok = !errs;
		if (ret == 0 && fits(wr, size)) {
			if (params.mask & PEN_PARAM_DEPTH)
				f->depth_um = params.depth_um;
			if (params.mask & PEN_PARAM_RATE)
				f->rate_mhz = params.rate_mhz;
		}
		break;
	case _IOC_NR(PEN_IOC_START):
		/*
		 * Running already, a latched fault (the watchdog), or a STOP
		 * overtaking it; the cartridge is fresh and the setpoints
		 * never above the cap.
		 */
		ok = ctl;
		errs = ctl ? E(EALREADY) | E(EIO) : E(EBADF);
		break;
	case _IOC_NR(PEN_IOC_STOP):
		break;
	case _IOC_NR(PEN_IOC_CLEAR_FAULT):
	case _IOC_NR(PEN_IOC_KICK_WATCHDOG):
		ok = ctl;
		errs = ctl ? 0 : E(EBADF);
		break;
	case _IOC_NR(PEN_IOC_SET_WATCHDOG):
	case _IOC_NR(PEN_IOC_SET_HOLD_TO_RUN):
		errs = setter_errors(ctl, rd, size);
		/* The read-only page holds zeroes: disarm, or off; valid. */
		if (!errs && fits(wr, size))
			errs = c == (uint32_t)PEN_IOC_SET_WATCHDOG ?
			       watchdog_errors(&wd) : hold_errors(&hold);
		ok = !errs;
		break;
	}
	judge(_metadata, f, "ioctl", cmd, arg, slot, ret, err, ok, errs);
}

/* read(): whole records, or EINVAL, EAGAIN, EFAULT as the buffer says. */
static void fuzz_read(struct __test_metadata *_metadata, struct fuzz *f)
{
	static const size_t sizes[] = { 0, 1, 63, 64, 65, 127, 128, 640, 4096 };
	int slot = below(NFILES), err;
	int fd = f->fd[slot];
	size_t size = below(2) ? sizes[below(9)] : below(16384), wr, rd, n, i;
	enum ptr_kind kind = pick_ptr_kind();
	char *buf;
	long ret;

	if (fd < 0)
		return;
	if (kind == PTR_GOOD && size <= f->rbuf_len) {
		buf = f->rbuf;
		wr = f->rbuf_len;
	} else {
		buf = fuzz_ptr(f, kind, size > 64 ? 64 : size ? size : 1,
			       &wr, &rd);
	}
	f->reads++;
	f->calls++;
	ret = read(fd, buf, size);
	err = errno;
	/* The VFS refuses a buffer outside userspace before the driver looks. */
	if (kind == PTR_KERNEL || kind == PTR_NONCANONICAL) {
		judge(_metadata, f, "read", size, buf, slot, ret, err, 0,
		      E(EFAULT));
		return;
	}
	if (size < sizeof(struct pen_event)) {
		judge(_metadata, f, "read", size, buf, slot, ret, err, 0,
		      E(EINVAL));
		return;
	}
	n = (wr < size ? wr : size) / sizeof(struct pen_event);
	if (ret >= 0 && (ret % sizeof(struct pen_event) || ret == 0 ||
			 (size_t)ret > n * sizeof(struct pen_event))) {
		judge(_metadata, f, "read", size, buf, slot, ret, err, 0,
		      E(EAGAIN));
		return;
	}
	judge(_metadata, f, "read", size, buf, slot, ret, err, n > 0,
	      E(EAGAIN) | (n ? 0 : E(EFAULT)));
	/* What came out is well formed. */
	for (i = 0; ret > 0 && i < (size_t)ret / sizeof(struct pen_event); i++) {
		struct pen_event ev;

		memcpy(&ev, buf + i * sizeof(ev), sizeof(ev));
		f->records++;
		EXPECT_TRUE(pen_event_unused_zero(&ev))
			TH_LOG("call %" PRIu64 ": record %zu type %u", f->calls,
			       i, ev.type);
	}
}

static void fuzz_poll(struct __test_metadata *_metadata, struct fuzz *f)
{
	struct pollfd p = { .events = POLLIN | POLLOUT | POLLPRI };
	int slot = below(NFILES);

	p.fd = f->fd[slot];
	if (p.fd < 0)
		return;
	f->polls++;
	f->calls++;
	EXPECT_LE(0, poll(&p, 1, 0));
	/* Readable or not; never hung up, never writable. */
	EXPECT_EQ(0, p.revents & ~(POLLIN | POLLRDNORM))
		TH_LOG("call %" PRIu64 ": revents %#x", f->calls, p.revents);
}

/* Close a file and open it again; a second writer is EBUSY. */
static void fuzz_reopen(struct __test_metadata *_metadata, struct fuzz *f)
{
	int slot = below(NFILES), fd;

	f->opens++;
	f->calls++;
	if (slot == 0 && f->fd[0] >= 0 && below(2)) {
		fd = sim_open(SIM_ID, below(2) ? O_RDWR : O_WRONLY);
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(EBUSY, errno);
		if (fd >= 0)
			close(fd);
		return;
	}
	if (f->fd[slot] >= 0)
		EXPECT_EQ(0, close(f->fd[slot]));
	f->fd[slot] = fuzz_open(slot);
	EXPECT_LE(0, f->fd[slot]);
}

/*
 * Valid driving now and then, so that the needle runs a good part of the
 * time: setpoints, a START, a kick, a STOP or a cleared fault.
 */
static void fuzz_drive(struct __test_metadata *_metadata, struct fuzz *f)
{
	uint32_t depth = DEPTH_MIN + below((DEPTH_CAP - DEPTH_MIN) / DEPTH_STEP + 1) *
			 DEPTH_STEP;
	uint32_t rate = RATE_MIN + below(RATE_MAX - RATE_MIN + 1);
	int fd = f->fd[0];
	long ret;

	if (fd < 0)
		return;
	f->calls++;
	f->ioctls++;
	switch (below(6)) {
	case 0:
		ret = pen_params_set(fd, PEN_PARAM_ALL, depth, rate);
		EXPECT_EQ(0, ret);
		if (!ret) {
			f->depth_um = depth;
			f->rate_mhz = rate;
		}
		break;
	case 1:
		EXPECT_EQ(0, ioctl(fd, PEN_IOC_CLEAR_FAULT));
		break;
	case 2:
		EXPECT_EQ(0, ioctl(fd, PEN_IOC_KICK_WATCHDOG));
		break;
	default:
		ret = ioctl(fd, PEN_IOC_START);
		if (ret)
			EXPECT_TRUE(errno == EALREADY || errno == EIO)
				TH_LOG("START: %s", strerror(errno));
		break;
	}
}

static uint64_t fuzz_calls(void)
{
	const char *env = getenv("PEN_FUZZ_CALLS");

	return env ? strtoull(env, NULL, 0) : 100000;
}

/* Guest time is instructions under -icount: ample for the debug kernel. */
static int fuzz_timeout(void)
{
	uint64_t t = 60 + fuzz_calls() / 1000;

	return t > INT_MAX ? INT_MAX : (int)t;
}

PEN_ID_FIXTURE(fuzz, SIM_ID);

TEST_F_TIMEOUT(fuzz, random_ioctls_never_break_a_limit, fuzz_timeout())
{
	const char *env_seed = getenv("PEN_FUZZ_SEED");
	uint64_t seed = env_seed ? strtoull(env_seed, NULL, 0) : 1;
	uint64_t calls = fuzz_calls();
	struct pen_limits lim = {
		.depth_min_um = DEPTH_MIN, .depth_max_um = DEPTH_MAX,
		.depth_step_um = DEPTH_STEP, .depth_cap_um = DEPTH_CAP,
		.rate_min_mhz = RATE_MIN, .rate_max_mhz = RATE_MAX,
	};
	struct pen_stroke_check chk;
	struct pen_monitor mon;
	struct pen_status st;
	struct fuzz f;
	char cap[16];
	uint64_t t0, t1, strokes_before;
	long bad;
	int i, fd;

	memset(&f, 0, sizeof(f));
	f.seed = seed;
	f.page = sysconf(_SC_PAGESIZE);
	f.depth_um = DEPTH_MIN;
	f.rate_mhz = RATE_MIN;
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;

	f.map = mmap(NULL, 4 * f.page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f.map);
	ASSERT_EQ(0, munmap(f.map + f.page, f.page));
	ASSERT_EQ(0, munmap(f.map + 3 * f.page, f.page));
	ASSERT_EQ(0, mprotect(f.map + 2 * f.page, f.page, PROT_READ));
	f.rbuf_len = 16384;
	f.rbuf = malloc(f.rbuf_len);
	ASSERT_NE(NULL, f.rbuf);

	sim_delete(SIM_ID);
	ASSERT_EQ(0, sim_create(SIM_ID, FUZZ_OPTS));
	snprintf(cap, sizeof(cap), "%u", DEPTH_CAP);
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "depth_cap_um", cap));
	ASSERT_EQ(0, pen_monitor_start(&mon, SIM_ID));
	for (i = 0; i < NFILES; i++) {
		f.fd[i] = fuzz_open(i);
		ASSERT_LE(0, f.fd[i]);
	}

	printf("# seed %" PRIu64 ", %" PRIu64 " calls\n", seed, calls);
	t0 = now_ns();
	while (f.calls < calls) {
		uint32_t op = below(1000);

		if (op < 780)
			fuzz_ioctl(_metadata, &f);
		else if (op < 900)
			fuzz_read(_metadata, &f);
		else if (op < 940)
			fuzz_poll(_metadata, &f);
		else if (op < 945)
			fuzz_reopen(_metadata, &f);
		else if (op < 999)
			fuzz_drive(_metadata, &f);
		else	/* let the needle make some strokes between calls */
			sleep_ns(1000000ULL * (2 + below(19)));
		if (!(f.calls & 1023) || f.mismatches > 1000) {
			st = pen_status_of(f.fd[1] >= 0 ? f.fd[1] : mon.fd);
			check_status(_metadata, &f, &st);
			if (f.mismatches > 1000)
				break;
		}
	}
	t1 = now_ns();
	EXPECT_EQ(0, f.mismatches) TH_LOG("seed %" PRIu64, seed);

	for (i = 0; i < NFILES; i++)
		if (f.fd[i] >= 0)
			close(f.fd[i]);
	/* The controller's close stopped the needle. */
	fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, fd);
	st = pen_status_of(fd);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));

	/* It still works. */
	strokes_before = st.strokes;
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_CLEAR_FAULT));
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_SET_WATCHDOG,
			   &(struct pen_watchdog){ .timeout_ms = 0 }));
	ASSERT_EQ(0, pen_params_set(fd, PEN_PARAM_ALL, 1000, 200000));
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	sleep_ns(50000000);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	st = pen_status_of(fd);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	EXPECT_LT(5, st.run_strokes);
	EXPECT_EQ(strokes_before + st.run_strokes, st.strokes);
	EXPECT_EQ(1000, st.last_reached_um);
	close(fd);

	/* Every stroke, against the limits. */
	bad = expect_strokes_within(_metadata, &mon, SIM_ID, &lim, &chk);

	printf("# fuzz: %" PRIu64 " calls (%" PRIu64 " ioctls, %" PRIu64 " reads, %" PRIu64 " polls, %" PRIu64 " opens) in %.1f s, %" PRIu64 " succeeded, %" PRIu64 " records read\n",
	       f.calls, f.ioctls, f.reads, f.polls, f.opens,
	       (t1 - t0) / 1e9, f.ok, f.records);
	printf("# fuzz: needle running in %" PRIu64 " of %" PRIu64 " samples; %ld strokes in %ld runs, depths %u-%u um, closest %.3f ms apart on the schedule (fastest period %.3f ms), %.3f ms at the hardware\n",
	       f.running_samples, f.samples, chk.strokes, chk.runs, chk.min_um,
	       chk.max_um, chk.min_ideal_gap_ns / 1e6,
	       pen_period_ns(RATE_MAX) / 1e6, chk.min_sim_gap_ns / 1e6);
	printf("# fuzz: %" PRIu64 " mismatches, %ld limit violations\n",
	       f.mismatches, bad);

	pen_monitor_free(&mon);
	free(f.rbuf);
	munmap(f.map, f.page);
	munmap(f.map + 2 * f.page, f.page);
	EXPECT_EQ(0, sim_delete(SIM_ID));
}

TEST_HARNESS_MAIN
