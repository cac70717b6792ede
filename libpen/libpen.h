/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpen - userspace library for microneedling pens (/dev/penN).
 *
 * A thin, stateless layer over the ioctls of <linux/pen.h>, plus the unit
 * conversions the kernel deliberately leaves to userspace: the kernel only
 * speaks micrometres and millihertz, people speak "0.5mm" and "120Hz".
 * A pen's buttons are read from its input device through libevdev, which
 * is the one library libpen depends on.
 *
 * Conventions, for every function below:
 *  - Failure returns -1 (or NULL) and sets errno; success never touches
 *    errno's meaning. There is no global error state, so the library is
 *    safe to use from several threads on different handles.
 *  - The library never prints and never exits.
 *  - A handle may be used by one thread at a time.
 */
#ifndef LIBPEN_H
#define LIBPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/pen.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct pen - an open pen device
 *
 * Opaque; obtained from pen_open() or pen_open_index() and released with
 * pen_close().
 */
struct pen;

/**
 * PEN_OPEN_CONTROL - pen_open() flag: become the pen's controller
 *
 * The device is opened read-write, which makes this handle the pen's single
 * controller: only it may change setpoints and start the needle. Closing
 * the handle (or the process dying) stops the needle. Without this flag the
 * device is opened read-only: such a handle may query the pen and stop it,
 * nothing else, so an emergency stop never has to wait for control.
 */
#define PEN_OPEN_CONTROL	(1 << 0)

/**
 * pen_open() - open a pen device
 * @path: path of the character device, e.g. "/dev/pen0"
 * @flags: 0 for a read-only handle, or PEN_OPEN_CONTROL
 *
 * The file descriptor is always opened with O_CLOEXEC, so a controller is
 * never leaked into a child program that would keep the needle alive.
 * Only character devices are opened; anything else is refused before
 * open(2) so that, for example, a FIFO cannot block the caller.
 *
 * Return: a new handle, or NULL with errno set:
 * %EINVAL: @path is NULL or empty, or @flags has unknown bits;
 * %ENOTTY: @path is not a character device;
 * %EBUSY: PEN_OPEN_CONTROL and another handle controls the pen;
 * %ENOMEM: out of memory;
 * or any errno of stat(2) and open(2), e.g. %ENOENT, %EACCES.
 */
struct pen *pen_open(const char *path, int flags);

/**
 * pen_open_index() - open /dev/pen<index>
 * @index: pen number, as in the device name
 * @flags: as for pen_open()
 *
 * Return: as for pen_open().
 */
struct pen *pen_open_index(unsigned int index, int flags);

/**
 * pen_close() - close a pen handle and free it
 * @pen: handle, or NULL (then nothing happens)
 *
 * If @pen is the controller and the needle runs, the kernel stops it.
 */
void pen_close(struct pen *pen);

/**
 * pen_fd() - file descriptor of a pen handle
 * @pen: handle
 *
 * The descriptor belongs to the handle: do not close it. It is pollable:
 * since API version 3 it reports the pen's events (see pen_wait_events()),
 * so an event loop may watch it with poll(2) or epoll(7) beside its other
 * descriptors, then call pen_read_events().
 *
 * Return: the descriptor, or -1 with errno %EINVAL if @pen is NULL.
 */
int pen_fd(const struct pen *pen);

/**
 * pen_path() - path a pen handle was opened with
 * @pen: handle
 *
 * Return: the path, valid until pen_close(), or NULL with errno %EINVAL if
 * @pen is NULL.
 */
const char *pen_path(const struct pen *pen);

/**
 * pen_get_info() - read a pen's identity and limits (PEN_IOC_GET_INFO)
 * @pen: handle, read-only or controller
 * @info: filled on success; its strings are always NUL-terminated
 *
 * Return: 0, or -1 with errno set:
 * %EINVAL: @pen or @info is NULL;
 * %ENOTTY: the device is not a pen;
 * %ENODEV: the pen was removed;
 * or another errno from the driver.
 */
int pen_get_info(struct pen *pen, struct pen_info *info);

/**
 * pen_get_status() - read a pen's live state (PEN_IOC_GET_STATUS)
 * @pen: handle, read-only or controller
 * @status: filled on success
 *
 * Return: 0, or -1 with errno set as for pen_get_info().
 */
int pen_get_status(struct pen *pen, struct pen_status *status);

