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
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/limits.h>

#include "pen-sim.h"

/* The fields PEN_SIMBUS_INJECT_SET() sets are 32-bit, inject_ns 64. */
static_assert(sizeof_field(struct pen_sim, inject_ns) == sizeof(u64));
static_assert(sizeof_field(struct pen_sim, inj_depth_um) == sizeof(u32));
static_assert(sizeof_field(struct pen_sim, inj_stall_in) == sizeof(u32));
static_assert(sizeof_field(struct pen_sim, inj_late_us) == sizeof(u32));

static int pen_sim_inject_reset(void *data, unsigned int what, const u64 *arg)
{
	struct pen_sim *sim = data;

	raw_spin_lock_irq(&sim->lock);
	sim->inj_depth_um = 0;
	sim->inj_stall_in = -1;
	sim->inj_late_us = 0;
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

#define PEN_SIM_SET(_name, _max, _field, _negate) \
	PEN_SIMBUS_INJECT_SET(_name, _max, struct pen_sim, _field, _negate)

static const struct pen_simbus_inject pen_sim_inject_cmds[] = {
	PEN_SIM_SET("over_depth", S32_MAX, inj_depth_um, false),
	PEN_SIM_SET("short", S32_MAX, inj_depth_um, true),
	PEN_SIM_SET("stall", S32_MAX, inj_stall_in, false),
	/* Spun in the stroke's timer: at most 100 ms. */
	PEN_SIM_SET("late", 100000, inj_late_us, false),
	{ "reset", 0, { }, pen_sim_inject_reset },
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
	.lock = offsetof(struct pen_sim, lock),
	.inject_ns = offsetof(struct pen_sim, inject_ns),
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
