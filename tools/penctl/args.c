// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * penctl's command line: the commands, the options each takes, and
 * the help.
 */
#include <getopt.h>
#include <stddef.h>
#include <string.h>

#include "penctl.h"

/* Long-only options; short ones use their character. */
enum {
	OPT_JSON = 256,
	OPT_DEPTH,
	OPT_RATE,
	OPT_DURATION,
	OPT_COUNT,
	OPT_LOG,
	OPT_BUTTONS,
	OPT_LEVELS,
	OPT_WATCHDOG,
	OPT_NO_WATCHDOG,
	OPT_HOLD,
};

void usage(FILE *f)
{
	fputs(
"Usage: penctl [-d|--device PEN] [--json] COMMAND [OPTIONS]\n"
"\n"
"Control a microneedling pen (/dev/penN).\n"
"\n"
"Commands:\n"
"  list                   list all pens (read-only)\n"
"  info                   identity and limits of the pen\n"
"  status                 state, latched fault, setpoints and counters\n"
"  set [--depth D] [--rate R]\n"
"                         change setpoints (at least one; both at once\n"
"                         are applied atomically); they persist\n"
"  start [--duration T]   run the needle until Ctrl-C (or for T), then\n"
"                         stop it and print a summary\n"
"  stop                   stop the needle; needs no control of the pen\n"
"  clear-fault            clear the pen's latched fault (see status), so\n"
"                         that it can start again\n"
"  run [--depth D] [--rate R] [--duration T] [--log FILE]\n"
"      [--watchdog T|--no-watchdog] [--hold-to-run]\n"
"                         set, start, wait for T or Ctrl-C, stop and\n"
"                         print a summary; --log writes the run's events\n"
"                         to FILE as JSON lines (start takes it too)\n"
"  run --buttons [--levels LIST] [--depth D] [--rate R] [--duration T]\n"
"      [--log FILE]       the pen's buttons in control until Ctrl-C or T:\n"
"                         main starts and stops the needle (with a\n"
"                         footswitch: arms, and the pedal runs it), speed\n"
"                         buttons step through the levels; a line each\n"
"  monitor [--duration T] [--count N]\n"
"                         print the pen's events as they come, one a\n"
"                         line (JSON with --json), read-only, until\n"
"                         Ctrl-C, T or N events\n"
"  replay FILE            totals of a --log file (or of monitor --json),\n"
"                         checked against the driver's counters\n"
"  help                   this help\n"
"\n"
"Options:\n"
"  -d, --device PEN         N, penN, /dev/penN or a path with a '/'\n"
"                           (default " DEFAULT_DEVICE ")\n"
"      --json               print one JSON document on stdout (monitor:\n"
"                           one JSON object a line)\n"
"      --depth D            needle depth; unit required: 0.5mm, 500um\n"
"      --rate R             stroke rate; unit required: 120Hz, 120.5Hz,\n"
"                           120000mHz, 7200spm or 7200rpm (per minute)\n"
"      --duration T         run time: 500ms, 3s, 1.5s, 2m, 1h; a bare\n"
"                           number is seconds\n"
"      --count N            monitor: stop after N events\n"
"      --log FILE           run, start: the session log to write\n"
"      --buttons            run: the pen's buttons start and stop it\n"
"      --levels LIST        run --buttons: speed levels, slowest first,\n"
"                           2 to 16 rates: 50Hz,100Hz,150Hz (default: 6\n"
"                           spread over the pen's range; --rate picks\n"
"                           the first, else the slowest)\n"
"      --watchdog T         run, start: the kernel stops the needle if\n"
"                           penctl stops kicking for T (10ms-60s;\n"
"                           default 1s)\n"
"      --no-watchdog        run, start: without it (warns)\n"
"      --hold-to-run        run, start: the needle runs only while the\n"
"                           footswitch is held; letting go ends the run\n"
"  -h, --help               this help\n"
"  -V, --version            version\n"
"\n"
"The needle never outlives penctl: start and run stop it on exit, on\n"
"SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGTSTP, and exit 1 if the pen\n"
"stops by itself; if penctl is stopped or hangs, the kernel's watchdog\n"
"stops it. While the needle runs, nothing penctl writes can block it.\n"
"\n"
"A fault (over-depth, stall, overcurrent, overtemp, supply-low, timing)\n"
"stops the needle and stays latched, refusing start and run, until\n"
"clear-fault; status shows it, e.g. \"fault: over-depth (+300 um) at\n"
"stroke 42\".\n"
"\n"
"A monitor that falls behind loses events; it says so with an OVERFLOW\n"
"line counting them.\n"
"\n"
"Exit status: 0 success, 1 device or runtime error, 2 usage error.\n"
"See penctl(1) for details.\n", f);
}

int cmd_help(struct ctx *c)
{
	(void)c;
	usage(stdout);
	return 0;
}

