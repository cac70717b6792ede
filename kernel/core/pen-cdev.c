// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/penN: open, release and the ioctls.
 *
 * A file opened for writing is the pen's controller, and there is at most
 * one: control of a needle is never shared. Read-only files may query the
 * pen, read its events and stop it, since stopping is always the safe
 * direction and an emergency stop must not depend on who holds control.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pen-internal.h"

static bool pen_file_controls(const struct file *file)
{
	/* Exclusivity is enforced at open, so the mode says it all. */
	return file->f_mode & FMODE_WRITE;
}

static int pen_open(struct inode *inode, struct file *file)
{
	struct pen_device *pen = container_of(inode->i_cdev, struct pen_device,
					      cdev);
	struct pen_file *pf;
	int ret = 0;

	/* Its event ring fills from now on, before it can take control. */
	pf = pen_file_alloc(pen);
	if (!pf)
		return -ENOMEM;

	mutex_lock(&pen->lock);
	if (pen_detached(pen))
		ret = -ENODEV;
	else if (pen_file_controls(file) && pen->ctl.controller)
		ret = -EBUSY;
	else if (pen_file_controls(file))
		pen->ctl.controller = file;
	mutex_unlock(&pen->lock);
	if (ret) {
		pen_file_free(pf);
		return ret;
	}

	get_device(&pen->dev);
	file->private_data = pf;
	return stream_open(inode, file);
}

static int pen_release(struct inode *inode, struct file *file)
{
	struct pen_file *pf = file->private_data;
	struct pen_device *pen = pf->pen;

	/* Only this file can clear its own control, so no lock to look. */
	if (pen->ctl.controller == file) {
		pen_stop(pen, PEN_STOP_CLOSE);
		/*
		 * The next controller arms its own watchdog and asks for
		 * hold-to-run itself; the administrator's policy stays.
		 */
		pen_set_watchdog(pen, 0);
		pen_hold_forget(pen);
		mutex_lock(&pen->lock);
		pen->ctl.controller = NULL;
		mutex_unlock(&pen->lock);
	}

	pen_file_free(pf);
	put_device(&pen->dev);
	return 0;
}

static ssize_t pen_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	return pen_file_read(file->private_data, buf, count,
			     file->f_flags & O_NONBLOCK);
}

static __poll_t pen_poll(struct file *file, poll_table *wait)
{
	return pen_file_poll(file->private_data, file, wait);
}

static bool pen_gone(struct pen_device *pen)
{
	/* A stale answer is harmless: every acting path rechecks. */
	return pen_detached(pen);
}

