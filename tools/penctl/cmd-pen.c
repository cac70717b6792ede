// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The commands on one pen that start nothing: info, status, set, stop
 * and clear-fault.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "penctl.h"

static int print_info_json(const struct ctx *c, const struct pen_info *info)
{
	struct json_object *o = json_new_object();

	json_add_pen(o, c->path, info);
	json_add_u64(o, "api_version", info->api_version);
	json_add_u64(o, "needle_count", info->needle_count);
	json_add_depth(o, "depth_min", info->depth_min_um);
	json_add_depth(o, "depth_max", info->depth_max_um);
	json_add_depth(o, "depth_step", info->depth_step_um);
	json_add_rate(o, "rate_min", info->rate_min_mhz);
	json_add_rate(o, "rate_max", info->rate_max_mhz);
	json_add_depth(o, "depth_cap", info->depth_cap_um);
	json_add_u64(o, "max_run_time_s", info->max_run_time_s);
	json_add_bool(o, "buttons", info->flags & PEN_INFO_BUTTONS);
	json_add_bool(o, "footswitch", info->flags & PEN_INFO_FOOTSWITCH);
	return json_print(stdout, o);
}

static void print_info(const struct ctx *c, const struct pen_info *info)
{
	char a[FMT_LEN], b[FMT_LEN], d[FMT_LEN], t[64];
	bool foot = info->flags & PEN_INFO_FOOTSWITCH;

	printf("device:      %s\n", c->path);
	printf("name:        %s\n", text(info->name, t, sizeof(t)));
	printf("driver:      %s\n", text(info->driver, t, sizeof(t)));
	printf("model:       %s\n", text(info->model, t, sizeof(t)));
	printf("serial:      %s\n", text(info->serial, t, sizeof(t)));
	printf("api version: %u\n", info->api_version);
	printf("needles:     %u\n", info->needle_count);
	printf("depth:       %s - %s, step %s\n",
	       depth_str(info->depth_min_um, a),
	       depth_str(info->depth_max_um, b),
	       depth_str(info->depth_step_um, d));
	printf("rate:        %s - %s\n", rate_str(info->rate_min_mhz, a),
	       rate_str(info->rate_max_mhz, b));
	printf("depth cap:   %s\n", depth_str(info->depth_cap_um, a));
	printf("max run:     %u s\n", info->max_run_time_s);
	if (info->flags & PEN_INFO_BUTTONS)
		printf("buttons:     main, speed up, speed down%s\n",
		       foot ? ", footswitch" : "");
	else
		printf("buttons:     %s\n", foot ? "footswitch" : "none");
}

int cmd_info(struct ctx *c)
{
	struct pen_info info;
	struct pen *pen;
	int rc = 0;

	pen = open_pen_info(c, 0, &info);
	if (!pen)
		return EXIT_RUNTIME;
	if (!c->json)
		print_info(c, &info);
	else if (print_info_json(c, &info) < 0)
		rc = EXIT_RUNTIME;
	pen_close(pen);
	return rc;
}

static int print_status_json(const struct ctx *c,
			     const struct pen_status *st)
{
	struct json_object *o = json_new_object();
	const char *cart = pen_cartridge_state_name(st->cartridge_state);

	json_add_str(o, "path", c->path);
	json_add_str(o, "state", pen_state_name(st->state));
	json_add_u64(o, "state_code", st->state);
	json_add_str(o, "stop_reason", pen_stop_reason_name(st->stop_reason));
	json_add_u64(o, "stop_reason_code", st->stop_reason);
	json_add_fault(o, st);
	json_add_str(o, "cartridge", cart);
	json_add_u64(o, "cartridge_id", st->cartridge_id);
	json_add_u64(o, "cartridge_budget", st->cartridge_budget);
	json_add_u64(o, "cartridge_strokes", st->cartridge_strokes);
	json_add_bool(o, "controlled", st->flags & PEN_STATUS_CONTROLLED);
	json_add_depth(o, "depth", st->depth_um);
	json_add_rate(o, "rate", st->rate_mhz);
	json_add_depth(o, "last_reached", st->last_reached_um);
	json_add_u64(o, "strokes", st->strokes);
	json_add_u64(o, "run_strokes", st->run_strokes);
	json_add_u64(o, "missed_strokes", st->missed_strokes);
	json_add_u64(o, "run_missed_strokes", st->run_missed_strokes);
	json_add_u64(o, "max_lateness_ns", st->max_lateness_ns);
	json_add_u64(o, "started_ns", st->started_ns);
	json_add_u64(o, "stopped_ns", st->stopped_ns);
	json_add_u64(o, "last_stroke_ns", st->last_stroke_ns);
	return json_print(stdout, o);
}

