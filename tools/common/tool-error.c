// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Errors, worded the same way by every pen tool: one line on stderr,
 * "prog: message".
 */
#include <stdio.h>

#include "tool.h"

static const char *prog = "pen";

void tool_set_name(const char *name)
{
	prog = name;
}

const char *tool_name(void)
{
	return prog;
}

const char *tool_verror(const char *fmt, va_list ap)
{
	static char buf[512];
	size_t i;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* A message may quote argv: no escape sequence reaches the tty. */
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", prog, buf);
	return buf;
}

const char *tool_error(const char *fmt, ...)
{
	const char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = tool_verror(fmt, ap);
	va_end(ap);
	return msg;
}
