// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of libpen: unit parsing and formatting, the ABI layout of
 * <linux/pen.h>, and the device paths that need no pen driver, events
 * included (through a pipe standing in for the device), and the buttons'
 * names and refusals (their events need the pen's input device: the
 * selftests have it).
 *
 *   test-units [PENCTL]
 *
 * Given the path of a penctl binary, it also runs penctl's host-testable
 * parts: usage errors and replay of session logs. They are here, not in
 * a program of their own, so that there is still one totals line.
 *
 * Output is TAP-like, one "ok N - ..." or "not ok N - ..." per check,
 * ending with exactly one line "N passed, N failed" that CI reads. The
 * exit status is non-zero if anything failed.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/pen.h>

#include "libpen.h"
#include "check.h"
#include "parse64.h"

/* ---- ABI layout: checked at compile time ------------------------------ */

#define ASSERT_OFF(type, field, off)					\
	_Static_assert(offsetof(struct type, field) == (off),		\
		       #type "." #field " must be at offset " #off)
#define ASSERT_U64(type, field)						\
	_Static_assert(offsetof(struct type, field) % 8 == 0,		\
		       #type "." #field " must be 8-byte aligned")

_Static_assert(sizeof(struct pen_info) == 224, "pen_info is 224 bytes");
_Static_assert(sizeof(struct pen_info) % 8 == 0, "pen_info size % 8");
ASSERT_OFF(pen_info, api_version, 0);
ASSERT_OFF(pen_info, needle_count, 4);
ASSERT_OFF(pen_info, depth_min_um, 8);
ASSERT_OFF(pen_info, depth_max_um, 12);
ASSERT_OFF(pen_info, depth_step_um, 16);
ASSERT_OFF(pen_info, rate_min_mhz, 20);
ASSERT_OFF(pen_info, rate_max_mhz, 24);
ASSERT_OFF(pen_info, flags, 28);
ASSERT_OFF(pen_info, name, 32);
ASSERT_OFF(pen_info, driver, 64);
ASSERT_OFF(pen_info, model, 96);
ASSERT_OFF(pen_info, serial, 128);
ASSERT_OFF(pen_info, depth_cap_um, 160);
ASSERT_OFF(pen_info, max_run_time_s, 164);
ASSERT_OFF(pen_info, reserved, 168);
ASSERT_U64(pen_info, reserved);
_Static_assert(PEN_NAME_LEN == 32, "PEN_NAME_LEN is 32");

_Static_assert(sizeof(struct pen_params) == 32, "pen_params is 32 bytes");
_Static_assert(sizeof(struct pen_params) % 8 == 0, "pen_params size % 8");
_Static_assert(sizeof(struct pen_watchdog) == 16, "pen_watchdog is 16 bytes");
ASSERT_OFF(pen_watchdog, timeout_ms, 0);
ASSERT_OFF(pen_watchdog, reserved, 4);
ASSERT_OFF(pen_params, mask, 0);
ASSERT_OFF(pen_params, depth_um, 4);
ASSERT_OFF(pen_params, rate_mhz, 8);
ASSERT_OFF(pen_params, reserved, 12);

_Static_assert(sizeof(struct pen_status) == 152, "pen_status is 152 bytes");
_Static_assert(sizeof(struct pen_status) % 8 == 0, "pen_status size % 8");
ASSERT_OFF(pen_status, state, 0);
ASSERT_OFF(pen_status, stop_reason, 4);
ASSERT_OFF(pen_status, depth_um, 8);
ASSERT_OFF(pen_status, rate_mhz, 12);
ASSERT_OFF(pen_status, flags, 16);
ASSERT_OFF(pen_status, last_reached_um, 20);
ASSERT_OFF(pen_status, strokes, 24);
ASSERT_OFF(pen_status, run_strokes, 32);
ASSERT_OFF(pen_status, missed_strokes, 40);
ASSERT_OFF(pen_status, run_missed_strokes, 48);
ASSERT_OFF(pen_status, started_ns, 56);
ASSERT_OFF(pen_status, stopped_ns, 64);
ASSERT_OFF(pen_status, last_stroke_ns, 72);
ASSERT_OFF(pen_status, max_lateness_ns, 80);
ASSERT_OFF(pen_status, fault, 88);
ASSERT_OFF(pen_status, fault_value, 92);
ASSERT_OFF(pen_status, fault_ns, 96);
ASSERT_OFF(pen_status, fault_seq, 104);
ASSERT_OFF(pen_status, cartridge_id, 112);
ASSERT_OFF(pen_status, cartridge_state, 120);
ASSERT_OFF(pen_status, cartridge_budget, 124);
ASSERT_OFF(pen_status, cartridge_strokes, 128);
ASSERT_OFF(pen_status, reserved, 136);
ASSERT_U64(pen_status, strokes);
ASSERT_U64(pen_status, run_strokes);
ASSERT_U64(pen_status, missed_strokes);
ASSERT_U64(pen_status, run_missed_strokes);
ASSERT_U64(pen_status, started_ns);
ASSERT_U64(pen_status, stopped_ns);
ASSERT_U64(pen_status, last_stroke_ns);
ASSERT_U64(pen_status, max_lateness_ns);
ASSERT_U64(pen_status, fault_ns);
ASSERT_U64(pen_status, fault_seq);
ASSERT_U64(pen_status, reserved);

/* The ioctl numbers encode the sizes above; a mismatch breaks the ABI. */
_Static_assert(_IOC_SIZE(PEN_IOC_GET_INFO) == sizeof(struct pen_info),
	       "GET_INFO size");
_Static_assert(_IOC_SIZE(PEN_IOC_SET_PARAMS) == sizeof(struct pen_params),
	       "SET_PARAMS size");
_Static_assert(_IOC_SIZE(PEN_IOC_GET_STATUS) == sizeof(struct pen_status),
	       "GET_STATUS size");
_Static_assert(_IOC_DIR(PEN_IOC_GET_INFO) == _IOC_READ, "GET_INFO dir");
_Static_assert(_IOC_DIR(PEN_IOC_SET_PARAMS) == _IOC_WRITE, "SET dir");
_Static_assert(_IOC_DIR(PEN_IOC_START) == _IOC_NONE, "START dir");
_Static_assert(_IOC_DIR(PEN_IOC_STOP) == _IOC_NONE, "STOP dir");
_Static_assert(_IOC_DIR(PEN_IOC_CLEAR_FAULT) == _IOC_NONE, "CLEAR_FAULT dir");
_Static_assert(_IOC_NR(PEN_IOC_CLEAR_FAULT) == 0x05, "CLEAR_FAULT number");
_Static_assert(_IOC_TYPE(PEN_IOC_STOP) == PEN_IOC_MAGIC, "magic");
_Static_assert(_IOC_TYPE(PEN_IOC_CLEAR_FAULT) == PEN_IOC_MAGIC, "magic");
_Static_assert(PEN_API_VERSION >= 2, "faults need API 2");

/* The event stream (API 3): a 64-byte record, its union at offset 24. */
_Static_assert(PEN_API_VERSION >= 3, "events need API 3");
_Static_assert(sizeof(struct pen_event) == 64, "pen_event is 64 bytes");
ASSERT_OFF(pen_event, type, 0);
ASSERT_OFF(pen_event, flags, 4);
ASSERT_OFF(pen_event, timestamp_ns, 8);
ASSERT_OFF(pen_event, seq, 16);
ASSERT_OFF(pen_event, stroke, 24);
ASSERT_OFF(pen_event, state, 24);
ASSERT_OFF(pen_event, setpoint, 24);
ASSERT_OFF(pen_event, fault, 24);
ASSERT_OFF(pen_event, cartridge, 24);
ASSERT_OFF(pen_event, overflow, 24);
ASSERT_OFF(pen_event, raw, 24);
ASSERT_U64(pen_event, timestamp_ns);
ASSERT_U64(pen_event, seq);
_Static_assert(sizeof(((struct pen_event *)0)->raw) == 40,
	       "pen_event.raw is the whole union");

_Static_assert(sizeof(struct pen_event_stroke) == 40, "stroke is 40 bytes");
ASSERT_OFF(pen_event_stroke, cmd_um, 0);
ASSERT_OFF(pen_event_stroke, reached_um, 4);
ASSERT_OFF(pen_event_stroke, lateness_ns, 8);
ASSERT_OFF(pen_event_stroke, reached_ns, 16);
ASSERT_OFF(pen_event_stroke, missed, 24);
ASSERT_OFF(pen_event_stroke, rate_mhz, 28);
ASSERT_OFF(pen_event_stroke, reserved, 32);

_Static_assert(sizeof(struct pen_event_state) == 40, "state is 40 bytes");
ASSERT_OFF(pen_event_state, state, 0);
ASSERT_OFF(pen_event_state, stop_reason, 4);
ASSERT_OFF(pen_event_state, depth_um, 8);
ASSERT_OFF(pen_event_state, rate_mhz, 12);
ASSERT_OFF(pen_event_state, reserved, 16);

_Static_assert(sizeof(struct pen_event_setpoint) == 40,
	       "setpoint is 40 bytes");
ASSERT_OFF(pen_event_setpoint, depth_um, 0);
ASSERT_OFF(pen_event_setpoint, rate_mhz, 4);
ASSERT_OFF(pen_event_setpoint, mask, 8);
ASSERT_OFF(pen_event_setpoint, reserved0, 12);
ASSERT_OFF(pen_event_setpoint, reserved, 16);

_Static_assert(sizeof(struct pen_event_fault) == 40, "fault is 40 bytes");
ASSERT_OFF(pen_event_fault, fault, 0);
ASSERT_OFF(pen_event_fault, value, 4);
ASSERT_OFF(pen_event_fault, reserved, 8);

_Static_assert(sizeof(struct pen_event_cartridge) == 40,
	       "cartridge is 40 bytes");
ASSERT_OFF(pen_event_cartridge, id, 0);
ASSERT_OFF(pen_event_cartridge, state, 8);
ASSERT_OFF(pen_event_cartridge, budget, 12);
ASSERT_OFF(pen_event_cartridge, strokes, 16);
ASSERT_OFF(pen_event_cartridge, reserved, 24);

_Static_assert(sizeof(struct pen_event_overflow) == 40,
	       "overflow is 40 bytes");
ASSERT_OFF(pen_event_overflow, lost, 0);
ASSERT_OFF(pen_event_overflow, reserved, 8);

/* The numbers are ABI too: logs and other programs store them. */
_Static_assert(PEN_EVENT_STROKE == 1 && PEN_EVENT_STATE == 2 &&
	       PEN_EVENT_SETPOINT == 3 && PEN_EVENT_FAULT == 4 &&
	       PEN_EVENT_FAULT_CLEARED == 5 && PEN_EVENT_CARTRIDGE == 6 &&
	       PEN_EVENT_OVERFLOW == 7, "event type numbers");
_Static_assert(PEN_STROKE_MEASURED == 1 && PEN_FAULT_LATCHED == 1,
	       "event flags");
_Static_assert(PEN_EVENT_RING_SIZE == 1024, "PEN_EVENT_RING_SIZE");

/* The buttons (API 4): flags in struct pen_info, evdev's macro keys. */
_Static_assert(PEN_API_VERSION >= 4, "buttons need API 4");
_Static_assert(PEN_INFO_BUTTONS == 1 && PEN_INFO_FOOTSWITCH == 2,
	       "pen_info flags");
_Static_assert(PEN_KEY_MAIN == KEY_MACRO1 && PEN_KEY_SPEED_UP == KEY_MACRO2 &&
	       PEN_KEY_SPEED_DOWN == KEY_MACRO3 &&
	       PEN_KEY_FOOTSWITCH == KEY_MACRO4, "pen keys");
/* libpen's own record: fixed widths, no padding, the same on every ABI. */
_Static_assert(sizeof(struct pen_button_event) == 24,
	       "pen_button_event is 24 bytes");
ASSERT_OFF(pen_button_event, key, 0);
ASSERT_OFF(pen_button_event, pressed, 4);
ASSERT_OFF(pen_button_event, flags, 8);
ASSERT_OFF(pen_button_event, reserved, 12);
ASSERT_OFF(pen_button_event, timestamp_ns, 16);

/* ---- Runner ------------------------------------------------------------ */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *errname(int err)
{
	switch (err) {
	case 0:
		return "0";
	case EINVAL:
		return "EINVAL";
	case ERANGE:
		return "ERANGE";
	case ENOENT:
		return "ENOENT";
	case ENOTTY:
		return "ENOTTY";
	case EINTR:
		return "EINTR";
	case ENODEV:
		return "ENODEV";
	case EAGAIN:
		return "EAGAIN";
	case EIO:
		return "EIO";
	case ENOTSUP:
		return "ENOTSUP";
	case EBADF:
		return "EBADF";
	default:
		return strerror(err);
	}
}

/* ---- Parsers ----------------------------------------------------------- */

/* The canary checks that a failed parse leaves the output alone. */
struct parser {
	const char *name, *unit;
	int (*parse)(const char *s, uint64_t *v);
	uint64_t canary;
};

static const struct parser depth_parser = {
	"depth", "um", parse_depth64, CANARY32,
};
static const struct parser rate_parser = {
	"rate", "mHz", parse_rate64, CANARY32,
};
static const struct parser duration_parser = {
	"duration", "ns", parse_duration64, CANARY64,
};

static void parse_ok(const struct parser *p, const char *s, uint64_t want)
{
	uint64_t v;
	int ret = p->parse(s, &v);

	check(ret == 0 && v == want, "%s '%s' = %llu %s (ret %d, got %llu)",
	      p->name, s, (unsigned long long)want, p->unit, ret,
	      (unsigned long long)v);
}

static void parse_bad(const struct parser *p, const char *s, int err)
{
	uint64_t v;
	int ret;

	errno = 0;
	ret = p->parse(s, &v);
	check(ret == -1 && errno == err && v == p->canary,
	      "%s '%s' fails with %s (ret %d, errno %s)", p->name, s,
	      errname(err), ret, errname(errno));
}

#define depth_ok(s, want)	parse_ok(&depth_parser, s, want)
#define depth_bad(s, err)	parse_bad(&depth_parser, s, err)
#define rate_ok(s, want)	parse_ok(&rate_parser, s, want)
#define rate_bad(s, err)	parse_bad(&rate_parser, s, err)
#define duration_ok(s, want)	parse_ok(&duration_parser, s, want)
#define duration_bad(s, err)	parse_bad(&duration_parser, s, err)

static void test_parse_depth(void)
{
	uint32_t v;

	depth_ok("500um", 500);
	depth_ok("500\xc2\xb5m", 500);		/* U+00B5 MICRO SIGN */
	depth_ok("500\xce\xbcm", 500);		/* U+03BC GREEK MU */
	depth_ok("500 \xc2\xb5M", 500);
	depth_ok("0.5mm", 500);
	depth_ok("1.25mm", 1250);
	depth_ok("2mm", 2000);
	depth_ok("3mm", 3000);
	depth_ok("0.5 mm", 500);
	depth_ok("0.5\tmm", 500);
	depth_ok("0.5   mm", 500);
	depth_ok("0.5MM", 500);
	depth_ok("0.5Mm", 500);
	depth_ok("500UM", 500);
	depth_ok("0mm", 0);
	depth_ok("0um", 0);
	depth_ok("0.001mm", 1);
	depth_ok("0.01mm", 10);
	depth_ok("0.50000mm", 500);
	depth_ok("1.500000000000000000000000000000mm", 1500);
	depth_ok("500.0um", 500);
	depth_ok("500.000000000000000000000um", 500);
	depth_ok("00500um", 500);
	depth_ok("4294967295um", UINT32_MAX);
	depth_ok("4294967.295mm", UINT32_MAX);

	/* Missing unit: a bare number could be um or mm. */
	depth_bad("0.5", EINVAL);
	depth_bad("500", EINVAL);
	depth_bad("500 ", EINVAL);
	/* Empty, sign, malformed number. */
	depth_bad("", EINVAL);
	depth_bad("mm", EINVAL);
	depth_bad("-1mm", EINVAL);
	depth_bad("-0mm", EINVAL);
	depth_bad("+1mm", EINVAL);
	depth_bad(".5mm", EINVAL);
	depth_bad("5.mm", EINVAL);
	depth_bad("1..5mm", EINVAL);
	depth_bad("1.5.5mm", EINVAL);
	depth_bad("1,5mm", EINVAL);
	depth_bad(" 0.5mm", EINVAL);
	/* Trailing garbage or unknown units. */
	depth_bad("0.5mmx", EINVAL);
	depth_bad("0.5mm ", EINVAL);
	depth_bad("0.5 mm mm", EINVAL);
	depth_bad("1e3um", EINVAL);
	depth_bad("0x10um", EINVAL);
	depth_bad("0.5cm", EINVAL);
	depth_bad("0.5m", EINVAL);
	depth_bad("0.5\xc2\xb5", EINVAL);
	depth_bad("0.5\nmm", EINVAL);
	depth_bad("500nm", EINVAL);
	/* Not a whole number of micrometres. */
	depth_bad("0.0005mm", EINVAL);
	depth_bad("1.5um", EINVAL);
	depth_bad("0.0001mm", EINVAL);
	depth_bad("1.0000000000000000000001mm", EINVAL);
	depth_bad("0.0000000000000000000000000001um", EINVAL);
	/* Too large for 32 bits. */
	depth_bad("4294967296um", ERANGE);
	depth_bad("4294967.296mm", ERANGE);
	depth_bad("4294968mm", ERANGE);
	depth_bad("99999999999999999999999999um", ERANGE);
	depth_bad("18446744073709551616mm", ERANGE);

	errno = 0;
	check(pen_parse_depth(NULL, &v) == -1 && errno == EINVAL,
	      "depth NULL string fails with EINVAL");
	errno = 0;
	check(pen_parse_depth("1mm", NULL) == -1 && errno == EINVAL,
	      "depth NULL output fails with EINVAL");
}

static void test_parse_rate(void)
{
	uint32_t v;

	rate_ok("120Hz", 120000);
	rate_ok("120hz", 120000);
	rate_ok("120HZ", 120000);
	rate_ok("120 Hz", 120000);
	rate_ok("120.5hz", 120500);
	rate_ok("120.500Hz", 120500);
	rate_ok("120.5000000000Hz", 120500);
	rate_ok("0.001Hz", 1);
	rate_ok("0Hz", 0);
	rate_ok("120000mHz", 120000);
	rate_ok("120000mhz", 120000);
	rate_ok("120000 mHZ", 120000);
	rate_ok("7200spm", 120000);
	rate_ok("7200rpm", 120000);
	rate_ok("7200 SPM", 120000);
	rate_ok("7200RPM", 120000);
	rate_ok("7200.0spm", 120000);
	/* spm -> mHz is spm * 1000 / 60, to the nearest, halves up. */
	rate_ok("1spm", 17);			/* 16.67 */
	rate_ok("2spm", 33);			/* 33.33 */
	rate_ok("3spm", 50);
	rate_ok("0.03spm", 1);			/* 0.5 exactly: up */
	rate_ok("0.029spm", 0);			/* 0.483 */
	rate_ok("0.09spm", 2);			/* 1.5: up */
	rate_ok("1500spm", 25000);
	rate_ok("18000rpm", 300000);
	rate_ok("7200.5spm", 120008);		/* 120008.33 */
	rate_ok("4294967295mHz", UINT32_MAX);
	rate_ok("4294967.295Hz", UINT32_MAX);
	rate_ok("257698037.729spm", UINT32_MAX);	/* 4294967295.48 */

	/* Missing unit. */
	rate_bad("120", EINVAL);
	rate_bad("120.5", EINVAL);
	/* "MHz" is megahertz, never millihertz. */
	rate_bad("120MHz", EINVAL);
	rate_bad("120Mhz", EINVAL);
	rate_bad("120MHZ", EINVAL);
	/* Finer than 1 mHz. */
	rate_bad("0.0001Hz", EINVAL);
	rate_bad("120.0005Hz", EINVAL);
	rate_bad("1.5mHz", EINVAL);
	rate_bad("7200.0001spm", EINVAL);
	/* Malformed, negative, garbage, unknown units. */
	rate_bad("", EINVAL);
	rate_bad("Hz", EINVAL);
	rate_bad("-120Hz", EINVAL);
	rate_bad("120Hz x", EINVAL);
	rate_bad("120hzz", EINVAL);
	rate_bad("120kHz", EINVAL);
	rate_bad("1e2Hz", EINVAL);
	rate_bad("0x78Hz", EINVAL);
	rate_bad(".5Hz", EINVAL);
	rate_bad("120 s", EINVAL);
	/* Too large for 32 bits of mHz. */
	rate_bad("4294967296mHz", ERANGE);
	rate_bad("4294967.296Hz", ERANGE);
	rate_bad("4294968Hz", ERANGE);
	rate_bad("257698037.73spm", ERANGE);	/* 4294967295.5: up */
	rate_bad("300000000spm", ERANGE);
	rate_bad("99999999999999999999999Hz", ERANGE);
	rate_bad("99999999999999999999999spm", ERANGE);

	errno = 0;
	check(pen_parse_rate(NULL, &v) == -1 && errno == EINVAL,
	      "rate NULL string fails with EINVAL");
	errno = 0;
	check(pen_parse_rate("1Hz", NULL) == -1 && errno == EINVAL,
	      "rate NULL output fails with EINVAL");
}

#define SEC	1000000000ULL

static void test_parse_duration(void)
{
	uint64_t v;

	duration_ok("3s", 3 * SEC);
	duration_ok("3", 3 * SEC);
	duration_ok("1.5", 1500000000ULL);
	duration_ok("500ms", 500000000ULL);
	duration_ok("2m", 120 * SEC);
	duration_ok("2min", 120 * SEC);
	duration_ok("1h", 3600 * SEC);
	duration_ok("1.5s", 1500000000ULL);
	duration_ok("1.5 s", 1500000000ULL);
	duration_ok("0.001s", 1000000ULL);
	duration_ok("0.000000001s", 1);
	duration_ok("0.000001ms", 1);
	duration_ok("1.5m", 90 * SEC);
	duration_ok("0.5h", 1800 * SEC);
	duration_ok("3S", 3 * SEC);
	duration_ok("500MS", 500000000ULL);
	duration_ok("1H", 3600 * SEC);
	duration_ok("2MIN", 120 * SEC);
	duration_ok("0.0000000000025h", 9);
	duration_ok("18446744073.709551615s", UINT64_MAX);
	duration_ok("18446744073.709551615", UINT64_MAX);

	/* Zero and negatives are never a sensible run time. */
	duration_bad("0", EINVAL);
	duration_bad("0s", EINVAL);
	duration_bad("0.000ms", EINVAL);
	duration_bad("-3s", EINVAL);
	duration_bad("-1", EINVAL);
	/* Malformed, garbage, unknown units. */
	duration_bad("", EINVAL);
	duration_bad("s", EINVAL);
	duration_bad("3 ", EINVAL);
	duration_bad(" 3", EINVAL);
	duration_bad("3x", EINVAL);
	duration_bad("3sec", EINVAL);
	duration_bad("3.s", EINVAL);
	duration_bad("1e3", EINVAL);
	duration_bad("3s ", EINVAL);
	duration_bad("3d", EINVAL);
	/* Finer than a nanosecond. */
	duration_bad("0.0000000001s", EINVAL);
	duration_bad("1.0000000005", EINVAL);
	/* Too large for 64 bits of nanoseconds. */
	duration_bad("18446744073.709551616s", ERANGE);
	duration_bad("18446744074", ERANGE);
	duration_bad("5124096h", ERANGE);
	duration_bad("99999999999999999999999h", ERANGE);

	errno = 0;
	check(pen_parse_duration(NULL, &v) == -1 && errno == EINVAL,
	      "duration NULL string fails with EINVAL");
	errno = 0;
	check(pen_parse_duration("3s", NULL) == -1 && errno == EINVAL,
	      "duration NULL output fails with EINVAL");
}

/* ---- Formatters -------------------------------------------------------- */

typedef int (*format_fn)(uint32_t v, char *buf, size_t len);

static void format_is(format_fn fn, const char *what, uint32_t v,
		      const char *want)
{
	char buf[64];
	int ret;

	memset(buf, 'x', sizeof(buf));
	ret = fn(v, buf, sizeof(buf));
	check(ret == (int)strlen(want) && !strcmp(buf, want),
	      "format %s %u = '%s' (ret %d, got '%s')", what, v, want, ret,
	      buf);
}

static void test_format(void)
{
	char buf[16];
	int ret;

	format_is(pen_format_depth, "depth", 500, "0.5 mm");
	format_is(pen_format_depth, "depth", 1250, "1.25 mm");
	format_is(pen_format_depth, "depth", 0, "0 mm");
	format_is(pen_format_depth, "depth", 3000, "3 mm");
	format_is(pen_format_depth, "depth", 1, "0.001 mm");
	format_is(pen_format_depth, "depth", 10, "0.01 mm");
	format_is(pen_format_depth, "depth", 100, "0.1 mm");
	format_is(pen_format_depth, "depth", 1001, "1.001 mm");
	format_is(pen_format_depth, "depth", 1010, "1.01 mm");
	format_is(pen_format_depth, "depth", UINT32_MAX, "4294967.295 mm");
	format_is(pen_format_rate, "rate", 120000, "120 Hz");
	format_is(pen_format_rate, "rate", 120500, "120.5 Hz");
	format_is(pen_format_rate, "rate", 1, "0.001 Hz");
	format_is(pen_format_rate, "rate", 0, "0 Hz");
	format_is(pen_format_rate, "rate", 25000, "25 Hz");
	format_is(pen_format_rate, "rate", UINT32_MAX, "4294967.295 Hz");

	/* Exactly enough room: "0.5 mm" and its NUL. */
	ret = pen_format_depth(500, buf, 7);
	check(ret == 6 && !strcmp(buf, "0.5 mm"),
	      "format depth into 7 bytes fits (ret %d)", ret);
	/* One byte short: an error, and no truncated number left behind. */
	memset(buf, 'x', sizeof(buf));
	errno = 0;
	ret = pen_format_depth(1250, buf, 7);
	check(ret == -1 && errno == ERANGE && buf[0] == '\0',
	      "format depth into a short buffer: ERANGE, emptied (ret %d, errno %s)",
	      ret, errname(errno));
	errno = 0;
	ret = pen_format_rate(120500, buf, 8);
	check(ret == -1 && errno == ERANGE && buf[0] == '\0',
	      "format rate into a short buffer fails with ERANGE, empty");
	errno = 0;
	ret = pen_format_rate(1, buf, 0);
	check(ret == -1 && errno == ERANGE,
	      "format rate into 0 bytes fails with ERANGE");
	errno = 0;
	ret = pen_format_depth(1, NULL, 16);
	check(ret == -1 && errno == EINVAL,
	      "format depth into NULL fails with EINVAL");
}

/* Whatever is formatted parses back to the same value. */
static void test_round_trip(void)
{
	uint32_t v, back, bad = 0, i;
	char buf[32];

	for (i = 0; i <= 20000 && !bad; i++) {
		v = i * 7;
		if (pen_format_depth(v, buf, sizeof(buf)) < 0 ||
		    pen_parse_depth(buf, &back) < 0 || back != v)
			bad = v + 1;
	}
	check(!bad, "depth format/parse round trip (first bad %u)",
	      bad ? bad - 1 : 0);

	bad = 0;
	for (i = 0; i <= 20000 && !bad; i++) {
		v = i * 31;
		if (pen_format_rate(v, buf, sizeof(buf)) < 0 ||
		    pen_parse_rate(buf, &back) < 0 || back != v)
			bad = v + 1;
	}
	check(!bad, "rate format/parse round trip (first bad %u)",
	      bad ? bad - 1 : 0);
}

static void test_names(void)
{
	check(!strcmp(pen_state_name(PEN_STATE_STOPPED), "stopped"),
	      "state name stopped");
	check(!strcmp(pen_state_name(PEN_STATE_RUNNING), "running"),
	      "state name running");
#ifdef PEN_STATE_GONE
	check(!strcmp(pen_state_name(PEN_STATE_GONE), "gone"),
	      "state name gone");
#else
	check(!strcmp(pen_state_name(2), "unknown"), "state name 2 unknown");
#endif
	check(!strcmp(pen_state_name(3), "unknown"), "state name 3 unknown");
	check(!strcmp(pen_state_name(UINT32_MAX), "unknown"),
	      "state name UINT32_MAX unknown");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_NONE), "none"),
	      "stop reason none");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_REQUEST), "request"),
	      "stop reason request");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_CLOSE), "close"),
	      "stop reason close");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_REMOVED), "removed"),
	      "stop reason removed");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_BACKEND), "backend"),
	      "stop reason backend");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_FAULT), "fault"),
	      "stop reason fault");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_DEPTH_CAP), "depth-cap"),
	      "stop reason depth-cap");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_RUN_TIME), "run-time"),
	      "stop reason run-time");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_CARTRIDGE_REMOVED),
		      "cartridge-removed"), "stop reason cartridge-removed");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_CARTRIDGE_SPENT),
		      "cartridge-spent"), "stop reason cartridge-spent");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_SUSPEND), "suspend") &&
	      !strcmp(pen_stop_reason_name(PEN_STOP_SHUTDOWN), "shutdown"),
	      "stop reasons suspend and shutdown");
	check(!strcmp(pen_stop_reason_name(PEN_STOP_PEDAL), "pedal"),
	      "stop reason pedal");
	check(!strcmp(pen_stop_reason_name(13), "unknown"),
	      "stop reason 13 unknown");
	check(!strcmp(pen_cartridge_state_name(PEN_CARTRIDGE_NONE), "none") &&
	      !strcmp(pen_cartridge_state_name(PEN_CARTRIDGE_READY), "ready") &&
	      !strcmp(pen_cartridge_state_name(PEN_CARTRIDGE_REUSED), "reused") &&
	      !strcmp(pen_cartridge_state_name(PEN_CARTRIDGE_SPENT), "spent") &&
	      !strcmp(pen_cartridge_state_name(4), "unknown"),
	      "cartridge state names");
	check(!strcmp(pen_stop_reason_name(UINT32_MAX), "unknown"),
	      "stop reason UINT32_MAX unknown");

	check(!strcmp(pen_fault_name(PEN_FAULT_NONE), "none"), "fault none");
	check(!strcmp(pen_fault_name(PEN_FAULT_OVER_DEPTH), "over-depth"),
	      "fault over-depth");
	check(!strcmp(pen_fault_name(PEN_FAULT_STALL), "stall"),
	      "fault stall");
	check(!strcmp(pen_fault_name(PEN_FAULT_OVERCURRENT), "overcurrent"),
	      "fault overcurrent");
	check(!strcmp(pen_fault_name(PEN_FAULT_OVERTEMP), "overtemp"),
	      "fault overtemp");
	check(!strcmp(pen_fault_name(PEN_FAULT_SUPPLY_LOW), "supply-low"),
	      "fault supply-low");
	check(!strcmp(pen_fault_name(PEN_FAULT_TIMING), "timing"),
	      "fault timing");
	check(!strcmp(pen_fault_name(PEN_FAULT_WATCHDOG), "watchdog"),
	      "fault watchdog");
	check(!strcmp(pen_fault_name(8), "unknown"), "fault 8 unknown");
	check(!strcmp(pen_fault_name(UINT32_MAX), "unknown"),
	      "fault UINT32_MAX unknown");
}

