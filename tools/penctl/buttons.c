// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * run --buttons: the pen's own buttons in control, as a state machine
 * fed by button presses and the pen's events.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>

#include "buttons.h"

/* "level 1/6 (25 Hz)"; @buf holds 64 */
const char *level_str(const struct session *s, char *buf)
{
	char r[FMT_LEN];

	snprintf(buf, 64, "level %u/%u (%s)", s->level + 1, s->n_levels,
		 rate_str(s->levels[s->level], r));
	return buf;
}

/* The hint for a latched fault, which only the controller may clear. */
static void fault_hint(const struct session *s, char *buf, size_t len)
{
	if (!strcmp(s->c->path, DEFAULT_DEVICE))
		snprintf(buf, len, "end this run (Ctrl-C), then 'penctl clear-fault'");
	else
		snprintf(buf, len, "end this run (Ctrl-C), then 'penctl -d %s clear-fault'",
			 s->c->path);
}

/* An error that ends the session: the needle is stopped on the way out. */
void session_fail(struct session *s, const char *what, int err)
{
	if (err == ENODEV) {
		s->gone = true;
		return;
	}
	if (!s->err) {
		s->err = err;
		s->what = what;
	}
}

/* A pen event, after it is logged: follow the needle's state. */
void session_event(struct run *r, const struct pen_event *e)
{
	struct session *s = r->data;
	char f[64], h[128];

	switch (e->type) {
	case PEN_EVENT_STATE:
		if (e->state.state == PEN_STATE_RUNNING) {
			s->run_since = e->timestamp_ns;
			break;
		}
		if (s->run_since && e->timestamp_ns > s->run_since)
			s->run_ns += e->timestamp_ns - s->run_since;
		s->run_since = 0;
		/* Our own stops clear running first; this one is not ours. */
		if (!s->running)
			break;
		s->running = false;
		/*
		 * The kernel's hold-to-run stopped it as the pedal came up:
		 * what letting go is for. Said with the release, once.
		 */
		if (e->state.stop_reason == PEN_STOP_PEDAL) {
			s->pedal_stopped = true;
			break;
		}
		/* Removal is said once, when the session ends. */
		if (e->state.stop_reason == PEN_STOP_REMOVED)
			break;
		errorf("%s: needle stopped: %s%s", s->c->path,
		       pen_stop_reason_name(e->state.stop_reason),
		       s->armed ? "; disarmed" : "");
		s->armed = false;
		break;
	case PEN_EVENT_FAULT:
		if (!(e->flags & PEN_FAULT_LATCHED))
			break;
		fault_hint(s, h, sizeof(h));
		fault_desc(e->fault.fault, e->fault.value, f, sizeof(f));
		if (!s->running) {
			errorf("%s: fault %s latched; the needle cannot start until it is cleared: %s",
			       s->c->path, f, h);
			break;
		}
		/*
		 * The stop comes as the next event; say it once, here, with
		 * the fault, and let that event find the needle stopped.
		 */
		errorf("%s: needle stopped: fault %s latched%s; to clear it, %s",
		       s->c->path, f, s->armed ? "; disarmed" : "", h);
		s->running = false;
		s->armed = false;
		break;
	case PEN_EVENT_OVERFLOW:
		/* A stop may be among the events lost. */
		s->resync = true;
		break;
	default:
		break;
	}
}

/*
 * Take the pen's events buffered now. Before a start, so that the stop
 * events of earlier runs (queued by the time STOP returned) are not taken
 * for the new run's.
 */
static void session_pen_events(struct session *s, struct run *r)
{
	struct pen_status st;

	if (s->gone || s->err)
		return;
	if (read_events(s->pen, r) < 0) {
		session_fail(s, "read pen events", errno);
		return;
	}
	if (r->gone) {
		s->gone = true;
		return;
	}
	if (!s->resync)
		return;
	s->resync = false;
	if (pen_get_status(s->pen, &st) < 0) {
		session_fail(s, "read pen status", errno);
		return;
	}
	if (s->running && st.state != PEN_STATE_RUNNING) {
		errorf("%s: needle stopped: %s%s", s->c->path,
		       pen_stop_reason_name(st.stop_reason),
		       s->armed ? "; disarmed" : "");
		s->running = false;
		s->armed = false;
	}
}

