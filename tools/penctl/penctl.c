// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * penctl - control microneedling pens (/dev/penN) from the command line.
 *
 * A thin front-end on libpen: all unit handling and device access live in
 * the library; penctl parses arguments, explains failures in one line and
 * makes sure a needle it started is stopped before it exits. It also
 * prints the pen's event stream (monitor), logs a run's events (run
 * --log), sums such a log up (replay, the one user of json-c) and hands
 * the needle to the pen's own buttons (run --buttons).
 *
 * Exit status: 0 success, 1 device or runtime error, 2 usage error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libpen.h>

#include "outq.h"

#ifndef PENCTL_VERSION
#define PENCTL_VERSION	"unknown"
#endif

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

#define DEFAULT_DEVICE	"/dev/pen0"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Poll period of the status while the needle runs under start/run. */
#define POLL_NS		((uint64_t)100000000)
#define NSEC_PER_SEC	((uint64_t)1000000000)
#define NSEC_PER_MSEC	((uint64_t)1000000)

/*
 * The kernel's watchdog, armed whenever penctl runs the needle: its loop
 * wakes at least every POLL_NS (and four times per timeout) and kicks it.
 * The default timeout is ten such wake-ups: only a penctl stuck for a
 * whole second (stopped, hung, paged out, blocked) gets its needle
 * stopped by the kernel, with the watchdog fault.
 */
#define WATCHDOG_DEFAULT_MS	1000U

/* Options, as bits, so that each command can say which it accepts. */
#define OPT_F_DEVICE	(1U << 0)
#define OPT_F_DEPTH	(1U << 1)
#define OPT_F_RATE	(1U << 2)
#define OPT_F_DURATION	(1U << 3)
#define OPT_F_COUNT	(1U << 4)
#define OPT_F_LOG	(1U << 5)
#define OPT_F_BUTTONS	(1U << 6)
#define OPT_F_LEVELS	(1U << 7)
#define OPT_F_WATCHDOG	(1U << 8)
#define OPT_F_NO_WATCHDOG (1U << 9)
#define OPT_F_HOLD	(1U << 10)

/* Long-only options; short ones use their character. */
enum {
	OPT_JSON = 256,
	OPT_DEPTH,
	OPT_RATE,
	OPT_DURATION,
	OPT_COUNT,
	OPT_LOG,
	OPT_BUTTONS,
	OPT_LEVELS,
	OPT_WATCHDOG,
	OPT_NO_WATCHDOG,
	OPT_HOLD,
};

/* run --buttons: speed levels, by default and at most. */
#define DEFAULT_LEVELS	6
#define MAX_LEVELS	16

struct ctx {
	const char *path;		/* device path */
	char path_buf[32];
	bool json;
	unsigned int given;		/* OPT_F_* seen on the command line */
	const char *device_arg;
	const char *depth_arg;
	const char *rate_arg;
	const char *duration_arg;
	const char *count_arg;
	const char *log_arg;		/* run --log FILE */
	const char *buttons_arg;	/* unused: --buttons takes no value */
	const char *levels_arg;		/* run --buttons --levels LIST */
	const char *watchdog_arg;	/* run, start: --watchdog T */
	const char *no_watchdog_arg;	/* unused: it takes no value */
	const char *hold_arg;		/* unused: --hold-to-run takes none */
	const char *file;		/* replay FILE */
	uint32_t depth_um;
	uint32_t rate_mhz;
	uint64_t duration_ns;
	uint64_t count;
	uint32_t watchdog_ms;		/* 0: off (--no-watchdog) */
	/* --levels, slowest first; each item's text, to name it */
	uint32_t levels[MAX_LEVELS];
	unsigned int n_levels;
	const char *level_text[MAX_LEVELS];
	int level_len[MAX_LEVELS];
};

/* Big enough for any pen_format_depth() or pen_format_rate() output. */
#define FMT_LEN		32

/*
 * Where penctl's lines go: stdout and stderr, except while the needle
 * runs, when they go through queues that never block (see quiet()).
 */
static FILE *out_fp;
static FILE *err_fp;

static FILE *out_file(void)
{
	return out_fp ? out_fp : stdout;
}

/* A line (or more) on standard output. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out_file(), fmt, ap);
	va_end(ap);
}

/*
 * Report an error: exactly one line on stderr, prefixed "penctl: ".
 * Control characters are replaced, since the message may quote argv or
 * strings from the driver, and a newline there would split the line.
 */