static void event_name_is(uint32_t type, const char *want)
{
	const char *got;

	errno = 0;
	got = pen_event_type_name(type);
	if (want)
		check(got && !strcmp(got, want) && errno == 0,
		      "event type %u is '%s' (got '%s')", type, want,
		      got ? got : "(null)");
	else
		check(!got && errno == EINVAL,
		      "event type %u has no name: NULL, EINVAL (errno %s)",
		      type, errname(errno));
}

static void test_event_names(void)
{
	event_name_is(PEN_EVENT_STROKE, "stroke");
	event_name_is(PEN_EVENT_STATE, "state");
	event_name_is(PEN_EVENT_SETPOINT, "setpoint");
	event_name_is(PEN_EVENT_FAULT, "fault");
	event_name_is(PEN_EVENT_FAULT_CLEARED, "fault-cleared");
	event_name_is(PEN_EVENT_CARTRIDGE, "cartridge");
	event_name_is(PEN_EVENT_OVERFLOW, "overflow");
	event_name_is(0, NULL);
	event_name_is(8, NULL);
	event_name_is(UINT32_MAX, NULL);
}

/* ---- Device error paths, no driver needed ------------------------------ */

static void open_fails(const char *path, int flags, int err)
{
	struct pen *pen;

	errno = 0;
	pen = pen_open(path, flags);
	check(!pen && errno == err, "pen_open('%s', %#x) fails with %s (errno %s)",
	      path ? path : "(null)", (unsigned int)flags, errname(err),
	      errname(errno));
	pen_close(pen);
}

