// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The session log of run --log (and start --log): one JSON object a
 * line, written while the needle runs and read back by "penctl replay".
 * Writer and reader are both here, so that the log has one schema:
 *
 *   {"type":"session", ...}   the first line: the pen, its setpoints, when
 *   {"type":EVENT, ...}       one a driver event, as event_json() makes it
 *                             (also monitor --json's lines)
 *   {"type":"summary", ...}   the last line: how the run ended, and the
 *                             driver's counters the events must add up to
 *
 * penctl(1) lists every key. The reader takes what monitor --json prints
 * too: events without the session and summary lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "outq.h"

/* The record types that are not events, and the keys both sides use. */
#define REC_SESSION	"session"
#define REC_SUMMARY	"summary"
#define KEY_TYPE	"type"
#define KEY_TIMESTAMP	"timestamp_ns"
#define KEY_RUN_STROKES	"run_strokes"
#define KEY_RUN_MISSED	"run_missed_strokes"

/*
 * The log is written through a queue that never blocks (outq.h): 4 MiB,
 * some 20 s of events at the fastest rate, for a disk or a pipe to fall
 * behind by before lines are lost; once the needle is stopped, up to
 * LOG_DRAIN_NS for the rest to go out. Its lines are bounded by the
 * escaped device path, far below OUTQ_LINE_MAX.
 */
#define LOG_QUEUE	(4u << 20)
#define LOG_DRAIN_NS	(10 * NSEC_PER_SEC)
/*
 * Created or truncated, never appended to: a log holds one session. Not
 * inherited by anything penctl could run, like the pen. Written through
 * a queue, so that a slow disk or a full pipe never holds penctl up while
 * the needle runs. Returns 0, or -1 (reported).
 */
int open_log(const struct ctx *c, struct run *r)
{
	int fd;

	fd = open(c->log_arg, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		errorf("%s: cannot open log: %s", c->log_arg, strerror(errno));
		return -1;
	}
	r->log_q = outq_open(fd, LOG_QUEUE);
	if (!r->log_q) {
		errorf("%s: cannot open log: %s", c->log_arg, strerror(errno));
		close(fd);
		return -1;
	}
	r->log_fd = fd;
	r->log = outq_file(r->log_q);
	return 0;
}

/* Why the log lost lines, once it has (r->log_err or r->log_lost). */
void log_error(const struct ctx *c, struct run *r)
{
	r->log_said = true;
	if (r->log_err)
		errorf("%s: cannot write log: %s", c->log_arg,
		       strerror(r->log_err));
	else
		errorf("%s: cannot write log: %" PRIu64 " line%s lost: it did not take them as fast as they came",
		       c->log_arg, r->log_lost, r->log_lost == 1 ? "" : "s");
}

/*
 * Write out the rest of the log (the needle is stopped) and close it.
 * Returns 0, or -1 if it lost a line (reported, unless already).
 */
int close_log(const struct ctx *c, struct run *r)
{
	uint64_t lost;
	int err;

	if (!r->log)
		return 0;
	outq_close(r->log_q, LOG_DRAIN_NS, &lost, &err);
	r->log = NULL;
	r->log_q = NULL;
	if (close(r->log_fd) < 0 && !err)
		err = errno;
	r->log_err = r->log_err ? r->log_err : err;
	r->log_lost = lost;
	if (!r->log_err && !r->log_lost)
		return 0;
	if (!r->log_said)
		log_error(c, r);
	return -1;
}

/* The log lost a line: the run must end. */
bool log_failed(const struct run *r)
{
	return r->log_err || r->log_lost;
}

/*
 * A new line for the log, or NULL if there is no log or it has already
 * failed. log_end() writes it.
 */
static struct json_object *log_begin(struct run *r, const char *type)
{
	struct json_object *o;

	if (!r->log || r->log_err || r->log_lost)
		return NULL;
	o = json_new_object();
	json_add_str(o, KEY_TYPE, type);
	return o;
}

/*
 * End the line and queue it whole: a crash loses at most what the queue
 * holds. A line the queue had to drop, or could not write, ends the run.
 */
static void log_end(struct run *r, struct json_object *o)
{
	int ret = json_print(r->log, o);

	fflush(r->log);
	r->log_lost = outq_lost(r->log_q, &r->log_err);
	if (ret < 0 && !r->log_err)
		r->log_err = ENOMEM;
}

void log_event(struct run *r, const struct pen_event *e)
{
	if (!r->log || r->log_err || r->log_lost)
		return;
	log_end(r, event_json(e));
	r->logged++;
}

/* Wall-clock time for people, into @when (64 bytes). */
static void wall_time(char *when)
{
	struct timespec ts;
	struct tm tm;
	size_t n = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (gmtime_r(&ts.tv_sec, &tm))
		n = strftime(when, 64, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n)
		snprintf(when + n, 64 - n, ".%03dZ",
			 (int)(ts.tv_nsec / 1000000 % 1000));
	else
		snprintf(when, 64, "unknown");
}

/* The first line: which pen, its setpoints, and when. */
void log_session(const struct ctx *c, struct run *r,
		 const struct pen_info *info, const struct pen_status *st)
{
	struct json_object *o = log_begin(r, REC_SESSION);
	char when[64];

	if (!o)
		return;
	/* Wall-clock time for people; start_ns places it among the events. */
	wall_time(when);
	json_add_u64(o, "version", LOG_VERSION);
	json_add_str(o, "penctl", PENCTL_VERSION);
	json_add_pen(o, c->path, info);
	json_add_u64(o, "api_version", info->api_version);
	json_add_depth(o, "depth", st->depth_um);
	json_add_rate(o, "rate", st->rate_mhz);
	if (c->given & OPT_F_DURATION)
		json_add_u64(o, "duration_ns", c->duration_ns);
	else
		json_add_null(o, "duration_ns");
	json_add_str(o, "start_time", when);
	json_add_u64(o, "start_ns", now_ns());
	log_end(r, o);
}

/* The summary's counters, from the status read at the end. */
static void summary_status(struct json_object *o, const struct pen_status *st)
{
	json_add_null(o, "error");
	json_add_str(o, "state", pen_state_name(st->state));
	json_add_str(o, "stop_reason", pen_stop_reason_name(st->stop_reason));
	json_add_u64(o, "stop_reason_code", st->stop_reason);
	json_add_fault(o, st);
	json_add_u64(o, KEY_RUN_STROKES, st->run_strokes);
	json_add_u64(o, KEY_RUN_MISSED, st->run_missed_strokes);
	json_add_u64(o, "max_lateness_ns", st->max_lateness_ns);
	json_add_u64(o, "started_ns", st->started_ns);
	json_add_u64(o, "stopped_ns", st->stopped_ns);
}

/*
 * The last line: how the run ended and the driver's own counters, which
 * replay checks the events against. @st is NULL if the status could not
 * be read at the end (@err says why): then the counters are null.
 */
void log_summary(struct run *r, const struct pen_status *st, int err,
		 uint64_t elapsed)
{
	static const char *const keys[] = {
		"state", "stop_reason", "stop_reason_code", "fault",
		"fault_code", "fault_value", "fault_ns", "fault_seq",
		KEY_RUN_STROKES, KEY_RUN_MISSED, "max_lateness_ns",
		"started_ns", "stopped_ns",
	};
	struct json_object *o = log_begin(r, REC_SUMMARY);
	size_t i;

	if (!o)
		return;
	json_add_str(o, "ended_by", end_names[r->end]);
	if (r->end == END_SIGNAL)
		json_add_str(o, "signal", signal_name(r->signo));
	else
		json_add_null(o, "signal");
	json_add_u64(o, "events", r->logged);
	json_add_u64(o, "lost_events", r->lost);
	json_add_u64(o, "elapsed_ns", elapsed);
	if (st) {
		summary_status(o, st);
	} else {
		json_add_str(o, "error", ioctl_strerror(err));
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			json_add_null(o, keys[i]);
	}
	json_add_u64(o, "end_ns", now_ns());
	log_end(r, o);
}

/* A newer driver's event: keep what it said, undecoded. */
static void event_raw(struct json_object *o, const struct pen_event *e)
{
	struct json_object *raw = json_object_new_array();
	size_t i;

	for (i = 0; raw && i < ARRAY_SIZE(e->raw); i++)
		json_object_array_add(raw, json_object_new_uint64(e->raw[i]));
	json_add(o, "raw", raw);
}

static void event_stroke(struct json_object *o, const struct pen_event *e)
{
	static const struct json_uint_field fields[] = {
		JSON_UINT(struct pen_event, stroke.cmd_um, "cmd_um"),
		JSON_UINT(struct pen_event, stroke.reached_um, "reached_um"),
		JSON_UINT(struct pen_event, stroke.lateness_ns, "lateness_ns"),
		JSON_UINT(struct pen_event, stroke.reached_ns, "reached_ns"),
		JSON_UINT(struct pen_event, stroke.missed, "missed"),
		JSON_UINT(struct pen_event, stroke.rate_mhz, "rate_mhz"),
	};

	json_add_bool(o, "measured", e->flags & PEN_STROKE_MEASURED);
	json_add_uints(o, e, fields, ARRAY_SIZE(fields));
}

static void event_state(struct json_object *o, const struct pen_event *e)
{
	static const struct json_uint_field fields[] = {
		JSON_UINT(struct pen_event, state.stop_reason,
			  "stop_reason_code"),
		JSON_UINT(struct pen_event, state.depth_um, "depth_um"),
		JSON_UINT(struct pen_event, state.rate_mhz, "rate_mhz"),
	};

	json_add_str(o, "state", pen_state_name(e->state.state));
	json_add_u64(o, "state_code", e->state.state);
	json_add_str(o, "stop_reason",
		     pen_stop_reason_name(e->state.stop_reason));
	json_add_uints(o, e, fields, ARRAY_SIZE(fields));
}

static void event_fault(struct json_object *o, const struct pen_event *e)
{
	json_add_str(o, "fault", pen_fault_name(e->fault.fault));
	json_add_u64(o, "fault_code", e->fault.fault);
	json_add_u64(o, "fault_value", e->fault.value);
	if (e->type == PEN_EVENT_FAULT)
		json_add_bool(o, "latched", e->flags & PEN_FAULT_LATCHED);
}

static void event_cartridge(struct json_object *o, const struct pen_event *e)
{
	static const struct json_uint_field fields[] = {
		JSON_UINT(struct pen_event, cartridge.state,
			  "cartridge_state_code"),
		JSON_UINT(struct pen_event, cartridge.id, "cartridge_id"),
		JSON_UINT(struct pen_event, cartridge.budget,
			  "cartridge_budget"),
		JSON_UINT(struct pen_event, cartridge.strokes,
			  "cartridge_strokes"),
	};

	json_add_str(o, "cartridge",
		     pen_cartridge_state_name(e->cartridge.state));
	json_add_uints(o, e, fields, ARRAY_SIZE(fields));
}

static void event_setpoint(struct json_object *o, const struct pen_event *e)
{
	static const struct json_uint_field fields[] = {
		JSON_UINT(struct pen_event, setpoint.depth_um, "depth_um"),
		JSON_UINT(struct pen_event, setpoint.rate_mhz, "rate_mhz"),
		JSON_UINT(struct pen_event, setpoint.mask, "mask"),
	};

	json_add_uints(o, e, fields, ARRAY_SIZE(fields));
}

static void event_overflow(struct json_object *o, const struct pen_event *e)
{
	json_add_u64(o, "lost", e->overflow.lost);
}

/* Each known type's fields; a type not here is written raw. */
static void (*const event_fields[])(struct json_object *o,
				    const struct pen_event *e) = {
	[PEN_EVENT_STROKE] = event_stroke,
	[PEN_EVENT_STATE] = event_state,
	[PEN_EVENT_SETPOINT] = event_setpoint,
	[PEN_EVENT_FAULT] = event_fault,
	[PEN_EVENT_FAULT_CLEARED] = event_fault,
	[PEN_EVENT_CARTRIDGE] = event_cartridge,
	[PEN_EVENT_OVERFLOW] = event_overflow,
};

/*
 * One event as one JSON object: the line format of monitor --json and of
 * the session log, which replay reads back. Only raw integers: at 300
 * strokes a second the log must stay small. NULL for want of memory.
 */
struct json_object *event_json(const struct pen_event *e)
{
	const char *type = pen_event_type_name(e->type);
	struct json_object *o = json_new_object();

	json_add_str(o, KEY_TYPE, type ? type : "unknown");
	if (!type)
		json_add_u64(o, "type_code", e->type);
	json_add_u64(o, "seq", e->seq);
	json_add_u64(o, KEY_TIMESTAMP, e->timestamp_ns);
	json_add_u64(o, "flags", e->flags);
	if (e->type < ARRAY_SIZE(event_fields) && event_fields[e->type])
		event_fields[e->type](o, e);
	else
		event_raw(o, e);
	return o;
}

/* ---- Reading a log back: penctl replay ------------------------------ */

static void __attribute__((format(printf, 2, 3)))
replay_error(const struct replay *rp, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	errorf("%s: line %lu: %s", rp->file, rp->line, buf);
}

/* @key of @obj, of JSON type @type; NULL (and an error) if not. */
static struct json_object *member(const struct replay *rp,
				  struct json_object *obj, const char *type,
				  const char *key, enum json_type want)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v)) {
		replay_error(rp, "%s record without \"%s\"", type, key);
		return NULL;
	}
	if (!json_object_is_type(v, want)) {
		replay_error(rp, "%s record: \"%s\" is not %s", type, key,
			     want == json_type_int ? "an integer" :
			     want == json_type_boolean ? "true or false" :
			     want == json_type_string ? "a string" :
			     "of the right type");
		return NULL;
	}
	return v;
}

