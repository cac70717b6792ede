// SPDX-License-Identifier: GPL-2.0
/*
 * pen_testbench: the cartridge EEPROM (an nvmem provider with one cell,
 * "cartridge") and the motor supply (a regulator with one consumer,
 * pen-vcm.ID's "motor"); from a device tree, the bench node's cell and
 * regulator children.
 */
#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/nvmem-consumer.h>
#include <linux/nvmem-provider.h>
#include <linux/regulator/driver.h>
#include <linux/regulator/machine.h>
#include <linux/regulator/of_regulator.h>
#include <linux/string.h>

#include "pen-testbench-compat.h"
#include "pen-testbench.h"

/* The cartridge's EEPROM: what the cartridge carries, blank without one. */

void pen_tb_eeprom_write(struct pen_tb *tb, u32 magic, u64 id, u32 budget)
{
	__le32 m = cpu_to_le32(magic), b = cpu_to_le32(budget);
	__le64 i = cpu_to_le64(id);

	raw_spin_lock_irq(&tb->lock);
	memcpy(&tb->hw.eeprom[0], &m, sizeof(m));
	memcpy(&tb->hw.eeprom[4], &b, sizeof(b));
	memcpy(&tb->hw.eeprom[8], &i, sizeof(i));
	raw_spin_unlock_irq(&tb->lock);
}

void pen_tb_eeprom_blank(struct pen_tb *tb)
{
	raw_spin_lock_irq(&tb->lock);
	memset(tb->hw.eeprom, 0xff, sizeof(tb->hw.eeprom));
	raw_spin_unlock_irq(&tb->lock);
}

static int pen_tb_eeprom_read(void *priv, unsigned int offset, void *val,
			      size_t bytes)
{
	struct pen_tb *tb = priv;
	int ret;

	if (offset > PEN_TB_EEPROM_SIZE || bytes > PEN_TB_EEPROM_SIZE - offset)
		return -EINVAL;
	ret = pen_tb_injected_failure(tb, &tb->hw.inj_eeprom_fail);
	if (ret)
		return ret;
	raw_spin_lock_irq(&tb->lock);
	memcpy(val, tb->hw.eeprom + offset, bytes);
	raw_spin_unlock_irq(&tb->lock);
	return 0;
}

static void pen_tb_cell_table_remove(void *data)
{
	nvmem_del_cell_table(data);
}

static void pen_tb_cell_lookup_remove(void *data)
{
	nvmem_del_cell_lookups(data, 1);
}

int pen_tb_nvmem_add(struct pen_tb *tb)
{
	struct nvmem_config config = {
		.dev = &tb->dev,
		.name = tb->eeprom_name,
		.id = NVMEM_DEVID_NONE,
		.type = NVMEM_TYPE_EEPROM,
		.read_only = true,
		.word_size = 1,
		.stride = 1,
		.size = PEN_TB_EEPROM_SIZE,
		.reg_read = pen_tb_eeprom_read,
		.priv = tb,
	};
	int ret;

	/* From a device tree: the cell is the bench's cartridge@0 child. */
	if (tb->bench_np) {
		pen_tb_nvmem_legacy_cells(&config);
		tb->nvmem = devm_nvmem_register(&tb->dev, &config);
		return PTR_ERR_OR_ZERO(tb->nvmem);
	}

	/* The cell table is read when the nvmem device registers. */
	tb->cell_info.name = "cartridge";
	tb->cell_info.offset = 0;
	tb->cell_info.bytes = tb->cfg.eeprom_bytes;
	tb->cell_table.nvmem_name = tb->eeprom_name;
	tb->cell_table.cells = &tb->cell_info;
	tb->cell_table.ncells = 1;
	nvmem_add_cell_table(&tb->cell_table);
	ret = devm_add_action_or_reset(&tb->dev, pen_tb_cell_table_remove,
				       &tb->cell_table);
	if (ret)
		return ret;

	/* Wired, but never there: pen-vcm's lookup finds no provider. */
	if (tb->cfg.eeprom_provider) {
		tb->nvmem = devm_nvmem_register(&tb->dev, &config);
		if (IS_ERR(tb->nvmem))
			return PTR_ERR(tb->nvmem);
	}

	/* The EEPROM is there, but unwired: pen-vcm finds no cell. */
	if (!tb->cfg.eeprom)
		return 0;
	tb->cell_lookup.nvmem_name = tb->eeprom_name;
	tb->cell_lookup.cell_name = "cartridge";
	tb->cell_lookup.dev_id = tb->consumer;
	tb->cell_lookup.con_id = "cartridge";
	nvmem_add_cell_lookups(&tb->cell_lookup, 1);
	return devm_add_action_or_reset(&tb->dev, pen_tb_cell_lookup_remove,
					&tb->cell_lookup);
}

