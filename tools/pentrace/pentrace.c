// SPDX-License-Identifier: GPL-2.0
/*
 * pentrace - per-pen stroke statistics from the pen:pen_stroke tracepoint.
 *
 * A BPF program (pentrace.bpf.c) counts every stroke the pen driver
 * issues, in the kernel, as it happens; this half checks that the
 * tracepoint is the one the program was built for, loads and attaches the
 * program, and prints what it counted: per pen the strokes, how many were
 * measured and missed, the achieved rate, and histograms of the lateness
 * and of the depth error.
 *
 * Exit status: 0 success, 1 runtime error, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include <libpen.h>
#include <tool.h>

#include "pentrace.h"
#include "pentrace.skel.h"

#ifndef PENTRACE_VERSION
#define PENTRACE_VERSION	"unknown"
#endif

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC	((uint64_t)1000000000)

/* Longest -i or -d: a year, far below what a u64 of ns holds. */
#define MAX_SECONDS	(365ULL * 24 * 3600)

/* Width of a histogram's bar at its largest count. */
#define BAR_WIDTH	40

/* The per-CPU values of a stats entry sit 8-byte aligned, back to back. */
_Static_assert(sizeof(struct pen_stats) % 8 == 0,
	       "struct pen_stats must be a multiple of 8 bytes");

enum {
	OPT_JSON = 256,
};

struct opts {
	uint64_t interval_ns;		/* 0: report at exit only */
	uint64_t duration_ns;		/* 0: until SIGINT or SIGTERM */
	bool filter;
	uint32_t pen;
	bool json;
	bool verbose;
};

/* One pen's statistics, added up over the CPUs. */
struct pen_report {
	uint32_t pen;
	struct pen_stats s;
};

static bool verbose;

/* libbpf's own messages are for --verbose: errors are ours, one line. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* ---- Command line ---------------------------------------------------- */

/*
 * A duration, in libpen's grammar as every pen tool takes it ("500ms",
 * "2s", "1.5", "2m"): more than 0 and at most MAX_SECONDS.
 */
static int parse_duration(const char *name, const char *s, uint64_t *ns)
{
	if (pen_parse_duration(s, ns) < 0) {
		tool_value_error(name, PEN_QUANTITY_DURATION, s);
		return -1;
	}
	if (*ns > MAX_SECONDS * NSEC_PER_SEC) {
		tool_error("invalid %s '%s': too large (at most a year)", name, s);
		return -1;
	}
	return 0;
}

/* A pen as every pen tool names it: N, penN or /dev/penN. */
static int parse_pen(const char *s, uint32_t *pen)
{
	unsigned int n;

	if (pen_parse_index(s, &n) < 0) {
		tool_value_error("pen", PEN_QUANTITY_INDEX, s);
		return -1;
	}
	*pen = n;
	return 0;
}

static void usage(FILE *f)
{
	fputs(
"Usage: pentrace [-i TIME] [-d TIME] [-p PEN] [--json] [-v]\n"
"\n"
"Per-pen stroke statistics from the pen:pen_stroke tracepoint: strokes,\n"
"measured strokes, missed periods, achieved rate, and histograms of the\n"
"lateness and of the depth error (reached minus commanded). Counted in\n"
"the kernel by a BPF program; needs root.\n"
"\n"
"Options:\n"
"  -i, --interval TIME  print every TIME and go on (totals since\n"
"                       pentrace started); default: print once, at exit\n"
"  -d, --duration TIME  exit after TIME (default: at SIGINT or SIGTERM)\n"
"                       TIME: 500ms, 2s, 1.5s, 2m, 1h; a bare number is\n"
"                       seconds\n"
"  -p, --pen PEN        only that pen: N, penN or /dev/penN\n"
"      --json           one JSON object per pen per report, on one line\n"
"  -v, --verbose        show libbpf's messages\n"
"  -h, --help           this help\n"
"  -V, --version        version\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 usage error.\n"
"See pentrace(8) for details.\n", f);
}