/**
 * pen_set_depth() - change the depth setpoint
 * @pen: controller handle
 * @depth_um: needle depth of each stroke, in micrometres
 *
 * The rate setpoint is left alone. If the needle runs, the new depth takes
 * effect at the next stroke boundary.
 *
 * Return: 0, or -1 with errno set:
 * %ERANGE: @depth_um is outside the pen's limits (see pen_get_info());
 * %EINVAL: @depth_um is not on the pen's depth step, or @pen is NULL;
 * %EBADF: @pen is not the controller;
 * %ENODEV: the pen was removed;
 * or another errno from the driver.
 */
int pen_set_depth(struct pen *pen, uint32_t depth_um);

/**
 * pen_set_rate() - change the stroke-rate setpoint
 * @pen: controller handle
 * @rate_mhz: strokes per 1000 seconds (120 Hz is 120000)
 *
 * The depth setpoint is left alone.
 *
 * Return: as for pen_set_depth(), %ERANGE meaning the rate is outside the
 * pen's limits.
 */
int pen_set_rate(struct pen *pen, uint32_t rate_mhz);

/**
 * pen_set_params() - change depth and rate together
 * @pen: controller handle
 * @depth_um: needle depth, in micrometres
 * @rate_mhz: stroke rate, in millihertz
 *
 * Both values are validated and applied atomically: either both take
 * effect, at the same stroke boundary, or neither does.
 *
 * Return: as for pen_set_depth().
 */
int pen_set_params(struct pen *pen, uint32_t depth_um, uint32_t rate_mhz);

/**
 * pen_start() - start the needle with the current setpoints
 * @pen: controller handle
 *
 * The needle runs until pen_stop(), until the controller is closed, or
 * until the pen stops by itself (see struct pen_status.stop_reason), for
 * instance because a fault latched (%PEN_STOP_FAULT).
 * Unlike the other calls, an interrupted start is not retried: a signal
 * that arrives meanwhile is usually a request not to run.
 *
 * Return: 0, or -1 with errno set:
 * %EBADF: @pen is not the controller;
 * %EIO: a fault is latched (struct pen_status.fault says which); it must
 * be cleared with pen_clear_fault() first;
 * %EAGAIN: hold-to-run is on and the footswitch is not held
 * (pen_set_hold_to_run());
 * %EINTR: interrupted by a signal, the needle did not start;
 * %EINVAL: @pen is NULL;
 * %ENODEV: the pen was removed;
 * or another errno from the driver.
 */
int pen_start(struct pen *pen);

/**
 * pen_stop() - stop the needle
 * @pen: handle, read-only or controller: any opener may stop the pen
 *
 * Interruptions by signals are retried. To know the needle is stopped,
 * read pen_get_status() afterwards rather than trusting the return value
 * alone.
 *
 * pen_stop() is async-signal-safe: it makes no call but ioctl(2) and
 * touches nothing but @pen and errno, so a signal handler may stop the
 * needle at once, whatever the program was doing when the signal came.
 *
 * Return: 0, or -1 with errno set:
 * %EINVAL: @pen is NULL;
 * %ENODEV: the pen was removed (its needle is then already stopped);
 * or another errno from the driver.
 */
int pen_stop(struct pen *pen);

/**
 * pen_clear_fault() - clear the latched fault (PEN_IOC_CLEAR_FAULT)
 * @pen: controller handle
 *
 * A fault (struct pen_status.fault) stops the needle at once and stays
 * latched, across the controller's close, so that pen_start() fails with
 * %EIO until the controller clears it. Clearing does not start the
 * needle. Clearing when no fault is latched succeeds and does nothing.
 *
 * Read pen_get_status() first and show the fault to whoever decides to
 * clear it: clearing acknowledges the fault, it does not repair its
 * cause, and the same fault may latch again. The first fault stays
 * latched until cleared and only the controller clears it, so the fault
 * a controller has read is the one it clears. Interruptions by signals
 * are retried.
 *
 * Needs API version 2 (struct pen_info.api_version); older drivers fail
 * with %ENOTTY.
 *
 * Return: 0, or -1 with errno set:
 * %EBADF: @pen is not the controller;
 * %EINVAL: @pen is NULL;
 * %ENODEV: the pen was removed;
 * %ENOTTY: the device is not a pen, or its driver predates faults;
 * or another errno from the driver.
 */
int pen_clear_fault(struct pen *pen);

