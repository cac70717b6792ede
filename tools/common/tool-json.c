// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A JSON document built one value at a time, in the order it is written,
 * over json-c (which keeps an object's members in insertion order). The
 * tools write JSON with json-c, never by hand: escaping, numbers and
 * nesting are its business.
 *
 * json-c returns NULL when out of memory, and json_object_object_add()
 * would store such a NULL as null; the document remembers any failure
 * and then refuses to print, rather than print a wrong document.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "tool.h"

#define TOOL_JSON_DEPTH	16

struct tool_json {
	struct json_object *root;
	/* The containers open now, outermost first. */
	struct json_object *open[TOOL_JSON_DEPTH];
	int level;
	bool failed;
};

struct tool_json *tool_json_new(void)
{
	struct tool_json *j = calloc(1, sizeof(*j));

	if (!j)
		errno = ENOMEM;
	return j;
}

void tool_json_free(struct tool_json *j)
{
	if (!j)
		return;
	json_object_put(j->root);
	free(j);
}

/* Put @v (a reference the document takes) where the next value goes. */
static void put(struct tool_json *j, const char *key, struct json_object *v,
		bool is_null)
{
	struct json_object *in;
	int ret;

	if (!v && !is_null)
		goto fail;
	if (!j->level) {
		if (j->root)
			goto fail;
		j->root = v;
		return;
	}
	in = j->open[j->level - 1];
	if (!in)
		goto fail;
	if (json_object_is_type(in, json_type_array))
		ret = key ? -1 : json_object_array_add(in, v);
	else
		ret = key ? json_object_object_add(in, key, v) : -1;
	if (ret)
		goto fail;
	return;
fail:
	json_object_put(v);
	j->failed = true;
}

void tool_json_open(struct tool_json *j, const char *key, char c)
{
	struct json_object *v = c == '[' ? json_object_new_array() :
					   json_object_new_object();

	if (j->level == TOOL_JSON_DEPTH) {
		json_object_put(v);
		j->failed = true;
		return;
	}
	put(j, key, v, false);
	/*
	 * Opened even if it could not be put (NULL then: put() freed it),
	 * so that the closes still pair; what goes in it is dropped.
	 */
	j->open[j->level++] = j->failed ? NULL : v;
}

void tool_json_close(struct tool_json *j)
{
	if (!j->level) {
		j->failed = true;
		return;
	}
	j->level--;
}

void tool_json_u64(struct tool_json *j, const char *key, uint64_t v)
{
	put(j, key, json_object_new_uint64(v), false);
}

void tool_json_i64(struct tool_json *j, const char *key, int64_t v)
{
	put(j, key, json_object_new_int64(v), false);
}

/*
 * Six significant digits, as "%.6g": the tools' doubles are measurements
 * and ratios, and json-c's default of 17 digits would only print noise.
 */
void tool_json_f(struct tool_json *j, const char *key, double v)
{
	char text[32];

	if (!isfinite(v)) {
		put(j, key, NULL, true);
		return;
	}
	snprintf(text, sizeof(text), "%.6g", v);
	put(j, key, json_object_new_double_s(v, text), false);
}

void tool_json_bool(struct tool_json *j, const char *key, bool v)
{
	put(j, key, json_object_new_boolean(v), false);
}

void tool_json_null(struct tool_json *j, const char *key)
{
	put(j, key, NULL, true);
}

void tool_json_str(struct tool_json *j, const char *key, const char *s)
{
	put(j, key, json_object_new_string(s), false);
}

void tool_json_u64_array(struct tool_json *j, const char *key,
			 const __u64 *v, size_t n)
{
	size_t i;

	tool_json_open(j, key, '[');
	for (i = 0; i < n; i++)
		tool_json_u64(j, NULL, v[i]);
	tool_json_close(j);
}

const char *tool_json_string(struct tool_json *j, int flags)
{
	if (j->failed || j->level || !j->root) {
		errno = j->failed ? ENOMEM : EINVAL;
		return NULL;
	}
	/* "/" needs no escape in JSON; paths and versions read better. */
	return json_object_to_json_string_ext(j->root, flags |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}
