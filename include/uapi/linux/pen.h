/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pen: userspace ABI of the microneedling pen needle-drive controller.
 *
 * Each pen is a character device /dev/penN. Opening it for writing makes
 * the file the pen's single controller (a second writer gets -EBUSY);
 * read-only opens may query the pen and stop it, nothing else. Closing the
 * controlling file stops the needle.
 *
 * Every structure has fixed-width fields, no implicit padding, the same
 * layout on 32- and 64-bit ABIs, and reserved fields that the kernel
 * zeroes on output and requires to be zero on input. Units are in the
 * field names: _um micrometres, _mhz millihertz (strokes per 1000 s),
 * _ns nanoseconds of CLOCK_MONOTONIC.
 *
 * See docs/uapi.md for every ioctl with its errors and an example.
 */
#ifndef _UAPI_LINUX_PEN_H
#define _UAPI_LINUX_PEN_H

#include <linux/input-event-codes.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped when an ioctl is added or a reserved field gains a meaning. */
#define PEN_API_VERSION		5

#define PEN_NAME_LEN		32

/**
 * struct pen_info - identity and limits of a pen, from PEN_IOC_GET_INFO
 * @api_version: PEN_API_VERSION of the running driver
 * @needle_count: needles in the cartridge the pen is built for
 * @depth_min_um: shallowest depth the pen accepts
 * @depth_max_um: deepest depth the pen accepts
 * @depth_step_um: depths must be depth_min_um plus a multiple of this
 * @rate_min_mhz: slowest stroke rate the pen accepts
 * @rate_max_mhz: fastest stroke rate the pen accepts
 * @flags: PEN_INFO_* bits (since API 4; zero before)
 * @name: device name, "pen0"
 * @driver: backend driver, "pen_sim"
 * @model: hardware model, as the backend reports it
 * @serial: serial number, as the backend reports it
 * @depth_cap_um: the deepest depth SET_PARAMS accepts now: the lower of
 *	@depth_max_um and the administrator's cap (sysfs depth_cap_um)
 * @max_run_time_s: a run stops by itself after this long
 * @reserved: zero
 *
 * Strings are NUL-terminated and NUL-padded.
 */
struct pen_info {
	__u32 api_version;
	__u32 needle_count;
	__u32 depth_min_um;
	__u32 depth_max_um;
	__u32 depth_step_um;
	__u32 rate_min_mhz;
	__u32 rate_max_mhz;
	__u32 flags;
	char name[PEN_NAME_LEN];
	char driver[PEN_NAME_LEN];
	char model[PEN_NAME_LEN];
	char serial[PEN_NAME_LEN];
	__u32 depth_cap_um;
	__u32 max_run_time_s;
	__u64 reserved[7];
};

/*
 * struct pen_info.flags: the pen's buttons. A pen with any has an input
 * device (a child of /sys/class/pen/penN, so found from there) that
 * reports them as the keys below: macro keys, which desktops do not act
 * on, so a pen's buttons never power off or lock the computer. Pressing
 * them never starts the needle: it starts only on its controller's
 * START. The footswitch is the one button the kernel acts on: in
 * hold-to-run mode (PEN_IOC_SET_HOLD_TO_RUN) letting it go stops the
 * needle. Since API 4.
 */
#define PEN_INFO_BUTTONS	(1U << 0)	/* main and speed buttons */
#define PEN_INFO_FOOTSWITCH	(1U << 1)	/* a footswitch (hold-to-run pedal) */

#define PEN_KEY_MAIN		KEY_MACRO1	/* the main (power) button */
#define PEN_KEY_SPEED_UP	KEY_MACRO2	/* faster */
#define PEN_KEY_SPEED_DOWN	KEY_MACRO3	/* slower */
#define PEN_KEY_FOOTSWITCH	KEY_MACRO4	/* pressed while the pedal is held */

