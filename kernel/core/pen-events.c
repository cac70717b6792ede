// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream: what the pen did, stroke by stroke, for read() and
 * poll() on /dev/penN, and the same facts as tracepoints.
 *
 * Events are made where they happen, much of it in the hard-irq stroke
 * timer under pen->slock, so making one must be cheap and must not sleep:
 * each open file has a kfifo ring that is filled under pen->slock and
 * emptied by that file's read() under its own mutex (kfifo needs no lock
 * between one producer and one consumer). Readers are woken through an
 * irq_work, since a wait queue's lock sleeps on PREEMPT_RT.
 *
 * Nothing is dropped silently. A full ring counts what it could not take,
 * and an overflow record with that count goes into the stream at the gap,
 * as soon as there is room for it and the event after it.
 *
 * A stroke's record is made when its outcome is known: when the hardware
 * reports the depth it reached, or, unmeasured, when the drive is cut
 * first or the report never comes. So every stroke issued makes exactly
 * one record, in stroke order.
 */
#include <linux/kfifo.h>
#include <linux/ktime.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pen-internal.h"

#define CREATE_TRACE_POINTS
#include "pen-trace.h"

static void pen_ev_wake(struct irq_work *work)
{
	struct pen_device *pen = container_of(work, struct pen_device,
					      ev_wake);

	wake_up_interruptible_poll(&pen->ev_wait, EPOLLIN | EPOLLRDNORM);
}

void pen_events_init(struct pen_device *pen)
{
	INIT_LIST_HEAD(&pen->st.readers);
	init_waitqueue_head(&pen->ev_wait);
	init_irq_work(&pen->ev_wake, pen_ev_wake);
	pen->st.timing.min_ns = U64_MAX;
}

/* The pen is being freed: no wake-up may still be pending on it. */
void pen_events_release(struct pen_device *pen)
{
	irq_work_sync(&pen->ev_wake);
}

/* The pen is gone: wake every reader, so read() and poll() see it. */
void pen_events_hangup(struct pen_device *pen)
{
	wake_up_interruptible_poll(&pen->ev_wait, EPOLLHUP | EPOLLERR);
}

/*
 * The overflow record in the place of the events @pf lost, with their
 * count and the time and seq of the first. Called with pen->slock held
 * and room in the ring.
 */
static void pen_file_put_lost_locked(struct pen_file *pf)
{
	struct pen_event ov;

	lockdep_assert_held(&pf->pen->slock);
	memset(&ov, 0, sizeof(ov));
	ov.type = PEN_EVENT_OVERFLOW;
	ov.timestamp_ns = pf->lost_ns;
	ov.seq = pf->lost_seq;
	ov.overflow.lost = pf->lost;
	kfifo_put(&pf->events, ov);
	pf->lost = 0;
}

static void pen_file_push(struct pen_file *pf, const struct pen_event *ev)
{
	if (pf->lost) {
		/* The overflow record and this event, or neither. */
		if (kfifo_avail(&pf->events) < 2)
			goto lose;
		pen_file_put_lost_locked(pf);
	}
	/* One record, assigned in place: kfifo_in() would memcpy it in parts. */
	if (kfifo_put(&pf->events, *ev))
		return;
lose:
	if (!pf->lost++) {
		pf->lost_ns = ev->timestamp_ns;
		pf->lost_seq = ev->seq;
	}
	pf->lost_total++;
	pf->pen->st.events_lost++;
}

/* Called with pen->slock held; @ev goes to every open file. */
static void pen_emit_locked(struct pen_device *pen, const struct pen_event *ev)
{
	struct pen_file *pf;

	lockdep_assert_held(&pen->slock);
	if (list_empty(&pen->st.readers))
		return;
	list_for_each_entry(pf, &pen->st.readers, node)
		pen_file_push(pf, ev);
	/*
	 * Only a reader asleep in read() or poll() (or an epoll watching)
	 * needs the interrupt; the rest find the record when they look.
	 * wq_has_sleeper()'s barrier pairs with the one in the waiter's
	 * set_current_state(), so a reader that just checked its empty ring
	 * is either seen here or sees the record.
	 */
	if (wq_has_sleeper(&pen->ev_wait))
		irq_work_queue(&pen->ev_wake);
}

