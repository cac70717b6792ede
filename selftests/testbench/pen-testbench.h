/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pen_testbench: the hardware of a pen-vcm needle drive, simulated, for
 * testing the platform backend (pen_vcm.ko) without the hardware. Shared
 * by the files of the module.
 *
 * Each instance provides the devices pen-vcm consumes (a PWM, a GPIO
 * controller with interrupts, an IIO ADC, an EEPROM and a regulator),
 * ties them together in one physical model of the needle, and registers
 * a "pen-vcm" platform device whose software node and lookup tables point
 * at them, as a board file would. Or, where the device tree has benches
 * (pen-testbench-of.c), the instance is one of them: the providers bind
 * from its node, and the "pen-vcm" device is its needle-drive child node.
 *
 * The providers name no owner module, so their consumer does not pin
 * the bench: like pen_sim's, unloading it unplugs its pens. That is safe
 * because every instance unbinds pen-vcm.ID, releasing all it got from
 * the bench, before its hardware goes.
 */
#ifndef _PEN_TESTBENCH_H
#define _PEN_TESTBENCH_H

#include <linux/device.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/iio/machine.h>
#include <linux/nvmem-consumer.h>
#include <linux/nvmem-provider.h>
#include <linux/of.h>
#include <linux/pwm.h>
#include <linux/regulator/driver.h>
#include <linux/regulator/machine.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "pen-simbus.h"

/* The bench's GPIO lines, in the order of the controller's offsets. */
enum pen_tb_line {
	PEN_TB_LINE_ENABLE,		/* out: the H-bridge enable */
	PEN_TB_LINE_DETECT,		/* in: cartridge present */
	PEN_TB_LINE_MAIN,		/* in: the buttons, pressed = high */
	PEN_TB_LINE_SPEED_UP,
	PEN_TB_LINE_SPEED_DOWN,
	PEN_TB_LINE_FOOTSWITCH,
	PEN_TB_LINES
};

/* Calibration the bench writes into the software node. */
#define PEN_TB_POS_ZERO		512	/* counts at 0 um */
#define PEN_TB_POS_PER_MM	1000	/* counts per mm */
#define PEN_TB_CUR_ZERO		0	/* counts at 0 mA */
#define PEN_TB_CUR_PER_AMP	1000	/* counts per A */
#define PEN_TB_CUR_LIMIT_UA	1500000
#define PEN_TB_TEMP_LIMIT	60000	/* milli-degC */
#define PEN_TB_TEMP_AMBIENT	25000	/* what the sensor reads unless told */
#define PEN_TB_PWM_PERIOD_NS	50000
/* The longest debounce-interval: the bench waits this long after an edge. */
#define PEN_TB_DEBOUNCE_MAX_MS	20
/* The backend samples this long after the needle should have arrived. */
#define PEN_TB_REACH_MARGIN_US	100

/* The cartridge EEPROM: "PENC", __le32 budget, __le64 id. */
#define PEN_TB_EEPROM_SIZE	16
#define PEN_TB_EEPROM_MAGIC	0x434e4550	/* "PENC", little-endian */
#define PEN_TB_EEPROM_BAD	0x584e4550	/* "PENX" */