static void test_open_errors(void)
{
	char dir[] = "/tmp/test-units.XXXXXX", path[64];
	struct pen *pen;
	int fd;

	open_fails("/nonexistent/pen0", 0, ENOENT);
	open_fails("/nonexistent/pen0", PEN_OPEN_CONTROL, ENOENT);
	open_fails("/dev/null", 2, EINVAL);
	open_fails("/dev/null", PEN_OPEN_CONTROL | 4, EINVAL);
	open_fails("/dev/null", -1, EINVAL);
	open_fails("/dev/null", INT_MIN, EINVAL);
	open_fails(NULL, 0, EINVAL);
	open_fails("", 0, EINVAL);
	open_fails("/", 0, ENOTTY);

	errno = 0;
	pen = pen_open_index(UINT_MAX, 0);
	check(!pen && errno == ENOENT,
	      "pen_open_index(UINT_MAX) fails with ENOENT (errno %s)",
	      errname(errno));
	pen_close(pen);

	if (!mkdtemp(dir)) {
		check(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	open_fails(path, 0, ENOTTY);
	open_fails(path, PEN_OPEN_CONTROL, ENOTTY);
	unlink(path);

	/* Must fail at once: opening a FIFO would block for a writer. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) == 0) {
		alarm(10);
		open_fails(path, 0, ENOTTY);
		alarm(0);
		unlink(path);
	} else {
		check(false, "mkfifo: %s", strerror(errno));
	}
	rmdir(dir);
}

static void test_not_a_pen(void)
{
	struct pen_status status;
	struct pen_info info;
	struct pen *pen;
	int fd, fl;

	errno = 0;
	pen = pen_open("/dev/null", 0);
	check(pen != NULL, "pen_open('/dev/null', 0) opens (errno %s)",
	      errname(errno));
	if (!pen)
		return;
	fd = pen_fd(pen);
	check(fd >= 0, "pen_fd is a descriptor");
	fl = fcntl(fd, F_GETFD);
	check(fl >= 0 && (fl & FD_CLOEXEC), "descriptor is close-on-exec");
	fl = fcntl(fd, F_GETFL);
	check(fl >= 0 && (fl & O_ACCMODE) == O_RDONLY,
	      "flags 0 opens read-only");
	check(pen_path(pen) && !strcmp(pen_path(pen), "/dev/null"),
	      "pen_path is the path opened");

	errno = 0;
	check(pen_get_info(pen, &info) == -1 && errno == ENOTTY,
	      "pen_get_info on /dev/null fails with ENOTTY (errno %s)",
	      errname(errno));
	errno = 0;
	check(pen_get_status(pen, &status) == -1 && errno == ENOTTY,
	      "pen_get_status on /dev/null fails with ENOTTY");
	errno = 0;
	check(pen_stop(pen) == -1 && errno == ENOTTY,
	      "pen_stop on /dev/null fails with ENOTTY");
	errno = 0;
	check(pen_get_info(pen, NULL) == -1 && errno == EINVAL,
	      "pen_get_info with NULL info fails with EINVAL");
	errno = 0;
	check(pen_get_status(pen, NULL) == -1 && errno == EINVAL,
	      "pen_get_status with NULL status fails with EINVAL");
	pen_close(pen);

	pen = pen_open("/dev/null", PEN_OPEN_CONTROL);
	check(pen != NULL, "pen_open('/dev/null', PEN_OPEN_CONTROL) opens");
	if (!pen)
		return;
	fl = fcntl(pen_fd(pen), F_GETFL);
	check(fl >= 0 && (fl & O_ACCMODE) == O_RDWR,
	      "PEN_OPEN_CONTROL opens read-write");
	fl = fcntl(pen_fd(pen), F_GETFD);
	check(fl >= 0 && (fl & FD_CLOEXEC),
	      "controller descriptor is close-on-exec");
	errno = 0;
	check(pen_set_depth(pen, 500) == -1 && errno == ENOTTY,
	      "pen_set_depth on /dev/null fails with ENOTTY");
	errno = 0;
	check(pen_set_rate(pen, 120000) == -1 && errno == ENOTTY,
	      "pen_set_rate on /dev/null fails with ENOTTY");
	errno = 0;
	check(pen_set_params(pen, 500, 120000) == -1 && errno == ENOTTY,
	      "pen_set_params on /dev/null fails with ENOTTY");
	errno = 0;
	check(pen_start(pen) == -1 && errno == ENOTTY,
	      "pen_start on /dev/null fails with ENOTTY");
	errno = 0;
	check(pen_clear_fault(pen) == -1 && errno == ENOTTY,
	      "pen_clear_fault on /dev/null fails with ENOTTY");
	pen_close(pen);
}

static void test_null_handle(void)
{
	struct pen_status status;
	struct pen_info info;

	errno = 0;
	check(pen_fd(NULL) == -1 && errno == EINVAL, "pen_fd(NULL) EINVAL");
	errno = 0;
	check(!pen_path(NULL) && errno == EINVAL, "pen_path(NULL) EINVAL");
	errno = 0;
	check(pen_get_info(NULL, &info) == -1 && errno == EINVAL,
	      "pen_get_info(NULL) EINVAL");
	errno = 0;
	check(pen_get_status(NULL, &status) == -1 && errno == EINVAL,
	      "pen_get_status(NULL) EINVAL");
	errno = 0;
	check(pen_set_depth(NULL, 1) == -1 && errno == EINVAL,
	      "pen_set_depth(NULL) EINVAL");
	errno = 0;
	check(pen_set_rate(NULL, 1) == -1 && errno == EINVAL,
	      "pen_set_rate(NULL) EINVAL");
	errno = 0;
	check(pen_set_params(NULL, 1, 1) == -1 && errno == EINVAL,
	      "pen_set_params(NULL) EINVAL");
	errno = 0;
	check(pen_start(NULL) == -1 && errno == EINVAL,
	      "pen_start(NULL) EINVAL");
	errno = 0;
	check(pen_stop(NULL) == -1 && errno == EINVAL,
	      "pen_stop(NULL) EINVAL");
	errno = 0;
	check(pen_clear_fault(NULL) == -1 && errno == EINVAL,
	      "pen_clear_fault(NULL) EINVAL");
	check(pen_set_watchdog(NULL, 100) == -1 && errno == EINVAL,
	      "pen_set_watchdog(NULL) EINVAL");
	check(pen_kick_watchdog(NULL) == -1 && errno == EINVAL,
	      "pen_kick_watchdog(NULL) EINVAL");
	errno = 0;
	check(pen_set_hold_to_run(NULL, true) == -1 && errno == EINVAL,
	      "pen_set_hold_to_run(NULL) EINVAL");
	errno = 1234;
	pen_close(NULL);
	check(errno == 1234, "pen_close(NULL) is a no-op");
}

/* ---- What libpen sends to the driver ----------------------------------- */

#ifdef __GLIBC__
/*
 * This ioctl() interposes glibc's for libpen.so (the executable comes
 * first in symbol lookup), so the exact requests and structs libpen
 * sends can be checked without a driver. Descriptors other than the one
 * under test go to the real system call.
 */
static struct {
	int fd;				/* intercepted descriptor, or -1 */
	unsigned int calls;
	unsigned long request;
	struct pen_params params;	/* last SET_PARAMS argument */
	struct pen_hold_to_run hold;	/* last SET_HOLD_TO_RUN argument */
	int eintr;			/* fail this many calls with EINTR */
	int err;			/* then fail with this, if non-zero */
	bool info;			/* GET_INFO: the fields below */
	uint32_t api_version, flags;
	char name[PEN_NAME_LEN];
	size_t read_len;		/* the last read()'s byte count */
	mode_t fstat_mode;		/* fstat() says this mode, or */
	int fstat_err;			/* fails with this, if either is set */
} fake = { .fd = -1 };

int ioctl(int fd, unsigned long request, ...);

int ioctl(int fd, unsigned long request, ...)
{
	struct pen_status *status;
	struct pen_info *info;
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (fd != fake.fd || fd < 0)
		return syscall(SYS_ioctl, fd, request, arg);

	fake.calls++;
	fake.request = request;
	if (request == PEN_IOC_SET_PARAMS)
		memcpy(&fake.params, arg, sizeof(fake.params));
	if (request == PEN_IOC_SET_HOLD_TO_RUN)
		memcpy(&fake.hold, arg, sizeof(fake.hold));
	if (fake.eintr > 0) {
		fake.eintr--;
		errno = EINTR;
		return -1;
	}
	if (fake.err) {
		errno = fake.err;
		return -1;
	}
	if (request == PEN_IOC_GET_INFO) {
		/* A driver that forgets the NULs must not hurt the caller. */
		info = arg;
		memset(info, 'A', sizeof(*info));
		info->api_version = PEN_API_VERSION;
		info->depth_max_um = 3000;
		if (fake.info) {
			memset(info, 0, sizeof(*info));
			info->api_version = fake.api_version;
			info->flags = fake.flags;
			memcpy(info->name, fake.name, sizeof(info->name));
		}
	} else if (request == PEN_IOC_GET_STATUS) {
		status = arg;
		memset(status, 0, sizeof(*status));
		status->state = PEN_STATE_RUNNING;
		status->depth_um = 500;
		status->strokes = 1ULL << 40;
		status->fault = PEN_FAULT_OVER_DEPTH;
		status->fault_value = 300;
		status->fault_ns = 1ULL << 41;
		status->fault_seq = 42;
	}
	return 0;
}

/*
 * read() of the descriptor under test is answered here too, with end of
 * file: so that the byte count libpen asks for can be checked, even one
 * no buffer could hold.
 */
ssize_t read(int fd, void *buf, size_t len);

ssize_t read(int fd, void *buf, size_t len)
{
	if (fd != fake.fd || fd < 0)
		return syscall(SYS_read, fd, buf, len);
	fake.calls++;
	fake.read_len = len;
	return 0;
}

/*
 * fstat() of the descriptor under test can say another kind of file, or
 * fail: the path replaced between libpen's stat() and open().
 */
int fstat(int fd, struct stat *st);

int fstat(int fd, struct stat *st)
{
	if (fd != fake.fd || fd < 0 || (!fake.fstat_mode && !fake.fstat_err))
		return fstatat(fd, "", st, AT_EMPTY_PATH);
	fake.calls++;
	if (fake.fstat_err) {
		errno = fake.fstat_err;
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->st_mode = fake.fstat_mode;
	return 0;
}

static void fake_reset(int fd)
{
	memset(&fake, 0, sizeof(fake));
	fake.fd = fd;
}

static bool params_zeroed(const struct pen_params *p)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p->reserved); i++)
		if (p->reserved[i])
			return false;
	return true;
}

static void test_requests(void)
{
	struct pen_status status;
	struct pen_event ev;
	struct pen_info info;
	struct pen *pen;
	ssize_t n;
	int ret;

	pen = pen_open("/dev/null", PEN_OPEN_CONTROL);
	if (!pen) {
		check(false, "pen_open('/dev/null') for request tests");
		return;
	}
	fake_reset(pen_fd(pen));

	ret = pen_set_depth(pen, 1234);
	check(ret == 0 && fake.calls == 1, "ioctl interposed (calls %u)",
	      fake.calls);
	check(fake.request == PEN_IOC_SET_PARAMS &&
	      fake.params.mask == PEN_PARAM_DEPTH &&
	      fake.params.depth_um == 1234 && fake.params.rate_mhz == 0 &&
	      params_zeroed(&fake.params),
	      "pen_set_depth sends SET_PARAMS {DEPTH, 1234, 0}, reserved 0");

	fake_reset(pen_fd(pen));
	ret = pen_set_rate(pen, 120500);
	check(ret == 0 && fake.params.mask == PEN_PARAM_RATE &&
	      fake.params.rate_mhz == 120500 && fake.params.depth_um == 0 &&
	      params_zeroed(&fake.params),
	      "pen_set_rate sends SET_PARAMS {RATE, 0, 120500}, reserved 0");

	fake_reset(pen_fd(pen));
	ret = pen_set_params(pen, 500, 120000);
	check(ret == 0 && fake.params.mask == PEN_PARAM_ALL &&
	      fake.params.depth_um == 500 && fake.params.rate_mhz == 120000 &&
	      params_zeroed(&fake.params) && fake.calls == 1,
	      "pen_set_params sends one SET_PARAMS {ALL, 500, 120000}");

	fake_reset(pen_fd(pen));
	fake.err = ERANGE;
	errno = 0;
	ret = pen_set_depth(pen, 5000);
	check(ret == -1 && errno == ERANGE,
	      "driver ERANGE reaches the caller");

	fake_reset(pen_fd(pen));
	ret = pen_start(pen);
	check(ret == 0 && fake.request == PEN_IOC_START,
	      "pen_start sends PEN_IOC_START");

	fake_reset(pen_fd(pen));
	fake.eintr = 1;
	errno = 0;
	ret = pen_start(pen);
	check(ret == -1 && errno == EINTR && fake.calls == 1,
	      "interrupted pen_start is not retried (calls %u)", fake.calls);

	fake_reset(pen_fd(pen));
	memset(&fake.hold, 0xff, sizeof(fake.hold));
	ret = pen_set_hold_to_run(pen, true);
	check(ret == 0 && fake.request == PEN_IOC_SET_HOLD_TO_RUN &&
	      fake.hold.enable == 1 && !fake.hold.reserved[0] &&
	      !fake.hold.reserved[1] && !fake.hold.reserved[2],
	      "pen_set_hold_to_run(true) sends SET_HOLD_TO_RUN {1}, reserved 0");
	fake_reset(pen_fd(pen));
	fake.err = EPERM;
	errno = 0;
	ret = pen_set_hold_to_run(pen, false);
	check(ret == -1 && errno == EPERM && fake.hold.enable == 0,
	      "pen_set_hold_to_run(false) sends {0}; the driver's EPERM reaches the caller");

	fake_reset(pen_fd(pen));
	fake.eintr = 2;
	ret = pen_stop(pen);
	check(ret == 0 && fake.request == PEN_IOC_STOP && fake.calls == 3,
	      "interrupted pen_stop is retried until done (calls %u)",
	      fake.calls);

	fake_reset(pen_fd(pen));
	fake.eintr = 1;
	ret = pen_set_params(pen, 1, 2);
	check(ret == 0 && fake.calls == 2, "interrupted SET_PARAMS retried");

	fake_reset(pen_fd(pen));
	ret = pen_get_info(pen, &info);
	check(ret == 0 && fake.request == PEN_IOC_GET_INFO &&
	      info.depth_max_um == 3000 &&
	      strlen(info.name) == PEN_NAME_LEN - 1 &&
	      strlen(info.driver) == PEN_NAME_LEN - 1 &&
	      strlen(info.model) == PEN_NAME_LEN - 1 &&
	      strlen(info.serial) == PEN_NAME_LEN - 1,
	      "pen_get_info NUL-terminates unterminated strings");

	fake_reset(pen_fd(pen));
	ret = pen_get_status(pen, &status);
	check(ret == 0 && fake.request == PEN_IOC_GET_STATUS &&
	      status.state == PEN_STATE_RUNNING && status.depth_um == 500 &&
	      status.strokes == 1ULL << 40 &&
	      status.fault == PEN_FAULT_OVER_DEPTH &&
	      status.fault_value == 300 && status.fault_ns == 1ULL << 41 &&
	      status.fault_seq == 42,
	      "pen_get_status passes the status through, fault included");

	fake_reset(pen_fd(pen));
	fake.eintr = 1;
	ret = pen_clear_fault(pen);
	check(ret == 0 && fake.request == PEN_IOC_CLEAR_FAULT &&
	      fake.calls == 2,
	      "pen_clear_fault sends CLEAR_FAULT, retried on EINTR (calls %u)",
	      fake.calls);

	fake_reset(pen_fd(pen));
	fake.err = EBADF;
	errno = 0;
	ret = pen_clear_fault(pen);
	check(ret == -1 && errno == EBADF,
	      "driver EBADF from CLEAR_FAULT reaches the caller");

	fake_reset(pen_fd(pen));
	fake.err = ENODEV;
	errno = 0;
	ret = pen_get_status(pen, &status);
	check(ret == -1 && errno == ENODEV,
	      "driver ENODEV reaches the caller");

	/* More records than read(2) can take: as many as it can, whole. */
	fake_reset(pen_fd(pen));
	n = pen_read_events(pen, &ev, SIZE_MAX);
	check(n == 0 && fake.calls == 1 &&
	      fake.read_len == SSIZE_MAX / sizeof(ev) * sizeof(ev),
	      "pen_read_events(SIZE_MAX records) reads SSIZE_MAX bytes' whole records at most (%zd, asked %zu bytes)",
	      n, fake.read_len);

	fake_reset(-1);
	pen_close(pen);
}

/*
 * pen_open() of a node that was a character device at its stat(), and is
 * something else (@mode), or cannot be looked at (@err), once open: the
 * race libpen's second look closes. The open fails with @want, and its
 * descriptor, the lowest free one, is closed again.
 */
static void open_raced(mode_t mode, int err, int want, const char *what)
{
	struct pen *pen;
	int fd;

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		check(false, "open /dev/null: %s", strerror(errno));
		return;
	}
	close(fd);
	fake_reset(fd);
	fake.fstat_mode = mode;
	fake.fstat_err = err;
	errno = 0;
	pen = pen_open("/dev/null", 0);
	if (pen && !fake.calls) {
		printf("# libpen's fstat() is not interposable here: %s skipped\n",
		       what);
	} else {
		check(!pen && errno == want && fake.calls == 1 &&
		      fcntl(fd, F_GETFD) < 0 && errno == EBADF,
		      "pen_open of a node that is %s once open fails with %s, its descriptor closed",
		      what, errname(want));
	}
	fake_reset(-1);
	pen_close(pen);
}

