// SPDX-License-Identifier: GPL-2.0
/*
 * pen_testbench: the physical model of the needle, the PWM controller
 * that drives it, the ADC that measures it, and the bench's debugfs.
 *
 * The needle's target is travel * duty / period while the supply is on,
 * the bridge enabled and the PWM enabled, else 0 (retracted). On a new
 * target the needle moves linearly from where it is to the target over
 * lag_us and is exactly there afterwards. The coil draws 1000 mA * duty /
 * period while energised. The ADC reads the position, the current and a
 * temperature through the calibration the bench writes into pen-vcm's
 * software node. Each PWM apply that drives a non-zero duty while
 * energised is a stroke of the record tests read.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/iio/driver.h>
#include <linux/iio/iio.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pwm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pen-testbench-compat.h"
#include "pen-testbench.h"

static struct pen_tb_stroke *pen_tb_slot(struct pen_tb *tb, u64 n)
{
	return &tb->rec[do_div(n, tb->cfg.record_size)];
}

static u64 pen_tb_lag_ns(struct pen_tb *tb)
{
	return (u64)tb->cfg.lag_us * NSEC_PER_USEC;
}

bool pen_tb_energised(struct pen_tb *tb)
{
	return tb->hw.regulator_on && tb->hw.line[PEN_TB_LINE_ENABLE] &&
	       tb->hw.pwm_enabled;
}

/* Where the needle is at @now; tb->lock held. */
static u32 pen_tb_position(struct pen_tb *tb, u64 now)
{
	u64 lag = pen_tb_lag_ns(tb), dt = now - tb->hw.move_ns;
	s64 diff = (s64)tb->hw.target_um - tb->hw.from_um;

	if (now < tb->hw.move_ns)
		dt = 0;
	if (!lag || dt >= lag)
		return tb->hw.target_um;
	return tb->hw.from_um + div64_s64(diff * (s64)dt, lag);
}

/* The depth the PWM's duty commands; tb->lock held. */
static u32 pen_tb_cmd_um(struct pen_tb *tb)
{
	if (!tb->hw.pwm_period_ns)
		return 0;
	return DIV_ROUND_CLOSEST_ULL(tb->hw.pwm_duty_ns * tb->cfg.depth_max_um,
				     tb->hw.pwm_period_ns);
}

/* What the coil draws, in mA; tb->lock held. */
static u32 pen_tb_current_ma(struct pen_tb *tb)
{
	if (!pen_tb_energised(tb) || !tb->hw.pwm_period_ns)
		return 0;
	return DIV_ROUND_CLOSEST_ULL(1000 * tb->hw.pwm_duty_ns,
				     tb->hw.pwm_period_ns) + tb->hw.inj_current_ma;
}

static void pen_tb_set_target(struct pen_tb *tb, u64 now, u32 target)
{
	if (target == tb->hw.target_um)
		return;
	tb->hw.from_um = pen_tb_position(tb, now);
	tb->hw.move_ns = now;
	tb->hw.target_um = target;
}

/* The stroke in flight is over: it arrived, or it was cut short. */
static void pen_tb_stroke_finish(struct pen_tb *tb, u64 now)
{
	struct pen_tb_stroke *s;

	if (!tb->hw.rec_count)
		return;
	s = pen_tb_slot(tb, tb->hw.rec_count - 1);
	if (s->done)
		return;
	if (now - s->cmd_ns >= pen_tb_lag_ns(tb)) {
		s->reach_ns = s->cmd_ns + pen_tb_lag_ns(tb);
		s->reached_um = s->target_um;
	}
	s->done = true;
}

static void pen_tb_stroke_start(struct pen_tb *tb, u64 now, u32 cmd_um)
{
	struct pen_tb_stroke *s;
	s64 target = (s64)cmd_um + tb->hw.inj_depth_um;

	pen_tb_stroke_finish(tb, now);
	target = clamp_t(s64, target, 0, U32_MAX);
	if (tb->hw.inj_stall_in == 0)
		target = 0;
	else if (tb->hw.inj_stall_in > 0)
		tb->hw.inj_stall_in--;

	s = pen_tb_slot(tb, tb->hw.rec_count);
	s->seq = tb->hw.rec_count++;
	s->cmd_ns = now;
	s->reach_ns = 0;
	s->cmd_um = cmd_um;
	s->reached_um = 0;
	s->target_um = target;
	s->done = false;
	pen_tb_set_target(tb, now, target);
}