/**
 * pen_set_watchdog() - arm or disarm the controller's heartbeat
 * @pen: controller handle
 * @timeout_ms: 0 to disarm, or %PEN_WATCHDOG_MIN_MS to %PEN_WATCHDOG_MAX_MS
 *
 * Once armed, while the needle runs, the controller must call
 * pen_kick_watchdog() (or start the needle) at least every @timeout_ms,
 * or the kernel stops the needle with %PEN_FAULT_WATCHDOG: a hung
 * controller cannot leave the needle running. Arming counts as a kick.
 * The watchdog is disarmed when the controller closes the pen.
 *
 * Return: 0, or -1 with errno set:
 * %EBADF: @pen is not the controller;
 * %ERANGE: @timeout_ms is neither 0 nor in the accepted range;
 * %EINVAL: @pen is NULL;
 * %ENODEV: the pen was removed;
 * %ENOTTY: the driver predates the watchdog (API version 2).
 */
int pen_set_watchdog(struct pen *pen, uint32_t timeout_ms);

/**
 * pen_kick_watchdog() - tell the kernel the controller is alive
 * @pen: controller handle
 *
 * Return: 0, or -1 with errno set as for pen_set_watchdog().
 */
int pen_kick_watchdog(struct pen *pen);

/**
 * pen_set_hold_to_run() - run only while the footswitch is held
 * @pen: controller handle
 * @enable: true to ask for hold-to-run, false to stop asking
 *
 * In hold-to-run mode pen_start() fails with %EAGAIN unless the pen's
 * footswitch is held down, and letting it go stops the needle in the
 * kernel (%PEN_STOP_PEDAL), whatever the controller is doing meanwhile.
 * Turned on while the needle runs with the pedal up, it stops it. The
 * request lasts until the controller closes the pen; an administrator
 * may also require the mode (sysfs hold_to_run), which the controller
 * cannot turn off. struct pen_status.flags tells whether the mode is on
 * (%PEN_STATUS_HOLD_TO_RUN), whose it is (%PEN_STATUS_HOLD_POLICY) and
 * whether the pedal is down (%PEN_STATUS_PEDAL_DOWN).
 *
 * Return: 0, or -1 with errno set:
 * %EBADF: @pen is not the controller;
 * %EOPNOTSUPP: the pen has no footswitch (to turn it on);
 * %EPERM: the administrator requires it (to turn it off);
 * %EINVAL: @pen is NULL;
 * %ENODEV: the pen was removed;
 * %ENOTTY: the driver predates hold-to-run (API version 5).
 */
int pen_set_hold_to_run(struct pen *pen, bool enable);

/**
 * pen_wait_events() - wait until the pen has events to read
 * @pen: handle, read-only or controller
 * @timeout_ns: how long to wait at most, in nanoseconds; 0 only looks,
 *	a negative value waits for as long as it takes
 *
 * Each open handle has its own ring of events (struct pen_event), filled
 * from the moment it was opened: every stroke's outcome, starts and
 * stops, setpoint changes, faults, cartridge changes. This waits, with
 * ppoll(2), until that ring holds at least one record or the pen has been
 * removed; pen_read_events() then does not block. After the pen's removal
 * it keeps returning 1: pen_read_events() hands out what was buffered,
 * then fails with %ENODEV.
 *
 * A signal handled meanwhile ends the wait with %EINTR, SA_RESTART or
 * not; the wait is not retried, because the signal is usually something
 * the caller must act on (a request to stop, say).
 *
 * Needs API version 3 (struct pen_info.api_version). An older driver has
 * no events: its descriptor polls as always readable, and
 * pen_read_events() fails with %EINVAL. Check the version first. The
 * event functions are at the symbol version LIBPEN_1.1 of libpen.so.1.
 *
 * Return: 1 if events (or the pen's removal) are ready, 0 if @timeout_ns
 * passed first, or -1 with errno set:
 * %EINVAL: @pen is NULL;
 * %EINTR: a signal arrived;
 * %EBADF: the handle's descriptor was closed behind its back;
 * or another errno of ppoll(2), e.g. %ENOMEM.
 */
int pen_wait_events(struct pen *pen, int64_t timeout_ns);

/**
 * pen_read_events() - read the pen's events
 * @pen: handle, read-only or controller
 * @buf: room for @max_events records
 * @max_events: how many records @buf holds, at least 1
 *
 * Reads, with a single read(2), as many whole records as are buffered and
 * fit, oldest first, into @buf. Records are never split or dropped here:
 * whatever does not fit stays for the next call. If the handle's ring
 * was full, the events that did not fit are counted, and a
 * %PEN_EVENT_OVERFLOW record says how many were lost, at the place in
 * the stream where they were.
 *
 * Blocks until there is a record, unless the descriptor is non-blocking
 * (set O_NONBLOCK on pen_fd()); use pen_wait_events() to wait with a
 * timeout.
 *
 * Return: the number of records read (0 only at the end of a file that
 * is not a pen), or -1 with errno set:
 * %EINVAL: @pen or @buf is NULL, @max_events is 0, or the driver predates
 * events (API version 3);
 * %EAGAIN: the descriptor is non-blocking and there is no record;
 * %EINTR: a signal handler installed without SA_RESTART ran before any
 * record came (not retried, so that the caller can act on the signal);
 * %ENODEV: the pen was removed and every record it left is read;
 * %EIO: the device returned a partial record: it is not a pen;
 * or another errno of read(2).
 */
