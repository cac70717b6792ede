/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * penctl while the needle runs: the stop signals, the run loop that
 * watches the needle and kicks the kernel's watchdog, and the state of
 * one run that the session log and the summary report.
 */
#ifndef PENCTL_RUN_H
#define PENCTL_RUN_H

#include <signal.h>

#include "penctl.h"

/* signals.c: the signals that stop the needle */
extern volatile sig_atomic_t stop_signo;
extern struct pen *stop_pen;
const char *signal_name(int signo);
void stop_signal_set(sigset_t *set);
int catch_signals(const sigset_t *set);
int block_stop_signals(sigset_t *set);
int wait_signal(const sigset_t *set, uint64_t ns);

enum end {
	END_DURATION,		/* --duration elapsed */
	END_SIGNAL,		/* a stop signal arrived */
	END_PEN,		/* the pen stopped without being asked */
	END_ERROR,		/* the status or the events could not be read */
	END_LOG,		/* the session log could not be written */
	END_PEDAL,		/* hold-to-run: the footswitch was let go */
};

extern const char *const end_names[];

/* Events taken per read(2): 4 KiB. */
#define EVENT_BATCH	64

struct run {
	enum end end;
	int signo;
	int err;
	const char *what;		/* what failed, for END_ERROR */
	struct pen_status last;		/* the last status read */
	bool events;			/* the driver has events (API 3) */
	bool stopped;			/* a "stopped" state event was read */
	bool gone;			/* the events ended: the pen was removed */
	int drain_err;			/* reading the last events failed */
	FILE *log;			/* --log, or NULL */
	int log_fd;
	struct outq *log_q;		/* what r->log writes into */
	int log_err;			/* the first error writing it */
	uint64_t log_lost;		/* lines it dropped, behind */
	bool log_said;			/* that was reported */
	uint64_t logged;		/* event lines written */
	uint64_t lost;			/* events the overflow records lost */
	/* run --buttons: each event read, after it is logged */
	void (*on_event)(struct run *r, const struct pen_event *e);
	void *data;
};

/* run.c: the needle under penctl's watch */
uint64_t now_ns(void);
uint64_t kick_ns(const struct ctx *c);
int arm_watchdog(const struct ctx *c, struct pen *pen,
		 const struct pen_info *info);
bool kick(const struct ctx *c, struct pen *pen, struct run *r);
int hold_to_run(const struct ctx *c, struct pen *pen,
		const struct pen_info *info, bool wanted);
int read_events(struct pen *pen, struct run *r);
bool run_interrupted(struct run *r);
void watch(const struct ctx *c, struct pen *pen, uint64_t t0,
	   struct run *r);
void drain_events(struct pen *pen, struct run *r);
const char *start_refusal(struct pen *pen, int err, char *buf, bool *fault);
void start_error(const struct ctx *c, struct pen *pen, int err);

/* monitor.c: one event as one line for people, on stdout */
void print_event(const struct pen_event *e);

/* log.c: the session log of run --log, and each event as JSON */
struct json_object *event_json(const struct pen_event *e);
int open_log(const struct ctx *c, struct run *r);
void log_error(const struct ctx *c, struct run *r);
int close_log(const struct ctx *c, struct run *r);
bool log_failed(const struct run *r);
void log_session(const struct ctx *c, struct run *r,
		 const struct pen_info *info, const struct pen_status *st);
void log_summary(struct run *r, const struct pen_status *st, int err,
		 uint64_t elapsed);

#endif /* PENCTL_RUN_H */
