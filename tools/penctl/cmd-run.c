// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * start and run: set the setpoints given, start the needle, watch it
 * until the duration, a stop signal or the pen ends the run, stop it,
 * and sum the run up.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "log.h"

/* Everything one start or run holds, from the pen to the summary. */
struct runner {
	const struct ctx *c;
	struct pen *pen;
	struct pen_info info;
	struct pen_status st;		/* before the run, then after it */
	struct run r;
	struct quiet q;
	sigset_t set;			/* the stop signals */
	uint64_t t0, t1, elapsed;
	int stop_err, status_err, st_err;
	bool have_status, lost_output;
};

static int print_summary_json(const struct ctx *c, const struct run *r,
			      const struct pen_status *st, uint64_t elapsed)
{
	static const struct json_uint_field counts[] = {
		JSON_UINT(struct pen_status, run_strokes, "run_strokes"),
		JSON_UINT(struct pen_status, run_missed_strokes,
			 "run_missed_strokes"),
		JSON_UINT(struct pen_status, max_lateness_ns, "max_lateness_ns"),
	};
	struct json_object *o = json_new_object();

	json_add_str(o, "path", c->path);
	json_add_str(o, "ended_by", end_names[r->end]);
	if (r->end == END_SIGNAL)
		json_add_str(o, "signal", signal_name(r->signo));
	else
		json_add_null(o, "signal");
	json_add_str(o, "state", pen_state_name(st->state));
	json_add_str(o, "stop_reason", pen_stop_reason_name(st->stop_reason));
	json_add_fault(o, st);
	json_add_depth(o, "depth", st->depth_um);
	json_add_rate(o, "rate", st->rate_mhz);
	json_add_uints(o, st, counts, ARRAY_SIZE(counts));
	json_add_u64(o, "elapsed_ns", elapsed);
	return json_print(stdout, o);
}

static void print_summary(const struct ctx *c, const struct run *r,
			  const struct pen_status *st, uint64_t elapsed)
{
	char a[FMT_LEN], why[64], f[64];

	switch (r->end) {
	case END_DURATION:
		snprintf(why, sizeof(why), "duration reached");
		break;
	case END_SIGNAL:
		snprintf(why, sizeof(why), "%s", signal_name(r->signo));
		break;
	case END_PEN:
		if (r->last.stop_reason == PEN_STOP_FAULT)
			snprintf(why, sizeof(why),
				 "stopped unexpectedly: fault %s",
				 pen_fault_name(r->last.fault));
		else
			snprintf(why, sizeof(why), "stopped unexpectedly: %s",
				 pen_stop_reason_name(r->last.stop_reason));
		break;
	case END_ERROR:
		snprintf(why, sizeof(why), "cannot %s", r->what);
		break;
	case END_LOG:
		snprintf(why, sizeof(why), "log unwritable");
		break;
	case END_PEDAL:
		snprintf(why, sizeof(why), "footswitch released");
		break;
	}
	printf("%s: stopped after %s s (%s)\n", c->path,
	       secs_str(elapsed, a), why);
	printf("  strokes:        %" PRIu64 "\n", (uint64_t)st->run_strokes);
	printf("  missed strokes: %" PRIu64 "\n",
	       (uint64_t)st->run_missed_strokes);
	printf("  max lateness:   %s us\n",
	       usecs_str(st->max_lateness_ns, a));
	if (st->fault != PEN_FAULT_NONE)
		printf("  fault:          %s at stroke %" PRIu64 "\n",
		       fault_str(st, f, sizeof(f)), (uint64_t)st->fault_seq);
}

/*
 * Everything before START: the pen's info, the log, hold-to-run, the
 * watchdog and the setpoints, in an order such that a refusal changes
 * nothing, and the session line. Returns 0, or -1 (said).
 */
