// SPDX-License-Identifier: GPL-2.0
/*
 * Single-use cartridges: no start without one, none used twice, strokes
 * counted against its budget until the needle stops by itself, and the
 * needle stopped at once when the cartridge comes out.
 */
#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"
#include "pen_expect.h"

#define SIM_ID	800

/* An empty pen: no cartridge until the test inserts one. */
PEN_SIM_FIXTURE(pen, SIM_ID, "cartridge_budget=0", 500, 100000);

TEST_F(pen, no_start_without_a_cartridge)
{
	struct pen_status st = pen_status_of(self->fd);

	EXPECT_EQ(PEN_CARTRIDGE_NONE, st.cartridge_state);
	EXPECT_EQ(0, st.cartridge_id);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ENOMEDIUM, errno);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));
}

TEST_F(pen, strokes_count_against_the_budget_until_it_is_spent)
{
	struct pen_status st;

	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 4242 25"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_CARTRIDGE_READY, st.cartridge_state);
	EXPECT_EQ(4242, st.cartridge_id);
	EXPECT_EQ(25, st.cartridge_budget);

	st = pen_run_for(_metadata, self->fd, 100000000);
	EXPECT_EQ(st.run_strokes, st.cartridge_strokes);

	/* The rest of the budget, then a stop between strokes. */
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = pen_wait_stopped(self->fd, 2000);
	EXPECT_EQ(PEN_STOP_CARTRIDGE_SPENT, st.stop_reason);
	EXPECT_EQ(PEN_CARTRIDGE_SPENT, st.cartridge_state);
	EXPECT_EQ(25, st.cartridge_strokes);
	EXPECT_EQ(25, sim_state(SIM_ID, "strokes"));
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ENOSPC, errno);
}

TEST_F(pen, a_cartridge_is_never_used_twice)
{
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 77 1000"));
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_remove"));
	EXPECT_EQ(PEN_CARTRIDGE_NONE, pen_status_of(self->fd).cartridge_state);
	/* The same one back in: refused, even unused. */
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 77 1000"));
	EXPECT_EQ(PEN_CARTRIDGE_REUSED, pen_status_of(self->fd).cartridge_state);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ESTALE, errno);
	/* A fresh one runs. */
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 78 1000"));
	EXPECT_EQ(PEN_CARTRIDGE_READY, pen_status_of(self->fd).cartridge_state);
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

/*
 * An id the pen cannot remember cannot be told from the next cartridge's
 * (0, which the cartridge's memory holds when it was never written):
 * the core refuses it as used, every time; pen_vcm reads no cartridge
 * record in it and reports none. Either way the needle cannot start.
 */
TEST_F(pen, a_cartridge_without_an_id_cannot_start)
{
	int sim = pen_backend_is_sim(), i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 0 1000"));
		EXPECT_EQ(sim ? PEN_CARTRIDGE_REUSED : PEN_CARTRIDGE_NONE,
			  pen_status_of(self->fd).cartridge_state);
		EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
		EXPECT_EQ(sim ? ESTALE : ENOMEDIUM, errno);
		EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));
		ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_remove"));
	}
}

TEST_F(pen, pulling_the_cartridge_stops_the_needle_at_once)
{
	struct pen_status st;

	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 99 100000"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(50000000);
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_remove"));
	/* Reported in process context: off before the report returns. */
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_LE(sim_state(SIM_ID, "inject_ns"),
		  sim_state(SIM_ID, "drive_off_ns"));
	report_drive_off("cartridge pulled", sim_state(SIM_ID, "inject_ns"),
			 sim_state(SIM_ID, "drive_off_ns"), 10000000);
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_CARTRIDGE_REMOVED, st.stop_reason);
	EXPECT_EQ(PEN_CARTRIDGE_NONE, st.cartridge_state);
}

/* A new cartridge while the needle runs: the old one came out. */
TEST_F(pen, a_cartridge_changed_while_running_stops_the_needle)
{
	struct pen_status st;

	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 101 100000"));
	st = pen_run_then_inject(_metadata, self->fd, SIM_ID, 30000000,
				 "cartridge_insert 102 100000", 1000);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_CARTRIDGE_REMOVED, st.stop_reason);
	/* The new one is ready, and runs. */
	EXPECT_EQ(PEN_CARTRIDGE_READY, st.cartridge_state);
	EXPECT_EQ(102, st.cartridge_id);
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

/* A cartridge whose budget is already 0 is spent as it goes in. */
TEST_F(pen, a_cartridge_without_budget_is_spent_at_once)
{
	ASSERT_EQ(0, sim_inject(SIM_ID, "cartridge_insert 103 0"));
	EXPECT_EQ(PEN_CARTRIDGE_SPENT, pen_status_of(self->fd).cartridge_state);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
}

TEST(a_new_simulated_pen_comes_with_a_fresh_cartridge)
{
	struct pen_status a, b;
	int fa, fb;

	sim_delete(SIM_ID + 1);
	sim_delete(SIM_ID + 2);
	ASSERT_EQ(0, sim_create(SIM_ID + 1, NULL));
	ASSERT_EQ(0, sim_create(SIM_ID + 2, NULL));
	fa = sim_open(SIM_ID + 1, O_RDONLY);
	fb = sim_open(SIM_ID + 2, O_RDONLY);
	a = pen_status_of(fa);
	b = pen_status_of(fb);
	EXPECT_EQ(PEN_CARTRIDGE_READY, a.cartridge_state);
	EXPECT_EQ(1000000, a.cartridge_budget);
	EXPECT_NE(a.cartridge_id, b.cartridge_id);
	close(fa);
	close(fb);
	sim_delete(SIM_ID + 1);
	sim_delete(SIM_ID + 2);
}

TEST_HARNESS_MAIN
