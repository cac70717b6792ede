// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * penctl list: every pen in /dev, read-only.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "penctl.h"

struct pen_entry {
	unsigned long index;
	char name[256];
};

static int entry_cmp(const void *a, const void *b)
{
	const struct pen_entry *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* /dev/pen[0-9]+, sorted by number. */
static struct pen_entry *scan_pens(size_t *count)
{
	struct pen_entry *list = NULL, *tmp;
	size_t n = 0, cap = 0;
	struct dirent *e;
	const char *p;
	DIR *dir;

	dir = opendir("/dev");
	if (!dir) {
		errorf("/dev: %s", strerror(errno));
		return NULL;
	}
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, "pen", 3) || !is_digit(e->d_name[3]))
			continue;
		for (p = e->d_name + 3; is_digit(*p); p++)
			;
		if (*p || strlen(e->d_name) >= sizeof(list->name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			tmp = realloc(list, cap * sizeof(*list));
			if (!tmp) {
				errorf("out of memory");
				free(list);
				closedir(dir);
				return NULL;
			}
			list = tmp;
		}
		errno = 0;
		list[n].index = strtoul(e->d_name + 3, NULL, 10);
		if (errno)
			list[n].index = ULONG_MAX;
		strcpy(list[n].name, e->d_name);
		n++;
	}
	closedir(dir);

	if (n)
		qsort(list, n, sizeof(*list), entry_cmp);
	*count = n;
	/* A valid pointer even for no pens, so NULL always means failure. */
	return list ? list : calloc(1, sizeof(*list));
}

/* A pen that cannot be read: listed, not hidden, since that is news. */
static void list_error(const struct ctx *c, struct json_object *arr,
		       const char *path, const char *name, int err)
{
	struct json_object *o;

	open_error(path, err);
	if (!c->json) {
		printf("%-8s error: %s\n", name, open_strerror(err));
		return;
	}
	o = json_new_object();
	json_add_str(o, "path", path);
	json_add_str(o, "error", open_strerror(err));
	json_object_array_add(arr, o);
}

/* One pen, in a line or in @arr. Returns 0, or -1 if it cannot be read. */
static int list_pen(const struct ctx *c, struct json_object *arr,
		    const char *name)
{
	char path[300], t1[64], t2[64], t3[64], t4[64];
	struct json_object *o;
	struct pen_status st;
	struct pen_info info;
	struct pen *pen;
	int err;

	snprintf(path, sizeof(path), "/dev/%s", name);
	/* Read-only: listing must never take control of a pen. */
	pen = pen_open(path, 0);
	err = pen ? 0 : errno;
	if (!err && (pen_get_info(pen, &info) < 0 ||
		     pen_get_status(pen, &st) < 0))
		err = errno;
	pen_close(pen);
	if (err) {
		list_error(c, arr, path, name, err);
		return -1;
	}
	if (!c->json) {
		printf("%-8s %-12s %-16s %-16s %s\n",
		       text(info.name, t1, sizeof(t1)),
		       text(info.driver, t2, sizeof(t2)),
		       text(info.model, t3, sizeof(t3)),
		       text(info.serial, t4, sizeof(t4)),
		       pen_state_name(st.state));
		return 0;
	}
	o = json_new_object();
	json_add_pen(o, path, &info);
	json_add_str(o, "state", pen_state_name(st.state));
	json_add_bool(o, "controlled", st.flags & PEN_STATUS_CONTROLLED);
	json_object_array_add(arr, o);
	return 0;
}

int cmd_list(struct ctx *c)
{
	struct json_object *arr = NULL;
	struct pen_entry *list;
	size_t n, i;
	int rc = 0;

	list = scan_pens(&n);
	if (!list)
		return EXIT_RUNTIME;

	if (c->json) {
		arr = json_object_new_array();
		if (!arr) {
			errorf("out of memory");
			free(list);
			return EXIT_RUNTIME;
		}
	} else if (n) {
		printf("%-8s %-12s %-16s %-16s %s\n",
		       "NAME", "DRIVER", "MODEL", "SERIAL", "STATE");
	} else {
		printf("no pens found\n");
	}

	for (i = 0; i < n; i++)
		if (list_pen(c, arr, list[i].name) < 0)
			rc = EXIT_RUNTIME;
	if (c->json && json_print(stdout, arr) < 0)
		rc = EXIT_RUNTIME;
	free(list);
	return rc;
}
