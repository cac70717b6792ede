// SPDX-License-Identifier: GPL-2.0
/*
 * pen core: the "pen" class, /dev/penN allocation and backend registration.
 *
 * A pen's lifetime is its class device's refcount. Registration holds one
 * reference and every open file another, so a pen that is unregistered
 * while files are open stays allocated, answers -ENODEV, and is freed when
 * the last file closes. Its backend is never called after
 * pen_unregister() returns.
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pm.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pen-compat.h"
#include "pen-internal.h"

#define PEN_MAX_DEVICES		256

static struct class *pen_class;
static dev_t pen_devt;
static DEFINE_IDA(pen_ida);

static void pen_dev_release(struct device *dev)
{
	struct pen_device *pen = to_pen_device(dev);

	pen_events_release(pen);
	ida_free(&pen_ida, pen->id);
	xa_destroy(&pen->ctl.used_cartridges);
	mutex_destroy(&pen->lock);
	kfree(pen);
}

/**
 * pen_register() - create /dev/penN for a backend's pen
 * @parent: the backend's device; the pen appears under it in sysfs
 * @driver: the backend's name, reported by PEN_IOC_GET_INFO
 * @ops: the backend's operations; must outlive the registration
 * @hw: identity and limits, copied
 * @drvdata: the backend's private data, for pen_get_drvdata()
 *
 * The pen starts stopped, with the drive off and its setpoints at the
 * shallowest depth and slowest rate the hardware allows.
 *
 * Context: process, may sleep.
 * Return: the pen, or an ERR_PTR().
 */
struct pen_device *pen_register(struct device *parent, const char *driver,
				const struct pen_ops *ops,
				const struct pen_hw_info *hw, void *drvdata)
{
	struct pen_device *pen;
	int ret;

	ret = pen_check_hw_info(ops, hw);
	if (ret)
		return ERR_PTR(ret);

	pen = kzalloc(sizeof(*pen), GFP_KERNEL);
	if (!pen)
		return ERR_PTR(-ENOMEM);

	pen->id = ida_alloc_max(&pen_ida, PEN_MAX_DEVICES - 1, GFP_KERNEL);
	if (pen->id < 0) {
		ret = pen->id;
		kfree(pen);
		return ERR_PTR(ret);
	}

	strscpy(pen->driver, driver, sizeof(pen->driver));
	strscpy(pen->model, hw->model ?: "", sizeof(pen->model));
	strscpy(pen->serial, hw->serial ?: "", sizeof(pen->serial));
	pen->hw = *hw;
	pen->hw.model = NULL;
	pen->hw.serial = NULL;
	pen->ctl.drvdata = drvdata;
	pen->st.ops = ops;
	/* The one place that asks: each stroke path is its loop's. */
	pen->loop = hw->can_sleep ? &pen_thread_loop : &pen_irq_loop;
	mutex_init(&pen->lock);
	xa_init(&pen->ctl.used_cartridges);
	pen_stroke_init(pen);
	pen_events_init(pen);
	pen->st.depth_um = hw->depth_min_um;
	pen->st.rate_mhz = hw->rate_min_mhz;
	pen->st.period_ns = pen_rate_to_period_ns(pen->st.rate_mhz);
	pen_limits_init(pen);

	device_initialize(&pen->dev);
	pen->dev.class = pen_class;
	pen->dev.parent = parent;
	pen->dev.devt = MKDEV(MAJOR(pen_devt), pen->id);
	pen->dev.release = pen_dev_release;
	pen->dev.groups = pen_dev_groups;
	ret = dev_set_name(&pen->dev, "pen%d", pen->id);
	if (ret)
		goto err_put;

	ret = pen->loop->attach ? pen->loop->attach(pen) : 0;
	if (ret)
		goto err_put;

	/*
	 * Whatever the backend's probe left behind, start known-off. Before
	 * the node exists, so no START can race with it; process context,
	 * so a backend that may sleep can be called here too.
	 */
	ops->drive_disable(pen);

	cdev_init(&pen->cdev, &pen_fops);
	pen->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&pen->cdev, &pen->dev);
	if (ret) {
		if (pen->loop->detach)
			pen->loop->detach(pen);
		goto err_put;
	}

	/* The buttons are the pen's own child device: after the pen. */
	ret = pen_input_register(pen);
	if (ret) {
		pen_detach(pen);
		cdev_device_del(&pen->cdev, &pen->dev);
		goto err_put;
	}

	pen_debugfs_add(pen);
	dev_dbg(&pen->dev, "registered by %s\n", driver);
	return pen;