/*
 * The supply, the enable line or the PWM changed (@applied: a PWM state
 * was applied): where is the needle heading now? tb->lock held.
 */
static void __pen_tb_model_update(struct pen_tb *tb, u64 now, bool applied)
{
	u32 cmd_um = pen_tb_energised(tb) ? pen_tb_cmd_um(tb) : 0;
	bool driving = cmd_um > 0;

	if (driving && (applied || !tb->hw.driving)) {
		pen_tb_stroke_start(tb, now, cmd_um);
	} else if (!driving) {
		pen_tb_stroke_finish(tb, now);
		pen_tb_set_target(tb, now, 0);
	}
	tb->hw.driving = driving;
}

void pen_tb_model_update(struct pen_tb *tb, u64 now)
{
	__pen_tb_model_update(tb, now, false);
}

void pen_tb_injections_reset(struct pen_tb *tb)
{
	tb->hw.inj_depth_um = 0;
	tb->hw.inj_stall_in = -1;
	tb->hw.inj_stuck_um = -1;
	tb->hw.inj_current_ma = 0;
	tb->hw.inj_temp_mdegc = 0;
	tb->hw.inj_late_us = 0;
	tb->hw.inj_pwm_fail = 0;
	tb->hw.inj_adc_fail = 0;
	tb->hw.inj_position_fail = 0;
	tb->hw.inj_supply_fail = 0;
	tb->hw.inj_supply_stuck = 0;
	tb->hw.inj_eeprom_fail = 0;
	tb->hw.inj_gpio_fail = 0;
	tb->hw.inj_retract_fail = 0;
	tb->hw.inj_task_stroke_fail = 0;
}

/*
 * -EIO if an injected failure (@left more of them, a field of @tb's
 * hardware) takes this call, which then changes nothing; else 0.
 */
int pen_tb_injected_failure(struct pen_tb *tb, u32 *left)
{
	unsigned long flags;
	int ret = 0;

	raw_spin_lock_irqsave(&tb->lock, flags);
	if (*left) {
		(*left)--;
		ret = -EIO;
	}
	raw_spin_unlock_irqrestore(&tb->lock, flags);
	return ret;
}

void pen_tb_model_init(struct pen_tb *tb)
{
	raw_spin_lock_init(&tb->lock);
	pen_tb_injections_reset(tb);
	tb->hw.pwm_period_ns = PEN_TB_PWM_PERIOD_NS;
}

/* The PWM controller: one channel, driving the model. */

/*
 * An injected late apply: a controller that may sleep sleeps; one that
 * never does (pwm_atomic) is called in atomic context and busy-waits, as
 * a slow register write would.
 */
static void pen_tb_pwm_wait(struct pen_tb *tb, u32 us)
{
	if (!tb->cfg.pwm_atomic) {
		fsleep(us);
		return;
	}
	mdelay(us / 1000);
	udelay(us % 1000);
}