static void __attribute__((format(printf, 1, 2))) error(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';

	/* Keep stdout and stderr in order when both go to a terminal. */
	fflush(out_file());
	fprintf(err_fp ? err_fp : stderr, "penctl: %s\n", buf);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- Human-readable and JSON output ---------------------------------- */

static const char *depth_str(uint32_t um, char *buf)
{
	if (pen_format_depth(um, buf, FMT_LEN) < 0)
		snprintf(buf, FMT_LEN, "%u um", um);
	return buf;
}

static const char *rate_str(uint32_t mhz, char *buf)
{
	if (pen_format_rate(mhz, buf, FMT_LEN) < 0)
		snprintf(buf, FMT_LEN, "%u mHz", mhz);
	return buf;
}

/* @v thousandths as a decimal without trailing zeros: 120500 -> "120.5" */
static const char *milli_str(uint64_t v, char *buf)
{
	uint64_t frac = v % 1000;
	int digits = 3;

	if (!frac) {
		snprintf(buf, FMT_LEN, "%" PRIu64, v / 1000);
		return buf;
	}
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	snprintf(buf, FMT_LEN, "%" PRIu64 ".%0*" PRIu64, v / 1000, digits,
		 frac);
	return buf;
}

/* Nanoseconds as seconds with millisecond resolution: "3.001" */
static const char *secs_str(uint64_t ns, char *buf)
{
	snprintf(buf, FMT_LEN, "%" PRIu64 ".%03" PRIu64, ns / NSEC_PER_SEC,
		 ns % NSEC_PER_SEC / 1000000);
	return buf;
}

/* Nanoseconds as microseconds with nanosecond resolution: "12.345" */
static const char *usecs_str(uint64_t ns, char *buf)
{
	snprintf(buf, FMT_LEN, "%" PRIu64 ".%03" PRIu64, ns / 1000,
		 ns % 1000);
	return buf;
}

/*
 * What a fault measured, in its unit: "+300 um" (deeper than commanded),
 * "-500 um" (short of it), "3 periods", "1200 mA", "85.5 degC", "3100 mV".
 */
static const char *fault_value_str(uint32_t fault, uint32_t v, char *buf)
{
	switch (fault) {
	case PEN_FAULT_OVER_DEPTH:
		snprintf(buf, FMT_LEN, "+%u um", v);
		break;
	case PEN_FAULT_STALL:
		snprintf(buf, FMT_LEN, "-%u um", v);
		break;
	case PEN_FAULT_TIMING:
		snprintf(buf, FMT_LEN, "%u period%s", v, v == 1 ? "" : "s");
		break;
	case PEN_FAULT_WATCHDOG:
		snprintf(buf, FMT_LEN, "%u ms since the last kick", v);
		break;
	case PEN_FAULT_OVERCURRENT:
		snprintf(buf, FMT_LEN, "%u mA", v);
		break;
	case PEN_FAULT_OVERTEMP:
		/* milli-degC, exactly: what "%.3f" of v / 1000.0 prints */
		snprintf(buf, FMT_LEN, "%u.%03u degC", v / 1000, v % 1000);
		break;
	case PEN_FAULT_SUPPLY_LOW:
		snprintf(buf, FMT_LEN, "%u mV", v);
		break;
	default:
		snprintf(buf, FMT_LEN, "value %u", v);
		break;
	}
	return buf;
}

/* "over-depth (+300 um)", "none", or "unknown (code 9, value 7)" */
static const char *fault_desc(uint32_t fault, uint32_t value, char *buf,
			      size_t len)
{
	char v[FMT_LEN];

	if (fault == PEN_FAULT_NONE)
		snprintf(buf, len, "none");
	else if (!strcmp(pen_fault_name(fault), "unknown"))
		snprintf(buf, len, "unknown (code %u, value %u)", fault, value);
	else
		snprintf(buf, len, "%s (%s)", pen_fault_name(fault),
			 fault_value_str(fault, value, v));
	return buf;
}

static const char *fault_str(const struct pen_status *st, char *buf,
			     size_t len)
{
	return fault_desc(st->fault, st->fault_value, buf, len);
}

/* A driver string made safe for a terminal; "-" if empty. */
static const char *text(const char *s, char *buf, size_t len)
{
	size_t i;

	if (!*s)
		return "-";
	for (i = 0; i < len - 1 && s[i]; i++)
		buf[i] = (s[i] < 0x20 || s[i] >= 0x7f) ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static bool json_first;

/*
 * Where the json_* helpers write: stdout, or the session log of run --log
 * while one of its lines is being made.
 */
static FILE *json_fp;

static FILE *jout(void)
{
	return json_fp ? json_fp : stdout;
}

static void json_string(const char *s)
{
	FILE *f = jout();

	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			/*
			 * Driver strings are meant to be ASCII; anything else
			 * is escaped byte by byte so the output is valid JSON
			 * even if a backend reports garbage.
			 */
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_begin(char c)
{
	fputc(c, jout());
	json_first = true;
}

static void json_end(char c)
{
	fputc(c, jout());
	json_first = false;
}

static void json_sep(void)
{
	if (!json_first)
		fputc(',', jout());
	json_first = false;
}

static void json_key(const char *key)
{
	json_sep();
	json_string(key);
	fputc(':', jout());
}

static void json_str(const char *key, const char *val)
{
	json_key(key);
	json_string(val);
}

static void json_u64(const char *key, uint64_t val)
{
	json_key(key);
	fprintf(jout(), "%" PRIu64, val);
}

static void json_i64(const char *key, int64_t val)
{
	json_key(key);
	fprintf(jout(), "%" PRId64, val);
}

/* @num: a JSON number already formatted */
static void json_num(const char *key, const char *num)
{
	json_key(key);
	fputs(num, jout());
}

static void json_boolean(const char *key, bool val)
{
	json_key(key);
	fputs(val ? "true" : "false", jout());
}

static void json_null(const char *key)
{
	json_key(key);
	fputs("null", jout());
}

/* "KEY": "0.5 mm", "KEY_um": 500 */
static void json_depth(const char *key, uint32_t um)
{
	char buf[FMT_LEN], raw[64];

	json_str(key, depth_str(um, buf));
	snprintf(raw, sizeof(raw), "%s_um", key);
	json_u64(raw, um);
}

/* "KEY": "120 Hz", "KEY_mhz": 120000 */
static void json_rate(const char *key, uint32_t mhz)
{
	char buf[FMT_LEN], raw[64];

	json_str(key, rate_str(mhz, buf));
	snprintf(raw, sizeof(raw), "%s_mhz", key);
	json_u64(raw, mhz);
}

/* "fault": "over-depth", "fault_code": 1, "fault_value": 300, ... */
static void json_fault(const struct pen_status *st)
{
	json_str("fault", pen_fault_name(st->fault));
	json_u64("fault_code", st->fault);
	json_u64("fault_value", st->fault_value);
	json_u64("fault_ns", st->fault_ns);
	json_u64("fault_seq", st->fault_seq);
}

/* ---- Events ------------------------------------------------------------ */

/*
 * One event as one JSON object: the line format of monitor --json and of
 * the session log, which replay reads back. penctl(1) lists every key.
 * Only raw integers: at 300 strokes a second the log must stay small.
 */
static void json_event(const struct pen_event *e)
{
	const char *type = pen_event_type_name(e->type);
	size_t i;

	json_begin('{');
	json_str("type", type ? type : "unknown");
	if (!type)
		json_u64("type_code", e->type);
	json_u64("seq", e->seq);
	json_u64("timestamp_ns", e->timestamp_ns);
	json_u64("flags", e->flags);
	switch (e->type) {
	case PEN_EVENT_STROKE:
		json_boolean("measured", e->flags & PEN_STROKE_MEASURED);
		json_u64("cmd_um", e->stroke.cmd_um);
		json_u64("reached_um", e->stroke.reached_um);
		json_u64("lateness_ns", e->stroke.lateness_ns);
		json_u64("reached_ns", e->stroke.reached_ns);
		json_u64("missed", e->stroke.missed);
		json_u64("rate_mhz", e->stroke.rate_mhz);
		break;
	case PEN_EVENT_STATE:
		json_str("state", pen_state_name(e->state.state));
		json_u64("state_code", e->state.state);
		json_str("stop_reason",
			 pen_stop_reason_name(e->state.stop_reason));
		json_u64("stop_reason_code", e->state.stop_reason);
		json_u64("depth_um", e->state.depth_um);
		json_u64("rate_mhz", e->state.rate_mhz);
		break;
	case PEN_EVENT_SETPOINT:
		json_u64("depth_um", e->setpoint.depth_um);
		json_u64("rate_mhz", e->setpoint.rate_mhz);
		json_u64("mask", e->setpoint.mask);
		break;
	case PEN_EVENT_FAULT:
	case PEN_EVENT_FAULT_CLEARED:
		json_str("fault", pen_fault_name(e->fault.fault));
		json_u64("fault_code", e->fault.fault);
		json_u64("fault_value", e->fault.value);
		if (e->type == PEN_EVENT_FAULT)
			json_boolean("latched", e->flags & PEN_FAULT_LATCHED);
		break;
	case PEN_EVENT_CARTRIDGE:
		json_str("cartridge",
			 pen_cartridge_state_name(e->cartridge.state));
		json_u64("cartridge_state_code", e->cartridge.state);
		json_u64("cartridge_id", e->cartridge.id);
		json_u64("cartridge_budget", e->cartridge.budget);
		json_u64("cartridge_strokes", e->cartridge.strokes);
		break;
	case PEN_EVENT_OVERFLOW:
		json_u64("lost", e->overflow.lost);
		break;
	default:
		/* A newer driver's event: keep what it said, undecoded. */
		json_key("raw");
		json_begin('[');
		for (i = 0; i < ARRAY_SIZE(e->raw); i++) {
			json_sep();
			fprintf(jout(), "%llu", (unsigned long long)e->raw[i]);
		}
		json_end(']');
		break;
	}
	json_end('}');
}

/* CLOCK_MONOTONIC nanoseconds as seconds: "1234.567890123" */
static const char *stamp_str(uint64_t ns, char *buf)
{
	snprintf(buf, FMT_LEN, "%" PRIu64 ".%09" PRIu64, ns / NSEC_PER_SEC,
		 ns % NSEC_PER_SEC);
	return buf;
}

/* One event as one line for people: its time, its type, what it says. */
static void print_event(const struct pen_event *e)
{
	const struct pen_event_stroke *s = &e->stroke;
	char t[FMT_LEN], a[FMT_LEN], b[FMT_LEN], f[64];

	printf("%s ", stamp_str(e->timestamp_ns, t));
	switch (e->type) {
	case PEN_EVENT_STROKE:
		printf("stroke %" PRIu64 ": %s", (uint64_t)e->seq,
		       depth_str(s->cmd_um, a));
		if (e->flags & PEN_STROKE_MEASURED)
			printf(", reached %s (%+" PRId64 " um)",
			       depth_str(s->reached_um, b),
			       (int64_t)s->reached_um - (int64_t)s->cmd_um);
		else
			printf(", not measured");
		printf(", late %s us", usecs_str(s->lateness_ns, a));
		if (s->missed)
			printf(", %u period%s missed before it", s->missed,
			       s->missed == 1 ? "" : "s");
		putchar('\n');
		break;
	case PEN_EVENT_STATE:
		if (e->state.state == PEN_STATE_RUNNING)
			printf("state running at %s, %s\n",
			       depth_str(e->state.depth_um, a),
			       rate_str(e->state.rate_mhz, b));
		else
			printf("state %s (stop reason: %s)\n",
			       pen_state_name(e->state.state),
			       pen_stop_reason_name(e->state.stop_reason));
		break;
	case PEN_EVENT_SETPOINT:
		printf("setpoint %s, %s from stroke %" PRIu64 "\n",
		       depth_str(e->setpoint.depth_um, a),
		       rate_str(e->setpoint.rate_mhz, b), (uint64_t)e->seq);
		break;
	case PEN_EVENT_FAULT:
		printf("fault %s at stroke %" PRIu64 ", %s\n",
		       fault_desc(e->fault.fault, e->fault.value, f,
				  sizeof(f)), (uint64_t)e->seq,
		       e->flags & PEN_FAULT_LATCHED ? "latched" :
		       "counted (another fault is latched)");
		break;
	case PEN_EVENT_FAULT_CLEARED:
		printf("fault-cleared %s\n",
		       fault_desc(e->fault.fault, e->fault.value, f,
				  sizeof(f)));
		break;
	case PEN_EVENT_CARTRIDGE:
		if (e->cartridge.state == PEN_CARTRIDGE_NONE)
			printf("cartridge none\n");
		else
			printf("cartridge %s, id %" PRIu64 ", %" PRIu64
			       " of %u strokes used\n",
			       pen_cartridge_state_name(e->cartridge.state),
			       (uint64_t)e->cartridge.id,
			       (uint64_t)e->cartridge.strokes,
			       e->cartridge.budget);
		break;
	case PEN_EVENT_OVERFLOW:
		/* Shouted: everything after it is missing events. */
		printf("*** OVERFLOW: %" PRIu64
		       " events lost here: the reader fell behind ***\n",
		       (uint64_t)e->overflow.lost);
		break;
	default:
		printf("event of unknown type %u at stroke %" PRIu64 "\n",
		       e->type, (uint64_t)e->seq);
		break;
	}
}

/* ---- Errors from the device ------------------------------------------ */

static const char *open_strerror(int err)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
		return "no such pen";
	case ENODEV:
		return "pen is gone (removed)";
	case EBUSY:
		return "pen is controlled by another process";
	case EACCES:
		return "permission denied";
	case EPERM:
		return "operation not permitted";
	case ENOTTY:
		return "not a pen device";
	default:
		return strerror(err);
	}
}

static const char *ioctl_strerror(int err)
{
	switch (err) {
	case ENOTTY:
		return "not a pen device";
	case ENODEV:
		return "pen is gone (removed)";
	case EBADF:
	case EPERM:
		return "not permitted without control of the pen";
	case EBUSY:
		return "pen is controlled by another process";
	default:
		return strerror(err);
	}
}

static struct pen *open_pen(const struct ctx *c, int flags)
{
	struct pen *pen = pen_open(c->path, flags);

	if (!pen)
		error("%s: %s", c->path, open_strerror(errno));
	return pen;
}

static void ioctl_error(const struct ctx *c, const char *what, int err)
{
	error("%s: cannot %s: %s", c->path, what, ioctl_strerror(err));
}

/* ---- Values on the command line -------------------------------------- */

struct value_type {
	const char *name;		/* "depth" */
	const char *units;		/* "mm or um" */
	bool unit_required;
	const char *too_fine;		/* why a valid unit still failed */
	int (*probe)(const char *s);
};

static int probe_depth(const char *s)
{
	uint32_t v;

	return pen_parse_depth(s, &v);
}

static int probe_rate(const char *s)
{
	uint32_t v;

	return pen_parse_rate(s, &v);
}

static int probe_duration(const char *s)
{
	uint64_t v;

	return pen_parse_duration(s, &v);
}

static const struct value_type depth_type = {
	"depth", "mm or um", true,
	"not a whole number of micrometres", probe_depth,
};

static const struct value_type rate_type = {
	"rate", "Hz, mHz, spm or rpm", true,
	"finer than 1 mHz (at most 3 decimals in Hz, spm or rpm; "
	"whole numbers in mHz)", probe_rate,
};

/* A rate in run --levels, named as what it is there. */
static const struct value_type level_type = {
	"level", "Hz, mHz, spm or rpm", true,
	"finer than 1 mHz (at most 3 decimals in Hz, spm or rpm; "
	"whole numbers in mHz)", probe_rate,
};

static const struct value_type duration_type = {
	"duration", "ms, s, m or h", false,
	"finer than 1 ns", probe_duration,
};

/* --watchdog: a duration, named as what it is. */
static const struct value_type watchdog_type = {
	"watchdog", "ms, s, m or h", false,
	"finer than 1 ns", probe_duration,
};

/*
 * libpen says only EINVAL or ERANGE; say which part of @s is wrong. The
 * unit is judged by parsing "1" followed by it: if that works, the unit
 * is fine and the number is what the unit cannot represent.
 */
static void value_error(const struct value_type *t, const char *s, int err)
{
	const char *p = s, *unit, *why = NULL;
	char probe[64], buf[128];
	bool zero = true;

	if (err == ERANGE) {
		why = "too large";
	} else if (!*s) {
		why = "empty value";
	} else if (*s == '-') {
		why = "negative values are not allowed";
	} else if (!is_digit(*s)) {
		why = *s == '.' ? "malformed number (write 0.5, not .5)" :
				  "not a number";
	} else {
		for (; is_digit(*p); p++)
			if (*p != '0')
				zero = false;
		if (*p == '.') {
			if (!is_digit(*++p))
				why = "malformed number";
			for (; is_digit(*p); p++)
				if (*p != '0')
					zero = false;
		}
		/* "1.5.5mm" must not pass for a number and a unit ".5mm". */
		if (*p == '.' || *p == ',')
			why = "malformed number";
	}
	if (why)
		goto out;

	for (unit = p; *unit == ' ' || *unit == '\t'; unit++)
		;
	if (!*unit && (t->unit_required || unit != p)) {
		snprintf(buf, sizeof(buf), "missing unit (use %s)", t->units);
		why = buf;
	} else if (*unit) {
		snprintf(probe, sizeof(probe), "1%s", unit);
		if (strlen(unit) >= sizeof(probe) - 1 || t->probe(probe) < 0) {
			snprintf(buf, sizeof(buf),
				 "unknown unit '%.40s' (use %s)", unit,
				 t->units);
			why = buf;
			if (t->probe == probe_rate && unit[0] == 'M' &&
			    !strcasecmp(unit, "mhz"))
				why = "MHz is megahertz; use mHz";
		}
	}
	if (!why)
		why = (zero && t->probe == probe_duration) ?
			"must be greater than zero" : t->too_fine;
out:
	error("invalid %s '%s': %s", t->name, s, why);
}

/* A count of things: a whole decimal number, at least 1. */
static int parse_count(const char *s, uint64_t *count)
{
	const char *p, *why = NULL;
	uint64_t v = 0;

	if (!*s)
		why = "empty value";
	else if (*s == '-')
		why = "negative values are not allowed";
	for (p = s; !why && *p; p++) {
		if (!is_digit(*p))
			why = "not a whole number";
		else if (__builtin_mul_overflow(v, 10, &v) ||
			 __builtin_add_overflow(v, *p - '0', &v))
			why = "too large";
	}
	if (!why && !v)
		why = "must be greater than zero";
	if (why) {
		error("invalid count '%s': %s", s, why);
		return -1;
	}
	*count = v;
	return 0;
}

/*
 * --levels: rates separated by commas, slowest first, 2 to MAX_LEVELS of
 * them. Whether the pen can run them is checked once it is open.
 */
static int parse_levels(struct ctx *c)
{
	const char *p = c->levels_arg, *end;
	char a[FMT_LEN], b[FMT_LEN], *item;
	unsigned int n = 0;
	uint32_t v;
	int len;

	if (!*p) {
		error("invalid levels '': empty");
		return -1;
	}
	for (;;) {
		end = strchr(p, ',');
		len = end ? (int)(end - p) : (int)strlen(p);
		if (n == MAX_LEVELS) {
			error("invalid levels '%s': more than %d levels",
			      c->levels_arg, MAX_LEVELS);
			return -1;
		}
		item = strndup(p, len);
		if (!item) {
			error("%s", strerror(errno));
			return -1;
		}
		if (pen_parse_rate(item, &v) < 0) {
			value_error(&level_type, item, errno);
			free(item);
			return -1;
		}
		free(item);
		/* Order is meaning: "up" must always mean faster. */
		if (n && v <= c->levels[n - 1]) {
			error("invalid levels '%s': %s is not faster than %s (slowest first)",
			      c->levels_arg, rate_str(v, a),
			      rate_str(c->levels[n - 1], b));
			return -1;
		}
		c->levels[n] = v;
		c->level_text[n] = p;
		c->level_len[n] = len;
		n++;
		if (!end)
			break;
		p = end + 1;
	}
	if (n < 2) {
		error("invalid levels '%s': a single level; give 2 to %d, slowest first",
		      c->levels_arg, MAX_LEVELS);
		return -1;
	}
	c->n_levels = n;
	return 0;
}

/*
 * --watchdog T: whole milliseconds, within what the kernel accepts, or
 * penctl's default without it (none with --no-watchdog).
 */
static int parse_watchdog(struct ctx *c)
{
	const char *s = c->watchdog_arg;
	uint64_t ns;

	if (c->given & OPT_F_NO_WATCHDOG) {
		c->watchdog_ms = 0;
		return 0;
	}
	if (!(c->given & OPT_F_WATCHDOG)) {
		c->watchdog_ms = WATCHDOG_DEFAULT_MS;
		return 0;
	}
	if (pen_parse_duration(s, &ns) < 0) {
		value_error(&watchdog_type, s, errno);
		return -1;
	}
	if (ns % NSEC_PER_MSEC) {
		error("invalid watchdog '%s': not a whole number of milliseconds",
		      s);
		return -1;
	}
	if (ns < PEN_WATCHDOG_MIN_MS * NSEC_PER_MSEC) {
		error("invalid watchdog '%s': shorter than the kernel's shortest, %u ms",
		      s, PEN_WATCHDOG_MIN_MS);
		return -1;
	}
	if (ns > PEN_WATCHDOG_MAX_MS * NSEC_PER_MSEC) {
		error("invalid watchdog '%s': longer than the kernel's longest, %u s",
		      s, PEN_WATCHDOG_MAX_MS / 1000);
		return -1;
	}
	c->watchdog_ms = ns / NSEC_PER_MSEC;
	return 0;
}

static int parse_values(struct ctx *c)
{
	if ((c->given & OPT_F_DEPTH) &&
	    pen_parse_depth(c->depth_arg, &c->depth_um) < 0) {
		value_error(&depth_type, c->depth_arg, errno);
		return -1;
	}
	if ((c->given & OPT_F_RATE) &&
	    pen_parse_rate(c->rate_arg, &c->rate_mhz) < 0) {
		value_error(&rate_type, c->rate_arg, errno);
		return -1;
	}
	if ((c->given & OPT_F_DURATION) &&
	    pen_parse_duration(c->duration_arg, &c->duration_ns) < 0) {
		value_error(&duration_type, c->duration_arg, errno);
		return -1;
	}
	if ((c->given & OPT_F_COUNT) && parse_count(c->count_arg, &c->count))
		return -1;
	if ((c->given & OPT_F_LOG) && !*c->log_arg) {
		error("invalid log file '': empty");
		return -1;
	}
	if ((c->given & OPT_F_LEVELS) && parse_levels(c) < 0)
		return -1;
	if (parse_watchdog(c) < 0)
		return -1;
	if (c->file && !*c->file) {
		error("invalid file '': empty");
		return -1;
	}
	return 0;
}

/* PATH, or a bare INDEX meaning /dev/pen<INDEX>. */
static int parse_device(struct ctx *c)
{
	const char *s = c->device_arg, *p;
	unsigned long index;
	char *end;

	if (!s) {
		c->path = DEFAULT_DEVICE;
		return 0;
	}
	if (!*s) {
		error("invalid device '': empty");
		return -1;
	}
	for (p = s; is_digit(*p); p++)
		;
	if (*p) {
		c->path = s;
		return 0;
	}

	errno = 0;
	index = strtoul(s, &end, 10);
	if (errno || index > UINT_MAX) {
		error("invalid device '%s': pen index too large", s);
		return -1;
	}
	snprintf(c->path_buf, sizeof(c->path_buf), "/dev/pen%lu", index);
	c->path = c->path_buf;
	return 0;
}

/*
 * Apply --depth and/or --rate. Both together go through one SET_PARAMS,
 * so the pen never runs with a new depth and the old rate or vice versa.
 */
static int apply_setpoints(const struct ctx *c, struct pen *pen)
{
	bool depth = c->given & OPT_F_DEPTH, rate = c->given & OPT_F_RATE;
	char a[FMT_LEN], b[FMT_LEN], d[FMT_LEN], vd[FMT_LEN], vr[FMT_LEN];
	struct pen_info info;
	int ret, err;

	if (depth && rate)
		ret = pen_set_params(pen, c->depth_um, c->rate_mhz);
	else if (depth)
		ret = pen_set_depth(pen, c->depth_um);
	else if (rate)
		ret = pen_set_rate(pen, c->rate_mhz);
	else
		return 0;
	if (!ret)
		return 0;
	err = errno;

	/*
	 * Name the value as it was typed and the limit it broke, rather than
	 * just "out of range". A value penctl chose itself (run --buttons'
	 * depth, say) is named as it is.
	 */
	if ((err == ERANGE || err == EINVAL) && !pen_get_info(pen, &info)) {
		const char *dv = c->depth_arg ? c->depth_arg :
				 depth_str(c->depth_um, vd);
		const char *rv = c->rate_arg ? c->rate_arg :
				 rate_str(c->rate_mhz, vr);

		if (depth && (c->depth_um < info.depth_min_um ||
			      c->depth_um > info.depth_max_um)) {
			error("%s: invalid depth '%s': outside the pen's range, %s to %s",
			      c->path, dv, depth_str(info.depth_min_um, a),
			      depth_str(info.depth_max_um, b));
			return -1;
		}
		if (depth && c->depth_um > info.depth_cap_um) {
			error("%s: invalid depth '%s': above the pen's depth cap, %s",
			      c->path, dv, depth_str(info.depth_cap_um, a));
			return -1;
		}
		if (depth && info.depth_step_um &&
		    (c->depth_um - info.depth_min_um) % info.depth_step_um) {
			error("%s: invalid depth '%s': not on the pen's %s steps from %s",
			      c->path, dv, depth_str(info.depth_step_um, a),
			      depth_str(info.depth_min_um, b));
			return -1;
		}
		if (rate && (c->rate_mhz < info.rate_min_mhz ||
			     c->rate_mhz > info.rate_max_mhz)) {
			error("%s: invalid rate '%s': outside the pen's range, %s to %s",
			      c->path, rv, rate_str(info.rate_min_mhz, a),
			      rate_str(info.rate_max_mhz, d));
			return -1;
		}
	}
	ioctl_error(c, depth && rate ? "set depth and rate" :
		    depth ? "set depth" : "set rate", err);
	return -1;
}

/* ---- Commands ---------------------------------------------------------- */

struct pen_entry {
	unsigned long index;
	char name[256];
};

static int entry_cmp(const void *a, const void *b)
{
	const struct pen_entry *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* /dev/pen[0-9]+, sorted by number. */
static struct pen_entry *scan_pens(size_t *count)
{
	struct pen_entry *list = NULL, *tmp;
	size_t n = 0, cap = 0;
	struct dirent *e;
	const char *p;
	DIR *dir;

	dir = opendir("/dev");
	if (!dir) {
		error("/dev: %s", strerror(errno));
		return NULL;
	}
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, "pen", 3) || !is_digit(e->d_name[3]))
			continue;
		for (p = e->d_name + 3; is_digit(*p); p++)
			;
		if (*p || strlen(e->d_name) >= sizeof(list->name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			tmp = realloc(list, cap * sizeof(*list));
			if (!tmp) {
				error("out of memory");
				free(list);
				closedir(dir);
				return NULL;
			}
			list = tmp;
		}
		errno = 0;
		list[n].index = strtoul(e->d_name + 3, NULL, 10);
		if (errno)
			list[n].index = ULONG_MAX;
		strcpy(list[n].name, e->d_name);
		n++;
	}
	closedir(dir);

	if (n)
		qsort(list, n, sizeof(*list), entry_cmp);
	*count = n;
	/* A valid pointer even for no pens, so NULL always means failure. */
	return list ? list : calloc(1, sizeof(*list));
}