static int get_u64(const struct replay *rp, struct json_object *obj,
		   const char *type, const char *key, uint64_t *val)
{
	struct json_object *v = member(rp, obj, type, key, json_type_int);

	if (!v)
		return -1;
	/* json-c keeps integers up to UINT64_MAX; negatives are wrong here. */
	if (json_object_get_int64(v) < 0) {
		replay_error(rp, "%s record: \"%s\" is negative", type, key);
		return -1;
	}
	*val = json_object_get_uint64(v);
	return 0;
}

static int get_bool(const struct replay *rp, struct json_object *obj,
		    const char *type, const char *key, bool *val)
{
	struct json_object *v = member(rp, obj, type, key, json_type_boolean);

	if (!v)
		return -1;
	*val = json_object_get_boolean(v);
	return 0;
}

static int get_str(const struct replay *rp, struct json_object *obj,
		   const char *type, const char *key, const char **val)
{
	struct json_object *v = member(rp, obj, type, key, json_type_string);

	if (!v)
		return -1;
	*val = json_object_get_string(v);
	return 0;
}

/*
 * Copy a string from the log for printing. The log is input like any
 * other: control characters (JSON escapes can make them) must not reach
 * the terminal.
 */
static void copy_text(char *buf, size_t len, const char *s)
{
	size_t i;

	snprintf(buf, len, "%s", s);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
}

