// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator bus: instances created and destroyed at run time through
 * new_device and del_device, in the style of netdevsim. pen_sim's pens and
 * pen_testbench's benches both live on one (each its own bus), so the
 * key=value syntax, the bounds and the errors are the same for both. The
 * errors of creation reach the writer.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pen-compat.h"
#include "pen-simbus.h"

static struct pen_simbus *pen_simbus_of(pen_bus_type *bus)
{
	return container_of(bus, struct pen_simbus, bus);
}

/*
 * "key=value": the value into @cfg, or -EINVAL, the key unknown or the
 * value not a number in the key's range.
 */
static int pen_simbus_parse_option(const struct pen_simbus *sb, void *cfg,
				   char *opt)
{
	char *value = strchr(opt, '=');
	const struct pen_simbus_key *key;
	unsigned int i;
	u32 v;

	if (!value)
		return -EINVAL;
	*value++ = '\0';
	for (i = 0; i < sb->nkeys; i++) {
		key = &sb->keys[i];
		if (strcmp(opt, key->name))
			continue;
		if (kstrtou32(value, 0, &v) || v < key->min || v > key->max)
			return -EINVAL;
		*(u32 *)((u8 *)cfg + key->offset) = v;
		return 0;
	}
	return -EINVAL;
}

/* "ID [key=value ...]" into @id and @cfg, which holds the defaults. */
static int pen_simbus_parse(const struct pen_simbus *sb, const char *buf,
			    size_t count, u32 *id, void *cfg)
{
	char *copy, *cursor, *word;
	bool have_id = false;
	int ret = 0;

	copy = kstrndup(buf, count, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cursor = strim(copy);
	while (!ret && (word = strsep(&cursor, " \t\n"))) {
		if (!*word)
			continue;
		if (!have_id) {
			ret = kstrtou32(word, 10, id);
			have_id = true;
		} else {
			ret = pen_simbus_parse_option(sb, cfg, word);
		}
	}
	kfree(copy);
	if (!ret && !have_id)
		ret = -EINVAL;
	if (ret)
		return ret;
	/* The id names the device ("%u"); the driver core's ids are int. */
	if (*id > INT_MAX)
		return -EINVAL;
	return sb->ops->check ? sb->ops->check(cfg) : 0;
}

/* Called with sb->lock held. */
static struct pen_simbus_node *pen_simbus_find(struct pen_simbus *sb, u32 id)
{
	struct pen_simbus_node *node;

	list_for_each_entry(node, &sb->list, list)
		if (node->id == id)
			return node;
	return NULL;
}

/* Called with sb->lock held. */
static int pen_simbus_create(struct pen_simbus *sb, u32 id, const void *cfg)
{
	struct pen_simbus_node *node;

	lockdep_assert_held(&sb->lock);
	if (!sb->enabled)
		return -ENODEV;
	if (pen_simbus_find(sb, id))
		return -EEXIST;
	node = sb->ops->create(sb, id, cfg);
	if (IS_ERR(node))
		return PTR_ERR(node);
	node->id = id;
	list_add_tail(&node->list, &sb->list);
	return 0;
}

/* Called with sb->lock held. */
static void pen_simbus_destroy(struct pen_simbus *sb,
			       struct pen_simbus_node *node)
{
	lockdep_assert_held(&sb->lock);
	list_del(&node->list);
	sb->ops->destroy(node);
}

static ssize_t new_device_store(pen_bus_type *bus, const char *buf,
				size_t count)
{
	struct pen_simbus *sb = pen_simbus_of(bus);
	void *cfg;
	u32 id;
	int ret;

	cfg = kmemdup(sb->defaults, sb->cfg_size, GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	ret = pen_simbus_parse(sb, buf, count, &id, cfg);
	if (!ret) {
		mutex_lock(&sb->lock);
		ret = pen_simbus_create(sb, id, cfg);
		mutex_unlock(&sb->lock);
	}
	kfree(cfg);
	return ret ? ret : count;
}
static BUS_ATTR_WO(new_device);

static ssize_t del_device_store(pen_bus_type *bus, const char *buf,
				size_t count)
{
	struct pen_simbus *sb = pen_simbus_of(bus);
	struct pen_simbus_node *node;
	u32 id;
	int ret;

	ret = kstrtou32(buf, 10, &id);
	if (ret)
		return ret;

	mutex_lock(&sb->lock);
	node = pen_simbus_find(sb, id);
	if (node)
		pen_simbus_destroy(sb, node);
	mutex_unlock(&sb->lock);
	return node ? count : -ENOENT;
}
static BUS_ATTR_WO(del_device);

static struct attribute *pen_simbus_attrs[] = {
	&bus_attr_new_device.attr,
	&bus_attr_del_device.attr,
	NULL
};

static const struct attribute_group pen_simbus_group = {
	.attrs = pen_simbus_attrs,
};

/* Every simulator bus's files, for PEN_SIMBUS_BUS(). */
const struct attribute_group *pen_simbus_groups[] = {
	&pen_simbus_group,
	NULL
};
EXPORT_SYMBOL_NS_GPL(pen_simbus_groups, PEN_SIMBUS_NS);

/* Every instance goes, and no new_device may slip in before the bus does. */
static void pen_simbus_destroy_all(struct pen_simbus *sb)
{
	struct pen_simbus_node *node, *tmp;

	mutex_lock(&sb->lock);
	sb->enabled = false;
	list_for_each_entry_safe(node, tmp, &sb->list, list)
		pen_simbus_destroy(sb, node);
	mutex_unlock(&sb->lock);
}

/**
 * __pen_simbus_register - register a simulator bus and its first instances
 * @sb: the bus, its user's fields filled in
 * @instances: instances 0 .. @instances - 1 to create with the defaults
 * @key: the lockdep class of the bus's lock (pen_simbus_register())
 *
 * Return: 0, or -errno with nothing left registered.
 */
int __pen_simbus_register(struct pen_simbus *sb, unsigned int instances,
			  struct lock_class_key *key)
{
	unsigned int i;
	int ret;

	__mutex_init(&sb->lock, sb->bus.name, key);
	INIT_LIST_HEAD(&sb->list);
	ret = bus_register(&sb->bus);
	if (ret)
		return ret;
	if (sb->driver) {
		sb->driver->bus = &sb->bus;
		ret = driver_register(sb->driver);
		if (ret) {
			bus_unregister(&sb->bus);
			return ret;
		}
	}
	sb->debugfs = debugfs_create_dir(sb->bus.name, NULL);

	mutex_lock(&sb->lock);
	sb->enabled = true;
	for (i = 0, ret = 0; i < instances && !ret; i++)
		ret = pen_simbus_create(sb, i, sb->defaults);
	mutex_unlock(&sb->lock);
	if (ret)
		pen_simbus_unregister(sb);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(__pen_simbus_register, PEN_SIMBUS_NS);

/**
 * pen_simbus_unregister - destroy every instance, then the bus
 * @sb: a registered bus
 */
void pen_simbus_unregister(struct pen_simbus *sb)
{
	pen_simbus_destroy_all(sb);
	debugfs_remove_recursive(sb->debugfs);
	sb->debugfs = NULL;
	if (sb->driver)
		driver_unregister(sb->driver);
	bus_unregister(&sb->bus);
	mutex_destroy(&sb->lock);
}
EXPORT_SYMBOL_NS_GPL(pen_simbus_unregister, PEN_SIMBUS_NS);

/**
 * pen_simbus_device_init - initialise an instance's device on the bus
 * @sb: the bus
 * @dev: the device, zeroed
 * @release: frees the instance once the last reference to @dev is gone
 */
void pen_simbus_device_init(struct pen_simbus *sb, struct device *dev,
			    void (*release)(struct device *dev))
{
	dev->bus = &sb->bus;
	dev->release = release;
	device_initialize(dev);
}
EXPORT_SYMBOL_NS_GPL(pen_simbus_device_init, PEN_SIMBUS_NS);
