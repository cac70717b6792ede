// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the fuzz targets that run penctl share: fuzz_penctl_args (its
 * command line) and fuzz_replay (replay of a session log). Both link
 * penctl's objects, all but main.o.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_penctl.h"

/* The real stderr, for reports: stdout and stderr are captured per run. */
static FILE *report;
static const char *target;

void fuzz_init(const char *name)
{
	report = stderr;
	target = name;
}

/* A property does not hold: libFuzzer counts the abort as a crash. */
void __attribute__((noreturn)) broken(const char *what)
{
	fprintf(report, "%s: %s\n", target, what);
	abort();
}

/* One line "penctl: ...\n", as errorf() makes them, and nothing else. */
bool one_error_line(const char *s, size_t len)
{
	size_t i;

	if (len < 9 || strncmp(s, "penctl: ", 8) || s[len - 1] != '\n')
		return false;
	for (i = 0; i < len - 1; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/*
 * glibc lets stdout and stderr be reassigned: penctl writes its output
 * and its errors into memory, to be checked, and the terminal stays quiet
 * at a million runs a minute.
 */
void capture_begin(struct capture *cap)
{
	memset(cap, 0, sizeof(*cap));
	cap->real_out = stdout;
	cap->real_err = stderr;
	stdout = open_memstream(&cap->out, &cap->out_len);
	stderr = open_memstream(&cap->err, &cap->err_len);
	if (!stdout || !stderr)
		abort();
}

void capture_end(struct capture *cap)
{
	fclose(stdout);
	fclose(stderr);
	stdout = cap->real_out;
	stderr = cap->real_err;
}

void capture_free(struct capture *cap)
{
	free(cap->out);
	free(cap->err);
}
