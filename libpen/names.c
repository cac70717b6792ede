// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libpen: the names of pens on a command line. Every tool takes a pen as
 * "N", "penN" or "/dev/penN", and a device file by any path, by this one
 * grammar.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "internal.h"
#include "libpen.h"

#define PEN_DEV_DIR	"/dev/"
#define PEN_DEV_NAME	"pen"

/*
 * The decimal number that is all of @s, into *@n. Returns 0, -EINVAL if
 * @s is not one, -ERANGE if it does not fit in an unsigned int.
 */
static int parse_number(const char *s, unsigned int *n)
{
	unsigned long long v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > UINT_MAX) {
			/* Still malformed if it goes on with a letter. */
			while (*s >= '0' && *s <= '9')
				s++;
			return *s ? -EINVAL : -ERANGE;
		}
	}
	if (*s)
		return -EINVAL;
	*n = v;
	return 0;
}

PEN_EXPORT int pen_parse_index(const char *s, unsigned int *index)
{
	unsigned int n;
	int ret;

	if (!s || !index)
		return pen_fail(EINVAL);
	if (!strncmp(s, PEN_DEV_DIR, strlen(PEN_DEV_DIR)))
		s += strlen(PEN_DEV_DIR);
	if (!strncmp(s, PEN_DEV_NAME, strlen(PEN_DEV_NAME)))
		s += strlen(PEN_DEV_NAME);
	ret = parse_number(s, &n);
	if (ret)
		return pen_fail(-ret);
	*index = n;
	return 0;
}

PEN_EXPORT int pen_parse_device(const char *s, char *path, size_t len)
{
	unsigned int n;

	if (!path)
		return pen_fail(EINVAL);
	if (!pen_parse_index(s, &n))
		return pen_snprintf_whole(path, len,
					  PEN_DEV_DIR PEN_DEV_NAME "%u", n) < 0 ?
		       -1 : 0;
	/* Anything else is a path only if it says so, with a '/'. */
	if (errno == EINVAL && s && strchr(s, '/'))
		return pen_snprintf_whole(path, len, "%s", s) < 0 ? -1 : 0;
	return -1;
}