static const struct option long_opts[] = {
	{ "interval", required_argument, NULL, 'i' },
	{ "duration", required_argument, NULL, 'd' },
	{ "pen", required_argument, NULL, 'p' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Returns -1 to exit 0 (help, version), 0 to go on, EXIT_USAGE on error. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	const char *interval = NULL, *duration = NULL, *pen = NULL;
	const char **slot;
	int opt;

	/* ':' and opterr = 0: pentrace words its own errors. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":i:d:p:vhV", long_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'i':
		case 'd':
		case 'p':
			slot = opt == 'i' ? &interval :
			       opt == 'd' ? &duration : &pen;
			if (*slot) {
				tool_error("option '--%s' given twice",
				      opt == 'i' ? "interval" :
				      opt == 'd' ? "duration" : "pen");
				return EXIT_USAGE;
			}
			*slot = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("pentrace %s\n", PENTRACE_VERSION);
			return -1;
		case ':':
			tool_error("option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			if (optopt > 0 && optopt < 128 &&
			    !strchr("idpvhV", optopt))
				tool_error("invalid option '-%c'", optopt);
			else
				tool_error("invalid option '%s'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		tool_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (interval && parse_duration("interval", interval, &o->interval_ns))
		return EXIT_USAGE;
	if (duration && parse_duration("duration", duration, &o->duration_ns))
		return EXIT_USAGE;
	if (pen) {
		if (parse_pen(pen, &o->pen))
			return EXIT_USAGE;
		o->filter = true;
	}
	return 0;
}

/* ---- The tracepoint's format ----------------------------------------- */

struct tp_field {
	const char *name;
	unsigned int offset, size;
	bool is_signed;
	bool seen;
};

#define TP_FIELD(f, sign) {						\
	#f, offsetof(struct pen_stroke_tp, f),				\
	sizeof(((struct pen_stroke_tp *)0)->f), sign, false		\
}

/* Every field of struct pen_stroke_tp, as the BPF program reads it. */
static struct tp_field stroke_fields[] = {
	TP_FIELD(common_type, false),
	TP_FIELD(common_flags, false),
	TP_FIELD(common_preempt_count, false),
	TP_FIELD(common_pid, true),
	TP_FIELD(seq, false),
	TP_FIELD(issued_ns, false),
	TP_FIELD(lateness_ns, false),
	TP_FIELD(reached_ns, false),
	TP_FIELD(pen, false),
	TP_FIELD(cmd_um, false),
	TP_FIELD(reached_um, false),
	TP_FIELD(measured, false),
	TP_FIELD(missed, false),
	TP_FIELD(rate_mhz, false),
};

/*
 * The tracefs mount: PENTRACE_TRACEFS if set, else /sys/kernel/tracing,
 * else the older /sys/kernel/debug/tracing. NULL, with the reason said,
 * if there is none.
 */
static const char *tracefs_root(void)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	const char *env = getenv("PENTRACE_TRACEFS");
	char path[PATH_MAX];
	bool denied = false;
	size_t i;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s/events", env);
		if (access(path, F_OK) == 0)
			return env;
		tool_error("PENTRACE_TRACEFS=%s: no tracefs there (%s: %s)", env,
		      path, strerror(errno));
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		snprintf(path, sizeof(path), "%s/events", roots[i]);
		if (access(path, F_OK) == 0)
			return roots[i];
		if (errno == EACCES)
			denied = true;
	}
	if (denied)
		tool_error("cannot reach tracefs: permission denied (pentrace needs root)");
	else
		tool_error("tracefs is not mounted (mount -t tracefs tracefs /sys/kernel/tracing)");
	return NULL;
}

/*
 * Parse a format file line "\tfield:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;"
 * into its name (arrays lose their "[N]"), offset, size and signedness.
 * Returns false for any other line.
 */
