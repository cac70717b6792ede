// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay: a session log (or monitor --json's output) summed up and
 * checked against the driver's counters in its summary line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* The session's pen, or nulls without a session record. */
static void replay_json_pen(struct json_object *o, const struct replay *rp)
{
	static const char *const keys[] = {
		"name", "driver", "model", "serial", "start_time",
	};
	const char *vals[] = {
		rp->name, rp->driver, rp->model, rp->serial, rp->start_time,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (rp->session)
			json_add_str(o, keys[i], vals[i]);
		else
			json_add_null(o, keys[i]);
	}
}

/* "faults_by_name": {"over-depth": 1, ...} */
static void replay_json_faults(struct json_object *o,
			       const struct replay *rp)
{
	struct json_object *kinds = json_new_object();
	size_t i;

	for (i = 0; i < rp->n_kinds; i++)
		json_add_u64(kinds, rp->kinds[i].name, rp->kinds[i].count);
	if (rp->other_faults)
		json_add_u64(kinds, "other", rp->other_faults);
	json_add(o, "faults_by_name", kinds);
}

/* The depth error: its mean as printed ("%.1f"), so not re-rounded. */
static void replay_json_error(struct json_object *o, const struct replay *rp)
{
	double mean;
	char buf[FMT_LEN];

	if (!rp->measured) {
		json_add_null(o, "depth_error_min_um");
		json_add_null(o, "depth_error_mean_um");
		json_add_null(o, "depth_error_max_um");
		return;
	}
	mean = (double)rp->err_sum / rp->measured;
	snprintf(buf, sizeof(buf), "%.1f", mean);
	json_add_i64(o, "depth_error_min_um", rp->err_min);
	json_add(o, "depth_error_mean_um",
		 json_object_new_double_s(mean, buf));
	json_add_i64(o, "depth_error_max_um", rp->err_max);
}

static int replay_json(const struct replay *rp, bool match)
{
	static const struct json_uint_field counts[] = {
		JSON_UINT(struct replay, records, "events"),
		JSON_UINT(struct replay, strokes, "strokes"),
		JSON_UINT(struct replay, measured, "measured_strokes"),
		JSON_UINT(struct replay, missed, "missed_strokes"),
		JSON_UINT(struct replay, faults, "faults"),
	}, others[] = {
		JSON_UINT(struct replay, setpoints, "setpoint_changes"),
		JSON_UINT(struct replay, overflows, "overflow_records"),
		JSON_UINT(struct replay, lost, "lost_events"),
	}, times[] = {
		JSON_UINT(struct replay, max_lateness, "max_lateness_ns"),
		JSON_UINT(struct replay, run_ns, "duration_ns"),
	};
	struct json_object *o = json_new_object();

	json_add_str(o, "file", rp->file);
	replay_json_pen(o, rp);
	json_add_uints(o, rp, counts, ARRAY_SIZE(counts));
	replay_json_faults(o, rp);
	json_add_uints(o, rp, others, ARRAY_SIZE(others));
	replay_json_error(o, rp);
	json_add_uints(o, rp, times, ARRAY_SIZE(times));
	json_add_bool(o, "ends_running", rp->ended_running);
	json_add_bool(o, "summary", rp->summary);
	if (rp->counters) {
		json_add_u64(o, "driver_run_strokes", rp->sum_strokes);
		json_add_u64(o, "driver_run_missed_strokes", rp->sum_missed);
		json_add_bool(o, "matches", match);
	} else {
		json_add_null(o, "driver_run_strokes");
		json_add_null(o, "driver_run_missed_strokes");
		json_add_null(o, "matches");
	}
	return json_print(stdout, o);
}