/**
 * struct pen_tb_config - an instance's settings, fixed at creation
 * @depth_min_um: pen,depth-min-um
 * @depth_max_um: pen,travel-um: the depth at 100 % duty
 * @depth_step_um: pen,depth-step-um
 * @rate_min_mhz: pen,stroke-rate-min-hz, in mHz (a multiple of 1000)
 * @rate_max_mhz: pen,stroke-rate-max-hz, in mHz (a multiple of 1000)
 * @needles: pen,needle-count
 * @lag_us: time the needle takes to reach a new target
 * @record_size: strokes the record keeps
 * @cartridge_budget: budget of the cartridge in at creation; 0 for none
 * @buttons: 1: the main and speed buttons are wired
 * @footswitch: 1: the footswitch is wired
 * @temperature: 1: the temperature channel is wired (it is optional)
 * @eeprom: 1: the cartridge EEPROM's cell is wired
 * @identity: 1: the board names the pen (pen,model and serial-number)
 * @current_limit: 1: pen,current-limit-microamp is given (it is required)
 * @enable_line: 1: the H-bridge enable line is wired (it is required)
 * @pwm: 1: the drive PWM is wired (it is required)
 * @pwm_period_ns: the drive PWM's period in its lookup (0: none given)
 * @position_channel: 1: the position ADC channel is wired (required)
 * @current_channel: 1: the coil current ADC channel is wired (required)
 * @cartridge_detect: 1: the cartridge-detect line is wired (required)
 * @temperature_miswired: 1: pen-vcm's temperature channel is mapped to
 *	one the ADC does not have
 * @footswitch_miswired: 1: the footswitch is wired to the cartridge-detect
 *	line (with @footswitch), which pen-vcm holds already
 * @detect_irq: 1: the cartridge-detect line has an interrupt; 0: none;
 *	2: one that triggers on one edge only, not both
 * @button_irqs: the same for the button lines
 * @speed_buttons: 1: with @buttons, the speed buttons are wired too;
 *	0: the main button alone, a handpiece wired in part
 * @eeprom_bytes: the size of the cartridge EEPROM's cell (16: its record)
 * @eeprom_provider: 1: the cartridge EEPROM registers; 0: its cell is
 *	wired (with @eeprom) but it never comes: pen-vcm waits for it
 * @debounce_ms: debounce-interval, pen-vcm's wait for its inputs to settle
 * @pwm_fail: the first this many PWM applies fail (-EIO), the probe's too
 * @motor_supply: 1: the motor supply is wired (it is required)
 * @optional_props: 1: the board gives every optional property; 0: only
 *	those pen-vcm requires, and the bench's calibration, so that
 *	pen-vcm takes its defaults (the keys must then be those defaults)
 * @zero_reach_time: 1: pen,reach-time-us is 0
 * @pwm_atomic: 1: the PWM controller never sleeps (pwm_chip.atomic, 6.8
 *	and later), as a SoC's does: pen-vcm may drive it in atomic context
 * @gpio_can_sleep: 1: the GPIO controller may sleep, as one behind I2C
 *	does (gpio_chip.can_sleep)
 *
 * @temperature to @debounce_ms, @motor_supply, @optional_props and
 * @zero_reach_time describe boards without something, or with something
 * wrong, for pen_vcm's probe: of a bench with a software node; a device
 * tree bench's are its tree's, whole boards. @pwm_fail is the model's, as
 * @cartridge_budget is.
 */
struct pen_tb_config {
	u32 depth_min_um;
	u32 depth_max_um;
	u32 depth_step_um;
	u32 rate_min_mhz;
	u32 rate_max_mhz;
	u32 needles;
	u32 lag_us;
	u32 record_size;
	u32 cartridge_budget;
	u32 buttons;
	u32 footswitch;
	u32 temperature;
	u32 eeprom;
	u32 identity;
	u32 current_limit;
	u32 enable_line;
	u32 pwm;
	u32 pwm_period_ns;
	u32 position_channel;
	u32 current_channel;
	u32 temperature_miswired;
	u32 footswitch_miswired;
	u32 cartridge_detect;
	u32 detect_irq;
	u32 button_irqs;
	u32 speed_buttons;
	u32 eeprom_bytes;
	u32 eeprom_provider;
	u32 debounce_ms;
	u32 pwm_fail;
	u32 motor_supply;
	u32 optional_props;
	u32 zero_reach_time;
	u32 pwm_atomic;
	u32 gpio_can_sleep;
};

/**
 * struct pen_tb_stroke - one stroke the drive made, as the model saw it
 * @seq: strokes of this instance before it, from 0
 * @cmd_ns: when the PWM was set to drive it (CLOCK_MONOTONIC)
 * @reach_ns: when the needle arrived; 0 if it never did
 * @cmd_um: the depth the duty cycle commands
 * @reached_um: where the needle arrived
 * @target_um: where the needle is heading (injections applied)
 * @done: the stroke is over: @reach_ns and @reached_um are final
 */
struct pen_tb_stroke {
	u64 seq;
	u64 cmd_ns;
	u64 reach_ns;
	u32 cmd_um;
	u32 reached_um;
	u32 target_um;
	bool done;
};