static int pen_tb_pwm_apply(struct pwm_chip *chip, struct pwm_device *pwm,
			    const struct pwm_state *state)
{
	struct pen_tb *tb = pen_tb_pwmchip_drvdata(chip);
	unsigned long flags;
	u32 late = 0;
	u64 now;
	int ret = 0;

	if (state->polarity != PWM_POLARITY_NORMAL)
		return -EINVAL;
	/*
	 * A controller that does not answer: nothing changes; nor does one
	 * asked to retract a driven needle (injected). Counted.
	 */
	raw_spin_lock_irqsave(&tb->lock, flags);
	if (tb->hw.inj_pwm_fail) {
		tb->hw.inj_pwm_fail--;
		ret = -EIO;
	} else if (state->enabled && !state->duty_cycle &&
		   tb->hw.inj_retract_fail && tb->hw.pwm_enabled &&
		   tb->hw.pwm_duty_ns) {
		tb->hw.inj_retract_fail--;
		ret = -EIO;
	} else if (state->enabled && state->duty_cycle && !in_hardirq() &&
		   tb->hw.inj_task_stroke_fail) {
		/* Where pen_vcm's hard-irq path strokes from its thread. */
		tb->hw.inj_task_stroke_fail--;
		ret = -EIO;
	}
	if (ret)
		tb->hw.pwm_apply_failures++;
	raw_spin_unlock_irqrestore(&tb->lock, flags);
	if (ret)
		return ret;
	/* An injected late apply holds up the stroke it starts. */
	if (state->enabled && state->duty_cycle) {
		raw_spin_lock_irqsave(&tb->lock, flags);
		late = tb->hw.inj_late_us;
		tb->hw.inj_late_us = 0;
		raw_spin_unlock_irqrestore(&tb->lock, flags);
	}
	if (late)
		pen_tb_pwm_wait(tb, late);

	raw_spin_lock_irqsave(&tb->lock, flags);
	now = ktime_get_ns();
	tb->hw.pwm_applies++;
	if (state->enabled && !tb->hw.pwm_enabled) {
		tb->hw.pwm_on_ns = now;
		if (!tb->hw.regulator_on || !tb->hw.line[PEN_TB_LINE_ENABLE])
			tb->hw.sequence_errors++;
	} else if (!state->enabled && tb->hw.pwm_enabled) {
		tb->hw.pwm_off_ns = now;
	}
	tb->hw.pwm_enabled = state->enabled;
	tb->hw.pwm_period_ns = state->period;
	tb->hw.pwm_duty_ns = state->duty_cycle;
	__pen_tb_model_update(tb, now, true);
	raw_spin_unlock_irqrestore(&tb->lock, flags);
	return 0;
}

static int pen_tb_pwm_get_state(struct pwm_chip *chip, struct pwm_device *pwm,
				struct pwm_state *state)
{
	struct pen_tb *tb = pen_tb_pwmchip_drvdata(chip);
	unsigned long flags;

	/* Also after an atomic apply (PWM_DEBUG), interrupts off. */
	raw_spin_lock_irqsave(&tb->lock, flags);
	state->enabled = tb->hw.pwm_enabled;
	state->period = tb->hw.pwm_period_ns;
	state->duty_cycle = tb->hw.pwm_duty_ns;
	state->polarity = PWM_POLARITY_NORMAL;
	raw_spin_unlock_irqrestore(&tb->lock, flags);
	return 0;
}

static const struct pwm_ops pen_tb_pwm_ops = {
	.apply = pen_tb_pwm_apply,
	.get_state = pen_tb_pwm_get_state,
};

/*
 * The PWM core keeps board files' lookups in a list that only built-in
 * code reaches: pwm_add_table() is not exported. A test module still
 * needs one to stand in for the board, so the bench finds the list and
 * its lock through kallsyms (by a kprobe's symbol lookup, the exported
 * way to it) and does what pwm_add_table() and pwm_remove_table() do.
 * Only data is looked up, never a function to call.
 */
static struct list_head *pen_tb_pwm_lookup_list;
static struct mutex *pen_tb_pwm_lookup_lock;

static void *pen_tb_kernel_data(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	char found[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);

	/* Data is no place for a probe: it fails, with the address found. */
	if (!register_kprobe(&kp)) {
		unregister_kprobe(&kp);
		return NULL;
	}
	if (!kp.addr)
		return NULL;
	sprint_symbol(found, (unsigned long)kp.addr);
	if (strncmp(found, name, len) || strncmp(found + len, "+0x0/", 5))
		return NULL;
	return kp.addr;
}

int pen_tb_pwm_table_init(void)
{
	pen_tb_pwm_lookup_list = pen_tb_kernel_data("pwm_lookup_list");
	pen_tb_pwm_lookup_lock = pen_tb_kernel_data("pwm_lookup_lock");
	if (!pen_tb_pwm_lookup_list || !pen_tb_pwm_lookup_lock) {
		pr_err("pen_testbench: cannot find the PWM lookup table (kallsyms)\n");
		return -ENOENT;
	}
	return 0;
}

static void pen_tb_pwm_lookup_remove(void *data)
{
	struct pwm_lookup *lookup = data;

	mutex_lock(pen_tb_pwm_lookup_lock);
	list_del(&lookup->list);
	mutex_unlock(pen_tb_pwm_lookup_lock);
}