static void test_open_raced(void)
{
	open_raced(S_IFREG | 0600, 0, ENOTTY, "a regular file");
	open_raced(S_IFIFO | 0600, 0, ENOTTY, "a FIFO");
	open_raced(0, EIO, EIO, "unreadable (fstat EIO)");
}

/* pen_buttons_open() on a pen whose GET_INFO says @flags and @name. */
static void buttons_open_fails(uint32_t api, uint32_t flags, const char *name,
			       int err, const char *why)
{
	struct pen_buttons *b;
	struct pen *pen;

	pen = pen_open("/dev/null", 0);
	if (!pen) {
		check(false, "pen_open('/dev/null') for button tests");
		return;
	}
	fake_reset(pen_fd(pen));
	fake.info = true;
	fake.api_version = api;
	fake.flags = flags;
	snprintf(fake.name, sizeof(fake.name), "%s", name);
	errno = 0;
	b = pen_buttons_open(pen);
	check(!b && errno == err,
	      "pen_buttons_open fails with %s %s (errno %s)", errname(err),
	      why, errname(errno));
	pen_buttons_close(b);
	fake_reset(-1);
	pen_close(pen);
}

static void test_buttons_open(void)
{
	buttons_open_fails(PEN_API_VERSION, 0, "pen0", ENOTSUP,
			   "for a pen without buttons");
	buttons_open_fails(3, 0, "pen0", ENOTSUP,
			   "for a driver older than API 4");
	/* No such class device here: the pen module is not on the host. */
	buttons_open_fails(PEN_API_VERSION, PEN_INFO_BUTTONS,
			   "pen-not-there", ENODEV,
			   "when sysfs has no such pen");
	buttons_open_fails(PEN_API_VERSION, PEN_INFO_FOOTSWITCH,
			   "pen-not-there", ENODEV,
			   "for a footswitch-only pen not in sysfs");
	/* The name is part of a path: none may lead out of the class. */
	buttons_open_fails(PEN_API_VERSION, PEN_INFO_BUTTONS, "../../dev",
			   ENODEV, "for a name with a slash");
	buttons_open_fails(PEN_API_VERSION, PEN_INFO_BUTTONS, "..", ENODEV,
			   "for the name '..'");
	buttons_open_fails(PEN_API_VERSION, PEN_INFO_BUTTONS, ".", ENODEV,
			   "for the name '.'");
	buttons_open_fails(PEN_API_VERSION, PEN_INFO_BUTTONS, "", ENODEV,
			   "for an empty name");
}

/*
 * A pen whose GET_INFO promises buttons, but whose descriptor is not a
 * character device (a pipe), then not open at all: refused before any
 * path is looked up.
 */
static void test_buttons_not_a_device(void)
{
	struct pen_buttons *b;
	struct pen *pen;
	int p[2], fd, keep;

	pen = pen_open("/dev/null", 0);
	if (!pen || pipe(p) < 0) {
		check(false, "pen_open('/dev/null') and a pipe for button tests");
		pen_close(pen);
		return;
	}
	fd = pen_fd(pen);
	keep = dup(fd);
	dup2(p[0], fd);
	close(p[0]);
	close(p[1]);
	fake_reset(fd);
	fake.info = true;
	fake.api_version = PEN_API_VERSION;
	fake.flags = PEN_INFO_BUTTONS;
	snprintf(fake.name, sizeof(fake.name), "pen0");
	errno = 0;
	b = pen_buttons_open(pen);
	check(!b && errno == ENOTTY,
	      "pen_buttons_open fails with ENOTTY when the pen's descriptor is a pipe (errno %s)",
	      errname(errno));
	pen_buttons_close(b);
	close(fd);
	errno = 0;
	b = pen_buttons_open(pen);
	check(!b && errno == EBADF,
	      "pen_buttons_open fails with EBADF when the pen's descriptor is closed (errno %s)",
	      errname(errno));
	pen_buttons_close(b);
	if (keep >= 0) {
		dup2(keep, fd);
		close(keep);
	}
	fake_reset(-1);
	pen_close(pen);
}
#else
static void test_requests(void)
{
	printf("# request tests need glibc's ioctl() to interpose; skipped\n");
}

static void test_buttons_open(void)
{
	printf("# button open tests need glibc's ioctl() to interpose; skipped\n");
}

static void test_buttons_not_a_device(void)
{
}

static void test_open_raced(void)
{
	printf("# open race tests need glibc's fstat() to interpose; skipped\n");
}
#endif

/* ---- Buttons, as far as the host can go without an input device ----- */

static void test_button_names(void)
{
	static const struct {
		unsigned int key;
		const char *name;
	} names[] = {
		{ PEN_KEY_MAIN, "main" },
		{ PEN_KEY_SPEED_UP, "speed-up" },
		{ PEN_KEY_SPEED_DOWN, "speed-down" },
		{ PEN_KEY_FOOTSWITCH, "footswitch" },
	};
	static const unsigned int bad[] = {
		0, KEY_POWER, KEY_MACRO5, PEN_KEY_MAIN - 1, UINT_MAX,
	};
	const char *got;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		errno = 0;
		got = pen_button_name(names[i].key);
		check(got && !strcmp(got, names[i].name) && errno == 0,
		      "key %u is button '%s' (got '%s')", names[i].key,
		      names[i].name, got ? got : "(null)");
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		got = pen_button_name(bad[i]);
		check(!got && errno == EINVAL,
		      "key %u is no pen button: NULL, EINVAL (errno %s)",
		      bad[i], errname(errno));
	}
}

static void test_buttons_null(void)
{
	struct pen_button_event ev;
	struct pen_buttons *b;
	struct pen *pen;

	errno = 0;
	check(!pen_buttons_open(NULL) && errno == EINVAL,
	      "pen_buttons_open(NULL) EINVAL");
	errno = 0;
	check(pen_buttons_fd(NULL) == -1 && errno == EINVAL,
	      "pen_buttons_fd(NULL) EINVAL");
	errno = 0;
	check(pen_buttons_has(NULL, PEN_KEY_MAIN) == -1 && errno == EINVAL,
	      "pen_buttons_has(NULL) EINVAL");
	errno = 0;
	check(pen_buttons_is_pressed(NULL, PEN_KEY_FOOTSWITCH) == -1 &&
	      errno == EINVAL, "pen_buttons_is_pressed(NULL) EINVAL");
	errno = 0;
	check(pen_buttons_wait(NULL, 0) == -1 && errno == EINVAL,
	      "pen_buttons_wait(NULL) EINVAL");
	errno = 0;
	check(pen_buttons_read(NULL, &ev) == -1 && errno == EINVAL,
	      "pen_buttons_read(NULL) EINVAL");
	errno = 1234;
	pen_buttons_close(NULL);
	check(errno == 1234, "pen_buttons_close(NULL) is a no-op");

	/* Not a pen: GET_INFO's error, before anything else is looked at. */
	pen = pen_open("/dev/null", 0);
	if (!pen) {
		check(false, "pen_open('/dev/null') for button tests");
		return;
	}
	errno = 0;
	b = pen_buttons_open(pen);
	check(!b && errno == ENOTTY,
	      "pen_buttons_open on /dev/null fails with ENOTTY (errno %s)",
	      errname(errno));
	pen_buttons_close(b);
	pen_close(pen);
}

