// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream of /dev/penN: every stroke's record against the
 * simulated pen's own record of what its needle did, setpoints placed
 * among the strokes, lost events counted exactly, every reader seeing the
 * same stream, the read() and poll() rules, faults, cartridges, removal,
 * and a reader that keeps up at the fastest rate losing nothing over a
 * long run (PEN_EVENT_SOAK_S seconds, default 600).
 *
 * Counts are exact only when guest time is deterministic; the suite runs
 * under qemu -icount (see scripts/vm-run).
 */
#include <pthread.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"
#include "pen_proc.h"

#define SIM_ID		1000
#define SOAK_SIM_ID	1001
#define SOAK_RATE_MHZ	300000U
#define SOAK_DEFAULT_S	600

/* A stroke period as the core computes it: rounded to the nearest ns. */
static uint64_t period_ns(uint32_t rate_mhz)
{
	return (1000000000000ULL + rate_mhz / 2) / rate_mhz;
}

/*
 * Wait until the running needle has made @n strokes since its start (or
 * stopped by itself), emptying @rd into @evs meanwhile if @rd >= 0, so
 * that reader keeps up. The status it ended with.
 */
static struct pen_status run_until(int fd, uint64_t n, int rd,
				   struct pen_events *evs)
{
	struct pen_status st = pen_status_of(fd);

	while (st.state == PEN_STATE_RUNNING && st.run_strokes < n) {
		if (rd >= 0 && pen_events_drain(rd, evs))
			break;
		sleep_ns(5000000);
		st = pen_status_of(fd);
	}
	return st;
}

/* Index of the first record of @type at or after @from, or -1. */
static long find_event(const struct pen_events *e, uint32_t type, size_t from)
{
	size_t i;

	for (i = from; i < e->n; i++)
		if (e->ev[i].type == type)
			return i;
	return -1;
}

static void log_events(struct __test_metadata *_metadata,
		       const struct pen_events *e, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to && i < e->n; i++)
		TH_LOG("event %zu: %s flags %#x seq %llu raw %llx %llx %llx",
		       i, pen_event_name(e->ev[i].type), e->ev[i].flags,
		       (unsigned long long)e->ev[i].seq,
		       (unsigned long long)e->ev[i].raw[0],
		       (unsigned long long)e->ev[i].raw[1],
		       (unsigned long long)e->ev[i].raw[2]);
}

/* Every record's unused words and undefined flags are zero. */
static void check_unused_zero(struct __test_metadata *_metadata,
			      const struct pen_events *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		EXPECT_TRUE(pen_event_unused_zero(&e->ev[i]))
			log_events(_metadata, e, i, i + 1);
	}
}

/*
 * The records the tests expect, by type, in the order of the fields of
 * struct pen_event_<type>, and last the record's place @s among the
 * strokes (struct pen_event.seq); for expect_event().
 */
#define STATE_REC(st, why, depth, rate, s)				\
	((struct pen_event){ .type = PEN_EVENT_STATE, .seq = (s),	\
	  .state = { .state = (st), .stop_reason = (why),		\
		     .depth_um = (depth), .rate_mhz = (rate) } })
/* @t: PEN_EVENT_FAULT or PEN_EVENT_FAULT_CLEARED; @fl: its flags. */
#define FAULT_REC(t, f, v, fl, s)					\
	((struct pen_event){ .type = (t), .flags = (fl), .seq = (s),	\
	  .fault = { .fault = (f), .value = (v) } })
#define CARTRIDGE_REC(cid, st, budg, n, s)				\
	((struct pen_event){ .type = PEN_EVENT_CARTRIDGE, .seq = (s),	\
	  .cartridge = { .id = (cid), .state = (st), .budget = (budg),	\
			 .strokes = (n) } })

/*
 * Record @ev is @want: its type, flags and place among the strokes, and
 * its payload word by word, which is the fields its type defines and
 * zero after them. A mismatch names the type and the word.
 */
static void expect_event(struct __test_metadata *_metadata,
			 const struct pen_event *ev, struct pen_event want)
{
	size_t i;

	EXPECT_EQ(want.type, ev->type);
	EXPECT_EQ(want.flags, ev->flags);
	EXPECT_EQ(want.seq, ev->seq);
	for (i = 0; i < ARRAY_SIZE(want.raw); i++)
		EXPECT_EQ(want.raw[i], ev->raw[i])
			TH_LOG("%s record, payload word %zu",
			       pen_event_name(want.type), i);
}

/*
 * The STROKE records of @e against the sim's record @rec of @nrec strokes:
 * they are strokes @first to @first + @count - 1, once each and in order;
 * each has the record's commanded and reached depth, is measured exactly
 * when the record has a reach time, and was issued no later than the sim
 * saw it. Within a run (between STATE records) the ideal times, issue time
 * less lateness, are whole periods of the rate in force apart: the
 * absolute schedule, with the skipped periods in @missed.
 */
static void check_strokes(struct __test_metadata *_metadata,
			  const struct pen_events *e,
			  const struct sim_stroke *rec, long nrec,
			  uint64_t first, uint64_t count)
{
	const struct pen_event *prev = NULL;
	uint64_t next = first, ideal, prev_ideal = 0;
	const struct sim_stroke *r;
	size_t i;

	ASSERT_LT(0, nrec);
	for (i = 0; i < e->n; i++) {
		const struct pen_event *ev = &e->ev[i];
		const struct pen_event_stroke *s = &ev->stroke;
		int measured = !!(ev->flags & PEN_STROKE_MEASURED);

		if (ev->type == PEN_EVENT_STATE)
			prev = NULL;
		if (ev->type != PEN_EVENT_STROKE)
			continue;
		ASSERT_EQ(next, ev->seq)
			log_events(_metadata, e, i ? i - 1 : 0, i + 2);
		next++;
		ASSERT_LE(rec[0].seq, ev->seq);
		ASSERT_GT(rec[0].seq + nrec, ev->seq);
		r = &rec[ev->seq - rec[0].seq];
		ASSERT_EQ(r->seq, ev->seq);
		EXPECT_EQ(r->cmd_um, s->cmd_um);
		/*
		 * pen_vcm measures a stroke 100 us after the bench's needle
		 * arrives (pen,reach-time-us is lag_us + 100): a stop in
		 * between cuts a stroke that did arrive before it was
		 * measured, and its record is rightly unmeasured. Only the
		 * last stroke before a stop can be that one.
		 */
		if (!pen_backend_is_sim() && !measured && r->reach_ns &&
		    i + 1 < e->n && e->ev[i + 1].type == PEN_EVENT_STATE) {
			printf("# stroke %llu arrived, then the stop cut it before it was measured\n",
			       (unsigned long long)ev->seq);
		} else {
			EXPECT_EQ(r->reached_um, s->reached_um)
				TH_LOG("stroke %llu",
				       (unsigned long long)ev->seq);
			EXPECT_EQ(!!r->reach_ns, measured)
				TH_LOG("stroke %llu",
				       (unsigned long long)ev->seq);
		}
		EXPECT_EQ(measured, !!s->reached_ns);
		if (measured)
			EXPECT_LE(r->reach_ns, s->reached_ns);
		EXPECT_LE(ev->timestamp_ns, r->cmd_ns);
		EXPECT_LE(s->lateness_ns, ev->timestamp_ns);

		ideal = ev->timestamp_ns - s->lateness_ns;
		if (prev) {
			EXPECT_EQ(prev_ideal + period_ns(prev->stroke.rate_mhz) *
				  (1 + s->missed), ideal)
				TH_LOG("stroke %llu: ideal time %llu, the one before %llu",
				       (unsigned long long)ev->seq,
				       (unsigned long long)ideal,
				       (unsigned long long)prev_ideal);
		}
		prev = ev;
		prev_ideal = ideal;
	}
	EXPECT_EQ(first + count, next);
}