/* Which fields of struct pen_params a PEN_IOC_SET_PARAMS applies. */
#define PEN_PARAM_DEPTH		(1U << 0)
#define PEN_PARAM_RATE		(1U << 1)
#define PEN_PARAM_ALL		(PEN_PARAM_DEPTH | PEN_PARAM_RATE)

/**
 * struct pen_params - setpoints, for PEN_IOC_SET_PARAMS
 * @mask: PEN_PARAM_* bits saying which of the fields below to apply;
 *	at least one, no unknown bits
 * @depth_um: needle depth of each stroke; zero unless in @mask
 * @rate_mhz: strokes per 1000 seconds (120 Hz is 120000); zero unless in
 *	@mask
 * @reserved: must be zero
 *
 * The fields named in @mask are validated together and applied together,
 * or not at all. While the needle runs they take effect at the next stroke
 * boundary, never in the middle of a stroke.
 */
struct pen_params {
	__u32 mask;
	__u32 depth_um;
	__u32 rate_mhz;
	__u32 reserved[5];
};

/* struct pen_status.state */
#define PEN_STATE_STOPPED	0
#define PEN_STATE_RUNNING	1

/* struct pen_status.stop_reason: why the needle last stopped */
#define PEN_STOP_NONE		0	/* has not run since registration */
#define PEN_STOP_REQUEST	1	/* PEN_IOC_STOP */
#define PEN_STOP_CLOSE		2	/* the controlling file was closed */
#define PEN_STOP_REMOVED	3	/* the pen was unregistered (unplug, unload) */
#define PEN_STOP_BACKEND	4	/* the backend refused a stroke */
#define PEN_STOP_FAULT		5	/* a fault latched: see struct pen_status.fault */
#define PEN_STOP_DEPTH_CAP	6	/* the depth cap was lowered below the setpoint */
#define PEN_STOP_RUN_TIME	7	/* the run reached the pen's maximum run time */
#define PEN_STOP_CARTRIDGE_REMOVED 8	/* the cartridge came out */
#define PEN_STOP_CARTRIDGE_SPENT 9	/* the cartridge's stroke budget ran out */
#define PEN_STOP_SUSPEND	10	/* the system suspended or hibernated */
#define PEN_STOP_SHUTDOWN	11	/* the system is shutting down or rebooting */
#define PEN_STOP_PEDAL		12	/* hold-to-run: the pedal let go or lost (API 5) */

/*
 * struct pen_status.cartridge_state. Needle cartridges are sterile and
 * single use: START needs a READY one (ENOMEDIUM without, ESTALE for a
 * cartridge already used since the pen was registered, ENOSPC for one
 * whose stroke budget is spent).
 */
#define PEN_CARTRIDGE_NONE	0	/* no cartridge inserted */
#define PEN_CARTRIDGE_READY	1	/* a fresh cartridge, strokes left */
#define PEN_CARTRIDGE_REUSED	2	/* its id was used before: refused */
#define PEN_CARTRIDGE_SPENT	3	/* its stroke budget is used up */

/*
 * struct pen_status.fault: the latched fault. A fault stops the needle at
 * once and stays latched, so START fails with EIO, until the controller
 * clears it with PEN_IOC_CLEAR_FAULT. The first fault is kept; later ones
 * are only counted (sysfs faults/).
 */
#define PEN_FAULT_NONE		0
#define PEN_FAULT_OVER_DEPTH	1	/* a stroke went deeper than commanded */
#define PEN_FAULT_STALL		2	/* strokes fell short of their depth, in a row */
#define PEN_FAULT_OVERCURRENT	3	/* reported by the hardware */
#define PEN_FAULT_OVERTEMP	4	/* reported by the hardware */
#define PEN_FAULT_SUPPLY_LOW	5	/* reported by the hardware */
#define PEN_FAULT_TIMING	6	/* the loop missed too many periods in a row */
#define PEN_FAULT_WATCHDOG	7	/* the controller stopped kicking the watchdog */