/**
 * struct pen_tb_hw - a bench's hardware state, under struct pen_tb's lock
 * @line: each line's level
 * @irq_type: each line's IRQ_TYPE_EDGE_* trigger (0: none)
 * @regulator_on: the motor supply is on
 * @pwm_enabled: the PWM output is enabled
 * @pwm_period_ns: the PWM period
 * @pwm_duty_ns: the PWM duty cycle (while enabled)
 * @drive_enables: times the enable line went high
 * @drive_disables: times it went low from high: the drive was cut
 * @enable_low_sets: every setting of the enable line low, redundant too
 * @drive_on_ns: when the enable line last went high
 * @drive_off_ns: when the enable line last went low from high
 * @regulator_on_ns: when the supply was last switched on
 * @regulator_off_ns: when the supply was last switched off
 * @pwm_on_ns: when the PWM was last enabled
 * @pwm_off_ns: when the PWM was last disabled
 * @sequence_errors: power sequencing the hardware would not like: the
 *	enable raised without supply, the PWM enabled without supply and
 *	enable, the supply cut with the enable high or the PWM on
 * @pwm_applies: PWM states applied
 * @pwm_apply_failures: PWM applies refused by an injected failure
 * @driving: the model's last update found the needle driven (energised,
 *	non-zero duty)
 * @from_um: where the needle was when it last got a new target
 * @target_um: where the needle is heading
 * @move_ns: when it got that target
 * @inj_depth_um: injected: strokes reach this much deeper (negative:
 *	shallower) than commanded
 * @inj_stall_in: injected: strokes until the needle jams at 0; -1 never
 * @inj_stuck_um: injected: the position sensor reads this; -1 it works
 * @inj_current_ma: injected: the coil draws this much more while energised
 * @inj_temp_mdegc: injected: the temperature sensor reads this; 0 ambient
 * @inj_late_us: injected: the next PWM apply sleeps this long first
 * @inj_pwm_fail: injected: this many more PWM applies fail (-EIO) and
 *	change nothing
 * @inj_adc_fail: injected: this many more ADC reads fail (-EIO)
 * @inj_position_fail: injected: this many more reads of the position
 *	channel fail (-EIO)
 * @inj_supply_fail: injected: this many more motor supply enables fail
 *	(-EIO) and leave it off
 * @inj_supply_stuck: injected: this many more motor supply disables fail
 *	(-EIO) and leave it on
 * @inj_eeprom_fail: injected: this many more EEPROM reads fail (-EIO)
 * @inj_gpio_fail: injected: this many more reads of an input line fail
 *	(-EIO)
 * @inj_retract_fail: injected: this many more PWM applies that retract
 *	a driven needle (duty to 0, enabled) fail (-EIO) and change nothing
 * @inj_task_stroke_fail: injected: this many more PWM applies that start
 *	a stroke from a task, not from a hard interrupt, fail (-EIO) and
 *	change nothing
 * @inject_ns: when the last injection was written
 * @eeprom: the cartridge EEPROM's contents; blank while no cartridge is in
 * @rec_count: strokes ever recorded; rec[rec_count % size] is next
 */
struct pen_tb_hw {
	bool line[PEN_TB_LINES];
	unsigned int irq_type[PEN_TB_LINES];
	bool regulator_on;
	bool pwm_enabled;
	u64 pwm_period_ns;
	u64 pwm_duty_ns;
	u64 drive_enables;
	u64 drive_disables;
	u64 enable_low_sets;
	u64 drive_on_ns;
	u64 drive_off_ns;
	u64 regulator_on_ns;
	u64 regulator_off_ns;
	u64 pwm_on_ns;
	u64 pwm_off_ns;
	u64 sequence_errors;
	u64 pwm_applies;
	u64 pwm_apply_failures;
	bool driving;
	u32 from_um;
	u32 target_um;
	u64 move_ns;
	s32 inj_depth_um;
	s32 inj_stall_in;
	s32 inj_stuck_um;
	u32 inj_current_ma;
	u32 inj_temp_mdegc;
	u32 inj_late_us;
	u32 inj_pwm_fail;
	u32 inj_adc_fail;
	u32 inj_position_fail;
	u32 inj_supply_fail;
	u32 inj_supply_stuck;
	u32 inj_eeprom_fail;
	u32 inj_gpio_fail;
	u32 inj_retract_fail;
	u32 inj_task_stroke_fail;
	u64 inject_ns;
	u8 eeprom[PEN_TB_EEPROM_SIZE];
	u64 rec_count;
};