/*
 * The sim's record of pen @id holds @count strokes, and the STROKE
 * records of @e are all of them, as check_strokes() checks.
 */
static void check_all_strokes(struct __test_metadata *_metadata,
			      const struct pen_events *e, unsigned int id,
			      uint64_t count)
{
	struct sim_stroke *rec = NULL;
	long n = sim_strokes(id, &rec);

	ASSERT_EQ((long)count, n);
	check_strokes(_metadata, e, rec, n, 0, count);
	free(rec);
}

/* Sum of the strokes' missed periods, and their largest lateness. */
static void stroke_totals(const struct pen_events *e, uint64_t *missed,
			  uint64_t *max_lateness)
{
	size_t i;

	*missed = 0;
	*max_lateness = 0;
	for (i = 0; i < e->n; i++) {
		if (e->ev[i].type != PEN_EVENT_STROKE)
			continue;
		*missed += e->ev[i].stroke.missed;
		if (e->ev[i].stroke.lateness_ns > *max_lateness)
			*max_lateness = e->ev[i].stroke.lateness_ns;
	}
}

/* Wait (up to 10 s) for thread @tid to sleep, as in a blocked read. */
static int task_blocks(pid_t tid)
{
	int i;

	for (i = 0; i < 10000; i++) {
		char s = thread_state(tid);

		if (s == 'S' || s == 'D')
			return 1;
		sleep_ns(1000000);
	}
	return 0;
}

/*
 * A thread that reads @fd (blocking) until read() fails, or, with
 * @use_poll, waits in poll() before each read. @one stops it after the
 * first poll or read, @until_stop after a STATE record of a stop. What it
 * saw is left for the test to check.
 */
struct reader {
	pthread_t thread;
	int fd;
	int use_poll;
	int one;
	int until_stop;
	pid_t tid;		/* atomic: set once the thread runs */
	int done;		/* atomic: set when it has finished */
	struct pen_events evs;
	long err;		/* -errno of the read that ended it */
	short first_revents;	/* the first poll's */
	short hup_revents;	/* the first poll's with POLLHUP */
	int polls;
};

static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	long n;

	__atomic_store_n(&r->tid, syscall(SYS_gettid), __ATOMIC_RELEASE);
	for (;;) {
		if (r->use_poll) {
			p.revents = 0;
			if (poll(&p, 1, -1) < 0) {
				r->err = -errno;
				break;
			}
			if (!r->polls++)
				r->first_revents = p.revents;
			if ((p.revents & POLLHUP) && !r->hup_revents)
				r->hup_revents = p.revents;
			if (r->one)
				break;
		}
		n = pen_events_read(r->fd, &r->evs, 64);
		if (n < 0) {
			r->err = n;
			break;
		}
		if (r->one)
			break;
		if (r->until_stop && r->evs.n &&
		    r->evs.ev[r->evs.n - 1].type == PEN_EVENT_STATE &&
		    r->evs.ev[r->evs.n - 1].state.state == PEN_STATE_STOPPED)
			break;
	}
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void reader_init(struct reader *r, int fd, int use_poll, int one)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->use_poll = use_poll;
	r->one = one;
}

static int reader_run(struct reader *r)
{
	if (pthread_create(&r->thread, NULL, reader_fn, r))
		return -1;
	while (!__atomic_load_n(&r->tid, __ATOMIC_ACQUIRE))
		sleep_ns(1000000);
	return 0;
}

static int reader_start(struct reader *r, int fd, int use_poll, int one)
{
	reader_init(r, fd, use_poll, one);
	return reader_run(r);
}

/* Two streams, record for record. */
static void expect_same_stream(struct __test_metadata *_metadata,
			       const struct pen_events *a,
			       const struct pen_events *b)
{
	size_t i;

	ASSERT_EQ(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		ASSERT_EQ(0, memcmp(&a->ev[i], &b->ev[i], sizeof(a->ev[i])))
			TH_LOG("streams differ at record %zu", i);
	}
}

PEN_SIM_FIXTURE(pen, SIM_ID, NULL, 0, 0);

TEST_F(pen, stroke_records_match_the_sim_record)
{
	struct pen_events evs = { 0 };
	struct sim_stroke *rec = NULL;
	uint64_t missed, max_late;
	struct pen_status st;
	size_t i, measured = 0;
	long n;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 200000));
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	/* Accepted setpoints, for the first stroke to come. */
	ASSERT_EQ(1, evs.n);
	EXPECT_EQ(PEN_EVENT_SETPOINT, evs.ev[0].type);
	EXPECT_EQ(500, evs.ev[0].setpoint.depth_um);
	EXPECT_EQ(200000, evs.ev[0].setpoint.rate_mhz);
	EXPECT_EQ(PEN_PARAM_ALL, evs.ev[0].setpoint.mask);
	EXPECT_EQ(0, evs.ev[0].seq);
	pen_events_free(&evs);

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, 300, -1, NULL);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	st = pen_status_of(self->fd);
	/* The stop's records are out when STOP returns. */
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	check_unused_zero(_metadata, &evs);

	n = sim_strokes(SIM_ID, &rec);
	ASSERT_LE(300, st.run_strokes);
	ASSERT_EQ((long)st.run_strokes, n);
	EXPECT_EQ(st.run_strokes, pen_events_count(&evs, PEN_EVENT_STROKE));
	/* Start, every stroke, stop: nothing else. */
	ASSERT_EQ(st.run_strokes + 2, evs.n)
		log_events(_metadata, &evs, 0, evs.n);
	expect_event(_metadata, &evs.ev[0],
		     STATE_REC(PEN_STATE_RUNNING, PEN_STOP_NONE, 500, 200000,
			       0));
	expect_event(_metadata, &evs.ev[evs.n - 1],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_REQUEST, 500, 200000,
			       st.run_strokes));
	EXPECT_EQ(st.started_ns, evs.ev[0].timestamp_ns);
	EXPECT_EQ(st.stopped_ns, evs.ev[evs.n - 1].timestamp_ns);

	check_strokes(_metadata, &evs, rec, n, 0, st.run_strokes);
	for (i = 1; i + 1 < evs.n; i++) {
		EXPECT_EQ(PEN_EVENT_STROKE, evs.ev[i].type);
		EXPECT_EQ(200000, evs.ev[i].stroke.rate_mhz);
		measured += !!(evs.ev[i].flags & PEN_STROKE_MEASURED);
	}
	/* The lag is a tenth of the period: only the stop cuts one short. */
	EXPECT_LE(st.run_strokes - 1, measured);
	/* The first stroke is due at the start, on the schedule's origin. */
	EXPECT_EQ(st.started_ns,
		  evs.ev[1].timestamp_ns - evs.ev[1].stroke.lateness_ns);
	EXPECT_EQ(0, evs.ev[1].stroke.missed);
	EXPECT_EQ(st.last_stroke_ns, evs.ev[evs.n - 2].timestamp_ns);
	stroke_totals(&evs, &missed, &max_late);
	EXPECT_EQ(st.run_missed_strokes, missed);
	EXPECT_EQ(st.max_lateness_ns, max_late);

	free(rec);
	pen_events_free(&evs);
}

