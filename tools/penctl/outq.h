/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output that never blocks its writer.
 *
 * While the needle runs, penctl must not block: a write to a terminal
 * stopped with Ctrl-S, to a pipe nobody reads or to a slow disk would
 * hold up the loop that kicks the watchdog and acts on the buttons. So
 * the lines it writes meanwhile go into a bounded queue in memory, and a
 * thread of its own writes them out. What does not fit is dropped, whole
 * lines at a time, and counted, so that it can be said at the end.
 */
#ifndef PENCTL_OUTQ_H
#define PENCTL_OUTQ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct outq;

/*
 * A queue of up to @capacity bytes for @fd, and its writer thread.
 * Returns NULL with errno set on failure.
 */
struct outq *outq_open(int fd, size_t capacity);

/*
 * A line-buffered stdio stream into @q: each line (up to its newline,
 * and up to OUTQ_LINE_MAX bytes) is queued whole, or dropped whole.
 * Closed by outq_close().
 */
#define OUTQ_LINE_MAX	65536
FILE *outq_file(struct outq *q);

/* The lines dropped so far; *@err gets the first write error, or 0. */
uint64_t outq_lost(struct outq *q, int *err);

/*
 * Write out what is queued, waiting up to @timeout_ns for the writer
 * (-1: as long as it takes), then end the thread and free @q. What is
 * still unwritten then counts as dropped. *@dropped gets the lines
 * dropped in all, *@err the first write error (0 if none). Returns 0 if
 * every line was written, -1 if not.
 */
int outq_close(struct outq *q, int64_t timeout_ns, uint64_t *dropped,
	       int *err);

#endif /* PENCTL_OUTQ_H */