static int run_prepare(struct runner *u)
{
	const struct ctx *c = u->c;
	int sig;

	if (read_info(c, u->pen, &u->info) < 0)
		return -1;
	/*
	 * Older drivers have no events: the run is then watched through the
	 * status alone, and cannot be logged.
	 */
	u->r.events = u->info.api_version >= 3;
	if (c->given & OPT_F_LOG) {
		if (!u->r.events) {
			errorf("%s: cannot log: the driver has no event stream (API %u; --log needs 3)",
			       c->path, u->info.api_version);
			return -1;
		}
		/* Before the setpoints: a refused log changes nothing. */
		if (open_log(c, &u->r) < 0)
			return -1;
	}
	/*
	 * Hold-to-run, and the kernel's watchdog that stops the needle if
	 * penctl stops kicking: before the setpoints too, for the same
	 * reason.
	 */
	if ((c->given & OPT_F_HOLD) &&
	    hold_to_run(c, u->pen, &u->info, true) < 0)
		return -1;
	if (arm_watchdog(c, u->pen, &u->info) < 0 ||
	    apply_setpoints(c, u->pen) < 0)
		return -1;
	if (read_status(c, u->pen, &u->st) < 0)
		return -1;

	/* Interrupted while setting up: then don't start at all. */
	sig = wait_signal(&u->set, 0);
	if (sig > 0) {
		errorf("%s: %s before the needle started; not starting",
		       c->path, signal_name(sig));
		return -1;
	}

	log_session(c, &u->r, &u->info, &u->st);
	if (u->r.log_err) {
		/* Said once: close_log() says it unless it was. */
		log_error(c, &u->r);
		return -1;
	}
	return 0;
}

/* START, said once it is true. Returns 0, or -1 (said). */
static int run_start(struct runner *u)
{
	const struct ctx *c = u->c;
	char a[FMT_LEN], b[FMT_LEN], d[FMT_LEN], t[FMT_LEN];

	/*
	 * From the start until the needle is stopped, nothing penctl writes
	 * can block it (a terminal stopped with Ctrl-S, a full pipe): it must
	 * stay free to kick the watchdog and act on Ctrl-C.
	 */
	if (quiet(&u->q) < 0)
		return -1;
	u->t0 = now_ns();
	if (pen_start(u->pen) < 0) {
		loud(&u->q);
		start_error(c, u->pen, errno);
		return -1;
	}
	u->r.last = u->st;
	u->r.last.state = PEN_STATE_RUNNING;
	/* Said once it is true: after START, not before. */
	if (c->json)
		return 0;
	if (c->given & OPT_F_DURATION)
		snprintf(d, sizeof(d), " for %s s",
			 milli_str(c->duration_ns / 1000000, t));
	else
		d[0] = '\0';
	say("%s: needle running at %s, %s%s (Ctrl-C stops)\n",
	    c->path, depth_str(u->st.depth_um, a),
	    rate_str(u->st.rate_mhz, b), d);
	return 0;
}

/* How the run ended, corrected by what the status read after it says. */
static void run_classify(struct runner *u)
{
	struct run *r = &u->r;
	const struct pen_status *st = &u->st;

	/*
	 * In hold-to-run, letting the pedal go is how a run ends: not a
	 * failure.
	 */
	if (!u->status_err && r->end == END_PEN &&
	    r->last.stop_reason == PEN_STOP_PEDAL &&
	    (st->flags & PEN_STATUS_HOLD_TO_RUN))
		r->end = END_PEDAL;

	/*
	 * A fault that stopped the needle just before our STOP (which keeps
	 * the stop reason of a stopped pen) ended the run, whatever else did.
	 */
	if (!u->status_err && r->end != END_PEN &&
	    st->state == PEN_STATE_STOPPED && st->started_ns >= u->t0 &&
	    st->stop_reason == PEN_STOP_FAULT) {
		r->end = END_PEN;
		r->last = *st;
	}

	/* The kernel's own timestamps are the needle's true run time. */
	u->elapsed = u->t1 - u->t0;
	if (st->started_ns >= u->t0 && st->stopped_ns >= st->started_ns &&
	    st->stopped_ns <= u->t1)
		u->elapsed = st->stopped_ns - st->started_ns;
}

/*
 * Watch the running needle, then stop it, always, even if the pen says
 * it stopped; read what it says after, and finish the log.
 */
