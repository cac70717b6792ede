// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * penctl's lines: what it says on standard output, its one-line errors on
 * standard error, and the queues those go through while the needle runs,
 * so that neither can block penctl then.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "outq.h"
#include "penctl.h"

/*
 * Where penctl's lines go: stdout and stderr, except while the needle
 * runs, when they go through queues that never block (see quiet()).
 */
static FILE *out_fp;
static FILE *err_fp;

static FILE *out_file(void)
{
	return out_fp ? out_fp : stdout;
}

/* A line (or more) on standard output. */
void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out_file(), fmt, ap);
	va_end(ap);
}

/*
 * Report an error: exactly one line on stderr, prefixed "penctl: ".
 * Control characters are replaced, since the message may quote argv or
 * strings from the driver, and a newline there would split the line.
 */
void errorf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';

	/* Keep stdout and stderr in order when both go to a terminal. */
	fflush(out_file());
	fprintf(err_fp ? err_fp : stderr, "penctl: %s\n", buf);
}

/* ---- While the needle runs: nothing blocks, the kernel watches ---------- */

/*
 * stdout and stderr while the needle runs: 64 KiB each may wait for a
 * terminal or a pipe; once the needle is stopped, they get a second to
 * write it out before the rest counts as dropped.
 */
#define QUIET_QUEUE	(64u << 10)
#define QUIET_DRAIN_NS	NSEC_PER_SEC

/*
 * From here until loud(), nothing penctl writes to stdout or stderr can
 * block it: a terminal stopped with Ctrl-S or a pipe nobody reads only
 * makes lines wait, or be dropped and counted. Returns 0, or -1 (said)
 * if the queues cannot be made: then the needle must not run.
 */
int quiet(struct quiet *q)
{
	int err;

	fflush(stdout);
	fflush(stderr);
	q->out = outq_open(STDOUT_FILENO, QUIET_QUEUE);
	q->err = q->out ? outq_open(STDERR_FILENO, QUIET_QUEUE) : NULL;
	if (!q->err) {
		err = errno;
		if (q->out) {
			uint64_t lost;
			int e;

			outq_close(q->out, 0, &lost, &e);
		}
		q->out = NULL;
		errorf("cannot set up the output: %s", strerror(err));
		return -1;
	}
	out_fp = outq_file(q->out);
	err_fp = outq_file(q->err);
	return 0;
}

/*
 * The needle is stopped: write out what waited, and say what was dropped.
 * Returns 0, or -1 if a line was lost.
 */
int loud(struct quiet *q)
{
	uint64_t out_lost = 0, err_lost = 0;
	int out_err = 0, err_err = 0;

	if (!q->out)
		return 0;
	out_fp = NULL;
	err_fp = NULL;
	outq_close(q->err, QUIET_DRAIN_NS, &err_lost, &err_err);
	outq_close(q->out, QUIET_DRAIN_NS, &out_lost, &out_err);
	q->out = NULL;
	q->err = NULL;
	if (out_lost)
		errorf("%" PRIu64 " line%s of output dropped: standard output did not take %s while the needle ran%s%s",
		       out_lost, out_lost == 1 ? "" : "s",
		       out_lost == 1 ? "it" : "them", out_err ? ": " : "",
		       out_err ? strerror(out_err) : "");
	if (err_lost)
		errorf("%" PRIu64 " line%s of messages dropped: standard error did not take %s while the needle ran%s%s",
		       err_lost, err_lost == 1 ? "" : "s",
		       err_lost == 1 ? "it" : "them", err_err ? ": " : "",
		       err_err ? strerror(err_err) : "");
	return out_lost || err_lost ? -1 : 0;
}
