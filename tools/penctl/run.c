// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The needle under penctl's watch (start, run, run --buttons): the
 * kernel's watchdog armed and kicked, hold-to-run, the events read and
 * logged as they come, the loop that ends a run, and START's refusals in
 * words.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "run.h"

const char *const end_names[] = {
	[END_DURATION] = "duration",
	[END_SIGNAL] = "signal",
	[END_PEN] = "pen",
	[END_ERROR] = "error",
	[END_LOG] = "log",
	[END_PEDAL] = "pedal",
};

uint64_t now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC: the clock of the kernel's *_ns status fields. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Sleep for @ns, less if a signal comes. */
static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	nanosleep(&ts, NULL);
}

/* How long the last events may take to come once the needle is stopped. */
#define DRAIN_NS	NSEC_PER_SEC

/* How often the loop must kick: at most POLL_NS, four times a timeout. */
uint64_t kick_ns(const struct ctx *c)
{
	uint64_t quarter = c->watchdog_ms * NSEC_PER_MSEC / 4;

	return c->watchdog_ms && quarter < POLL_NS ? quarter : POLL_NS;
}

/*
 * Arm the kernel's watchdog (before START: arming counts as a kick), or
 * say loudly that there is none. Returns 0, or -1 (said).
 */
int arm_watchdog(const struct ctx *c, struct pen *pen,
		 const struct pen_info *info)
{
	if (!c->watchdog_ms) {
		errorf("warning: the watchdog is off (--no-watchdog): if penctl hangs or is stopped, the needle runs on until the pen's maximum run time, %u s",
		       info->max_run_time_s);
		return 0;
	}
	if (!pen_set_watchdog(pen, c->watchdog_ms))
		return 0;
	if (errno == ENOTTY)
		errorf("%s: the driver has no watchdog (API %u; needs 2); --no-watchdog runs without one",
		       c->path, info->api_version);
	else
		ioctl_error(c, "arm the watchdog", errno);
	return -1;
}

/* Tell the kernel penctl is alive; false (said) if it cannot. */
bool kick(const struct ctx *c, struct pen *pen, struct run *r)
{
	if (!c->watchdog_ms || !pen_kick_watchdog(pen))
		return true;
	if (errno == ENODEV) {
		r->gone = true;
		return true;
	}
	r->end = END_ERROR;
	r->err = errno;
	r->what = "kick the watchdog";
	return false;
}

/*
 * Ask the kernel to hold to run. Returns 0, or -1 (said). @wanted: the
 * user asked for it; otherwise (run --buttons with a footswitch) a driver
 * that cannot is said, and penctl alone stops the needle on a release.
 */
int hold_to_run(const struct ctx *c, struct pen *pen,
		const struct pen_info *info, bool wanted)
{
	if (!pen_set_hold_to_run(pen, true))
		return 0;
	if (errno == ENOTTY && !wanted) {
		errorf("warning: the driver cannot hold to run (API %u; needs 5): only penctl stops the needle when the pedal comes up",
		       info->api_version);
		return 0;
	}
	if (errno == ENOTTY)
		errorf("%s: the driver cannot hold to run (API %u; needs 5)",
		       c->path, info->api_version);
	else if (errno == EOPNOTSUPP)
		errorf("%s: cannot hold to run: the pen has no footswitch",
		       c->path);
	else
		ioctl_error(c, "turn hold-to-run on", errno);
	return -1;
}

/*
 * Take the events buffered now, without waiting: log them, and note a
 * stop or the pen's removal. At most a ring's worth, so that a flood of
 * events cannot keep the caller from its other duties. Returns 0, or -1
 * with errno set if they could not be read.
 */
int read_events(struct pen *pen, struct run *r)
{
	struct pen_event buf[EVENT_BATCH];
	unsigned int round;
	ssize_t n, i;
	int ret;

	for (round = 0; round <= PEN_EVENT_RING_SIZE / EVENT_BATCH; round++) {
		ret = pen_wait_events(pen, 0);
		if (ret <= 0)
			return ret < 0 && errno != EINTR ? -1 : 0;
		n = pen_read_events(pen, buf, ARRAY_SIZE(buf));
		if (n < 0) {
			if (errno == ENODEV) {
				r->gone = true;
				return 0;
			}
			return errno == EINTR || errno == EAGAIN ? 0 : -1;
		}
		for (i = 0; i < n; i++) {
			if (buf[i].type == PEN_EVENT_STATE &&
			    buf[i].state.state == PEN_STATE_STOPPED)
				r->stopped = true;
			if (buf[i].type == PEN_EVENT_OVERFLOW)
				r->lost += buf[i].overflow.lost;
			log_event(r, &buf[i]);
			if (r->on_event)
				r->on_event(r, &buf[i]);
		}
		if (!n)
			return 0;
	}
	return 0;
}

/*
 * Whether the run must end for a stop signal or a log that lost a line,
 * which are checked first on every turn of a run's loop; r->end says.
 */
bool run_interrupted(struct run *r)
{
	if (stop_signo) {
		r->end = END_SIGNAL;
		r->signo = stop_signo;
		return true;
	}
	if (log_failed(r)) {
		r->end = END_LOG;
		return true;
	}
	return false;
}

/*
 * Watch the running needle until the duration is over, a stop signal
 * arrives, or the pen stops by itself, which must never go unnoticed.
 * Events wake the loop as they come and are logged; the status is read
 * every POLL_NS as well, and at once after a "stopped" event.
 */