/* An optional string of a record: "" if missing or not a string. */
static void copy_str(struct json_object *obj, const char *key, char *buf,
		     size_t len)
{
	struct json_object *v;

	buf[0] = '\0';
	if (json_object_object_get_ex(obj, key, &v) &&
	    json_object_is_type(v, json_type_string))
		copy_text(buf, len, json_object_get_string(v));
}

static void count_fault(struct replay *rp, const char *fault)
{
	char name[sizeof(rp->kinds[0].name)];
	size_t i;

	copy_text(name, sizeof(name), fault);
	rp->faults++;
	for (i = 0; i < rp->n_kinds; i++) {
		if (!strcmp(rp->kinds[i].name, name)) {
			rp->kinds[i].count++;
			return;
		}
	}
	if (rp->n_kinds == MAX_FAULT_KINDS) {
		rp->other_faults++;
		return;
	}
	strcpy(rp->kinds[i].name, name);
	rp->kinds[i].count = 1;
	rp->n_kinds++;
}

static int replay_stroke(struct replay *rp, struct json_object *obj)
{
	uint64_t cmd, reached, lateness, missed;
	bool measured;
	int64_t err;

	if (get_bool(rp, obj, "stroke", "measured", &measured) ||
	    get_u64(rp, obj, "stroke", "cmd_um", &cmd) ||
	    get_u64(rp, obj, "stroke", "reached_um", &reached) ||
	    get_u64(rp, obj, "stroke", "lateness_ns", &lateness) ||
	    get_u64(rp, obj, "stroke", "missed", &missed))
		return -1;
	if (cmd > UINT32_MAX || reached > UINT32_MAX) {
		replay_error(rp, "stroke record: depth out of range");
		return -1;
	}
	rp->strokes++;
	rp->missed += missed;
	if (lateness > rp->max_lateness)
		rp->max_lateness = lateness;
	if (!measured)
		return 0;
	err = (int64_t)reached - (int64_t)cmd;
	if (!rp->measured++) {
		rp->err_min = err;
		rp->err_max = err;
	}
	if (err < rp->err_min)
		rp->err_min = err;
	if (err > rp->err_max)
		rp->err_max = err;
	rp->err_sum += err;
	return 0;
}