int pen_tb_pwm_add(struct pen_tb *tb)
{
	struct pwm_chip *chip;
	int ret;

	chip = pen_tb_pwmchip_alloc(&tb->dev, tb);
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	chip->ops = &pen_tb_pwm_ops;
	ret = pen_tb_pwmchip_set_atomic(chip, tb->cfg.pwm_atomic);
	if (ret)
		return ret;
	ret = pen_tb_pwmchip_add(&tb->dev, chip);
	if (ret)
		return ret;
	tb->pwm = chip;
	/* From a device tree, pen-vcm's pwms phandle finds the chip. */
	if (tb->bench_np || !tb->cfg.pwm)
		return 0;

	tb->pwm_lookup = (struct pwm_lookup)PWM_LOOKUP(tb->name, 0, tb->consumer,
						       "drive",
						       tb->cfg.pwm_period_ns,
						       PWM_POLARITY_NORMAL);
	mutex_lock(pen_tb_pwm_lookup_lock);
	list_add_tail(&tb->pwm_lookup.list, pen_tb_pwm_lookup_list);
	mutex_unlock(pen_tb_pwm_lookup_lock);
	return devm_add_action_or_reset(&tb->dev, pen_tb_pwm_lookup_remove,
					&tb->pwm_lookup);
}

/* The ADC: position, coil current and temperature. */

enum { PEN_TB_ADC_POSITION, PEN_TB_ADC_CURRENT, PEN_TB_ADC_TEMPERATURE };

static const struct iio_chan_spec pen_tb_iio_channels[] = {
	{
		.type = IIO_DISTANCE,
		.indexed = 1,
		.channel = PEN_TB_ADC_POSITION,
		.datasheet_name = "position",
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW),
	}, {
		.type = IIO_CURRENT,
		.indexed = 1,
		.channel = PEN_TB_ADC_CURRENT,
		.datasheet_name = "current",
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW),
	}, {
		.type = IIO_TEMP,
		.indexed = 1,
		.channel = PEN_TB_ADC_TEMPERATURE,
		.datasheet_name = "temperature",
		.info_mask_separate = BIT(IIO_CHAN_INFO_PROCESSED),
	},
};

static int pen_tb_iio_read_raw(struct iio_dev *indio_dev,
			       struct iio_chan_spec const *chan, int *val,
			       int *val2, long mask)
{
	struct pen_tb *tb = *(struct pen_tb **)iio_priv(indio_dev);
	s64 um;
	int ret;

	ret = pen_tb_injected_failure(tb, &tb->hw.inj_adc_fail);
	if (!ret && chan->channel == PEN_TB_ADC_POSITION)
		ret = pen_tb_injected_failure(tb, &tb->hw.inj_position_fail);
	if (ret)
		return ret;
	raw_spin_lock_irq(&tb->lock);
	switch (chan->channel) {
	case PEN_TB_ADC_POSITION:
		um = tb->hw.inj_stuck_um >= 0 ? tb->hw.inj_stuck_um :
		     pen_tb_position(tb, ktime_get_ns());
		*val = PEN_TB_POS_ZERO + div_s64(um * PEN_TB_POS_PER_MM, 1000);
		break;
	case PEN_TB_ADC_CURRENT:
		*val = PEN_TB_CUR_ZERO +
		       div_u64((u64)pen_tb_current_ma(tb) * PEN_TB_CUR_PER_AMP,
			       1000);
		break;
	default:
		*val = tb->hw.inj_temp_mdegc ?: PEN_TB_TEMP_AMBIENT;
		break;
	}
	raw_spin_unlock_irq(&tb->lock);
	return IIO_VAL_INT;
}

static const struct iio_info pen_tb_iio_info = {
	.read_raw = pen_tb_iio_read_raw,
};