TEST_F(pen, a_setpoint_applies_from_its_stroke_on)
{
	uint64_t before[2], after[2], seq[2];
	struct pen_events evs = { 0 };
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	long sp[3], n;
	size_t i;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 200000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, 20, -1, NULL);
	before[0] = pen_status_of(self->fd).strokes;
	/* Both at once, then the depth alone. */
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 800, 100000));
	after[0] = pen_status_of(self->fd).strokes;
	run_until(self->fd, after[0] + 20, -1, NULL);
	before[1] = pen_status_of(self->fd).strokes;
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 300, 0));
	after[1] = pen_status_of(self->fd).strokes;
	run_until(self->fd, after[1] + 20, -1, NULL);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	st = pen_status_of(self->fd);
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	check_unused_zero(_metadata, &evs);

	ASSERT_EQ(3, pen_events_count(&evs, PEN_EVENT_SETPOINT));
	sp[0] = find_event(&evs, PEN_EVENT_SETPOINT, 0);
	sp[1] = find_event(&evs, PEN_EVENT_SETPOINT, sp[0] + 1);
	sp[2] = find_event(&evs, PEN_EVENT_SETPOINT, sp[1] + 1);
	EXPECT_EQ(0, sp[0]);
	EXPECT_EQ(0, evs.ev[sp[0]].seq);
	EXPECT_EQ(800, evs.ev[sp[1]].setpoint.depth_um);
	EXPECT_EQ(100000, evs.ev[sp[1]].setpoint.rate_mhz);
	EXPECT_EQ(PEN_PARAM_ALL, evs.ev[sp[1]].setpoint.mask);
	/* The full setpoints, though only the depth changed. */
	EXPECT_EQ(300, evs.ev[sp[2]].setpoint.depth_um);
	EXPECT_EQ(100000, evs.ev[sp[2]].setpoint.rate_mhz);
	EXPECT_EQ(PEN_PARAM_DEPTH, evs.ev[sp[2]].setpoint.mask);
	/* The next stroke after the call takes them. */
	for (i = 0; i < 2; i++) {
		seq[i] = evs.ev[sp[i + 1]].seq;
		EXPECT_LE(before[i], seq[i]);
		EXPECT_GE(after[i], seq[i]);
	}

	for (i = 0; i < evs.n; i++) {
		const struct pen_event *ev = &evs.ev[i];

		if (ev->type != PEN_EVENT_STROKE)
			continue;
		if (ev->seq < seq[0]) {
			EXPECT_EQ(500, ev->stroke.cmd_um);
			EXPECT_EQ(200000, ev->stroke.rate_mhz);
		} else if (ev->seq < seq[1]) {
			EXPECT_EQ(800, ev->stroke.cmd_um);
			EXPECT_EQ(100000, ev->stroke.rate_mhz);
		} else {
			EXPECT_EQ(300, ev->stroke.cmd_um);
			EXPECT_EQ(100000, ev->stroke.rate_mhz);
		}
	}
	n = sim_strokes(SIM_ID, &rec);
	ASSERT_EQ((long)st.run_strokes, n);
	ASSERT_LT(seq[1], (uint64_t)n);
	/* The sim's needle agrees on where the change fell. */
	EXPECT_EQ(500, rec[seq[0] - 1].cmd_um);
	EXPECT_EQ(800, rec[seq[0]].cmd_um);
	EXPECT_EQ(800, rec[seq[1] - 1].cmd_um);
	EXPECT_EQ(300, rec[seq[1]].cmd_um);
	check_strokes(_metadata, &evs, rec, n, 0, st.run_strokes);
	expect_event(_metadata, &evs.ev[evs.n - 1],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_REQUEST, 300, 100000,
			       st.run_strokes));

	free(rec);
	pen_events_free(&evs);
}

/*
 * Walk @lossy against @full, a stream of the same events with nothing
 * lost: every record of @lossy is the next of @full, except the overflow
 * records, each of which stands for exactly its @lost records of @full
 * and carries the time and seq of the first of them.
 */
static void expect_stream_with_gaps(struct __test_metadata *_metadata,
				    const struct pen_events *lossy,
				    const struct pen_events *full,
				    uint64_t *lost_sum)
{
	const struct pen_event *ev;
	size_t i, j = 0;

	*lost_sum = 0;
	for (i = 0; i < lossy->n; i++) {
		ev = &lossy->ev[i];
		ASSERT_GT(full->n, j)
			TH_LOG("lossy record %zu is past the full stream", i);
		if (ev->type != PEN_EVENT_OVERFLOW) {
			ASSERT_EQ(0, memcmp(ev, &full->ev[j], sizeof(*ev)))
				TH_LOG("lossy record %zu is not full record %zu",
				       i, j);
			j++;
			continue;
		}
		EXPECT_LT(0, ev->overflow.lost);
		EXPECT_EQ(full->ev[j].seq, ev->seq)
			TH_LOG("overflow at record %zu, full record %zu", i, j);
		EXPECT_EQ(full->ev[j].timestamp_ns, ev->timestamp_ns);
		ASSERT_GE(full->n - j, ev->overflow.lost);
		j += ev->overflow.lost;
		*lost_sum += ev->overflow.lost;
	}
	EXPECT_EQ(full->n, j);
}

TEST_F(pen, overflow_counts_every_lost_event)
{
	struct pen_events keen = { 0 }, lazy = { 0 };
	uint64_t strokes[2], lost;
	long first_read, ov[2];
	struct pen_status st;
	int kfd, lfd;

	kfd = sim_open(SIM_ID, O_RDONLY);
	lfd = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, kfd);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 300000));

	/* More than a ring's worth, while one reader keeps up ... */
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = run_until(self->fd, PEN_EVENT_RING_SIZE + 200, kfd, &keen);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	strokes[0] = pen_status_of(self->fd).run_strokes;
	ASSERT_LE(PEN_EVENT_RING_SIZE + 200, strokes[0])
		TH_LOG("stopped by itself: stop reason %u, fault %u (%u) at stroke %llu, %llu missed, lateness up to %llu ns",
		       st.stop_reason, st.fault, st.fault_value,
		       (unsigned long long)st.fault_seq,
		       (unsigned long long)st.run_missed_strokes,
		       (unsigned long long)st.max_lateness_ns);
	/* ... and the other reads once, everything it holds. */
	first_read = pen_events_read(lfd, &lazy, 4 * PEN_EVENT_RING_SIZE);
	ASSERT_LE(PEN_EVENT_RING_SIZE, first_read);

	/* A second run overflows it again. */
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, PEN_EVENT_RING_SIZE + 200, kfd, &keen);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	strokes[1] = pen_status_of(self->fd).run_strokes;
	ASSERT_LE(PEN_EVENT_RING_SIZE + 200, strokes[1]);
	ASSERT_EQ(0, pen_events_drain(kfd, &keen));
	ASSERT_EQ(0, pen_events_drain(lfd, &lazy));
	check_unused_zero(_metadata, &keen);
	check_unused_zero(_metadata, &lazy);

	/* The reader that kept up lost nothing: setpoint, two runs. */
	EXPECT_EQ(0, pen_events_count(&keen, PEN_EVENT_OVERFLOW));
	EXPECT_EQ(1 + strokes[0] + 2 + strokes[1] + 2, keen.n);

	/* The other lost what did not fit, each gap reported in place. */
	ASSERT_EQ(2, pen_events_count(&lazy, PEN_EVENT_OVERFLOW))
		TH_LOG("%zu records, the first read %ld", lazy.n, first_read);
	expect_stream_with_gaps(_metadata, &lazy, &keen, &lost);
	EXPECT_EQ(keen.n, lazy.n - 2 + lost);
	/*
	 * A full ring, then the gap: the rest of the first run, its stop
	 * included. The ring full again after the read, the next gap.
	 */
	ov[0] = find_event(&lazy, PEN_EVENT_OVERFLOW, 0);
	ov[1] = find_event(&lazy, PEN_EVENT_OVERFLOW, ov[0] + 1);
	EXPECT_EQ(PEN_EVENT_RING_SIZE, ov[0]);
	EXPECT_EQ(1 + 1 + strokes[0] + 1 - PEN_EVENT_RING_SIZE,
		  lazy.ev[ov[0]].overflow.lost);
	EXPECT_EQ(PEN_EVENT_RING_SIZE, ov[1] - first_read);
	EXPECT_EQ(lost, lazy.ev[ov[0]].overflow.lost +
		  lazy.ev[ov[1]].overflow.lost);

	close(kfd);
	close(lfd);
	pen_events_free(&keen);
	pen_events_free(&lazy);
}