/**
 * struct pen_tb - one bench: a pen-vcm's hardware
 * @dev: the instance's device on the pen_testbench bus; parent of the
 *	providers and of the pen-vcm platform device
 * @node: its place on the bus: the instance list and its number (id,
 *	from new_device; also the platform device's id)
 * @cfg: settings
 * @name: "pen_tbID": the GPIO chip's label, the PWM provider's name
 * @consumer: "pen-vcm.ID": the consumer's device name in the lookups
 * @eeprom_name: the nvmem device's name
 * @regulator_name: the regulator's name
 * @serial: the serial-number property
 * @probe_err: what the bench driver's probe of @dev returned
 * @debugfs: this instance's debugfs directory
 * @inject: its "inject" file
 * @pdev: the pen-vcm platform device
 * @bench_np: device tree mode: the bench node this instance is (also
 *	@dev's node); NULL in software node mode
 * @drive_np: device tree mode: its needle-drive child, @pdev's node
 * @motor_np: device tree mode: its regulator child, @rdev's node
 * @taken: device tree mode: entry in the list of benches in use
 * @gc: the GPIO controller
 * @irq_fwnode: names @domain
 * @domain: the GPIO controller's interrupts, one per line
 * @pwm: the PWM controller (1 channel)
 * @nvmem: the cartridge EEPROM
 * @rdev: the motor supply
 * @pwm_lookup: the "drive" PWM for pen-vcm.ID
 * @gpio_lookup: the GPIO lines for pen-vcm.ID
 * @iio_maps: the ADC channels for pen-vcm.ID
 * @cell_info: the EEPROM's one cell
 * @cell_table: @cell_info, for the EEPROM
 * @cell_lookup: the cell, for pen-vcm.ID as "cartridge"
 * @supply: the regulator, for pen-vcm.ID as "motor"
 * @init_data: the regulator's constraints and consumers
 * @rdesc: the regulator's description
 * @lock: @hw; raw, as GPIO callbacks may come from any context
 * @hw: the hardware's state
 * @rec: the stroke record, a ring of cfg.record_size entries
 */
struct pen_tb {
	struct device dev;
	struct pen_simbus_node node;
	struct pen_tb_config cfg;
	char name[24];
	char consumer[24];
	char eeprom_name[32];
	char regulator_name[32];
	char serial[32];
	int probe_err;
	struct dentry *debugfs;
	struct pen_simbus_inject_file inject;
	struct platform_device *pdev;
	struct device_node *bench_np;
	struct device_node *drive_np;
	struct device_node *motor_np;
	struct list_head taken;

	struct gpio_chip gc;
	struct fwnode_handle *irq_fwnode;
	struct irq_domain *domain;
	struct pwm_chip *pwm;
	struct nvmem_device *nvmem;
	struct regulator_dev *rdev;

	struct pwm_lookup pwm_lookup;
	struct gpiod_lookup_table *gpio_lookup;
	struct iio_map iio_maps[4];
	struct nvmem_cell_info cell_info;
	struct nvmem_cell_table cell_table;
	struct nvmem_cell_lookup cell_lookup;
	struct regulator_consumer_supply supply;
	struct regulator_init_data init_data;
	struct regulator_desc rdesc;

	raw_spinlock_t lock;
	struct pen_tb_hw hw;
	struct pen_tb_stroke *rec;
};

/* pen-testbench-model.c: the needle, the PWM, the ADC, debugfs */
void pen_tb_model_init(struct pen_tb *tb);
void pen_tb_injections_reset(struct pen_tb *tb);
int pen_tb_injected_failure(struct pen_tb *tb, u32 *left);
void pen_tb_model_update(struct pen_tb *tb, u64 now);
bool pen_tb_energised(struct pen_tb *tb);
int pen_tb_pwm_table_init(void);
int pen_tb_pwm_add(struct pen_tb *tb);
int pen_tb_iio_add(struct pen_tb *tb);
int pen_tb_debugfs_add(struct pen_tb *tb, struct dentry *root);

/* pen-testbench-inject.c: the faults, cartridges and buttons tests inject */
void pen_tb_inject_add(struct pen_tb *tb);

/* pen-testbench-of.c: benches from the device tree (docs/testbench.md) */
bool pen_tb_of_mode(void);
int pen_tb_of_take(struct pen_tb *tb);
void pen_tb_of_release(struct pen_tb *tb);
int pen_tb_of_pdev_add(struct pen_tb *tb);

/* pen-testbench-gpio.c: the GPIO controller and its interrupts */
int pen_tb_gpio_add(struct pen_tb *tb);
int pen_tb_gpio_lookup_add(struct pen_tb *tb);
int pen_tb_line_set(struct pen_tb *tb, enum pen_tb_line line, bool value);
int pen_tb_line_bounce(struct pen_tb *tb, enum pen_tb_line line);

/* pen-testbench-supply.c: the cartridge EEPROM and the motor supply */
int pen_tb_nvmem_add(struct pen_tb *tb);
int pen_tb_regulator_add(struct pen_tb *tb);
void pen_tb_eeprom_write(struct pen_tb *tb, u32 magic, u64 id, u32 budget);
void pen_tb_eeprom_blank(struct pen_tb *tb);

#endif /* _PEN_TESTBENCH_H */
