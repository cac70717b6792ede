// SPDX-License-Identifier: GPL-2.0
/*
 * pen_sim's debugfs "inject": what each command does to a simulated pen.
 * The file and its syntax are the simulator bus's (pen-simbus-inject.c),
 * shared with the test bench. Each command goes through the path a real
 * fault takes (the stroke reports, or pen_report_fault()):
 *
 *   over_depth UM | short UM | stall N | late US | reset
 *   overcurrent MA | overtemp MDEGC | supply_low MV
 *   cartridge_insert ID BUDGET | cartridge_remove
 *   press BUTTON | release BUTTON (a held pedal is pressed)
 */
#include <linux/ktime.h>
#include <linux/limits.h>

#include "pen-sim.h"

/* What a command with numbers does, for the table's "what". */
enum pen_sim_inject_what {
	PEN_SIM_INJ_OVER_DEPTH,
	PEN_SIM_INJ_SHORT,
	PEN_SIM_INJ_STALL,
	PEN_SIM_INJ_LATE,
	PEN_SIM_INJ_RESET,
};

static void pen_sim_mark_inject(void *data)
{
	struct pen_sim *sim = data;

	raw_spin_lock_irq(&sim->lock);
	sim->inject_ns = ktime_get_ns();
	raw_spin_unlock_irq(&sim->lock);
}

/* The needle's injections, read by the stroke and its lag timer. */
static int pen_sim_inject_needle(void *data, unsigned int what,
				 const u64 *arg)
{
	struct pen_sim *sim = data;

	raw_spin_lock_irq(&sim->lock);
	switch (what) {
	case PEN_SIM_INJ_OVER_DEPTH:
		sim->inj_depth_um = arg[0];
		break;
	case PEN_SIM_INJ_SHORT:
		sim->inj_depth_um = -(s32)arg[0];
		break;
	case PEN_SIM_INJ_STALL:
		sim->inj_stall_in = arg[0];
		break;
	case PEN_SIM_INJ_LATE:
		sim->inj_late_us = arg[0];
		break;
	case PEN_SIM_INJ_RESET:
		sim->inj_depth_um = 0;
		sim->inj_stall_in = -1;
		sim->inj_late_us = 0;
		break;
	}
	raw_spin_unlock_irq(&sim->lock);
	return 0;
}

/* The hardware's own faults (what: a PEN_FAULT_*), as its interrupt would. */
static int pen_sim_inject_fault(void *data, unsigned int what, const u64 *arg)
{
	struct pen_sim *sim = data;

	pen_report_fault(sim->pen, what, arg[0]);
	return 0;
}

/* Cartridges take the path a cartridge's detect interrupt would. */
static int pen_sim_inject_cartridge(void *data, unsigned int insert,
				    const u64 *arg)
{
	struct pen_sim *sim = data;

	if (insert)
		pen_report_cartridge_inserted(sim->pen, arg[0], arg[1]);
	else
		pen_report_cartridge_removed(sim->pen);
	return 0;
}

static bool pen_sim_has_button(void *data, unsigned int button)
{
	struct pen_sim *sim = data;

	return sim->cfg.hw.buttons & BIT(button);
}

static int pen_sim_inject_button(void *data, unsigned int button,
				 bool pressed)
{
	struct pen_sim *sim = data;

	pen_report_button(sim->pen, button, pressed);
	return 0;
}

static const struct pen_simbus_inject pen_sim_inject_cmds[] = {
	{ "over_depth", 1, { S32_MAX }, pen_sim_inject_needle,
	  PEN_SIM_INJ_OVER_DEPTH },
	{ "short", 1, { S32_MAX }, pen_sim_inject_needle, PEN_SIM_INJ_SHORT },
	{ "stall", 1, { S32_MAX }, pen_sim_inject_needle, PEN_SIM_INJ_STALL },
	/* Spun in the stroke's timer: at most 100 ms. */
	{ "late", 1, { 100000 }, pen_sim_inject_needle, PEN_SIM_INJ_LATE },
	{ "reset", 0, { }, pen_sim_inject_needle, PEN_SIM_INJ_RESET },
	{ "overcurrent", 1, { U32_MAX }, pen_sim_inject_fault,
	  PEN_FAULT_OVERCURRENT },
	{ "overtemp", 1, { U32_MAX }, pen_sim_inject_fault,
	  PEN_FAULT_OVERTEMP },
	{ "supply_low", 1, { U32_MAX }, pen_sim_inject_fault,
	  PEN_FAULT_SUPPLY_LOW },
	{ "cartridge_insert", 2, { U64_MAX, U32_MAX },
	  pen_sim_inject_cartridge, true },
	{ "cartridge_remove", 0, { }, pen_sim_inject_cartridge, false },
};

static const struct pen_simbus_injector pen_sim_injector = {
	.cmds = pen_sim_inject_cmds,
	.ncmds = ARRAY_SIZE(pen_sim_inject_cmds),
	.mark = pen_sim_mark_inject,
	.has_button = pen_sim_has_button,
	.button = pen_sim_inject_button,
};

/* The "inject" file in the pen's debugfs directory. */
void pen_sim_inject_add(struct pen_sim *sim)
{
	sim->inject.ops = &pen_sim_injector;
	sim->inject.data = sim;
	pen_simbus_inject_create(sim->debugfs, &sim->inject);
}