ssize_t pen_read_events(struct pen *pen, struct pen_event *buf,
			size_t max_events);

/**
 * struct pen_buttons - the buttons and footswitch of an open pen
 *
 * Opaque; obtained from pen_buttons_open() and released with
 * pen_buttons_close(). Buttons are named by their key codes in
 * <linux/pen.h>: %PEN_KEY_MAIN, %PEN_KEY_SPEED_UP, %PEN_KEY_SPEED_DOWN
 * and %PEN_KEY_FOOTSWITCH, the codes the pen's input device reports (as
 * evtest(1) shows them), so that no second numbering needs translating.
 *
 * Pressing a button does nothing in the kernel: the needle starts and
 * stops only on its controller's calls, and it is for the program that
 * reads the buttons to decide what a press means. The button functions
 * are at the symbol version LIBPEN_1.2 of libpen.so.1.
 */
struct pen_buttons;

/* struct pen_button_event.flags */
#define PEN_BUTTON_EVENT_RESYNC		(1U << 0)
#define PEN_BUTTON_EVENT_OVERFLOW	(1U << 1)

/**
 * struct pen_button_event - a button pressed or released
 * @key: which: PEN_KEY_*; 0 in a %PEN_BUTTON_EVENT_OVERFLOW record
 * @pressed: 1 pressed (for the footswitch: the pedal held down),
 *	0 released
 * @flags: %PEN_BUTTON_EVENT_OVERFLOW: not a button but a record saying
 *	that the kernel's buffer overflowed at @timestamp_ns and events were
 *	lost (@key and @pressed are 0); the records that follow with
 *	%PEN_BUTTON_EVENT_RESYNC, if any, bring the buttons' state up to
 *	date;
 *	%PEN_BUTTON_EVENT_RESYNC: this change was found by comparing the
 *	buttons' state with the kernel's, not read as it happened;
 *	@timestamp_ns is then when the events were lost
 * @reserved: zero
 * @timestamp_ns: when it happened, in nanoseconds of CLOCK_MONOTONIC, the
 *	clock of struct pen_event and struct pen_status (microsecond
 *	resolution: input events carry no more)
 */
struct pen_button_event {
	uint32_t key;
	uint32_t pressed;
	uint32_t flags;
	uint32_t reserved;
	uint64_t timestamp_ns;
};

/**
 * pen_buttons_open() - open the buttons of a pen
 * @pen: handle, read-only or controller
 *
 * A pen with buttons (struct pen_info.flags %PEN_INFO_BUTTONS or
 * %PEN_INFO_FOOTSWITCH) has an input device that is a child of its class
 * device. It is found from sysfs, as /sys/class/pen/<name>/inputM/eventK
 * for the name GET_INFO reports, checked to belong to the pen that @pen
 * has open (by device numbers), and opened from /dev/input, read-only,
 * non-blocking and close-on-exec, through libevdev. Input devices are
 * never picked by their name, which any program could copy.
 *
 * The handle is independent of @pen once opened: it may outlive
 * pen_close(). It knows the buttons' state from the moment of opening
 * (see pen_buttons_is_pressed()), and reports every change after it. It
 * does not grab the device: other readers (evtest(1)) see the same
 * presses.
 *
 * Return: a new handle, or NULL with errno set:
 * %EINVAL: @pen is NULL;
 * %ENOTSUP: the pen has no buttons, or its driver predates them (API
 * version 4);
 * %ENODEV: the pen was removed, or its input device is not in sysfs (or
 * sysfs is not mounted at /sys);
 * %ENXIO: the input device has no event device: the evdev module is not
 * loaded;
 * %EPROTO: the input device lacks a key that the pen's flags promise;
 * %ENOTTY: @pen is not a pen;
 * %ENOMEM: out of memory;
 * or any errno of open(2) on the /dev/input node, e.g. %ENOENT (no such
 * node: neither devtmpfs nor udev made it) or %EACCES.
 */
struct pen_buttons *pen_buttons_open(struct pen *pen);

/**
 * pen_buttons_close() - close a buttons handle and free it
 * @buttons: handle, or NULL (then nothing happens)
 *
 * Closing the buttons does not stop the needle; closing the controlling
 * pen handle does.
 */
