/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the fuzz targets that run penctl share (fuzz_penctl.c): penctl's
 * output captured, its one-line errors checked, and the way a broken
 * property is reported.
 */
#ifndef FUZZ_PENCTL_H
#define FUZZ_PENCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "penctl.h"

/* stdout and stderr, captured into memory for one run of penctl. */
struct capture {
	FILE *real_out, *real_err;
	char *out, *err;
	size_t out_len, err_len;
};

void fuzz_init(const char *name);
void __attribute__((noreturn)) broken(const char *what);
bool one_error_line(const char *s, size_t len);
void capture_begin(struct capture *cap);
void capture_end(struct capture *cap);
void capture_free(struct capture *cap);

#endif /* FUZZ_PENCTL_H */
