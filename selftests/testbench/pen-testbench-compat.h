/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pen_testbench: the kernel API differences between the kernels the bench
 * builds for, kept in one place (kernel/pen-compat.h does the same for the
 * driver).
 */
#ifndef _PEN_TESTBENCH_COMPAT_H
#define _PEN_TESTBENCH_COMPAT_H

#include <linux/device.h>
#include <linux/nvmem-provider.h>
#include <linux/pwm.h>
#include <linux/version.h>

/*
 * Since 6.9 the PWM core allocates the pwm_chip (with room for the
 * driver's data) and embeds its struct device; before, the driver
 * embedded the chip and pointed chip->dev at its own device, and the ops
 * named their module (6.7 moved it to the chip, which pwmchip_add() sets).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
static inline struct pwm_chip *pen_tb_pwmchip_alloc(struct device *parent,
						    void *drvdata)
{
	struct pwm_chip *chip = devm_pwmchip_alloc(parent, 1, sizeof(void *));

	if (!IS_ERR(chip))
		*(void **)pwmchip_get_drvdata(chip) = drvdata;
	return chip;
}

static inline void *pen_tb_pwmchip_drvdata(struct pwm_chip *chip)
{
	return *(void **)pwmchip_get_drvdata(chip);
}

/* No module reference for its users: see pen-testbench.h. */
static inline int pen_tb_pwmchip_add(struct device *dev, struct pwm_chip *chip)
{
	return __devm_pwmchip_add(dev, chip, NULL);
}
#else
struct pen_tb_pwmchip {
	struct pwm_chip chip;
	void *drvdata;
};

static inline struct pwm_chip *pen_tb_pwmchip_alloc(struct device *parent,
						    void *drvdata)
{
	struct pen_tb_pwmchip *p = devm_kzalloc(parent, sizeof(*p),
						GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	p->chip.dev = parent;
	p->chip.npwm = 1;
	p->drvdata = drvdata;
	return &p->chip;
}

static inline void *pen_tb_pwmchip_drvdata(struct pwm_chip *chip)
{
	return container_of(chip, struct pen_tb_pwmchip, chip)->drvdata;
}

/* No module reference for its users (no pwm_ops.owner): pen-testbench.h. */
static inline int pen_tb_pwmchip_add(struct device *dev, struct pwm_chip *chip)
{
	return devm_pwmchip_add(dev, chip);
}
#endif

/*
 * An nvmem provider's cells as children of its device tree node, the
 * only syntax before 6.7, are read since then only when it asks: the
 * newer one (an "nvmem-layout" child) is not read by 6.1.
 */
static inline void pen_tb_nvmem_legacy_cells(struct nvmem_config *config)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	config->add_legacy_fixed_of_cells = true;
#endif
}

/*
 * A PWM controller that never sleeps says so (pwm_chip.atomic) since 6.8;
 * before, every one may sleep: 0 where the chip was made atomic, else
 * -EOPNOTSUPP.
 */
#define PEN_TB_PWM_ATOMIC	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0))

static inline int pen_tb_pwmchip_set_atomic(struct pwm_chip *chip, bool atomic)
{
#if PEN_TB_PWM_ATOMIC
	chip->atomic = atomic;
	return 0;
#else
	return atomic ? -EOPNOTSUPP : 0;
#endif
}

#endif /* _PEN_TESTBENCH_COMPAT_H */