/* START, saying why (@what: "main button", "footswitch pressed"). */
static void session_start(struct session *s, struct run *r, const char *what)
{
	char a[FMT_LEN], l[64], h[128], why[128];
	const char *dis, *reason;
	bool fault;
	int err;

	session_pen_events(s, r);
	if (s->gone || s->err || stop_signo)
		return;
	if (!pen_start(s->pen)) {
		s->running = true;
		s->runs++;
		say("%s: %s: started at %s, %s\n", s->c->path, what,
		    depth_str(s->depth_um, a), level_str(s, l));
		return;
	}
	err = errno;
	/* A signal wants the session over: the loop sees it next. */
	if (err == EINTR)
		return;
	if (err == ENODEV) {
		s->gone = true;
		return;
	}
	if (err == EALREADY) {
		s->running = true;
		say("%s: %s: already running\n", s->c->path, what);
		return;
	}
	/*
	 * In hold-to-run the pedal came up before the needle started (or
	 * while it powered up): the pedal doing its job. Still armed: the
	 * next press starts it.
	 */
	if (s->footswitch && (err == EAGAIN || err == ECANCELED)) {
		say("%s: %s: the footswitch came up before the needle started\n",
		    s->c->path, what);
		return;
	}
	/* Not started: a later press of the pedal must not start it. */
	dis = s->armed ? "; disarmed" : "";
	s->armed = false;
	reason = start_refusal(s->pen, err, why, &fault);
	if (fault) {
		fault_hint(s, h, sizeof(h));
		errorf("%s: %s: cannot start: %s%s; to clear it, %s",
		       s->c->path, what, reason, dis, h);
	} else {
		errorf("%s: %s: cannot start: %s%s", s->c->path, what,
		       reason ? reason : ioctl_strerror(err), dis);
	}
}

static void session_stop(struct session *s, const char *what)
{
	/*
	 * Stopped from here on, as far as the session knows: if the STOP
	 * fails, the session ends, and closing the pen stops the needle.
	 */
	s->running = false;
	if (pen_stop(s->pen) < 0) {
		session_fail(s, "stop the needle", errno);
		return;
	}
	say("%s: %s: stopped\n", s->c->path, what);
}

/* One level faster (@step 1) or slower (-1), from the next stroke on. */
static void session_speed(struct session *s, int step)
{
	const char *what = step > 0 ? "speed up" : "speed down";
	char l[64], r[FMT_LEN];
	unsigned int next;

	if ((step > 0 && s->level + 1 == s->n_levels) ||
	    (step < 0 && s->level == 0)) {
		say("%s: %s: already at the %s level, %s\n", s->c->path,
		    what, step > 0 ? "fastest" : "slowest",
		    level_str(s, l));
		return;
	}
	next = s->level + step;
	if (pen_set_rate(s->pen, s->levels[next]) < 0) {
		if (errno == ENODEV) {
			s->gone = true;
			return;
		}
		/* The level stays: the pen runs at what it says it runs. */
		errorf("%s: %s: cannot set the rate to %s: %s", s->c->path,
		       what, rate_str(s->levels[next], r),
		       ioctl_strerror(errno));
		return;
	}
	s->level = next;
	say("%s: %s: %s\n", s->c->path, what, level_str(s, l));
}

