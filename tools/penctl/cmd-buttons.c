// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * run --buttons: the session set up, run and summed up.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "buttons.h"

/* Everything one run --buttons session holds. */
struct buttons_run {
	struct session s;
	uint32_t levels[MAX_LEVELS];
	struct pen_info info;
	struct pen_status st, st0;	/* at the end, and at the start */
	struct quiet q;
	struct run r;
	sigset_t set;
	bool have_status;
	int st_err;
};

/*
 * The pen, checked to have buttons, its levels, and hold-to-run with a
 * footswitch. Returns 0, EXIT_USAGE for levels it cannot run, or
 * EXIT_RUNTIME (said).
 */
static int buttons_open(struct buttons_run *b)
{
	struct session *s = &b->s;
	const struct ctx *c = s->c;

	if (read_info(c, s->pen, &b->info) < 0)
		return EXIT_RUNTIME;
	if (b->info.api_version < 4) {
		errorf("%s: the driver has no buttons (API %u; --buttons needs 4)",
		       c->path, b->info.api_version);
		return EXIT_RUNTIME;
	}
	if (!(b->info.flags & (PEN_INFO_BUTTONS | PEN_INFO_FOOTSWITCH))) {
		errorf("%s: the pen has no buttons", c->path);
		return EXIT_RUNTIME;
	}
	/* A pedal alone cannot arm: running on it alone is not safe. */
	if (!(b->info.flags & PEN_INFO_BUTTONS)) {
		errorf("%s: the pen has a footswitch but no main button", c->path);
		return EXIT_RUNTIME;
	}
	if (session_levels(c, &b->info, b->levels, &s->n_levels, &s->level))
		return EXIT_USAGE;

	s->buttons = pen_buttons_open(s->pen);
	if (!s->buttons) {
		buttons_error(c, errno);
		return EXIT_RUNTIME;
	}
	s->footswitch = pen_buttons_has(s->buttons, PEN_KEY_FOOTSWITCH) == 1;
	/*
	 * With a pedal, the kernel itself stops the needle when it is let
	 * go, whatever becomes of penctl meanwhile.
	 */
	if (s->footswitch && hold_to_run(c, s->pen, &b->info, false) < 0)
		return EXIT_RUNTIME;
	return 0;
}

/*
 * The log, the depth and first level, the counters at the start, the
 * watchdog and the quiet output. Returns 0, or -1 (said).
 */
static int buttons_prepare(struct buttons_run *b)
{
	struct session *s = &b->s;
	const struct ctx *c = s->c;
	struct pen_status st;
	struct ctx set_c;

	if ((c->given & OPT_F_LOG) && open_log(c, &b->r) < 0)
		return -1;
	if (read_status(c, s->pen, &st) < 0)
		return -1;
	/*
	 * Only the controller clears a fault, and that would be this
	 * process: no press could start the needle. Refused as run does.
	 */
	if (st.fault != PEN_FAULT_NONE) {
		start_error(c, s->pen, EIO);
		return -1;
	}
	/* Depth and first level at once, named if refused, as run does. */
	s->depth_um = (c->given & OPT_F_DEPTH) ? c->depth_um : st.depth_um;
	set_c = *c;
	set_c.given |= OPT_F_DEPTH | OPT_F_RATE;
	set_c.depth_um = s->depth_um;
	set_c.rate_mhz = b->levels[s->level];
	if (apply_setpoints(&set_c, s->pen) < 0)
		return -1;
	/* The session's strokes are the driver's counters' growth. */
	if (read_status(c, s->pen, &b->st0) < 0)
		return -1;
	/*
	 * The kernel stops the needle if penctl stops kicking; and from here
	 * on nothing penctl writes can hold it up.
	 */
	if (arm_watchdog(c, s->pen, &b->info) < 0 || quiet(&b->q) < 0)
		return -1;
	return 0;
}

/* The line that says the buttons are in control. */
static void buttons_ready(struct buttons_run *b)
{
	struct session *s = &b->s;
	char a[FMT_LEN], l[64], how[160];

	if (s->footswitch)
		snprintf(how, sizeof(how), "main button arms, footswitch runs%s",
			 pen_buttons_is_pressed(s->buttons,
						PEN_KEY_FOOTSWITCH) == 1 ?
			 " (held now)" : "");
	else
		snprintf(how, sizeof(how), "main button starts and stops");
	say("%s: buttons ready at %s, %s: %s, speed buttons change the level (Ctrl-C ends)\n",
	    s->c->path, depth_str(s->depth_um, a), level_str(s, l), how);
}