static bool parse_field(const char *line, char *name, size_t name_len,
			unsigned int *offset, unsigned int *size, int *sign)
{
	const char *decl = strstr(line, "field:"), *end, *start, *p;
	size_t len;

	if (!decl)
		return false;
	decl += strlen("field:");
	end = strchr(decl, ';');
	if (!end)
		return false;
	while (end > decl && end[-1] == ' ')
		end--;
	/*
	 * The last word, less any "[N]": "comm" of "char comm[16]", "name"
	 * of "__data_loc char[] name".
	 */
	for (start = end; start > decl && start[-1] != ' ' &&
	     start[-1] != '*'; start--)
		;
	p = memchr(start, '[', (size_t)(end - start));
	if (p)
		end = p;
	len = (size_t)(end - start);
	if (!len || len >= name_len)
		return false;
	memcpy(name, start, len);
	name[len] = '\0';

	p = strstr(line, "offset:");
	if (!p || sscanf(p, "offset:%u;", offset) != 1)
		return false;
	p = strstr(line, "size:");
	if (!p || sscanf(p, "size:%u;", size) != 1)
		return false;
	p = strstr(line, "signed:");
	if (!p || sscanf(p, "signed:%d;", sign) != 1)
		return false;
	return true;
}

/*
 * The BPF program reads the record through struct pen_stroke_tp; make
 * sure the driver's record is laid out the same, field by field, so that
 * a driver and a pentrace that disagree stop here instead of counting
 * garbage.
 */
static int check_format(const char *root)
{
	char path[PATH_MAX], line[512], name[128];
	unsigned int offset, size;
	struct stat st;
	int sign, ret = -1;
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/pen", root);
	if (stat(path, &st)) {
		if (errno != ENOENT)
			tool_error("%s: %s", path, strerror(errno));
		else if (access("/sys/module/pen", F_OK) == 0)
			tool_error("the pen module is loaded but has no tracepoints in %s/events (built without CONFIG_TRACEPOINTS?)",
			      root);
		else
			tool_error("the pen module is not loaded (no %s)", path);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/events/pen/pen_stroke/format", root);
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			tool_error("the pen module has no pen:pen_stroke tracepoint (no %s): a driver older than pentrace",
			      path);
		else if (errno == EACCES)
			tool_error("cannot read %s: permission denied (pentrace needs root)",
			      path);
		else
			tool_error("cannot read %s: %s", path, strerror(errno));
		return -1;
	}

	for (i = 0; i < ARRAY_SIZE(stroke_fields); i++)
		stroke_fields[i].seen = false;
	while (fgets(line, sizeof(line), f)) {
		if (!parse_field(line, name, sizeof(name), &offset, &size,
				 &sign))
			continue;
		for (i = 0; i < ARRAY_SIZE(stroke_fields); i++) {
			struct tp_field *fld = &stroke_fields[i];

			if (strcmp(name, fld->name))
				continue;
			if (offset != fld->offset || size != fld->size ||
			    !!sign != fld->is_signed) {
				tool_error("pen:pen_stroke's field '%s' is at offset %u, size %u, %ssigned; pentrace was built for offset %u, size %u, %ssigned: rebuild pentrace with this driver",
				      name, offset, size, sign ? "" : "un",
				      fld->offset, fld->size,
				      fld->is_signed ? "" : "un");
				goto out;
			}
			fld->seen = true;
		}
	}
	if (ferror(f)) {
		tool_error("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(stroke_fields); i++) {
		if (!stroke_fields[i].seen) {
			tool_error("pen:pen_stroke has no field '%s' (%s): rebuild pentrace with this driver",
			      stroke_fields[i].name, path);
			goto out;
		}
	}
	ret = 0;
out:
	fclose(f);
	return ret;
}

/* ---- Loading --------------------------------------------------------- */

static const char *bpf_strerror(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return "BPF not permitted (pentrace needs root, or CAP_BPF and CAP_PERFMON)";
	case ENOSYS:
		return "this kernel has no BPF (CONFIG_BPF_SYSCALL)";
	default:
		return NULL;
	}
}

