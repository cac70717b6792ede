/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels pen builds for, kept in one
 * place so the driver code reads like code for one kernel.
 */
#ifndef _PEN_COMPAT_H
#define _PEN_COMPAT_H

#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/pwm.h>
#include <linux/version.h>

/* class_create() lost its module argument in 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define pen_class_create(name)	class_create(name)
#else
#define pen_class_create(name)	class_create(THIS_MODULE, name)
#endif

/* The bus_type and its attribute callbacks became const in 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define pen_bus_type	const struct bus_type
#else
#define pen_bus_type	struct bus_type
#endif

/* hrtimer_setup() replaced hrtimer_init() plus a function assignment in 6.13. */
static inline void
pen_hrtimer_setup(struct hrtimer *timer,
		  enum hrtimer_restart (*function)(struct hrtimer *),
		  clockid_t clock_id, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(timer, function, clock_id, mode);
#else
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
#endif
}

/*
 * EXPORT_SYMBOL_IF_KUNIT() exports into the EXPORTED_FOR_KUNIT_TESTING
 * namespace, which a test module must import; since 6.13 a namespace is
 * named by a string literal.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define PEN_IMPORT_KUNIT_NS()	MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define PEN_IMPORT_KUNIT_NS()	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/*
 * The simulator bus (sim/pen-simbus.h) is exported from pen_sim.ko into
 * the PEN_SIMBUS namespace, which its users import. Since 6.13 a
 * namespace is a string literal; before, an unquoted token (both kernels
 * stringify the argument, so a macro naming it works).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define PEN_SIMBUS_NS	"PEN_SIMBUS"
#else
#define PEN_SIMBUS_NS	PEN_SIMBUS
#endif

/*
 * pwm_apply_might_sleep() replaced pwm_apply_state() in 6.8 (the name
 * now says what it always did: it may sleep).
 */
static inline int pen_pwm_apply(struct pwm_device *pwm,
				const struct pwm_state *state)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return pwm_apply_might_sleep(pwm, state);
#else
	return pwm_apply_state(pwm, state);
#endif
}

/*
 * PWM controllers that never sleep (pwm_chip.atomic) and the call that
 * uses them from atomic context came in 6.8. Before, every PWM counts as
 * one that may sleep, and pen_pwm_apply_atomic() is never reached.
 */
static inline bool pen_pwm_might_sleep(struct pwm_device *pwm)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return pwm_might_sleep(pwm);
#else
	return true;
#endif
}

static inline int pen_pwm_apply_atomic(struct pwm_device *pwm,
				       const struct pwm_state *state)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return pwm_apply_atomic(pwm, state);
#else
	return -EOPNOTSUPP;
#endif
}

#endif /* _PEN_COMPAT_H */
