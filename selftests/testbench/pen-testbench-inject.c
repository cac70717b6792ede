// SPDX-License-Identifier: GPL-2.0
/*
 * pen_testbench: what each command of a bench's debugfs "inject" does,
 * always through the hardware (the model, its lines, its EEPROM). The
 * file and its syntax are the simulator bus's, from pen_sim.ko, so that
 * they are pen_sim's too (docs/testbench.md):
 *
 *   over_depth UM | short UM | stall N | stuck UM | late US | reset
 *   pwm_fail N | adc_fail N | position_fail N | supply_fail N
 *   supply_stuck N | eeprom_fail N | gpio_fail N | retract_fail N
 *   task_stroke_fail N
 *   overcurrent MA | overtemp MDEGC
 *   cartridge_insert ID BUDGET | cartridge_bad ID BUDGET | cartridge_remove
 *   cartridge_swap ID BUDGET | cartridge_bounce | footswitch_bounce
 *   press BUTTON | release BUTTON
 */
#include <linux/delay.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/limits.h>

#include "pen-simbus.h"
#include "pen-testbench.h"

/* The bench waits this long after a button edge: pen-vcm's debounce. */
#define PEN_TB_DEBOUNCE_WAIT_MS	PEN_TB_DEBOUNCE_MAX_MS

/* The fields PEN_SIMBUS_INJECT_SET() sets are 32-bit, inject_ns 64. */
static_assert(sizeof_field(struct pen_tb, hw.inject_ns) == sizeof(u64));
static_assert(sizeof_field(struct pen_tb, hw.inj_depth_um) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_stall_in) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_stuck_um) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_current_ma) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_temp_mdegc) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_late_us) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_pwm_fail) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_adc_fail) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_position_fail) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_supply_fail) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_supply_stuck) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_eeprom_fail) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_gpio_fail) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_retract_fail) == sizeof(u32));
static_assert(sizeof_field(struct pen_tb, hw.inj_task_stroke_fail) ==
	      sizeof(u32));

static int pen_tb_inject_reset(void *data, unsigned int what, const u64 *arg)
{
	struct pen_tb *tb = data;

	raw_spin_lock_irq(&tb->lock);
	pen_tb_injections_reset(tb);
	raw_spin_unlock_irq(&tb->lock);
	return 0;
}

/*
 * A cartridge goes in (what: the EEPROM's magic, "PENC" or a bad one):
 * its EEPROM, then the detect switch closes; one already in comes out
 * first. Or (what 0) it comes out.
 */
static int pen_tb_inject_cartridge(void *data, unsigned int magic,
				   const u64 *arg)
{
	struct pen_tb *tb = data;

	pen_tb_line_set(tb, PEN_TB_LINE_DETECT, false);
	if (magic) {
		pen_tb_eeprom_write(tb, magic, arg[0], arg[1]);
		pen_tb_line_set(tb, PEN_TB_LINE_DETECT, true);
	} else {
		pen_tb_eeprom_blank(tb);
	}
	return 0;
}

/*
 * The cartridge in comes out and another goes in (its EEPROM's record:
 * id, budget) faster than pen-vcm's debounce: the detect switch only
 * bounces. -EINVAL if no cartridge is in.
 */
static int pen_tb_inject_swap(void *data, unsigned int what, const u64 *arg)
{
	struct pen_tb *tb = data;
	bool in;

	raw_spin_lock_irq(&tb->lock);
	in = tb->hw.line[PEN_TB_LINE_DETECT];
	raw_spin_unlock_irq(&tb->lock);
	if (!in)
		return -EINVAL;
	pen_tb_eeprom_write(tb, PEN_TB_EEPROM_MAGIC, arg[0], arg[1]);
	return pen_tb_line_bounce(tb, PEN_TB_LINE_DETECT);
}

/*
 * Input line @line bounces: the detect switch with the cartridge as it
 * is, or the footswitch, held or not (-EINVAL if it is not wired). The
 * backend has read the line when this returns.
 */
static int pen_tb_inject_bounce(void *data, unsigned int line, const u64 *arg)
{
	struct pen_tb *tb = data;
	int ret;

	if (line == PEN_TB_LINE_FOOTSWITCH && !tb->cfg.footswitch)
		return -EINVAL;
	ret = pen_tb_line_bounce(tb, line);
	/* A button is read by the backend's work once the line is quiet. */
	if (!ret && line != PEN_TB_LINE_DETECT)
		msleep(PEN_TB_DEBOUNCE_WAIT_MS);
	return ret;
}