static void session_button(struct session *s, struct run *r,
			   const struct pen_button_event *ev)
{
	/* The resynced state follows: a pedal held meanwhile still counts. */
	if (ev->flags & PEN_BUTTON_EVENT_OVERFLOW) {
		errorf("%s: button presses were lost (penctl fell behind); the buttons' state is read back",
		       s->c->path);
		return;
	}
	switch (ev->key) {
	case PEN_KEY_MAIN:
		if (!ev->pressed)
			break;
		if (!s->footswitch) {
			if (s->running)
				session_stop(s, "main button");
			else
				session_start(s, r, "main button");
		} else if (s->armed) {
			s->armed = false;
			if (s->running)
				session_stop(s, "main button: disarmed");
			else
				say("%s: main button: disarmed\n",
				    s->c->path);
		} else {
			s->armed = true;
			/* A pedal already held starts it: that is arming. */
			if (pen_buttons_is_pressed(s->buttons,
						   PEN_KEY_FOOTSWITCH) == 1)
				session_start(s, r,
					      "main button: armed, footswitch held");
			else
				say("%s: main button: armed; the footswitch runs the needle\n",
				    s->c->path);
		}
		break;
	case PEN_KEY_FOOTSWITCH:
		if (!s->footswitch)
			break;
		if (!ev->pressed) {
			/*
			 * Let go of the pedal: stop, whatever else holds. The
			 * kernel has already, in hold-to-run; STOP again all
			 * the same, should the event have come first.
			 */
			if (s->running || s->pedal_stopped)
				session_stop(s, "footswitch released");
			else
				say("%s: footswitch released\n",
				    s->c->path);
			s->pedal_stopped = false;
		} else if (!s->armed) {
			say("%s: footswitch pressed: not armed (the main button arms)\n",
			    s->c->path);
		} else if (!s->running) {
			session_start(s, r, "footswitch pressed");
		}
		break;
	case PEN_KEY_SPEED_UP:
	case PEN_KEY_SPEED_DOWN:
		if (ev->pressed)
			session_speed(s, ev->key == PEN_KEY_SPEED_UP ? 1 : -1);
		break;
	default:
		break;
	}
}

/* Every button event buffered now. */
/* Button events per wake-up: the loop must get back to kicking. */
#define BUTTON_BATCH	64

static void session_buttons(struct session *s, struct run *r)
{
	struct pen_button_event ev;
	unsigned int n;
	int ret;

	/* A stop signal ends the session: no press acted on after it. */
	for (n = 0; n < BUTTON_BATCH && !s->gone && !s->err && !stop_signo;
	     n++) {
		ret = pen_buttons_read(s->buttons, &ev);
		if (ret == 0)
			return;
		if (ret < 0) {
			session_fail(s, "read the buttons", errno);
			return;
		}
		session_button(s, r, &ev);
	}
}

/* Why the buttons cannot be opened, in words. */
void buttons_error(const struct ctx *c, int err)
{
	switch (err) {
	case ENOTSUP:
		errorf("%s: the pen has no buttons", c->path);
		break;
	case ENXIO:
		errorf("%s: cannot open the buttons: no event device (is the evdev module loaded?)",
		       c->path);
		break;
	case ENOENT:
		errorf("%s: cannot open the buttons: no /dev/input node for them",
		       c->path);
		break;
	case EPROTO:
		errorf("%s: cannot open the buttons: the input device lacks keys the pen reports",
		       c->path);
		break;
	default:
		errorf("%s: cannot open the buttons: %s", c->path,
		       open_strerror(err));
		break;
	}
}

/*
 * The levels, checked against the pen, and the one to start at: the
 * slowest, or the one --rate names. Exit status 2 for a level or a rate
 * the pen cannot run, as for any bad value; 0 if all is well.
 */
