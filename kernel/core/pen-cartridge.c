// SPDX-License-Identifier: GPL-2.0
/*
 * Needle cartridges are sterile and single use. The backend reports
 * insertion, with the cartridge's id and stroke budget, and removal; the
 * core refuses any id it has seen since the pen was registered, counts
 * strokes against the budget (the stroke timer stops the needle between
 * strokes when it runs out) and stops the needle at once when the
 * cartridge comes out.
 */
#include <linux/device.h>
#include <linux/xarray.h>

#include "pen-internal.h"

/**
 * pen_report_cartridge_inserted() - a cartridge went in
 * @pen: the pen
 * @id: its id, unique to the cartridge; non-zero
 * @budget: strokes it is good for
 *
 * A cartridge whose id was inserted before is refused (START fails with
 * -ESTALE). Context: process, may sleep (cartridge ids are read from
 * the cartridge's memory, which sleeps anyway).
 */
void pen_report_cartridge_inserted(struct pen_device *pen, u64 id,
				   u32 budget)
{
	bool stopped;
	int used;

	mutex_lock(&pen->lock);
	/* Remember every id; one we cannot remember is refused too. */
	used = !id || id > ULONG_MAX ||
	       xa_insert(&pen->ctl.used_cartridges, id, xa_mk_value(0),
			 GFP_KERNEL);

	raw_spin_lock_irq(&pen->slock);
	/* A new cartridge while running means the old one came out. */
	stopped = pen_running(pen);
	if (stopped)
		pen_halt_locked(pen, PEN_STOP_CARTRIDGE_REMOVED, ktime_get_ns());
	pen->st.cart_id = id;
	pen->st.cart_budget = budget;
	pen->st.cart_strokes = 0;
	if (used)
		pen->st.cart_state = PEN_CARTRIDGE_REUSED;
	else if (!budget)
		pen->st.cart_state = PEN_CARTRIDGE_SPENT;
	else
		pen->st.cart_state = PEN_CARTRIDGE_READY;
	pen_ev_cartridge_locked(pen, ktime_get_ns());
	raw_spin_unlock_irq(&pen->slock);
	mutex_unlock(&pen->lock);
	/* Process context: a sleeping backend is cut here, not later. */
	if (stopped)
		pen_cut_now(pen);

	if (used)
		dev_warn(&pen->dev, "cartridge %llu refused: used before\n", id);
}
EXPORT_SYMBOL_GPL(pen_report_cartridge_inserted);

/**
 * pen_report_cartridge_removed() - the cartridge came out
 * @pen: the pen
 *
 * A running needle stops at once. Context: any.
 */
void pen_report_cartridge_removed(struct pen_device *pen)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pen->slock, flags);
	if (pen_running(pen))
		pen_halt_locked(pen, PEN_STOP_CARTRIDGE_REMOVED, ktime_get_ns());
	pen->st.cart_state = PEN_CARTRIDGE_NONE;
	pen->st.cart_id = 0;
	pen->st.cart_budget = 0;
	pen->st.cart_strokes = 0;
	pen_ev_cartridge_locked(pen, ktime_get_ns());
	raw_spin_unlock_irqrestore(&pen->slock, flags);
}
EXPORT_SYMBOL_GPL(pen_report_cartridge_removed);