static void replay_text(const struct replay *rp, bool match)
{
	char a[FMT_LEN], mean[FMT_LEN];
	size_t i;

	if (rp->measured)
		snprintf(mean, sizeof(mean), "%.1f",
			 (double)rp->err_sum / rp->measured);

	if (rp->session)
		printf("%s: session of %s (%s, %s, serial %s), started %s\n",
		       rp->file, rp->name, rp->driver, rp->model, rp->serial,
		       rp->start_time);
	else
		printf("%s: events without a session record\n", rp->file);
	printf("  strokes:            %" PRIu64 " (%" PRIu64 " measured)\n",
	       rp->strokes, rp->measured);
	printf("  missed strokes:     %" PRIu64 "\n", rp->missed);
	if (!rp->faults) {
		printf("  faults:             none\n");
	} else {
		printf("  faults:             %" PRIu64 " (", rp->faults);
		for (i = 0; i < rp->n_kinds; i++)
			printf("%s%s %" PRIu64, i ? ", " : "",
			       rp->kinds[i].name, rp->kinds[i].count);
		if (rp->other_faults)
			printf(", other %" PRIu64, rp->other_faults);
		printf(")\n");
	}
	printf("  setpoint changes:   %" PRIu64 "\n", rp->setpoints);
	if (!rp->overflows)
		printf("  overflow:           none\n");
	else
		printf("  overflow:           %" PRIu64 " record%s, %" PRIu64
		       " events lost\n", rp->overflows,
		       rp->overflows == 1 ? "" : "s", rp->lost);
	if (rp->measured)
		printf("  depth error:        min %+" PRId64
		       " um, mean %s%s um, max %+" PRId64 " um\n",
		       rp->err_min, rp->err_sum >= 0 ? "+" : "", mean,
		       rp->err_max);
	else
		printf("  depth error:        no measured strokes\n");
	printf("  max lateness:       %s us\n",
	       usecs_str(rp->max_lateness, a));
	printf("  duration:           %s s%s\n", secs_str(rp->run_ns, a),
	       rp->ended_running ? " (the log ends with the needle running)" :
	       "");
	if (rp->counters)
		printf("  driver's counters:  %" PRIu64 " strokes, %" PRIu64
		       " missed (ended by %s, stop reason %s, fault %s)\n",
		       rp->sum_strokes, rp->sum_missed, rp->ended_by,
		       rp->stop_reason, rp->sum_fault);
	if (!rp->summary)
		printf("  matches the driver's counters: unknown (no summary record%s)\n",
		       rp->session ? ": the session did not end cleanly" : "");
	else if (!rp->counters)
		printf("  matches the driver's counters: unknown (none in the summary: %s)\n",
		       *rp->sum_error ? rp->sum_error : "not read");
	else
		printf("  matches the driver's counters: %s\n",
		       match ? "yes" : "no");
}

int cmd_replay(struct ctx *c)
{
	struct replay rp;
	size_t cap = 0;
	char *line = NULL;
	ssize_t len;
	bool match;
	FILE *f;
	int rc = EXIT_RUNTIME;

	memset(&rp, 0, sizeof(rp));
	rp.file = c->file;
	f = fopen(c->file, "re");
	if (!f) {
		errorf("%s: %s", c->file, strerror(errno));
		return EXIT_RUNTIME;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		rp.line++;
		if (len && line[len - 1] == '\n')
			len--;
		if (replay_line(&rp, line, len) < 0)
			goto out;
	}
	if (ferror(f)) {
		errorf("%s: %s", c->file, strerror(errno));
		goto out;
	}
	if (rp.running) {
		rp.ended_running = true;
		if (rp.last_ns > rp.run_since)
			rp.run_ns += rp.last_ns - rp.run_since;
	}

	match = rp.counters && rp.strokes == rp.sum_strokes &&
		rp.missed == rp.sum_missed;
	if (c->json) {
		if (replay_json(&rp, match) < 0)
			goto out;
	} else {
		replay_text(&rp, match);
	}
	if (rp.counters && !match) {
		if (rp.lost)
			errorf("%s: the log does not match the driver's counters (%" PRIu64
			      " events were lost to overflow)", c->file, rp.lost);
		else
			errorf("%s: the log does not match the driver's counters: %" PRIu64
			      " strokes and %" PRIu64 " missed logged, %" PRIu64
			      " and %" PRIu64 " counted", c->file, rp.strokes,
			       rp.missed, rp.sum_strokes, rp.sum_missed);
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	return rc;
}