/* ---- Events, with a pipe standing in for the device -------------------- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_events_null(void)
{
	struct pen_event ev;

	errno = 0;
	check(pen_wait_events(NULL, 0) == -1 && errno == EINVAL,
	      "pen_wait_events(NULL) EINVAL");
	errno = 0;
	check(pen_read_events(NULL, &ev, 1) == -1 && errno == EINVAL,
	      "pen_read_events(NULL) EINVAL");
}

/*
 * The handle's descriptor is replaced by the read end of a pipe, which
 * polls and reads like the driver: records written into the other end
 * are events, closing it is the pen's removal (POLLHUP).
 */
static void test_events(void)
{
	struct pen_event in[3], out[4];
	struct sigaction sa, old_sa;
	struct itimerval it;
	struct pen *pen;
	uint64_t t0, t;
	int p[2], fd, fl, ret;
	ssize_t n;
	size_t i;

	pen = pen_open("/dev/null", 0);
	if (!pen) {
		check(false, "pen_open('/dev/null') for event tests");
		return;
	}
	fd = pen_fd(pen);
	if (pipe(p) < 0 || dup2(p[0], fd) < 0) {
		check(false, "pipe for event tests: %s", strerror(errno));
		pen_close(pen);
		return;
	}
	close(p[0]);

	memset(in, 0, sizeof(in));
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].type = PEN_EVENT_STROKE;
		in[i].flags = PEN_STROKE_MEASURED;
		in[i].timestamp_ns = 1000 + i;
		in[i].seq = i;
		in[i].stroke.cmd_um = 500;
		in[i].stroke.reached_um = 490 + i;
	}

	check(pen_wait_events(pen, 0) == 0, "pen_wait_events(0) with none: 0");
	t0 = mono_ns();
	ret = pen_wait_events(pen, 20000000);
	t = mono_ns() - t0;
	check(ret == 0 && t >= 20000000,
	      "pen_wait_events(20 ms) with none: 0 after the timeout (%d, %llu ns)",
	      ret, (unsigned long long)t);

	errno = 0;
	check(pen_read_events(pen, out, 0) == -1 && errno == EINVAL,
	      "pen_read_events for 0 records: EINVAL");
	errno = 0;
	check(pen_read_events(pen, NULL, 1) == -1 && errno == EINVAL,
	      "pen_read_events into NULL: EINVAL");

	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	errno = 0;
	n = pen_read_events(pen, out, 4);
	check(n == -1 && errno == EAGAIN,
	      "pen_read_events with none, O_NONBLOCK: EAGAIN (%zd, errno %s)",
	      n, errname(errno));
	fcntl(fd, F_SETFL, fl);

	if (write(p[1], in, sizeof(in)) != sizeof(in))
		check(false, "write the events: %s", strerror(errno));
	check(pen_wait_events(pen, -1) == 1,
	      "pen_wait_events(forever) with events: 1");
	memset(out, 0, sizeof(out));
	n = pen_read_events(pen, out, 2);
	check(n == 2 && !memcmp(out, in, 2 * sizeof(in[0])),
	      "pen_read_events takes no more than asked: 2 whole records (%zd)",
	      n);
	n = pen_read_events(pen, out, 4);
	check(n == 1 && !memcmp(out, &in[2], sizeof(in[0])),
	      "the third record stayed for the next read (%zd)", n);

	/* Half a record is not an event. */
	if (write(p[1], in, 10) != 10)
		check(false, "write half a record: %s", strerror(errno));
	errno = 0;
	n = pen_read_events(pen, out, 4);
	check(n == -1 && errno == EIO,
	      "a partial record fails with EIO (%zd, errno %s)", n,
	      errname(errno));

	/* A signal ends the wait; not retried. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old_sa);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 20000;
	setitimer(ITIMER_REAL, &it, NULL);
	errno = 0;
	ret = pen_wait_events(pen, 5000000000LL);
	check(ret == -1 && errno == EINTR,
	      "a signal ends pen_wait_events with EINTR (%d, errno %s)", ret,
	      errname(errno));
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old_sa, NULL);

	/* A hangup is "ready", so that the reader learns of it. */
	close(p[1]);
	t0 = mono_ns();
	ret = pen_wait_events(pen, 5000000000LL);
	t = mono_ns() - t0;
	check(ret == 1 && t < 1000000000ULL,
	      "a hangup makes pen_wait_events return 1 at once (%d)", ret);
	n = pen_read_events(pen, out, 4);
	check(n == 0, "end of file reads 0 records (%zd)", n);

	pen_close(pen);
}

/* A handle whose descriptor was closed behind libpen's back. */
static void test_events_closed(void)
{
	struct pen *pen;
	int fd, keep, ret;

	pen = pen_open("/dev/null", 0);
	if (!pen) {
		check(false, "pen_open('/dev/null') for event tests");
		return;
	}
	fd = pen_fd(pen);
	keep = dup(fd);
	close(fd);
	errno = 0;
	ret = pen_wait_events(pen, 0);
	check(ret == -1 && errno == EBADF,
	      "pen_wait_events on a closed descriptor (POLLNVAL) fails with EBADF (%d, errno %s)",
	      ret, errname(errno));
	/* The number back in use, for pen_close() to close. */
	if (keep >= 0) {
		dup2(keep, fd);
		close(keep);
	}
	pen_close(pen);
}

/* ---- Device names ------------------------------------------------------ */

static void index_is(const char *s, int err, unsigned int want)
{
	unsigned int v = CANARY32;
	int ret;

	errno = 0;
	ret = pen_parse_index(s, &v);
	if (err)
		check(ret == -1 && errno == err && v == CANARY32,
		      "pen index '%s' fails with %s (ret %d, errno %s)", s,
		      errname(err), ret, errname(errno));
	else
		check(ret == 0 && v == want, "pen index '%s' = %u (got %u)",
		      s, want, v);
}

static void device_is(const char *s, int err, const char *want)
{
	char path[32];
	int ret;

	strcpy(path, "canary");
	errno = 0;
	ret = pen_parse_device(s, path, sizeof(path));
	if (err)
		check(ret == -1 && errno == err &&
		      (!strcmp(path, "canary") || !path[0]),
		      "device '%s' fails with %s (ret %d, errno %s)", s,
		      errname(err), ret, errname(errno));
	else
		check(ret == 0 && !strcmp(path, want),
		      "device '%s' is %s (got %s)", s, want, path);
}

static void test_device_names(void)
{
	static const struct {
		const char *s;
		int err;
		unsigned int index;
	} indexes[] = {
		{ "0", 0, 0 },
		{ "7", 0, 7 },
		{ "pen3", 0, 3 },
		{ "/dev/pen12", 0, 12 },
		{ "4294967295", 0, 4294967295U },
		{ "4294967296", ERANGE, 0 },
		{ "pen99999999999", ERANGE, 0 },
		{ "", EINVAL, 0 },
		{ "pen", EINVAL, 0 },
		{ "x1", EINVAL, 0 },
		{ "1x", EINVAL, 0 },
		{ "-1", EINVAL, 0 },
		{ "+1", EINVAL, 0 },
		{ " 1", EINVAL, 0 },
		{ "/dev/pen", EINVAL, 0 },
		{ "/dev/input/event0", EINVAL, 0 },
		{ "99999999999999999999x", EINVAL, 0 },
	};
	static const struct {
		const char *s;
		int err;
		const char *path;
	} devices[] = {
		{ "0", 0, "/dev/pen0" },
		{ "pen5", 0, "/dev/pen5" },
		{ "/dev/pen5", 0, "/dev/pen5" },
		{ "./pen0", 0, "./pen0" },
		{ "/tmp/not-a-pen", 0, "/tmp/not-a-pen" },
		{ "", EINVAL, NULL },
		{ "pen", EINVAL, NULL },
		{ "pen1x", EINVAL, NULL },
		{ "4294967296", ERANGE, NULL },
		{ "/a/path/longer/than/the/buffer/is", ERANGE, NULL },
	};
	unsigned int n;
	char buf[8];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(indexes); i++)
		index_is(indexes[i].s, indexes[i].err, indexes[i].index);
	check(pen_parse_index(NULL, &n) == -1 && errno == EINVAL,
	      "pen_parse_index(NULL) fails with EINVAL");
	check(pen_parse_index("1", NULL) == -1 && errno == EINVAL,
	      "pen_parse_index(.., NULL) fails with EINVAL");

	for (i = 0; i < ARRAY_SIZE(devices); i++)
		device_is(devices[i].s, devices[i].err, devices[i].path);
	check(pen_parse_device(NULL, buf, sizeof(buf)) == -1 &&
	      errno == EINVAL, "pen_parse_device(NULL) fails with EINVAL");
	check(pen_parse_device("1", NULL, 8) == -1 && errno == EINVAL,
	      "pen_parse_device(.., NULL) fails with EINVAL");
	check(pen_parse_device("123", buf, sizeof(buf)) == -1 &&
	      errno == ERANGE && !buf[0],
	      "a path that does not fit is ERANGE and left empty");
}

/* ---- Why a value was refused ------------------------------------------- */

static void why_is(enum pen_quantity q, const char *s, const char *want)
{
	char buf[128];
	const char *got;

	buf[0] = '\0';
	errno = 0;
	got = pen_parse_strerror(q, s, buf, sizeof(buf));
	if (want)
		check(got == buf && !strcmp(buf, want),
		      "'%s' is refused: %s (got '%s')", s, want, buf);
	else
		check(!got && errno == EINVAL,
		      "'%s' parses: nothing to explain (got '%s')", s, buf);
}

