/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * penctl's internal interface: the parsed command line, the output
 * helpers and the commands. Nothing here is libpen's API; the files of
 * tools/penctl/ share it, and the fuzz targets link everything but
 * main.c.
 */
#ifndef PENCTL_H
#define PENCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <getopt.h>
#include <limits.h>

#include <json-c/json.h>
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

/* run --buttons: speed levels, by default and at most. */
#define DEFAULT_LEVELS	6
#define MAX_LEVELS	16

struct ctx {
	const char *path;		/* device path */
	char path_buf[PATH_MAX];
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

struct command {
	const char *name;
	int (*fn)(struct ctx *c);
	unsigned int allowed;		/* OPT_F_* the command accepts */
	const char *operand;		/* the one operand it takes, if any */
};

/* args.c: the command line */
int parse_args(int argc, char **argv, struct ctx *c,
	       const struct command **cmdp);
void usage(FILE *f);
extern const char short_opts[];
extern const struct option long_opts[];

/* values.c: the values of the options, checked before any pen is opened */
int parse_values(struct ctx *c);
int parse_device(struct ctx *c);

/* refusal.c: why a value was refused, in words */
struct value_type;
extern const struct value_type depth_type, rate_type, level_type,
	duration_type, watchdog_type, device_type;
void value_error(const struct value_type *t, const char *s, int err);
bool setpoint_refusal(const struct ctx *c, struct pen *pen, int err);

/* output.c: penctl's lines, and the queues behind them while it runs */
void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...);
void __attribute__((format(printf, 1, 2))) errorf(const char *fmt, ...);

struct quiet {
	struct outq *out;
	struct outq *err;
};

int quiet(struct quiet *q);
int loud(struct quiet *q);

/* format.c: values for people. Big enough for any of them: */
#define FMT_LEN		32

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

const char *depth_str(uint32_t um, char *buf);
const char *rate_str(uint32_t mhz, char *buf);
const char *milli_str(uint64_t v, char *buf);
const char *secs_str(uint64_t ns, char *buf);
const char *usecs_str(uint64_t ns, char *buf);
const char *stamp_str(uint64_t ns, char *buf);
const char *fault_desc(uint32_t fault, uint32_t value, char *buf,
		       size_t len);
const char *fault_str(const struct pen_status *st, char *buf, size_t len);
const char *text(const char *s, char *buf, size_t len);

/* json.c: JSON output, made with json-c */
void json_add_str(struct json_object *o, const char *key, const char *val);
void json_add_u64(struct json_object *o, const char *key, uint64_t val);
/* An unsigned member of a struct (4 or 8 bytes), under its JSON key. */
struct json_uint_field {
	const char *key;
	size_t offset, size;
};
#define JSON_UINT(type, member, key) \
	{ key, offsetof(type, member), sizeof(((type *)0)->member) }
/* json_add_u64() of each of @fields in @base, in order */
void json_add_uints(struct json_object *o, const void *base,
		   const struct json_uint_field *fields, size_t n);
void json_add_i64(struct json_object *o, const char *key, int64_t val);
void json_add_bool(struct json_object *o, const char *key, bool val);
void json_add_null(struct json_object *o, const char *key);
void json_add(struct json_object *o, const char *key, struct json_object *v);
void json_add_depth(struct json_object *o, const char *key, uint32_t um);
void json_add_rate(struct json_object *o, const char *key, uint32_t mhz);
void json_add_fault(struct json_object *o, const struct pen_status *st);
void json_add_pen(struct json_object *o, const char *path,
		  const struct pen_info *info);
struct json_object *json_new_object(void);
int json_print(FILE *f, struct json_object *o);

/* device.c: a pen opened, its setpoints set, its errors in words */
const char *open_strerror(int err);
const char *ioctl_strerror(int err);
void open_error(const char *path, int err);
struct pen *open_pen(const struct ctx *c, int flags);
void ioctl_error(const struct ctx *c, const char *what, int err);
int read_status(const struct ctx *c, struct pen *pen, struct pen_status *st);
int read_info(const struct ctx *c, struct pen *pen, struct pen_info *info);
struct pen *open_pen_info(const struct ctx *c, int flags,
			  struct pen_info *info);
int apply_setpoints(const struct ctx *c, struct pen *pen);

/* The commands. */
int cmd_list(struct ctx *c);
int cmd_info(struct ctx *c);
int cmd_status(struct ctx *c);
int cmd_set(struct ctx *c);
int cmd_stop(struct ctx *c);
int cmd_clear_fault(struct ctx *c);
int cmd_run(struct ctx *c);
int cmd_run_buttons(struct ctx *c);
int cmd_monitor(struct ctx *c);
int cmd_replay(struct ctx *c);
int cmd_help(struct ctx *c);

#endif /* PENCTL_H */
