// SPDX-License-Identifier: GPL-2.0
/*
 * pen_testbench: what each command of a bench's debugfs "inject" does,
 * always through the hardware (the model, its lines, its EEPROM). The
 * file and its syntax are the simulator bus's, from pen_sim.ko, so that
 * they are pen_sim's too (docs/testbench.md):
 *
 *   over_depth UM | short UM | stall N | stuck UM | late US | reset
 *   overcurrent MA | overtemp MDEGC
 *   cartridge_insert ID BUDGET | cartridge_bad ID BUDGET | cartridge_remove
 *   press BUTTON | release BUTTON
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/limits.h>

#include "pen-simbus.h"
#include "pen-testbench.h"

/* The bench waits this long after a button edge: pen-vcm's debounce. */
#define PEN_TB_DEBOUNCE_WAIT_MS	20

/* What a command with numbers does, for the table's "what". */
enum pen_tb_inject_what {
	PEN_TB_INJ_OVER_DEPTH,
	PEN_TB_INJ_SHORT,
	PEN_TB_INJ_STALL,
	PEN_TB_INJ_STUCK,
	PEN_TB_INJ_OVERCURRENT,
	PEN_TB_INJ_OVERTEMP,
	PEN_TB_INJ_LATE,
	PEN_TB_INJ_RESET,
};

static void pen_tb_mark_inject(void *data)
{
	struct pen_tb *tb = data;

	raw_spin_lock_irq(&tb->lock);
	tb->hw.inject_ns = ktime_get_ns();
	raw_spin_unlock_irq(&tb->lock);
}

/* The model's injections: the needle, the coil and the sensors. */
static int pen_tb_inject_model(void *data, unsigned int what, const u64 *arg)
{
	struct pen_tb *tb = data;

	raw_spin_lock_irq(&tb->lock);
	switch (what) {
	case PEN_TB_INJ_OVER_DEPTH:
		tb->hw.inj_depth_um = arg[0];
		break;
	case PEN_TB_INJ_SHORT:
		tb->hw.inj_depth_um = -(s32)arg[0];
		break;
	case PEN_TB_INJ_STALL:
		tb->hw.inj_stall_in = arg[0];
		break;
	case PEN_TB_INJ_STUCK:
		tb->hw.inj_stuck_um = arg[0];
		break;
	case PEN_TB_INJ_OVERCURRENT:
		tb->hw.inj_current_ma = arg[0];
		break;
	case PEN_TB_INJ_OVERTEMP:
		tb->hw.inj_temp_mdegc = arg[0];
		break;
	case PEN_TB_INJ_LATE:
		tb->hw.inj_late_us = arg[0];
		break;
	case PEN_TB_INJ_RESET:
		pen_tb_injections_reset(tb);
		break;
	}
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

static const struct pen_simbus_inject pen_tb_inject_cmds[] = {
	{ "over_depth", 1, { S32_MAX }, pen_tb_inject_model,
	  PEN_TB_INJ_OVER_DEPTH },
	{ "short", 1, { S32_MAX }, pen_tb_inject_model, PEN_TB_INJ_SHORT },
	{ "stall", 1, { S32_MAX }, pen_tb_inject_model, PEN_TB_INJ_STALL },
	{ "stuck", 1, { S32_MAX }, pen_tb_inject_model, PEN_TB_INJ_STUCK },
	{ "overcurrent", 1, { U32_MAX }, pen_tb_inject_model,
	  PEN_TB_INJ_OVERCURRENT },
	{ "overtemp", 1, { U32_MAX }, pen_tb_inject_model,
	  PEN_TB_INJ_OVERTEMP },
	/* Slept in the PWM apply: at most 100 ms. */
	{ "late", 1, { 100000 }, pen_tb_inject_model, PEN_TB_INJ_LATE },
	{ "reset", 0, { }, pen_tb_inject_model, PEN_TB_INJ_RESET },
	{ "cartridge_insert", 2, { U64_MAX, U32_MAX },
	  pen_tb_inject_cartridge, PEN_TB_EEPROM_MAGIC },
	/* A cartridge whose EEPROM does not say "PENC". */
	{ "cartridge_bad", 2, { U64_MAX, U32_MAX },
	  pen_tb_inject_cartridge, PEN_TB_EEPROM_BAD },
	{ "cartridge_remove", 0, { }, pen_tb_inject_cartridge, 0 },
};

static const struct pen_simbus_injector pen_tb_injector = {
	.cmds = pen_tb_inject_cmds,
	.ncmds = ARRAY_SIZE(pen_tb_inject_cmds),
	.mark = pen_tb_mark_inject,
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