TEST_F(pen, every_reader_sees_the_same_stream)
{
	struct pen_events a = { 0 }, b = { 0 }, ctl = { 0 };
	int afd, bfd;
	size_t k;

	afd = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, afd);
	/* The bench's overcurrent is measured, not reported at once. */
	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, 30, -1, NULL);
	/* A file opened now gets what comes from now on. */
	bfd = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, bfd);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 700, 0));
	run_until(self->fd, 60, -1, NULL);
	ASSERT_EQ(0, sim_inject(SIM_ID, "overcurrent 900"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_CLEAR_FAULT));
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_remove"));
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 31337 500"));

	ASSERT_EQ(0, pen_events_drain(self->fd, &ctl));
	ASSERT_EQ(0, pen_events_drain(afd, &a));
	ASSERT_EQ(0, pen_events_drain(bfd, &b));
	EXPECT_LT(60, ctl.n);
	EXPECT_EQ(0, pen_events_count(&ctl, PEN_EVENT_OVERFLOW));
	expect_same_stream(_metadata, &ctl, &a);

	/* The later file's stream is the tail of the others'. */
	ASSERT_LT(0, b.n);
	ASSERT_LT(b.n, a.n);
	k = a.n - b.n;
	EXPECT_EQ(0, memcmp(a.ev + k, b.ev, b.n * sizeof(*b.ev)));
	/* It has everything since it was opened: the second setpoint on. */
	EXPECT_EQ(1, pen_events_count(&b, PEN_EVENT_SETPOINT));
	EXPECT_EQ(1, pen_events_count(&b, PEN_EVENT_FAULT));
	EXPECT_EQ(2, pen_events_count(&b, PEN_EVENT_CARTRIDGE));

	close(afd);
	close(bfd);
	pen_events_free(&a);
	pen_events_free(&b);
	pen_events_free(&ctl);
}

TEST_F(pen, read_and_poll_follow_the_rules)
{
	struct pollfd p = { .events = POLLIN };
	struct pen_event buf[3];
	struct reader r;
	int nb, ro;

	nb = sim_open(SIM_ID, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, nb);
	p.fd = nb;

	/* Nothing yet: EAGAIN, and poll() times out. */
	EXPECT_EQ(-1, read(nb, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll(&p, 1, 100));
	EXPECT_EQ(0, p.revents);

	/* One event: poll() says so at once. */
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 600, 0));
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLIN, p.revents & (POLLIN | POLLHUP | POLLERR));

	/* Room for less than a record is no room, and takes nothing. */
	EXPECT_EQ(-1, read(nb, buf, sizeof(buf[0]) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, read(nb, buf, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, poll(&p, 1, 0));

	/* Whole records only, as many as fit, oldest first. */
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 700, 0));
	EXPECT_EQ((ssize_t)sizeof(buf[0]),
		  read(nb, buf, 2 * sizeof(buf[0]) - 1));
	EXPECT_EQ(PEN_EVENT_SETPOINT, buf[0].type);
	EXPECT_EQ(600, buf[0].setpoint.depth_um);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 750, 0));
	EXPECT_EQ((ssize_t)(2 * sizeof(buf[0])), read(nb, buf, sizeof(buf)));
	EXPECT_EQ(PEN_EVENT_SETPOINT, buf[0].type);
	EXPECT_EQ(700, buf[0].setpoint.depth_um);
	EXPECT_EQ(PEN_EVENT_SETPOINT, buf[1].type);
	EXPECT_EQ(750, buf[1].setpoint.depth_um);
	EXPECT_EQ(-1, read(nb, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll(&p, 1, 0));

	/* A read() that blocks wakes for the next event ... */
	ro = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, reader_start(&r, ro, 0, 1));
	ASSERT_TRUE(task_blocks(r.tid));
	EXPECT_FALSE(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 800, 0));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(0, r.err);
	ASSERT_EQ(1, r.evs.n);
	EXPECT_EQ(PEN_EVENT_SETPOINT, r.evs.ev[0].type);
	EXPECT_EQ(800, r.evs.ev[0].setpoint.depth_um);
	pen_events_free(&r.evs);

	/* ... and so does a poll(). */
	ASSERT_EQ(0, reader_start(&r, ro, 1, 1));
	ASSERT_TRUE(task_blocks(r.tid));
	EXPECT_FALSE(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 900, 0));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(POLLIN, r.first_revents & (POLLIN | POLLHUP | POLLERR));
	pen_events_free(&r.evs);

	close(ro);
	close(nb);
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

/* A signal ends a blocked read() with EINTR, and takes no event. */
TEST_F(pen, a_signal_interrupts_a_blocked_read)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no SA_RESTART */
	struct pen_events evs = { 0 };
	struct reader r;
	int ro;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ro = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, reader_start(&r, ro, 0, 1));
	ASSERT_TRUE(task_blocks(r.tid));
	ASSERT_EQ(0, pthread_kill(r.thread, SIGUSR1));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(-EINTR, r.err);
	EXPECT_EQ(0, r.evs.n);
	pen_events_free(&r.evs);
	/* The next event is still there for the next read. */
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 650, 0));
	ASSERT_EQ(1, pen_events_read(ro, &evs, 4));
	EXPECT_EQ(PEN_EVENT_SETPOINT, evs.ev[0].type);
	EXPECT_EQ(650, evs.ev[0].setpoint.depth_um);
	pen_events_free(&evs);
	close(ro);
	signal(SIGUSR1, SIG_DFL);
}

/*
 * Two threads reading one file take turns: the second waits for the
 * first's read to end, and a signal ends that wait too, with EINTR, while
 * the first reads on and gets the next event.
 */