void pen_buttons_close(struct pen_buttons *buttons);

/**
 * pen_buttons_fd() - file descriptor of a buttons handle
 * @buttons: handle
 *
 * The descriptor belongs to the handle: do not close or read it. Poll it
 * (poll(2), epoll(7)) for %POLLIN beside other descriptors; when it is
 * ready, call pen_buttons_read() until it returns 0. Draining matters:
 * the library reads ahead, and events already read into its buffer do
 * not make the descriptor ready again. After the pen's removal it polls
 * %POLLHUP | %POLLERR (ask for %POLLIN; the hangup is reported anyway).
 *
 * Return: the descriptor, or -1 with errno %EINVAL if @buttons is NULL.
 */
int pen_buttons_fd(const struct pen_buttons *buttons);

/**
 * pen_buttons_has() - whether the pen has a button
 * @buttons: handle
 * @key: %PEN_KEY_MAIN, %PEN_KEY_SPEED_UP, %PEN_KEY_SPEED_DOWN or
 *	%PEN_KEY_FOOTSWITCH
 *
 * Return: 1 if it has, 0 if not, or -1 with errno %EINVAL if @buttons is
 * NULL or @key is not one of the keys above.
 */
int pen_buttons_has(const struct pen_buttons *buttons, unsigned int key);

/**
 * pen_buttons_is_pressed() - whether a button is held down now
 * @buttons: handle
 * @key: as for pen_buttons_has()
 *
 * The state as of the last event pen_buttons_read() returned, or as of
 * pen_buttons_open() before any: read the pending events first for the
 * latest. Meant for the footswitch, whose pedal may already be held when
 * the program starts, so that no press ever comes for it.
 *
 * Return: 1 if pressed, 0 if released, or -1 with errno set:
 * %EINVAL: @buttons is NULL, or @key is not a pen key;
 * %ENOTSUP: the pen does not have that button.
 */
int pen_buttons_is_pressed(const struct pen_buttons *buttons,
			   unsigned int key);

/**
 * pen_buttons_wait() - wait until a button event can be read
 * @buttons: handle
 * @timeout_ns: how long to wait at most, in nanoseconds; 0 only looks,
 *	a negative value waits for as long as it takes
 *
 * Returns as soon as pen_buttons_read() has something to say: an event
 * in the library's buffer or the kernel's, or the device's removal. Not
 * every input event is a button event, so pen_buttons_read() may still
 * return 0 afterwards. Signals end the wait with %EINTR and are not
 * retried, as for pen_wait_events().
 *
 * Return: 1 if ready, 0 if @timeout_ns passed first, or -1 with errno
 * set:
 * %EINVAL: @buttons is NULL;
 * %EINTR: a signal arrived;
 * %EBADF: the descriptor was closed behind the handle's back;
 * or another errno of ppoll(2).
 */
int pen_buttons_wait(struct pen_buttons *buttons, int64_t timeout_ns);

/**
 * pen_buttons_read() - take the next button event, without blocking
 * @buttons: handle
 * @ev: filled with the event on success
 *
 * Events come oldest first, one a call. If the kernel's buffer
 * overflowed (SYN_DROPPED, when the reader fell behind by some 16
 * presses), that is said first, by a record with
 * %PEN_BUTTON_EVENT_OVERFLOW, and the events lost are not guessed at:
 * the buttons' state is read back from the kernel, and each button whose
 * state differs is reported as one event with %PEN_BUTTON_EVENT_RESYNC,
 * so that the caller's view of the buttons is right again. A pedal held,
 * or let go, meanwhile is never missed; a press-and-release lost whole
 * leaves no event, only the overflow record.
 *
 * Return: 1 with @ev filled, 0 if no event is pending (@ev untouched),
 * or -1 with errno set:
 * %EINVAL: @buttons or @ev is NULL;
 * %ENODEV: the pen, and so its buttons, went away (events not yet read
 * are lost with it); every later call fails the same;
 * or another errno of read(2) or ioctl(2) on the input device.
 */
int pen_buttons_read(struct pen_buttons *buttons,
		     struct pen_button_event *ev);

/**
 * pen_button_name() - name of a pen key
 * @key: a PEN_KEY_* code
 *
 * Return: "main", "speed-up", "speed-down" or "footswitch", or NULL with
 * errno %EINVAL for any other code.
 */
const char *pen_button_name(unsigned int key);

