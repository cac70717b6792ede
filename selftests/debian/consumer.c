// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program built against the installed libpen, as a user of libpen-dev
 * builds one: cc consumer.c $(pkg-config --cflags --libs libpen), and
 * statically. The Debian system test (proof.sh) runs it on /dev/pen0:
 * it opens the pen read-only and prints what PEN_IOC_GET_INFO says.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libpen.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/pen0";
	struct pen_info info;
	struct pen *pen;

	pen = pen_open(path, 0);
	if (!pen) {
		fprintf(stderr, "consumer: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (pen_get_info(pen, &info) < 0) {
		fprintf(stderr, "consumer: %s: info: %s\n", path, strerror(errno));
		pen_close(pen);
		return 1;
	}
	printf("consumer: %s: %s %s serial %s, api %u, depth %u-%u um\n",
	       pen_path(pen), info.name, info.model, info.serial,
	       info.api_version, info.depth_min_um, info.depth_max_um);
	pen_close(pen);
	return 0;
}