static void pen_ev_init(struct pen_event *ev, u32 type, u64 now_ns, u64 seq)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->timestamp_ns = now_ns;
	ev->seq = seq;
}

void pen_timing_add(struct pen_timing *t, u64 lateness_ns)
{
	unsigned int b = min_t(unsigned int, fls64(lateness_ns),
			       PEN_LATENESS_BUCKETS - 1);

	t->count++;
	t->sum_ns += lateness_ns;
	t->min_ns = min(t->min_ns, lateness_ns);
	t->max_ns = max(t->max_ns, lateness_ns);
	t->hist[b]++;
}

/* The record of stroke @seq, the oldest one still waiting. */
static void pen_ev_stroke_emit(struct pen_device *pen, u64 seq, u32 flags,
			       u32 reached_um, u64 reached_ns)
{
	const struct pen_stroke_rec *r = &pen->st.hist[seq % PEN_CMD_HISTORY];
	struct pen_event ev;

	pen_ev_init(&ev, PEN_EVENT_STROKE, r->issued_ns, seq);
	ev.flags = flags;
	ev.stroke.cmd_um = r->cmd_um;
	ev.stroke.reached_um = reached_um;
	ev.stroke.lateness_ns = r->lateness_ns;
	ev.stroke.reached_ns = reached_ns;
	ev.stroke.missed = r->missed;
	ev.stroke.rate_mhz = r->rate_mhz;
	trace_pen_stroke(pen->id, seq, r->issued_ns, r->lateness_ns,
			 reached_ns, r->cmd_um, reached_um,
			 flags & PEN_STROKE_MEASURED, r->missed, r->rate_mhz);
	pen_emit_locked(pen, &ev);
	pen->st.ev_seq = seq + 1;
}

/**
 * pen_ev_stroke_issued_locked() - stroke pen->st.seq is about to be issued
 * @pen: the pen, pen->slock held
 * @now_ns: when
 * @lateness_ns: how late against the absolute schedule
 * @missed: periods skipped right before it
 *
 * Keeps what its record needs until the hardware reports it. The oldest
 * stroke still waiting when the history is full will not be reported
 * any more: its record goes out unmeasured.
 */
void pen_ev_stroke_issued_locked(struct pen_device *pen, u64 now_ns,
				 u64 lateness_ns, u32 missed)
{
	struct pen_stroke_rec *r = &pen->st.hist[pen->st.seq % PEN_CMD_HISTORY];

	lockdep_assert_held(&pen->slock);
	if (pen->st.seq - pen->st.ev_seq >= PEN_CMD_HISTORY)
		pen_ev_stroke_emit(pen, pen->st.ev_seq, 0, 0, 0);
	r->issued_ns = now_ns;
	r->lateness_ns = lateness_ns;
	r->cmd_um = pen->st.depth_um;
	r->missed = missed;
	r->rate_mhz = pen->st.rate_mhz;
}

/**
 * pen_ev_stroke_reached_locked() - the hardware reported stroke @seq
 * @pen: the pen, pen->slock held
 * @seq: the stroke, one that was issued
 * @reached_um: the depth it reached
 * @now_ns: when the report came
 *
 * Strokes before it that were never reported go out unmeasured first, so
 * the records stay in stroke order. A report for a stroke whose record
 * is already out (the drive was cut first) makes none.
 */
void pen_ev_stroke_reached_locked(struct pen_device *pen, u64 seq,
				  u32 reached_um, u64 now_ns)
{
	lockdep_assert_held(&pen->slock);
	if (seq < pen->st.ev_seq || seq >= pen->st.seq)
		return;
	while (pen->st.ev_seq < seq)
		pen_ev_stroke_emit(pen, pen->st.ev_seq, 0, 0, 0);
	pen_ev_stroke_emit(pen, seq, PEN_STROKE_MEASURED, reached_um, now_ns);
}