/* The buttons are lines in enum pen_button's order, from PEN_TB_LINE_MAIN. */
static bool pen_tb_has_button(void *data, unsigned int button)
{
	struct pen_tb *tb = data;

	if (button + PEN_TB_LINE_MAIN == PEN_TB_LINE_FOOTSWITCH)
		return tb->cfg.footswitch;
	return tb->cfg.buttons;
}

static int pen_tb_inject_button(void *data, unsigned int button, bool pressed)
{
	struct pen_tb *tb = data;

	pen_tb_line_set(tb, PEN_TB_LINE_MAIN + button, pressed);
	/* The backend reports it once its debounce has run. */
	msleep(PEN_TB_DEBOUNCE_WAIT_MS);
	return 0;
}

#define PEN_TB_SET(_name, _max, _field, _negate) \
	PEN_SIMBUS_INJECT_SET(_name, _max, struct pen_tb, hw._field, _negate)

static const struct pen_simbus_inject pen_tb_inject_cmds[] = {
	PEN_TB_SET("over_depth", S32_MAX, inj_depth_um, false),
	PEN_TB_SET("short", S32_MAX, inj_depth_um, true),
	PEN_TB_SET("stall", S32_MAX, inj_stall_in, false),
	PEN_TB_SET("stuck", S32_MAX, inj_stuck_um, false),
	PEN_TB_SET("overcurrent", U32_MAX, inj_current_ma, false),
	PEN_TB_SET("overtemp", U32_MAX, inj_temp_mdegc, false),
	/* Slept in the PWM apply: at most 100 ms. */
	PEN_TB_SET("late", 100000, inj_late_us, false),
	/* The next N calls of a piece of hardware fail with -EIO. */
	PEN_TB_SET("pwm_fail", 1000, inj_pwm_fail, false),
	PEN_TB_SET("adc_fail", 1000, inj_adc_fail, false),
	PEN_TB_SET("position_fail", 1000, inj_position_fail, false),
	PEN_TB_SET("supply_fail", 1000, inj_supply_fail, false),
	PEN_TB_SET("supply_stuck", 1000, inj_supply_stuck, false),
	/* Reads of the cartridge EEPROM, of an input line (not the enable). */
	PEN_TB_SET("eeprom_fail", 1000, inj_eeprom_fail, false),
	PEN_TB_SET("gpio_fail", 1000, inj_gpio_fail, false),
	/* PWM applies that retract a driven needle. */
	PEN_TB_SET("retract_fail", 1000, inj_retract_fail, false),
	/* PWM applies that start a stroke from a task, not a hard irq. */
	PEN_TB_SET("task_stroke_fail", 1000, inj_task_stroke_fail, false),
	{ "reset", 0, { }, pen_tb_inject_reset },
	{ "cartridge_insert", 2, { U64_MAX, U32_MAX },
	  pen_tb_inject_cartridge, PEN_TB_EEPROM_MAGIC },
	/* A cartridge whose EEPROM does not say "PENC". */
	{ "cartridge_bad", 2, { U64_MAX, U32_MAX },
	  pen_tb_inject_cartridge, PEN_TB_EEPROM_BAD },
	{ "cartridge_remove", 0, { }, pen_tb_inject_cartridge, 0 },
	{ "cartridge_swap", 2, { U64_MAX, U32_MAX }, pen_tb_inject_swap },
	{ "cartridge_bounce", 0, { }, pen_tb_inject_bounce,
	  PEN_TB_LINE_DETECT },
	{ "footswitch_bounce", 0, { }, pen_tb_inject_bounce,
	  PEN_TB_LINE_FOOTSWITCH },
};

static const struct pen_simbus_injector pen_tb_injector = {
	.cmds = pen_tb_inject_cmds,
	.ncmds = ARRAY_SIZE(pen_tb_inject_cmds),
	.lock = offsetof(struct pen_tb, lock),
	.inject_ns = offsetof(struct pen_tb, hw.inject_ns),
	.has_button = pen_tb_has_button,
	.button = pen_tb_inject_button,
};

/* The "inject" file in the bench's debugfs directory. */
void pen_tb_inject_add(struct pen_tb *tb)
{
	tb->inject.ops = &pen_tb_injector;
	tb->inject.data = tb;
	pen_simbus_inject_create(tb->debugfs, &tb->inject);
}
