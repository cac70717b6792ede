// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON output, made with json-c: the helpers that add penctl's values to
 * an object, and json_print(), which writes one object as one line.
 *
 * The lines are compact (JSON_C_TO_STRING_PLAIN) with '/' unescaped, so
 * "/dev/pen0" stays readable and greppable. Driver and log strings are
 * meant to be ASCII; a byte past it is taken as the Latin-1 character of
 * that code, as the \u00XX escape penctl wrote for it before json-c did,
 * so the output stays valid UTF-8 whatever a backend reports.
 */
#include <stdlib.h>
#include <string.h>

#include "penctl.h"

#define JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/*
 * @s is UTF-8 as json-c takes it: each sequence whole and shortest, no
 * surrogate, nothing past U+10FFFF.
 */
static bool is_utf8(const unsigned char *p)
{
	unsigned int c, len, i;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			len = 1, c = *p & 0x1f;
		else if (*p >= 0xe0 && *p <= 0xef)
			len = 2, c = *p & 0x0f;
		else if (*p >= 0xf0 && *p <= 0xf4)
			len = 3, c = *p & 0x07;
		else
			return false;
		for (i = 1; i <= len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (p[i] & 0x3f);
		}
		if ((len == 2 && c < 0x800) || (len == 3 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return false;
		p += len + 1;
	}
	return true;
}

/*
 * @s, if it is not UTF-8 already (a model name a driver gave as bytes, a
 * file name in Latin-1), with each byte past ASCII made its Latin-1
 * character, in UTF-8, in a new allocation; NULL if @s is UTF-8 (ASCII
 * included), or for want of memory.
 */
static char *latin1(const char *s)
{
	const unsigned char *p;
	size_t n = 0;
	char *u;

	if (is_utf8((const unsigned char *)s))
		return NULL;
	for (p = (const unsigned char *)s; *p; p++)
		n += *p >= 0x80;
	u = malloc(strlen(s) + n + 1);
	if (!u)
		return NULL;
	for (n = 0, p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			u[n++] = *p;
			continue;
		}
		u[n++] = 0xc0 | *p >> 6;
		u[n++] = 0x80 | (*p & 0x3f);
	}
	u[n] = '\0';
	return u;
}

/* @v as @key of @o, which takes it (or frees it if there is no @o). */
static void add(struct json_object *o, const char *key,
		struct json_object *v)
{
	char *k;

	if (!o) {
		json_object_put(v);
		return;
	}
	k = latin1(key);
	json_object_object_add(o, k ? k : key, v);
	free(k);
}

void json_add_str(struct json_object *o, const char *key, const char *val)
{
	char *u = latin1(val);

	add(o, key, json_object_new_string(u ? u : val));
	free(u);
}

void json_add_u64(struct json_object *o, const char *key, uint64_t val)
{
	add(o, key, json_object_new_uint64(val));
}

void json_add_uints(struct json_object *o, const void *base,
		   const struct json_uint_field *fields, size_t n)
{
	uint64_t v;
	uint32_t w;
	size_t i;

	/* memcpy: a struct's __u64 is unsigned long long, not uint64_t */
	for (i = 0; i < n; i++) {
		const char *p = (const char *)base + fields[i].offset;

		if (fields[i].size == sizeof(w)) {
			memcpy(&w, p, sizeof(w));
			v = w;
		} else {
			memcpy(&v, p, sizeof(v));
		}
		json_add_u64(o, fields[i].key, v);
	}
}

void json_add_i64(struct json_object *o, const char *key, int64_t val)
{
	add(o, key, json_object_new_int64(val));
}

void json_add_bool(struct json_object *o, const char *key, bool val)
{
	add(o, key, json_object_new_boolean(val));
}

void json_add_null(struct json_object *o, const char *key)
{
	add(o, key, NULL);
}

/* @v, a number or an object made by the caller, as @key of @o. */
void json_add(struct json_object *o, const char *key, struct json_object *v)
{
	add(o, key, v);
}

/* "KEY": "0.5 mm", "KEY_um": 500 */
void json_add_depth(struct json_object *o, const char *key, uint32_t um)
{
	char buf[FMT_LEN], raw[64];

	json_add_str(o, key, depth_str(um, buf));
	snprintf(raw, sizeof(raw), "%s_um", key);
	json_add_u64(o, raw, um);
}

/* "KEY": "120 Hz", "KEY_mhz": 120000 */
void json_add_rate(struct json_object *o, const char *key, uint32_t mhz)
{
	char buf[FMT_LEN], raw[64];

	json_add_str(o, key, rate_str(mhz, buf));
	snprintf(raw, sizeof(raw), "%s_mhz", key);
	json_add_u64(o, raw, mhz);
}

/* "path", then the pen's "name", "driver", "model" and "serial" */
void json_add_pen(struct json_object *o, const char *path,
		  const struct pen_info *info)
{
	json_add_str(o, "path", path);
	json_add_str(o, "name", info->name);
	json_add_str(o, "driver", info->driver);
	json_add_str(o, "model", info->model);
	json_add_str(o, "serial", info->serial);
}

/* "fault": "over-depth", "fault_code": 1, "fault_value": 300, ... */
void json_add_fault(struct json_object *o, const struct pen_status *st)
{
	json_add_str(o, "fault", pen_fault_name(st->fault));
	json_add_u64(o, "fault_code", st->fault);
	json_add_u64(o, "fault_value", st->fault_value);
	json_add_u64(o, "fault_ns", st->fault_ns);
	json_add_u64(o, "fault_seq", st->fault_seq);
}

/*
 * A new object, or NULL for want of memory: then every json_add_*() does
 * nothing, and json_print() says so and fails.
 */
struct json_object *json_new_object(void)
{
	return json_object_new_object();
}

/* @o as one line on @f, and @o released. Returns 0, or -1 (said). */
int json_print(FILE *f, struct json_object *o)
{
	const char *s = o ? json_object_to_json_string_ext(o, JSON_FLAGS) :
			    NULL;

	if (!s) {
		json_object_put(o);
		errorf("out of memory");
		return -1;
	}
	fprintf(f, "%s\n", s);
	json_object_put(o);
	return 0;
}