/* The motor supply: on and off, each time recorded for the sequencing. */

static int pen_tb_regulator_enable(struct regulator_dev *rdev)
{
	struct pen_tb *tb = rdev_get_drvdata(rdev);
	u64 now;
	int ret;

	ret = pen_tb_injected_failure(tb, &tb->hw.inj_supply_fail);
	if (ret)
		return ret;
	raw_spin_lock_irq(&tb->lock);
	now = ktime_get_ns();
	tb->hw.regulator_on = true;
	tb->hw.regulator_on_ns = now;
	pen_tb_model_update(tb, now);
	raw_spin_unlock_irq(&tb->lock);
	return 0;
}

static int pen_tb_regulator_disable(struct regulator_dev *rdev)
{
	struct pen_tb *tb = rdev_get_drvdata(rdev);
	u64 now;
	int ret;

	ret = pen_tb_injected_failure(tb, &tb->hw.inj_supply_stuck);
	if (ret)
		return ret;
	raw_spin_lock_irq(&tb->lock);
	now = ktime_get_ns();
	/* A bridge left enabled or driven loses its supply under load. */
	if (tb->hw.line[PEN_TB_LINE_ENABLE] || tb->hw.pwm_enabled)
		tb->hw.sequence_errors++;
	tb->hw.regulator_on = false;
	tb->hw.regulator_off_ns = now;
	pen_tb_model_update(tb, now);
	raw_spin_unlock_irq(&tb->lock);
	return 0;
}

static int pen_tb_regulator_is_enabled(struct regulator_dev *rdev)
{
	struct pen_tb *tb = rdev_get_drvdata(rdev);
	bool on;

	raw_spin_lock_irq(&tb->lock);
	on = tb->hw.regulator_on;
	raw_spin_unlock_irq(&tb->lock);
	return on;
}

static const struct regulator_ops pen_tb_regulator_ops = {
	.enable = pen_tb_regulator_enable,
	.disable = pen_tb_regulator_disable,
	.is_enabled = pen_tb_regulator_is_enabled,
};

int pen_tb_regulator_add(struct pen_tb *tb)
{
	struct regulator_config config = {
		.dev = &tb->dev,
		.init_data = &tb->init_data,
		.driver_data = tb,
	};

	tb->rdesc.name = tb->regulator_name;
	tb->rdesc.ops = &pen_tb_regulator_ops;
	tb->rdesc.type = REGULATOR_VOLTAGE;
	/* From a device tree: its node and constraints are the bench's child's. */
	if (tb->bench_np) {
		config.of_node = tb->motor_np;
		config.init_data = of_get_regulator_init_data(&tb->dev,
							      tb->motor_np,
							      &tb->rdesc);
		if (!config.init_data)
			return -ENOMEM;
		tb->rdev = devm_regulator_register(&tb->dev, &tb->rdesc,
						   &config);
		return PTR_ERR_OR_ZERO(tb->rdev);
	}

	tb->supply.supply = "motor";
	tb->supply.dev_name = tb->consumer;
	tb->init_data.constraints.name = tb->regulator_name;
	tb->init_data.constraints.valid_ops_mask = REGULATOR_CHANGE_STATUS;
	tb->init_data.num_consumer_supplies = 1;
	tb->init_data.consumer_supplies = &tb->supply;

	tb->rdev = devm_regulator_register(&tb->dev, &tb->rdesc, &config);
	return PTR_ERR_OR_ZERO(tb->rdev);
}
