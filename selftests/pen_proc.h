/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tests read back from the kernel's own files rather than from
 * the pen's ioctls: a thread's scheduler state in /proc (is a reader
 * really blocked?) and the pen's open files in debugfs (did a failed or
 * racing open leave a ring behind?).
 */
#ifndef PEN_PROC_H
#define PEN_PROC_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "sim_util.h"

/* The scheduler state letter of thread @tid of this process, or '?'. */
static inline char thread_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	/* The name may hold spaces and ')': the state follows the last ')'. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Files open on /dev/pen@pen (a ring each, in debugfs's readers), or -errno. */
static inline int pen_open_files(int pen)
{
	FILE *f = pen_debugfs_open(pen, "readers");
	char line[128];
	int files = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		files += line[0] != '#';
	fclose(f);
	return files;
}

#endif /* PEN_PROC_H */
