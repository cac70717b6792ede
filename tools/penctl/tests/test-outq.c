// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of penctl's output queue (tools/penctl/outq.c): what it
 * promises penctl while the needle runs. Lines reach a reader whole and
 * in order; a full pipe that nobody reads never blocks the writer, and
 * what did not get through is dropped whole and counted; a reader that
 * goes away is an error, not a SIGPIPE or a hang.
 *
 * Output is TAP-like, one "ok N - ..." or "not ok N - ..." per check,
 * then "N passed, N failed" on the last line; the exit status is 1 if a
 * check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../outq.h"
#include "../../../libpen/tests/check.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A pipe, its write end full: a reader that is there but reads nothing.
 * Returns the bytes it holds, or -1.
 */
static ssize_t full_pipe(int p[2])
{
	ssize_t n, held = 0;
	char buf[4096];
	int fl;

	if (pipe(p))
		return -1;
	fl = fcntl(p[1], F_GETFL);
	fcntl(p[1], F_SETFL, fl | O_NONBLOCK);
	memset(buf, 'x', sizeof(buf));
	while ((n = write(p[1], buf, sizeof(buf))) > 0)
		held += n;
	while ((n = write(p[1], buf, 1)) > 0)
		held += n;
	fcntl(p[1], F_SETFL, fl);
	return held;
}

/*
 * A queue of @size bytes writing into a full pipe (@p), or NULL (and a
 * failed check); @held, if not NULL, is what full_pipe() held back.
 */
static struct outq *full_queue(int p[2], size_t size, ssize_t *held)
{
	ssize_t n = full_pipe(p);
	struct outq *q;

	if (held)
		*held = n;
	if (n < 0) {
		check(false, "pipe: %s", strerror(errno));
		return NULL;
	}
	q = outq_open(p[1], size);
	if (!q)
		check(false, "outq_open: %s", strerror(errno));
	return q;
}

static void test_lines_arrive_whole_and_in_order(void)
{
	char buf[4096], want[4096];
	uint64_t dropped = 1;
	size_t len = 0;
	struct outq *q;
	ssize_t n;
	int p[2], err = 1, i, ret;

	if (pipe(p)) {
		check(false, "pipe: %s", strerror(errno));
		return;
	}
	q = outq_open(p[1], 4096);
	check(q != NULL, "outq_open of a pipe");
	if (!q)
		return;
	for (i = 0; i < 50; i++) {
		fprintf(outq_file(q), "line %d\n", i);
		len += snprintf(want + len, sizeof(want) - len, "line %d\n", i);
	}
	ret = outq_close(q, -1, &dropped, &err);
	check(!ret && !dropped && !err,
	      "50 lines written out: closed with 0, none dropped, no error");
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	check(n == (ssize_t)len && !memcmp(buf, want, len),
	      "the reader got them all, in order (%zd of %zu bytes)", n, len);
	close(p[0]);
}

static void test_a_full_pipe_never_blocks_the_writer(void)
{
	uint64_t dropped = 0;
	struct outq *q;
	double t0, took;
	int p[2], err = -1, i, ret;

	q = full_queue(p, 1000, NULL);
	if (!q)
		return;
	t0 = now_s();
	/* 100 lines of 50 bytes: 20 fit in the queue, 80 do not. */
	for (i = 0; i < 100; i++)
		fprintf(outq_file(q), "%048d\n", i);
	took = now_s() - t0;
	check(took < 1.0, "100 lines into a full pipe return at once (%.3f s)",
	      took);
	t0 = now_s();
	ret = outq_close(q, 100000000, &dropped, &err);
	took = now_s() - t0;
	check(ret == -1 && dropped == 100 && !err,
	      "closing waits its 0.1 s, then counts all 100 lines dropped (%d, %llu, %s)",
	      ret, (unsigned long long)dropped, strerror(err));
	check(took >= 0.1 && took < 1.0, "and returns after %.3f s", took);
	/* The writer thread, stuck in write(), frees the queue once it can. */
	close(p[0]);
	close(p[1]);
}

static void test_what_fits_goes_out_whole(void)
{
	char buf[8192];
	uint64_t dropped = 0;
	struct outq *q;
	ssize_t n, got = 0, held;
	int p[2], err = -1, i, ret, lines = 0;

	/* Held back until the queue is full: the writer is stuck first. */
	q = full_queue(p, 100, &held);
	if (!q)
		return;
	for (i = 0; i < 10; i++)
		fprintf(outq_file(q), "%028d\n", i);
	/* Take what filled the pipe: what was queued then goes out. */
	while (held > 0 &&
	       (n = read(p[0], buf, held < (ssize_t)sizeof(buf) ?
				    (size_t)held : sizeof(buf))) > 0)
		held -= n;
	ret = outq_close(q, -1, &dropped, &err);
	/* Whole lines of 29 bytes. */
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	while ((n = read(p[0], buf + got, sizeof(buf) - got)) > 0)
		got += n;
	for (i = 0; i < got; i++)
		lines += buf[i] == '\n';
	check(ret == -1 && dropped == 7 && !err,
	      "a 100-byte queue takes 3 lines of 29 bytes and drops 7 (%llu)",
	      (unsigned long long)dropped);
	check(lines == 3 && got == 3 * 29 && buf[got - 1] == '\n',
	      "the 3 arrive whole (%d lines, %zd bytes)", lines, got);
	close(p[0]);
	close(p[1]);
}

static void test_a_reader_gone_is_an_error(void)
{
	uint64_t dropped = 0;
	struct outq *q;
	int p[2], err = 0, ret;

	if (pipe(p)) {
		check(false, "pipe: %s", strerror(errno));
		return;
	}
	close(p[0]);
	q = outq_open(p[1], 4096);
	if (!q) {
		check(false, "outq_open: %s", strerror(errno));
		return;
	}
	fprintf(outq_file(q), "one\ntwo\n");
	ret = outq_close(q, -1, &dropped, &err);
	check(ret == -1 && err == EPIPE && dropped == 2,
	      "a pipe without a reader: EPIPE, 2 lines dropped (%s, %llu)",
	      strerror(err), (unsigned long long)dropped);
	close(p[1]);
}

int main(void)
{
	/* As penctl does while the needle runs. */
	signal(SIGPIPE, SIG_IGN);
	test_lines_arrive_whole_and_in_order();
	test_a_full_pipe_never_blocks_the_writer();
	test_what_fits_goes_out_whole();
	test_a_reader_gone_is_an_error();
	return check_totals();
}