static void test_parse_strerror(void)
{
	/* What is wrong, in the words of penctl's errors; NULL: nothing. */
	static const struct {
		enum pen_quantity q;
		const char *s, *why;
	} cases[] = {
		{ PEN_QUANTITY_DEPTH, "",
		  "empty value" },
		{ PEN_QUANTITY_DEPTH, "-1mm",
		  "negative values are not allowed" },
		{ PEN_QUANTITY_DEPTH, "x",
		  "not a number" },
		{ PEN_QUANTITY_DEPTH, ".5mm",
		  "malformed number (write 0.5, not .5)" },
		{ PEN_QUANTITY_DEPTH, "1.mm",
		  "malformed number" },
		{ PEN_QUANTITY_DEPTH, "1.5.5mm",
		  "malformed number" },
		{ PEN_QUANTITY_DEPTH, "1,5mm",
		  "malformed number" },
		{ PEN_QUANTITY_DEPTH, "1",
		  "missing unit (use mm or um)" },
		{ PEN_QUANTITY_DEPTH, "2x",
		  "unknown unit 'x' (use mm or um)" },
		{ PEN_QUANTITY_DEPTH, "1.5um",
		  "not a whole number of micrometres" },
		{ PEN_QUANTITY_DEPTH, "99999999mm",
		  "too large" },
		{ PEN_QUANTITY_DEPTH, "1mm",
		  NULL },
		{ PEN_QUANTITY_RATE, "100MHz",
		  "MHz is megahertz; use mHz" },
		{ PEN_QUANTITY_RATE, "0.0001Hz",
		  "finer than 1 mHz (at most 3 decimals in Hz, spm or rpm; whole numbers in mHz)" },
		{ PEN_QUANTITY_RATE, "100",
		  "missing unit (use Hz, mHz, spm or rpm)" },
		{ PEN_QUANTITY_DURATION, "3",
		  NULL },
		{ PEN_QUANTITY_DURATION, "500ms",
		  NULL },
		{ PEN_QUANTITY_DURATION, "3 ",
		  "missing unit (use ms, s, m or h)" },
		{ PEN_QUANTITY_DURATION, "0.0",
		  "must be greater than zero" },
		{ PEN_QUANTITY_DURATION, "0ms",
		  "must be greater than zero" },
		{ PEN_QUANTITY_DURATION, "0.0000000001",
		  "finer than 1 ns" },
		{ PEN_QUANTITY_DURATION, "99999999999",
		  "too large" },
		{ PEN_QUANTITY_DURATION, "2x",
		  "unknown unit 'x' (use ms, s, m or h)" },
		{ PEN_QUANTITY_INDEX, "x1",
		  "not a pen (N, penN or /dev/penN)" },
		{ PEN_QUANTITY_INDEX, "4294967296",
		  "number too large" },
		{ PEN_QUANTITY_INDEX, "",
		  "empty value" },
		{ PEN_QUANTITY_INDEX, "pen2",
		  NULL },
		{ PEN_QUANTITY_DEVICE, "pen",
		  "not a pen (N, penN or /dev/penN) or a path with a '/'" },
		{ PEN_QUANTITY_DEVICE, "./pen",
		  NULL },
		{ PEN_QUANTITY_DEVICE, "/dev/pen99999999999",
		  "number too large" },
		{ PEN_QUANTITY_DEVICE, "/a/path/longer/than/32/bytes/pen0",
		  NULL },
	};
	static char long_path[PATH_MAX + 1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		why_is(cases[i].q, cases[i].s, cases[i].why);
	/* Only a path that fits no buffer is too long. */
	memset(long_path, 'a', PATH_MAX);
	long_path[0] = '/';
	char buf[128];

	check(pen_parse_strerror(PEN_QUANTITY_DEVICE, long_path, buf,
				 sizeof(buf)) == buf &&
	      !strcmp(buf, "path too long"),
	      "a path of PATH_MAX bytes is refused: path too long (got '%s')",
	      buf);

	check(!pen_parse_strerror(PEN_QUANTITY_DEPTH, NULL, buf, sizeof(buf)) &&
	      errno == EINVAL, "pen_parse_strerror(NULL) fails with EINVAL");
	check(!pen_parse_strerror((enum pen_quantity)99, "x", buf,
				  sizeof(buf)) && errno == EINVAL,
	      "pen_parse_strerror() of an unknown quantity fails with EINVAL");
}

/* ---- Which rule a refused setpoint broke ------------------------------- */

/* 0.25 mm to 3 mm in 0.05 mm steps, capped at 2 mm; 1 Hz to 150 Hz. */
static const struct pen_info rules_info = {
	.depth_min_um = 250, .depth_max_um = 3000, .depth_step_um = 50,
	.rate_min_mhz = 1000, .rate_max_mhz = 150000, .depth_cap_um = 2000,
};

static void refusal_is(uint32_t mask, uint32_t depth, uint32_t rate, int err,
		       enum pen_rule rule, const char *words)
{
	struct pen_refusal why;
	char buf[96] = "";
	int ret;

	ret = pen_setpoint_refusal(&rules_info, mask, depth, rate, err, &why);
	if (ret == 0 && why.rule != PEN_RULE_NONE)
		pen_format_refusal(&why, buf, sizeof(buf));
	check(ret == 0 && why.rule == rule &&
	      (!words || !strcmp(buf, words)),
	      "depth %u um, rate %u mHz refused with %s: %s, '%s' (got %s, '%s')",
	      depth, rate, errname(err), pen_rule_name(rule),
	      words ? words : "", pen_rule_name(why.rule), buf);
}

static void test_refusal(void)
{
	const uint32_t d = PEN_PARAM_DEPTH, r = PEN_PARAM_RATE;
	struct pen_refusal why = { .rule = PEN_RULE_NONE };
	struct pen *pen;
	char buf[96];

	refusal_is(d, 200, 0, ERANGE, PEN_RULE_DEPTH_RANGE,
		   "outside the pen's range, 0.25 mm to 3 mm");
	refusal_is(d, 3050, 0, ERANGE, PEN_RULE_DEPTH_RANGE, NULL);
	refusal_is(d, 260, 0, EINVAL, PEN_RULE_DEPTH_STEP,
		   "not on the pen's 0.05 mm steps from 0.25 mm");
	refusal_is(d, 2500, 0, ERANGE, PEN_RULE_DEPTH_CAP,
		   "above the pen's depth cap, 2 mm");
	/* Off the grid and above the cap: the kernel says EINVAL, the step. */
	refusal_is(d, 2510, 0, EINVAL, PEN_RULE_DEPTH_STEP, NULL);
	refusal_is(r, 0, 500, ERANGE, PEN_RULE_RATE_RANGE,
		   "outside the pen's range, 1 Hz to 150 Hz");
	refusal_is(d | r, 500, 151000, ERANGE, PEN_RULE_RATE_RANGE, NULL);
	/* The depth is checked first, as in the kernel. */
	refusal_is(d | r, 100, 151000, ERANGE, PEN_RULE_DEPTH_RANGE, NULL);
	/* A rule only explains the errno it is refused with. */
	refusal_is(d, 200, 0, EINVAL, PEN_RULE_NONE, NULL);
	refusal_is(d, 260, 0, ERANGE, PEN_RULE_NONE, NULL);
	refusal_is(d, 1000, 0, EBUSY, PEN_RULE_NONE, NULL);
	refusal_is(d, 1000, 0, ERANGE, PEN_RULE_NONE, NULL);
	/* A rate out of range is no rule when only the depth was set. */
	refusal_is(d, 1000, 500, ERANGE, PEN_RULE_NONE, NULL);

	check(pen_setpoint_refusal(NULL, d, 1, 0, ERANGE, &why) == -1 &&
	      errno == EINVAL, "pen_setpoint_refusal(NULL) fails with EINVAL");
	check(pen_setpoint_refusal(&rules_info, d, 1, 0, ERANGE, NULL) == -1 &&
	      errno == EINVAL,
	      "pen_setpoint_refusal(.., NULL) fails with EINVAL");
	check(pen_explain_refusal(NULL, d, 1, 0, ERANGE, &why) == -1 &&
	      errno == EINVAL, "pen_explain_refusal(NULL) fails with EINVAL");
	pen = pen_open("/dev/null", 0);
	errno = 0;
	check(pen && pen_explain_refusal(pen, d, 1, 0, ERANGE, NULL) == -1 &&
	      errno == EINVAL,
	      "pen_explain_refusal(pen, .., NULL) fails with EINVAL");
	pen_close(pen);
	errno = 0;
	check(pen_format_refusal(NULL, buf, sizeof(buf)) == -1 &&
	      errno == EINVAL, "pen_format_refusal(NULL) fails with EINVAL");
	why.rule = PEN_RULE_DEPTH_CAP;
	why.cap = 2000;
	errno = 0;
	check(pen_format_refusal(&why, NULL, 96) == -1 && errno == EINVAL,
	      "pen_format_refusal(.., NULL) fails with EINVAL");
	why.rule = PEN_RULE_NONE;
	check(pen_format_refusal(&why, buf, sizeof(buf)) == -1 &&
	      errno == EINVAL, "no rule has no words");
	why.rule = PEN_RULE_DEPTH_CAP;
	why.cap = 2000;
	check(pen_format_refusal(&why, buf, 8) == -1 && errno == ERANGE &&
	      !buf[0], "words that do not fit are ERANGE and left empty");
	check(!strcmp(pen_rule_name(PEN_RULE_DEPTH_STEP), "depth-step") &&
	      !strcmp(pen_rule_name((enum pen_rule)42), "unknown"),
	      "rules have names");
}

/* The new functions went to a new version node, the old ones stayed. */
static void test_versions(void)
{
	static const char *const v1_1[] = {
		"pen_wait_events", "pen_read_events", "pen_event_type_name",
	};
	static const char *const v1_2[] = {
		"pen_buttons_open", "pen_buttons_close", "pen_buttons_fd",
		"pen_buttons_has", "pen_buttons_is_pressed",
		"pen_buttons_wait", "pen_buttons_read", "pen_button_name",
	};
	static const char *const v1_4[] = {
		"pen_parse_index", "pen_parse_device", "pen_parse_strerror",
		"pen_setpoint_refusal", "pen_explain_refusal",
		"pen_format_refusal", "pen_rule_name",
	};
	size_t i;

	if (!dlvsym(RTLD_DEFAULT, "pen_open", "LIBPEN_1")) {
		printf("# libpen is linked in statically: no symbol versions to check\n");
		return;
	}
	check(!dlvsym(RTLD_DEFAULT, "pen_open", "LIBPEN_1.1"),
	      "pen_open is at LIBPEN_1 only");
	for (i = 0; i < ARRAY_SIZE(v1_1); i++)
		check(dlvsym(RTLD_DEFAULT, v1_1[i], "LIBPEN_1.1") &&
		      !dlvsym(RTLD_DEFAULT, v1_1[i], "LIBPEN_1"),
		      "%s is at LIBPEN_1.1, not LIBPEN_1", v1_1[i]);
	for (i = 0; i < ARRAY_SIZE(v1_2); i++)
		check(dlvsym(RTLD_DEFAULT, v1_2[i], "LIBPEN_1.2") &&
		      !dlvsym(RTLD_DEFAULT, v1_2[i], "LIBPEN_1.1") &&
		      !dlvsym(RTLD_DEFAULT, v1_2[i], "LIBPEN_1"),
		      "%s is at LIBPEN_1.2 only", v1_2[i]);
	check(dlvsym(RTLD_DEFAULT, "pen_set_hold_to_run", "LIBPEN_1.3") &&
	      !dlvsym(RTLD_DEFAULT, "pen_set_hold_to_run", "LIBPEN_1.2") &&
	      !dlvsym(RTLD_DEFAULT, "pen_set_hold_to_run", "LIBPEN_1"),
	      "pen_set_hold_to_run is at LIBPEN_1.3 only");
	for (i = 0; i < ARRAY_SIZE(v1_4); i++)
		check(dlvsym(RTLD_DEFAULT, v1_4[i], "LIBPEN_1.4") &&
		      !dlvsym(RTLD_DEFAULT, v1_4[i], "LIBPEN_1.3"),
		      "%s is at LIBPEN_1.4 only", v1_4[i]);
}

/* ---- penctl ------------------------------------------------------------ */

static const char *penctl;
static char tmp_dir[] = "/tmp/test-penctl.XXXXXX";
static char penctl_out[8192];

/*
 * Run penctl with @argv (NULL-terminated, without argv[0]); its status.
 * What it says is in penctl_out, its standard output too unless @out
 * names a file for that.
 */
static int run_penctl_to(const char *const *argv, const char *out)
{
	char path[64], *args[16];
	int status, fd;
	size_t i, n;
	ssize_t got;
	pid_t pid;

	args[0] = (char *)penctl;
	for (n = 1; argv[n - 1] && n < ARRAY_SIZE(args) - 1; n++)
		args[n] = (char *)argv[n - 1];
	args[n] = NULL;

	snprintf(path, sizeof(path), "%s/out", tmp_dir);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (out) {
			fd = open(out, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(127);
		}
		execv(penctl, args);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		close(fd);
		return -1;
	}
	got = pread(fd, penctl_out, sizeof(penctl_out) - 1, 0);
	penctl_out[got > 0 ? got : 0] = '\0';
	close(fd);
	/* One line per check in the report, whatever penctl printed. */
	for (i = 0; penctl_out[i]; i++)
		if (penctl_out[i] == '\n' && penctl_out[i + 1])
			penctl_out[i] = '|';
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * penctl ARGV... >@out exits with @rc and says @want (on stdout or
 * stderr; stderr alone with @out).
 */
static void penctl_to_is(int rc, const char *want, const char *out,
			 const char *const *argv)
{
	const char *const *a;
	const char *base;
	char args[256];
	size_t len = 0;
	bool ok;
	int got;

	args[0] = '\0';
	for (a = argv; *a && len < sizeof(args); a++) {
		/* Files by their name: the temporary directory is noise. */
		base = strncmp(*a, tmp_dir, strlen(tmp_dir)) ? *a :
		       *a + strlen(tmp_dir) + 1;
		len += snprintf(args + len, sizeof(args) - len, " %s", base);
	}
	got = run_penctl_to(argv, out);
	ok = got == rc && strstr(penctl_out, want);
	check(ok, "penctl%s%s%s: exit %d, says \"%s\"", args, out ? " >" : "",
	      out ? out : "", rc, want);
	if (!ok)
		printf("# exit %d: %s\n", got, penctl_out);
}

#define PENCTL(rc, want, ...) \
	penctl_to_is(rc, want, NULL, (const char *const[]){ __VA_ARGS__, NULL })
/* The same with its standard output to the file @out. */
#define PENCTL_TO(out, rc, want, ...) \
	penctl_to_is(rc, want, out, (const char *const[]){ __VA_ARGS__, NULL })

/* A session log of LINES (each without its newline) in the temp dir. */
static const char *write_log(const char *name, const char *const *lines)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp_dir, name);
	f = fopen(path, "w");
	if (!f)
		return path;
	for (; *lines; lines++)
		fprintf(f, "%s\n", *lines);
	fclose(f);
	return path;
}

#define LOG(name, ...) \
	write_log(name, (const char *const[]){ __VA_ARGS__, NULL })

#define L_SESSION \
	"{\"type\":\"session\",\"version\":1,\"penctl\":\"0.1.0\"," \
	"\"path\":\"/dev/pen0\",\"name\":\"pen0\"," \
	"\"driver\":\"pen_sim\",\"model\":\"pen-sim\"," \
	"\"serial\":\"SIM-1\",\"api_version\":3,\"depth\":\"0.5 mm\"," \
	"\"depth_um\":500,\"rate\":\"100 Hz\",\"rate_mhz\":100000," \
	"\"duration_ns\":null," \
	"\"start_time\":\"2026-01-01T00:00:00.000Z\"," \
	"\"start_ns\":1000}"
#define L_SETPOINT \
	"{\"type\":\"setpoint\",\"seq\":0,\"timestamp_ns\":1100," \
	"\"flags\":0,\"depth_um\":500,\"rate_mhz\":100000,\"mask\":3}"
#define L_RUNNING \
	"{\"type\":\"state\",\"seq\":0,\"timestamp_ns\":2000," \
	"\"flags\":0,\"state\":\"running\",\"state_code\":1," \
	"\"stop_reason\":\"none\",\"stop_reason_code\":0," \
	"\"depth_um\":500,\"rate_mhz\":100000}"
#define L_STROKE0 \
	"{\"type\":\"stroke\",\"seq\":0,\"timestamp_ns\":2000," \
	"\"flags\":1,\"measured\":true,\"cmd_um\":500," \
	"\"reached_um\":498,\"lateness_ns\":1500,\"reached_ns\":2500," \
	"\"missed\":0,\"rate_mhz\":100000}"
#define L_STROKE1 \
	"{\"type\":\"stroke\",\"seq\":1,\"timestamp_ns\":10002000," \
	"\"flags\":1,\"measured\":true,\"cmd_um\":500," \
	"\"reached_um\":503,\"lateness_ns\":2500," \
	"\"reached_ns\":10002500,\"missed\":2,\"rate_mhz\":100000}"
#define L_FAULT \
	"{\"type\":\"fault\",\"seq\":2,\"timestamp_ns\":20002000," \
	"\"flags\":1,\"fault\":\"over-depth\",\"fault_code\":1," \
	"\"fault_value\":300,\"latched\":true}"
#define L_STROKE2 \
	"{\"type\":\"stroke\",\"seq\":2,\"timestamp_ns\":20002000," \
	"\"flags\":0,\"measured\":false,\"cmd_um\":500," \
	"\"reached_um\":0,\"lateness_ns\":100,\"reached_ns\":0," \
	"\"missed\":0,\"rate_mhz\":100000}"
#define L_STOPPED \
	"{\"type\":\"state\",\"seq\":3,\"timestamp_ns\":1000002000," \
	"\"flags\":0,\"state\":\"stopped\",\"state_code\":0," \
	"\"stop_reason\":\"fault\",\"stop_reason_code\":5," \
	"\"depth_um\":500,\"rate_mhz\":100000}"
#define L_OVERFLOW \
	"{\"type\":\"overflow\",\"seq\":2,\"timestamp_ns\":20000000," \
	"\"flags\":0,\"lost\":5}"
#define L_SUMMARY(strokes, missed) \
	"{\"type\":\"summary\",\"ended_by\":\"pen\",\"signal\":null," \
	"\"events\":7,\"lost_events\":0,\"elapsed_ns\":1000000000," \
	"\"error\":null,\"state\":\"stopped\"," \
	"\"stop_reason\":\"fault\",\"stop_reason_code\":5," \
	"\"fault\":\"over-depth\",\"fault_code\":1," \
	"\"fault_value\":300,\"fault_ns\":20002000,\"fault_seq\":2," \
	"\"run_strokes\":" \
	#strokes \
	",\"run_missed_strokes\":" \
	#missed \
	",\"max_lateness_ns\":2500,\"started_ns\":2000," \
	"\"stopped_ns\":1000002000,\"end_ns\":1000003000}"
