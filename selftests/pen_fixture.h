/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixtures the pen selftests share, so that each test file says only
 * what is special about its pen. Most tests want one simulated pen, made
 * fresh for every test and opened; a pen left by a run that crashed is
 * removed first, so that one failure does not fail every later test.
 *
 * Include after kselftest_harness.h and pen_util.h. The helpers assert
 * through the harness: they take the test's _metadata.
 */
#ifndef PEN_FIXTURE_H
#define PEN_FIXTURE_H

/*
 * Simulated pen @id made anew with the new_device keys @opts (NULL: the
 * defaults) and opened with @flags into *@fd; if @depth_um is nonzero,
 * the setpoints @depth_um and @rate_mhz are set on it. *@fd is -1 until
 * the open succeeds, so a teardown after a failed setup closes nothing
 * it does not own.
 */
static inline void pen_fixture_open(struct __test_metadata *_metadata,
				    int *fd, unsigned int id,
				    const char *opts, int flags,
				    uint32_t depth_um, uint32_t rate_mhz)
{
	int ret;

	*fd = -1;
	sim_delete(id);
	ret = sim_create(id, opts);
	/* A configuration no bench in the device tree has. */
	if (ret == -EOPNOTSUPP && sim_from_device_tree())
		SKIP(return, "no bench in the device tree has \"%s\"",
		     opts ? opts : "");
	ASSERT_EQ(0, ret);
	ret = sim_open(id, flags);
	ASSERT_LE(0, ret);
	*fd = ret;
	if (depth_um)
		ASSERT_EQ(0, pen_params_set(ret, PEN_PARAM_ALL, depth_um,
					    rate_mhz));
}

/* Undoes pen_fixture_open(): the file, then the pen. */
static inline void pen_fixture_close(int fd, unsigned int id)
{
	if (fd >= 0)
		close(fd);
	sim_delete(id);
}

/*
 * FIXTURE(@name) with self->fd: simulated pen @id as pen_fixture_open()
 * makes it, opened O_RDWR (the test is its controller).
 */
#define PEN_SIM_FIXTURE(name, id, opts, depth_um, rate_mhz)		\
	FIXTURE(name) {							\
		int fd;							\
	};								\
	FIXTURE_SETUP(name)						\
	{								\
		pen_fixture_open(_metadata, &self->fd, (id), (opts),	\
				 O_RDWR, (depth_um), (rate_mhz));	\
	}								\
	FIXTURE_TEARDOWN(name)						\
	{								\
		pen_fixture_close(self->fd, (id));			\
	}

/*
 * FIXTURE(@name) with self->sim_id = @id, for tests that make their pen
 * themselves (each with its own options) and need it gone afterwards
 * even when they fail half-way.
 */
#define PEN_ID_FIXTURE(name, id)					\
	FIXTURE(name) {							\
		unsigned int sim_id;					\
	};								\
	FIXTURE_SETUP(name)						\
	{								\
		self->sim_id = (id);					\
	}								\
	FIXTURE_TEARDOWN(name)						\
	{								\
		sim_delete(self->sim_id);				\
	}

#endif /* PEN_FIXTURE_H */