static int replay_state(struct replay *rp, struct json_object *obj,
			uint64_t ts)
{
	const char *state;

	if (get_str(rp, obj, "state", "state", &state))
		return -1;
	if (!strcmp(state, "running") && !rp->running) {
		rp->running = true;
		rp->run_since = ts;
	} else if (strcmp(state, "running") && rp->running) {
		rp->running = false;
		if (ts > rp->run_since)
			rp->run_ns += ts - rp->run_since;
	}
	return 0;
}

static int replay_summary(struct replay *rp, struct json_object *obj)
{
	struct json_object *s, *m;

	rp->summary = true;
	/* Null counters: the pen was gone when the run ended. */
	if (!json_object_object_get_ex(obj, KEY_RUN_STROKES, &s) ||
	    !json_object_object_get_ex(obj, KEY_RUN_MISSED, &m)) {
		replay_error(rp, "summary record without \"run_strokes\" and \"run_missed_strokes\"");
		return -1;
	}
	if (s && m) {
		if (get_u64(rp, obj, REC_SUMMARY, KEY_RUN_STROKES,
			    &rp->sum_strokes) ||
		    get_u64(rp, obj, REC_SUMMARY, KEY_RUN_MISSED,
			    &rp->sum_missed))
			return -1;
		rp->counters = true;
	} else if (s || m) {
		replay_error(rp, "summary record with only one of its counters");
		return -1;
	}
	copy_str(obj, "ended_by", rp->ended_by, sizeof(rp->ended_by));
	copy_str(obj, "stop_reason", rp->stop_reason, sizeof(rp->stop_reason));
	copy_str(obj, "fault", rp->sum_fault, sizeof(rp->sum_fault));
	copy_str(obj, "error", rp->sum_error, sizeof(rp->sum_error));
	return 0;
}

