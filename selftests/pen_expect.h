/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks that several test files make the same way, kept in one place so
 * that they stay the same check. Include after kselftest_harness.h and
 * pen_util.h; each takes the test's _metadata and asserts through it.
 */
#ifndef PEN_EXPECT_H
#define PEN_EXPECT_H

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
	long n, bad;

	EXPECT_EQ(0, pen_monitor_stop(m));
	EXPECT_EQ(0, m->lost);
	EXPECT_EQ(0, sim_state(id, "strokes_dropped"));
	n = sim_strokes(id, &rec);
	ASSERT_LT(0, n);
	bad = pen_check_strokes(m, rec, n, lim, chk);
	EXPECT_EQ(0, bad);
	free(rec);
	return bad;
}

#endif /* PEN_EXPECT_H */