int pen_tb_iio_add(struct pen_tb *tb)
{
	struct iio_dev *indio_dev;
	unsigned int n = 0;
	int ret;

	indio_dev = devm_iio_device_alloc(&tb->dev, sizeof(tb));
	if (!indio_dev)
		return -ENOMEM;
	*(struct pen_tb **)iio_priv(indio_dev) = tb;
	indio_dev->name = tb->name;
	indio_dev->info = &pen_tb_iio_info;
	indio_dev->modes = INDIO_DIRECT_MODE;
	indio_dev->channels = pen_tb_iio_channels;
	indio_dev->num_channels = ARRAY_SIZE(pen_tb_iio_channels);
	ret = devm_iio_device_register(&tb->dev, indio_dev);
	if (ret || tb->bench_np)
		return ret;

	/* The channels the board wires; the list ends at an empty map. */
	if (tb->cfg.position_channel)
		tb->iio_maps[n++] = (struct iio_map)IIO_MAP("position",
							    tb->consumer,
							    "position");
	if (tb->cfg.current_channel)
		tb->iio_maps[n++] = (struct iio_map)IIO_MAP("current",
							    tb->consumer,
							    "current");
	/* Miswired: to a channel the ADC does not have. */
	if (tb->cfg.temperature)
		tb->iio_maps[n++] = (struct iio_map)IIO_MAP(tb->cfg.temperature_miswired ?
							    "humidity" : "temperature",
							    tb->consumer,
							    "temperature");
	if (!n)
		return 0;
	return devm_iio_map_array_register(&tb->dev, indio_dev, tb->iio_maps);
}

/* debugfs "strokes": the record, oldest first, one stroke a line. */

static u64 pen_tb_rec_first(struct pen_tb *tb)
{
	return tb->hw.rec_count > tb->cfg.record_size ?
	       tb->hw.rec_count - tb->cfg.record_size : 0;
}

static void *pen_tb_strokes_start(struct seq_file *m, loff_t *pos)
{
	struct pen_tb *tb = m->private;
	u64 first, count;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	raw_spin_lock_irq(&tb->lock);
	first = pen_tb_rec_first(tb);
	count = tb->hw.rec_count;
	raw_spin_unlock_irq(&tb->lock);
	if (first + *pos - 1 >= count)
		return NULL;
	return pos;
}

static void *pen_tb_strokes_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return pen_tb_strokes_start(m, pos);
}

static void pen_tb_strokes_stop(struct seq_file *m, void *v)
{
}

static int pen_tb_strokes_show(struct seq_file *m, void *v)
{
	struct pen_tb *tb = m->private;
	struct pen_tb_stroke s;
	u64 n, now;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# seq cmd_ns reach_ns cmd_um reached_um\n");
		return 0;
	}
	raw_spin_lock_irq(&tb->lock);
	n = pen_tb_rec_first(tb) + *(loff_t *)v - 1;
	if (n >= tb->hw.rec_count) {
		raw_spin_unlock_irq(&tb->lock);
		return SEQ_SKIP;
	}
	s = *pen_tb_slot(tb, n);
	now = ktime_get_ns();
	raw_spin_unlock_irq(&tb->lock);

	/* The stroke in flight has arrived if its time has come. */
	if (!s.done && now - s.cmd_ns >= pen_tb_lag_ns(tb)) {
		s.reach_ns = s.cmd_ns + pen_tb_lag_ns(tb);
		s.reached_um = s.target_um;
	}
	seq_printf(m, "%llu %llu %llu %u %u\n", s.seq, s.cmd_ns, s.reach_ns,
		   s.cmd_um, s.reached_um);
	return 0;
}

static const struct seq_operations pen_tb_strokes_sops = {
	.start = pen_tb_strokes_start,
	.next = pen_tb_strokes_next,
	.stop = pen_tb_strokes_stop,
	.show = pen_tb_strokes_show,
};
DEFINE_SEQ_ATTRIBUTE(pen_tb_strokes);

/* debugfs "state": the hardware's state, one "key value" a line. */

static int pen_tb_is_pen(struct device *dev, void *data)
{
	return dev->class && !strcmp(dev->class->name, "pen");
}

static const char *pen_tb_on(bool on)
{
	return on ? "on" : "off";
}

