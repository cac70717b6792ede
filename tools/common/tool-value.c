// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A value refused on the command line, explained by libpen's grammar, so
 * that every tool says the same of the same mistake.
 */
#include <libpen.h>

#include "tool.h"

void tool_value_error(const char *what, int q, const char *s)
{
	char why[128];

	if (!pen_parse_strerror((enum pen_quantity)q, s, why, sizeof(why)))
		tool_error("invalid %s '%s'", what, s);
	else
		tool_error("invalid %s '%s': %s", what, s, why);
}