static long pen_ioctl_get_info(struct pen_device *pen, void __user *arg)
{
	struct pen_info info;

	memset(&info, 0, sizeof(info));
	info.api_version = PEN_API_VERSION;
	info.needle_count = pen->hw.needle_count;
	info.depth_min_um = pen->hw.depth_min_um;
	info.depth_max_um = pen->hw.depth_max_um;
	info.depth_step_um = pen->hw.depth_step_um;
	info.rate_min_mhz = pen->hw.rate_min_mhz;
	info.rate_max_mhz = pen->hw.rate_max_mhz;
	if (pen->hw.buttons & PEN_BUTTONS_HANDPIECE)
		info.flags |= PEN_INFO_BUTTONS;
	if (pen->hw.buttons & BIT(PEN_BUTTON_FOOTSWITCH))
		info.flags |= PEN_INFO_FOOTSWITCH;
	strscpy(info.name, dev_name(&pen->dev), sizeof(info.name));
	strscpy(info.driver, pen->driver, sizeof(info.driver));
	strscpy(info.model, pen->model, sizeof(info.model));
	strscpy(info.serial, pen->serial, sizeof(info.serial));
	raw_spin_lock_irq(&pen->slock);
	info.depth_cap_um = pen->st.depth_cap_um;
	info.max_run_time_s = div_u64(pen->st.max_run_time_ns, NSEC_PER_SEC);
	raw_spin_unlock_irq(&pen->slock);

	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long pen_ioctl_get_status(struct pen_device *pen, void __user *arg)
{
	struct pen_status st;

	memset(&st, 0, sizeof(st));
	raw_spin_lock_irq(&pen->slock);
	st.state = pen_running(pen) ? PEN_STATE_RUNNING : PEN_STATE_STOPPED;
	st.stop_reason = pen->st.stop_reason;
	st.depth_um = pen->st.depth_um;
	st.rate_mhz = pen->st.rate_mhz;
	st.last_reached_um = pen->st.last_reached_um;
	st.strokes = pen->st.strokes;
	st.run_strokes = pen->st.run_strokes;
	st.missed_strokes = pen->st.missed;
	st.run_missed_strokes = pen->st.run_missed;
	st.started_ns = pen->st.started_ns;
	st.stopped_ns = pen->st.stopped_ns;
	st.last_stroke_ns = pen->st.last_stroke_ns;
	st.max_lateness_ns = pen->st.max_lateness_ns;
	st.fault = pen->st.fault;
	st.fault_value = pen->st.fault_value;
	st.fault_ns = pen->st.fault_ns;
	st.fault_seq = pen->st.fault_seq;
	st.cartridge_id = pen->st.cart_id;
	st.cartridge_state = pen->st.cart_state;
	st.cartridge_budget = pen->st.cart_budget;
	st.cartridge_strokes = pen->st.cart_strokes;
	if (pen_hold_to_run_locked(pen))
		st.flags |= PEN_STATUS_HOLD_TO_RUN;
	if (pen->st.hold_policy)
		st.flags |= PEN_STATUS_HOLD_POLICY;
	if (pen->st.pedal_down)
		st.flags |= PEN_STATUS_PEDAL_DOWN;
	raw_spin_unlock_irq(&pen->slock);
	/* The controller is only an observation; no need to lock for it. */
	if (data_race(pen->ctl.controller))
		st.flags |= PEN_STATUS_CONTROLLED;

	if (copy_to_user(arg, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}

static long pen_ioctl_set_params(struct pen_device *pen, void __user *arg)
{
	struct pen_params p;
	int ret;

	if (copy_from_user(&p, arg, sizeof(p)))
		return -EFAULT;
	ret = pen_check_params(&pen->hw, &p);
	if (ret)
		return ret;

	return pen_set_setpoints(pen, p.mask, p.depth_um, p.rate_mhz);
}

/* Copy in an ioctl's struct, whose reserved fields must be zero. */
static int pen_copy_in(void *s, const void __user *arg, size_t size,
		       const void *reserved, size_t reserved_size)
{
	if (copy_from_user(s, arg, size))
		return -EFAULT;
	if (memchr_inv(reserved, 0, reserved_size))
		return -EINVAL;
	return 0;
}

static long pen_ioctl_set_watchdog(struct pen_device *pen, void __user *arg)
{
	struct pen_watchdog wd;
	int ret;

	ret = pen_copy_in(&wd, arg, sizeof(wd), wd.reserved,
			  sizeof(wd.reserved));
	if (ret)
		return ret;
	if (wd.timeout_ms && (wd.timeout_ms < PEN_WATCHDOG_MIN_MS ||
			      wd.timeout_ms > PEN_WATCHDOG_MAX_MS))
		return -ERANGE;
	pen_set_watchdog(pen, wd.timeout_ms);
	return 0;
}

static long pen_ioctl_set_hold_to_run(struct pen_device *pen, void __user *arg)
{
	struct pen_hold_to_run h;
	int ret;

	ret = pen_copy_in(&h, arg, sizeof(h), h.reserved, sizeof(h.reserved));
	if (ret)
		return ret;
	if (h.enable > 1)
		return -EINVAL;
	return pen_set_hold_to_run(pen, false, h.enable);
}

/* The ioctls that act on the needle: the controller's alone. */
static bool pen_ioctl_controls(unsigned int cmd)
{
	switch (cmd) {
	case PEN_IOC_SET_PARAMS:
	case PEN_IOC_START:
	case PEN_IOC_CLEAR_FAULT:
	case PEN_IOC_SET_WATCHDOG:
	case PEN_IOC_KICK_WATCHDOG:
	case PEN_IOC_SET_HOLD_TO_RUN:
		return true;
	default:
		return false;
	}
}

static long pen_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pen_file *pf = file->private_data;
	struct pen_device *pen = pf->pen;
	void __user *argp = (void __user *)arg;

	if (pen_gone(pen))
		return -ENODEV;
	if (pen_ioctl_controls(cmd) && !pen_file_controls(file))
		return -EBADF;

	switch (cmd) {
	case PEN_IOC_GET_INFO:
		return pen_ioctl_get_info(pen, argp);
	case PEN_IOC_GET_STATUS:
		return pen_ioctl_get_status(pen, argp);
	case PEN_IOC_SET_PARAMS:
		return pen_ioctl_set_params(pen, argp);
	case PEN_IOC_START:
		return pen_start(pen);
	case PEN_IOC_STOP:
		return pen_stop(pen, PEN_STOP_REQUEST);
	case PEN_IOC_CLEAR_FAULT:
		pen_clear_fault(pen);
		return 0;
	case PEN_IOC_SET_WATCHDOG:
		return pen_ioctl_set_watchdog(pen, argp);
	case PEN_IOC_KICK_WATCHDOG:
		pen_kick_watchdog(pen);
		return 0;
	case PEN_IOC_SET_HOLD_TO_RUN:
		return pen_ioctl_set_hold_to_run(pen, argp);
	default:
		return -ENOTTY;
	}
}

const struct file_operations pen_fops = {
	.owner = THIS_MODULE,
	.open = pen_open,
	.release = pen_release,
	.read = pen_read,
	.poll = pen_poll,
	.unlocked_ioctl = pen_ioctl,
	/* No pointers inside the structs and one layout for all ABIs. */
	.compat_ioctl = compat_ptr_ioctl,
};
