// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: "penctl replay FILE" (cmd_replay() in
 * tools/penctl/penctl.c), which reads a session log line by line with
 * json-c, sums it up and compares it with the driver's counters. A log
 * is input like any other: it may be cut short, corrupt or hostile.
 *
 * penctl.c is included whole, built with PENCTL_FUZZ (no main). The
 * input is the log: it is written to a memfd, and "penctl replay" and
 * "penctl --json replay" are run on its /proc/self/fd path as main runs
 * them, through parse_args(), so that the code under test is exactly
 * what runs for a file, read with getline().
 *
 * What must hold, beyond no crash, leak or undefined behaviour:
 *  - exit status 0 or 1, and 1 exactly when stderr has its one line
 *    "penctl: ...", free of control characters;
 *  - --json prints nothing, or one valid JSON object (json-c's strict
 *    mode) and a newline, whose "matches" is false only on exit 1;
 *  - the text report has no control character but its newlines, since
 *    the strings in it come from the log and end on a terminal.
 * A broken property is reported on stderr and aborts, which libFuzzer
 * counts as a crash and saves the input for.
 */
#define PENCTL_FUZZ
#include "../tools/penctl/penctl.c"

#include <sys/mman.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *report;		/* the real stderr */
static int log_fd = -1;
static char log_path[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	report = stderr;
	log_fd = memfd_create("fuzz-replay.log", MFD_CLOEXEC);
	if (log_fd < 0) {
		perror("fuzz_replay: memfd_create");
		exit(1);
	}
	snprintf(log_path, sizeof(log_path), "/proc/self/fd/%d", log_fd);
	return 0;
}

static void __attribute__((noreturn)) broken(const char *what)
{
	fprintf(report, "fuzz_replay: %s\n", what);
	abort();
}

/* One line "penctl: ...\n", as error() makes them, and nothing else. */
static bool one_error_line(const char *s, size_t len)
{
	size_t i;

	if (len < 9 || strncmp(s, "penctl: ", 8) || s[len - 1] != '\n')
		return false;
	for (i = 0; i < len - 1; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* The --json report: one strict JSON object, a newline, and "matches". */
static void check_json(const char *out, size_t len, int rc)
{
	struct json_tokener *tok;
	struct json_object *obj, *m;

	if (!len)
		return;
	if (out[len - 1] != '\n' || memchr(out, '\n', len - 1))
		broken("--json did not print one line");
	tok = json_tokener_new();
	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, out, len - 1);
	if (!obj || json_tokener_get_parse_end(tok) != len - 1 ||
	    !json_object_is_type(obj, json_type_object))
		broken("--json printed something that is not one JSON object");
	json_tokener_free(tok);
	if (!json_object_object_get_ex(obj, "matches", &m))
		broken("--json printed no \"matches\"");
	if (json_object_is_type(m, json_type_boolean) &&
	    !json_object_get_boolean(m) != (rc == EXIT_RUNTIME))
		broken("\"matches\" and the exit status disagree");
	json_object_put(obj);
}

static void replay(bool json)
{
	char penctl[] = "penctl", opt[] = "--json", replay[] = "replay";
	char *argv[] = { penctl, opt, replay, log_path, NULL };
	FILE *real_out = stdout, *real_err = stderr;
	const struct command *cmd = NULL;
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0, i;
	struct ctx c;
	int rc;

	/* glibc lets stdout and stderr be reassigned: capture both. */
	stdout = open_memstream(&out, &out_len);
	stderr = open_memstream(&err, &err_len);
	if (!stdout || !stderr)
		abort();
	memset(&c, 0, sizeof(c));
	optind = 0;		/* getopt starts afresh each run */
	/* Without --json: argv[1] skipped, "penctl" moved up to it. */
	argv[1] = json ? opt : penctl;
	rc = parse_args(json ? 4 : 3, json ? argv : argv + 1, &c, &cmd);
	if (rc == -1 && cmd->fn == cmd_replay)
		rc = cmd->fn(&c);
	else
		rc = -2;
	fclose(stdout);
	fclose(stderr);
	stdout = real_out;
	stderr = real_err;

	if (rc == -2)
		broken("the replay command line was refused");
	if (rc != 0 && rc != EXIT_RUNTIME)
		broken("replay returned an unknown status");
	if (rc ? !one_error_line(err, err_len) : err_len != 0)
		broken("replay's errors are not one line on stderr, on exit 1 only");
	if (json) {
		check_json(out, out_len, rc);
	} else {
		for (i = 0; i < out_len; i++)
			if (((unsigned char)out[i] < 0x20 && out[i] != '\n') ||
			    out[i] == 0x7f)
				broken("a control character in the text report");
	}
	free(out);
	free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (ftruncate(log_fd, 0) < 0 ||
	    pwrite(log_fd, data, size, 0) != (ssize_t)size)
		abort();
	replay(false);
	replay(true);
	return 0;
}