static int cmd_list(struct ctx *c)
{
	char path[300], t1[64], t2[64], t3[64], t4[64];
	struct pen_entry *list;
	struct pen_status st;
	struct pen_info info;
	int rc = 0, err;
	struct pen *pen;
	size_t n, i;

	list = scan_pens(&n);
	if (!list)
		return EXIT_RUNTIME;

	if (c->json)
		json_begin('[');
	else if (n)
		printf("%-8s %-12s %-16s %-16s %s\n",
		       "NAME", "DRIVER", "MODEL", "SERIAL", "STATE");
	else
		printf("no pens found\n");

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/dev/%s", list[i].name);

		/* Read-only: listing must never take control of a pen. */
		pen = pen_open(path, 0);
		err = pen ? 0 : errno;
		if (!err && (pen_get_info(pen, &info) < 0 ||
			     pen_get_status(pen, &st) < 0))
			err = errno;
		pen_close(pen);

		if (err) {
			/* Listed, not hidden: a pen that fails is news. */
			error("%s: %s", path, open_strerror(err));
			rc = EXIT_RUNTIME;
			if (c->json) {
				json_sep();
				json_begin('{');
				json_str("path", path);
				json_str("error", open_strerror(err));
				json_end('}');
			} else {
				printf("%-8s error: %s\n", list[i].name,
				       open_strerror(err));
			}
			continue;
		}

		if (c->json) {
			json_sep();
			json_begin('{');
			json_str("path", path);
			json_str("name", info.name);
			json_str("driver", info.driver);
			json_str("model", info.model);
			json_str("serial", info.serial);
			json_str("state", pen_state_name(st.state));
			json_boolean("controlled",
				     st.flags & PEN_STATUS_CONTROLLED);
			json_end('}');
		} else {
			printf("%-8s %-12s %-16s %-16s %s\n",
			       text(info.name, t1, sizeof(t1)),
			       text(info.driver, t2, sizeof(t2)),
			       text(info.model, t3, sizeof(t3)),
			       text(info.serial, t4, sizeof(t4)),
			       pen_state_name(st.state));
		}
	}
	if (c->json) {
		json_end(']');
		putchar('\n');
	}
	free(list);
	return rc;
}

static int cmd_info(struct ctx *c)
{
	char a[FMT_LEN], b[FMT_LEN], d[FMT_LEN], t[64];
	struct pen_info info;
	struct pen *pen;
	int rc = 0;

	pen = open_pen(c, 0);
	if (!pen)
		return EXIT_RUNTIME;
	if (pen_get_info(pen, &info) < 0) {
		ioctl_error(c, "read pen info", errno);
		rc = EXIT_RUNTIME;
		goto out;
	}

	if (c->json) {
		json_begin('{');
		json_str("path", c->path);
		json_str("name", info.name);
		json_str("driver", info.driver);
		json_str("model", info.model);
		json_str("serial", info.serial);
		json_u64("api_version", info.api_version);
		json_u64("needle_count", info.needle_count);
		json_depth("depth_min", info.depth_min_um);
		json_depth("depth_max", info.depth_max_um);
		json_depth("depth_step", info.depth_step_um);
		json_rate("rate_min", info.rate_min_mhz);
		json_rate("rate_max", info.rate_max_mhz);
		json_depth("depth_cap", info.depth_cap_um);
		json_u64("max_run_time_s", info.max_run_time_s);
		json_boolean("buttons", info.flags & PEN_INFO_BUTTONS);
		json_boolean("footswitch", info.flags & PEN_INFO_FOOTSWITCH);
		json_end('}');
		putchar('\n');
		goto out;
	}

	printf("device:      %s\n", c->path);
	printf("name:        %s\n", text(info.name, t, sizeof(t)));
	printf("driver:      %s\n", text(info.driver, t, sizeof(t)));
	printf("model:       %s\n", text(info.model, t, sizeof(t)));
	printf("serial:      %s\n", text(info.serial, t, sizeof(t)));
	printf("api version: %u\n", info.api_version);
	printf("needles:     %u\n", info.needle_count);
	printf("depth:       %s - %s, step %s\n",
	       depth_str(info.depth_min_um, a),
	       depth_str(info.depth_max_um, b),
	       depth_str(info.depth_step_um, d));
	printf("rate:        %s - %s\n", rate_str(info.rate_min_mhz, a),
	       rate_str(info.rate_max_mhz, b));
	printf("depth cap:   %s\n", depth_str(info.depth_cap_um, a));
	printf("max run:     %u s\n", info.max_run_time_s);
	if (info.flags & PEN_INFO_BUTTONS)
		printf("buttons:     main, speed up, speed down%s\n",
		       info.flags & PEN_INFO_FOOTSWITCH ? ", footswitch" : "");
	else
		printf("buttons:     %s\n",
		       info.flags & PEN_INFO_FOOTSWITCH ? "footswitch" : "none");
out:
	pen_close(pen);
	return rc;
}