static struct pentrace *load(const struct opts *o)
{
	struct pentrace *skel;
	const char *why;
	int err;

	skel = pentrace__open();
	if (!skel) {
		tool_error("cannot open the BPF program: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->filter_on = o->filter;
	skel->rodata->filter_pen = o->pen;

	err = pentrace__load(skel);
	if (err) {
		err = -err;
		why = bpf_strerror(err);
		if (why)
			tool_error("cannot load the BPF program: %s", why);
		else
			tool_error("cannot load the BPF program: %s (-v shows libbpf's log)",
			      strerror(err));
		goto fail;
	}
	err = pentrace__attach(skel);
	if (err) {
		err = -err;
		why = bpf_strerror(err);
		if (err == ENOENT)
			tool_error("cannot attach to pen:pen_stroke: the tracepoint is gone (pen module unloaded?)");
		else if (why)
			tool_error("cannot attach to pen:pen_stroke: %s", why);
		else if (err == EINVAL || err == EOPNOTSUPP)
			tool_error("cannot attach to pen:pen_stroke: %s (a kernel without CONFIG_BPF_EVENTS?)",
			      strerror(err));
		else
			tool_error("cannot attach to pen:pen_stroke: %s",
			      strerror(err));
		goto fail;
	}
	return skel;
fail:
	pentrace__destroy(skel);
	return NULL;
}

/*
 * Events the kernel did not give the program: since 6.7 it counts those
 * it skipped because another BPF program was running on the CPU (older
 * kernels skip them too, uncounted).
 */
static uint64_t prog_misses(const struct pentrace *skel)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.pen_stroke),
				   &info, &len))
		return 0;
	return info.recursion_misses;
}

/* ---- Reading and adding up ------------------------------------------- */

static void add_stats(struct pen_stats *sum, const struct pen_stats *s)
{
	size_t i;

	if (!s->strokes)
		return;
	if (!sum->strokes || s->first_issued_ns < sum->first_issued_ns)
		sum->first_issued_ns = s->first_issued_ns;
	if (s->last_issued_ns > sum->last_issued_ns)
		sum->last_issued_ns = s->last_issued_ns;
	if (s->lateness_max_ns > sum->lateness_max_ns)
		sum->lateness_max_ns = s->lateness_max_ns;
	sum->strokes += s->strokes;
	sum->measured += s->measured;
	sum->missed += s->missed;
	for (i = 0; i < PENTRACE_LAT_SLOTS; i++)
		sum->lateness[i] += s->lateness[i];
	for (i = 0; i < PENTRACE_ERR_SLOTS; i++)
		sum->depth_err[i] += s->depth_err[i];
}

static int cmp_report(const void *a, const void *b)
{
	const struct pen_report *x = a, *y = b;

	return x->pen < y->pen ? -1 : x->pen > y->pen;
}

/*
 * Every pen in the map (or only the one asked for, counted or not),
 * added up over the CPUs and sorted by number. Returns how many, or -1.
 */
static int read_stats(const struct pentrace *skel, const struct opts *o,
		      struct pen_stats *percpu, int ncpus,
		      struct pen_report *out)
{
	const struct bpf_map *map = skel->maps.stats;
	size_t vsize = sizeof(*percpu) * (size_t)ncpus;
	__u32 key, next, *prev = NULL;
	int n = 0, c, err;

	while (n < PENTRACE_MAX_PENS &&
	       !bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		err = bpf_map__lookup_elem(map, &key, sizeof(key), percpu,
					   vsize, 0);
		if (err == -ENOENT)
			continue;
		if (err) {
			tool_error("cannot read the statistics of pen%u: %s", key,
			      strerror(-err));
			return -1;
		}
		memset(&out[n], 0, sizeof(out[n]));
		out[n].pen = key;
		for (c = 0; c < ncpus; c++)
			add_stats(&out[n].s, &percpu[c]);
		n++;
	}
	if (o->filter && !n) {
		memset(&out[0], 0, sizeof(out[0]));
		out[0].pen = o->pen;
		n = 1;
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_report);
	return n;
}

