// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The signals that end a run with an orderly STOP, and their handler,
 * which stops the needle at once, wherever penctl is.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "run.h"

/* ---- start and run: the needle under penctl's watch ------------------ */

/*
 * Signals that end a run with an orderly STOP. Beyond SIGINT, SIGTERM and
 * SIGHUP: SIGQUIT, so that Ctrl-\ also stops cleanly, and SIGTSTP, because
 * a penctl suspended with Ctrl-Z would leave the needle running with
 * nobody watching it.
 */
static const struct {
	int signo;
	const char *name;
} stop_signals[] = {
	{ SIGINT, "SIGINT" },
	{ SIGTERM, "SIGTERM" },
	{ SIGHUP, "SIGHUP" },
	{ SIGQUIT, "SIGQUIT" },
	{ SIGTSTP, "SIGTSTP" },
};

#define N_STOP_SIGNALS	ARRAY_SIZE(stop_signals)

const char *signal_name(int signo)
{
	size_t i;

	for (i = 0; i < N_STOP_SIGNALS; i++)
		if (stop_signals[i].signo == signo)
			return stop_signals[i].name;
	return "signal";
}

/*
 * The stop signal that came, 0 if none has; and the pen that its handler
 * stops. stop_pen only changes while the stop signals are blocked, so the
 * handler never sees it change under it.
 */
volatile sig_atomic_t stop_signo;
struct pen *stop_pen;

static void on_stop_signal(int signo)
{
	int saved = errno;

	if (!stop_signo)
		stop_signo = signo;
	/*
	 * Stop the needle here, at once, wherever the main loop is: it may
	 * be blocked writing the log to a full pipe. The STOP's state event
	 * also wakes a pen_wait_events() that the signal came just before,
	 * which the flag alone would leave asleep until its timeout.
	 */
	if (stop_pen)
		pen_stop(stop_pen);
	errno = saved;
}

/*
 * Hand the stop signals in @set to on_stop_signal(). SA_RESTART keeps
 * the writes made outside a run whole (inside one, the queues' threads
 * write, with every signal blocked); ppoll() and nanosleep() end with
 * EINTR all the same, which is what wakes the waits.
 */
int catch_signals(const sigset_t *set)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_mask = *set;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < N_STOP_SIGNALS; i++)
		if (sigismember(set, stop_signals[i].signo) == 1 &&
		    sigaction(stop_signals[i].signo, &sa, NULL) < 0)
			return -1;
	return 0;
}

/* @set: the stop signals. */
void stop_signal_set(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(set, stop_signals[i].signo);
}

/*
 * Block the stop signals (@set) and hand them to on_stop_signal():
 * from here on one arriving at any moment waits, to cancel a start or,
 * once the needle runs and they are let in, to stop it, instead of
 * killing penctl half-way. Returns 0, or -1 (said).
 */
int block_stop_signals(sigset_t *set)
{
	stop_signal_set(set);
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0 || catch_signals(set) < 0) {
		errorf("cannot set up signals: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait up to @ns for a stop signal; its number, 0 on timeout, -1 error. */
int wait_signal(const sigset_t *set, uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};
	int sig;

	sig = sigtimedwait(set, NULL, &ts);
	if (sig > 0)
		return sig;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return -1;
}