/**
 * pen_parse_depth() - parse a depth with its unit
 * @s: the text, e.g. "0.5mm", "1.25 mm", "500um", "500µm"
 * @depth_um: on success, the depth in micrometres
 *
 * The unit is required, because a bare number is ambiguous (micrometres or
 * millimetres differ by a factor of 1000). Units are "mm", "um", "µm"
 * (U+00B5 or U+03BC), case-insensitive; spaces or tabs may separate number
 * and unit, nothing may precede or follow. The number is unsigned decimal
 * with digits on both sides of an optional '.'; it is converted exactly,
 * without floating point.
 *
 * The pen's limits are not checked here; the kernel does that.
 *
 * Return: 0, or -1 with errno set:
 * %EINVAL: @s or @depth_um is NULL, @s is empty, malformed, negative, has
 * no or an unknown unit, or is not a whole number of micrometres
 * ("0.0005mm", "1.5um");
 * %ERANGE: the depth does not fit in 32 bits of micrometres.
 */
int pen_parse_depth(const char *s, uint32_t *depth_um);

/**
 * pen_parse_rate() - parse a stroke rate with its unit
 * @s: the text, e.g. "120Hz", "120.5 hz", "120000mHz", "7200spm"
 * @rate_mhz: on success, the rate in millihertz
 *
 * Units, case-insensitive except as noted:
 * "Hz": hertz, at most 3 significant decimals (whole millihertz);
 * "mHz": millihertz, whole numbers only. The leading 'm' must be lower
 * case, because "MHz" means megahertz and is rejected rather than read
 * as a value 10^9 times smaller than written;
 * "spm" or "rpm": strokes per minute (what pens call rpm), at most 3
 * decimals, converted as spm * 1000 / 60 and rounded to the nearest
 * millihertz, halves up. The rounding error is below 0.0005 Hz, less
 * than the 0.001 Hz resolution of the interface.
 * Syntax and strictness are as for pen_parse_depth(); the unit is
 * required. The pen's limits are not checked here.
 *
 * Return: 0, or -1 with errno set:
 * %EINVAL: as for pen_parse_depth(), or a value finer than the unit
 * allows ("0.0001Hz", "1.5mHz");
 * %ERANGE: the rate does not fit in 32 bits of millihertz.
 */
int pen_parse_rate(const char *s, uint32_t *rate_mhz);

/**
 * pen_parse_duration() - parse a duration
 * @s: the text, e.g. "3s", "1.5 s", "500ms", "2m", "2min", "1h", or a bare
 *     number of seconds such as "3"
 * @ns: on success, the duration in nanoseconds
 *
 * Units are "ms", "s", "m" or "min" (minutes), "h", case-insensitive; a
 * bare number means seconds. Syntax is as for pen_parse_depth().
 *
 * Return: 0, or -1 with errno set:
 * %EINVAL: @s or @ns is NULL, @s is empty, malformed, negative, zero, has
 * an unknown unit, or is not a whole number of nanoseconds;
 * %ERANGE: the duration does not fit in 64 bits of nanoseconds.
 */
int pen_parse_duration(const char *s, uint64_t *ns);

/**
 * pen_format_depth() - format a depth in millimetres
 * @depth_um: depth in micrometres
 * @buf: output buffer
 * @len: size of @buf; 16 bytes hold any depth
 *
 * Writes e.g. "0.5 mm", "1.25 mm", "3 mm", "0 mm": exact, with trailing
 * zeros of the fraction dropped.
 *
 * Return: the length written, as snprintf(3) returns it, or -1 with errno:
 * %EINVAL: @buf is NULL;
 * %ERANGE: @len is too small. @buf then holds an empty string rather than
 * a truncated number, which could be read as a different depth.
 */
int pen_format_depth(uint32_t depth_um, char *buf, size_t len);

/**
 * pen_format_rate() - format a stroke rate in hertz
 * @rate_mhz: rate in millihertz
 * @buf: output buffer
 * @len: size of @buf; 16 bytes hold any rate
 *
 * Writes e.g. "120 Hz", "120.5 Hz", "0.001 Hz".
 *
 * Return: as for pen_format_depth().
 */
int pen_format_rate(uint32_t rate_mhz, char *buf, size_t len);

/**
 * pen_state_name() - name of a PEN_STATE_* value
 * @state: struct pen_status.state
 *
 * Return: "stopped", "running", "gone" (only if <linux/pen.h> defines
 * PEN_STATE_GONE; the current driver reports a removed pen by failing with
 * %ENODEV instead), or "unknown" for values this library does not know.
 * Never NULL.
 */
const char *pen_state_name(uint32_t state);