/* The drive was cut: no stroke still waiting will be measured. */
void pen_ev_strokes_flush_locked(struct pen_device *pen)
{
	lockdep_assert_held(&pen->slock);
	while (pen->st.ev_seq < pen->st.seq)
		pen_ev_stroke_emit(pen, pen->st.ev_seq, 0, 0, 0);
}

/* The needle started or stopped; pen_running() says which. */
void pen_ev_state_locked(struct pen_device *pen, u64 now_ns)
{
	struct pen_event ev;
	bool running = pen_running(pen);
	u32 state = running ? PEN_STATE_RUNNING : PEN_STATE_STOPPED;
	u32 reason = running ? PEN_STOP_NONE : pen->st.stop_reason;

	lockdep_assert_held(&pen->slock);
	pen_ev_init(&ev, PEN_EVENT_STATE, now_ns, pen->st.seq);
	ev.state.state = state;
	ev.state.stop_reason = reason;
	ev.state.depth_um = pen->st.depth_um;
	ev.state.rate_mhz = pen->st.rate_mhz;
	trace_pen_state(pen->id, pen->st.seq, state, reason, pen->st.depth_um,
			pen->st.rate_mhz);
	pen_emit_locked(pen, &ev);
}

/* New setpoints; the next stroke, pen->st.seq, is the first to use them. */
void pen_ev_setpoint_locked(struct pen_device *pen, u32 mask, u64 now_ns)
{
	struct pen_event ev;

	lockdep_assert_held(&pen->slock);
	pen_ev_init(&ev, PEN_EVENT_SETPOINT, now_ns, pen->st.seq);
	ev.setpoint.depth_um = pen->st.depth_um;
	ev.setpoint.rate_mhz = pen->st.rate_mhz;
	ev.setpoint.mask = mask;
	trace_pen_setpoint(pen->id, pen->st.seq, pen->st.depth_um,
			   pen->st.rate_mhz, mask);
	pen_emit_locked(pen, &ev);
}

/**
 * pen_ev_fault_locked() - a fault, or a cleared one
 * @pen: the pen, pen->slock held
 * @type: PEN_EVENT_FAULT or PEN_EVENT_FAULT_CLEARED
 * @fault: PEN_FAULT_*
 * @value: what it measured
 * @latched: it is the latched fault now
 * @now_ns: when
 */
void pen_ev_fault_locked(struct pen_device *pen, u32 type, u32 fault,
			 u32 value, bool latched, u64 now_ns)
{
	struct pen_event ev;

	lockdep_assert_held(&pen->slock);
	pen_ev_init(&ev, type, now_ns, pen->st.seq);
	ev.flags = latched ? PEN_FAULT_LATCHED : 0;
	ev.fault.fault = fault;
	ev.fault.value = value;
	if (type == PEN_EVENT_FAULT)
		trace_pen_fault(pen->id, pen->st.seq, fault, value, latched);
	else
		trace_pen_fault_cleared(pen->id, pen->st.seq, fault, value);
	pen_emit_locked(pen, &ev);
}

/* The cartridge changed; pen->cart_* say how it is now. */
void pen_ev_cartridge_locked(struct pen_device *pen, u64 now_ns)
{
	struct pen_event ev;

	lockdep_assert_held(&pen->slock);
	pen_ev_init(&ev, PEN_EVENT_CARTRIDGE, now_ns, pen->st.seq);
	ev.cartridge.id = pen->st.cart_id;
	ev.cartridge.state = pen->st.cart_state;
	ev.cartridge.budget = pen->st.cart_budget;
	ev.cartridge.strokes = pen->st.cart_strokes;
	trace_pen_cartridge(pen->id, pen->st.seq, pen->st.cart_id,
			    pen->st.cart_state, pen->st.cart_budget,
			    pen->st.cart_strokes);
	pen_emit_locked(pen, &ev);
}

