/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The session log (log.c): written by run --log, read back by replay.
 */
#ifndef PENCTL_LOG_H
#define PENCTL_LOG_H

#include "run.h"

/* Version of the session log's format, in its session line. */
#define LOG_VERSION	1

void log_event(struct run *r, const struct pen_event *e);

/* What replay_line() gathers from a log, line by line. */
#define MAX_FAULT_KINDS	16

struct replay {
	const char *file;
	unsigned long line;
	bool session, summary, counters;
	char name[64], driver[64], model[64], serial[64], start_time[64];
	uint64_t records, strokes, measured, missed, faults, setpoints;
	uint64_t overflows, lost, other;
	int64_t err_min, err_max, err_sum;
	uint64_t max_lateness;
	/* The time the needle ran: the sum of running..stopped intervals. */
	bool running, ended_running;
	uint64_t run_since, run_ns, last_ns;
	struct {
		char name[32];
		uint64_t count;
	} kinds[MAX_FAULT_KINDS];
	size_t n_kinds;
	uint64_t other_faults;		/* of kinds beyond MAX_FAULT_KINDS */
	/* From the summary line. */
	uint64_t sum_strokes, sum_missed;
	char ended_by[32], stop_reason[32], sum_fault[32], sum_error[128];
};

int replay_line(struct replay *rp, const char *text, size_t len);

#endif /* PENCTL_LOG_H */