/**
 * pen_stop_reason_name() - name of a PEN_STOP_* value
 * @reason: struct pen_status.stop_reason
 *
 * Return: "none", "request", "close", "removed", "backend", "fault", or
 * "unknown" for values this library does not know. Never NULL.
 */
const char *pen_stop_reason_name(uint32_t reason);

/**
 * pen_fault_name() - name of a PEN_FAULT_* value
 * @fault: struct pen_status.fault
 *
 * Return: "none", "over-depth", "stall", "overcurrent", "overtemp",
 * "supply-low", "timing", or "unknown" for values this library does not
 * know. Never NULL.
 */
const char *pen_fault_name(uint32_t fault);

/**
 * pen_cartridge_state_name() - name of a PEN_CARTRIDGE_* state
 * @state: struct pen_status.cartridge_state
 *
 * Return: "none", "ready", "reused", "spent", or "unknown"; never NULL.
 */
const char *pen_cartridge_state_name(uint32_t state);

/**
 * pen_event_type_name() - name of a PEN_EVENT_* type
 * @type: struct pen_event.type
 *
 * Unlike the other name functions, an unknown type has no name: a
 * program that meets one should show the number, since it is an event
 * this library cannot describe (a newer driver's).
 *
 * Return: "stroke", "state", "setpoint", "fault", "fault-cleared",
 * "cartridge", "overflow", or NULL with errno %EINVAL for a type this
 * library does not know.
 */
const char *pen_event_type_name(uint32_t type);

/*
 * API version 6 (LIBPEN_1.4): one grammar for every tool. Device names,
 * the reason a value was refused, and the rule a refused setpoint broke.
 */

/**
 * pen_parse_index() - parse a pen's name into its number
 * @s: "N", "penN" or "/dev/penN", N a decimal number
 * @index: on success, N
 *
 * Return: 0, or -1 with errno set:
 * %EINVAL: @s or @index is NULL, or @s is none of those forms;
 * %ERANGE: N does not fit in an unsigned int.
 */
int pen_parse_index(const char *s, unsigned int *index);

/**
 * pen_parse_device() - the device file a pen's name stands for
 * @s: "N", "penN" or "/dev/penN" (the pen numbered N), or any other path
 *     naming a device file (one with a '/' in it, "./pen0" say)
 * @path: output buffer, for pen_open()
 * @len: size of @path; 32 bytes hold "/dev/pen" and any number, PATH_MAX
 *       any path
 *
 * What is not a number, "penN" or a path with a '/' is refused, so that
 * a mistyped name ("pen", "pen1x") is an error rather than a file in the
 * current directory.
 *
 * Return: 0, or -1 with errno set:
 * %EINVAL: an argument is NULL, @s is empty or names no pen;
 * %ERANGE: N does not fit in an unsigned int, or @path is too small (it
 * then holds an empty string).
 */
int pen_parse_device(const char *s, char *path, size_t len);

/**
 * enum pen_quantity - what a value on a command line is, for
 * pen_parse_strerror()
 * @PEN_QUANTITY_DEPTH: as for pen_parse_depth()
 * @PEN_QUANTITY_RATE: as for pen_parse_rate()
 * @PEN_QUANTITY_DURATION: as for pen_parse_duration()
 * @PEN_QUANTITY_DEVICE: as for pen_parse_device()
 * @PEN_QUANTITY_INDEX: as for pen_parse_index()
 */
enum pen_quantity {
	PEN_QUANTITY_DEPTH,
	PEN_QUANTITY_RATE,
	PEN_QUANTITY_DURATION,
	PEN_QUANTITY_DEVICE,
	PEN_QUANTITY_INDEX,
};

/**
 * pen_parse_strerror() - why a value was refused, in words
 * @q: what @s was parsed as
 * @s: the text as the user wrote it
 * @buf: output buffer
 * @len: size of @buf; 128 bytes hold any reason
 *
 * Names the part of @s that is wrong, by the same grammar as the parser:
 * "empty value", "negative values are not allowed", "not a number",
 * "malformed number", "missing unit (use mm or um)", "unknown unit 'x'
 * (use ms, s, m or h)", "MHz is megahertz; use mHz", "too large", "must
 * be greater than zero", or what the unit cannot represent ("not a whole
 * number of micrometres", "finer than 1 mHz ...", "finer than 1 ns");
 * for a device, "number too large" or a path longer than PATH_MAX's
 * "path too long".
 * One line: control characters in the quoted unit are shown as '?'.
 * A program prints it after the value: "invalid depth '2x': unknown
 * unit 'x' (use mm or um)".
 *
 * Return: @buf, or NULL with errno %EINVAL if an argument is NULL, @q is
 * unknown, or @s parses (there is nothing to explain).
 */