/* Strokes per second from the first issued to the last; < 0 if unknown. */
static double achieved_hz(const struct pen_stats *s)
{
	if (s->strokes < 2 || s->last_issued_ns <= s->first_issued_ns)
		return -1;
	return (double)(s->strokes - 1) * 1e9 /
	       (double)(s->last_issued_ns - s->first_issued_ns);
}

/* ---- Text output ----------------------------------------------------- */

/* One histogram row: "LABEL : COUNT |****   |". */
static void hist_row(const char *label, uint64_t count, uint64_t max)
{
	unsigned int stars = 0, i;

	if (count)
		stars = (unsigned int)(count * BAR_WIDTH / max);
	/* A row that has counts shows at least one star. */
	if (count && !stars)
		stars = 1;
	printf("%24s : %-8" PRIu64 " |", label, count);
	for (i = 0; i < BAR_WIDTH; i++)
		putchar(i < stars ? '*' : ' ');
	puts("|");
}

/* The rows from the first to the last that counted anything. */
static bool hist_bounds(const __u64 *slots, int n, int *first, int *last,
			uint64_t *max)
{
	int i;

	*first = -1;
	*max = 0;
	for (i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		if (*first < 0)
			*first = i;
		*last = i;
		if (slots[i] > *max)
			*max = slots[i];
	}
	return *first >= 0;
}

static void print_lateness(const struct pen_stats *s)
{
	char label[64];
	int first, last, i;
	uint64_t max, lo, hi;

	if (!hist_bounds(s->lateness, PENTRACE_LAT_SLOTS, &first, &last,
			 &max))
		return;
	printf("\n%24s : count    distribution\n", "lateness (ns)");
	for (i = first; i <= last; i++) {
		lo = i ? 1ULL << (i - 1) : 0;
		hi = i ? (1ULL << (i - 1)) * 2 - 1 : 0;
		snprintf(label, sizeof(label), "%" PRIu64 " -> %" PRIu64, lo,
			 hi);
		hist_row(label, s->lateness[i], max);
	}
}

static void print_depth_err(const struct pen_stats *s)
{
	char label[64];
	int first, last, i, lo;
	uint64_t max;

	if (!hist_bounds(s->depth_err, PENTRACE_ERR_SLOTS, &first, &last,
			 &max))
		return;
	printf("\n%24s : count    distribution\n", "depth error (um)");
	for (i = first; i <= last; i++) {
		lo = PENTRACE_ERR_MIN_UM + (i - 1) * PENTRACE_ERR_STEP_UM;
		if (i == 0)
			snprintf(label, sizeof(label), "< %d",
				 PENTRACE_ERR_MIN_UM);
		else if (i == PENTRACE_ERR_SLOTS - 1)
			snprintf(label, sizeof(label), ">= %d",
				 PENTRACE_ERR_MAX_UM);
		else
			snprintf(label, sizeof(label), "%d -> %d", lo,
				 lo + PENTRACE_ERR_STEP_UM - 1);
		hist_row(label, s->depth_err[i], max);
	}
}

static void print_text(const struct pen_report *r, uint64_t elapsed_ns)
{
	const struct pen_stats *s = &r->s;
	double hz = achieved_hz(s);

	printf("pen%u, %" PRIu64 ".%03" PRIu64 " s traced\n", r->pen,
	       elapsed_ns / NSEC_PER_SEC,
	       elapsed_ns % NSEC_PER_SEC / 1000000);
	printf("  strokes:        %" PRIu64 "\n", (uint64_t)s->strokes);
	printf("  measured:       %" PRIu64 "\n", (uint64_t)s->measured);
	printf("  missed:         %" PRIu64 "\n", (uint64_t)s->missed);
	if (hz >= 0)
		printf("  achieved rate:  %.3f Hz\n", hz);
	else
		printf("  achieved rate:  - (fewer than 2 strokes)\n");
	if (s->strokes)
		printf("  max lateness:   %" PRIu64 " ns\n",
		       (uint64_t)s->lateness_max_ns);
	print_lateness(s);
	print_depth_err(s);
	putchar('\n');
}

