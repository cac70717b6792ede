// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of libpen: unit parsing and formatting, the ABI layout of
 * <linux/pen.h>, and the device paths that need no pen driver.
 *
 * Output is TAP-like, one "ok N - ..." or "not ok N - ..." per check,
 * ending with exactly one line "N passed, N failed" that CI reads. The
 * exit status is non-zero if anything failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/pen.h>

#include "libpen.h"

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

/* ---- Runner ------------------------------------------------------------ */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static unsigned int passed, failed;

static void __attribute__((format(printf, 2, 3)))
check(bool ok, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t i;

	if (ok)
		passed++;
	else
		failed++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* One line per check, even when the input under test has '\n'. */
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20)
			buf[i] = '?';
	printf("%sok %u - %s\n", ok ? "" : "not ", passed + failed, buf);
}

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
	default:
		return strerror(err);
	}
}

/* ---- Parsers ----------------------------------------------------------- */

/* The canary checks that a failed parse leaves the output alone. */
#define CANARY32	0xdeadbeefU
#define CANARY64	0xdeadbeefcafef00dULL

static void depth_ok(const char *s, uint32_t want)
{
	uint32_t v = CANARY32;
	int ret = pen_parse_depth(s, &v);

	check(ret == 0 && v == want, "depth '%s' = %u um (ret %d, got %u)",
	      s, want, ret, v);
}

static void depth_bad(const char *s, int err)
{
	uint32_t v = CANARY32;
	int ret;

	errno = 0;
	ret = pen_parse_depth(s, &v);
	check(ret == -1 && errno == err && v == CANARY32,
	      "depth '%s' fails with %s (ret %d, errno %s)", s, errname(err),
	      ret, errname(errno));
}

static void rate_ok(const char *s, uint32_t want)
{
	uint32_t v = CANARY32;
	int ret = pen_parse_rate(s, &v);

	check(ret == 0 && v == want, "rate '%s' = %u mHz (ret %d, got %u)",
	      s, want, ret, v);
}

static void rate_bad(const char *s, int err)
{
	uint32_t v = CANARY32;
	int ret;

	errno = 0;
	ret = pen_parse_rate(s, &v);
	check(ret == -1 && errno == err && v == CANARY32,
	      "rate '%s' fails with %s (ret %d, errno %s)", s, errname(err),
	      ret, errname(errno));
}

static void duration_ok(const char *s, uint64_t want)
{
	uint64_t v = CANARY64;
	int ret = pen_parse_duration(s, &v);

	check(ret == 0 && v == want,
	      "duration '%s' = %llu ns (ret %d, got %llu)", s,
	      (unsigned long long)want, ret, (unsigned long long)v);
}

static void duration_bad(const char *s, int err)
{
	uint64_t v = CANARY64;
	int ret;

	errno = 0;
	ret = pen_parse_duration(s, &v);
	check(ret == -1 && errno == err && v == CANARY64,
	      "duration '%s' fails with %s (ret %d, errno %s)", s,
	      errname(err), ret, errname(errno));
}

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
	check(!strcmp(pen_stop_reason_name(12), "unknown"),
	      "stop reason 12 unknown");
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
	int eintr;			/* fail this many calls with EINTR */
	int err;			/* then fail with this, if non-zero */
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
	struct pen_info info;
	struct pen *pen;
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

	fake_reset(-1);
	pen_close(pen);
}
#else
static void test_requests(void)
{
	printf("# request tests need glibc's ioctl() to interpose; skipped\n");
}
#endif

int main(void)
{
	test_parse_depth();
	test_parse_rate();
	test_parse_duration();
	test_format();
	test_round_trip();
	test_names();
	test_open_errors();
	test_not_a_pen();
	test_null_handle();
	test_requests();

	printf("1..%u\n", passed + failed);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
