// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator bus's debugfs "inject" file: one command a write,
 *
 *   COMMAND [NUMBER [NUMBER]]	the instance type's table says which
 *   press BUTTON | release BUTTON
 *
 * BUTTON one of main, speed_up, speed_down, footswitch. Words are
 * separated by blanks; numbers are unsigned decimal, each with its
 * command's bound. Anything else (an unknown word, a number missing, one
 * too many, one out of range or with trailing characters, a button the
 * instance does not have) is -EINVAL and changes nothing.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pen-backend.h"
#include "pen-compat.h"
#include "pen-simbus.h"

/* The longest command accepted, its newline included. */
#define PEN_SIMBUS_INJECT_MAX	80
/* A command word and at most two numbers; one more word to tell excess. */
#define PEN_SIMBUS_INJECT_WORDS	4

static const char * const pen_simbus_buttons[PEN_BUTTON_COUNT] = {
	[PEN_BUTTON_MAIN] = "main",
	[PEN_BUTTON_SPEED_UP] = "speed_up",
	[PEN_BUTTON_SPEED_DOWN] = "speed_down",
	[PEN_BUTTON_FOOTSWITCH] = "footswitch",
};

/* The instance's lock, of the fields the commands set. */
static raw_spinlock_t *
pen_simbus_inject_lock(const struct pen_simbus_inject_file *f)
{
	return (raw_spinlock_t *)((u8 *)f->data + f->ops->lock);
}

/* When the command being carried out was accepted, for the tests. */
static void pen_simbus_inject_mark(const struct pen_simbus_inject_file *f)
{
	raw_spinlock_t *lock = pen_simbus_inject_lock(f);

	raw_spin_lock_irq(lock);
	*(u64 *)((u8 *)f->data + f->ops->inject_ns) = ktime_get_ns();
	raw_spin_unlock_irq(lock);
}

/* "press NAME" or "release NAME", as a button's interrupt would report. */
static int pen_simbus_inject_button(const struct pen_simbus_inject_file *f,
				    char **word, unsigned int n)
{
	bool pressed = !strcmp(word[0], "press");
	int b;

	if (n != 2)
		return -EINVAL;
	b = match_string(pen_simbus_buttons, ARRAY_SIZE(pen_simbus_buttons),
			 word[1]);
	/* A button this instance does not have cannot be pressed. */
	if (b < 0 || !f->ops->has_button(f->data, b))
		return -EINVAL;
	pen_simbus_inject_mark(f);
	return f->ops->button(f->data, b, pressed);
}

/* A PEN_SIMBUS_INJECT_SET() command: the field, under the instance's lock. */
static void pen_simbus_inject_set(const struct pen_simbus_inject_file *f,
				  const struct pen_simbus_inject *cmd, u64 arg)
{
	raw_spinlock_t *lock = pen_simbus_inject_lock(f);
	u32 value = cmd->negate ? -(u32)arg : (u32)arg;

	raw_spin_lock_irq(lock);
	*(u32 *)((u8 *)f->data + cmd->what) = value;
	raw_spin_unlock_irq(lock);
}

static int pen_simbus_inject_cmd(const struct pen_simbus_inject_file *f,
				 char **word, unsigned int n)
{
	const struct pen_simbus_inject *cmd = NULL;
	u64 arg[ARRAY_SIZE(cmd->max)] = { };
	unsigned int i;

	for (i = 0; i < f->ops->ncmds && !cmd; i++)
		if (!strcmp(word[0], f->ops->cmds[i].name))
			cmd = &f->ops->cmds[i];
	if (!cmd || n != cmd->nargs + 1)
		return -EINVAL;
	for (i = 0; i < cmd->nargs; i++)
		if (kstrtou64(word[i + 1], 10, &arg[i]) || arg[i] > cmd->max[i])
			return -EINVAL;
	pen_simbus_inject_mark(f);
	if (cmd->run)
		return cmd->run(f->data, cmd->what, arg);
	pen_simbus_inject_set(f, cmd, arg[0]);
	return 0;
}

static ssize_t pen_simbus_inject_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	const struct pen_simbus_inject_file *f = file->private_data;
	char buf[PEN_SIMBUS_INJECT_MAX], *cursor, *word[PEN_SIMBUS_INJECT_WORDS];
	unsigned int n = 0;
	char *w;
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	cursor = buf;
	while ((w = strsep(&cursor, " \t\n"))) {
		if (!*w)
			continue;
		if (n == ARRAY_SIZE(word))
			return -EINVAL;
		word[n++] = w;
	}
	if (!n)
		return -EINVAL;

	if (!strcmp(word[0], "press") || !strcmp(word[0], "release"))
		ret = pen_simbus_inject_button(f, word, n);
	else
		ret = pen_simbus_inject_cmd(f, word, n);
	return ret ? ret : count;
}

static const struct file_operations pen_simbus_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = pen_simbus_inject_write,
};

/**
 * pen_simbus_inject_create - create an instance's "inject" file
 * @dir: the instance's debugfs directory
 * @file: its commands and the instance; must outlive the file
 */
void pen_simbus_inject_create(struct dentry *dir,
			      struct pen_simbus_inject_file *file)
{
	debugfs_create_file("inject", 0200, dir, file, &pen_simbus_inject_fops);
}
EXPORT_SYMBOL_NS_GPL(pen_simbus_inject_create, PEN_SIMBUS_NS);