TEST_F(pen, a_signal_interrupts_a_read_waiting_for_another)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no SA_RESTART */
	struct reader a, b;
	int ro;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ro = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, reader_start(&a, ro, 0, 1));
	ASSERT_TRUE(task_blocks(a.tid));
	ASSERT_EQ(0, reader_start(&b, ro, 0, 1));
	ASSERT_TRUE(task_blocks(b.tid));
	ASSERT_EQ(0, pthread_kill(b.thread, SIGUSR1));
	pthread_join(b.thread, NULL);
	EXPECT_EQ(-EINTR, b.err);
	EXPECT_EQ(0, b.evs.n);
	EXPECT_FALSE(__atomic_load_n(&a.done, __ATOMIC_SEQ_CST));
	/* The first still reads, and gets the next event. */
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 650, 0));
	pthread_join(a.thread, NULL);
	ASSERT_EQ(1, a.evs.n);
	EXPECT_EQ(PEN_EVENT_SETPOINT, a.evs.ev[0].type);
	EXPECT_EQ(650, a.evs.ev[0].setpoint.depth_um);
	pen_events_free(&a.evs);
	pen_events_free(&b.evs);
	close(ro);
	signal(SIGUSR1, SIG_DFL);
}

TEST_F(pen, a_fault_in_a_strokes_report_follows_that_stroke)
{
	struct pen_events evs = { 0 };
	struct pen_status st;
	uint64_t k;
	size_t i;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	pen_events_free(&evs);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, 5, -1, NULL);
	ASSERT_EQ(0, sim_inject(SIM_ID, "over_depth 300"));
	st = pen_wait_stopped(self->fd, 2000);
	ASSERT_EQ(PEN_FAULT_OVER_DEPTH, st.fault);
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	check_unused_zero(_metadata, &evs);

	/* Start, the strokes, the one too deep, the fault, the stop. */
	ASSERT_EQ(st.run_strokes + 3, evs.n)
		log_events(_metadata, &evs, evs.n > 5 ? evs.n - 5 : 0, evs.n);
	k = st.fault_seq - 1;
	EXPECT_EQ(st.run_strokes, st.fault_seq);
	expect_event(_metadata, &evs.ev[0],
		     STATE_REC(PEN_STATE_RUNNING, PEN_STOP_NONE, 500, 100000,
			       0));
	for (i = 1; i < evs.n - 2; i++) {
		EXPECT_EQ(PEN_EVENT_STROKE, evs.ev[i].type);
		EXPECT_EQ(PEN_STROKE_MEASURED, evs.ev[i].flags);
		EXPECT_EQ(evs.ev[i].seq == k ? 800 : 500,
			  evs.ev[i].stroke.reached_um);
	}
	EXPECT_EQ(k, evs.ev[evs.n - 3].seq);
	expect_event(_metadata, &evs.ev[evs.n - 2],
		     FAULT_REC(PEN_EVENT_FAULT, PEN_FAULT_OVER_DEPTH, 300,
			       PEN_FAULT_LATCHED, k + 1));
	EXPECT_EQ(st.fault_ns, evs.ev[evs.n - 2].timestamp_ns);
	expect_event(_metadata, &evs.ev[evs.n - 1],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_FAULT, 500, 100000,
			       k + 1));

	check_all_strokes(_metadata, &evs, SIM_ID, st.run_strokes);
	pen_events_free(&evs);
}

TEST_F(pen, a_stall_is_three_strokes_measured_at_zero_then_the_fault)
{
	struct pen_events evs = { 0 };
	struct pen_status st;
	size_t i;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	pen_events_free(&evs);
	ASSERT_EQ(0, sim_inject(SIM_ID, "stall 5"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = pen_wait_stopped(self->fd, 2000);
	ASSERT_EQ(PEN_FAULT_STALL, st.fault);
	ASSERT_EQ(8, st.run_strokes);
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	check_unused_zero(_metadata, &evs);

	ASSERT_EQ(11, evs.n)
		log_events(_metadata, &evs, 0, evs.n);
	expect_event(_metadata, &evs.ev[0],
		     STATE_REC(PEN_STATE_RUNNING, PEN_STOP_NONE, 500, 100000,
			       0));
	/* Reaching nothing is a measurement too. */
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(PEN_EVENT_STROKE, evs.ev[1 + i].type);
		EXPECT_EQ(i, evs.ev[1 + i].seq);
		EXPECT_EQ(PEN_STROKE_MEASURED, evs.ev[1 + i].flags);
		EXPECT_EQ(i < 5 ? 500 : 0, evs.ev[1 + i].stroke.reached_um);
	}
	expect_event(_metadata, &evs.ev[9],
		     FAULT_REC(PEN_EVENT_FAULT, PEN_FAULT_STALL, 500,
			       PEN_FAULT_LATCHED, 8));
	expect_event(_metadata, &evs.ev[10],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_FAULT, 500, 100000,
			       8));

	check_all_strokes(_metadata, &evs, SIM_ID, 8);
	pen_events_free(&evs);
}

TEST_F(pen, hardware_faults_and_their_clearing)
{
	struct pen_events evs = { 0 };
	struct pen_status st;
	size_t strokes, i;
	int ro;

	/* hw_test has the bench's own, measured by the backend. */
	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	ro = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	pen_events_free(&evs);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, 5, -1, NULL);

	/* Running: the strokes, the fault, the stop. */
	ASSERT_EQ(0, sim_inject(SIM_ID, "overcurrent 1200"));
	st = pen_status_of(self->fd);
	ASSERT_EQ(PEN_FAULT_OVERCURRENT, st.fault);
	/* Stopped with one latched: reported, not latched, no stop. */
	ASSERT_EQ(0, sim_inject(SIM_ID, "overtemp 61500"));
	/* The controller clears it; clearing nothing is no event. */
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_CLEAR_FAULT));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_CLEAR_FAULT));
	/* Stopped with none latched: latched, and still no stop. */
	ASSERT_EQ(0, sim_inject(SIM_ID, "supply_low 8000"));
	EXPECT_EQ(-1, ioctl(ro, PEN_IOC_CLEAR_FAULT));
	EXPECT_EQ(EBADF, errno);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_CLEAR_FAULT));

	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	check_unused_zero(_metadata, &evs);
	strokes = pen_events_count(&evs, PEN_EVENT_STROKE);
	EXPECT_EQ(st.run_strokes, strokes);
	ASSERT_EQ(1 + strokes + 6, evs.n)
		log_events(_metadata, &evs, strokes > 0 ? strokes - 1 : 0,
			   evs.n);
	expect_event(_metadata, &evs.ev[0],
		     STATE_REC(PEN_STATE_RUNNING, PEN_STOP_NONE, 500, 100000,
			       0));
	for (i = 1; i <= strokes; i++)
		EXPECT_EQ(PEN_EVENT_STROKE, evs.ev[i].type);
	i = 1 + strokes;
	expect_event(_metadata, &evs.ev[i],
		     FAULT_REC(PEN_EVENT_FAULT, PEN_FAULT_OVERCURRENT, 1200,
			       PEN_FAULT_LATCHED, strokes));
	EXPECT_EQ(st.fault_ns, evs.ev[i].timestamp_ns);
	expect_event(_metadata, &evs.ev[i + 1],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_FAULT, 500, 100000,
			       strokes));
	EXPECT_EQ(st.stopped_ns, evs.ev[i + 1].timestamp_ns);
	expect_event(_metadata, &evs.ev[i + 2],
		     FAULT_REC(PEN_EVENT_FAULT, PEN_FAULT_OVERTEMP, 61500, 0,
			       strokes));
	expect_event(_metadata, &evs.ev[i + 3],
		     FAULT_REC(PEN_EVENT_FAULT_CLEARED, PEN_FAULT_OVERCURRENT,
			       1200, 0, strokes));
	expect_event(_metadata, &evs.ev[i + 4],
		     FAULT_REC(PEN_EVENT_FAULT, PEN_FAULT_SUPPLY_LOW, 8000,
			       PEN_FAULT_LATCHED, strokes));
	expect_event(_metadata, &evs.ev[i + 5],
		     FAULT_REC(PEN_EVENT_FAULT_CLEARED, PEN_FAULT_SUPPLY_LOW,
			       8000, 0, strokes));

	check_all_strokes(_metadata, &evs, SIM_ID, strokes);

	close(ro);
	pen_events_free(&evs);
}