#define L_SUMMARY_GONE \
	"{\"type\":\"summary\",\"ended_by\":\"pen\",\"signal\":null," \
	"\"events\":3,\"lost_events\":0,\"elapsed_ns\":5," \
	"\"error\":\"pen is gone (removed)\",\"state\":null," \
	"\"stop_reason\":null,\"stop_reason_code\":null," \
	"\"fault\":null,\"fault_code\":null,\"fault_value\":null," \
	"\"fault_ns\":null,\"fault_seq\":null,\"run_strokes\":null," \
	"\"run_missed_strokes\":null,\"max_lateness_ns\":null," \
	"\"started_ns\":null,\"stopped_ns\":null,\"end_ns\":9}"

/* penctl list on a host without pens: it says so, or gives []. */
static void test_penctl_list(void)
{
	struct dirent *e;
	bool pens = false;
	DIR *dir;

	dir = opendir("/dev");
	while (dir && (e = readdir(dir)))
		if (!strncmp(e->d_name, "pen", 3) &&
		    e->d_name[3] >= '0' && e->d_name[3] <= '9')
			pens = true;
	if (dir)
		closedir(dir);
	if (pens) {
		printf("# /dev has pens: the checks of list without them skipped\n");
		return;
	}
	PENCTL(0, "no pens found", "list");
	PENCTL(0, "[]", "--json", "list");
}

static void test_penctl_usage(void)
{
	char version[32];

	PENCTL(2, "invalid count '0': must be greater than zero",
	       "monitor", "--count", "0");
	PENCTL(2, "invalid count 'abc': not a whole number",
	       "monitor", "--count", "abc");
	PENCTL(2, "invalid count '-1': negative", "monitor", "--count=-1");
	PENCTL(2, "invalid count '99999999999999999999': too large",
	       "monitor", "--count", "99999999999999999999");
	PENCTL(2, "invalid count '': empty", "monitor", "--count", "");
	PENCTL(2, "option '--count' given twice",
	       "monitor", "--count", "1", "--count", "2");
	PENCTL(2, "option '--count' does not apply to 'status'",
	       "status", "--count", "3");
	PENCTL(2, "option '--log' does not apply to 'monitor'",
	       "monitor", "--log", "x");
	PENCTL(2, "invalid log file '': empty", "run", "--log", "");
	PENCTL(2, "option '--log' needs a value", "run", "--log");
	PENCTL(2, "invalid duration 'soon'",
	       "monitor", "--duration", "soon");
	PENCTL(2, "replay needs a FILE", "replay");
	PENCTL(2, "unexpected argument 'b'", "replay", "a", "b");
	PENCTL(2, "option '--device' does not apply to 'replay'",
	       "-d", "1", "replay", "a");
	PENCTL(2, "unexpected argument 'x'", "monitor", "x");
	/* A UTF-8 option: named whole, not as the previous argument. */
	PENCTL(2, "invalid option '-\xc3\xa9'", "-\xc3\xa9", "status");
	PENCTL(2, "invalid option '-h\xc3\xa9'", "status", "-h\xc3\xa9");
	PENCTL(2, "invalid option '-x'", "status", "-xh");
	PENCTL(0, "monitor [--duration T] [--count N]", "--help");
	/* run --buttons: its levels are checked before any pen is opened. */
	PENCTL(2, "option '--levels' needs '--buttons'",
	       "run", "--levels", "50Hz,80Hz");
	PENCTL(2, "invalid levels '50Hz': a single level; give 2 to 16",
	       "run", "--buttons", "--levels", "50Hz");
	PENCTL(2, "invalid levels '80Hz,50Hz': 50 Hz is not faster than 80 Hz (slowest first)",
	       "run", "--buttons", "--levels", "80Hz,50Hz");
	PENCTL(2, "invalid levels '50Hz,50Hz': 50 Hz is not faster than 50 Hz",
	       "run", "--buttons", "--levels", "50Hz,50Hz");
	PENCTL(2, "invalid level '': empty value",
	       "run", "--buttons", "--levels", "50Hz,,80Hz");
	PENCTL(2, "invalid level 'fast': not a number",
	       "run", "--buttons", "--levels", "50Hz,fast");
	PENCTL(2, "invalid level '50MHz': MHz is megahertz; use mHz",
	       "run", "--buttons", "--levels=50MHz,80Hz");
	PENCTL(2, "invalid level '80': missing unit",
	       "run", "--buttons", "--levels", "50Hz,80");
	PENCTL(2, "invalid levels '': empty", "run", "--buttons", "--levels", "");
	PENCTL(2, "more than 16 levels", "run", "--buttons", "--levels",
	       "1Hz,2Hz,3Hz,4Hz,5Hz,6Hz,7Hz,8Hz,9Hz,10Hz,11Hz,12Hz,13Hz,"
	       "14Hz,15Hz,16Hz,17Hz");
	PENCTL(2, "option '--json' does not apply to 'run --buttons'",
	       "--json", "run", "--buttons");
	PENCTL(2, "option '--buttons' does not apply to 'start'",
	       "start", "--buttons");
	PENCTL(2, "option '--levels' does not apply to 'monitor'",
	       "monitor", "--levels", "1Hz,2Hz");
	PENCTL(2, "option '--buttons' given twice",
	       "run", "--buttons", "--buttons");
	PENCTL(0, "run --buttons [--levels LIST]", "--help");
	PENCTL(1, "/dev/null: cannot read pen info: not a pen device",
	       "-d", "/dev/null", "run", "--buttons", "--levels", "1Hz,2Hz");
	PENCTL(0, "replay FILE", "help");
	/* Not pens: refused before anything is written. */
	PENCTL(1, "/dev/null: cannot read pen info: not a pen device",
	       "-d", "/dev/null", "monitor");
	PENCTL(1, "/dev/null: cannot read pen info: not a pen device",
	       "-d", "/dev/null", "run", "--log", "/nonexistent/x.log");

	/* The version, and the API it was built for: no command needed. */
	snprintf(version, sizeof(version), " (pen API %d)", PEN_API_VERSION);
	PENCTL(0, version, "--version");
	PENCTL(0, version, "-V", "status");
	PENCTL(2, "invalid option '--version=1'", "--version=1");
	PENCTL(2, "missing command (see 'penctl --help')", "--json");
	PENCTL(2, "missing command (see 'penctl --help')", "-d", "1", "--");
	/* After "--" every argument is an operand, however many. */
	PENCTL(2, "unknown command '-x'", "--", "-x");
	PENCTL(2, "unexpected argument 'b'", "--", "replay", "a", "b", "c",
	       "d");
	PENCTL(2, "unexpected argument 'b'", "replay", "a", "b", "c", "d");
	PENCTL(2, "option '--hold-to-run' does not apply to 'run --buttons', which holds to run whenever the pen has a footswitch",
	       "run", "--buttons", "--hold-to-run");
	PENCTL(2, "invalid watchdog 'soon': not a number",
	       "run", "--watchdog", "soon");
	PENCTL(2, "invalid watchdog '0s': must be greater than zero",
	       "run", "--watchdog=0s");
	PENCTL(2, "invalid watchdog '1.5ms': not a whole number of milliseconds",
	       "run", "--watchdog", "1.5ms");
	PENCTL(2, "invalid watchdog '9ms': shorter than the kernel's shortest, 10 ms",
	       "start", "--watchdog", "9ms");
	PENCTL(2, "invalid watchdog '60001ms': longer than the kernel's longest, 60 s",
	       "run", "--watchdog", "60001ms");
	PENCTL(2, "options '--watchdog' and '--no-watchdog' exclude each other",
	       "run", "--watchdog", "1s", "--no-watchdog");
	PENCTL(2, "set needs --depth, --rate or both", "set");
	PENCTL(2, "invalid depth '0.5': missing unit (use mm or um)",
	       "set", "--depth", "0.5");
	PENCTL(2, "invalid rate '100MHz': MHz is megahertz; use mHz",
	       "set", "--rate", "100MHz");
	PENCTL(2, "invalid file '': empty", "replay", "");
	PENCTL(2, "invalid device 'pen': not a pen (N, penN or /dev/penN) or a path with a '/'",
	       "-d", "pen", "status");
	PENCTL(2, "invalid device '4294967296': number too large",
	       "--device", "4294967296", "status");
	/* A path longer than 31 bytes is a path like any other. */
	PENCTL(1, "penctl: /tmp/no/such/directory/for/a/pen/pen0: no such pen",
	       "--device", "/tmp/no/such/directory/for/a/pen/pen0", "status");
	/* A control character the user typed is not printed as it is. */
	PENCTL(2, "unknown command 'a?b'", "a\nb");
	PENCTL(2, "penctl: unknown command '?[2J'", "\033[2J");
	/* Paths that are not pens, refused as they are opened. */
	PENCTL(1, "penctl: /dev/null/pen0: Not a directory",
	       "-d", "/dev/null/pen0", "status");
	PENCTL(1, "penctl: /proc/version: not a pen device",
	       "-d", "/proc/version", "status");
	PENCTL(1, "penctl: /: not a pen device", "-d", "/", "--json", "info");

	test_penctl_list();

	/* Output that did not arrive is a failure, not a success. */
	if (access("/dev/full", W_OK)) {
		printf("# no /dev/full: write error checks skipped\n");
		return;
	}
	PENCTL_TO("/dev/full", 1, "penctl: write error on standard output",
		  "help");
	PENCTL_TO("/dev/full", 1, "penctl: write error on standard output",
		  "--help");
	PENCTL_TO("/dev/full", 1, "penctl: write error on standard output",
		  "--version");
}

/* Each record of a log of ONE line, with @json, is refused: @want. */
#define REFUSED(want, json) \
	PENCTL(1, want, "replay", LOG("refused.log", json))

/* What replay makes of records a driver or penctl should never write. */
static void test_penctl_replay_refused(void)
{
	REFUSED("refused.log: line 1: stroke record: \"measured\" is not true or false",
		"{\"type\":\"stroke\",\"timestamp_ns\":1,\"measured\":1}");
	REFUSED("refused.log: line 1: stroke record without \"measured\"",
		"{\"type\":\"stroke\",\"timestamp_ns\":1}");
	REFUSED("refused.log: line 1: state record: \"state\" is not a string",
		"{\"type\":\"state\",\"timestamp_ns\":1,\"state\":1}");
	REFUSED("refused.log: line 1: a record: \"type\" is not a string",
		"{\"type\":7}");
	REFUSED("refused.log: line 1: fault record: \"fault\" is not a string",
		"{\"type\":\"fault\",\"timestamp_ns\":1,\"fault\":null}");
	/* A timing fault's value is the periods missed: it must be there. */
	REFUSED("refused.log: line 1: fault record without \"fault_value\"",
		"{\"type\":\"fault\",\"timestamp_ns\":1,\"fault\":\"timing\"}");
	REFUSED("refused.log: line 1: frob record without \"timestamp_ns\"",
		"{\"type\":\"frob\"}");
	/* Depths are 32 bits in the driver: more is not a depth. */
	REFUSED("refused.log: line 1: stroke record: depth out of range",
		"{\"type\":\"stroke\",\"timestamp_ns\":1,\"measured\":true,"
		"\"cmd_um\":4294967296,\"reached_um\":0,\"lateness_ns\":0,"
		"\"missed\":0}");
	REFUSED("refused.log: line 1: stroke record: depth out of range",
		"{\"type\":\"stroke\",\"timestamp_ns\":1,\"measured\":true,"
		"\"cmd_um\":500,\"reached_um\":18446744073709551615,"
		"\"lateness_ns\":0,\"missed\":0}");
	/* A summary has both counters, or both null (the pen was gone). */
	REFUSED("refused.log: line 1: summary record without \"run_strokes\" and \"run_missed_strokes\"",
		"{\"type\":\"summary\"}");
	REFUSED("refused.log: line 1: summary record without \"run_strokes\" and \"run_missed_strokes\"",
		"{\"type\":\"summary\",\"run_strokes\":0}");
	REFUSED("refused.log: line 1: summary record with only one of its counters",
		"{\"type\":\"summary\",\"run_strokes\":null,"
		"\"run_missed_strokes\":3}");
	REFUSED("refused.log: line 1: summary record with only one of its counters",
		"{\"type\":\"summary\",\"run_strokes\":3,"
		"\"run_missed_strokes\":null}");
	REFUSED("refused.log: line 1: summary record: \"run_strokes\" is not an integer",
		"{\"type\":\"summary\",\"run_strokes\":\"3\","
		"\"run_missed_strokes\":0}");
	REFUSED("refused.log: line 1: summary record: \"run_missed_strokes\" is negative",
		"{\"type\":\"summary\",\"run_strokes\":3,"
		"\"run_missed_strokes\":-1}");
}

#define L_FAULT_NAMED(name) \
	"{\"type\":\"fault\",\"timestamp_ns\":5,\"fault\":\"" name "\"}"