static const struct command commands[] = {
	{ "list", cmd_list, 0, NULL },
	{ "info", cmd_info, OPT_F_DEVICE, NULL },
	{ "status", cmd_status, OPT_F_DEVICE, NULL },
	{ "set", cmd_set, OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE, NULL },
	{ "start", cmd_run, OPT_F_DEVICE | OPT_F_DURATION | OPT_F_LOG |
			    OPT_F_WATCHDOG | OPT_F_NO_WATCHDOG | OPT_F_HOLD,
	  NULL },
	{ "stop", cmd_stop, OPT_F_DEVICE, NULL },
	{ "clear-fault", cmd_clear_fault, OPT_F_DEVICE, NULL },
	{ "run", cmd_run, OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE |
			  OPT_F_DURATION | OPT_F_LOG | OPT_F_BUTTONS |
			  OPT_F_LEVELS | OPT_F_WATCHDOG | OPT_F_NO_WATCHDOG |
			  OPT_F_HOLD, NULL },
	{ "monitor", cmd_monitor, OPT_F_DEVICE | OPT_F_DURATION | OPT_F_COUNT,
	  NULL },
	{ "replay", cmd_replay, 0, "FILE" },
	{ "help", cmd_help, OPT_F_DEVICE | OPT_F_DEPTH | OPT_F_RATE |
			    OPT_F_DURATION | OPT_F_COUNT | OPT_F_LOG |
			    OPT_F_BUTTONS | OPT_F_LEVELS | OPT_F_WATCHDOG |
			    OPT_F_NO_WATCHDOG | OPT_F_HOLD, NULL },
};

/*
 * Leading '-': options and operands in any order, whatever
 * POSIXLY_CORRECT says, so "penctl status --json" always works.
 * ':' (and opterr = 0): penctl words its own errors.
 */
const char short_opts[] = "-:d:hV";

const struct option long_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "buttons", no_argument, NULL, OPT_BUTTONS },
	{ "levels", required_argument, NULL, OPT_LEVELS },
	{ "watchdog", required_argument, NULL, OPT_WATCHDOG },
	{ "no-watchdog", no_argument, NULL, OPT_NO_WATCHDOG },
	{ "hold-to-run", no_argument, NULL, OPT_HOLD },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* The options that take (or may be given once): their bit and their slot. */
static const struct {
	int opt;
	unsigned int bit;
	size_t slot;			/* offsetof the value in struct ctx */
} value_opts[] = {
	{ 'd', OPT_F_DEVICE, offsetof(struct ctx, device_arg) },
	{ OPT_DEPTH, OPT_F_DEPTH, offsetof(struct ctx, depth_arg) },
	{ OPT_RATE, OPT_F_RATE, offsetof(struct ctx, rate_arg) },
	{ OPT_DURATION, OPT_F_DURATION, offsetof(struct ctx, duration_arg) },
	{ OPT_COUNT, OPT_F_COUNT, offsetof(struct ctx, count_arg) },
	{ OPT_LOG, OPT_F_LOG, offsetof(struct ctx, log_arg) },
	{ OPT_BUTTONS, OPT_F_BUTTONS, offsetof(struct ctx, buttons_arg) },
	{ OPT_LEVELS, OPT_F_LEVELS, offsetof(struct ctx, levels_arg) },
	{ OPT_WATCHDOG, OPT_F_WATCHDOG, offsetof(struct ctx, watchdog_arg) },
	{ OPT_NO_WATCHDOG, OPT_F_NO_WATCHDOG,
	  offsetof(struct ctx, no_watchdog_arg) },
	{ OPT_HOLD, OPT_F_HOLD, offsetof(struct ctx, hold_arg) },
};

/* Indexed by the OPT_F_* bit number. */
static const char *const opt_names[] = {
	"--device", "--depth", "--rate", "--duration", "--count", "--log",
	"--buttons", "--levels", "--watchdog", "--no-watchdog",
	"--hold-to-run",
};

/* Record a value option; each may be given once, so none is ignored. */
static int take(struct ctx *c, unsigned int bit, const char **slot)
{
	if (c->given & bit) {
		errorf("option '%s' given twice",
		       opt_names[__builtin_ctz(bit)]);
		return -1;
	}
	c->given |= bit;
	*slot = optarg;
	return 0;
}

/* What getopt_long() said was wrong (@opt ':' or '?'), said. */
static void option_error(int opt, char **argv, int at)
{
	if (opt == ':') {
		errorf("option '%s' needs a value", argv[optind - 1]);
		return;
	}
	/*
	 * optopt is an unknown short option's character, 0 for an unknown
	 * long option, or the value of a long option given a value it takes
	 * none of (--help=x). Past ASCII it is negative (char is signed): a
	 * byte of a UTF-8 character, which cannot be shown alone, so its
	 * argument is named whole, as a long one is.
	 */
	if (optopt > 0 && optopt < 128 && !strchr("dhV", optopt))
		errorf("invalid option '-%c'", optopt);
	else
		errorf("invalid option '%s'",
		       argv[optind > at ? optind - 1 : optind]);
}

/* What the command line holds besides its options. */
struct operands {
	const char *args[3];
	int nargs;
	bool help, version;
};