/* struct pen_status.flags */
#define PEN_STATUS_CONTROLLED	(1U << 0)	/* a controller has it open */
/* Since API 5: hold-to-run is on, by the controller or the administrator */
#define PEN_STATUS_HOLD_TO_RUN	(1U << 1)
/* Since API 5: the administrator's policy: the controller cannot turn it off */
#define PEN_STATUS_HOLD_POLICY	(1U << 2)
/* Since API 5: the footswitch is held down */
#define PEN_STATUS_PEDAL_DOWN	(1U << 3)

/**
 * struct pen_status - live state of a pen, from PEN_IOC_GET_STATUS
 * @state: PEN_STATE_*
 * @stop_reason: PEN_STOP_*, why the needle last stopped
 * @depth_um: depth setpoint; the next stroke uses it
 * @rate_mhz: rate setpoint; the next period uses it
 * @flags: PEN_STATUS_* bits
 * @last_reached_um: depth the needle reached on the last stroke the
 *	hardware reported
 * @strokes: strokes issued since the pen was registered
 * @run_strokes: strokes issued since the last start
 * @missed_strokes: periods the stroke timer missed since registration,
 *	because it fired more than a period late; never hidden
 * @run_missed_strokes: the same, since the last start
 * @started_ns: when the needle last started
 * @stopped_ns: when the needle last stopped, or 0 if it runs
 * @last_stroke_ns: when the last stroke was issued
 * @max_lateness_ns: largest lateness of a stroke against its ideal
 *	absolute schedule since the last start
 * @fault: PEN_FAULT_*, the latched fault, or PEN_FAULT_NONE
 * @fault_value: what the fault measured: micrometres too deep
 *	(OVER_DEPTH) or short (STALL), periods missed (TIMING), milliseconds
 *	since the last kick (WATCHDOG), or the hardware's reading
 *	(OVERCURRENT mA, OVERTEMP milli-degC, SUPPLY_LOW mV)
 * @fault_ns: when the fault latched
 * @fault_seq: the stroke it latched at (the next stroke's number)
 * @cartridge_id: the inserted cartridge's id, 0 if none
 * @cartridge_state: PEN_CARTRIDGE_*
 * @cartridge_budget: strokes the inserted cartridge is good for
 * @cartridge_strokes: strokes made with it so far
 * @reserved: zero
 */
struct pen_status {
	__u32 state;
	__u32 stop_reason;
	__u32 depth_um;
	__u32 rate_mhz;
	__u32 flags;
	__u32 last_reached_um;
	__u64 strokes;
	__u64 run_strokes;
	__u64 missed_strokes;
	__u64 run_missed_strokes;
	__u64 started_ns;
	__u64 stopped_ns;
	__u64 last_stroke_ns;
	__u64 max_lateness_ns;
	__u32 fault;
	__u32 fault_value;
	__u64 fault_ns;
	__u64 fault_seq;
	__u64 cartridge_id;
	__u32 cartridge_state;
	__u32 cartridge_budget;
	__u64 cartridge_strokes;
	__u64 reserved[2];
};

/* Watchdog timeouts PEN_IOC_SET_WATCHDOG accepts; 0 disarms. */
#define PEN_WATCHDOG_MIN_MS	10
#define PEN_WATCHDOG_MAX_MS	60000

/**
 * struct pen_watchdog - the controller's heartbeat, for PEN_IOC_SET_WATCHDOG
 * @timeout_ms: 0 to disarm, or PEN_WATCHDOG_MIN_MS to PEN_WATCHDOG_MAX_MS:
 *	if the needle runs and neither START nor PEN_IOC_KICK_WATCHDOG came
 *	within this long, it stops with PEN_FAULT_WATCHDOG
 * @reserved: must be zero
 */
struct pen_watchdog {
	__u32 timeout_ms;
	__u32 reserved[3];
};

