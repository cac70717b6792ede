// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of penctl's parts that need no pen: the words it says for
 * each errno and fault, the JSON it writes for an event it does not know,
 * and run --buttons' state machine fed events by hand. The guest tests
 * (selftests/penctl_test.sh) run penctl whole against pen_sim; these
 * reach what pen_sim cannot make happen: a newer driver's event or fault
 * code, a refusal that pen_sim never gives, an errno that would need the
 * hardware to fail.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../buttons.h"
#include "../run.h"
#include "../../../libpen/tests/check.h"

/* ---- What penctl writes on stderr (or stdout), captured ------------ */

static FILE *said_file;
static int said_fd, saved_fd = -1;
static char said_buf[1024];

static void said_begin_fd(int fd)
{
	fflush(stdout);
	fflush(stderr);
	said_fd = fd;
	said_file = tmpfile();
	saved_fd = dup(fd);
	if (!said_file || saved_fd < 0 || dup2(fileno(said_file), fd) < 0) {
		perror("test-penctl: capturing output");
		exit(1);
	}
}

static void said_begin(void)
{
	said_begin_fd(STDERR_FILENO);
}

/*
 * Everything written since said_begin(), "" if nothing; one line's
 * newline is dropped, so that it can be quoted in a check's name.
 */
static const char *said_end(void)
{
	size_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(saved_fd, said_fd);
	close(saved_fd);
	rewind(said_file);
	n = fread(said_buf, 1, sizeof(said_buf) - 1, said_file);
	if (n && said_buf[n - 1] == '\n')
		n--;
	said_buf[n] = '\0';
	fclose(said_file);
	return said_buf;
}

/* ---- Words --------------------------------------------------------- */

static void test_fault_words(void)
{
	static const struct {
		uint32_t fault, value;
		const char *words;
	} cases[] = {
		{ PEN_FAULT_NONE, 0, "none" },
		{ PEN_FAULT_OVER_DEPTH, 300, "over-depth (+300 um)" },
		{ PEN_FAULT_STALL, 500, "stall (-500 um)" },
		{ PEN_FAULT_OVERCURRENT, 1200, "overcurrent (1200 mA)" },
		{ PEN_FAULT_OVERTEMP, 85500, "overtemp (85.500 degC)" },
		{ PEN_FAULT_SUPPLY_LOW, 3100, "supply-low (3100 mV)" },
		{ PEN_FAULT_TIMING, 1, "timing (1 period)" },
		{ PEN_FAULT_TIMING, 3, "timing (3 periods)" },
		{ PEN_FAULT_WATCHDOG, 1000,
		  "watchdog (1000 ms since the last kick)" },
		/* A newer driver's fault: its code and value, not a guess. */
		{ 99, 7, "unknown (code 99, value 7)" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fault_desc(cases[i].fault, cases[i].value, buf, sizeof(buf));
		check(!strcmp(buf, cases[i].words),
		      "fault %u, value %u reads \"%s\" (got \"%s\")",
		      cases[i].fault, cases[i].value, cases[i].words, buf);
	}
}

static void test_driver_text(void)
{
	char buf[8];

	check(!strcmp(text("", buf, sizeof(buf)), "-"),
	      "an empty driver string is printed as \"-\"");
	text("ab\ncd\x7f", buf, sizeof(buf));
	check(!strcmp(buf, "ab?cd?"),
	      "control characters in a driver string become '?' (got \"%s\")",
	      buf);
	text("0123456789", buf, sizeof(buf));
	check(!strcmp(buf, "0123456"),
	      "a driver string longer than the buffer is cut to it (got \"%s\")",
	      buf);
}

static void test_errno_words(void)
{
	static const struct {
		int err;
		const char *open, *ioctl;
	} cases[] = {
		{ ENOENT, "no such pen", NULL },
		{ ENXIO, "no such pen", NULL },
		{ ENODEV, "pen is gone (removed)", "pen is gone (removed)" },
		{ EBUSY, "pen is controlled by another process",
		  "pen is controlled by another process" },
		{ EACCES, "permission denied", NULL },
		{ EPERM, "operation not permitted",
		  "not permitted without control of the pen" },
		{ EBADF, NULL, "not permitted without control of the pen" },
		{ ENOTTY, "not a pen device", "not a pen device" },
	};
	const char *got;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = open_strerror(cases[i].err);
		check(!strcmp(got, cases[i].open ? cases[i].open :
			      strerror(cases[i].err)),
		      "open failing %s is said \"%s\"",
		      strerrorname_np(cases[i].err), got);
		got = ioctl_strerror(cases[i].err);
		check(!strcmp(got, cases[i].ioctl ? cases[i].ioctl :
			      strerror(cases[i].err)),
		      "a request failing %s is said \"%s\"",
		      strerrorname_np(cases[i].err), got);
	}
	check(!strcmp(open_strerror(EIO), strerror(EIO)) &&
	      !strcmp(ioctl_strerror(EIO), strerror(EIO)),
	      "any other errno is said in the C library's words");
}

