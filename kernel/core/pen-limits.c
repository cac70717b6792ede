// SPDX-License-Identifier: GPL-2.0
/*
 * Limits an administrator sets on top of the hardware's: a depth cap, a
 * maximum continuous run time and, for a pen with a footswitch, the
 * hold-to-run policy. Their defaults are module parameters; each pen's
 * are sysfs attributes that anyone allowed to write them may make
 * stricter, and only CAP_SYS_ADMIN may relax. A lowered limit takes
 * effect at the next stroke boundary, when the stroke timer checks it;
 * hold-to-run turned on with the pedal up stops the needle at once.
 */
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "pen-internal.h"

/* What the "home" profile allows: sources agree on 0.5 mm at most. */
#define PEN_HOME_DEPTH_CAP_UM	500
#define PEN_RUN_TIME_MAX_S	(24 * 60 * 60)

static char *profile = "clinic";
module_param(profile, charp, 0444);
MODULE_PARM_DESC(profile,
		 "clinic (default) or home: home caps every pen at 500 um");

static unsigned int depth_cap_um;
module_param(depth_cap_um, uint, 0444);
MODULE_PARM_DESC(depth_cap_um,
		 "default depth cap of every pen, in um (default: none beyond the hardware's)");

static unsigned int max_run_time_s = 60 * 60;
module_param(max_run_time_s, uint, 0444);
MODULE_PARM_DESC(max_run_time_s,
		 "default maximum continuous run time, in s (default 3600)");

static bool hold_to_run;
module_param(hold_to_run, bool, 0444);
MODULE_PARM_DESC(hold_to_run,
		 "every pen with a footswitch runs only while it is held (default 0)");

int pen_limits_module_init(void)
{
	if (strcmp(profile, "clinic") && strcmp(profile, "home")) {
		pr_err("pen: profile=%s: use clinic or home\n", profile);
		return -EINVAL;
	}
	if (!max_run_time_s || max_run_time_s > PEN_RUN_TIME_MAX_S) {
		pr_err("pen: max_run_time_s=%u: use 1-%u\n", max_run_time_s,
		       PEN_RUN_TIME_MAX_S);
		return -EINVAL;
	}
	return 0;
}

/* A new pen's limits: the lowest of the hardware's and the defaults. */
void pen_limits_init(struct pen_device *pen)
{
	u32 cap = pen->hw.depth_max_um;

	if (depth_cap_um)
		cap = min(cap, depth_cap_um);
	if (!strcmp(profile, "home"))
		cap = min_t(u32, cap, PEN_HOME_DEPTH_CAP_UM);
	pen->st.depth_cap_um = cap;
	pen->st.max_run_time_ns = (u64)max_run_time_s * NSEC_PER_SEC;
	/* A pen without a pedal has nothing to hold: its attribute says 0. */
	pen->st.hold_policy = hold_to_run &&
			   (pen->hw.buttons & BIT(PEN_BUTTON_FOOTSWITCH));
}

/**
 * pen_admin_relaxes() - may the writer relax a limit (raise a cap, lift a
 *	policy)?
 * @relaxes: the write would relax it, as read before the lock
 *
 * Anyone who may write a limit may tighten it; only CAP_SYS_ADMIN may
 * relax it. capable() may sleep (auditing), so it is asked here, before
 * pen->slock, and only of a writer who relaxes, so as to audit only that.
 * The caller judges again under the lock: a limit tightened meanwhile is
 * never relaxed without the capability.
 *
 * Return: true if the write relaxes and the writer may.
 */
bool pen_admin_relaxes(bool relaxes)
{
	return relaxes && capable(CAP_SYS_ADMIN);
}

/*
 * Set the limit *@_lim, a field of pen->st, to @_want: anyone who may
 * write it may tighten it (lower it), only an administrator relax it.
 * Judged again under the lock: tightened meanwhile, it is never relaxed
 * without the capability. A macro for limits of either width; evaluates
 * to 0 or -EPERM.
 */
#define pen_set_limit(_pen, _lim, _want)				\
({									\
	struct pen_device *__pen = (_pen);				\
	typeof(_lim) __lim = (_lim);					\
	typeof(*__lim) __want = (_want);				\
	bool __admin = pen_admin_relaxes(__want > READ_ONCE(*__lim));	\
	int __ret = 0;							\
									\
	raw_spin_lock_irq(&__pen->slock);				\
	if (__want > *__lim && !__admin)				\
		__ret = -EPERM;						\
	else								\
		WRITE_ONCE(*__lim, __want);				\
	raw_spin_unlock_irq(&__pen->slock);				\
	__ret;								\
})

static ssize_t depth_cap_um_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct pen_device *pen = to_pen_device(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(pen->st.depth_cap_um));
}

/*
 * A limit written to sysfs: a decimal u32 (else EINVAL) from @min to @max
 * (else ERANGE), into @val.
 */
static int pen_limit_parse(const char *buf, u32 min, u32 max, u32 *val)
{
	if (kstrtou32(buf, 10, val))
		return -EINVAL;
	return *val < min || *val > max ? -ERANGE : 0;
}

static ssize_t depth_cap_um_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct pen_device *pen = to_pen_device(dev);
	int ret;
	u32 cap;

	ret = pen_limit_parse(buf, pen->hw.depth_min_um, pen->hw.depth_max_um,
			      &cap);
	if (!ret)
		ret = pen_set_limit(pen, &pen->st.depth_cap_um, cap);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(depth_cap_um);

static ssize_t max_run_time_s_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct pen_device *pen = to_pen_device(dev);

	return sysfs_emit(buf, "%llu\n",
			  div_u64(READ_ONCE(pen->st.max_run_time_ns),
				  NSEC_PER_SEC));
}

static ssize_t max_run_time_s_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct pen_device *pen = to_pen_device(dev);
	int ret;
	u32 s;

	ret = pen_limit_parse(buf, 1, PEN_RUN_TIME_MAX_S, &s);
	if (!ret)
		ret = pen_set_limit(pen, &pen->st.max_run_time_ns,
				    (u64)s * NSEC_PER_SEC);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(max_run_time_s);

static ssize_t hold_to_run_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(to_pen_device(dev)->st.hold_policy));
}

static ssize_t hold_to_run_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	bool on;
	int ret;

	if (kstrtobool(buf, &on))
		return -EINVAL;
	ret = pen_set_hold_to_run(to_pen_device(dev), true, on);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(hold_to_run);

static struct attribute *pen_limit_attrs[] = {
	&dev_attr_depth_cap_um.attr,
	&dev_attr_max_run_time_s.attr,
	&dev_attr_hold_to_run.attr,
	NULL
};

static const struct attribute_group pen_limit_group = {
	.attrs = pen_limit_attrs,
};

const struct attribute_group *pen_dev_groups[] = {
	&pen_info_group,
	&pen_limit_group,
	&pen_stats_group,
	&pen_fault_group,
	NULL
};