/* The session record: the first line, naming the pen. */
static int replay_session(struct replay *rp, struct json_object *obj)
{
	if (rp->session || rp->records) {
		replay_error(rp, "a session record that is not the first line");
		return -1;
	}
	rp->session = true;
	copy_str(obj, "name", rp->name, sizeof(rp->name));
	copy_str(obj, "driver", rp->driver, sizeof(rp->driver));
	copy_str(obj, "model", rp->model, sizeof(rp->model));
	copy_str(obj, "serial", rp->serial, sizeof(rp->serial));
	copy_str(obj, "start_time", rp->start_time, sizeof(rp->start_time));
	return 0;
}

static int replay_fault(struct replay *rp, struct json_object *obj,
			const char *type)
{
	const char *name;
	uint64_t missed;
	int ret;

	ret = get_str(rp, obj, type, "fault", &name);
	if (!ret)
		count_fault(rp, name);
	/*
	 * A timing fault's periods were missed with no stroke after
	 * them to carry the count; the driver counts them all the same.
	 */
	if (!ret && !strcmp(name, pen_fault_name(PEN_FAULT_TIMING))) {
		ret = get_u64(rp, obj, type, "fault_value", &missed);
		if (!ret)
			rp->missed += missed;
	}
	return ret;
}

/* An event: each has its time. */
static int replay_event(struct replay *rp, struct json_object *obj,
			const char *type)
{
	uint64_t ts, lost;
	int ret;

	if (get_u64(rp, obj, type, KEY_TIMESTAMP, &ts))
		return -1;
	rp->records++;
	if (ts > rp->last_ns)
		rp->last_ns = ts;
	if (!strcmp(type, "stroke"))
		return replay_stroke(rp, obj);
	if (!strcmp(type, "state"))
		return replay_state(rp, obj, ts);
	if (!strcmp(type, "setpoint")) {
		rp->setpoints++;
		return 0;
	}
	if (!strcmp(type, "fault"))
		return replay_fault(rp, obj, type);
	if (!strcmp(type, "overflow")) {
		ret = get_u64(rp, obj, type, "lost", &lost);
		if (!ret) {
			rp->overflows++;
			rp->lost += lost;
		}
		return ret;
	}
	/* fault-cleared, cartridge, or a newer driver's event. */
	rp->other++;
	return 0;
}

/* One line of the log, without its newline. */
int replay_line(struct replay *rp, const char *text, size_t len)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	const char *type;
	size_t end;
	int ret = -1;

	if (!len) {
		replay_error(rp, "empty line");
		return -1;
	}
	tok = json_tokener_new();
	if (!tok) {
		errorf("out of memory");
		return -1;
	}
	obj = json_tokener_parse_ex(tok, text, len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!obj) {
		replay_error(rp, "not JSON: %s",
			     jerr == json_tokener_continue ?
			     "it ends in the middle" :
			     json_tokener_error_desc(jerr));
		return -1;
	}
	if (end != len) {
		replay_error(rp, "not JSON: more after the object");
		goto out;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		replay_error(rp, "not a JSON object");
		goto out;
	}
	if (get_str(rp, obj, "a", KEY_TYPE, &type))
		goto out;
	if (rp->summary) {
		replay_error(rp, "a record after the summary");
		goto out;
	}

	if (!strcmp(type, REC_SESSION))
		ret = replay_session(rp, obj);
	else if (!strcmp(type, REC_SUMMARY))
		ret = replay_summary(rp, obj);
	else
		ret = replay_event(rp, obj, type);
out:
	json_object_put(obj);
	return ret;
}
