/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpen internals, shared by the library's source files only.
 */
#ifndef LIBPEN_INTERNAL_H
#define LIBPEN_INTERNAL_H

/*
 * The library is built with -fvisibility=hidden, so only what is marked
 * here reaches the dynamic symbol table; libpen.map then pins those names
 * to the LIBPEN_1 version. Kept out of libpen.h so that users never see it.
 */
#define PEN_EXPORT	__attribute__((visibility("default")))

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* Fail with @err: the library's "-1 and errno" in one statement. */
static inline int pen_fail(int err)
{
	errno = err;
	return -1;
}

/*
 * Close a handle's descriptor and free the handle, keeping errno: a
 * close after a failure must not hide why it failed. No retry on EINTR:
 * on Linux the descriptor is released even then, and a retry could close
 * one another thread just got.
 */
void pen_release(int fd, void *handle);

/*
 * Wait up to @timeout_ns (forever if negative) for @fd to be readable:
 * 1 ready, 0 timed out, -1 with errno.
 */
int pen_poll_fd(int fd, int64_t timeout_ns);

/*
 * snprintf() that never leaves a truncated string: "1.2" cut from
 * "1.25 mm" would read as another value. Returns the length, or -1 with
 * errno %ERANGE and @buf emptied (units.c).
 */
int pen_snprintf_whole(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* LIBPEN_INTERNAL_H */