/* START's refusals that need no look at the pen (it is NULL here). */
static void test_start_refusal(void)
{
	static const struct {
		int err;
		const char *reason;
	} cases[] = {
		{ ENOMEDIUM, "no cartridge inserted" },
		{ ESTALE, "the cartridge was used before; cartridges are single use" },
		{ ENOSPC, "the cartridge's stroke budget is spent" },
		{ ECANCELED, "a STOP came while the needle started" },
		{ EBUSY, "pen is controlled by another process" },
		/* No status to name a latched fault by: the errno itself. */
		{ EIO, "Input/output error" },
	};
	const char *reason;
	char buf[128];
	bool fault;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fault = true;
		reason = start_refusal(NULL, cases[i].err, buf, &fault);
		check(reason && !strcmp(reason, cases[i].reason) && !fault,
		      "START refused %s: \"%s\", no fault to clear",
		      strerrorname_np(cases[i].err), reason ? reason : "(null)");
	}
	check(!start_refusal(NULL, EINTR, buf, &fault) &&
	      !start_refusal(NULL, ENODEV, buf, &fault),
	      "an interrupted START or a gone pen is no refusal: their callers say it");
}

static void test_buttons_words(void)
{
	static const struct {
		int err;
		const char *said;
	} cases[] = {
		{ ENOTSUP, "penctl: /dev/pen2: the pen has no buttons" },
		{ ENXIO, "penctl: /dev/pen2: cannot open the buttons: no event device (is the evdev module loaded?)" },
		{ ENOENT, "penctl: /dev/pen2: cannot open the buttons: no /dev/input node for them" },
		{ EPROTO, "penctl: /dev/pen2: cannot open the buttons: the input device lacks keys the pen reports" },
		{ EACCES, "penctl: /dev/pen2: cannot open the buttons: permission denied" },
	};
	struct ctx c = { .path = "/dev/pen2" };
	const char *said;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		said_begin();
		buttons_error(&c, cases[i].err);
		said = said_end();
		check(!strcmp(said, cases[i].said),
		      "buttons that cannot open for %s: %s",
		      strerrorname_np(cases[i].err), said);
	}
}

static void test_signal_names(void)
{
	check(!strcmp(signal_name(SIGINT), "SIGINT") &&
	      !strcmp(signal_name(SIGTSTP), "SIGTSTP"),
	      "the stop signals are named");
	check(!strcmp(signal_name(SIGUSR1), "signal"),
	      "a signal penctl does not stop on is \"signal\"");
}

/* ---- Events as JSON ------------------------------------------------ */

static void test_event_json(void)
{
	struct pen_event e = {
		.type = 200, .flags = 3, .timestamp_ns = 123, .seq = 7,
		.raw = { 1, 2, 3, 4, 5 },
	};
	struct json_object *o = event_json(&e);
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	check(!strcmp(s, "{\"type\":\"unknown\",\"type_code\":200,\"seq\":7,\"timestamp_ns\":123,\"flags\":3,\"raw\":[1,2,3,4,5]}"),
	      "a newer driver's event is logged with its code and words undecoded: %s",
	      s);
	json_object_put(o);

	memset(&e, 0, sizeof(e));
	e.type = PEN_EVENT_FAULT;
	e.flags = PEN_FAULT_LATCHED;
	e.seq = 9;
	e.fault.fault = PEN_FAULT_TIMING;
	e.fault.value = 3;
	o = event_json(&e);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	check(strstr(s, "\"type\":\"fault\"") && !strstr(s, "type_code") &&
	      !strstr(s, "\"raw\""),
	      "a known event is decoded, with no raw words: %s", s);
	json_object_put(o);
}

static void test_event_line(void)
{
	struct pen_event e = {
		.type = 200, .timestamp_ns = 1500000000, .seq = 7,
	};
	char t[FMT_LEN], want[128];
	const char *said;

	snprintf(want, sizeof(want), "%s event of unknown type 200 at stroke 7",
		 stamp_str(e.timestamp_ns, t));
	said_begin_fd(STDOUT_FILENO);
	print_event(&e);
	said = said_end();
	check(!strcmp(said, want),
	      "monitor prints a newer driver's event by its code: %s", said);
}

/* ---- run --buttons' session, fed events by hand --------------------- */

static struct pen_event state_event(uint32_t state, uint32_t reason,
				    uint64_t ns)
{
	struct pen_event e = {
		.type = PEN_EVENT_STATE, .timestamp_ns = ns,
		.state = { .state = state, .stop_reason = reason },
	};

	return e;
}