/* ---- JSON output ----------------------------------------------------- */

/* One pen's report as one JSON object, built over json-c (tools/common). */
static void json_report(struct tool_json *j, const struct pen_report *r,
			uint64_t elapsed_ns, uint64_t skipped,
			uint64_t dropped)
{
	const struct pen_stats *s = &r->s;
	double hz = achieved_hz(s);

	tool_json_open(j, NULL, '{');
	tool_json_u64(j, "pen", r->pen);
	tool_json_u64(j, "elapsed_ns", elapsed_ns);
	tool_json_u64(j, "strokes", s->strokes);
	tool_json_u64(j, "measured", s->measured);
	tool_json_u64(j, "missed", s->missed);
	if (hz >= 0)
		tool_json_u64(j, "rate_mhz", (uint64_t)(hz * 1000 + 0.5));
	else
		tool_json_null(j, "rate_mhz");
	tool_json_u64(j, "first_issued_ns", s->first_issued_ns);
	tool_json_u64(j, "last_issued_ns", s->last_issued_ns);

	tool_json_open(j, "lateness_ns", '{');
	tool_json_u64(j, "max", s->lateness_max_ns);
	tool_json_u64_array(j, "log2", s->lateness, PENTRACE_LAT_SLOTS);
	tool_json_close(j);

	tool_json_open(j, "depth_error_um", '{');
	tool_json_i64(j, "step", PENTRACE_ERR_STEP_UM);
	tool_json_i64(j, "min", PENTRACE_ERR_MIN_UM);
	tool_json_i64(j, "max", PENTRACE_ERR_MAX_UM);
	tool_json_u64(j, "below", s->depth_err[0]);
	tool_json_u64_array(j, "buckets", &s->depth_err[1],
			    PENTRACE_ERR_RANGE_SLOTS);
	tool_json_u64(j, "above", s->depth_err[PENTRACE_ERR_SLOTS - 1]);
	tool_json_close(j);

	tool_json_u64(j, "skipped_events", skipped);
	tool_json_u64(j, "dropped_strokes", dropped);
	tool_json_close(j);
}

/* ---- Reports --------------------------------------------------------- */

struct tracer {
	const struct opts *o;
	struct pentrace *skel;
	struct pen_stats *percpu;
	struct pen_report *reports;
	int ncpus;
	uint64_t start_ns;
};