/**
 * struct pen_hold_to_run - for PEN_IOC_SET_HOLD_TO_RUN
 * @enable: 1: the needle runs only while the footswitch is held: START
 *	fails with EAGAIN unless it is, and letting it go (or losing it)
 *	stops the needle with PEN_STOP_PEDAL; 0: the controller no longer
 *	asks for it (the administrator's policy may still require it)
 * @reserved: must be zero
 *
 * The controller's request lasts until it sets it again or closes the
 * pen. Turned on while the needle runs with the pedal up, it stops the
 * needle at once. Since API 5.
 */
struct pen_hold_to_run {
	__u32 enable;
	__u32 reserved[3];
};

/*
 * Events: read() on any open file of /dev/penN returns whole struct
 * pen_event records, oldest first, as many as fit in the buffer (which
 * must hold at least one; -EINVAL otherwise). read() blocks until there
 * is one, or fails with -EAGAIN under O_NONBLOCK; poll() reports EPOLLIN
 * when there is one. Once the pen is removed, read() returns what is
 * still buffered, then fails with -ENODEV, and poll() reports EPOLLHUP.
 *
 * Each open file has its own ring of PEN_EVENT_RING_SIZE records, filled
 * from the moment it was opened. Nothing is dropped silently: when a
 * file's ring is full, the events that do not fit are counted, and a
 * PEN_EVENT_OVERFLOW record saying how many takes their place in the
 * stream as soon as there is room. Since API 3.
 */
#define PEN_EVENT_RING_SIZE	1024

/* struct pen_event.type */
#define PEN_EVENT_STROKE	1	/* a stroke's outcome: struct pen_event_stroke */
#define PEN_EVENT_STATE		2	/* started or stopped: struct pen_event_state */
#define PEN_EVENT_SETPOINT	3	/* new setpoints accepted: struct pen_event_setpoint */
#define PEN_EVENT_FAULT		4	/* a fault: struct pen_event_fault */
#define PEN_EVENT_FAULT_CLEARED	5	/* the latched fault was cleared: struct pen_event_fault */
#define PEN_EVENT_CARTRIDGE	6	/* a cartridge changed: struct pen_event_cartridge */
#define PEN_EVENT_OVERFLOW	7	/* events this file lost: struct pen_event_overflow */

/* struct pen_event.flags, PEN_EVENT_STROKE */
#define PEN_STROKE_MEASURED	(1U << 0)	/* the hardware reported reached_um */
/* struct pen_event.flags, PEN_EVENT_FAULT */
#define PEN_FAULT_LATCHED	(1U << 0)	/* it is the latched fault now */

/**
 * struct pen_event_stroke - one stroke, once its outcome is known
 * @cmd_um: depth commanded
 * @reached_um: depth the hardware measured; 0 without PEN_STROKE_MEASURED
 *	(the drive was cut, or the hardware never reported it)
 * @lateness_ns: how long after its ideal time on the absolute schedule
 *	the stroke was issued; the event's timestamp_ns is when it was
 * @reached_ns: when the hardware reported it; 0 if it did not
 * @missed: periods skipped right before this stroke, because the loop
 *	ran more than a period late or the hardware could not take a
 *	stroke yet; they are in missed_strokes too
 * @rate_mhz: the stroke rate in force for it
 * @reserved: zero
 */
struct pen_event_stroke {
	__u32 cmd_um;
	__u32 reached_um;
	__u64 lateness_ns;
	__u64 reached_ns;
	__u32 missed;
	__u32 rate_mhz;
	__u64 reserved;
};

/**
 * struct pen_event_state - the needle started or stopped
 * @state: PEN_STATE_*, the new state
 * @stop_reason: PEN_STOP_*, why it stopped; PEN_STOP_NONE on a start
 * @depth_um: depth setpoint at the change
 * @rate_mhz: rate setpoint at the change
 * @reserved: zero
 */
struct pen_event_state {
	__u32 state;
	__u32 stop_reason;
	__u32 depth_um;
	__u32 rate_mhz;
	__u64 reserved[3];
};

