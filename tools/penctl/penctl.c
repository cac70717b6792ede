// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * penctl - control microneedling pens (/dev/penN) from the command line.
 *
 * A thin front-end on libpen: all unit handling and device access live in
 * the library; penctl parses arguments, explains failures in one line and
 * makes sure a needle it started is stopped before it exits.
 *
 * Exit status: 0 success, 1 device or runtime error, 2 usage error.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libpen.h>

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

/* Options, as bits, so that each command can say which it accepts. */
#define OPT_F_DEVICE	(1U << 0)
#define OPT_F_DEPTH	(1U << 1)
#define OPT_F_RATE	(1U << 2)
#define OPT_F_DURATION	(1U << 3)

/* Long-only options; short ones use their character. */
enum {
	OPT_JSON = 256,
	OPT_DEPTH,
	OPT_RATE,
	OPT_DURATION,
};

struct ctx {
	const char *path;		/* device path */
	char path_buf[32];
	bool json;
	unsigned int given;		/* OPT_F_* seen on the command line */
	const char *device_arg;
	const char *depth_arg;
	const char *rate_arg;
	const char *duration_arg;
	uint32_t depth_um;
	uint32_t rate_mhz;
	uint64_t duration_ns;
};

/* Big enough for any pen_format_depth() or pen_format_rate() output. */
#define FMT_LEN		32

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
	fflush(stdout);
	fprintf(stderr, "penctl: %s\n", buf);
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
static const char *fault_str(const struct pen_status *st, char *buf,
			     size_t len)
{
	char v[FMT_LEN];

	if (st->fault == PEN_FAULT_NONE)
		snprintf(buf, len, "none");
	else if (!strcmp(pen_fault_name(st->fault), "unknown"))
		snprintf(buf, len, "unknown (code %u, value %u)", st->fault,
			 st->fault_value);
	else
		snprintf(buf, len, "%s (%s)", pen_fault_name(st->fault),
			 fault_value_str(st->fault, st->fault_value, v));
	return buf;
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

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			/*
			 * Driver strings are meant to be ASCII; anything else
			 * is escaped byte by byte so the output is valid JSON
			 * even if a backend reports garbage.
			 */
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_begin(char c)
{
	putchar(c);
	json_first = true;
}

static void json_end(char c)
{
	putchar(c);
	json_first = false;
}

static void json_sep(void)
{
	if (!json_first)
		putchar(',');
	json_first = false;
}

static void json_key(const char *key)
{
	json_sep();
	json_string(key);
	putchar(':');
}

static void json_str(const char *key, const char *val)
{
	json_key(key);
	json_string(val);
}

static void json_u64(const char *key, uint64_t val)
{
	json_key(key);
	printf("%" PRIu64, val);
}

static void json_bool(const char *key, bool val)
{
	json_key(key);
	fputs(val ? "true" : "false", stdout);
}

static void json_null(const char *key)
{
	json_key(key);
	fputs("null", stdout);
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

static const struct value_type duration_type = {
	"duration", "ms, s, m or h", false,
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
			if (t == &rate_type && unit[0] == 'M' &&
			    !strcasecmp(unit, "mhz"))
				why = "MHz is megahertz; use mHz";
		}
	}
	if (!why)
		why = (zero && t == &duration_type) ?
			"must be greater than zero" : t->too_fine;
out:
	error("invalid %s '%s': %s", t->name, s, why);
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
	char a[FMT_LEN], b[FMT_LEN], d[FMT_LEN];
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

	/* Name the limit that was broken rather than just "out of range". */
	if ((err == ERANGE || err == EINVAL) && !pen_get_info(pen, &info)) {
		if (depth && (c->depth_um < info.depth_min_um ||
			      c->depth_um > info.depth_max_um)) {
			error("%s: depth %u um out of range (%u-%u um)",
			      c->path, c->depth_um,
			      info.depth_min_um, info.depth_max_um);
			return -1;
		}
		if (depth && c->depth_um > info.depth_cap_um) {
			error("%s: depth %u um above the pen's depth cap (%u um)",
			      c->path, c->depth_um, info.depth_cap_um);
			return -1;
		}
		if (depth && info.depth_step_um &&
		    (c->depth_um - info.depth_min_um) % info.depth_step_um) {
			error("%s: depth %u um is not a multiple of the %u um step from %u um",
			      c->path, c->depth_um, info.depth_step_um,
			      info.depth_min_um);
			return -1;
		}
		if (rate && (c->rate_mhz < info.rate_min_mhz ||
			     c->rate_mhz > info.rate_max_mhz)) {
			error("%s: rate %s Hz out of range (%s-%s Hz)",
			      c->path, milli_str(c->rate_mhz, a),
			      milli_str(info.rate_min_mhz, b),
			      milli_str(info.rate_max_mhz, d));
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
			json_bool("controlled",
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
		json_bool("controlled", st->flags & PEN_STATUS_CONTROLLED);
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
		json_bool("cleared", cleared);
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

enum end {
	END_DURATION,		/* --duration elapsed */
	END_SIGNAL,		/* a stop signal arrived */
	END_PEN,		/* the pen stopped without being asked */
	END_ERROR,		/* the status could not be read */
};

static const char *const end_names[] = {
	[END_DURATION] = "duration",
	[END_SIGNAL] = "signal",
	[END_PEN] = "pen",
	[END_ERROR] = "error",
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

struct run {
	enum end end;
	int signo;
	int err;
	struct pen_status last;		/* the last status read */
};

/*
 * Watch the running needle until the duration is over, a stop signal
 * arrives, or the pen stops by itself, which must never go unnoticed.
 */
static void watch(const struct ctx *c, struct pen *pen, const sigset_t *set,
		  uint64_t t0, struct run *r)
{
	struct pen_status st;
	uint64_t wait, elapsed;
	int sig;

	for (;;) {
		wait = POLL_NS;
		if (c->given & OPT_F_DURATION) {
			elapsed = now_ns() - t0;
			if (elapsed >= c->duration_ns) {
				r->end = END_DURATION;
				return;
			}
			if (c->duration_ns - elapsed < wait)
				wait = c->duration_ns - elapsed;
		}

		sig = wait_signal(set, wait);
		if (sig > 0) {
			r->end = END_SIGNAL;
			r->signo = sig;
			return;
		}
		/* sigtimedwait() cannot really fail here; don't spin if so. */
		if (sig < 0) {
			r->end = END_ERROR;
			r->err = errno;
			return;
		}

		if (pen_get_status(pen, &st) < 0) {
			/*
			 * A removed pen answers every ioctl with ENODEV; its
			 * needle was stopped on the way out.
			 */
			if (errno == ENODEV) {
				r->end = END_PEN;
				r->last.state = PEN_STATE_STOPPED;
				r->last.stop_reason = PEN_STOP_REMOVED;
				return;
			}
			r->end = END_ERROR;
			r->err = errno;
			return;
		}
		r->last = st;
		if (r->last.state != PEN_STATE_RUNNING) {
			r->end = END_PEN;
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
		snprintf(why, sizeof(why), "status unreadable");
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
 * START failed with EIO: a latched fault refuses it. Name the fault and
 * the command that clears it, for this pen (a bare "penctl clear-fault"
 * would go to /dev/pen0).
 */
static void start_error(const struct ctx *c, struct pen *pen, int err)
{
	struct pen_status st;

	/* The cartridge errnos read badly through strerror(): say what. */
	if (err == ENOMEDIUM) {
		error("%s: cannot start: no cartridge inserted", c->path);
		return;
	}
	if (err == ESTALE) {
		error("%s: cannot start: the cartridge was used before; cartridges are single use",
		      c->path);
		return;
	}
	if (err == ENOSPC) {
		error("%s: cannot start: the cartridge's stroke budget is spent",
		      c->path);
		return;
	}
	if (err != EIO || pen_get_status(pen, &st) < 0 ||
	    st.fault == PEN_FAULT_NONE) {
		ioctl_error(c, "start the needle", err);
		return;
	}
	if (!strcmp(c->path, DEFAULT_DEVICE))
		error("%s: cannot start: fault %s latched; clear it with 'penctl clear-fault'",
		      c->path, pen_fault_name(st.fault));
	else
		error("%s: cannot start: fault %s latched; clear it with 'penctl -d %s clear-fault'",
		      c->path, pen_fault_name(st.fault), c->path);
}

/* start and run: set the setpoints given, run, watch, stop, summarize. */
static int cmd_run(struct ctx *c)
{
	char a[FMT_LEN], b[FMT_LEN], d[FMT_LEN], t[FMT_LEN], f[64];
	bool reported = false;
	uint64_t t0, t1, elapsed;
	struct pen_status st;
	struct run r = { 0 };
	struct pen *pen;
	int rc = EXIT_RUNTIME, sig, stop_err = 0, status_err = 0;
	sigset_t set;
	size_t i;

	/*
	 * Block the stop signals before touching the pen: from here on one
	 * arriving at any moment waits in the queue for sigtimedwait() and
	 * ends in an orderly STOP, instead of killing penctl half-way.
	 */
	sigemptyset(&set);
	for (i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(&set, stop_signals[i].signo);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		error("cannot block signals: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	/* A closed stdout must not kill penctl before it has stopped. */
	signal(SIGPIPE, SIG_IGN);

	pen = open_pen(c, PEN_OPEN_CONTROL);
	if (!pen)
		return EXIT_RUNTIME;
	if (apply_setpoints(c, pen) < 0)
		goto out;
	if (pen_get_status(pen, &st) < 0) {
		ioctl_error(c, "read pen status", errno);
		goto out;
	}

	/*
	 * Say so before starting, not after: a write can block (a terminal
	 * stopped with Ctrl-S, a full pipe), and blocked in write() penctl
	 * could not act on Ctrl-C while the needle ran. After the start,
	 * nothing is written until the needle is stopped.
	 */
	if (!c->json) {
		if (c->given & OPT_F_DURATION)
			snprintf(d, sizeof(d), " for %s s",
				 milli_str(c->duration_ns / 1000000, t));
		else
			d[0] = '\0';
		printf("%s: starting the needle at %s, %s%s (Ctrl-C stops)\n",
		       c->path, depth_str(st.depth_um, a),
		       rate_str(st.rate_mhz, b), d);
		fflush(stdout);
	}

	/* Interrupted while setting up: then don't start at all. */
	sig = wait_signal(&set, 0);
	if (sig > 0) {
		error("%s: %s before the needle started; not starting",
		      c->path, signal_name(sig));
		goto out;
	}

	t0 = now_ns();
	if (pen_start(pen) < 0) {
		start_error(c, pen, errno);
		goto out;
	}
	r.last = st;
	r.last.state = PEN_STATE_RUNNING;

	watch(c, pen, &set, t0, &r);

	/* Always STOP explicitly, even if the pen says it stopped. */
	if (pen_stop(pen) < 0)
		stop_err = errno;
	t1 = now_ns();

	if (pen_get_status(pen, &st) < 0) {
		status_err = errno;
		st = r.last;
		/* Gone, as already reported: nothing left to stop. */
		if (status_err == ENODEV && r.end == END_PEN)
			status_err = stop_err = 0;
	}

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
		ioctl_error(c, "read pen status", r.err);
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

	/* The kernel's own timestamps are the needle's true run time. */
	elapsed = t1 - t0;
	if (st.started_ns >= t0 && st.stopped_ns >= st.started_ns &&
	    st.stopped_ns <= t1)
		elapsed = st.stopped_ns - st.started_ns;
	print_summary(c, &r, &st, elapsed);

	if (!reported)
		rc = 0;
out:
	pen_close(pen);
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
"  run [--depth D] [--rate R] [--duration T]\n"
"                         set, start, wait for T or Ctrl-C, stop and\n"
"                         print a summary\n"
"  help                   this help\n"
"\n"
"Options:\n"
"  -d, --device PATH|INDEX  pen device (default " DEFAULT_DEVICE
"; a number N\n"
"                           means /dev/penN)\n"
"      --json               print one JSON document on stdout\n"
"      --depth D            needle depth; unit required: 0.5mm, 500um\n"
"      --rate R             stroke rate; unit required: 120Hz, 120.5Hz,\n"
"                           120000mHz, 7200spm or 7200rpm (per minute)\n"
"      --duration T         run time: 500ms, 3s, 1.5s, 2m, 1h; a bare\n"
"                           number is seconds\n"
"  -h, --help               this help\n"
"  -V, --version            version\n"
"\n"
"The needle never outlives penctl: start and run stop it on exit, on\n"
"SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGTSTP, and exit 1 if the pen\n"
"stops by itself.\n"
"\n"
"A fault (over-depth, stall, overcurrent, overtemp, supply-low, timing)\n"
"stops the needle and stays latched, refusing start and run, until\n"
"clear-fault; status shows it, e.g. \"fault: over-depth (+300 um) at\n"
"stroke 42\".\n"
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
} commands[] = {
	{ "list", cmd_list, 0 },
	{ "info", cmd_info, OPT_F_DEVICE },
	{ "status", cmd_status, OPT_F_DEVICE },
	{ "set", cmd_set, OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE },
	{ "start", cmd_run, OPT_F_DEVICE | OPT_F_DURATION },
	{ "stop", cmd_stop, OPT_F_DEVICE },
	{ "clear-fault", cmd_clear_fault, OPT_F_DEVICE },
	{ "run", cmd_run,
	  OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE | OPT_F_DURATION },
	{ "help", cmd_help, OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE |
			    OPT_F_DURATION },
};

static const struct option long_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static const char *const opt_names[] = {
	"--device", "--depth", "--rate", "--duration",
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

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	bool help = false, version = false;
	const char *args[2] = { NULL, NULL };
	struct ctx c = { 0 };
	int opt, nargs = 0, rc;
	unsigned int bad;
	size_t i;

	/*
	 * Leading '-': options and operands in any order, whatever
	 * POSIXLY_CORRECT says, so "penctl status --json" always works.
	 * ':' and opterr = 0: penctl words its own errors.
	 */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "-:d:hV", long_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 1:
			if (nargs < 2)
				args[nargs] = optarg;
			nargs++;
			break;
		case 'd':
			if (take(&c, OPT_F_DEVICE, &c.device_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_DEPTH:
			if (take(&c, OPT_F_DEPTH, &c.depth_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_RATE:
			if (take(&c, OPT_F_RATE, &c.rate_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_DURATION:
			if (take(&c, OPT_F_DURATION, &c.duration_arg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_JSON:
			c.json = true;
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
			if (optopt > 0 && optopt < 128 &&
			    strchr("dhV", optopt))
				error("invalid option '%s'", argv[optind - 1]);
			else if (optopt > 0 && optopt < 128)
				error("invalid option '-%c'", optopt);
			else
				error("invalid option '%s'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	/* Operands after "--". */
	for (; optind < argc; optind++) {
		if (nargs < 2)
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
	if (nargs > 1) {
		error("unexpected argument '%s'", args[1]);
		return EXIT_USAGE;
	}
	bad = c.given & ~cmd->allowed;
	if (bad) {
		error("option '%s' does not apply to '%s'",
		      opt_names[__builtin_ctz(bad)], cmd->name);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd->name, "set") &&
	    !(c.given & (OPT_F_DEPTH | OPT_F_RATE))) {
		error("set needs --depth, --rate or both");
		return EXIT_USAGE;
	}
	if (parse_values(&c) < 0 || parse_device(&c) < 0)
		return EXIT_USAGE;

	rc = cmd->fn(&c);

	/* Output that did not arrive is a failure, not a success. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (!rc)
			error("write error on standard output");
		rc = rc ? rc : EXIT_RUNTIME;
	}
	return rc;
}