const char *pen_parse_strerror(enum pen_quantity q, const char *s, char *buf,
			       size_t len);

/**
 * enum pen_rule - the rule of the pen's a setpoint broke
 * @PEN_RULE_NONE: none that libpen can name (the refusal has another
 *	cause: a malformed request, the pen's state, the caller's rights)
 * @PEN_RULE_DEPTH_RANGE: the depth is outside the pen's range
 * @PEN_RULE_DEPTH_STEP: the depth is off the pen's grid of steps
 * @PEN_RULE_RATE_RANGE: the rate is outside the pen's range
 * @PEN_RULE_DEPTH_CAP: the depth is above the administrator's depth cap
 */
enum pen_rule {
	PEN_RULE_NONE = 0,
	PEN_RULE_DEPTH_RANGE = 1,
	PEN_RULE_DEPTH_STEP = 2,
	PEN_RULE_RATE_RANGE = 3,
	PEN_RULE_DEPTH_CAP = 4,
};

/**
 * struct pen_refusal - the rule a setpoint broke, and its limits
 * @rule: which one
 * @min: %PEN_RULE_DEPTH_RANGE, %PEN_RULE_RATE_RANGE: the lowest allowed;
 *	%PEN_RULE_DEPTH_STEP: the depth the steps start from
 * @max: the ranges: the highest allowed
 * @step: %PEN_RULE_DEPTH_STEP: the step, in micrometres
 * @cap: %PEN_RULE_DEPTH_CAP: the cap, in micrometres
 *
 * Depths are in micrometres, rates in millihertz; fields the rule does
 * not use are zero.
 */
struct pen_refusal {
	enum pen_rule rule;
	uint32_t min;
	uint32_t max;
	uint32_t step;
	uint32_t cap;
};

/**
 * pen_setpoint_refusal() - which rule a refused setpoint broke
 * @info: the pen's limits, from pen_get_info()
 * @mask: PEN_PARAM_DEPTH and/or PEN_PARAM_RATE: what was set
 * @depth_um: the depth asked for (if in @mask)
 * @rate_mhz: the rate asked for (if in @mask)
 * @err: the errno the set failed with
 * @why: on success, the rule and its limits
 *
 * The rules are the kernel's own (a header both build from), checked in
 * the kernel's order; a rule is named only if the kernel refuses it with
 * @err, so a refusal for another cause is %PEN_RULE_NONE, never a guess.
 * Needs no device: @info may be made up.
 *
 * Return: 0, or -1 with errno %EINVAL if @info or @why is NULL.
 */
int pen_setpoint_refusal(const struct pen_info *info, uint32_t mask,
			 uint32_t depth_um, uint32_t rate_mhz, int err,
			 struct pen_refusal *why);

/**
 * pen_explain_refusal() - which rule a refused setpoint broke, on a pen
 * @pen: the pen the set failed on
 * @mask, @depth_um, @rate_mhz, @err, @why: as for pen_setpoint_refusal()
 *
 * pen_setpoint_refusal() with the pen's limits as they are now.
 *
 * Return: 0, or -1 with errno set by pen_get_info() or %EINVAL.
 */
int pen_explain_refusal(struct pen *pen, uint32_t mask, uint32_t depth_um,
			uint32_t rate_mhz, int err, struct pen_refusal *why);

/**
 * pen_format_refusal() - a refusal in words
 * @why: from pen_setpoint_refusal() or pen_explain_refusal()
 * @buf: output buffer
 * @len: size of @buf; 96 bytes hold any refusal
 *
 * Writes "outside the pen's range, 0.25 mm to 3 mm", "not on the pen's
 * 0.05 mm steps from 0.25 mm", "outside the pen's range, 1 Hz to 150 Hz"
 * or "above the pen's depth cap, 1.5 mm".
 *
 * Return: as for snprintf(3), or -1 with errno %EINVAL (@why or @buf is
 * NULL, or the rule is %PEN_RULE_NONE or unknown) or %ERANGE (@len is too
 * small; @buf then holds an empty string).
 */
int pen_format_refusal(const struct pen_refusal *why, char *buf, size_t len);

/**
 * pen_rule_name() - name of a PEN_RULE_* value
 * @rule: the rule
 *
 * Return: "none", "depth-range", "depth-step", "rate-range",
 * "depth-cap", or "unknown"; never NULL.
 */
const char *pen_rule_name(enum pen_rule rule);

#ifdef __cplusplus
}
#endif

#endif /* LIBPEN_H */
