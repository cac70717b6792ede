/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host tests' one output format: a line "ok N - what" or
 * "not ok N - what" per check, then "N passed, N failed" as the last line,
 * which libpen/tests/host-tests.sh adds up. Each test program is one
 * file that includes this once.
 */
#ifndef PEN_TESTS_CHECK_H
#define PEN_TESTS_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

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

/* The totals line; the program's exit status. */
static int check_totals(void)
{
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif /* PEN_TESTS_CHECK_H */