static void print_status(const struct ctx *c, const struct pen_status *st)
{
	char a[FMT_LEN], f[64];

	if (c->json) {
		json_begin('{');
		json_str("path", c->path);
		json_str("state", pen_state_name(st->state));
		json_u64("state_code", st->state);
		json_str("stop_reason", pen_stop_reason_name(st->stop_reason));
		json_u64("stop_reason_code", st->stop_reason);
		json_fault(st);
		json_str("cartridge", pen_cartridge_state_name(st->cartridge_state));
		json_u64("cartridge_id", st->cartridge_id);
		json_u64("cartridge_budget", st->cartridge_budget);
		json_u64("cartridge_strokes", st->cartridge_strokes);
		json_boolean("controlled", st->flags & PEN_STATUS_CONTROLLED);
		json_depth("depth", st->depth_um);
		json_rate("rate", st->rate_mhz);
		json_depth("last_reached", st->last_reached_um);
		json_u64("strokes", st->strokes);
		json_u64("run_strokes", st->run_strokes);
		json_u64("missed_strokes", st->missed_strokes);
		json_u64("run_missed_strokes", st->run_missed_strokes);
		json_u64("max_lateness_ns", st->max_lateness_ns);
		json_u64("started_ns", st->started_ns);
		json_u64("stopped_ns", st->stopped_ns);
		json_u64("last_stroke_ns", st->last_stroke_ns);
		json_end('}');
		putchar('\n');
		return;
	}

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

static int cmd_status(struct ctx *c)
{
	struct pen_status st;
	struct pen *pen;
	int rc = 0;

	pen = open_pen(c, 0);
	if (!pen)
		return EXIT_RUNTIME;
	if (pen_get_status(pen, &st) < 0) {
		ioctl_error(c, "read pen status", errno);
		rc = EXIT_RUNTIME;
	} else {
		print_status(c, &st);
	}
	pen_close(pen);
	return rc;
}

static int cmd_set(struct ctx *c)
{
	char a[FMT_LEN], b[FMT_LEN];
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
		json_begin('{');
		json_str("path", c->path);
		json_depth("depth", st.depth_um);
		json_rate("rate", st.rate_mhz);
		json_end('}');
		putchar('\n');
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

static int cmd_stop(struct ctx *c)
{
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
	if (pen_get_status(pen, &st) < 0) {
		ioctl_error(c, "read pen status", errno);
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (st.state == PEN_STATE_RUNNING) {
		error("%s: needle still running after STOP", c->path);
		rc = EXIT_RUNTIME;
	}
	if (c->json) {
		json_begin('{');
		json_str("path", c->path);
		json_str("state", pen_state_name(st.state));
		json_str("stop_reason", pen_stop_reason_name(st.stop_reason));
		json_end('}');
		putchar('\n');
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
static int cmd_clear_fault(struct ctx *c)
{
	struct pen_status before, after;
	bool cleared = false;
	struct pen *pen;
	int rc = EXIT_RUNTIME;
	char f[64];

	pen = open_pen(c, PEN_OPEN_CONTROL);
	if (!pen)
		return EXIT_RUNTIME;
	if (pen_get_status(pen, &before) < 0) {
		ioctl_error(c, "read pen status", errno);
		goto out;
	}
	if (before.fault != PEN_FAULT_NONE) {
		if (pen_clear_fault(pen) < 0) {
			ioctl_error(c, "clear the fault", errno);
			goto out;
		}
		cleared = true;
	}

	if (c->json) {
		json_begin('{');
		json_str("path", c->path);
		json_boolean("cleared", cleared);
		json_str("fault", pen_fault_name(before.fault));
		json_end('}');
		putchar('\n');
	} else {
		printf("%s: %s\n", c->path,
		       cleared ? "fault cleared" : "no fault latched");
	}

	/* A cause that persists (a hot motor) may latch again at once. */
	if (cleared) {
		if (pen_get_status(pen, &after) < 0) {
			ioctl_error(c, "read pen status", errno);
			goto out;
		}
		if (after.fault != PEN_FAULT_NONE) {
			error("%s: fault %s latched again after clearing",
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

/* ---- start and run: the needle under penctl's watch ------------------ */

/*
 * Signals that end a run with an orderly STOP. Beyond SIGINT, SIGTERM and
 * SIGHUP: SIGQUIT, so that Ctrl-\ also stops cleanly, and SIGTSTP, because
 * a penctl suspended with Ctrl-Z would leave the needle running with
 * nobody watching it.
 */
static const struct {
	int signo;
	const char *name;
} stop_signals[] = {
	{ SIGINT, "SIGINT" },
	{ SIGTERM, "SIGTERM" },
	{ SIGHUP, "SIGHUP" },
	{ SIGQUIT, "SIGQUIT" },
	{ SIGTSTP, "SIGTSTP" },
};

#define N_STOP_SIGNALS	ARRAY_SIZE(stop_signals)

static const char *signal_name(int signo)
{
	size_t i;

	for (i = 0; i < N_STOP_SIGNALS; i++)
		if (stop_signals[i].signo == signo)
			return stop_signals[i].name;
	return "signal";
}

/*
 * The stop signal that came, 0 if none has; and the pen that its handler
 * stops. stop_pen only changes while the stop signals are blocked, so the
 * handler never sees it change under it.
 */
static volatile sig_atomic_t stop_signo;
static struct pen *stop_pen;

static void on_stop_signal(int signo)
{
	int saved = errno;

	if (!stop_signo)
		stop_signo = signo;
	/*
	 * Stop the needle here, at once, wherever the main loop is: it may
	 * be blocked writing the log to a full pipe. The STOP's state event
	 * also wakes a pen_wait_events() that the signal came just before,
	 * which the flag alone would leave asleep until its timeout.
	 */
	if (stop_pen)
		pen_stop(stop_pen);
	errno = saved;
}

/*
 * Hand the stop signals in @set to on_stop_signal(). SA_RESTART keeps
 * the writes made outside a run whole (inside one, the queues' threads
 * write, with every signal blocked); ppoll() and nanosleep() end with
 * EINTR all the same, which is what wakes the waits.
 */
static int catch_signals(const sigset_t *set)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_mask = *set;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < N_STOP_SIGNALS; i++)
		if (sigismember(set, stop_signals[i].signo) == 1 &&
		    sigaction(stop_signals[i].signo, &sa, NULL) < 0)
			return -1;
	return 0;
}

enum end {
	END_DURATION,		/* --duration elapsed */
	END_SIGNAL,		/* a stop signal arrived */
	END_PEN,		/* the pen stopped without being asked */
	END_ERROR,		/* the status or the events could not be read */
	END_LOG,		/* the session log could not be written */
	END_PEDAL,		/* hold-to-run: the footswitch was let go */
};

static const char *const end_names[] = {
	[END_DURATION] = "duration",
	[END_SIGNAL] = "signal",
	[END_PEN] = "pen",
	[END_ERROR] = "error",
	[END_LOG] = "log",
	[END_PEDAL] = "pedal",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC: the clock of the kernel's *_ns status fields. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Wait up to @ns for a stop signal; its number, 0 on timeout, -1 error. */
static int wait_signal(const sigset_t *set, uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};
	int sig;

	sig = sigtimedwait(set, NULL, &ts);
	if (sig > 0)
		return sig;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return -1;
}

/* Sleep for @ns, less if a signal comes. */
static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	nanosleep(&ts, NULL);
}

/* Events taken per read(2): 4 KiB. */
#define EVENT_BATCH	64

/* How long the last events may take to come once the needle is stopped. */
#define DRAIN_NS	NSEC_PER_SEC

/* Version of the session log's format, in its session line. */
#define LOG_VERSION	1

/*
 * The log is written through a queue that never blocks (outq.h): 4 MiB,
 * some 20 s of events at the fastest rate, for a disk or a pipe to fall
 * behind by before lines are lost; once the needle is stopped, up to
 * LOG_DRAIN_NS for the rest to go out. Its lines are bounded by the
 * escaped device path, far below OUTQ_LINE_MAX.
 */
#define LOG_QUEUE	(4u << 20)
#define LOG_DRAIN_NS	(10 * NSEC_PER_SEC)

struct run {
	enum end end;
	int signo;
	int err;
	const char *what;		/* what failed, for END_ERROR */
	struct pen_status last;		/* the last status read */
	bool events;			/* the driver has events (API 3) */
	bool stopped;			/* a "stopped" state event was read */
	bool gone;			/* the events ended: the pen was removed */
	int drain_err;			/* reading the last events failed */
	FILE *log;			/* --log, or NULL */
	int log_fd;
	struct outq *log_q;		/* what r->log writes into */
	int log_err;			/* the first error writing it */
	uint64_t log_lost;		/* lines it dropped, behind */
	bool log_said;			/* that was reported */
	uint64_t logged;		/* event lines written */
	uint64_t lost;			/* events the overflow records lost */
	/* run --buttons: each event read, after it is logged */
	void (*on_event)(struct run *r, const struct pen_event *e);
	void *data;
};

/*
 * Created or truncated, never appended to: a log holds one session. Not
 * inherited by anything penctl could run, like the pen. Written through
 * a queue, so that a slow disk or a full pipe never holds penctl up while
 * the needle runs. Returns 0, or -1 (reported).
 */
static int open_log(const struct ctx *c, struct run *r)
{
	int fd;

	fd = open(c->log_arg, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		error("%s: cannot open log: %s", c->log_arg, strerror(errno));
		return -1;
	}
	r->log_q = outq_open(fd, LOG_QUEUE);
	if (!r->log_q) {
		error("%s: cannot open log: %s", c->log_arg, strerror(errno));
		close(fd);
		return -1;
	}
	r->log_fd = fd;
	r->log = outq_file(r->log_q);
	return 0;
}

/* Why the log lost lines, once it has (r->log_err or r->log_lost). */
static void log_error(const struct ctx *c, struct run *r)
{
	r->log_said = true;
	if (r->log_err)
		error("%s: cannot write log: %s", c->log_arg,
		      strerror(r->log_err));
	else
		error("%s: cannot write log: %" PRIu64 " line%s lost: it did not take them as fast as they came",
		      c->log_arg, r->log_lost, r->log_lost == 1 ? "" : "s");
}

/*
 * Write out the rest of the log (the needle is stopped) and close it.
 * Returns 0, or -1 if it lost a line (reported, unless already).
 */
static int close_log(const struct ctx *c, struct run *r)
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
static bool log_failed(const struct run *r)
{
	return r->log_err || r->log_lost;
}

/* Make a log line: the json_* helpers write to the log until log_end(). */
static bool log_begin(struct run *r)
{
	if (!r->log || r->log_err || r->log_lost)
		return false;
	json_fp = r->log;
	return true;
}

/*
 * End the line and queue it whole: a crash loses at most what the queue
 * holds. A line the queue had to drop, or could not write, ends the run.
 */
static void log_end(struct run *r)
{
	fputc('\n', r->log);
	fflush(r->log);
	json_fp = NULL;
	r->log_lost = outq_lost(r->log_q, &r->log_err);
}

static void log_event(struct run *r, const struct pen_event *e)
{
	if (!log_begin(r))
		return;
	json_event(e);
	log_end(r);
	r->logged++;
}

/* The first line: which pen, its setpoints, and when. */
static void log_session(const struct ctx *c, struct run *r,
			const struct pen_info *info,
			const struct pen_status *st)
{
	struct timespec ts;
	char when[64];
	struct tm tm;
	size_t n = 0;

	if (!log_begin(r))
		return;
	/* Wall-clock time for people; start_ns places it among the events. */
	clock_gettime(CLOCK_REALTIME, &ts);
	if (gmtime_r(&ts.tv_sec, &tm))
		n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (n)
		snprintf(when + n, sizeof(when) - n, ".%03dZ",
			 (int)(ts.tv_nsec / 1000000 % 1000));
	else
		snprintf(when, sizeof(when), "unknown");

	json_begin('{');
	json_str("type", "session");
	json_u64("version", LOG_VERSION);
	json_str("penctl", PENCTL_VERSION);
	json_str("path", c->path);
	json_str("name", info->name);
	json_str("driver", info->driver);
	json_str("model", info->model);
	json_str("serial", info->serial);
	json_u64("api_version", info->api_version);
	json_depth("depth", st->depth_um);
	json_rate("rate", st->rate_mhz);
	if (c->given & OPT_F_DURATION)
		json_u64("duration_ns", c->duration_ns);
	else
		json_null("duration_ns");
	json_str("start_time", when);
	json_u64("start_ns", now_ns());
	json_end('}');
	log_end(r);
}

/*
 * The last line: how the run ended and the driver's own counters, which
 * replay checks the events against. @st is NULL if the status could not
 * be read at the end (@err says why): then the counters are null.
 */
static void log_summary(struct run *r, const struct pen_status *st,
			int err, uint64_t elapsed)
{
	static const char *const keys[] = {
		"state", "stop_reason", "stop_reason_code", "fault",
		"fault_code", "fault_value", "fault_ns", "fault_seq",
		"run_strokes", "run_missed_strokes", "max_lateness_ns",
		"started_ns", "stopped_ns",
	};
	size_t i;

	if (!log_begin(r))
		return;
	json_begin('{');
	json_str("type", "summary");
	json_str("ended_by", end_names[r->end]);
	if (r->end == END_SIGNAL)
		json_str("signal", signal_name(r->signo));
	else
		json_null("signal");
	json_u64("events", r->logged);
	json_u64("lost_events", r->lost);
	json_u64("elapsed_ns", elapsed);
	if (st) {
		json_null("error");
		json_str("state", pen_state_name(st->state));
		json_str("stop_reason", pen_stop_reason_name(st->stop_reason));
		json_u64("stop_reason_code", st->stop_reason);
		json_fault(st);
		json_u64("run_strokes", st->run_strokes);
		json_u64("run_missed_strokes", st->run_missed_strokes);
		json_u64("max_lateness_ns", st->max_lateness_ns);
		json_u64("started_ns", st->started_ns);
		json_u64("stopped_ns", st->stopped_ns);
	} else {
		json_str("error", ioctl_strerror(err));
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			json_null(keys[i]);
	}
	json_u64("end_ns", now_ns());
	json_end('}');
	log_end(r);
}

/* ---- While the needle runs: nothing blocks, the kernel watches ---------- */

/*
 * stdout and stderr while the needle runs: 64 KiB each may wait for a
 * terminal or a pipe; once the needle is stopped, they get a second to
 * write it out before the rest counts as dropped.
 */
#define QUIET_QUEUE	(64u << 10)
#define QUIET_DRAIN_NS	NSEC_PER_SEC

struct quiet {
	struct outq *out;
	struct outq *err;
};

/*
 * From here until loud(), nothing penctl writes to stdout or stderr can
 * block it: a terminal stopped with Ctrl-S or a pipe nobody reads only
 * makes lines wait, or be dropped and counted. Returns 0, or -1 (said)
 * if the queues cannot be made: then the needle must not run.
 */
static int quiet(struct quiet *q)
{
	int err;

	fflush(stdout);
	fflush(stderr);
	q->out = outq_open(STDOUT_FILENO, QUIET_QUEUE);
	q->err = q->out ? outq_open(STDERR_FILENO, QUIET_QUEUE) : NULL;
	if (!q->err) {
		err = errno;
		if (q->out) {
			uint64_t lost;
			int e;

			outq_close(q->out, 0, &lost, &e);
		}
		q->out = NULL;
		error("cannot set up the output: %s", strerror(err));
		return -1;
	}
	out_fp = outq_file(q->out);
	err_fp = outq_file(q->err);
	return 0;
}

/*
 * The needle is stopped: write out what waited, and say what was dropped.
 * Returns 0, or -1 if a line was lost.
 */
static int loud(struct quiet *q)
{
	uint64_t out_lost = 0, err_lost = 0;
	int out_err = 0, err_err = 0;

	if (!q->out)
		return 0;
	out_fp = NULL;
	err_fp = NULL;
	outq_close(q->err, QUIET_DRAIN_NS, &err_lost, &err_err);
	outq_close(q->out, QUIET_DRAIN_NS, &out_lost, &out_err);
	q->out = NULL;
	q->err = NULL;
	if (out_lost)
		error("%" PRIu64 " line%s of output dropped: standard output did not take %s while the needle ran%s%s",
		      out_lost, out_lost == 1 ? "" : "s",
		      out_lost == 1 ? "it" : "them", out_err ? ": " : "",
		      out_err ? strerror(out_err) : "");
	if (err_lost)
		error("%" PRIu64 " line%s of messages dropped: standard error did not take %s while the needle ran%s%s",
		      err_lost, err_lost == 1 ? "" : "s",
		      err_lost == 1 ? "it" : "them", err_err ? ": " : "",
		      err_err ? strerror(err_err) : "");
	return out_lost || err_lost ? -1 : 0;
}

/* How often the loop must kick: at most POLL_NS, four times a timeout. */
static uint64_t kick_ns(const struct ctx *c)
{
	uint64_t quarter = c->watchdog_ms * NSEC_PER_MSEC / 4;

	return c->watchdog_ms && quarter < POLL_NS ? quarter : POLL_NS;
}

/*
 * Arm the kernel's watchdog (before START: arming counts as a kick), or
 * say loudly that there is none. Returns 0, or -1 (said).
 */
static int arm_watchdog(const struct ctx *c, struct pen *pen,
			const struct pen_info *info)
{
	if (!c->watchdog_ms) {
		error("warning: the watchdog is off (--no-watchdog): if penctl hangs or is stopped, the needle runs on until the pen's maximum run time, %u s",
		      info->max_run_time_s);
		return 0;
	}
	if (!pen_set_watchdog(pen, c->watchdog_ms))
		return 0;
	if (errno == ENOTTY)
		error("%s: the driver has no watchdog (API %u; needs 2); --no-watchdog runs without one",
		      c->path, info->api_version);
	else
		ioctl_error(c, "arm the watchdog", errno);
	return -1;
}

/* Tell the kernel penctl is alive; false (said) if it cannot. */
static bool kick(const struct ctx *c, struct pen *pen, struct run *r)
{
	if (!c->watchdog_ms || !pen_kick_watchdog(pen))
		return true;
	if (errno == ENODEV) {
		r->gone = true;
		return true;
	}
	r->end = END_ERROR;
	r->err = errno;
	r->what = "kick the watchdog";
	return false;
}

/*
 * Ask the kernel to hold to run. Returns 0, or -1 (said). @wanted: the
 * user asked for it; otherwise (run --buttons with a footswitch) a driver
 * that cannot is said, and penctl alone stops the needle on a release.
 */
static int hold_to_run(const struct ctx *c, struct pen *pen,
		       const struct pen_info *info, bool wanted)
{
	if (!pen_set_hold_to_run(pen, true))
		return 0;
	if (errno == ENOTTY && !wanted) {
		error("warning: the driver cannot hold to run (API %u; needs 5): only penctl stops the needle when the pedal comes up",
		      info->api_version);
		return 0;
	}
	if (errno == ENOTTY)
		error("%s: the driver cannot hold to run (API %u; needs 5)",
		      c->path, info->api_version);
	else if (errno == EOPNOTSUPP)
		error("%s: cannot hold to run: the pen has no footswitch",
		      c->path);
	else
		ioctl_error(c, "turn hold-to-run on", errno);
	return -1;
}

/*
 * Take the events buffered now, without waiting: log them, and note a
 * stop or the pen's removal. At most a ring's worth, so that a flood of
 * events cannot keep the caller from its other duties. Returns 0, or -1
 * with errno set if they could not be read.
 */
static int read_events(struct pen *pen, struct run *r)
{
	struct pen_event buf[EVENT_BATCH];
	unsigned int round;
	ssize_t n, i;
	int ret;

	for (round = 0; round <= PEN_EVENT_RING_SIZE / EVENT_BATCH; round++) {
		ret = pen_wait_events(pen, 0);
		if (ret <= 0)
			return ret < 0 && errno != EINTR ? -1 : 0;
		n = pen_read_events(pen, buf, ARRAY_SIZE(buf));
		if (n < 0) {
			if (errno == ENODEV) {
				r->gone = true;
				return 0;
			}
			return errno == EINTR || errno == EAGAIN ? 0 : -1;
		}
		for (i = 0; i < n; i++) {
			if (buf[i].type == PEN_EVENT_STATE &&
			    buf[i].state.state == PEN_STATE_STOPPED)
				r->stopped = true;
			if (buf[i].type == PEN_EVENT_OVERFLOW)
				r->lost += buf[i].overflow.lost;
			log_event(r, &buf[i]);
			if (r->on_event)
				r->on_event(r, &buf[i]);
		}
		if (!n)
			return 0;
	}
	return 0;
}

/*
 * Watch the running needle until the duration is over, a stop signal
 * arrives, or the pen stops by itself, which must never go unnoticed.
 * Events wake the loop as they come and are logged; the status is read
 * every POLL_NS as well, and at once after a "stopped" event.
 */
static void watch(const struct ctx *c, struct pen *pen, uint64_t t0,
		  struct run *r)
{
	uint64_t now, wait, left, next_status = t0 + POLL_NS;
	bool duration = c->given & OPT_F_DURATION;
	struct pen_status st;
	int ret;

	for (;;) {
		if (stop_signo) {
			r->end = END_SIGNAL;
			r->signo = stop_signo;
			return;
		}
		if (log_failed(r)) {
			r->end = END_LOG;
			return;
		}
		/* Alive, at least four times a watchdog timeout. */
		if (!kick(c, pen, r))
			return;
		now = now_ns();
		if (duration && now - t0 >= c->duration_ns) {
			r->end = END_DURATION;
			return;
		}

		if (r->gone || now >= next_status || r->stopped) {
			if (r->gone || pen_get_status(pen, &st) < 0) {
				/*
				 * A removed pen answers every ioctl with
				 * ENODEV; its needle was stopped on the way
				 * out.
				 */
				if (r->gone || errno == ENODEV) {
					r->end = END_PEN;
					r->last.state = PEN_STATE_STOPPED;
					r->last.stop_reason = PEN_STOP_REMOVED;
					return;
				}
				r->end = END_ERROR;
				r->err = errno;
				r->what = "read pen status";
				return;
			}
			r->last = st;
			if (st.state != PEN_STATE_RUNNING) {
				/* Our own handler's STOP is the signal's. */
				r->end = stop_signo ? END_SIGNAL : END_PEN;
				r->signo = stop_signo;
				return;
			}
			r->stopped = false;
			next_status = now + POLL_NS;
		}

		wait = next_status - now;
		if (wait > kick_ns(c))
			wait = kick_ns(c);
		if (duration) {
			left = c->duration_ns - (now - t0);
			if (left < wait)
				wait = left;
		}
		if (!r->events) {
			sleep_ns(wait);
			continue;
		}
		ret = pen_wait_events(pen, wait);
		if (ret > 0)
			ret = read_events(pen, r);
		if (ret < 0 && errno != EINTR) {
			r->end = END_ERROR;
			r->err = errno;
			r->what = "read pen events";
			return;
		}
	}
}

/*
 * The needle is stopped: read the events still to come, up to the
 * "stopped" state event that closes the run, so that the log is complete
 * before its summary. Bounded, in case that event was lost.
 */
static void drain_events(struct pen *pen, struct run *r)
{
	uint64_t end = now_ns() + DRAIN_NS, now;

	for (;;) {
		if (read_events(pen, r) < 0) {
			r->drain_err = errno;
			return;
		}
		now = now_ns();
		if (r->stopped || r->gone || log_failed(r) || now >= end)
			return;
		if (pen_wait_events(pen, end - now) < 0 && errno != EINTR) {
			r->drain_err = errno;
			return;
		}
	}
}

static void print_summary(const struct ctx *c, const struct run *r,
			  const struct pen_status *st, uint64_t elapsed)
{
	char a[FMT_LEN], why[64], f[64];

	if (c->json) {
		json_begin('{');
		json_str("path", c->path);
		json_str("ended_by", end_names[r->end]);
		if (r->end == END_SIGNAL)
			json_str("signal", signal_name(r->signo));
		else
			json_null("signal");
		json_str("state", pen_state_name(st->state));
		json_str("stop_reason", pen_stop_reason_name(st->stop_reason));
		json_fault(st);
		json_depth("depth", st->depth_um);
		json_rate("rate", st->rate_mhz);
		json_u64("run_strokes", st->run_strokes);
		json_u64("run_missed_strokes", st->run_missed_strokes);
		json_u64("max_lateness_ns", st->max_lateness_ns);
		json_u64("elapsed_ns", elapsed);
		json_end('}');
		putchar('\n');
		return;
	}

	switch (r->end) {
	case END_DURATION:
		snprintf(why, sizeof(why), "duration reached");
		break;
	case END_SIGNAL:
		snprintf(why, sizeof(why), "%s", signal_name(r->signo));
		break;
	case END_PEN:
		if (r->last.stop_reason == PEN_STOP_FAULT)
			snprintf(why, sizeof(why),
				 "stopped unexpectedly: fault %s",
				 pen_fault_name(r->last.fault));
		else
			snprintf(why, sizeof(why), "stopped unexpectedly: %s",
				 pen_stop_reason_name(r->last.stop_reason));
		break;
	case END_ERROR:
		snprintf(why, sizeof(why), "cannot %s", r->what);
		break;
	case END_LOG:
		snprintf(why, sizeof(why), "log unwritable");
		break;
	case END_PEDAL:
		snprintf(why, sizeof(why), "footswitch released");
		break;
	}
	printf("%s: stopped after %s s (%s)\n", c->path,
	       secs_str(elapsed, a), why);
	printf("  strokes:        %" PRIu64 "\n", (uint64_t)st->run_strokes);
	printf("  missed strokes: %" PRIu64 "\n",
	       (uint64_t)st->run_missed_strokes);
	printf("  max lateness:   %s us\n",
	       usecs_str(st->max_lateness_ns, a));
	if (st->fault != PEN_FAULT_NONE)
		printf("  fault:          %s at stroke %" PRIu64 "\n",
		       fault_str(st, f, sizeof(f)), (uint64_t)st->fault_seq);
}

/*
 * Why START was refused, in words, into @buf (128 bytes); NULL for an
 * interruption or a gone pen, which have their own ways out. A latched
 * fault is named (the caller adds how to clear it: *@fault is set).
 */
static const char *start_refusal(struct pen *pen, int err, char *buf,
				 bool *fault)
{
	char f[64], a[FMT_LEN], b[FMT_LEN];
	struct pen_status st;
	struct pen_info info;

	*fault = false;
	switch (err) {
	case EINTR:
	case ENODEV:
		return NULL;
	case ENOMEDIUM:
		return "no cartridge inserted";
	case ESTALE:
		return "the cartridge was used before; cartridges are single use";
	case ENOSPC:
		return "the cartridge's stroke budget is spent";
	case ECANCELED:
		return "a STOP came while the needle started";
	case EAGAIN:
		snprintf(buf, 128, "hold-to-run is on%s and the footswitch is not held: hold it down, then start",
			 !pen_get_status(pen, &st) &&
			 (st.flags & PEN_STATUS_HOLD_POLICY) ?
			 " (the administrator's policy)" : "");
		return buf;
	case ERANGE:
		if (pen_get_status(pen, &st) || pen_get_info(pen, &info))
			break;
		snprintf(buf, 128, "the depth %s is above the pen's depth cap, %s",
			 depth_str(st.depth_um, a), depth_str(info.depth_cap_um, b));
		return buf;
	case EIO:
		if (pen_get_status(pen, &st) || st.fault == PEN_FAULT_NONE)
			break;
		*fault = true;
		snprintf(buf, 128, "fault %s latched", fault_str(&st, f, sizeof(f)));
		return buf;
	}
	snprintf(buf, 128, "%s", ioctl_strerror(err));
	return buf;
}

/*
 * START failed: say why, and for a latched fault the command that
 * clears it, for this pen (a bare "penctl clear-fault" would go to
 * /dev/pen0).
 */
static void start_error(const struct ctx *c, struct pen *pen, int err)
{
	char why[128];
	const char *reason;
	bool fault;

	reason = start_refusal(pen, err, why, &fault);
	if (!reason) {
		ioctl_error(c, "start the needle", err);
		return;
	}
	if (!fault)
		error("%s: cannot start: %s", c->path, reason);
	else if (!strcmp(c->path, DEFAULT_DEVICE))
		error("%s: cannot start: %s; clear it with 'penctl clear-fault'",
		      c->path, reason);
	else
		error("%s: cannot start: %s; clear it with 'penctl -d %s clear-fault'",
		      c->path, reason, c->path);
}

/* ---- run --buttons: the pen's own buttons in control ------------------- */

/*
 * The needle runs when the person holding the pen says so, and every
 * change is printed as a line. The kernel never acts on a button: what a
 * press means is decided here. With a footswitch, the main button arms and
 * disarms, and the needle runs only while armed and the pedal is held;
 * without, the main button starts and stops it. Anything that stops the
 * needle behind penctl's back (a fault, another process's stop, the run
 * time) disarms, so that only a new press starts it again.
 */
struct session {
	const struct ctx *c;
	struct pen *pen;
	struct pen_buttons *buttons;
	uint32_t depth_um;
	const uint32_t *levels;
	unsigned int n_levels;
	unsigned int level;		/* index into levels */
	bool footswitch;		/* arm with main, run with the pedal */
	bool armed;
	bool running;			/* as far as the events tell */
	bool resync;			/* events were lost: ask the status */
	bool gone;			/* the pen, or its buttons, went away */
	bool lost_output;		/* lines were dropped while it ran */
	bool pedal_stopped;		/* the kernel stopped it as the pedal came up */
	int err;			/* a failure that ends the session */
	const char *what;		/* what failed, for err */
	unsigned int runs;
	uint64_t run_since;		/* when the current run started */
	uint64_t run_ns;		/* the needle's running time so far */
};

/* "level 1/6 (25 Hz)"; @buf holds 64 */
static const char *level_str(const struct session *s, char *buf)
{
	char r[FMT_LEN];

	snprintf(buf, 64, "level %u/%u (%s)", s->level + 1, s->n_levels,
		 rate_str(s->levels[s->level], r));
	return buf;
}

/* The hint for a latched fault, which only the controller may clear. */
static void fault_hint(const struct session *s, char *buf, size_t len)
{
	if (!strcmp(s->c->path, DEFAULT_DEVICE))
		snprintf(buf, len, "end this run (Ctrl-C), then 'penctl clear-fault'");
	else
		snprintf(buf, len, "end this run (Ctrl-C), then 'penctl -d %s clear-fault'",
			 s->c->path);
}

/* An error that ends the session: the needle is stopped on the way out. */
static void session_fail(struct session *s, const char *what, int err)
{
	if (err == ENODEV) {
		s->gone = true;
		return;
	}
	if (!s->err) {
		s->err = err;
		s->what = what;
	}
}

/* A pen event, after it is logged: follow the needle's state. */
static void session_event(struct run *r, const struct pen_event *e)
{
	struct session *s = r->data;
	char f[64], h[128];

	switch (e->type) {
	case PEN_EVENT_STATE:
		if (e->state.state == PEN_STATE_RUNNING) {
			s->run_since = e->timestamp_ns;
			break;
		}
		if (s->run_since && e->timestamp_ns > s->run_since)
			s->run_ns += e->timestamp_ns - s->run_since;
		s->run_since = 0;
		/* Our own stops clear running first; this one is not ours. */
		if (!s->running)
			break;
		s->running = false;
		/*
		 * The kernel's hold-to-run stopped it as the pedal came up:
		 * what letting go is for. Said with the release, once.
		 */
		if (e->state.stop_reason == PEN_STOP_PEDAL) {
			s->pedal_stopped = true;
			break;
		}
		/* Removal is said once, when the session ends. */
		if (e->state.stop_reason == PEN_STOP_REMOVED)
			break;
		error("%s: needle stopped: %s%s", s->c->path,
		      pen_stop_reason_name(e->state.stop_reason),
		      s->armed ? "; disarmed" : "");
		s->armed = false;
		break;
	case PEN_EVENT_FAULT:
		if (!(e->flags & PEN_FAULT_LATCHED))
			break;
		fault_hint(s, h, sizeof(h));
		fault_desc(e->fault.fault, e->fault.value, f, sizeof(f));
		if (!s->running) {
			error("%s: fault %s latched; the needle cannot start until it is cleared: %s",
			      s->c->path, f, h);
			break;
		}
		/*
		 * The stop comes as the next event; say it once, here, with
		 * the fault, and let that event find the needle stopped.
		 */
		error("%s: needle stopped: fault %s latched%s; to clear it, %s",
		      s->c->path, f, s->armed ? "; disarmed" : "", h);
		s->running = false;
		s->armed = false;
		break;
	case PEN_EVENT_OVERFLOW:
		/* A stop may be among the events lost. */
		s->resync = true;
		break;
	default:
		break;
	}
}

/*
 * Take the pen's events buffered now. Before a start, so that the stop
 * events of earlier runs (queued by the time STOP returned) are not taken
 * for the new run's.
 */
static void session_pen_events(struct session *s, struct run *r)
{
	struct pen_status st;

	if (s->gone || s->err)
		return;
	if (read_events(s->pen, r) < 0) {
		session_fail(s, "read pen events", errno);
		return;
	}
	if (r->gone) {
		s->gone = true;
		return;
	}
	if (!s->resync)
		return;
	s->resync = false;
	if (pen_get_status(s->pen, &st) < 0) {
		session_fail(s, "read pen status", errno);
		return;
	}
	if (s->running && st.state != PEN_STATE_RUNNING) {
		error("%s: needle stopped: %s%s", s->c->path,
		      pen_stop_reason_name(st.stop_reason),
		      s->armed ? "; disarmed" : "");
		s->running = false;
		s->armed = false;
	}
}

/* START, saying why (@what: "main button", "footswitch pressed"). */
static void session_start(struct session *s, struct run *r, const char *what)
{
	char a[FMT_LEN], l[64], h[128], why[128];
	const char *dis, *reason;
	bool fault;
	int err;

	session_pen_events(s, r);
	if (s->gone || s->err || stop_signo)
		return;
	if (!pen_start(s->pen)) {
		s->running = true;
		s->runs++;
		say("%s: %s: started at %s, %s\n", s->c->path, what,
		       depth_str(s->depth_um, a), level_str(s, l));
		return;
	}
	err = errno;
	/* A signal wants the session over: the loop sees it next. */
	if (err == EINTR)
		return;
	if (err == ENODEV) {
		s->gone = true;
		return;
	}
	if (err == EALREADY) {
		s->running = true;
		say("%s: %s: already running\n", s->c->path, what);
		return;
	}
	/*
	 * In hold-to-run the pedal came up before the needle started (or
	 * while it powered up): the pedal doing its job. Still armed: the
	 * next press starts it.
	 */
	if (s->footswitch && (err == EAGAIN || err == ECANCELED)) {
		say("%s: %s: the footswitch came up before the needle started\n",
		    s->c->path, what);
		return;
	}
	/* Not started: a later press of the pedal must not start it. */
	dis = s->armed ? "; disarmed" : "";
	s->armed = false;
	reason = start_refusal(s->pen, err, why, &fault);
	if (fault) {
		fault_hint(s, h, sizeof(h));
		error("%s: %s: cannot start: %s%s; to clear it, %s",
		      s->c->path, what, reason, dis, h);
	} else {
		error("%s: %s: cannot start: %s%s", s->c->path, what,
		      reason ? reason : ioctl_strerror(err), dis);
	}
}

static void session_stop(struct session *s, const char *what)
{
	/*
	 * Stopped from here on, as far as the session knows: if the STOP
	 * fails, the session ends, and closing the pen stops the needle.
	 */
	s->running = false;
	if (pen_stop(s->pen) < 0) {
		session_fail(s, "stop the needle", errno);
		return;
	}
	say("%s: %s: stopped\n", s->c->path, what);
}

/* One level faster (@step 1) or slower (-1), from the next stroke on. */
static void session_speed(struct session *s, int step)
{
	const char *what = step > 0 ? "speed up" : "speed down";
	char l[64], r[FMT_LEN];
	unsigned int next;

	if ((step > 0 && s->level + 1 == s->n_levels) ||
	    (step < 0 && s->level == 0)) {
		say("%s: %s: already at the %s level, %s\n", s->c->path,
		       what, step > 0 ? "fastest" : "slowest",
		       level_str(s, l));
		return;
	}
	next = s->level + step;
	if (pen_set_rate(s->pen, s->levels[next]) < 0) {
		if (errno == ENODEV) {
			s->gone = true;
			return;
		}
		/* The level stays: the pen runs at what it says it runs. */
		error("%s: %s: cannot set the rate to %s: %s", s->c->path,
		      what, rate_str(s->levels[next], r),
		      ioctl_strerror(errno));
		return;
	}
	s->level = next;
	say("%s: %s: %s\n", s->c->path, what, level_str(s, l));
}

static void session_button(struct session *s, struct run *r,
			   const struct pen_button_event *ev)
{
	/* The resynced state follows: a pedal held meanwhile still counts. */
	if (ev->flags & PEN_BUTTON_EVENT_OVERFLOW) {
		error("%s: button presses were lost (penctl fell behind); the buttons' state is read back",
		      s->c->path);
		return;
	}
	switch (ev->key) {
	case PEN_KEY_MAIN:
		if (!ev->pressed)
			break;
		if (!s->footswitch) {
			if (s->running)
				session_stop(s, "main button");
			else
				session_start(s, r, "main button");
		} else if (s->armed) {
			s->armed = false;
			if (s->running)
				session_stop(s, "main button: disarmed");
			else
				say("%s: main button: disarmed\n",
				       s->c->path);
		} else {
			s->armed = true;
			/* A pedal already held starts it: that is arming. */
			if (pen_buttons_is_pressed(s->buttons,
						   PEN_KEY_FOOTSWITCH) == 1)
				session_start(s, r,
					      "main button: armed, footswitch held");
			else
				say("%s: main button: armed; the footswitch runs the needle\n",
				       s->c->path);
		}
		break;
	case PEN_KEY_FOOTSWITCH:
		if (!s->footswitch)
			break;
		if (!ev->pressed) {
			/*
			 * Let go of the pedal: stop, whatever else holds. The
			 * kernel has already, in hold-to-run; STOP again all
			 * the same, should the event have come first.
			 */
			if (s->running || s->pedal_stopped)
				session_stop(s, "footswitch released");
			else
				say("%s: footswitch released\n",
				    s->c->path);
			s->pedal_stopped = false;
		} else if (!s->armed) {
			say("%s: footswitch pressed: not armed (the main button arms)\n",
			       s->c->path);
		} else if (!s->running) {
			session_start(s, r, "footswitch pressed");
		}
		break;
	case PEN_KEY_SPEED_UP:
	case PEN_KEY_SPEED_DOWN:
		if (ev->pressed)
			session_speed(s, ev->key == PEN_KEY_SPEED_UP ? 1 : -1);
		break;
	default:
		break;
	}
}

/* Every button event buffered now. */
/* Button events per wake-up: the loop must get back to kicking. */
#define BUTTON_BATCH	64

static void session_buttons(struct session *s, struct run *r)
{
	struct pen_button_event ev;
	unsigned int n;
	int ret;

	/* A stop signal ends the session: no press acted on after it. */
	for (n = 0; n < BUTTON_BATCH && !s->gone && !s->err && !stop_signo;
	     n++) {
		ret = pen_buttons_read(s->buttons, &ev);
		if (ret == 0)
			return;
		if (ret < 0) {
			session_fail(s, "read the buttons", errno);
			return;
		}
		session_button(s, r, &ev);
	}
}

/* Why the buttons cannot be opened, in words. */
static void buttons_error(const struct ctx *c, int err)
{
	switch (err) {
	case ENOTSUP:
		error("%s: the pen has no buttons", c->path);
		break;
	case ENXIO:
		error("%s: cannot open the buttons: no event device (is the evdev module loaded?)",
		      c->path);
		break;
	case ENOENT:
		error("%s: cannot open the buttons: no /dev/input node for them",
		      c->path);
		break;
	case EPROTO:
		error("%s: cannot open the buttons: the input device lacks keys the pen reports",
		      c->path);
		break;
	default:
		error("%s: cannot open the buttons: %s", c->path,
		      open_strerror(err));
		break;
	}
}

/*
 * The levels, checked against the pen, and the one to start at: the
 * slowest, or the one --rate names. Exit status 2 for a level or a rate
 * the pen cannot run, as for any bad value; 0 if all is well.
 */
static int session_levels(const struct ctx *c, const struct pen_info *info,
			  uint32_t *levels, unsigned int *n,
			  unsigned int *start)
{
	char a[FMT_LEN], b[FMT_LEN], list[MAX_LEVELS * 16];
	uint64_t span = info->rate_max_mhz - info->rate_min_mhz;
	size_t len = 0;
	unsigned int i;
	uint32_t v;

	if (c->given & OPT_F_LEVELS) {
		for (i = 0; i < c->n_levels; i++) {
			if (c->levels[i] >= info->rate_min_mhz &&
			    c->levels[i] <= info->rate_max_mhz)
				continue;
			error("invalid level '%.*s': the pen runs at %s to %s",
			      c->level_len[i], c->level_text[i],
			      rate_str(info->rate_min_mhz, a),
			      rate_str(info->rate_max_mhz, b));
			return EXIT_USAGE;
		}
		memcpy(levels, c->levels, c->n_levels * sizeof(*levels));
		*n = c->n_levels;
	} else {
		/* Evenly spread, both ends included; fewer if they coincide. */
		*n = 0;
		for (i = 0; i < DEFAULT_LEVELS; i++) {
			v = info->rate_min_mhz +
			    span * i / (DEFAULT_LEVELS - 1);
			if (!*n || v > levels[*n - 1])
				levels[(*n)++] = v;
		}
	}

	*start = 0;
	if (!(c->given & OPT_F_RATE))
		return 0;
	for (i = 0; i < *n; i++)
		if (levels[i] == c->rate_mhz) {
			*start = i;
			return 0;
		}
	for (i = 0; i < *n && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				i ? ", " : "", milli_str(levels[i], a));
	error("invalid rate '%s': not one of the levels (%s Hz)", c->rate_arg,
	      list);
	return EXIT_USAGE;
}

/*
 * Wait for the pen's events, the buttons, a stop signal or the end of
 * the duration, whichever first. The stop signals are let in only inside
 * ppoll(), atomically, so that one arriving just before the wait still
 * ends it; elsewhere they are let in all along, and stop the needle from
 * the handler wherever the loop is (a write to a stopped terminal, say).
 */
static int session_wait(struct session *s, struct pollfd *fds,
			int64_t timeout_ns)
{
	struct timespec ts, *tsp = NULL;
	sigset_t set, open_mask;
	size_t i;
	int ret, err;

	sigemptyset(&set);
	for (i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(&set, stop_signals[i].signo);
	sigprocmask(SIG_BLOCK, &set, &open_mask);
	if (stop_signo) {
		sigprocmask(SIG_SETMASK, &open_mask, NULL);
		return 0;
	}
	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / NSEC_PER_SEC;
		ts.tv_nsec = timeout_ns % NSEC_PER_SEC;
		tsp = &ts;
	}
	fds[0].fd = pen_fd(s->pen);
	fds[0].events = POLLIN;
	fds[1].fd = pen_buttons_fd(s->buttons);
	fds[1].events = POLLIN;
	ret = ppoll(fds, 2, tsp, &open_mask);
	err = errno;
	sigprocmask(SIG_SETMASK, &open_mask, NULL);
	if (ret < 0 && err == EINTR)
		return 0;
	if (ret < 0 || ((fds[0].revents | fds[1].revents) & POLLNVAL)) {
		session_fail(s, "wait for the pen", ret < 0 ? err : EBADF);
		return -1;
	}
	return ret;
}

static void session_loop(struct session *s, struct run *r, uint64_t t0)
{
	bool duration = s->c->given & OPT_F_DURATION;
	struct pollfd fds[2];
	uint64_t now, left;
	int64_t timeout;

	for (;;) {
		if (r->gone)
			s->gone = true;
		if (s->gone || s->err) {
			r->end = s->gone ? END_PEN : END_ERROR;
			return;
		}
		if (stop_signo) {
			r->end = END_SIGNAL;
			r->signo = stop_signo;
			return;
		}
		if (log_failed(r)) {
			r->end = END_LOG;
			return;
		}
		/* Alive, at least four times a watchdog timeout. */
		if (!kick(s->c, s->pen, r)) {
			session_fail(s, r->what, r->err);
			continue;
		}
		timeout = kick_ns(s->c);
		if (duration) {
			now = now_ns();
			if (now - t0 >= s->c->duration_ns) {
				r->end = END_DURATION;
				return;
			}
			left = s->c->duration_ns - (now - t0);
			if (left < (uint64_t)timeout)
				timeout = left;
		}

		if (session_wait(s, fds, timeout) <= 0)
			continue;
		/*
		 * The pen first: a stop it reports is then known before a
		 * press is acted on. A hangup of either means the pen is
		 * gone; the reads find that out (ENODEV).
		 */
		if (fds[0].revents)
			session_pen_events(s, r);
		if (fds[1].revents)
			session_buttons(s, r);
	}
}

static int cmd_run_buttons(struct ctx *c)
{
	char a[FMT_LEN], l[64], how[160];
	uint32_t levels[MAX_LEVELS];
	struct pen_status st, st0, sum;
	struct session s = { 0 };
	struct quiet q = { 0 };
	struct ctx set_c;
	bool have_status = false;
	struct pen_info info;
	struct run r = { 0 };
	int rc = EXIT_RUNTIME, ret, st_err = 0;
	uint64_t t0;
	sigset_t set;
	size_t i;

	/* As for run: no stop signal kills penctl half-way. */
	sigemptyset(&set);
	for (i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(&set, stop_signals[i].signo);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    catch_signals(&set) < 0) {
		error("cannot set up signals: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	signal(SIGPIPE, SIG_IGN);
	/* A line per press, seen as it comes, even through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	s.c = c;
	s.levels = levels;
	s.pen = open_pen(c, PEN_OPEN_CONTROL);
	if (!s.pen)
		return EXIT_RUNTIME;
	if (pen_get_info(s.pen, &info) < 0) {
		ioctl_error(c, "read pen info", errno);
		goto out;
	}
	if (info.api_version < 4) {
		error("%s: the driver has no buttons (API %u; --buttons needs 4)",
		      c->path, info.api_version);
		goto out;
	}
	if (!(info.flags & (PEN_INFO_BUTTONS | PEN_INFO_FOOTSWITCH))) {
		error("%s: the pen has no buttons", c->path);
		goto out;
	}
	/* A pedal alone cannot arm: running on it alone is not safe. */
	if (!(info.flags & PEN_INFO_BUTTONS)) {
		error("%s: the pen has a footswitch but no main button", c->path);
		goto out;
	}
	ret = session_levels(c, &info, levels, &s.n_levels, &s.level);
	if (ret) {
		rc = ret;
		goto out;
	}

	s.buttons = pen_buttons_open(s.pen);
	if (!s.buttons) {
		buttons_error(c, errno);
		goto out;
	}
	s.footswitch = pen_buttons_has(s.buttons, PEN_KEY_FOOTSWITCH) == 1;
	/*
	 * With a pedal, the kernel itself stops the needle when it is let
	 * go, whatever becomes of penctl meanwhile.
	 */
	if (s.footswitch && hold_to_run(c, s.pen, &info, false) < 0)
		goto out;

	if ((c->given & OPT_F_LOG) && open_log(c, &r) < 0)
		goto out;
	if (pen_get_status(s.pen, &st) < 0) {
		ioctl_error(c, "read pen status", errno);
		goto out;
	}
	/*
	 * Only the controller clears a fault, and that would be this
	 * process: no press could start the needle. Refused as run does.
	 */
	if (st.fault != PEN_FAULT_NONE) {
		start_error(c, s.pen, EIO);
		goto out;
	}
	/* Depth and first level at once, named if refused, as run does. */
	s.depth_um = (c->given & OPT_F_DEPTH) ? c->depth_um : st.depth_um;
	set_c = *c;
	set_c.given |= OPT_F_DEPTH | OPT_F_RATE;
	set_c.depth_um = s.depth_um;
	set_c.rate_mhz = levels[s.level];
	if (apply_setpoints(&set_c, s.pen) < 0)
		goto out;
	/* The session's strokes are the driver's counters' growth. */
	if (pen_get_status(s.pen, &st0) < 0) {
		ioctl_error(c, "read pen status", errno);
		goto out;
	}

	/*
	 * The kernel stops the needle if penctl stops kicking; and from here
	 * on nothing penctl writes can hold it up.
	 */
	if (arm_watchdog(c, s.pen, &info) < 0 || quiet(&q) < 0)
		goto out;
	if (s.footswitch)
		snprintf(how, sizeof(how), "main button arms, footswitch runs%s",
			 pen_buttons_is_pressed(s.buttons,
						PEN_KEY_FOOTSWITCH) == 1 ?
			 " (held now)" : "");
	else
		snprintf(how, sizeof(how), "main button starts and stops");
	say("%s: buttons ready at %s, %s: %s, speed buttons change the level (Ctrl-C ends)\n",
	       c->path, depth_str(s.depth_um, a), level_str(&s, l), how);

	r.on_event = session_event;
	r.data = &s;
	log_session(c, &r, &info, &st0);

	t0 = now_ns();
	stop_pen = s.pen;
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	session_loop(&s, &r, t0);
	sigprocmask(SIG_BLOCK, &set, NULL);
	stop_pen = NULL;

	/* Always STOP explicitly; a gone pen stopped its needle going. */
	if (!s.gone && pen_stop(s.pen) < 0)
		session_fail(&s, "stop the needle", errno);
	s.running = false;
	if (!s.gone) {
		if (pen_get_status(s.pen, &st) < 0) {
			st_err = errno;
			session_fail(&s, "read pen status", st_err);
		} else {
			have_status = true;
		}
	}
	/* Stopped: what waited is written, and what was dropped said. */
	if (loud(&q) < 0)
		s.lost_output = true;
	if (r.log) {
		/* STOP queues its event before it returns: nothing to wait for. */
		r.stopped = true;
		if (!s.gone)
			drain_events(s.pen, &r);
		/* Across runs: the strokes of the whole session. */
		if (have_status) {
			sum = st;
			sum.run_strokes = st.strokes - st0.strokes;
			sum.run_missed_strokes = st.missed_strokes -
						 st0.missed_strokes;
		}
		log_summary(&r, have_status ? &sum : NULL,
			    st_err ? st_err : ENODEV, s.run_ns);
	}
	if (s.gone) {
		error("%s: pen is gone (removed); its needle is stopped",
		      c->path);
		goto out;
	}
	if (have_status && st.state == PEN_STATE_RUNNING) {
		error("%s: needle still running after STOP", c->path);
		goto out;
	}
	if (s.err) {
		ioctl_error(c, s.what, s.err);
		goto out;
	}
	if (log_failed(&r))
		goto out;
	say("%s: ended (%s): the needle is stopped; %u run%s, %" PRIu64
	    " strokes\n", c->path,
	    r.end == END_SIGNAL ? signal_name(r.signo) : "duration reached",
	    s.runs, s.runs == 1 ? "" : "s",
	    (uint64_t)(st.strokes - st0.strokes));
	/* Output that did not arrive is a failure, not a success. */
	rc = s.lost_output ? EXIT_RUNTIME : 0;
out:
	loud(&q);
	pen_buttons_close(s.buttons);
	pen_close(s.pen);
	if (close_log(c, &r) < 0)
		rc = EXIT_RUNTIME;
	return rc;
}

/* start and run: set the setpoints given, run, watch, stop, summarize. */
static int cmd_run(struct ctx *c)
{
	char a[FMT_LEN], b[FMT_LEN], d[FMT_LEN], t[FMT_LEN], f[64];
	bool reported = false, have_status = true, lost_output = false;
	uint64_t t0, t1, elapsed;
	struct quiet q = { 0 };
	struct pen_status st;
	struct pen_info info;
	struct run r = { 0 };
	struct pen *pen;
	int rc = EXIT_RUNTIME, sig, stop_err = 0, status_err = 0, st_err = 0;
	sigset_t set;
	size_t i;

	if (c->given & OPT_F_BUTTONS)
		return cmd_run_buttons(c);

	/*
	 * Block the stop signals before touching the pen: from here on one
	 * arriving at any moment waits in the queue, to cancel the start or,
	 * once the needle runs, to be handled by on_stop_signal(), instead
	 * of killing penctl half-way.
	 */
	sigemptyset(&set);
	for (i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(&set, stop_signals[i].signo);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    catch_signals(&set) < 0) {
		error("cannot set up signals: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	/* A closed stdout or log must not kill penctl before it has stopped. */
	signal(SIGPIPE, SIG_IGN);

	pen = open_pen(c, PEN_OPEN_CONTROL);
	if (!pen)
		return EXIT_RUNTIME;
	if (pen_get_info(pen, &info) < 0) {
		ioctl_error(c, "read pen info", errno);
		goto out;
	}
	/*
	 * Older drivers have no events: the run is then watched through the
	 * status alone, and cannot be logged.
	 */
	r.events = info.api_version >= 3;
	if (c->given & OPT_F_LOG) {
		if (!r.events) {
			error("%s: cannot log: the driver has no event stream (API %u; --log needs 3)",
			      c->path, info.api_version);
			goto out;
		}
		/* Before the setpoints: a refused log changes nothing. */
		if (open_log(c, &r) < 0)
			goto out;
	}
	/*
	 * Hold-to-run, and the kernel's watchdog that stops the needle if
	 * penctl stops kicking: before the setpoints too, for the same
	 * reason.
	 */
	if ((c->given & OPT_F_HOLD) && hold_to_run(c, pen, &info, true) < 0)
		goto out;
	if (arm_watchdog(c, pen, &info) < 0)
		goto out;
	if (apply_setpoints(c, pen) < 0)
		goto out;
	if (pen_get_status(pen, &st) < 0) {
		ioctl_error(c, "read pen status", errno);
		goto out;
	}

	/* Interrupted while setting up: then don't start at all. */
	sig = wait_signal(&set, 0);
	if (sig > 0) {
		error("%s: %s before the needle started; not starting",
		      c->path, signal_name(sig));
		goto out;
	}

	log_session(c, &r, &info, &st);
	if (r.log_err) {
		error("%s: cannot write log: %s", c->log_arg,
		      strerror(r.log_err));
		goto out;
	}

	/*
	 * From the start until the needle is stopped, nothing penctl writes
	 * can block it (a terminal stopped with Ctrl-S, a full pipe): it must
	 * stay free to kick the watchdog and act on Ctrl-C.
	 */
	if (quiet(&q) < 0)
		goto out;
	t0 = now_ns();
	if (pen_start(pen) < 0) {
		loud(&q);
		start_error(c, pen, errno);
		goto out;
	}
	r.last = st;
	r.last.state = PEN_STATE_RUNNING;
	/* Said once it is true: after START, not before. */
	if (!c->json) {
		if (c->given & OPT_F_DURATION)
			snprintf(d, sizeof(d), " for %s s",
				 milli_str(c->duration_ns / 1000000, t));
		else
			d[0] = '\0';
		say("%s: needle running at %s, %s%s (Ctrl-C stops)\n",
		    c->path, depth_str(st.depth_um, a),
		    rate_str(st.rate_mhz, b), d);
	}

	/*
	 * Let the stop signals in while the needle runs; one that came
	 * during the start is handled now, and stops it.
	 */
	stop_pen = pen;
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	watch(c, pen, t0, &r);
	sigprocmask(SIG_BLOCK, &set, NULL);
	stop_pen = NULL;

	/* Always STOP explicitly, even if the pen says it stopped. */
	if (pen_stop(pen) < 0)
		stop_err = errno;
	t1 = now_ns();

	if (pen_get_status(pen, &st) < 0) {
		status_err = st_err = errno;
		have_status = false;
		st = r.last;
		/* Gone, as already reported: nothing left to stop. */
		if (status_err == ENODEV && r.end == END_PEN)
			status_err = stop_err = 0;
	}

	/* Stopped: what waited is written, and what was dropped said. */
	lost_output = loud(&q) < 0;

	/*
	 * In hold-to-run, letting the pedal go is how a run ends: not a
	 * failure.
	 */
	if (!status_err && r.end == END_PEN &&
	    r.last.stop_reason == PEN_STOP_PEDAL &&
	    (st.flags & PEN_STATUS_HOLD_TO_RUN))
		r.end = END_PEDAL;

	/*
	 * A fault that stopped the needle just before our STOP (which keeps
	 * the stop reason of a stopped pen) ended the run, whatever else did.
	 */
	if (!status_err && r.end != END_PEN &&
	    st.state == PEN_STATE_STOPPED && st.started_ns >= t0 &&
	    st.stop_reason == PEN_STOP_FAULT) {
		r.end = END_PEN;
		r.last = st;
	}

	/* The kernel's own timestamps are the needle's true run time. */
	elapsed = t1 - t0;
	if (st.started_ns >= t0 && st.stopped_ns >= st.started_ns &&
	    st.stopped_ns <= t1)
		elapsed = st.stopped_ns - st.started_ns;

	if (r.log) {
		if (!r.gone)
			drain_events(pen, &r);
		log_summary(&r, have_status ? &st : NULL, st_err, elapsed);
	}

	switch (r.end) {
	case END_PEN:
		if (r.last.stop_reason == PEN_STOP_FAULT)
			error("%s: needle stopped: fault %s", c->path,
			      fault_str(r.last.fault != PEN_FAULT_NONE ?
					&r.last : &st, f, sizeof(f)));
		else
			error("%s: needle stopped unexpectedly (state %s, stop reason %s)",
			      c->path, pen_state_name(r.last.state),
			      pen_stop_reason_name(r.last.stop_reason));
		reported = true;
		break;
	case END_ERROR:
		ioctl_error(c, r.what, r.err);
		reported = true;
		break;
	default:
		break;
	}
	/*
	 * Make sure the needle is seen stopped. If it is not, say so; the
	 * pen_close() below then makes the kernel stop it in any case.
	 */
	if (!reported && stop_err && (status_err ||
				      st.state == PEN_STATE_RUNNING)) {
		ioctl_error(c, "stop the needle", stop_err);
		reported = true;
	} else if (!reported && status_err) {
		ioctl_error(c, "read pen status", status_err);
		reported = true;
	} else if (!reported && st.state == PEN_STATE_RUNNING) {
		error("%s: needle still running after STOP", c->path);
		reported = true;
	}
	/* A log that lost lines is a failed run, whatever else happened. */
	if (log_failed(&r)) {
		log_error(c, &r);
		reported = true;
	} else if (r.drain_err) {
		ioctl_error(c, "read pen events", r.drain_err);
		reported = true;
	}

	print_summary(c, &r, &st, elapsed);

	/* Output that did not arrive is a failure, said by loud(). */
	if (!reported && !lost_output)
		rc = 0;
out:
	loud(&q);
	pen_close(pen);
	if (close_log(c, &r) < 0)
		rc = EXIT_RUNTIME;
	return rc;
}

/* ---- monitor: the event stream, as it comes ---------------------------- */

/*
 * How long monitor waits for events at most before it looks at the clock
 * and the signal flag again. A signal normally ends the wait at once;
 * only one that comes between the look and the wait is left for this.
 */
#define MONITOR_POLL_NS	((uint64_t)100000000)

static int cmd_monitor(struct ctx *c)
{
	struct pen_event buf[EVENT_BATCH];
	uint64_t deadline = 0, printed = 0, now, wait;
	struct pen_info info;
	struct pen *pen;
	ssize_t n, i;
	size_t want;
	sigset_t set;
	int ret;

	/* Line by line, so that a pipe sees each event as it comes. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (catch_signals(&set) < 0) {
		error("cannot set up signals: %s", strerror(errno));
		return EXIT_RUNTIME;
	}

	/* Read-only: a monitor runs beside the controller, never as one. */
	pen = open_pen(c, 0);
	if (!pen)
		return EXIT_RUNTIME;
	if (pen_get_info(pen, &info) < 0) {
		ioctl_error(c, "read pen info", errno);
		goto err;
	}
	if (info.api_version < 3) {
		error("%s: the driver has no event stream (API %u; monitor needs 3)",
		      c->path, info.api_version);
		goto err;
	}

	if (!c->json)
		printf("%s: monitoring events (Ctrl-C stops)\n", c->path);
	if (c->given & OPT_F_DURATION)
		deadline = now_ns() + c->duration_ns;

	for (;;) {
		if (stop_signo)
			break;
		wait = MONITOR_POLL_NS;
		if (deadline) {
			now = now_ns();
			if (now >= deadline)
				break;
			if (deadline - now < wait)
				wait = deadline - now;
		}

		ret = pen_wait_events(pen, wait);
		if (ret < 0 && errno != EINTR) {
			ioctl_error(c, "wait for events", errno);
			goto err;
		}
		if (ret <= 0)
			continue;

		/* Read no more than --count still needs: the rest stays. */
		want = ARRAY_SIZE(buf);
		if ((c->given & OPT_F_COUNT) && c->count - printed < want)
			want = c->count - printed;
		n = pen_read_events(pen, buf, want);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/* After a removal, ENODEV once all is printed. */
			ioctl_error(c, "read events", errno);
			goto err;
		}
		for (i = 0; i < n; i++) {
			if (c->json) {
				json_event(&buf[i]);
				putchar('\n');
			} else {
				print_event(&buf[i]);
			}
			/* In JSON the record alone might go unseen. */
			if (c->json && buf[i].type == PEN_EVENT_OVERFLOW)
				error("%s: monitor fell behind: %" PRIu64
				      " events lost", c->path,
				      (uint64_t)buf[i].overflow.lost);
		}
		printed += n;
		if ((c->given & OPT_F_COUNT) && printed >= c->count)
			break;
	}
	pen_close(pen);
	return 0;
err:
	pen_close(pen);
	return EXIT_RUNTIME;
}

/* ---- replay: a session log summed up ------------------------------------ */

#define MAX_FAULT_KINDS	16

struct replay {
	const char *file;
	unsigned long line;
	bool session, summary, counters;
	char name[64], driver[64], model[64], serial[64], start_time[64];
	uint64_t records, strokes, measured, missed, faults, setpoints;
	uint64_t overflows, lost, other;
	int64_t err_min, err_max, err_sum;
	uint64_t max_lateness;
	/* The time the needle ran: the sum of running..stopped intervals. */
	bool running, ended_running;
	uint64_t run_since, run_ns, last_ns;
	struct {
		char name[32];
		uint64_t count;
	} kinds[MAX_FAULT_KINDS];
	size_t n_kinds;
	uint64_t other_faults;		/* of kinds beyond MAX_FAULT_KINDS */
	/* From the summary line. */
	uint64_t sum_strokes, sum_missed;
	char ended_by[32], stop_reason[32], sum_fault[32], sum_error[128];
};

static void __attribute__((format(printf, 2, 3)))
replay_error(const struct replay *rp, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	error("%s: line %lu: %s", rp->file, rp->line, buf);
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

	/* Null counters: the pen was gone when the run ended. */
	if (!json_object_object_get_ex(obj, "run_strokes", &s) ||
	    !json_object_object_get_ex(obj, "run_missed_strokes", &m)) {
		replay_error(rp, "summary record without \"run_strokes\" and \"run_missed_strokes\"");
		return -1;
	}
	if (s && m) {
		if (get_u64(rp, obj, "summary", "run_strokes",
			    &rp->sum_strokes) ||
		    get_u64(rp, obj, "summary", "run_missed_strokes",
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

/* One line of the log, without its newline. */
static int replay_line(struct replay *rp, const char *text, size_t len)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	const char *type, *name;
	uint64_t ts, lost, missed;
	size_t end;
	int ret = -1;

	if (!len) {
		replay_error(rp, "empty line");
		return -1;
	}
	tok = json_tokener_new();
	if (!tok) {
		error("out of memory");
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
	if (get_str(rp, obj, "a", "type", &type))
		goto out;
	if (rp->summary) {
		replay_error(rp, "a record after the summary");
		goto out;
	}

	if (!strcmp(type, "session")) {
		if (rp->session || rp->records) {
			replay_error(rp, "a session record that is not the first line");
			goto out;
		}
		rp->session = true;
		copy_str(obj, "name", rp->name, sizeof(rp->name));
		copy_str(obj, "driver", rp->driver, sizeof(rp->driver));
		copy_str(obj, "model", rp->model, sizeof(rp->model));
		copy_str(obj, "serial", rp->serial, sizeof(rp->serial));
		copy_str(obj, "start_time", rp->start_time,
			 sizeof(rp->start_time));
		ret = 0;
		goto out;
	}
	if (!strcmp(type, "summary")) {
		rp->summary = true;
		ret = replay_summary(rp, obj);
		goto out;
	}

	/* An event: each has its time. */
	if (get_u64(rp, obj, type, "timestamp_ns", &ts))
		goto out;
	rp->records++;
	if (ts > rp->last_ns)
		rp->last_ns = ts;
	if (!strcmp(type, "stroke")) {
		ret = replay_stroke(rp, obj);
	} else if (!strcmp(type, "state")) {
		ret = replay_state(rp, obj, ts);
	} else if (!strcmp(type, "setpoint")) {
		rp->setpoints++;
		ret = 0;
	} else if (!strcmp(type, "fault")) {
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
	} else if (!strcmp(type, "overflow")) {
		ret = get_u64(rp, obj, type, "lost", &lost);
		if (!ret) {
			rp->overflows++;
			rp->lost += lost;
		}
	} else {
		/* fault-cleared, cartridge, or a newer driver's event. */
		rp->other++;
		ret = 0;
	}
out:
	json_object_put(obj);
	return ret;
}

static void print_replay(const struct ctx *c, const struct replay *rp,
			 bool match)
{
	char a[FMT_LEN], mean[FMT_LEN];
	size_t i;

	if (rp->measured)
		snprintf(mean, sizeof(mean), "%.1f",
			 (double)rp->err_sum / rp->measured);

	if (c->json) {
		json_begin('{');
		json_str("file", rp->file);
		if (rp->session) {
			json_str("name", rp->name);
			json_str("driver", rp->driver);
			json_str("model", rp->model);
			json_str("serial", rp->serial);
			json_str("start_time", rp->start_time);
		} else {
			json_null("name");
			json_null("driver");
			json_null("model");
			json_null("serial");
			json_null("start_time");
		}
		json_u64("events", rp->records);
		json_u64("strokes", rp->strokes);
		json_u64("measured_strokes", rp->measured);
		json_u64("missed_strokes", rp->missed);
		json_u64("faults", rp->faults);
		json_key("faults_by_name");
		json_begin('{');
		for (i = 0; i < rp->n_kinds; i++)
			json_u64(rp->kinds[i].name, rp->kinds[i].count);
		if (rp->other_faults)
			json_u64("other", rp->other_faults);
		json_end('}');
		json_u64("setpoint_changes", rp->setpoints);
		json_u64("overflow_records", rp->overflows);
		json_u64("lost_events", rp->lost);
		if (rp->measured) {
			json_i64("depth_error_min_um", rp->err_min);
			json_num("depth_error_mean_um", mean);
			json_i64("depth_error_max_um", rp->err_max);
		} else {
			json_null("depth_error_min_um");
			json_null("depth_error_mean_um");
			json_null("depth_error_max_um");
		}
		json_u64("max_lateness_ns", rp->max_lateness);
		json_u64("duration_ns", rp->run_ns);
		json_boolean("ends_running", rp->ended_running);
		json_boolean("summary", rp->summary);
		if (rp->counters) {
			json_u64("driver_run_strokes", rp->sum_strokes);
			json_u64("driver_run_missed_strokes", rp->sum_missed);
			json_boolean("matches", match);
		} else {
			json_null("driver_run_strokes");
			json_null("driver_run_missed_strokes");
			json_null("matches");
		}
		json_end('}');
		putchar('\n');
		return;
	}

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

static int cmd_replay(struct ctx *c)
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
		error("%s: %s", c->file, strerror(errno));
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
		error("%s: %s", c->file, strerror(errno));
		goto out;
	}
	if (rp.running) {
		rp.ended_running = true;
		if (rp.last_ns > rp.run_since)
			rp.run_ns += rp.last_ns - rp.run_since;
	}

	match = rp.counters && rp.strokes == rp.sum_strokes &&
		rp.missed == rp.sum_missed;
	print_replay(c, &rp, match);
	if (rp.counters && !match) {
		if (rp.lost)
			error("%s: the log does not match the driver's counters (%" PRIu64
			      " events were lost to overflow)", c->file, rp.lost);
		else
			error("%s: the log does not match the driver's counters: %" PRIu64
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

static void usage(FILE *f)
{
	fputs(
"Usage: penctl [-d|--device PATH|INDEX] [--json] COMMAND [OPTIONS]\n"
"\n"
"Control a microneedling pen (/dev/penN).\n"
"\n"
"Commands:\n"
"  list                   list all pens (read-only)\n"
"  info                   identity and limits of the pen\n"
"  status                 state, latched fault, setpoints and counters\n"
"  set [--depth D] [--rate R]\n"
"                         change setpoints (at least one; both at once\n"
"                         are applied atomically); they persist\n"
"  start [--duration T]   run the needle until Ctrl-C (or for T), then\n"
"                         stop it and print a summary\n"
"  stop                   stop the needle; needs no control of the pen\n"
"  clear-fault            clear the pen's latched fault (see status), so\n"
"                         that it can start again\n"
"  run [--depth D] [--rate R] [--duration T] [--log FILE]\n"
"      [--watchdog T|--no-watchdog] [--hold-to-run]\n"
"                         set, start, wait for T or Ctrl-C, stop and\n"
"                         print a summary; --log writes the run's events\n"
"                         to FILE as JSON lines (start takes it too)\n"
"  run --buttons [--levels LIST] [--depth D] [--rate R] [--duration T]\n"
"      [--log FILE]       the pen's buttons in control until Ctrl-C or T:\n"
"                         main starts and stops the needle (with a\n"
"                         footswitch: arms, and the pedal runs it), speed\n"
"                         buttons step through the levels; a line each\n"
"  monitor [--duration T] [--count N]\n"
"                         print the pen's events as they come, one a\n"
"                         line (JSON with --json), read-only, until\n"
"                         Ctrl-C, T or N events\n"
"  replay FILE            totals of a --log file (or of monitor --json),\n"
"                         checked against the driver's counters\n"
"  help                   this help\n"
"\n"
"Options:\n"
"  -d, --device PATH|INDEX  pen device (default " DEFAULT_DEVICE
"; a number N\n"
"                           means /dev/penN)\n"
"      --json               print one JSON document on stdout (monitor:\n"
"                           one JSON object a line)\n"
"      --depth D            needle depth; unit required: 0.5mm, 500um\n"
"      --rate R             stroke rate; unit required: 120Hz, 120.5Hz,\n"
"                           120000mHz, 7200spm or 7200rpm (per minute)\n"
"      --duration T         run time: 500ms, 3s, 1.5s, 2m, 1h; a bare\n"
"                           number is seconds\n"
"      --count N            monitor: stop after N events\n"
"      --log FILE           run, start: the session log to write\n"
"      --buttons            run: the pen's buttons start and stop it\n"
"      --levels LIST        run --buttons: speed levels, slowest first,\n"
"                           2 to 16 rates: 50Hz,100Hz,150Hz (default: 6\n"
"                           spread over the pen's range; --rate picks\n"
"                           the first, else the slowest)\n"
"      --watchdog T         run, start: the kernel stops the needle if\n"
"                           penctl stops kicking for T (10ms-60s;\n"
"                           default 1s)\n"
"      --no-watchdog        run, start: without it (warns)\n"
"      --hold-to-run        run, start: the needle runs only while the\n"
"                           footswitch is held; letting go ends the run\n"
"  -h, --help               this help\n"
"  -V, --version            version\n"
"\n"
"The needle never outlives penctl: start and run stop it on exit, on\n"
"SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGTSTP, and exit 1 if the pen\n"
"stops by itself; if penctl is stopped or hangs, the kernel's watchdog\n"
"stops it. While the needle runs, nothing penctl writes can block it.\n"
"\n"
"A fault (over-depth, stall, overcurrent, overtemp, supply-low, timing)\n"
"stops the needle and stays latched, refusing start and run, until\n"
"clear-fault; status shows it, e.g. \"fault: over-depth (+300 um) at\n"
"stroke 42\".\n"
"\n"
"A monitor that falls behind loses events; it says so with an OVERFLOW\n"
"line counting them.\n"
"\n"
"Exit status: 0 success, 1 device or runtime error, 2 usage error.\n"
"See penctl(1) for details.\n", f);
}

static int cmd_help(struct ctx *c)
{
	(void)c;
	usage(stdout);
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(struct ctx *c);
	unsigned int allowed;		/* OPT_F_* the command accepts */
	const char *operand;		/* the one operand it takes, if any */
} commands[] = {
	{ "list", cmd_list, 0, NULL },
	{ "info", cmd_info, OPT_F_DEVICE, NULL },
	{ "status", cmd_status, OPT_F_DEVICE, NULL },
	{ "set", cmd_set, OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE, NULL },
	{ "start", cmd_run, OPT_F_DEVICE | OPT_F_DURATION | OPT_F_LOG |
			    OPT_F_WATCHDOG | OPT_F_NO_WATCHDOG | OPT_F_HOLD,
	  NULL },
	{ "stop", cmd_stop, OPT_F_DEVICE, NULL },
	{ "clear-fault", cmd_clear_fault, OPT_F_DEVICE, NULL },
	{ "run", cmd_run, OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE |
			  OPT_F_DURATION | OPT_F_LOG | OPT_F_BUTTONS |
			  OPT_F_LEVELS | OPT_F_WATCHDOG | OPT_F_NO_WATCHDOG |
			  OPT_F_HOLD, NULL },
	{ "monitor", cmd_monitor, OPT_F_DEVICE | OPT_F_DURATION | OPT_F_COUNT,
	  NULL },
	{ "replay", cmd_replay, 0, "FILE" },
	{ "help", cmd_help, OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE |
			    OPT_F_DURATION | OPT_F_COUNT | OPT_F_LOG |
			    OPT_F_BUTTONS | OPT_F_LEVELS | OPT_F_WATCHDOG |
			    OPT_F_NO_WATCHDOG | OPT_F_HOLD, NULL },
};

/*
 * Leading '-': options and operands in any order, whatever
 * POSIXLY_CORRECT says, so "penctl status --json" always works.
 * ':' (and opterr = 0): penctl words its own errors.
 */
static const char short_opts[] = "-:d:hV";

static const struct option long_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "buttons", no_argument, NULL, OPT_BUTTONS },
	{ "levels", required_argument, NULL, OPT_LEVELS },
	{ "watchdog", required_argument, NULL, OPT_WATCHDOG },
	{ "no-watchdog", no_argument, NULL, OPT_NO_WATCHDOG },
	{ "hold-to-run", no_argument, NULL, OPT_HOLD },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Indexed by the OPT_F_* bit number. */
static const char *const opt_names[] = {
	"--device", "--depth", "--rate", "--duration", "--count", "--log",
	"--buttons", "--levels", "--watchdog", "--no-watchdog",
	"--hold-to-run",
};

/* Record a value option; each may be given once, so none is ignored. */
static int take(struct ctx *c, unsigned int bit, const char **slot)
{
	if (c->given & bit) {
		error("option '%s' given twice",
		      opt_names[__builtin_ctz(bit)]);
		return -1;
	}
	c->given |= bit;
	*slot = optarg;
	return 0;
}

/*
 * The whole command line into @c and *@cmdp: options, command, operand
 * and every value, checked before any pen is touched, so that a mistake
 * never half-runs a command. Returns -1 if *@cmdp is to run; otherwise
 * penctl is done, and this is its exit status: 0 after --help or
 * --version, EXIT_USAGE after a usage error, already reported.
 * fuzz/fuzz_penctl_args.c calls it with arbitrary arguments.
 */
static int parse_args(int argc, char **argv, struct ctx *c,
		      const struct command **cmdp)
{
	const struct command *cmd = NULL;
	bool help = false, version = false;
	const char *args[3] = { NULL, NULL, NULL };
	int opt, nargs = 0, at;
	unsigned int bad;
	size_t i;

	/*
	 * @at: the argument getopt_long() is about to read, which it steps
	 * past (optind > @at) only once it has read the last option in it.
	 */
	opterr = 0;
	for (;;) {
		at = optind;
		opt = getopt_long(argc, argv, short_opts, long_opts, NULL);
		if (opt == -1)
			break;
		switch (opt) {
		case 1:
			if (nargs < (int)ARRAY_SIZE(args))
				args[nargs] = optarg;
			nargs++;
			break;
		case 'd':
			if (take(c, OPT_F_DEVICE, &c->device_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_DEPTH:
			if (take(c, OPT_F_DEPTH, &c->depth_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_RATE:
			if (take(c, OPT_F_RATE, &c->rate_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_DURATION:
			if (take(c, OPT_F_DURATION, &c->duration_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_COUNT:
			if (take(c, OPT_F_COUNT, &c->count_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_LOG:
			if (take(c, OPT_F_LOG, &c->log_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_BUTTONS:
			if (take(c, OPT_F_BUTTONS, &c->buttons_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_LEVELS:
			if (take(c, OPT_F_LEVELS, &c->levels_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_WATCHDOG:
			if (take(c, OPT_F_WATCHDOG, &c->watchdog_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_NO_WATCHDOG:
			if (take(c, OPT_F_NO_WATCHDOG, &c->no_watchdog_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_HOLD:
			if (take(c, OPT_F_HOLD, &c->hold_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_JSON:
			c->json = true;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			version = true;
			break;
		case ':':
			error("option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			/*
			 * optopt is an unknown short option's character, 0
			 * for an unknown long option, or the value of a long
			 * option given a value it takes none of (--help=x).
			 * Past ASCII it is negative (char is signed): a byte
			 * of a UTF-8 character, which cannot be shown alone,
			 * so its argument is named whole, as a long one is.
			 */
			if (optopt > 0 && optopt < 128 &&
			    !strchr("dhV", optopt))
				error("invalid option '-%c'", optopt);
			else
				error("invalid option '%s'",
				      argv[optind > at ? optind - 1 : optind]);
			return EXIT_USAGE;
		}
	}
	/* Operands after "--". */
	for (; optind < argc; optind++) {
		if (nargs < (int)ARRAY_SIZE(args))
			args[nargs] = argv[optind];
		nargs++;
	}

	if (help) {
		usage(stdout);
		return 0;
	}
	if (version) {
		printf("penctl %s (pen API %d)\n", PENCTL_VERSION,
		       PEN_API_VERSION);
		return 0;
	}
	if (!nargs) {
		error("missing command (see 'penctl --help')");
		return EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(args[0], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		error("unknown command '%s'", args[0]);
		return EXIT_USAGE;
	}
	if (cmd->operand && nargs < 2) {
		error("%s needs a %s", cmd->name, cmd->operand);
		return EXIT_USAGE;
	}
	if (nargs > (cmd->operand ? 2 : 1)) {
		error("unexpected argument '%s'", args[cmd->operand ? 2 : 1]);
		return EXIT_USAGE;
	}
	if (cmd->operand)
		c->file = args[1];
	bad = c->given & ~cmd->allowed;
	if (bad) {
		error("option '%s' does not apply to '%s'",
		      opt_names[__builtin_ctz(bad)], cmd->name);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd->name, "set") &&
	    !(c->given & (OPT_F_DEPTH | OPT_F_RATE))) {
		error("set needs --depth, --rate or both");
		return EXIT_USAGE;
	}
	if ((c->given & OPT_F_LEVELS) && !(c->given & OPT_F_BUTTONS) &&
	    cmd->fn != cmd_help) {
		error("option '--levels' needs '--buttons'");
		return EXIT_USAGE;
	}
	if ((c->given & OPT_F_WATCHDOG) && (c->given & OPT_F_NO_WATCHDOG) &&
	    cmd->fn != cmd_help) {
		error("options '--watchdog' and '--no-watchdog' exclude each other");
		return EXIT_USAGE;
	}
	/* With a footswitch run --buttons always holds to run; without, never. */
	if ((c->given & OPT_F_HOLD) && (c->given & OPT_F_BUTTONS) &&
	    cmd->fn != cmd_help) {
		error("option '--hold-to-run' does not apply to 'run --buttons', which holds to run whenever the pen has a footswitch");
		return EXIT_USAGE;
	}
	/* Its output is a line per press, for people; no JSON document. */
	if ((c->given & OPT_F_BUTTONS) && c->json && cmd->fn != cmd_help) {
		error("option '--json' does not apply to 'run --buttons'");
		return EXIT_USAGE;
	}
	if (parse_values(c) < 0 || parse_device(c) < 0)
		return EXIT_USAGE;
	*cmdp = cmd;
	return -1;
}

/* The fuzz targets include this file, and libFuzzer brings its own main. */
#ifndef PENCTL_FUZZ
int main(int argc, char **argv)
{
	const struct command *cmd;
	struct ctx c = { 0 };
	int rc;

	rc = parse_args(argc, argv, &c, &cmd);
	if (rc >= 0)
		return rc;

	rc = cmd->fn(&c);

	/* Output that did not arrive is a failure, not a success. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (!rc)
			error("write error on standard output");
		rc = rc ? rc : EXIT_RUNTIME;
	}
	return rc;
}
#endif /* PENCTL_FUZZ */
