// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: "penctl replay FILE" (cmd_replay() in
 * tools/penctl/cmd-replay.c, replay_line() in log.c), which reads a
 * session log line by line with json-c, sums it up and compares it with
 * the driver's counters. A log is input like any other: it may be cut
 * short, corrupt or hostile.
 *
 * It links penctl's objects, all but main.o (libFuzzer has its main).
 * The input is the log: it is written to a memfd, and "penctl replay" and
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
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_penctl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int log_fd = -1;
static char log_path[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init("fuzz_replay");
	log_fd = memfd_create("fuzz-replay.log", MFD_CLOEXEC);
	if (log_fd < 0) {
		perror("fuzz_replay: memfd_create");
		exit(1);
	}
	snprintf(log_path, sizeof(log_path), "/proc/self/fd/%d", log_fd);
	return 0;
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
	const struct command *cmd = NULL;
	struct capture cap;
	struct ctx c;
	size_t i;
	int rc;

	capture_begin(&cap);
	memset(&c, 0, sizeof(c));
	optind = 0;		/* getopt starts afresh each run */
	/* Without --json: argv[1] skipped, "penctl" moved up to it. */
	argv[1] = json ? opt : penctl;
	rc = parse_args(json ? 4 : 3, json ? argv : argv + 1, &c, &cmd);
	if (rc == -1 && cmd->fn == cmd_replay)
		rc = cmd->fn(&c);
	else
		rc = -2;
	capture_end(&cap);

	if (rc == -2)
		broken("the replay command line was refused");
	if (rc != 0 && rc != EXIT_RUNTIME)
		broken("replay returned an unknown status");
	if (rc ? !one_error_line(cap.err, cap.err_len) : cap.err_len != 0)
		broken("replay's errors are not one line on stderr, on exit 1 only");
	if (json) {
		check_json(cap.out, cap.out_len, rc);
	} else {
		for (i = 0; i < cap.out_len; i++)
			if (((unsigned char)cap.out[i] < 0x20 &&
			     cap.out[i] != '\n') || cap.out[i] == 0x7f)
				broken("a control character in the text report");
	}
	capture_free(&cap);
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