static int report(const struct tracer *t)
{
	uint64_t elapsed = now_ns() - t->start_ns;
	uint64_t skipped = prog_misses(t->skel);
	uint64_t dropped = t->skel->bss->dropped;
	struct tool_json *j;
	const char *line;
	int n, i;

	n = read_stats(t->skel, t->o, t->percpu, t->ncpus, t->reports);
	if (n < 0)
		return -1;
	if (!t->o->json && !n)
		printf("no strokes traced in %" PRIu64 ".%03" PRIu64 " s\n",
		       elapsed / NSEC_PER_SEC,
		       elapsed % NSEC_PER_SEC / 1000000);
	for (i = 0; i < n; i++) {
		if (!t->o->json) {
			print_text(&t->reports[i], elapsed);
			continue;
		}
		j = tool_json_new();
		if (j)
			json_report(j, &t->reports[i], elapsed, skipped,
				    dropped);
		line = j ? tool_json_string(j, JSON_C_TO_STRING_PLAIN) : NULL;
		if (!line) {
			tool_json_free(j);
			tool_error("out of memory");
			return -1;
		}
		puts(line);
		tool_json_free(j);
	}
	/* Said once per report, on stderr: the figures above are short. */
	if (!t->o->json && skipped)
		tool_error("the kernel skipped %" PRIu64 " events (another BPF program was running on the CPU): the counts are short",
		      skipped);
	if (!t->o->json && dropped)
		tool_error("%" PRIu64 " strokes of pens beyond the first %d were not counted",
		      dropped, PENTRACE_MAX_PENS);
	/* A reader at the other end of a pipe gets each report whole. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		tool_error("write error on standard output");
		return -1;
	}
	return 0;
}

/*
 * Wait for SIGINT or SIGTERM until @deadline (CLOCK_MONOTONIC ns; 0: no
 * deadline). The signals are blocked and taken with sigtimedwait(), so
 * one that arrives at any moment ends the wait: there is no window
 * between checking a flag and going to sleep. Returns true on a signal.
 */
static bool wait_signal(const sigset_t *set, uint64_t deadline)
{
	struct timespec ts;
	uint64_t now, left;
	int sig;

	for (;;) {
		if (!deadline) {
			sig = sigwaitinfo(set, NULL);
		} else {
			now = now_ns();
			if (now >= deadline)
				return false;
			left = deadline - now;
			ts.tv_sec = (time_t)(left / NSEC_PER_SEC);
			ts.tv_nsec = (long)(left % NSEC_PER_SEC);
			sig = sigtimedwait(set, NULL, &ts);
		}
		if (sig > 0)
			return true;
		if (errno == EAGAIN)
			return false;
		/* EINTR: a signal not in the set (a debugger's); go on. */
	}
}

static int trace(struct tracer *t, const sigset_t *set)
{
	const struct opts *o = t->o;
	uint64_t end = o->duration_ns ? t->start_ns + o->duration_ns : 0;
	uint64_t tick = o->interval_ns ? t->start_ns + o->interval_ns : 0;
	uint64_t wake;

	for (;;) {
		wake = end;
		if (tick && (!wake || tick < wake))
			wake = tick;
		if (wait_signal(set, wake))
			break;
		if (end && now_ns() >= end)
			break;
		if (tick && now_ns() >= tick) {
			if (report(t))
				return EXIT_RUNTIME;
			/* Ticks stay on the grid, skipping any missed. */
			while (tick <= now_ns())
				tick += o->interval_ns;
		}
	}
	return report(t) ? EXIT_RUNTIME : 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct tracer t = { .o = &o };
	const char *root;
	sigset_t set;
	int rc;

	/* Errors are worded as every pen tool words them (tools/common). */
	tool_set_name("pentrace");
	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	verbose = o.verbose;
	libbpf_set_print(libbpf_print);

	root = tracefs_root();
	if (!root || check_format(root))
		return EXIT_RUNTIME;

	t.ncpus = libbpf_num_possible_cpus();
	if (t.ncpus <= 0) {
		tool_error("cannot count the possible CPUs: %s", strerror(-t.ncpus));
		return EXIT_RUNTIME;
	}
	t.percpu = calloc((size_t)t.ncpus, sizeof(*t.percpu));
	t.reports = calloc(PENTRACE_MAX_PENS, sizeof(*t.reports));
	if (!t.percpu || !t.reports) {
		tool_error("out of memory");
		rc = EXIT_RUNTIME;
		goto out;
	}

	/* Blocked before the attach: a signal from then on ends the trace. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	t.skel = load(&o);
	if (!t.skel) {
		rc = EXIT_RUNTIME;
		goto out;
	}
	t.start_ns = now_ns();
	if (o.filter)
		fprintf(stderr, "pentrace: tracing pen%u; Ctrl-C to end\n",
			o.pen);
	else
		fprintf(stderr, "pentrace: tracing all pens; Ctrl-C to end\n");

	rc = trace(&t, &set);
	pentrace__destroy(t.skel);
out:
	free(t.reports);
	free(t.percpu);
	return rc;
}