/*
 * The session's loop, then STOP, always (a gone pen stopped its needle
 * going), the status read, the output let out and the log finished.
 */
static void buttons_session(struct buttons_run *b)
{
	struct session *s = &b->s;
	struct pen_status sum;

	b->r.on_event = session_event;
	b->r.data = s;
	log_session(s->c, &b->r, &b->info, &b->st0);

	stop_pen = s->pen;
	sigprocmask(SIG_UNBLOCK, &b->set, NULL);
	session_loop(s, &b->r, now_ns());
	sigprocmask(SIG_BLOCK, &b->set, NULL);
	stop_pen = NULL;

	if (!s->gone && pen_stop(s->pen) < 0)
		session_fail(s, "stop the needle", errno);
	s->running = false;
	if (!s->gone) {
		if (pen_get_status(s->pen, &b->st) < 0) {
			b->st_err = errno;
			session_fail(s, "read pen status", b->st_err);
		} else {
			b->have_status = true;
		}
	}
	/* Stopped: what waited is written, and what was dropped said. */
	if (loud(&b->q) < 0)
		s->lost_output = true;
	if (!b->r.log)
		return;
	/* STOP queues its event before it returns: nothing to wait for. */
	b->r.stopped = true;
	if (!s->gone)
		drain_events(s->pen, &b->r);
	/* Across runs: the strokes of the whole session. */
	if (b->have_status) {
		sum = b->st;
		sum.run_strokes = b->st.strokes - b->st0.strokes;
		sum.run_missed_strokes = b->st.missed_strokes -
					 b->st0.missed_strokes;
	}
	log_summary(&b->r, b->have_status ? &sum : NULL,
		    b->st_err ? b->st_err : ENODEV, s->run_ns);
}

/* How the session ended, said. Exit status. */
static int buttons_report(struct buttons_run *b)
{
	struct session *s = &b->s;
	const struct ctx *c = s->c;
	const struct run *r = &b->r;

	if (s->gone) {
		errorf("%s: pen is gone (removed); its needle is stopped",
		       c->path);
		return EXIT_RUNTIME;
	}
	if (b->have_status && b->st.state == PEN_STATE_RUNNING) {
		errorf("%s: needle still running after STOP", c->path);
		return EXIT_RUNTIME;
	}
	if (s->err) {
		ioctl_error(c, s->what, s->err);
		return EXIT_RUNTIME;
	}
	if (log_failed(r))
		return EXIT_RUNTIME;
	say("%s: ended (%s): the needle is stopped; %u run%s, %" PRIu64
	    " strokes\n", c->path,
	    r->end == END_SIGNAL ? signal_name(r->signo) : "duration reached",
	    s->runs, s->runs == 1 ? "" : "s",
	    (uint64_t)(b->st.strokes - b->st0.strokes));
	/* Output that did not arrive is a failure, not a success. */
	return s->lost_output ? EXIT_RUNTIME : 0;
}

int cmd_run_buttons(struct ctx *c)
{
	struct buttons_run b = { .s.c = c };
	int rc;

	/* As for run: no stop signal kills penctl half-way. */
	if (block_stop_signals(&b.set) < 0)
		return EXIT_RUNTIME;
	signal(SIGPIPE, SIG_IGN);
	/* A line per press, seen as it comes, even through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	b.s.levels = b.levels;
	b.s.pen = open_pen(c, PEN_OPEN_CONTROL);
	if (!b.s.pen)
		return EXIT_RUNTIME;
	rc = buttons_open(&b);
	if (rc)
		goto out;
	rc = EXIT_RUNTIME;
	if (buttons_prepare(&b) < 0)
		goto out;
	buttons_ready(&b);
	buttons_session(&b);
	rc = buttons_report(&b);
out:
	loud(&b.q);
	pen_buttons_close(b.s.buttons);
	pen_close(b.s.pen);
	if (close_log(c, &b.r) < 0)
		rc = EXIT_RUNTIME;
	return rc;
}