/**
 * struct pen_event_setpoint - setpoints accepted by PEN_IOC_SET_PARAMS
 * @depth_um: depth setpoint now
 * @rate_mhz: rate setpoint now
 * @mask: PEN_PARAM_* bits the call changed
 * @reserved0: zero
 * @reserved: zero
 *
 * They apply from the stroke numbered by the event's seq on.
 */
struct pen_event_setpoint {
	__u32 depth_um;
	__u32 rate_mhz;
	__u32 mask;
	__u32 reserved0;
	__u64 reserved[3];
};

/**
 * struct pen_event_fault - a fault, or a cleared one
 * @fault: PEN_FAULT_*
 * @value: what it measured, as struct pen_status.fault_value
 * @reserved: zero
 *
 * Every fault is reported, latched (PEN_FAULT_LATCHED) or only counted
 * because another was already latched.
 */
struct pen_event_fault {
	__u32 fault;
	__u32 value;
	__u64 reserved[4];
};

/**
 * struct pen_event_cartridge - a cartridge went in, came out or ran out
 * @id: its id; 0 when none is inserted
 * @state: PEN_CARTRIDGE_*, its state now
 * @budget: strokes it is good for
 * @strokes: strokes made with it
 * @reserved: zero
 */
struct pen_event_cartridge {
	__u64 id;
	__u32 state;
	__u32 budget;
	__u64 strokes;
	__u64 reserved[2];
};

/**
 * struct pen_event_overflow - this file's ring was full
 * @lost: events that did not fit, from the event's timestamp_ns and seq on
 * @reserved: zero
 */
struct pen_event_overflow {
	__u64 lost;
	__u64 reserved[4];
};

/**
 * struct pen_event - one record of the event stream, 64 bytes
 * @type: PEN_EVENT_*
 * @flags: per type, see above
 * @timestamp_ns: when it happened (for a stroke, when it was issued)
 * @seq: for a stroke its number; otherwise the number of the next
 *	stroke, so that every event has its place among the strokes
 * @stroke: PEN_EVENT_STROKE
 * @state: PEN_EVENT_STATE
 * @setpoint: PEN_EVENT_SETPOINT
 * @fault: PEN_EVENT_FAULT and PEN_EVENT_FAULT_CLEARED
 * @cartridge: PEN_EVENT_CARTRIDGE
 * @overflow: PEN_EVENT_OVERFLOW
 * @raw: the union as words; unused words are zero
 */
struct pen_event {
	__u32 type;
	__u32 flags;
	__u64 timestamp_ns;
	__u64 seq;
	union {
		struct pen_event_stroke stroke;
		struct pen_event_state state;
		struct pen_event_setpoint setpoint;
		struct pen_event_fault fault;
		struct pen_event_cartridge cartridge;
		struct pen_event_overflow overflow;
		__u64 raw[5];
	};
};

#define PEN_IOC_MAGIC		0xBD

#define PEN_IOC_GET_INFO	_IOR(PEN_IOC_MAGIC, 0x00, struct pen_info)
#define PEN_IOC_SET_PARAMS	_IOW(PEN_IOC_MAGIC, 0x01, struct pen_params)
#define PEN_IOC_START		_IO(PEN_IOC_MAGIC, 0x02)
#define PEN_IOC_STOP		_IO(PEN_IOC_MAGIC, 0x03)
#define PEN_IOC_GET_STATUS	_IOR(PEN_IOC_MAGIC, 0x04, struct pen_status)
#define PEN_IOC_CLEAR_FAULT	_IO(PEN_IOC_MAGIC, 0x05)	/* since API 2 */
#define PEN_IOC_SET_WATCHDOG	_IOW(PEN_IOC_MAGIC, 0x06, struct pen_watchdog)
#define PEN_IOC_KICK_WATCHDOG	_IO(PEN_IOC_MAGIC, 0x07)	/* since API 2 */
/* Since API 5 */
#define PEN_IOC_SET_HOLD_TO_RUN	_IOW(PEN_IOC_MAGIC, 0x08, struct pen_hold_to_run)

#endif /* _UAPI_LINUX_PEN_H */