/**
 * pen_file_alloc() - a new open file's state, its event ring empty
 * @pen: the pen
 *
 * From here on the file receives every event. Context: process.
 *
 * Return: the file's state, or NULL without memory.
 */
struct pen_file *pen_file_alloc(struct pen_device *pen)
{
	struct pen_file *pf;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return NULL;
	if (kfifo_alloc(&pf->events, PEN_EVENT_RING_SIZE, GFP_KERNEL)) {
		kfree(pf);
		return NULL;
	}
	pf->pen = pen;
	mutex_init(&pf->read_lock);

	raw_spin_lock_irq(&pen->slock);
	list_add_tail(&pf->node, &pen->st.readers);
	raw_spin_unlock_irq(&pen->slock);
	return pf;
}

void pen_file_free(struct pen_file *pf)
{
	struct pen_device *pen = pf->pen;

	raw_spin_lock_irq(&pen->slock);
	list_del(&pf->node);
	raw_spin_unlock_irq(&pen->slock);
	kfifo_free(&pf->events);
	mutex_destroy(&pf->read_lock);
	kfree(pf);
}

static bool pen_file_gone(struct pen_file *pf)
{
	/* A stale answer only delays the -ENODEV to the next look. */
	return pen_detached(pf->pen);
}

/*
 * A ring read empty while events were lost: the overflow record cannot
 * wait for a next event that may never come. Called by the reader.
 */
static void pen_file_flush_lost(struct pen_file *pf)
{
	struct pen_device *pen = pf->pen;

	/* Unlocked look first; the lock below decides. */
	if (!data_race(pf->lost) || !kfifo_is_empty(&pf->events))
		return;
	raw_spin_lock_irq(&pen->slock);
	if (pf->lost)
		pen_file_put_lost_locked(pf);
	raw_spin_unlock_irq(&pen->slock);
}

static bool pen_file_readable(struct pen_file *pf)
{
	/* Racy but only a hint: read() flushes the count under the lock. */
	return !kfifo_is_empty(&pf->events) || data_race(pf->lost);
}

/**
 * pen_file_read() - read() on /dev/penN: whole event records
 * @pf: the file
 * @buf: where to
 * @count: room, at least one record
 * @nonblock: fail with -EAGAIN rather than wait
 *
 * Return: bytes read, or -EINVAL, -EAGAIN, -EFAULT, -ERESTARTSYS, or
 * -ENODEV once the pen is removed and its last records are read.
 */
ssize_t pen_file_read(struct pen_file *pf, char __user *buf, size_t count,
		      bool nonblock)
{
	struct pen_device *pen = pf->pen;
	struct pen_event ev;
	ssize_t done = 0;
	int ret;

	if (count < sizeof(ev))
		return -EINVAL;
	ret = mutex_lock_interruptible(&pf->read_lock);
	if (ret)
		return ret;

	for (;;) {
		pen_file_flush_lost(pf);
		if (!kfifo_is_empty(&pf->events))
			break;
		if (pen_file_gone(pf)) {
			ret = -ENODEV;
			goto out;
		}
		if (nonblock) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(pen->ev_wait,
					       pen_file_readable(pf) ||
					       pen_file_gone(pf));
		if (ret)
			goto out;
	}

	/* Peek, copy, then skip: a fault in the copy loses no record. */
	while (count - done >= sizeof(ev) && kfifo_peek(&pf->events, &ev)) {
		if (copy_to_user(buf + done, &ev, sizeof(ev))) {
			if (!done)
				ret = -EFAULT;
			break;
		}
		kfifo_skip(&pf->events);
		done += sizeof(ev);
	}
out:
	mutex_unlock(&pf->read_lock);
	return done ?: ret;
}

__poll_t pen_file_poll(struct pen_file *pf, struct file *file,
		       poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &pf->pen->ev_wait, wait);
	if (pen_file_readable(pf))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (pen_file_gone(pf))
		mask |= EPOLLHUP | EPOLLERR;
	return mask;
}
