/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks that several test files make the same way, kept in one place so
 * that they stay the same check. Include after kselftest_harness.h and
 * pen_util.h; each takes the test's _metadata and asserts through it.
 */
#ifndef PEN_EXPECT_H
#define PEN_EXPECT_H

/*
 * Runs the needle of controller @fd for @run_ns, then stops it and
 * returns the pen's status: the run's figures, as the stop left them.
 */
static inline struct pen_status pen_run_for(struct __test_metadata *_metadata,
					    int fd, uint64_t run_ns)
{
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	sleep_ns(run_ns);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	return pen_status_of(fd);
}

/*
 * Runs the needle of controller @fd for @run_ns, injects @cmd into
 * simulated pen @id, and returns the pen's status once the needle has
 * stopped (or @max_ms passed): what stopped it is the caller's check.
 */
static inline struct pen_status
pen_run_then_inject(struct __test_metadata *_metadata, int fd,
		    unsigned int id, uint64_t run_ns, const char *cmd,
		    unsigned int max_ms)
{
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	sleep_ns(run_ns);
	ASSERT_EQ(0, sim_inject(id, cmd));
	return pen_wait_stopped(fd, max_ms);
}

/* @st is of a needle stopped, and stopped by fault @fault. */
static inline void expect_fault_stop(struct __test_metadata *_metadata,
				     const struct pen_status *st,
				     uint32_t fault)
{
	EXPECT_EQ(PEN_STATE_STOPPED, st->state);
	EXPECT_EQ(PEN_STOP_FAULT, st->stop_reason);
	EXPECT_EQ(fault, st->fault);
}

/*
 * Simulated pen @id, made anew with @opts, refuses each of the @n
 * injections @cmds with EINVAL, still takes "reset", and is removed.
 */
static inline void expect_injections_refused(struct __test_metadata *_metadata,
					     unsigned int id, const char *opts,
					     const char *const *cmds, size_t n)
{
	size_t i;

	sim_delete(id);
	ASSERT_EQ(0, sim_create(id, opts));
	for (i = 0; i < n; i++)
		EXPECT_EQ(-EINVAL, sim_inject(id, cmds[i]))
			TH_LOG("cmds[%zu]", i);
	EXPECT_EQ(0, sim_inject(id, "reset"));
	EXPECT_EQ(0, sim_delete(id));
}

/*
 * Stops monitor @m and checks every stroke simulated pen @id made against
 * @lim (pen_check_strokes(), its findings in *@chk): first that the
 * check is whole, that is the monitor lost no event and the sim's record
 * dropped no stroke. Returns the number of strokes out of bounds, for
 * the test's log; any is a failure already.
 */
static inline long expect_strokes_within(struct __test_metadata *_metadata,
					 struct pen_monitor *m,
					 unsigned int id,
					 const struct pen_limits *lim,
					 struct pen_stroke_check *chk)
{
	struct sim_stroke *rec = NULL;
	long n, nbad;

	EXPECT_EQ(0, pen_monitor_stop(m));
	EXPECT_EQ(0, m->lost);
	EXPECT_EQ(0, sim_state(id, "strokes_dropped"));
	n = sim_strokes(id, &rec);
	ASSERT_LT(0, n);
	nbad = pen_check_strokes(m, rec, n, lim, chk);
	EXPECT_EQ(0, nbad);
	free(rec);
	return nbad;
}

#endif /* PEN_EXPECT_H */