int session_levels(const struct ctx *c, const struct pen_info *info,
		   uint32_t *levels, unsigned int *n,
		   unsigned int *start)
{
	char a[FMT_LEN], b[FMT_LEN], list[MAX_LEVELS * 16];
	uint64_t span = info->rate_max_mhz - info->rate_min_mhz;
	size_t len = 0;
	unsigned int i;
	uint32_t v;

	if (c->given & OPT_F_LEVELS) {
		for (i = 0; i < c->n_levels; i++) {
			if (c->levels[i] >= info->rate_min_mhz &&
			    c->levels[i] <= info->rate_max_mhz)
				continue;
			errorf("invalid level '%.*s': the pen runs at %s to %s",
			       c->level_len[i], c->level_text[i],
			       rate_str(info->rate_min_mhz, a),
			       rate_str(info->rate_max_mhz, b));
			return EXIT_USAGE;
		}
		memcpy(levels, c->levels, c->n_levels * sizeof(*levels));
		*n = c->n_levels;
	} else {
		/* Evenly spread, both ends included; fewer if they coincide. */
		*n = 0;
		for (i = 0; i < DEFAULT_LEVELS; i++) {
			v = info->rate_min_mhz +
			    span * i / (DEFAULT_LEVELS - 1);
			if (!*n || v > levels[*n - 1])
				levels[(*n)++] = v;
		}
	}

	*start = 0;
	if (!(c->given & OPT_F_RATE))
		return 0;
	for (i = 0; i < *n; i++)
		if (levels[i] == c->rate_mhz) {
			*start = i;
			return 0;
		}
	for (i = 0; i < *n && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				i ? ", " : "", milli_str(levels[i], a));
	errorf("invalid rate '%s': not one of the levels (%s Hz)", c->rate_arg,
	       list);
	return EXIT_USAGE;
}

/*
 * Wait for the pen's events, the buttons, a stop signal or the end of
 * the duration, whichever first. The stop signals are let in only inside
 * ppoll(), atomically, so that one arriving just before the wait still
 * ends it; elsewhere they are let in all along, and stop the needle from
 * the handler wherever the loop is (a write to a stopped terminal, say).
 */
static int session_wait(struct session *s, struct pollfd *fds,
			int64_t timeout_ns)
{
	struct timespec ts, *tsp = NULL;
	sigset_t set, open_mask;
	int ret, err;

	stop_signal_set(&set);
	sigprocmask(SIG_BLOCK, &set, &open_mask);
	if (stop_signo) {
		sigprocmask(SIG_SETMASK, &open_mask, NULL);
		return 0;
	}
	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / NSEC_PER_SEC;
		ts.tv_nsec = timeout_ns % NSEC_PER_SEC;
		tsp = &ts;
	}
	fds[0].fd = pen_fd(s->pen);
	fds[0].events = POLLIN;
	fds[1].fd = pen_buttons_fd(s->buttons);
	fds[1].events = POLLIN;
	ret = ppoll(fds, 2, tsp, &open_mask);
	err = errno;
	sigprocmask(SIG_SETMASK, &open_mask, NULL);
	if (ret < 0 && err == EINTR)
		return 0;
	if (ret < 0 || ((fds[0].revents | fds[1].revents) & POLLNVAL)) {
		session_fail(s, "wait for the pen", ret < 0 ? err : EBADF);
		return -1;
	}
	return ret;
}

void session_loop(struct session *s, struct run *r, uint64_t t0)
{
	bool duration = s->c->given & OPT_F_DURATION;
	struct pollfd fds[2];
	uint64_t now, left;
	int64_t timeout;

	for (;;) {
		if (r->gone)
			s->gone = true;
		if (s->gone || s->err) {
			r->end = s->gone ? END_PEN : END_ERROR;
			return;
		}
		if (run_interrupted(r))
			return;
		/* Alive, at least four times a watchdog timeout. */
		if (!kick(s->c, s->pen, r)) {
			session_fail(s, r->what, r->err);
			continue;
		}
		timeout = kick_ns(s->c);
		if (duration) {
			now = now_ns();
			if (now - t0 >= s->c->duration_ns) {
				r->end = END_DURATION;
				return;
			}
			left = s->c->duration_ns - (now - t0);
			if (left < (uint64_t)timeout)
				timeout = left;
		}

		if (session_wait(s, fds, timeout) <= 0)
			continue;
		/*
		 * The pen first: a stop it reports is then known before a
		 * press is acted on. A hangup of either means the pen is
		 * gone; the reads find that out (ENODEV).
		 */
		if (fds[0].revents)
			session_pen_events(s, r);
		if (fds[1].revents)
			session_buttons(s, r);
	}
}