void watch(const struct ctx *c, struct pen *pen, uint64_t t0,
	   struct run *r)
{
	uint64_t now, wait, left, next_status = t0 + POLL_NS;
	bool duration = c->given & OPT_F_DURATION;
	struct pen_status st;
	int ret;

	for (;;) {
		/* Alive, at least four times a watchdog timeout. */
		if (run_interrupted(r) || !kick(c, pen, r))
			return;
		now = now_ns();
		if (duration && now - t0 >= c->duration_ns) {
			r->end = END_DURATION;
			return;
		}

		if (r->gone || now >= next_status || r->stopped) {
			if (r->gone || pen_get_status(pen, &st) < 0) {
				/*
				 * A removed pen answers every ioctl with
				 * ENODEV; its needle was stopped on the way
				 * out.
				 */
				if (r->gone || errno == ENODEV) {
					r->end = END_PEN;
					r->last.state = PEN_STATE_STOPPED;
					r->last.stop_reason = PEN_STOP_REMOVED;
					return;
				}
				r->end = END_ERROR;
				r->err = errno;
				r->what = "read pen status";
				return;
			}
			r->last = st;
			if (st.state != PEN_STATE_RUNNING) {
				/* Our own handler's STOP is the signal's. */
				r->end = stop_signo ? END_SIGNAL : END_PEN;
				r->signo = stop_signo;
				return;
			}
			r->stopped = false;
			next_status = now + POLL_NS;
		}

		wait = next_status - now;
		if (wait > kick_ns(c))
			wait = kick_ns(c);
		if (duration) {
			left = c->duration_ns - (now - t0);
			if (left < wait)
				wait = left;
		}
		if (!r->events) {
			sleep_ns(wait);
			continue;
		}
		ret = pen_wait_events(pen, wait);
		if (ret > 0)
			ret = read_events(pen, r);
		if (ret < 0 && errno != EINTR) {
			r->end = END_ERROR;
			r->err = errno;
			r->what = "read pen events";
			return;
		}
	}
}

/*
 * The needle is stopped: read the events still to come, up to the
 * "stopped" state event that closes the run, so that the log is complete
 * before its summary. Bounded, in case that event was lost.
 */
void drain_events(struct pen *pen, struct run *r)
{
	uint64_t end = now_ns() + DRAIN_NS, now;

	for (;;) {
		if (read_events(pen, r) < 0) {
			r->drain_err = errno;
			return;
		}
		now = now_ns();
		if (r->stopped || r->gone || log_failed(r) || now >= end)
			return;
		if (pen_wait_events(pen, end - now) < 0 && errno != EINTR) {
			r->drain_err = errno;
			return;
		}
	}
}

/*
 * Why START was refused, in words, into @buf (128 bytes); NULL for an
 * interruption or a gone pen, which have their own ways out. A latched
 * fault is named (the caller adds how to clear it: *@fault is set).
 */
const char *start_refusal(struct pen *pen, int err, char *buf,
			  bool *fault)
{
	char f[64], a[FMT_LEN], b[FMT_LEN];
	struct pen_refusal why;
	struct pen_status st;

	*fault = false;
	switch (err) {
	case EINTR:
	case ENODEV:
		return NULL;
	case ENOMEDIUM:
		return "no cartridge inserted";
	case ESTALE:
		return "the cartridge was used before; cartridges are single use";
	case ENOSPC:
		return "the cartridge's stroke budget is spent";
	case ECANCELED:
		return "a STOP came while the needle started";
	case EAGAIN:
		snprintf(buf, 128, "hold-to-run is on%s and the footswitch is not held: hold it down, then start",
			 !pen_get_status(pen, &st) &&
			 (st.flags & PEN_STATUS_HOLD_POLICY) ?
			 " (the administrator's policy)" : "");
		return buf;
	case ERANGE:
		/* The setpoint, as START finds it, against libpen's rules. */
		if (pen_get_status(pen, &st) ||
		    pen_explain_refusal(pen, PEN_PARAM_DEPTH, st.depth_um, 0,
					err, &why) ||
		    why.rule != PEN_RULE_DEPTH_CAP)
			break;
		snprintf(buf, 128, "the depth %s is above the pen's depth cap, %s",
			 depth_str(st.depth_um, a), depth_str(why.cap, b));
		return buf;
	case EIO:
		if (pen_get_status(pen, &st) || st.fault == PEN_FAULT_NONE)
			break;
		*fault = true;
		snprintf(buf, 128, "fault %s latched", fault_str(&st, f, sizeof(f)));
		return buf;
	}
	snprintf(buf, 128, "%s", ioctl_strerror(err));
	return buf;
}

/*
 * START failed: say why, and for a latched fault the command that
 * clears it, for this pen (a bare "penctl clear-fault" would go to
 * /dev/pen0).
 */
void start_error(const struct ctx *c, struct pen *pen, int err)
{
	char why[128];
	const char *reason;
	bool fault;

	reason = start_refusal(pen, err, why, &fault);
	if (!reason) {
		ioctl_error(c, "start the needle", err);
		return;
	}
	if (!fault)
		errorf("%s: cannot start: %s", c->path, reason);
	else if (!strcmp(c->path, DEFAULT_DEVICE))
		errorf("%s: cannot start: %s; clear it with 'penctl clear-fault'",
		       c->path, reason);
	else
		errorf("%s: cannot start: %s; clear it with 'penctl -d %s clear-fault'",
		       c->path, reason, c->path);
}