/* Logs replay takes, with what only the unusual ones have. */
static void test_penctl_replay_more(void)
{
	char dir[sizeof(tmp_dir) + 16];
	const char *f;
	FILE *g;

	test_penctl_replay_refused();

	/* No session, no measured stroke: nulls, not made-up values. */
	f = LOG("bare.log", L_STROKE2);
	PENCTL(0, "\"name\":null,\"driver\":null,\"model\":null,"
	       "\"serial\":null,\"start_time\":null,\"events\":1,"
	       "\"strokes\":1,\"measured_strokes\":0",
	       "--json", "replay", f);
	PENCTL(0, "\"depth_error_min_um\":null,\"depth_error_mean_um\":null,"
	       "\"depth_error_max_um\":null,\"max_lateness_ns\":100",
	       "--json", "replay", f);

	/* Only the first of the states "running" starts the clock. */
	f = LOG("states.log", L_STOPPED, L_RUNNING,
		"{\"type\":\"state\",\"timestamp_ns\":500000000,"
		"\"state\":\"running\"}", L_STROKE0, L_STOPPED);
	PENCTL(0, "duration:           1.000 s|", "replay", f);
	/* A session record after an event is not the first line. */
	f = LOG("late.log", L_RUNNING, L_SESSION);
	PENCTL(1, "late.log: line 2: a session record that is not the first line",
	       "replay", f);
	/* Names that are not strings are left empty. */
	f = LOG("numbers.log", "{\"type\":\"session\",\"name\":5}");
	PENCTL(0, "\"name\":\"\",\"driver\":\"\"", "--json", "replay", f);
	/* No counters and no error in the summary. */
	f = LOG("noerror.log", L_RUNNING,
		"{\"type\":\"summary\",\"run_strokes\":null,"
		"\"run_missed_strokes\":null,\"error\":null}");
	PENCTL(0, "unknown (none in the summary: not read)", "replay", f);
	/* Two overflows: records, plural, and their losses added up. */
	f = LOG("overflows.log", L_OVERFLOW, L_OVERFLOW);
	PENCTL(0, "overflow:           2 records, 10 events lost", "replay", f);

	/* The order of the strokes does not change the depth error. */
	f = LOG("reversed.log", L_SESSION, L_RUNNING, L_STROKE1, L_STROKE0,
		L_STOPPED, L_SUMMARY(2, 2));
	PENCTL(0, "depth error:        min -2 um, mean +0.5 um, max +3 um",
	       "replay", f);

	/* A timing fault's periods are missed strokes, as the driver counts. */
	f = LOG("timing.log", L_SESSION, L_RUNNING, L_STROKE0,
		"{\"type\":\"fault\",\"seq\":1,\"timestamp_ns\":3000,"
		"\"flags\":1,\"fault\":\"timing\",\"fault_code\":6,"
		"\"fault_value\":4,\"latched\":true}",
		L_STOPPED, L_SUMMARY(1, 4));
	PENCTL(0, "missed strokes:     4|", "replay", f);
	PENCTL(0, "faults:             1 (timing 1)", "replay", f);
	PENCTL(0, "matches the driver's counters: yes", "replay", f);

	/* Records it has no sum for still count as events. */
	f = LOG("other.log",
		"{\"type\":\"fault-cleared\",\"timestamp_ns\":1,"
		"\"fault\":\"stall\"}",
		"{\"type\":\"cartridge\",\"timestamp_ns\":2}",
		"{\"type\":\"from-a-newer-driver\",\"timestamp_ns\":3}");
	PENCTL(0, "\"events\":3,\"strokes\":0,\"measured_strokes\":0,"
	       "\"missed_strokes\":0,\"faults\":0,\"faults_by_name\":{},",
	       "--json", "replay", f);
	PENCTL(0, "faults:             none", "replay", f);

	/* Sixteen kinds of fault by name, the rest as "other". */
	f = LOG("kinds.log", L_FAULT_NAMED("k01"), L_FAULT_NAMED("k02"),
		L_FAULT_NAMED("k03"), L_FAULT_NAMED("k04"),
		L_FAULT_NAMED("k05"), L_FAULT_NAMED("k06"),
		L_FAULT_NAMED("k07"), L_FAULT_NAMED("k08"),
		L_FAULT_NAMED("k09"), L_FAULT_NAMED("k10"),
		L_FAULT_NAMED("k11"), L_FAULT_NAMED("k12"),
		L_FAULT_NAMED("k13"), L_FAULT_NAMED("k14"),
		L_FAULT_NAMED("k15"), L_FAULT_NAMED("k16"),
		L_FAULT_NAMED("k17"), L_FAULT_NAMED("k01"),
		L_FAULT_NAMED("k18"), L_FAULT_NAMED("k16"));
	PENCTL(0, "faults:             20 (k01 2, k02 1, k03 1, k04 1, k05 1, "
	       "k06 1, k07 1, k08 1, k09 1, k10 1, k11 1, k12 1, k13 1, "
	       "k14 1, k15 1, k16 2, other 2)", "replay", f);
	PENCTL(0, "\"faults\":20,\"faults_by_name\":{\"k01\":2,\"k02\":1,",
	       "--json", "replay", f);
	PENCTL(0, "\"k15\":1,\"k16\":2,\"other\":2},", "--json", "replay", f);

	/* What the log says goes to a terminal: no control characters. */
	f = LOG("control.log",
		"{\"type\":\"session\",\"name\":\"pen\\u001b[2J\","
		"\"driver\":\"d\\u007f\",\"model\":\"m\\n\","
		"\"serial\":\"s\\t\",\"start_time\":\"t\"}",
		L_FAULT_NAMED("over\\u0007depth"));
	PENCTL(0, "session of pen?[2J (d?, m?, serial s?), started t",
	       "replay", f);
	PENCTL(0, "faults:             1 (over?depth 1)", "replay", f);

	/*
	 * A byte past ASCII (not UTF-8) is taken as Latin-1: the JSON is
	 * UTF-8 whatever the log holds; the text has the byte as it is.
	 */
	f = LOG("latin1.log",
		"{\"type\":\"session\",\"name\":\"Stift-\xe9\","
		"\"driver\":\"d\",\"model\":\"m\",\"serial\":\"\xb5-1\","
		"\"start_time\":\"t\"}",
		L_FAULT_NAMED("gr\xfcn"));
	PENCTL(0, "\"name\":\"Stift-\xc3\xa9\",\"driver\":\"d\",\"model\":\"m\","
	       "\"serial\":\"\xc2\xb5-1\"", "--json", "replay", f);
	PENCTL(0, "\"faults_by_name\":{\"gr\xc3\xbcn\":1}",
	       "--json", "replay", f);
	PENCTL(0, "session of Stift-\xe9 (d, m, serial \xb5-1)",
	       "replay", f);

	/*
	 * UTF-8 is kept as it is, as penctl's own logs write it; a string
	 * only partly UTF-8 is not, and is taken as Latin-1 whole.
	 */
	f = LOG("utf8.log",
		"{\"type\":\"session\",\"name\":\"Stift-\xc3\xa9\","
		"\"driver\":\"d\",\"model\":\"\xe2\x82\xac \xf0\x9f\x96\x8a\","
		"\"serial\":\"\xc3\xa9\xe9\",\"start_time\":\"t\"}",
		L_FAULT_NAMED("gr\xc3\xbcn"));
	PENCTL(0, "\"name\":\"Stift-\xc3\xa9\",\"driver\":\"d\","
	       "\"model\":\"\xe2\x82\xac \xf0\x9f\x96\x8a\","
	       "\"serial\":\"\xc3\x83\xc2\xa9\xc3\xa9\"",
	       "--json", "replay", f);
	PENCTL(0, "\"faults_by_name\":{\"gr\xc3\xbcn\":1}",
	       "--json", "replay", f);

	/* A last line without its newline is still a line. */
	f = LOG("cut-newline.log", L_RUNNING);
	g = fopen(f, "a");
	if (g) {
		fputs(L_STROKE1, g);
		fclose(g);
	}
	PENCTL(0, "depth error:        min +3 um, mean +3.0 um, max +3 um",
	       "replay", f);

	/* A file that opens but cannot be read. */
	snprintf(dir, sizeof(dir), "%s/dir.log", tmp_dir);
	if (mkdir(dir, 0700) == 0) {
		PENCTL(1, "dir.log: Is a directory", "replay", dir);
		rmdir(dir);
	} else {
		check(false, "mkdir %s: %s", dir, strerror(errno));
	}

	if (access("/dev/full", W_OK))
		return;
	f = LOG("good.log", L_SESSION, L_RUNNING, L_STROKE0, L_STOPPED,
		L_SUMMARY(1, 0));
	PENCTL_TO("/dev/full", 1, "penctl: write error on standard output",
		  "replay", f);
	PENCTL_TO("/dev/full", 1, "penctl: write error on standard output",
		  "--json", "replay", f);
}

static void test_penctl_replay(void)
{
	const char *f;

	f = LOG("good.log", L_SESSION, L_SETPOINT, L_RUNNING, L_STROKE0,
		L_STROKE1, L_FAULT, L_STROKE2, L_STOPPED, L_SUMMARY(3, 2));
	PENCTL(0, "matches the driver's counters: yes", "replay", f);
	PENCTL(0, "session of pen0 (pen_sim, pen-sim, serial SIM-1), started 2026-01-01T00:00:00.000Z",
	       "replay", f);
	PENCTL(0, "strokes:            3 (2 measured)", "replay", f);
	PENCTL(0, "missed strokes:     2", "replay", f);
	PENCTL(0, "faults:             1 (over-depth 1)", "replay", f);
	PENCTL(0, "setpoint changes:   1", "replay", f);
	PENCTL(0, "overflow:           none", "replay", f);
	PENCTL(0, "depth error:        min -2 um, mean +0.5 um, max +3 um",
	       "replay", f);
	PENCTL(0, "max lateness:       2.500 us", "replay", f);
	PENCTL(0, "duration:           1.000 s|", "replay", f);
	PENCTL(0, "\"strokes\":3,\"measured_strokes\":2,\"missed_strokes\":2,"
	       "\"faults\":1,\"faults_by_name\":{\"over-depth\":1},"
	       "\"setpoint_changes\":1,\"overflow_records\":0,"
	       "\"lost_events\":0,\"depth_error_min_um\":-2,"
	       "\"depth_error_mean_um\":0.5,\"depth_error_max_um\":3,"
	       "\"max_lateness_ns\":2500,\"duration_ns\":1000000000",
	       "--json", "replay", f);
	PENCTL(0, "\"driver_run_strokes\":3,"
	       "\"driver_run_missed_strokes\":2,\"matches\":true}",
	       "replay", f, "--json");

	f = LOG("mismatch.log", L_SESSION, L_RUNNING, L_STROKE0, L_STROKE1,
		L_STOPPED, L_SUMMARY(3, 2));
	PENCTL(1, "matches the driver's counters: no", "replay", f);
	PENCTL(1, "does not match the driver's counters", "replay", f);
	PENCTL(1, "\"matches\":false", "--json", "replay", f);
	f = LOG("missed.log", L_RUNNING, L_STROKE0, L_STROKE1, L_STROKE2,
		L_STOPPED, L_SUMMARY(3, 1));
	PENCTL(1, "matches the driver's counters: no", "replay", f);

	f = LOG("overflow.log", L_RUNNING, L_STROKE0, L_OVERFLOW, L_STOPPED,
		L_SUMMARY(3, 2));
	PENCTL(1, "overflow:           1 record, 5 events lost", "replay", f);
	PENCTL(1, "5 events were lost to overflow", "replay", f);

	/* No summary (a crash) or no counters in it (a removed pen). */
	f = LOG("crash.log", L_SESSION, L_RUNNING, L_STROKE0, L_STROKE1);
	PENCTL(0, "unknown (no summary record", "replay", f);
	PENCTL(0, "(the log ends with the needle running)", "replay", f);
	PENCTL(0, "duration:           0.010 s", "replay", f);
	PENCTL(0, "\"summary\":false,\"driver_run_strokes\":null,"
	       "\"driver_run_missed_strokes\":null,\"matches\":null}",
	       "--json", "replay", f);
	f = LOG("gone.log", L_SESSION, L_RUNNING, L_STROKE0,
		L_SUMMARY_GONE);
	PENCTL(0, "unknown (none in the summary: pen is gone (removed))",
	       "replay", f);
	/* monitor --json output has neither. */
	f = LOG("monitor.log", L_STROKE2, L_FAULT);
	PENCTL(0, "events without a session record", "replay", f);
	PENCTL(0, "depth error:        no measured strokes", "replay", f);
	f = LOG("empty.log", NULL);
	PENCTL(0, "strokes:            0 (0 measured)", "replay", f);

	/* Malformed: the file and the line are named, exit 1. */
	f = LOG("corrupt.log", L_SESSION, L_RUNNING, "{\"type\":\"stroke\", x",
		L_STOPPED);
	PENCTL(1, "corrupt.log: line 3: not JSON", "replay", f);
	f = LOG("cut.log", L_SESSION, L_RUNNING, "{\"type\":\"stroke\",\"seq\":0");
	PENCTL(1, "cut.log: line 3: not JSON: it ends in the middle",
	       "replay", f);
	f = LOG("trailing.log", L_RUNNING L_STROKE0);
	PENCTL(1, "trailing.log: line 1: not JSON: more after the object",
	       "replay", f);
	f = LOG("array.log", L_RUNNING, "[1,2]");
	PENCTL(1, "array.log: line 2: not a JSON object", "replay", f);
	f = LOG("notype.log", "{\"seq\":1}");
	PENCTL(1, "notype.log: line 1: a record without \"type\"",
	       "replay", f);
	f = LOG("nocmd.log", L_RUNNING,
		"{\"type\":\"stroke\",\"timestamp_ns\":1,\"measured\":true}");
	PENCTL(1, "nocmd.log: line 2: stroke record without \"cmd_um\"",
	       "replay", f);
	f = LOG("negative.log",
		"{\"type\":\"overflow\",\"timestamp_ns\":1,\"lost\":-5}");
	PENCTL(1, "negative.log: line 1: overflow record: \"lost\" is negative",
	       "replay", f);
	f = LOG("string.log",
		"{\"type\":\"stroke\",\"timestamp_ns\":\"1\"}");
	PENCTL(1, "string.log: line 1: stroke record: \"timestamp_ns\" is not an integer",
	       "replay", f);
	f = LOG("blank.log", L_RUNNING, "", L_STOPPED);
	PENCTL(1, "blank.log: line 2: empty line", "replay", f);
	f = LOG("after.log", L_RUNNING, L_SUMMARY(0, 0), L_STOPPED);
	PENCTL(1, "after.log: line 3: a record after the summary",
	       "replay", f);
	f = LOG("session2.log", L_SESSION, L_RUNNING, L_SESSION);
	PENCTL(1, "session2.log: line 3: a session record that is not the first line",
	       "replay", f);
	PENCTL(1, "/nonexistent.log: No such file or directory",
	       "replay", "/nonexistent.log");

	test_penctl_replay_more();
}

static void test_penctl(const char *path)
{
	char file[sizeof(tmp_dir) + 300];
	struct dirent *e;
	DIR *dir;

	if (!path) {
		printf("# penctl tests need penctl's path as argument; skipped\n");
		return;
	}
	penctl = path;
	if (!mkdtemp(tmp_dir)) {
		check(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	test_penctl_usage();
	test_penctl_replay();

	dir = opendir(tmp_dir);
	while (dir && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", tmp_dir, e->d_name);
		unlink(file);
	}
	if (dir)
		closedir(dir);
	rmdir(tmp_dir);
}

int main(int argc, char **argv)
{
	test_parse_depth();
	test_parse_rate();
	test_parse_duration();
	test_format();
	test_round_trip();
	test_names();
	test_event_names();
	test_open_errors();
	test_not_a_pen();
	test_null_handle();
	test_events_null();
	test_requests();
	test_events();
	test_events_closed();
	test_button_names();
	test_buttons_null();
	test_buttons_open();
	test_buttons_not_a_device();
	test_open_raced();
	test_device_names();
	test_parse_strerror();
	test_refusal();
	test_versions();
	test_penctl(argc > 1 ? argv[1] : NULL);

	printf("1..%u\n", passed + failed);
	return check_totals();
}
