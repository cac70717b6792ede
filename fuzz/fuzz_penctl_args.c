// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: penctl's command line (parse_args() in
 * tools/penctl/args.c: getopt_long, the command table, the values and
 * their units, --levels, the device).
 *
 * It links penctl's objects, all but main.o (libFuzzer has its main);
 * parse_args() is everything main does before a command runs, and it
 * touches no pen, so no device layer needs stubbing. The input is the arguments after "penctl", separated by NUL
 * bytes, each copied into an allocation of its own so that ASan sees any
 * read past the end of one.
 *
 * What must hold, beyond no crash, leak or undefined behaviour:
 *  - a usage error is exactly one line on stderr, "penctl: ...", free of
 *    control characters, with exit status 2 and nothing on stdout; an
 *    invalid option in it is quoted from the argument that has it;
 *  - --help and --version print on stdout and nothing on stderr;
 *  - a command that is let through has only options it accepts, and
 *    every value it gets is what libpen parses its text to: the depth,
 *    the rate, the duration, a count of at least 1, 2 to 16 levels
 *    strictly rising, each its own text's rate.
 * A broken property is reported on stderr and aborts, which libFuzzer
 * counts as a crash and saves the input for.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_penctl.h"

/* More arguments than any command line penctl accepts. */
#define MAX_ARGS	64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init("fuzz_penctl_args");
	return 0;
}

/*
 * An option penctl cannot take is quoted as it was written: the quoted
 * text, less its leading dashes, is part of one of the arguments (as
 * errorf() shows them, control characters made '?'). Never penctl's own
 * name, nor another argument than the one at fault.
 */
static bool quotes_an_argument(const char *line, size_t len, int argc,
			       char **argv)
{
	static const char invalid[] = "penctl: invalid option '";
	static const char needs[] = "penctl: option '";
	static const char needs_end[] = "' needs a value\n";
	char quoted[512], arg[512];
	const char *q;
	size_t n, i;
	int a;

	if (len >= sizeof(quoted))
		return true;		/* errorf() cut it short */
	if (!strncmp(line, invalid, sizeof(invalid) - 1) &&
	    !strcmp(line + len - 2, "'\n")) {
		q = line + sizeof(invalid) - 1;
		n = line + len - 2 - q;
	} else if (!strncmp(line, needs, sizeof(needs) - 1) &&
		   len >= sizeof(needs) + sizeof(needs_end) - 2 &&
		   !strcmp(line + len - (sizeof(needs_end) - 1), needs_end)) {
		q = line + sizeof(needs) - 1;
		n = line + len - (sizeof(needs_end) - 1) - q;
	} else {
		return true;		/* some other usage error */
	}
	for (; n && *q == '-'; q++, n--)
		;
	memcpy(quoted, q, n);
	quoted[n] = '\0';

	for (a = 1; a < argc; a++) {
		snprintf(arg, sizeof(arg), "%s", argv[a]);
		for (i = 0; arg[i]; i++)
			if ((unsigned char)arg[i] < 0x20 || arg[i] == 0x7f)
				arg[i] = '?';
		if (strstr(arg, quoted))
			return true;
	}
	return false;
}

static void check_parsed(const struct ctx *c, const struct command *cmd)
{
	uint32_t u32;
	uint64_t u64;
	unsigned int i;
	char *item;

	if (!cmd || (c->given & ~cmd->allowed))
		broken("a command got an option it does not take");
	if (!c->path || !*c->path)
		broken("no device path");
	if (!!cmd->operand != !!c->file || (c->file && !*c->file))
		broken("the operand is missing, empty or not the command's");
	if (cmd->fn != cmd_help) {
		if ((c->given & OPT_F_LEVELS) && !(c->given & OPT_F_BUTTONS))
			broken("--levels without --buttons");
		if ((c->given & OPT_F_BUTTONS) && c->json)
			broken("--buttons with --json");
	}
	if ((c->given & OPT_F_DEPTH) &&
	    (pen_parse_depth(c->depth_arg, &u32) || u32 != c->depth_um))
		broken("the depth is not what its text says");
	if ((c->given & OPT_F_RATE) &&
	    (pen_parse_rate(c->rate_arg, &u32) || u32 != c->rate_mhz))
		broken("the rate is not what its text says");
	if ((c->given & OPT_F_DURATION) &&
	    (pen_parse_duration(c->duration_arg, &u64) ||
	     u64 != c->duration_ns))
		broken("the duration is not what its text says");
	if ((c->given & OPT_F_COUNT) && !c->count)
		broken("a count of 0");
	if ((c->given & OPT_F_LOG) && !*c->log_arg)
		broken("an empty log file name");
	if (!(c->given & OPT_F_LEVELS))
		return;
	if (c->n_levels < 2 || c->n_levels > MAX_LEVELS)
		broken("not 2 to 16 levels");
	for (i = 0; i < c->n_levels; i++) {
		if (i && c->levels[i] <= c->levels[i - 1])
			broken("levels not strictly rising");
		item = strndup(c->level_text[i], c->level_len[i]);
		if (!item)
			return;
		if (pen_parse_rate(item, &u32) || u32 != c->levels[i])
			broken("a level is not what its text says");
		free(item);
	}
}

/*
 * getopt as at a program's start: optind 0 makes glibc's getopt forget
 * the last run (which may have stopped inside an argument since freed),
 * and a first call, with penctl's options so that their ordering mode
 * is set as in penctl, on no arguments leaves optind at 1.
 */
static void getopt_reset(void)
{
	char name[] = "penctl", *none[] = { name, NULL };

	optind = 0;
	if (getopt_long(1, none, short_opts, long_opts, NULL) != -1 ||
	    optind != 1)
		broken("getopt did not start afresh");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	const struct command *cmd = NULL;
	struct capture cap;
	size_t i, n;
	const uint8_t *p = data, *end = data + size, *nul;
	struct ctx c;
	int argc = 1, rc;

	argv[0] = strdup("penctl");
	while (p < end && argc <= MAX_ARGS) {
		nul = memchr(p, '\0', end - p);
		n = nul ? (size_t)(nul - p) : (size_t)(end - p);
		argv[argc] = strndup((const char *)p, n);
		if (!argv[argc])
			break;
		argc++;
		p += n + 1;
	}
	argv[argc] = NULL;

	/* Its help and its errors go into memory, checked below. */
	capture_begin(&cap);
	memset(&c, 0, sizeof(c));
	getopt_reset();
	rc = parse_args(argc, argv, &c, &cmd);
	if (rc == -1)
		check_parsed(&c, cmd);

	capture_end(&cap);

	if (rc == EXIT_USAGE &&
	    (cap.out_len || !one_error_line(cap.err, cap.err_len)))
		broken("a usage error is not one line on stderr alone");
	if (rc == EXIT_USAGE &&
	    !quotes_an_argument(cap.err, cap.err_len, argc, argv))
		broken("an invalid option was quoted as something not written");
	if (rc == 0 && (!cap.out_len || cap.err_len))
		broken("help or version did not go to stdout alone");
	if (rc == -1 && (cap.out_len || cap.err_len))
		broken("a command let through printed something");
	if (rc != -1 && rc != 0 && rc != EXIT_USAGE)
		broken("parse_args returned an unknown status");

	capture_free(&cap);
	for (i = 0; i < (size_t)argc; i++)
		free(argv[i]);
	return 0;
}