TEST_F(pen, cartridge_changes_are_recorded)
{
	struct pen_events evs = { 0 };
	struct pen_status st;
	long i, spent;
	size_t base;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	pen_events_free(&evs);

	/* Out, a fresh one in: it runs to its budget and stops. */
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_remove"));
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 4242 25"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = pen_wait_stopped(self->fd, 2000);
	ASSERT_EQ(PEN_STOP_CARTRIDGE_SPENT, st.stop_reason);
	ASSERT_EQ(25, st.run_strokes);
	/* Out, and the same one back in: refused. */
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_remove"));
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 4242 25"));
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	check_unused_zero(_metadata, &evs);

	ASSERT_EQ(2 + 1 + 25 + 2 + 2, evs.n)
		log_events(_metadata, &evs, 0, evs.n);
	expect_event(_metadata, &evs.ev[0],
		     CARTRIDGE_REC(0, PEN_CARTRIDGE_NONE, 0, 0, 0));
	expect_event(_metadata, &evs.ev[1],
		     CARTRIDGE_REC(4242, PEN_CARTRIDGE_READY, 25, 0, 0));
	expect_event(_metadata, &evs.ev[2],
		     STATE_REC(PEN_STATE_RUNNING, PEN_STOP_NONE, 500, 100000,
			       0));
	for (i = 0; i < 25; i++) {
		EXPECT_EQ(PEN_EVENT_STROKE, evs.ev[3 + i].type);
		EXPECT_EQ(i, evs.ev[3 + i].seq);
	}
	/* Spent, and the stop it caused, in whichever order. */
	spent = find_event(&evs, PEN_EVENT_CARTRIDGE, 3 + 25);
	ASSERT_LE(3 + 25, spent);
	ASSERT_GE(3 + 25 + 1, spent);
	expect_event(_metadata, &evs.ev[spent],
		     CARTRIDGE_REC(4242, PEN_CARTRIDGE_SPENT, 25, 25, 25));
	expect_event(_metadata, &evs.ev[spent == 28 ? 29 : 28],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_CARTRIDGE_SPENT, 500,
			       100000, 25));
	expect_event(_metadata, &evs.ev[30],
		     CARTRIDGE_REC(0, PEN_CARTRIDGE_NONE, 0, 0, 25));
	expect_event(_metadata, &evs.ev[31],
		     CARTRIDGE_REC(4242, PEN_CARTRIDGE_REUSED, 25, 0, 25));
	pen_events_free(&evs);

	/* Pulled while running: out, and the stop. */
	if (!pen_backend_is_sim()) {
		/* On the bench the refused one comes out before another goes in. */
		ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_remove"));
		ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
		pen_events_free(&evs);
	}
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 4243 100000"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, 10, -1, NULL);
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_remove"));
	st = pen_status_of(self->fd);
	ASSERT_EQ(PEN_STOP_CARTRIDGE_REMOVED, st.stop_reason);
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	check_unused_zero(_metadata, &evs);
	ASSERT_EQ(1 + 1 + st.run_strokes + 2, evs.n)
		log_events(_metadata, &evs, 0, evs.n);
	expect_event(_metadata, &evs.ev[0],
		     CARTRIDGE_REC(4243, PEN_CARTRIDGE_READY, 100000, 0, 25));
	expect_event(_metadata, &evs.ev[1],
		     STATE_REC(PEN_STATE_RUNNING, PEN_STOP_NONE, 500, 100000,
			       25));
	/* The strokes, then the stop; the cartridge's record anywhere. */
	EXPECT_EQ(st.run_strokes, pen_events_count(&evs, PEN_EVENT_STROKE));
	spent = find_event(&evs, PEN_EVENT_CARTRIDGE, 2);
	ASSERT_LE(2, spent);
	expect_event(_metadata, &evs.ev[spent],
		     CARTRIDGE_REC(0, PEN_CARTRIDGE_NONE, 0, 0, st.strokes));
	i = find_event(&evs, PEN_EVENT_STATE, 2);
	ASSERT_LE(2, i);
	expect_event(_metadata, &evs.ev[i],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_CARTRIDGE_REMOVED,
			       500, 100000, st.strokes));
	for (base = i + 1; base < evs.n; base++)
		EXPECT_NE(PEN_EVENT_STROKE, evs.ev[base].type);
	pen_events_free(&evs);
}

/*
 * A simulated pen @id whose needle takes @lag_us to reach its depth,
 * opened, set to 500 um at 25 Hz (a 40 ms period), its ring emptied of
 * the setpoints' record, and started. Returns the open file.
 */
static int start_lagged(struct __test_metadata *_metadata, unsigned int id,
			unsigned int lag_us)
{
	struct pen_events evs = { 0 };
	char opts[32];
	int fd;

	snprintf(opts, sizeof(opts), "lag_us=%u", lag_us);
	pen_fixture_open(_metadata, &fd, id, opts, O_RDWR, 500, 25000);
	ASSERT_EQ(0, pen_events_drain(fd, &evs));
	pen_events_free(&evs);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	return fd;
}

TEST(a_stop_resolves_the_stroke_in_flight_unmeasured)
{
	struct pen_events evs = { 0 };
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	int fd;
	long n;

	/* pen_vcm measures a stroke at a fixed time, shorter than any period. */
	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	/* The needle takes 30 ms of the 40 ms period to get there. */
	/* The first stroke goes at the start, and is cut short at once. */
	fd = start_lagged(_metadata, SIM_ID + 2, 30000);
	run_until(fd, 1, -1, NULL);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	st = pen_status_of(fd);
	ASSERT_EQ(1, st.run_strokes);
	/* Its record is out when STOP returns, and no report follows. */
	ASSERT_EQ(0, pen_events_drain(fd, &evs));
	sleep_ns(60000000);
	ASSERT_EQ(0, pen_events_drain(fd, &evs));
	check_unused_zero(_metadata, &evs);

	ASSERT_EQ(3, evs.n)
		log_events(_metadata, &evs, 0, evs.n);
	expect_event(_metadata, &evs.ev[0],
		     STATE_REC(PEN_STATE_RUNNING, PEN_STOP_NONE, 500, 25000,
			       0));
	EXPECT_EQ(PEN_EVENT_STROKE, evs.ev[1].type);
	EXPECT_EQ(0, evs.ev[1].seq);
	EXPECT_EQ(0, evs.ev[1].flags);
	EXPECT_EQ(500, evs.ev[1].stroke.cmd_um);
	EXPECT_EQ(0, evs.ev[1].stroke.reached_um);
	EXPECT_EQ(0, evs.ev[1].stroke.reached_ns);
	expect_event(_metadata, &evs.ev[2],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_REQUEST, 500, 25000,
			       1));
	n = sim_strokes(SIM_ID + 2, &rec);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0, rec[0].reach_ns);
	check_strokes(_metadata, &evs, rec, n, 0, 1);

	free(rec);
	pen_events_free(&evs);
	close(fd);
	EXPECT_EQ(0, sim_delete(SIM_ID + 2));
}

