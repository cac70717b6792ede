/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpen's parsers seen with a 64-bit output, so that one check serves
 * them all: shared by test-units.c and fuzz/fuzz_units.c. The parser's
 * own output starts as the canary and is copied out whatever happens,
 * so a failed parse that wrote it is seen.
 */
#ifndef LIBPEN_TESTS_PARSE64_H
#define LIBPEN_TESTS_PARSE64_H

#include <stdint.h>

#include "libpen.h"

#define CANARY32	0xdeadbeefU
#define CANARY64	0xdeadbeefcafef00dULL

static inline int parse_depth64(const char *s, uint64_t *v)
{
	uint32_t x = CANARY32;
	int ret = pen_parse_depth(s, &x);

	*v = x;
	return ret;
}

static inline int parse_rate64(const char *s, uint64_t *v)
{
	uint32_t x = CANARY32;
	int ret = pen_parse_rate(s, &x);

	*v = x;
	return ret;
}

static inline int parse_duration64(const char *s, uint64_t *v)
{
	*v = CANARY64;
	return pen_parse_duration(s, v);
}

#endif /* LIBPEN_TESTS_PARSE64_H */