static int pen_tb_state_show(struct seq_file *m, void *v)
{
	struct pen_tb *tb = m->private;
	struct pen_tb_hw *t;
	struct device *pen;
	u64 now, id;
	u32 needle, cur, temp, budget, magic;
	bool cartridge;

	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	raw_spin_lock_irq(&tb->lock);
	now = ktime_get_ns();
	needle = pen_tb_position(tb, now);
	cur = pen_tb_current_ma(tb);
	temp = tb->hw.inj_temp_mdegc ?: PEN_TB_TEMP_AMBIENT;
	cartridge = tb->hw.line[PEN_TB_LINE_DETECT];
	magic = le32_to_cpup((__le32 *)&tb->hw.eeprom[0]);
	budget = le32_to_cpup((__le32 *)&tb->hw.eeprom[4]);
	id = le64_to_cpup((__le64 *)&tb->hw.eeprom[8]);
	*t = tb->hw;
	raw_spin_unlock_irq(&tb->lock);

	pen = device_find_child(&tb->pdev->dev, NULL, pen_tb_is_pen);
	seq_printf(m, "pen %s\n", pen ? dev_name(pen) : "none");
	put_device(pen);
	seq_printf(m, "drive %s\n", pen_tb_on(t->line[PEN_TB_LINE_ENABLE]));
	seq_printf(m, "regulator %s\n", pen_tb_on(t->regulator_on));
	seq_printf(m, "pwm_enabled %s\n", pen_tb_on(t->pwm_enabled));
	seq_printf(m, "pwm_period_ns %llu\n", t->pwm_period_ns);
	seq_printf(m, "pwm_duty_ns %llu\n", t->pwm_duty_ns);
	seq_printf(m, "needle_um %u\n", needle);
	seq_printf(m, "current_ma %u\n", cur);
	seq_printf(m, "temperature_mdegc %u\n", temp);
	seq_printf(m, "drive_enables %llu\n", t->drive_enables);
	seq_printf(m, "drive_disables %llu\n", t->drive_disables);
	seq_printf(m, "enable_low_sets %llu\n", t->enable_low_sets);
	seq_printf(m, "drive_on_ns %llu\n", t->drive_on_ns);
	seq_printf(m, "drive_off_ns %llu\n", t->drive_off_ns);
	seq_printf(m, "regulator_on_ns %llu\n", t->regulator_on_ns);
	seq_printf(m, "regulator_off_ns %llu\n", t->regulator_off_ns);
	seq_printf(m, "pwm_on_ns %llu\n", t->pwm_on_ns);
	seq_printf(m, "pwm_off_ns %llu\n", t->pwm_off_ns);
	seq_printf(m, "pwm_applies %llu\n", t->pwm_applies);
	seq_printf(m, "pwm_apply_failures %llu\n", t->pwm_apply_failures);
	seq_printf(m, "sequence_errors %llu\n", t->sequence_errors);
	seq_printf(m, "strokes %llu\n", t->rec_count);
	seq_printf(m, "strokes_dropped %llu\n",
		   t->rec_count > tb->cfg.record_size ?
		   t->rec_count - tb->cfg.record_size : 0);
	seq_printf(m, "inject_ns %llu\n", t->inject_ns);
	seq_printf(m, "lag_us %u\n", tb->cfg.lag_us);
	seq_printf(m, "record_size %u\n", tb->cfg.record_size);
	seq_printf(m, "travel_um %u\n", tb->cfg.depth_max_um);
	seq_printf(m, "device_tree %s\n", pen_tb_on(tb->bench_np));
	seq_printf(m, "pwm_atomic %s\n", pen_tb_on(tb->cfg.pwm_atomic));
	seq_printf(m, "gpio_can_sleep %s\n", pen_tb_on(tb->cfg.gpio_can_sleep));
	seq_printf(m, "cartridge %s\n", pen_tb_on(cartridge));
	seq_printf(m, "cartridge_id %llu\n",
		   magic == PEN_TB_EEPROM_MAGIC ? id : 0);
	seq_printf(m, "cartridge_budget %u\n",
		   magic == PEN_TB_EEPROM_MAGIC ? budget : 0);
	kfree(t);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pen_tb_state);

static void pen_tb_debugfs_remove(void *data)
{
	struct pen_tb *tb = data;

	debugfs_remove_recursive(tb->debugfs);
	tb->debugfs = NULL;
}

int pen_tb_debugfs_add(struct pen_tb *tb, struct dentry *root)
{
	tb->debugfs = debugfs_create_dir(dev_name(&tb->dev), root);
	debugfs_create_file("strokes", 0400, tb->debugfs, tb,
			    &pen_tb_strokes_fops);
	debugfs_create_file("state", 0400, tb->debugfs, tb,
			    &pen_tb_state_fops);
	pen_tb_inject_add(tb);
	return devm_add_action_or_reset(&tb->dev, pen_tb_debugfs_remove, tb);
}
