// SPDX-License-Identifier: GPL-2.0
/*
 * cyclictest (Debian's rt-tests), the userspace loop the stroke loop is
 * compared with: run in the background at a stroke period, and its
 * latencies read back.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static const char ct_out[] = "/tmp/pen_bench_cyclictest.out";

/*
 * Start cyclictest at SCHED_FIFO 90: one thread sleeping with
 * clock_nanosleep on an absolute schedule of @interval_us (-d 0 matters:
 * rt-tests 2.4 adds its default 500 us "distance" even to a lone
 * thread), @loops times (0: until it is stopped), with @record every
 * latency printed in ns (-v -N) into ct_out. Its pid, or -1.
 */
static pid_t cyclictest_spawn(unsigned int interval_us, unsigned int loops,
			      bool record)
{
	char interval[16], count[16];
	const char *argv[] = {
		"cyclictest", "-q", "-m", "-p", "90", "--policy=fifo",
		"-t", "1", "-d", "0", "-i", interval, "-l", count,
		record ? "-v" : NULL, "-N", NULL,
	};
	pid_t pid;
	int fd;

	snprintf(interval, sizeof(interval), "%u", interval_us);
	snprintf(count, sizeof(count), "%u", loops);
	pid = fork();
	if (pid < 0) {
		bench_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		fd = open(record ? ct_out : "/dev/null",
			  O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

pid_t cyclictest_start(unsigned int interval_us, unsigned int loops)
{
	return cyclictest_spawn(interval_us, loops, true);
}

/*
 * For cyclictest's CPU per cycle at @interval_us, measured as the pen's
 * CPU per stroke is: @hog's busy loop for @window_ns with cyclictest
 * running beside it until stopped, recording nothing. Returns the loop's
 * rate, NAN on error; cyclictest's cycles in the window in *@cycles.
 */
double cyclictest_beside(unsigned int interval_us, uint64_t window_ns,
		       double (*hog)(uint64_t ns), uint64_t *cycles)
{
	double rate;
	int status;
	pid_t pid;

	pid = cyclictest_spawn(interval_us, 0, false);
	if (pid < 0)
		return NAN;
	/* Past its start (mlockall, the thread, its first cycles). */
	sleep_ns(50 * NSEC_PER_MSEC);
	rate = hog(window_ns);
	kill(pid, SIGINT);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		bench_error("cyclictest (CPU per cycle) failed (status %#x)",
			    status);
		return NAN;
	}
	*cycles = window_ns / ((uint64_t)interval_us * 1000);
	return rate;
}

/* Wait for cyclictest @pid to finish its @loops; its latencies in @d. */
int cyclictest_finish(pid_t pid, unsigned int loops, struct dist *d)
{
	char line[128];
	int64_t *v, value;
	unsigned int thread, cycle;
	size_t n = 0;
	int status;
	FILE *f;

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		bench_error("cyclictest of %u loops failed (status %#x)", loops,
			    status);
		return -1;
	}
	v = calloc(loops, sizeof(*v));
	f = fopen(ct_out, "re");
	if (!v || !f) {
		bench_error("reading cyclictest's output: %s", strerror(errno));
		free(v);
		if (f)
			fclose(f);
		return -1;
	}
	/* "thread: cycle: latency" lines; the rest is its summary. */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %u: %u: %" SCNd64, &thread, &cycle,
			   &value) == 3 && n < loops)
			v[n++] = value;
	fclose(f);
	if (n != loops)
		bench_error("cyclictest reported %zu of %u loops", n, loops);
	*d = dist_of(v, n);
	free(v);
	return n == loops ? 0 : -1;
}

void json_cyclictest(unsigned int interval_us, unsigned int loops,
		     const struct dist *d, const struct dist *ours)
{
	tool_json_open(bench_json, "cyclictest", '{');
	tool_json_u64(bench_json, "interval_us", interval_us);
	tool_json_u64(bench_json, "loops", loops);
	json_dist("latency_ns", d);
	tool_json_close(bench_json);
	tool_json_f(bench_json, "p99_ratio", d->p99 ? (double)ours->p99 / d->p99 : NAN);
}

bool have_cyclictest(void)
{
	return !access("/usr/bin/cyclictest", X_OK) ||
	       !access("/usr/local/bin/cyclictest", X_OK);
}