static void print_status(const struct ctx *c, const struct pen_status *st)
{
	char a[FMT_LEN], f[64];

	printf("device:             %s\n", c->path);
	printf("state:              %s\n", pen_state_name(st->state));
	printf("stop reason:        %s\n",
	       pen_stop_reason_name(st->stop_reason));
	if (st->fault == PEN_FAULT_NONE)
		printf("fault:              none\n");
	else
		printf("fault:              %s at stroke %" PRIu64 "\n",
		       fault_str(st, f, sizeof(f)), (uint64_t)st->fault_seq);
	if (st->cartridge_state == PEN_CARTRIDGE_NONE)
		printf("cartridge:          none\n");
	else
		printf("cartridge:          %s, id %" PRIu64 ", %" PRIu64
		       " of %u strokes used\n",
		       pen_cartridge_state_name(st->cartridge_state),
		       (uint64_t)st->cartridge_id,
		       (uint64_t)st->cartridge_strokes, st->cartridge_budget);
	printf("controlled:         %s\n",
	       st->flags & PEN_STATUS_CONTROLLED ? "yes" : "no");
	printf("depth:              %s\n", depth_str(st->depth_um, a));
	printf("rate:               %s\n", rate_str(st->rate_mhz, a));
	printf("strokes:            %" PRIu64 "\n", (uint64_t)st->strokes);
	printf("run strokes:        %" PRIu64 "\n",
	       (uint64_t)st->run_strokes);
	printf("missed strokes:     %" PRIu64 "\n",
	       (uint64_t)st->missed_strokes);
	printf("run missed strokes: %" PRIu64 "\n",
	       (uint64_t)st->run_missed_strokes);
	printf("last reached:       %s\n",
	       depth_str(st->last_reached_um, a));
	printf("max lateness:       %s us\n",
	       usecs_str(st->max_lateness_ns, a));
}

int cmd_status(struct ctx *c)
{
	struct pen *pen = open_pen(c, 0);
	struct pen_status st;
	int rc = 0;

	if (!pen)
		return EXIT_RUNTIME;
	if (read_status(c, pen, &st) < 0) {
		rc = EXIT_RUNTIME;
	} else if (c->json) {
		if (print_status_json(c, &st) < 0)
			rc = EXIT_RUNTIME;
	} else {
		print_status(c, &st);
	}
	pen_close(pen);
	return rc;
}

int cmd_set(struct ctx *c)
{
	char a[FMT_LEN], b[FMT_LEN];
	struct json_object *o;
	struct pen_status st;
	struct pen *pen;
	int rc = EXIT_RUNTIME;

	pen = open_pen(c, PEN_OPEN_CONTROL);
	if (!pen)
		return EXIT_RUNTIME;
	if (apply_setpoints(c, pen) < 0)
		goto out;

	/* Report what the pen now holds, not what was asked for. */
	if (pen_get_status(pen, &st) < 0) {
		ioctl_error(c, "read back the setpoints", errno);
		goto out;
	}
	if (c->json) {
		o = json_new_object();
		json_add_str(o, "path", c->path);
		json_add_depth(o, "depth", st.depth_um);
		json_add_rate(o, "rate", st.rate_mhz);
		if (json_print(stdout, o) < 0)
			goto out;
	} else {
		printf("%s: depth %s, rate %s\n", c->path,
		       depth_str(st.depth_um, a), rate_str(st.rate_mhz, b));
	}
	rc = 0;
out:
	/* Closing the controller stops nothing here: the needle is idle. */
	pen_close(pen);
	return rc;
}

int cmd_stop(struct ctx *c)
{
	struct json_object *o;
	struct pen_status st;
	struct pen *pen;
	int rc = 0;

	/*
	 * Read-only on purpose: an emergency stop must work while another
	 * process holds control, and must not need write permission.
	 */
	pen = open_pen(c, 0);
	if (!pen)
		return EXIT_RUNTIME;
	if (pen_stop(pen) < 0) {
		ioctl_error(c, "stop the needle", errno);
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (read_status(c, pen, &st) < 0) {
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (st.state == PEN_STATE_RUNNING) {
		errorf("%s: needle still running after STOP", c->path);
		rc = EXIT_RUNTIME;
	}
	if (c->json) {
		o = json_new_object();
		json_add_str(o, "path", c->path);
		json_add_str(o, "state", pen_state_name(st.state));
		json_add_str(o, "stop_reason",
			     pen_stop_reason_name(st.stop_reason));
		if (json_print(stdout, o) < 0)
			rc = EXIT_RUNTIME;
	} else {
		printf("%s: %s (stop reason: %s)\n", c->path,
		       pen_state_name(st.state),
		       pen_stop_reason_name(st.stop_reason));
	}
out:
	pen_close(pen);
	return rc;
}

/*
 * clear-fault: acknowledge the latched fault. The fault is read first, to
 * be named; it cannot change before the clear, since the first fault
 * stays latched and only the controller, this process, clears it.
 */
int cmd_clear_fault(struct ctx *c)
{
	struct pen_status before, after;
	struct json_object *o;
	bool cleared = false;
	struct pen *pen;
	int rc = EXIT_RUNTIME;
	char f[64];

	pen = open_pen(c, PEN_OPEN_CONTROL);
	if (!pen)
		return EXIT_RUNTIME;
	if (read_status(c, pen, &before) < 0)
		goto out;
	if (before.fault != PEN_FAULT_NONE) {
		if (pen_clear_fault(pen) < 0) {
			ioctl_error(c, "clear the fault", errno);
			goto out;
		}
		cleared = true;
	}

	if (c->json) {
		o = json_new_object();
		json_add_str(o, "path", c->path);
		json_add_bool(o, "cleared", cleared);
		json_add_str(o, "fault", pen_fault_name(before.fault));
		if (json_print(stdout, o) < 0)
			goto out;
	} else {
		printf("%s: %s\n", c->path,
		       cleared ? "fault cleared" : "no fault latched");
	}

	/* A cause that persists (a hot motor) may latch again at once. */
	if (cleared) {
		if (read_status(c, pen, &after) < 0)
			goto out;
		if (after.fault != PEN_FAULT_NONE) {
			errorf("%s: fault %s latched again after clearing",
			       c->path, fault_str(&after, f, sizeof(f)));
			goto out;
		}
	}
	rc = 0;
out:
	/* The needle is stopped while a fault is latched: nothing to stop. */
	pen_close(pen);
	return rc;
}