TEST(strokes_never_reported_come_out_unmeasured_in_order)
{
	struct pen_events evs = { 0 };
	uint64_t before, after, seq;
	size_t during, i;
	struct pen_status st;
	long sp;
	int fd;

	/* pen_vcm measures a stroke at a fixed time, shorter than any period. */
	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	/* A lag longer than the period: every stroke is overtaken. */
	fd = start_lagged(_metadata, SIM_ID + 3, 50000);
	run_until(fd, 10, fd, &evs);
	/* New setpoints while strokes still wait for their outcome. */
	before = pen_status_of(fd).strokes;
	ASSERT_EQ(0, pen_params_set(fd, PEN_PARAM_ALL, 700, 30000));
	after = pen_status_of(fd).strokes;
	run_until(fd, 20, fd, &evs);
	ASSERT_EQ(0, pen_events_drain(fd, &evs));
	/* Their records do not wait for the stop. */
	during = pen_events_count(&evs, PEN_EVENT_STROKE);
	EXPECT_LT(0, during);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	st = pen_status_of(fd);
	ASSERT_EQ(0, pen_events_drain(fd, &evs));
	check_unused_zero(_metadata, &evs);

	EXPECT_LT(during, st.run_strokes);
	ASSERT_EQ(st.run_strokes + 3, evs.n);
	sp = find_event(&evs, PEN_EVENT_SETPOINT, 0);
	ASSERT_LE(0, sp);
	seq = evs.ev[sp].seq;
	EXPECT_LE(before, seq);
	EXPECT_GE(after, seq);
	ASSERT_LT(0, seq);
	for (i = 1; i + 1 < evs.n; i++) {
		const struct pen_event *ev = &evs.ev[i];

		if ((long)i == sp)
			continue;
		EXPECT_EQ(PEN_EVENT_STROKE, ev->type);
		EXPECT_EQ(0, ev->flags);
		/* What was in force when it was issued, not when it ended. */
		EXPECT_EQ(ev->seq < seq ? 500 : 700, ev->stroke.cmd_um);
		EXPECT_EQ(ev->seq < seq ? 25000 : 30000, ev->stroke.rate_mhz);
		/* The stroke before the change ended after the change. */
		if (ev->seq == seq - 1)
			EXPECT_LT(sp, (long)i);
	}
	expect_event(_metadata, &evs.ev[evs.n - 1],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_REQUEST, 700, 30000,
			       st.run_strokes));
	check_all_strokes(_metadata, &evs, SIM_ID + 3, st.run_strokes);

	pen_events_free(&evs);
	close(fd);
	EXPECT_EQ(0, sim_delete(SIM_ID + 3));
}

/*
 * A stroke's lag timer fires while the next stroke is being commanded:
 * here the next is held 30 ms by an injected late timer on the stroke
 * thread, where the lag timer can interrupt it. The stroke in flight is
 * then the new one, only on its way: the timer reports nothing, and the
 * new one's own timer would. No stroke is ever reported reached sooner
 * than the needle can get there.
 */
TEST(a_stroke_is_never_reported_reached_before_its_lag)
{
	struct pen_events evs = { 0 };
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	uint64_t at;
	long n, i;
	int fd;

	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	/* A 60 ms lag at 25 Hz: each stroke's timer is due 20 ms into the next. */
	pen_fixture_open(_metadata, &fd, SIM_ID + 4, "lag_us=60000 threaded=1",
			 O_RDWR, 500, 25000);
	ASSERT_EQ(0, pen_events_drain(fd, &evs));
	evs.n = 0;
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	st = run_until(fd, 2, -1, NULL);
	ASSERT_EQ(PEN_STATE_RUNNING, st.state);
	/* The next stroke is held from 0 to 30 ms into its period. */
	ASSERT_EQ(0, sim_inject(SIM_ID + 4, "late 30000"));
	at = st.run_strokes;
	st = run_until(fd, at + 4, -1, NULL);
	ASSERT_EQ(PEN_STATE_RUNNING, st.state);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	st = pen_status_of(fd);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	ASSERT_EQ(0, pen_events_drain(fd, &evs));

	n = sim_strokes(SIM_ID + 4, &rec);
	ASSERT_EQ((long)st.run_strokes, n);
	for (i = 0; i < n; i++) {
		if (!rec[i].reach_ns)
			continue;
		EXPECT_LE(rec[i].cmd_ns + 60000000ULL, rec[i].reach_ns)
			TH_LOG("stroke %ld reached %llu ns after it was commanded",
			       i, (unsigned long long)(rec[i].reach_ns -
						       rec[i].cmd_ns));
	}
	check_strokes(_metadata, &evs, rec, n, 0, st.run_strokes);
	free(rec);
	pen_events_free(&evs);
	close(fd);
	EXPECT_EQ(0, sim_delete(SIM_ID + 4));
}

TEST_F(pen, removal_ends_every_stream)
{
	struct pen_events buffered = { 0 }, ctl = { 0 };
	struct pollfd p = { .events = POLLIN };
	struct reader rd, pl;
	struct pen_event ev;
	int bfd, rfd, pfd;

	bfd = sim_open(SIM_ID, O_RDONLY);
	rfd = sim_open(SIM_ID, O_RDONLY);
	pfd = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, bfd);
	ASSERT_LE(0, rfd);
	ASSERT_LE(0, pfd);
	/* One thread reads, one polls, all along; one file waits unread. */
	ASSERT_EQ(0, reader_start(&rd, rfd, 0, 0));
	ASSERT_EQ(0, reader_start(&pl, pfd, 1, 0));

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, 20, -1, NULL);
	/* Unplugged while running. */
	ASSERT_EQ(0, sim_delete(SIM_ID));
	pthread_join(rd.thread, NULL);
	pthread_join(pl.thread, NULL);

	/* The threads got everything, the stop last, then ENODEV. */
	EXPECT_EQ(-ENODEV, rd.err);
	EXPECT_EQ(-ENODEV, pl.err);
	EXPECT_TRUE(pl.hup_revents & POLLHUP);
	ASSERT_LE(23, rd.evs.n);
	expect_event(_metadata, &rd.evs.ev[rd.evs.n - 1],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_REMOVED, 500, 100000,
			       pen_events_count(&rd.evs, PEN_EVENT_STROKE)));
	expect_same_stream(_metadata, &rd.evs, &pl.evs);
	check_unused_zero(_metadata, &rd.evs);

	/* The unread file: hung up, its records still there, then ENODEV. */
	p.fd = bfd;
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLIN | POLLHUP, p.revents & (POLLIN | POLLHUP));
	EXPECT_EQ(-ENODEV, pen_events_drain(bfd, &buffered));
	expect_same_stream(_metadata, &rd.evs, &buffered);
	EXPECT_EQ(-1, read(bfd, &ev, sizeof(ev)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);

	/* The controller's file too; its ioctls are over. */
	EXPECT_EQ(-ENODEV, pen_events_drain(self->fd, &ctl));
	expect_same_stream(_metadata, &rd.evs, &ctl);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_STOP));
	EXPECT_EQ(ENODEV, errno);

	close(bfd);
	close(rfd);
	close(pfd);
	pen_events_free(&buffered);
	pen_events_free(&ctl);
	pen_events_free(&rd.evs);
	pen_events_free(&pl.evs);
}