static void run_watch(struct runner *u)
{
	/*
	 * Let the stop signals in while the needle runs; one that came
	 * during the start is handled now, and stops it.
	 */
	stop_pen = u->pen;
	sigprocmask(SIG_UNBLOCK, &u->set, NULL);
	watch(u->c, u->pen, u->t0, &u->r);
	sigprocmask(SIG_BLOCK, &u->set, NULL);
	stop_pen = NULL;

	/* Always STOP explicitly, even if the pen says it stopped. */
	if (pen_stop(u->pen) < 0)
		u->stop_err = errno;
	u->t1 = now_ns();

	u->have_status = true;
	if (pen_get_status(u->pen, &u->st) < 0) {
		u->st_err = errno;
		u->status_err = errno;
		u->have_status = false;
		u->st = u->r.last;
		/* Gone, as already reported: nothing left to stop. */
		if (u->status_err == ENODEV && u->r.end == END_PEN) {
			u->status_err = 0;
			u->stop_err = 0;
		}
	}

	/* Stopped: what waited is written, and what was dropped said. */
	u->lost_output = loud(&u->q) < 0;
	run_classify(u);
	if (u->r.log) {
		if (!u->r.gone)
			drain_events(u->pen, &u->r);
		log_summary(&u->r, u->have_status ? &u->st : NULL, u->st_err,
			    u->elapsed);
	}
}

/* Why the run ended, if not as asked. Returns true if something was said. */
static bool run_end_error(struct runner *u)
{
	const struct ctx *c = u->c;
	const struct run *r = &u->r;
	char f[64];

	switch (r->end) {
	case END_PEN:
		if (r->last.stop_reason == PEN_STOP_FAULT)
			errorf("%s: needle stopped: fault %s", c->path,
			       fault_str(r->last.fault != PEN_FAULT_NONE ?
					 &r->last : &u->st, f, sizeof(f)));
		else
			errorf("%s: needle stopped unexpectedly (state %s, stop reason %s)",
			       c->path, pen_state_name(r->last.state),
			       pen_stop_reason_name(r->last.stop_reason));
		return true;
	case END_ERROR:
		ioctl_error(c, r->what, r->err);
		return true;
	default:
		return false;
	}
}

/* Everything that went wrong, said; then the summary. Exit status. */
static int run_report(struct runner *u)
{
	const struct ctx *c = u->c;
	bool reported = run_end_error(u);

	/*
	 * Make sure the needle is seen stopped. If it is not, say so; the
	 * pen_close() after this then makes the kernel stop it in any case.
	 */
	if (!reported && u->stop_err &&
	    (u->status_err || u->st.state == PEN_STATE_RUNNING)) {
		ioctl_error(c, "stop the needle", u->stop_err);
		reported = true;
	} else if (!reported && u->status_err) {
		ioctl_error(c, "read pen status", u->status_err);
		reported = true;
	} else if (!reported && u->st.state == PEN_STATE_RUNNING) {
		errorf("%s: needle still running after STOP", c->path);
		reported = true;
	}
	/* A log that lost lines is a failed run, whatever else happened. */
	if (log_failed(&u->r)) {
		log_error(c, &u->r);
		reported = true;
	} else if (u->r.drain_err) {
		ioctl_error(c, "read pen events", u->r.drain_err);
		reported = true;
	}

	if (c->json) {
		if (print_summary_json(c, &u->r, &u->st, u->elapsed) < 0)
			reported = true;
	} else {
		print_summary(c, &u->r, &u->st, u->elapsed);
	}
	/* Output that did not arrive is a failure, said by loud(). */
	return reported || u->lost_output ? EXIT_RUNTIME : 0;
}

/* start and run: set the setpoints given, run, watch, stop, summarize. */
int cmd_run(struct ctx *c)
{
	struct runner u = { .c = c };
	int rc = EXIT_RUNTIME;

	if (c->given & OPT_F_BUTTONS)
		return cmd_run_buttons(c);

	/*
	 * Block the stop signals before touching the pen: from here on one
	 * arriving at any moment waits in the queue, to cancel the start or,
	 * once the needle runs, to be handled by on_stop_signal(), instead
	 * of killing penctl half-way.
	 */
	if (block_stop_signals(&u.set) < 0)
		return EXIT_RUNTIME;
	/* A closed stdout or log must not kill penctl before it has stopped. */
	signal(SIGPIPE, SIG_IGN);

	u.pen = open_pen(c, PEN_OPEN_CONTROL);
	if (!u.pen)
		return EXIT_RUNTIME;
	if (run_prepare(&u) < 0 || run_start(&u) < 0)
		goto out;
	run_watch(&u);
	rc = run_report(&u);
out:
	loud(&u.q);
	pen_close(u.pen);
	if (close_log(c, &u.r) < 0)
		rc = EXIT_RUNTIME;
	return rc;
}
