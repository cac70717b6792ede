// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor: the pen's event stream, as it comes, one event a line, for
 * people or as JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "run.h"

/* One event as one line for people: its time, its type, what it says. */
void print_event(const struct pen_event *e)
{
	const struct pen_event_stroke *s = &e->stroke;
	char t[FMT_LEN], a[FMT_LEN], b[FMT_LEN], f[64];

	printf("%s ", stamp_str(e->timestamp_ns, t));
	switch (e->type) {
	case PEN_EVENT_STROKE:
		printf("stroke %" PRIu64 ": %s", (uint64_t)e->seq,
		       depth_str(s->cmd_um, a));
		if (e->flags & PEN_STROKE_MEASURED)
			printf(", reached %s (%+" PRId64 " um)",
			       depth_str(s->reached_um, b),
			       (int64_t)s->reached_um - (int64_t)s->cmd_um);
		else
			printf(", not measured");
		printf(", late %s us", usecs_str(s->lateness_ns, a));
		if (s->missed)
			printf(", %u period%s missed before it", s->missed,
			       s->missed == 1 ? "" : "s");
		putchar('\n');
		break;
	case PEN_EVENT_STATE:
		if (e->state.state == PEN_STATE_RUNNING)
			printf("state running at %s, %s\n",
			       depth_str(e->state.depth_um, a),
			       rate_str(e->state.rate_mhz, b));
		else
			printf("state %s (stop reason: %s)\n",
			       pen_state_name(e->state.state),
			       pen_stop_reason_name(e->state.stop_reason));
		break;
	case PEN_EVENT_SETPOINT:
		printf("setpoint %s, %s from stroke %" PRIu64 "\n",
		       depth_str(e->setpoint.depth_um, a),
		       rate_str(e->setpoint.rate_mhz, b), (uint64_t)e->seq);
		break;
	case PEN_EVENT_FAULT:
		printf("fault %s at stroke %" PRIu64 ", %s\n",
		       fault_desc(e->fault.fault, e->fault.value, f,
				  sizeof(f)), (uint64_t)e->seq,
		       e->flags & PEN_FAULT_LATCHED ? "latched" :
		       "counted (another fault is latched)");
		break;
	case PEN_EVENT_FAULT_CLEARED:
		printf("fault-cleared %s\n",
		       fault_desc(e->fault.fault, e->fault.value, f,
				  sizeof(f)));
		break;
	case PEN_EVENT_CARTRIDGE:
		if (e->cartridge.state == PEN_CARTRIDGE_NONE)
			printf("cartridge none\n");
		else
			printf("cartridge %s, id %" PRIu64 ", %" PRIu64
			       " of %u strokes used\n",
			       pen_cartridge_state_name(e->cartridge.state),
			       (uint64_t)e->cartridge.id,
			       (uint64_t)e->cartridge.strokes,
			       e->cartridge.budget);
		break;
	case PEN_EVENT_OVERFLOW:
		/* Shouted: everything after it is missing events. */
		printf("*** OVERFLOW: %" PRIu64
		       " events lost here: the reader fell behind ***\n",
		       (uint64_t)e->overflow.lost);
		break;
	default:
		printf("event of unknown type %u at stroke %" PRIu64 "\n",
		       e->type, (uint64_t)e->seq);
		break;
	}
}

/*
 * How long monitor waits for events at most before it looks at the clock
 * and the signal flag again. A signal normally ends the wait at once;
 * only one that comes between the look and the wait is left for this.
 */
#define MONITOR_POLL_NS	((uint64_t)100000000)

/* The events pending, up to what --count still needs. -1: said. */
static int monitor_read(const struct ctx *c, struct pen *pen,
			uint64_t *printed)
{
	struct pen_event buf[EVENT_BATCH];
	size_t want;
	ssize_t n, i;

	/* Read no more than --count still needs: the rest stays. */
	want = ARRAY_SIZE(buf);
	if ((c->given & OPT_F_COUNT) && c->count - *printed < want)
		want = c->count - *printed;
	n = pen_read_events(pen, buf, want);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		/* After a removal, ENODEV once all is printed. */
		ioctl_error(c, "read events", errno);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!c->json) {
			print_event(&buf[i]);
			continue;
		}
		if (json_print(stdout, event_json(&buf[i])) < 0)
			return -1;
		/* In JSON the record alone might go unseen. */
		if (buf[i].type == PEN_EVENT_OVERFLOW)
			errorf("%s: monitor fell behind: %" PRIu64
			       " events lost", c->path,
			       (uint64_t)buf[i].overflow.lost);
	}
	*printed += n;
	return 0;
}

/* The pen, read-only, checked to have events; NULL if not (said). */
static struct pen *monitor_open(const struct ctx *c)
{
	struct pen_info info;
	struct pen *pen;

	/* Read-only: a monitor runs beside the controller, never as one. */
	pen = open_pen_info(c, 0, &info);
	if (!pen)
		return NULL;
	if (info.api_version < 3) {
		errorf("%s: the driver has no event stream (API %u; monitor needs 3)",
		       c->path, info.api_version);
		pen_close(pen);
		return NULL;
	}
	return pen;
}

int cmd_monitor(struct ctx *c)
{
	uint64_t deadline = 0, printed = 0, now, wait;
	struct pen *pen;
	sigset_t set;
	int ret;

	/* Line by line, so that a pipe sees each event as it comes. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (catch_signals(&set) < 0) {
		errorf("cannot set up signals: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	pen = monitor_open(c);
	if (!pen)
		return EXIT_RUNTIME;

	if (!c->json)
		printf("%s: monitoring events (Ctrl-C stops)\n", c->path);
	if (c->given & OPT_F_DURATION)
		deadline = now_ns() + c->duration_ns;

	for (;;) {
		if (stop_signo)
			break;
		wait = MONITOR_POLL_NS;
		if (deadline) {
			now = now_ns();
			if (now >= deadline)
				break;
			if (deadline - now < wait)
				wait = deadline - now;
		}

		ret = pen_wait_events(pen, wait);
		if (ret < 0 && errno != EINTR) {
			ioctl_error(c, "wait for events", errno);
			goto err;
		}
		if (ret <= 0)
			continue;
		if (monitor_read(c, pen, &printed) < 0)
			goto err;
		if ((c->given & OPT_F_COUNT) && printed >= c->count)
			break;
	}
	pen_close(pen);
	return 0;
err:
	pen_close(pen);
	return EXIT_RUNTIME;
}