TEST_F(pen, removal_wakes_blocked_readers)
{
	struct pen_events buffered = { 0 };
	struct pollfd p = { .events = POLLIN };
	struct reader rd, pl;
	struct pen_status st;
	int bfd, rfd, pfd;

	bfd = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, bfd);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	run_until(self->fd, 5, -1, NULL);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	st = pen_status_of(self->fd);

	/* Opened after it all: nothing to read, so they block. */
	rfd = sim_open(SIM_ID, O_RDONLY);
	pfd = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, rfd);
	ASSERT_LE(0, pfd);
	ASSERT_EQ(0, reader_start(&rd, rfd, 0, 1));
	ASSERT_EQ(0, reader_start(&pl, pfd, 1, 1));
	ASSERT_TRUE(task_blocks(rd.tid));
	ASSERT_TRUE(task_blocks(pl.tid));
	EXPECT_FALSE(__atomic_load_n(&rd.done, __ATOMIC_ACQUIRE));
	EXPECT_FALSE(__atomic_load_n(&pl.done, __ATOMIC_ACQUIRE));

	ASSERT_EQ(0, sim_delete(SIM_ID));
	pthread_join(rd.thread, NULL);
	pthread_join(pl.thread, NULL);
	/* Stopped already: no record for them, only the end. */
	EXPECT_EQ(-ENODEV, rd.err);
	EXPECT_EQ(0, rd.evs.n);
	EXPECT_EQ(0, pl.err);
	EXPECT_TRUE(pl.first_revents & POLLHUP);

	/* The file with records keeps them: exactly the run's, then ENODEV. */
	p.fd = bfd;
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLIN | POLLHUP, p.revents & (POLLIN | POLLHUP));
	EXPECT_EQ(-ENODEV, pen_events_drain(bfd, &buffered));
	ASSERT_EQ(1 + 1 + st.run_strokes + 1, buffered.n);
	EXPECT_EQ(PEN_EVENT_SETPOINT, buffered.ev[0].type);
	expect_event(_metadata, &buffered.ev[buffered.n - 1],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_REQUEST, 500, 100000,
			       st.run_strokes));

	close(bfd);
	close(rfd);
	close(pfd);
	pen_events_free(&buffered);
	pen_events_free(&rd.evs);
	pen_events_free(&pl.evs);
}

/* PEN_EVENT_SOAK_S: seconds of the long run, default SOAK_DEFAULT_S. */
static unsigned int soak_seconds(void)
{
	const char *s = getenv("PEN_EVENT_SOAK_S");

	return s && *s ? strtoul(s, NULL, 10) : SOAK_DEFAULT_S;
}

/* The harness's limit for it: the run, reading the record, and a margin. */
static int soak_timeout(void)
{
	return soak_seconds() + soak_seconds() / 5 + 120;
}

FIXTURE(soak) {
	int fd;
	int rfd;
};

FIXTURE_SETUP(soak)
{
	char opts[64];

	/* The sim keeps every stroke of the run, and some. */
	snprintf(opts, sizeof(opts), "record_size=%llu",
		 (unsigned long long)soak_seconds() * SOAK_RATE_MHZ / 1000 +
		 10000);
	self->rfd = -1;
	pen_fixture_open(_metadata, &self->fd, SOAK_SIM_ID, opts, O_RDWR, 0, 0);
	self->rfd = sim_open(SOAK_SIM_ID, O_RDONLY);
	ASSERT_LE(0, self->rfd);
}

FIXTURE_TEARDOWN(soak)
{
	if (self->rfd >= 0)
		close(self->rfd);
	pen_fixture_close(self->fd, SOAK_SIM_ID);
}

TEST_F_TIMEOUT(soak, a_reader_that_keeps_up_loses_nothing, soak_timeout())
{
	const unsigned int secs = soak_seconds();
	uint64_t missed, max_late;
	struct pen_status st;
	struct reader rd;
	unsigned int i;

	if (!secs)
		SKIP(return, "PEN_EVENT_SOAK_S=0");
	ASSERT_GE(16U << 20, secs * (SOAK_RATE_MHZ / 1000) + 10000);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500,
				    SOAK_RATE_MHZ));
	/* A thread reads as the events come, until the stop. */
	reader_init(&rd, self->rfd, 0, 0);
	rd.until_stop = 1;
	ASSERT_EQ(0, reader_run(&rd));

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	for (i = 0; i < secs; i++) {
		sleep_ns(1000000000);
		st = pen_status_of(self->fd);
		ASSERT_EQ(PEN_STATE_RUNNING, st.state)
			TH_LOG("stopped after %u s: stop reason %u, fault %u (value %u)",
			       i, st.stop_reason, st.fault, st.fault_value);
	}
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	pthread_join(rd.thread, NULL);
	st = pen_status_of(self->fd);
	printf("# soak: %u s at %u mHz: %llu strokes, %llu missed, max lateness %llu ns\n",
	       secs, SOAK_RATE_MHZ, (unsigned long long)st.run_strokes,
	       (unsigned long long)st.run_missed_strokes,
	       (unsigned long long)st.max_lateness_ns);

	EXPECT_EQ(0, rd.err);
	EXPECT_EQ(0, pen_events_count(&rd.evs, PEN_EVENT_OVERFLOW));
	EXPECT_EQ(st.run_strokes, pen_events_count(&rd.evs, PEN_EVENT_STROKE));
	ASSERT_EQ(1 + 1 + st.run_strokes + 1, rd.evs.n);
	EXPECT_EQ(PEN_EVENT_SETPOINT, rd.evs.ev[0].type);
	expect_event(_metadata, &rd.evs.ev[1],
		     STATE_REC(PEN_STATE_RUNNING, PEN_STOP_NONE, 500,
			       SOAK_RATE_MHZ, 0));
	expect_event(_metadata, &rd.evs.ev[rd.evs.n - 1],
		     STATE_REC(PEN_STATE_STOPPED, PEN_STOP_REQUEST, 500,
			       SOAK_RATE_MHZ, st.run_strokes));
	stroke_totals(&rd.evs, &missed, &max_late);
	EXPECT_EQ(st.run_missed_strokes, missed);
	EXPECT_EQ(st.max_lateness_ns, max_late);

	/* Every stroke against what the needle did. */
	EXPECT_EQ(0, sim_state(SOAK_SIM_ID, "strokes_dropped"));
	check_all_strokes(_metadata, &rd.evs, SOAK_SIM_ID, st.run_strokes);
	pen_events_free(&rd.evs);
}

TEST_HARNESS_MAIN
