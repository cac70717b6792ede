// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The values of penctl's options: each is checked, and turned into what
 * the commands use, before any pen is opened, so that a mistake never
 * half-runs a command.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "penctl.h"

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
		errorf("invalid count '%s': %s", s, why);
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
		errorf("invalid levels '': empty");
		return -1;
	}
	for (;;) {
		end = strchr(p, ',');
		len = end ? (int)(end - p) : (int)strlen(p);
		if (n == MAX_LEVELS) {
			errorf("invalid levels '%s': more than %d levels",
			       c->levels_arg, MAX_LEVELS);
			return -1;
		}
		item = strndup(p, len);
		if (!item) {
			errorf("%s", strerror(errno));
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
			errorf("invalid levels '%s': %s is not faster than %s (slowest first)",
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
		errorf("invalid levels '%s': a single level; give 2 to %d, slowest first",
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
		errorf("invalid watchdog '%s': not a whole number of milliseconds",
		       s);
		return -1;
	}
	if (ns < PEN_WATCHDOG_MIN_MS * NSEC_PER_MSEC) {
		errorf("invalid watchdog '%s': shorter than the kernel's shortest, %u ms",
		       s, PEN_WATCHDOG_MIN_MS);
		return -1;
	}
	if (ns > PEN_WATCHDOG_MAX_MS * NSEC_PER_MSEC) {
		errorf("invalid watchdog '%s': longer than the kernel's longest, %u s",
		       s, PEN_WATCHDOG_MAX_MS / 1000);
		return -1;
	}
	c->watchdog_ms = ns / NSEC_PER_MSEC;
	return 0;
}

int parse_values(struct ctx *c)
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
		errorf("invalid log file '': empty");
		return -1;
	}
	if ((c->given & OPT_F_LEVELS) && parse_levels(c) < 0)
		return -1;
	if (parse_watchdog(c) < 0)
		return -1;
	if (c->file && !*c->file) {
		errorf("invalid file '': empty");
		return -1;
	}
	return 0;
}

/* N, penN, /dev/penN or a path with a '/': libpen's one grammar. */
int parse_device(struct ctx *c)
{
	if (!c->device_arg) {
		c->path = DEFAULT_DEVICE;
		return 0;
	}
	if (pen_parse_device(c->device_arg, c->path_buf, sizeof(c->path_buf))) {
		value_error(&device_type, c->device_arg, errno);
		return -1;
	}
	c->path = c->path_buf;
	return 0;
}