static struct pen_event fault_event(uint32_t fault, uint32_t value,
				    bool latched)
{
	struct pen_event e = {
		.type = PEN_EVENT_FAULT,
		.flags = latched ? PEN_FAULT_LATCHED : 0,
		.fault = { .fault = fault, .value = value },
	};

	return e;
}

static void test_session_faults(void)
{
	const struct ctx pen0 = { .path = DEFAULT_DEVICE };
	const struct ctx pen3 = { .path = "/dev/pen3" };
	struct session s = { .c = &pen0, .running = true, .armed = true };
	struct run r = { .data = &s };
	struct pen_event e;
	const char *said;

	/* Counted only: another fault is latched, and said already. */
	e = fault_event(PEN_FAULT_STALL, 500, false);
	said_begin();
	session_event(&r, &e);
	said = said_end();
	check(!*said && s.running && s.armed,
	      "a fault only counted says nothing and changes nothing");

	e = fault_event(PEN_FAULT_OVER_DEPTH, 300, true);
	said_begin();
	session_event(&r, &e);
	said = said_end();
	check(!strcmp(said, "penctl: /dev/pen0: needle stopped: fault over-depth (+300 um) latched; disarmed; to clear it, end this run (Ctrl-C), then 'penctl clear-fault'") &&
	      !s.running && !s.armed,
	      "a fault latched while running stops and disarms; on /dev/pen0 the hint needs no -d: %s",
	      said);

	s.c = &pen3;
	e = fault_event(PEN_FAULT_TIMING, 3, true);
	said_begin();
	session_event(&r, &e);
	said = said_end();
	check(!strcmp(said, "penctl: /dev/pen3: fault timing (3 periods) latched; the needle cannot start until it is cleared: end this run (Ctrl-C), then 'penctl -d /dev/pen3 clear-fault'"),
	      "a fault latched while stopped says the needle cannot start, and how to clear it on this pen: %s",
	      said);
}

static void test_session_stops(void)
{
	struct ctx c = { .path = "/dev/pen1" };
	struct session s = { .c = &c };
	struct run r = { .data = &s };
	struct pen_event e;
	const char *said;

	s.running = s.armed = true;
	e = state_event(PEN_STATE_RUNNING, PEN_STOP_NONE, 1000);
	session_event(&r, &e);
	e = state_event(PEN_STATE_STOPPED, PEN_STOP_REQUEST, 5000);
	said_begin();
	session_event(&r, &e);
	said = said_end();
	check(!strcmp(said, "penctl: /dev/pen1: needle stopped: request; disarmed") &&
	      !s.running && !s.armed && s.run_ns == 4000,
	      "a stop not penctl's own is said and disarms; the run's 4000 ns are counted: %s",
	      said);

	s.running = true;
	e = state_event(PEN_STATE_RUNNING, PEN_STOP_NONE, 6000);
	session_event(&r, &e);
	e = state_event(PEN_STATE_STOPPED, PEN_STOP_PEDAL, 7000);
	said_begin();
	session_event(&r, &e);
	said = said_end();
	check(!*said && s.pedal_stopped && !s.running && s.run_ns == 5000,
	      "the kernel's hold-to-run stop is left to the pedal's release to say");

	s.running = true;
	e = state_event(PEN_STATE_STOPPED, PEN_STOP_REMOVED, 8000);
	said_begin();
	session_event(&r, &e);
	said = said_end();
	check(!*said && !s.running && s.run_ns == 5000,
	      "removal is not said as a stop: the session's end says it once");

	e = (struct pen_event){ .type = PEN_EVENT_OVERFLOW };
	session_event(&r, &e);
	check(s.resync, "lost events make the session ask the status");
}

static void test_session_fail(void)
{
	struct ctx c = { .path = "/dev/pen1" };
	struct session s = { .c = &c };

	session_fail(&s, "read pen events", ENODEV);
	check(s.gone && !s.err,
	      "a request failing ENODEV ends the session as the pen gone, not as an error");

	s.gone = false;
	session_fail(&s, "stop the needle", EIO);
	session_fail(&s, "read the buttons", EPIPE);
	check(s.err == EIO && !strcmp(s.what, "stop the needle") && !s.gone,
	      "the first failure is the one reported (%s: %s)", s.what,
	      strerrorname_np(s.err));
}

int main(void)
{
	test_fault_words();
	test_driver_text();
	test_errno_words();
	test_start_refusal();
	test_buttons_words();
	test_signal_names();
	test_event_json();
	test_event_line();
	test_session_faults();
	test_session_stops();
	test_session_fail();
	return check_totals();
}
