// SPDX-License-Identifier: GPL-2.0
/*
 * Hold-to-run: the footswitch as the needle's enabling control.
 *
 * In hold-to-run mode the needle runs only while the pedal is held down:
 * START is refused unless it is, and letting it go stops the needle from
 * here, in the context that reports it, whatever the controlling process
 * is doing (hung, stopped, paged out, blocked on a full terminal). The
 * mode is on while the controller asks for it (PEN_IOC_SET_HOLD_TO_RUN,
 * until it closes the pen) or the administrator requires it (sysfs
 * hold_to_run, pen-limits.c), which the controller cannot undo. A pedal
 * the backend can no longer read counts as released, and so does the
 * pedal of a pen being removed.
 */
#include <linux/ktime.h>

#include "pen-internal.h"

/* Called with pen->slock held. */
bool pen_hold_to_run_locked(const struct pen_device *pen)
{
	lockdep_assert_held(&pen->slock);
	return pen->st.hold_ctl || pen->st.hold_policy;
}

/**
 * pen_hold_check_locked() - stop a needle whose pedal is up in hold-to-run
 * @pen: the pen, with pen->slock held
 * @now_ns: now
 *
 * Return: true if it stopped the needle (a sleeping backend's cut may be
 * pending: see pen_cut_now()).
 */
bool pen_hold_check_locked(struct pen_device *pen, u64 now_ns)
{
	lockdep_assert_held(&pen->slock);
	if (!pen_running(pen) || pen->st.pedal_down ||
	    !pen_hold_to_run_locked(pen))
		return false;
	pen_halt_locked(pen, PEN_STOP_PEDAL, now_ns);
	return true;
}

/**
 * pen_pedal() - the footswitch went down or up
 * @pen: the pen
 * @down: held down
 *
 * In hold-to-run mode letting go stops the needle before this returns,
 * drive first, on either stroke path. Context: process, may sleep.
 */
void pen_pedal(struct pen_device *pen, bool down)
{
	bool stopped;

	raw_spin_lock_irq(&pen->slock);
	pen->st.pedal_down = down;
	/*
	 * A release is a stop, also of a start still powering the drive:
	 * pressed again by the time it looks, the pedal must not count.
	 */
	if (!down && pen_hold_to_run_locked(pen))
		pen->st.stop_gen++;
	stopped = pen_hold_check_locked(pen, ktime_get_ns());
	raw_spin_unlock_irq(&pen->slock);
	if (stopped)
		pen_cut_now(pen);
}

/**
 * pen_hold_forget() - the controller closed: its request ends
 * @pen: the pen
 *
 * The administrator's policy stays. Context: any.
 */
void pen_hold_forget(struct pen_device *pen)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pen->slock, flags);
	pen->st.hold_ctl = false;
	raw_spin_unlock_irqrestore(&pen->slock, flags);
}

/**
 * pen_set_hold_to_run() - turn hold-to-run on or off
 * @pen: the pen
 * @policy: the administrator's policy (sysfs) rather than the
 *	controller's request (the ioctl)
 * @enable: on or off
 *
 * Turned on while the needle runs with the pedal up, it stops the needle
 * at once. Context: process, may sleep.
 *
 * Return: 0, -EOPNOTSUPP to turn it on for a pen without a footswitch,
 * -EPERM to turn it off while the administrator's policy requires it
 * (the controller never may; the administrator needs CAP_SYS_ADMIN), or
 * -ENODEV if the pen was unregistered.
 */
int pen_set_hold_to_run(struct pen_device *pen, bool policy, bool enable)
{
	bool stopped = false, may_lower;
	int ret = 0;

	if (enable && !(pen->hw.buttons & BIT(PEN_BUTTON_FOOTSWITCH)))
		return -EOPNOTSUPP;
	may_lower = pen_admin_relaxes(!enable && policy &&
				      READ_ONCE(pen->st.hold_policy));

	raw_spin_lock_irq(&pen->slock);
	if (pen_going(pen)) {
		ret = -ENODEV;
	} else if (!enable && pen->st.hold_policy && !may_lower) {
		/* Only an administrator lowers the administrator's policy. */
		ret = -EPERM;
	} else {
		if (policy)
			WRITE_ONCE(pen->st.hold_policy, enable);
		else
			pen->st.hold_ctl = enable;
		stopped = pen_hold_check_locked(pen, ktime_get_ns());
	}
	raw_spin_unlock_irq(&pen->slock);
	if (stopped)
		pen_cut_now(pen);
	return ret;
}
