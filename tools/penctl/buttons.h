/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run --buttons: the session's state (buttons.c) and its command
 * (cmd-buttons.c).
 */
#ifndef PENCTL_BUTTONS_H
#define PENCTL_BUTTONS_H

#include "run.h"

/*
 * The needle runs when the person holding the pen says so, and every
 * change is printed as a line. The kernel never acts on a button: what a
 * press means is decided here. With a footswitch, the main button arms and
 * disarms, and the needle runs only while armed and the pedal is held;
 * without, the main button starts and stops it. Anything that stops the
 * needle behind penctl's back (a fault, another process's stop, the run
 * time) disarms, so that only a new press starts it again.
 */
struct session {
	const struct ctx *c;
	struct pen *pen;
	struct pen_buttons *buttons;
	uint32_t depth_um;
	const uint32_t *levels;
	unsigned int n_levels;
	unsigned int level;		/* index into levels */
	bool footswitch;		/* arm with main, run with the pedal */
	bool armed;
	bool running;			/* as far as the events tell */
	bool resync;			/* events were lost: ask the status */
	bool gone;			/* the pen, or its buttons, went away */
	bool lost_output;		/* lines were dropped while it ran */
	bool pedal_stopped;		/* the kernel stopped it as the pedal came up */
	int err;			/* a failure that ends the session */
	const char *what;		/* what failed, for err */
	unsigned int runs;
	uint64_t run_since;		/* when the current run started */
	uint64_t run_ns;		/* the needle's running time so far */
};

const char *level_str(const struct session *s, char *buf);
void session_fail(struct session *s, const char *what, int err);
void session_event(struct run *r, const struct pen_event *e);
void session_loop(struct session *s, struct run *r, uint64_t t0);
void buttons_error(const struct ctx *c, int err);
int session_levels(const struct ctx *c, const struct pen_info *info,
		   uint32_t *levels, unsigned int *n, unsigned int *start);

#endif /* PENCTL_BUTTONS_H */
