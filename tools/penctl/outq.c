// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output that never blocks its writer: a bounded ring in memory and a
 * thread that writes it out (see outq.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outq.h"

struct outq {
	int fd;
	char *buf;		/* a ring of cap bytes */
	size_t cap;
	size_t head;		/* the oldest byte not yet written */
	size_t len;		/* bytes queued from head on */
	uint64_t dropped;	/* lines */
	int err;		/* the first write error */
	bool closing;		/* write out what is left, then end */
	bool abandoned;		/* closed while the thread was stuck: it frees */
	pthread_mutex_t lock;
	pthread_cond_t more;	/* something queued, or closing */
	pthread_cond_t drained;	/* nothing left to write */
	pthread_t thread;
	FILE *file;
};

/* Lines in @n bytes: the newlines, and a last line without one. */
static uint64_t lines_in(const char *p, size_t n)
{
	uint64_t lines = 0;
	size_t i;

	for (i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines + (n && p[n - 1] != '\n');
}

/* What the ring holds from @at on, @n bytes, as lines. */
static uint64_t ring_lines(const struct outq *q, size_t at, size_t n)
{
	size_t first = n < q->cap - at ? n : q->cap - at;

	return lines_in(q->buf + at, first) + lines_in(q->buf, n - first);
}

/* stdio's write: queue all of it or none, and never fail the stream. */
static ssize_t outq_put(void *cookie, const char *p, size_t n)
{
	struct outq *q = cookie;
	size_t tail, first;

	pthread_mutex_lock(&q->lock);
	if (q->err || q->closing || n > q->cap - q->len) {
		q->dropped += lines_in(p, n);
	} else {
		tail = (q->head + q->len) % q->cap;
		first = n < q->cap - tail ? n : q->cap - tail;
		memcpy(q->buf + tail, p, first);
		memcpy(q->buf, p + first, n - first);
		q->len += n;
		pthread_cond_signal(&q->more);
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

static void outq_free(struct outq *q)
{
	pthread_cond_destroy(&q->drained);
	pthread_cond_destroy(&q->more);
	pthread_mutex_destroy(&q->lock);
	free(q->buf);
	free(q);
}

static void *outq_writer(void *arg)
{
	struct outq *q = arg;
	size_t chunk;
	ssize_t n;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->len && !q->closing)
			pthread_cond_wait(&q->more, &q->lock);
		if (!q->len) {
			pthread_cond_broadcast(&q->drained);
			if (q->closing)
				break;
			continue;
		}
		/* Written without the lock: new lines go after it, not over. */
		chunk = q->len < q->cap - q->head ? q->len : q->cap - q->head;
		pthread_mutex_unlock(&q->lock);
		do {
			n = write(q->fd, q->buf + q->head, chunk);
		} while (n < 0 && errno == EINTR);
		if (!n) {
			n = -1;
			errno = EIO;
		}
		pthread_mutex_lock(&q->lock);
		if (n < 0) {
			/* The rest cannot go either: dropped, counted. */
			q->err = errno;
			q->dropped += ring_lines(q, q->head, q->len);
			q->len = 0;
			continue;
		}
		q->head = (q->head + n) % q->cap;
		q->len -= n;
		if (q->abandoned)
			break;
	}
	if (q->abandoned) {
		pthread_mutex_unlock(&q->lock);
		outq_free(q);
		return NULL;
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct outq *outq_open(int fd, size_t capacity)
{
	cookie_io_functions_t io = { .write = outq_put };
	pthread_condattr_t ca;
	sigset_t all, old;
	struct outq *q;
	int err;

	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->fd = fd;
	q->cap = capacity;
	q->buf = malloc(capacity);
	if (!q->buf) {
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->drained, &ca);
	pthread_condattr_destroy(&ca);

	/* Line by line: a line is queued, or dropped, whole. */
	q->file = fopencookie(q, "w", io);
	if (!q->file || setvbuf(q->file, NULL, _IOLBF, OUTQ_LINE_MAX)) {
		err = errno ? errno : ENOMEM;
		goto fail;
	}
	/* Signals are the main thread's: it waits for them in ppoll(). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&q->thread, NULL, outq_writer, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err)
		return q;
fail:
	if (q->file)
		fclose(q->file);
	outq_free(q);
	errno = err;
	return NULL;
}

FILE *outq_file(struct outq *q)
{
	return q->file;
}

uint64_t outq_lost(struct outq *q, int *err)
{
	uint64_t lost;

	pthread_mutex_lock(&q->lock);
	lost = q->dropped;
	*err = q->err;
	pthread_mutex_unlock(&q->lock);
	return lost;
}

int outq_close(struct outq *q, int64_t timeout_ns, uint64_t *dropped,
	       int *err)
{
	struct timespec end;
	bool stuck = false;
	int ret;

	/* Its last, unfinished line too. */
	fclose(q->file);
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (timeout_ns >= 0) {
		end.tv_sec += timeout_ns / 1000000000;
		end.tv_nsec += timeout_ns % 1000000000;
		if (end.tv_nsec >= 1000000000) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000;
		}
	}

	pthread_mutex_lock(&q->lock);
	q->closing = true;
	pthread_cond_signal(&q->more);
	while (q->len && !stuck) {
		if (timeout_ns < 0)
			ret = pthread_cond_wait(&q->drained, &q->lock);
		else
			ret = pthread_cond_timedwait(&q->drained, &q->lock,
						     &end);
		stuck = ret == ETIMEDOUT;
	}
	*dropped = q->dropped + (q->len ? ring_lines(q, q->head, q->len) : 0);
	*err = q->err;
	ret = *dropped || q->err ? -1 : 0;
	if (q->len) {
		/*
		 * Still in write(): let it go. It frees the queue when the
		 * write returns, so nothing of it is touched after the unlock.
		 */
		q->abandoned = true;
		pthread_detach(q->thread);
		pthread_mutex_unlock(&q->lock);
		return ret;
	}
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	outq_free(q);
	return ret;
}