err_put:
	put_device(&pen->dev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(pen_register);

/**
 * pen_unregister() - stop a pen and remove /dev/penN
 * @pen: the pen
 *
 * The needle is stopped (drive off first) with PEN_STOP_REMOVED. Files
 * still open get -ENODEV from then on. When this returns the core makes
 * no more calls into the backend; the backend must make no more
 * pen_report_*() calls after it has also stopped its own timers. The pen
 * itself may live on until its last file closes.
 *
 * Context: process, may sleep.
 */
void pen_unregister(struct pen_device *pen)
{
	pen_detach(pen);
	/* Readers still waiting learn the pen is gone. */
	pen_events_hangup(pen);
	pen_input_unregister(pen);
	pen_debugfs_remove(pen);
	cdev_device_del(&pen->cdev, &pen->dev);
	put_device(&pen->dev);
}
EXPORT_SYMBOL_GPL(pen_unregister);

static void pen_unregister_action(void *pen)
{
	pen_unregister(pen);
}

/**
 * devm_pen_register() - pen_register(), undone when @parent is unbound
 * @parent: the backend's device, whose devres list gets the unregistration
 * @driver: see pen_register()
 * @ops: see pen_register()
 * @hw: see pen_register()
 * @drvdata: see pen_register()
 *
 * devres releases in the reverse order of acquisition: what the backend
 * acquires after this is released before the pen is unregistered (and
 * its needle stopped), what it acquired before, after. A backend whose
 * drive must be off before a resource goes acquires that resource first.
 *
 * Context: process, may sleep.
 * Return: the pen, or an ERR_PTR().
 */
struct pen_device *devm_pen_register(struct device *parent, const char *driver,
				     const struct pen_ops *ops,
				     const struct pen_hw_info *hw,
				     void *drvdata)
{
	struct pen_device *pen;
	int ret;

	pen = pen_register(parent, driver, ops, hw, drvdata);
	if (IS_ERR(pen))
		return pen;
	ret = devm_add_action_or_reset(parent, pen_unregister_action, pen);
	if (ret)
		return ERR_PTR(ret);
	return pen;
}
EXPORT_SYMBOL_GPL(devm_pen_register);

void *pen_get_drvdata(struct pen_device *pen)
{
	return pen->ctl.drvdata;
}
EXPORT_SYMBOL_GPL(pen_get_drvdata);

struct device *pen_to_dev(struct pen_device *pen)
{
	return &pen->dev;
}
EXPORT_SYMBOL_GPL(pen_to_dev);

/**
 * pen_note_thread_preemption() - say once that a pen's thread can wait
 * @dev: the device whose real-time thread is starting
 *
 * Without full preemption (Debian's stock kernels have voluntary
 * preemption) a woken thread waits until the kernel code holding its
 * CPU reaches a preemption point, however high its priority: khugepaged
 * was seen holding it for 3-5 ms. The stroke timer's hard-irq callback
 * does not wait; the core's stroke thread does, and so does a backend's
 * thread that measures the strokes. Said once, as it is the kernel's,
 * with the remedy this kernel offers. Context: any.
 */
void pen_note_thread_preemption(struct device *dev)
{
	if (preempt_model_preemptible())
		return;
	dev_notice_once(dev,
			"real-time thread without full preemption: a stroke or its measurement can wait milliseconds for other kernel code; %s\n",
			IS_ENABLED(CONFIG_PREEMPT_DYNAMIC) ?
			"boot with preempt=full or use PREEMPT_RT" :
			"use a kernel with CONFIG_PREEMPT or PREEMPT_RT");
}
EXPORT_SYMBOL_GPL(pen_note_thread_preemption);

/*
 * The needle never runs through a suspend: it stops, and stays stopped
 * on resume until its controller starts it again.
 */
static int pen_suspend(struct device *dev)
{
	pen_stop(to_pen_device(dev), PEN_STOP_SUSPEND);
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(pen_pm_ops, pen_suspend, NULL);

static int pen_stop_for_shutdown(struct device *dev, void *data)
{
	struct pen_device *pen = to_pen_device(dev);
	bool was_running = pen_running(pen);

	pen_stop(pen, PEN_STOP_SHUTDOWN);
	/* Nobody stopped it first: worth a line in the last log there is. */
	if (was_running)
		dev_warn(dev, "needle was running at shutdown; stopped\n");
	return 0;
}

/* Reboot, halt and power-off: every needle stops before devices go. */
static int pen_reboot_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	class_for_each_device(pen_class, NULL, NULL, pen_stop_for_shutdown);
	return NOTIFY_DONE;
}

static struct notifier_block pen_reboot_nb = {
	.notifier_call = pen_reboot_notify,
};

static int __init pen_init(void)
{
	int ret;

	ret = pen_limits_module_init();
	if (ret)
		return ret;

	ret = alloc_chrdev_region(&pen_devt, 0, PEN_MAX_DEVICES, "pen");
	if (ret)
		return ret;

	pen_class = pen_class_create("pen");
	if (IS_ERR(pen_class)) {
		unregister_chrdev_region(pen_devt, PEN_MAX_DEVICES);
		return PTR_ERR(pen_class);
	}
	pen_debugfs_module_init();
	pen_class->pm = pm_sleep_ptr(&pen_pm_ops);
	register_reboot_notifier(&pen_reboot_nb);
	return 0;
}

static void __exit pen_exit(void)
{
	unregister_reboot_notifier(&pen_reboot_nb);
	class_destroy(pen_class);
	pen_debugfs_module_exit();
	unregister_chrdev_region(pen_devt, PEN_MAX_DEVICES);
	ida_destroy(&pen_ida);
}

module_init(pen_init);
module_exit(pen_exit);

MODULE_DESCRIPTION("Microneedling pen needle-drive core");
MODULE_LICENSE("GPL");