/* One option from getopt_long(), @opt. Returns 0, or -1 (said). */
static int take_option(struct ctx *c, struct operands *ops, int opt,
		       char **argv, int at)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(value_opts); i++)
		if (value_opts[i].opt == opt)
			return take(c, value_opts[i].bit,
				    (const char **)((char *)c +
						    value_opts[i].slot));
	switch (opt) {
	case 1:
		if (ops->nargs < (int)ARRAY_SIZE(ops->args))
			ops->args[ops->nargs] = optarg;
		ops->nargs++;
		return 0;
	case OPT_JSON:
		c->json = true;
		return 0;
	case 'h':
		ops->help = true;
		return 0;
	case 'V':
		ops->version = true;
		return 0;
	default:
		option_error(opt, argv, at);
		return -1;
	}
}

/*
 * Every option into @c and the operands into @ops. Returns 0, or -1
 * (said).
 */
static int take_options(int argc, char **argv, struct ctx *c,
			struct operands *ops)
{
	int opt, at;

	/*
	 * @at: the argument getopt_long() is about to read, which it steps
	 * past (optind > @at) only once it has read the last option in it.
	 */
	opterr = 0;
	for (;;) {
		at = optind;
		opt = getopt_long(argc, argv, short_opts, long_opts, NULL);
		if (opt == -1)
			break;
		if (take_option(c, ops, opt, argv, at) < 0)
			return -1;
	}
	/* Operands after "--". */
	for (; optind < argc; optind++) {
		if (ops->nargs < (int)ARRAY_SIZE(ops->args))
			ops->args[ops->nargs] = argv[optind];
		ops->nargs++;
	}
	return 0;
}

/* The command named, with its operand. NULL if none is (said). */
static const struct command *find_command(struct ctx *c,
					  const struct operands *ops)
{
	const struct command *cmd = NULL;
	size_t i;

	if (!ops->nargs) {
		errorf("missing command (see 'penctl --help')");
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(ops->args[0], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		errorf("unknown command '%s'", ops->args[0]);
		return NULL;
	}
	if (cmd->operand && ops->nargs < 2) {
		errorf("%s needs a %s", cmd->name, cmd->operand);
		return NULL;
	}
	if (ops->nargs > (cmd->operand ? 2 : 1)) {
		errorf("unexpected argument '%s'",
		       ops->args[cmd->operand ? 2 : 1]);
		return NULL;
	}
	if (cmd->operand)
		c->file = ops->args[1];
	return cmd;
}

/*
 * The options given that @cmd does not take, or that exclude each other.
 * Returns 0, or -1 (said).
 */
static int check_options(const struct ctx *c, const struct command *cmd)
{
	unsigned int bad = c->given & ~cmd->allowed;
	bool help = cmd->fn == cmd_help;

	if (bad) {
		errorf("option '%s' does not apply to '%s'",
		       opt_names[__builtin_ctz(bad)], cmd->name);
		return -1;
	}
	if (!strcmp(cmd->name, "set") &&
	    !(c->given & (OPT_F_DEPTH | OPT_F_RATE))) {
		errorf("set needs --depth, --rate or both");
		return -1;
	}
	if (help)
		return 0;
	if ((c->given & OPT_F_LEVELS) && !(c->given & OPT_F_BUTTONS)) {
		errorf("option '--levels' needs '--buttons'");
		return -1;
	}
	if ((c->given & OPT_F_WATCHDOG) && (c->given & OPT_F_NO_WATCHDOG)) {
		errorf("options '--watchdog' and '--no-watchdog' exclude each other");
		return -1;
	}
	/* With a footswitch run --buttons always holds to run; without, never. */
	if ((c->given & OPT_F_HOLD) && (c->given & OPT_F_BUTTONS)) {
		errorf("option '--hold-to-run' does not apply to 'run --buttons', which holds to run whenever the pen has a footswitch");
		return -1;
	}
	/* Its output is a line per press, for people; no JSON document. */
	if ((c->given & OPT_F_BUTTONS) && c->json) {
		errorf("option '--json' does not apply to 'run --buttons'");
		return -1;
	}
	return 0;
}

/*
 * The whole command line into @c and *@cmdp: options, command, operand
 * and every value, checked before any pen is touched, so that a mistake
 * never half-runs a command. Returns -1 if *@cmdp is to run; otherwise
 * penctl is done, and this is its exit status: 0 after --help or
 * --version, EXIT_USAGE after a usage error, already reported.
 * fuzz/fuzz_penctl_args.c calls it with arbitrary arguments.
 */
int parse_args(int argc, char **argv, struct ctx *c,
	       const struct command **cmdp)
{
	struct operands ops = { .nargs = 0 };
	const struct command *cmd;

	if (take_options(argc, argv, c, &ops) < 0)
		return EXIT_USAGE;
	if (ops.help) {
		usage(stdout);
		return 0;
	}
	if (ops.version) {
		printf("penctl %s (pen API %d)\n", PENCTL_VERSION,
		       PEN_API_VERSION);
		return 0;
	}
	cmd = find_command(c, &ops);
	if (!cmd || check_options(c, cmd) < 0)
		return EXIT_USAGE;
	if (parse_values(c) < 0 || parse_device(c) < 0)
		return EXIT_USAGE;
	*cmdp = cmd;
	return -1;
}
