// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * penctl - control microneedling pens (/dev/penN) from the command line.
 *
 * A thin front-end on libpen: all unit handling and device access live in
 * the library; penctl parses arguments, explains failures in one line and
 * makes sure a needle it started is stopped before it exits. It also
 * prints the pen's event stream (monitor), logs a run's events (run
 * --log), sums such a log up (replay) and hands
 * the needle to the pen's own buttons (run --buttons).
 *
 * Exit status: 0 success, 1 device or runtime error, 2 usage error.
 *
 * The files, one concern each: args.c (the command line), values.c and
 * refusal.c (its values, and why one is refused), output.c, format.c and
 * json.c (what penctl prints), device.c (a pen opened, its setpoints),
 * the commands (cmd-*.c, monitor.c), run.c and signals.c (the needle
 * under watch), buttons.c (run --buttons), log.c (the session log) and
 * outq.c (output that never blocks).
 */
#include <dirent.h>
#include "penctl.h"

/*
 * Everything but this file links into the fuzz targets, which bring
 * their own main (libFuzzer's).
 */
int main(int argc, char **argv)
{
	const struct command *cmd;
	struct ctx c = { 0 };
	int rc;

	/* -1: a command to run; else done (--help, --version, a mistake). */
	rc = parse_args(argc, argv, &c, &cmd);
	if (rc < 0)
		rc = cmd->fn(&c);

	/* Output that did not arrive is a failure, not a success. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (!rc)
			errorf("write error on standard output");
		rc = rc ? rc : EXIT_RUNTIME;
	}
	return rc;
}
