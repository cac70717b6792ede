/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The layer every pen tool shares (penctl, pentrace, pen_bench): errors
 * worded one way, and JSON written by json-c rather than by hand.
 *
 * tool-error.c   "prog: message" on stderr, argv quoted safely
 * tool-value.c   "prog: invalid depth '2x': unknown unit 'x' ...", by
 *                libpen's grammar (pen_parse_strerror()); needs libpen
 * tool-json.c    a JSON document built a value at a time over json-c
 *
 * Built once into $(BUILD)/libpentools.a (tools/common/common.mk); each
 * tool links the objects it uses.
 */
#ifndef PEN_TOOL_H
#define PEN_TOOL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

/* ---- tool-error.c ------------------------------------------------------ */

/* The name errors start with, e.g. "pentrace"; set once, first thing. */
void tool_set_name(const char *prog);
const char *tool_name(void);

/*
 * One line on stderr, "prog: message". Control characters become '?',
 * since a message may quote argv; stdout is flushed first, so that the
 * two keep their order on a terminal. Returns the message as printed
 * (without the prefix), valid until the next call.
 */
const char *tool_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
const char *tool_verror(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* ---- tool-value.c (needs libpen) -------------------------------------- */

/*
 * "prog: invalid WHAT 'S': WHY", WHY from pen_parse_strerror() for @q
 * (an enum pen_quantity), naming the value as the user wrote it.
 */
void tool_value_error(const char *what, int q, const char *s);

/* ---- tool-json.c ------------------------------------------------------- */

struct tool_json;

/* A new, empty document; NULL (errno ENOMEM) if out of memory. */
struct tool_json *tool_json_new(void);
void tool_json_free(struct tool_json *j);

/*
 * Open an object ('{') or an array ('['), as member @key of the object
 * open now, or as the next element of the array open now (@key NULL),
 * or as the document itself. Values go where tool_json_open() would put
 * a container. tool_json_close() closes the innermost one.
 */
void tool_json_open(struct tool_json *j, const char *key, char c);
void tool_json_close(struct tool_json *j);
void tool_json_u64(struct tool_json *j, const char *key, uint64_t v);
void tool_json_i64(struct tool_json *j, const char *key, int64_t v);
/* An array of the kernel's __u64 counters. */
/* A double; NaN and the infinities, which JSON lacks, become null. */
void tool_json_f(struct tool_json *j, const char *key, double v);
void tool_json_bool(struct tool_json *j, const char *key, bool v);
void tool_json_null(struct tool_json *j, const char *key);
void tool_json_str(struct tool_json *j, const char *key, const char *s);
void tool_json_u64_array(struct tool_json *j, const char *key,
			 const __u64 *v, size_t n);

/*
 * The document as text, json-c's JSON_C_TO_STRING_* @flags; valid until
 * tool_json_free(). NULL if anything failed on the way (out of memory,
 * a container left open or closed too often): a document with a value
 * missing must never pass for a whole one.
 */
const char *tool_json_string(struct tool_json *j, int flags);

#endif /* PEN_TOOL_H */
