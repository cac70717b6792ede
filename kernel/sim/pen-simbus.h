/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulator bus: what pen_sim's simulated pens and pen_testbench's
 * benches share, so that both accept the same syntax and refuse the same
 * mistakes. pen_sim.ko holds the one implementation and exports it in the
 * PEN_SIMBUS symbol namespace (docs/design.md, "The simulator").
 *
 *   echo "ID [key=value ...]" > /sys/bus/NAME/new_device
 *   echo ID > /sys/bus/NAME/del_device
 *   echo "COMMAND [ARG ...]" > /sys/kernel/debug/NAME/INSTANCE/inject
 *
 * A user embeds struct pen_simbus (its bus, instance list and debugfs
 * directory), a struct pen_simbus_node in each instance and, for the
 * inject file, a struct pen_simbus_inject_file.
 */
#ifndef _PEN_SIMBUS_H
#define _PEN_SIMBUS_H

#include <linux/build_bug.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "pen-compat.h"

struct dentry;
struct pen_simbus;

/**
 * struct pen_simbus_key - one key=value key of new_device
 * @name: the key
 * @offset: of the u32 it sets in the user's config struct
 * @min: smallest value accepted
 * @max: largest value accepted; anything outside is -EINVAL
 */
struct pen_simbus_key {
	const char *name;
	size_t offset;
	u32 min;
	u32 max;
};

#define PEN_SIMBUS_KEY(_type, _field, _name, _min, _max) \
	{ _name, offsetof(_type, _field), _min, _max }

/**
 * struct pen_simbus_node - an instance's place on its bus
 * @list: entry in the bus's instance list
 * @id: instance number, from new_device
 */
struct pen_simbus_node {
	struct list_head list;
	u32 id;
};

/**
 * struct pen_simbus_ops - what an instance is, for its bus
 * @check: optional: refuse (-EINVAL) a whole config whose keys are each
 *	in range but do not go together
 * @create: make instance @id from @cfg and return its node, or an
 *	ERR_PTR() the writer of new_device gets; called with the bus's
 *	lock held
 * @destroy: undo @create; called with the bus's lock held
 */
struct pen_simbus_ops {
	int (*check)(const void *cfg);
	struct pen_simbus_node *(*create)(struct pen_simbus *sb, u32 id,
					  const void *cfg);
	void (*destroy)(struct pen_simbus_node *node);
};

/**
 * struct pen_simbus - a bus of simulated instances
 * @bus: the bus: PEN_SIMBUS_BUS(name); the name is its debugfs
 *	directory's too
 * @keys: the keys new_device accepts
 * @nkeys: entries in @keys
 * @defaults: the config an instance gets for the keys not written
 * @cfg_size: size of the config @defaults points at
 * @ops: the instances' constructor and destructor
 * @driver: optional: a driver for the bus's devices, registered with it
 * @debugfs: the debugfs directory, parent of the instances' directories
 *	(private from here on)
 * @lock: @list, the ids in it, and @enabled
 * @list: the instances
 * @enabled: new_device may create instances: between register and
 *	unregister
 */
struct pen_simbus {
	pen_bus_type bus;
	const struct pen_simbus_key *keys;
	unsigned int nkeys;
	const void *defaults;
	size_t cfg_size;
	const struct pen_simbus_ops *ops;
	struct device_driver *driver;

	/* Set and used by pen_simbus_register() and the bus's files. */
	struct dentry *debugfs;
	struct mutex lock;		/* @list, the ids in it, @enabled */
	struct list_head list;
	bool enabled;
};

/* pen-simbus.c: the bus, its files and its instance list */
extern const struct attribute_group *pen_simbus_groups[];
#define PEN_SIMBUS_BUS(_name) \
	{ .name = (_name), .bus_groups = pen_simbus_groups }
int __pen_simbus_register(struct pen_simbus *sb, unsigned int instances,
			  struct lock_class_key *key);
/* Each bus's lock a lockdep class of its own, as mutex_init() gives. */
#define pen_simbus_register(sb, instances)				\
({									\
	static struct lock_class_key __key;				\
									\
	__pen_simbus_register(sb, instances, &__key);			\
})
void pen_simbus_unregister(struct pen_simbus *sb);
void pen_simbus_device_init(struct pen_simbus *sb, struct device *dev,
			    void (*release)(struct device *dev));

/**
 * struct pen_simbus_inject - one inject command that takes numbers
 * @name: the command's word
 * @nargs: the numbers it takes, 0 to 2; exactly that many
 * @max: the largest value of each number (decimal, unsigned)
 * @run: carry it out on the instance; 0 or -errno. NULL for a command
 *	that sets a 32-bit field of the instance (PEN_SIMBUS_INJECT_SET())
 * @what: passed to @run, so that one @run can serve several commands; or
 *	without @run, the field's offset in the instance
 * @negate: without @run: set the field to minus the number
 */
struct pen_simbus_inject {
	const char *name;
	unsigned int nargs;
	u64 max[2];
	int (*run)(void *data, unsigned int what, const u64 *arg);
	unsigned int what;
	bool negate;
};

/*
 * A command that sets a 32-bit (s32 or u32: its user asserts which) field
 * of the instance (@_type) to its number, under the injector's lock, as
 * new_device's keys set the config's fields.
 */
#define PEN_SIMBUS_INJECT_SET(_name, _max, _type, _field, _negate) \
	{ _name, 1, { _max }, NULL, offsetof(_type, _field), _negate }

/**
 * struct pen_simbus_injector - an instance type's inject commands
 * @cmds: the commands that take numbers
 * @ncmds: entries in @cmds
 * @lock: offset in the instance of its raw_spinlock_t, the lock of the
 *	fields PEN_SIMBUS_INJECT_SET() commands set and of the one at
 *	@inject_ns
 * @inject_ns: offset in the instance of the u64 that holds when the last
 *	command was accepted (CLOCK_MONOTONIC), set before it is carried out:
 *	the "inject_ns" tests read
 * @has_button: whether the instance has button @button (an enum
 *	pen_button); one it does not have cannot be pressed
 * @button: press or release button @button; 0 or -errno
 */
struct pen_simbus_injector {
	const struct pen_simbus_inject *cmds;
	unsigned int ncmds;
	size_t lock;
	size_t inject_ns;
	bool (*has_button)(void *data, unsigned int button);
	int (*button)(void *data, unsigned int button, bool pressed);
};

/**
 * struct pen_simbus_inject_file - an instance's debugfs "inject" file
 * @ops: its commands
 * @data: the instance, passed to them
 */
struct pen_simbus_inject_file {
	const struct pen_simbus_injector *ops;
	void *data;
};

/* pen-simbus-inject.c: the inject file */
void pen_simbus_inject_create(struct dentry *dir,
			      struct pen_simbus_inject_file *file);

#endif /* _PEN_SIMBUS_H */
