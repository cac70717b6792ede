/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the pen core, in /sys/kernel/tracing/events/pen/.
 *
 * They fire where the event stream's records are made, so perf, trace-cmd
 * and bpftrace see the same strokes, state changes, setpoints, faults and
 * cartridge changes a reader of /dev/penN does. Every field is printed
 * under its own name, so a filter or trigger can name what the text
 * shows, and the UAPI's enumerations are printed with the names libpen
 * gives them (pen_fault_name() and the like), which the format file
 * carries for trace-cmd and perf to decode too.
 *
 * They fire under pen->slock, pen_stroke in the stroke timer's hard irq:
 * copying a few words into the ring buffer is all they do.
 *
 * The layout of pen_stroke is read by tools/pentrace's BPF program
 * (struct pen_stroke_tp there): change both together.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pen

#if !defined(_PEN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PEN_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>

#include <uapi/linux/pen.h>

/*
 * The UAPI's values are macros, so the format file gets their numbers
 * as the preprocessor leaves them; no TRACE_DEFINE_ENUM() is needed.
 */
#define pen_show_state(v)						\
	__print_symbolic(v,						\
		{ PEN_STATE_STOPPED,		"stopped" },		\
		{ PEN_STATE_RUNNING,		"running" })

#define pen_show_stop_reason(v)						\
	__print_symbolic(v,						\
		{ PEN_STOP_NONE,		"none" },		\
		{ PEN_STOP_REQUEST,		"request" },		\
		{ PEN_STOP_CLOSE,		"close" },		\
		{ PEN_STOP_REMOVED,		"removed" },		\
		{ PEN_STOP_BACKEND,		"backend" },		\
		{ PEN_STOP_FAULT,		"fault" },		\
		{ PEN_STOP_DEPTH_CAP,		"depth-cap" },		\
		{ PEN_STOP_RUN_TIME,		"run-time" },		\
		{ PEN_STOP_CARTRIDGE_REMOVED,	"cartridge-removed" },	\
		{ PEN_STOP_CARTRIDGE_SPENT,	"cartridge-spent" },	\
		{ PEN_STOP_SUSPEND,		"suspend" },		\
		{ PEN_STOP_SHUTDOWN,		"shutdown" },		\
		{ PEN_STOP_PEDAL,		"pedal" })

#define pen_show_fault(v)						\
	__print_symbolic(v,						\
		{ PEN_FAULT_NONE,		"none" },		\
		{ PEN_FAULT_OVER_DEPTH,		"over-depth" },		\
		{ PEN_FAULT_STALL,		"stall" },		\
		{ PEN_FAULT_OVERCURRENT,	"overcurrent" },	\
		{ PEN_FAULT_OVERTEMP,		"overtemp" },		\
		{ PEN_FAULT_SUPPLY_LOW,		"supply-low" },		\
		{ PEN_FAULT_TIMING,		"timing" },		\
		{ PEN_FAULT_WATCHDOG,		"watchdog" })

#define pen_show_cartridge_state(v)					\
	__print_symbolic(v,						\
		{ PEN_CARTRIDGE_NONE,		"none" },		\
		{ PEN_CARTRIDGE_READY,		"ready" },		\
		{ PEN_CARTRIDGE_REUSED,		"reused" },		\
		{ PEN_CARTRIDGE_SPENT,		"spent" })

#define pen_show_param_mask(v)						\
	__print_flags(v, "|",						\
		{ PEN_PARAM_DEPTH,		"depth" },		\
		{ PEN_PARAM_RATE,		"rate" })

/*
 * One per stroke, when its outcome is known: the fields of its event
 * record (struct pen_event_stroke, with the event's seq and timestamp_ns
 * as issued_ns), and measured for PEN_STROKE_MEASURED.
 */
TRACE_EVENT(pen_stroke,
	TP_PROTO(u32 pen, u64 seq, u64 issued_ns, u64 lateness_ns,
		 u64 reached_ns, u32 cmd_um, u32 reached_um, bool measured,
		 u32 missed, u32 rate_mhz),
	TP_ARGS(pen, seq, issued_ns, lateness_ns, reached_ns, cmd_um,
		reached_um, measured, missed, rate_mhz),
	TP_STRUCT__entry(
		__field(u64, seq)
		__field(u64, issued_ns)
		__field(u64, lateness_ns)
		__field(u64, reached_ns)
		__field(u32, pen)
		__field(u32, cmd_um)
		__field(u32, reached_um)
		__field(u32, measured)
		__field(u32, missed)
		__field(u32, rate_mhz)
	),
	TP_fast_assign(
		__entry->seq = seq;
		__entry->issued_ns = issued_ns;
		__entry->lateness_ns = lateness_ns;
		__entry->reached_ns = reached_ns;
		__entry->pen = pen;
		__entry->cmd_um = cmd_um;
		__entry->reached_um = reached_um;
		__entry->measured = measured;
		__entry->missed = missed;
		__entry->rate_mhz = rate_mhz;
	),
	TP_printk("pen=%u seq=%llu issued_ns=%llu lateness_ns=%llu reached_ns=%llu cmd_um=%u reached_um=%u measured=%u missed=%u rate_mhz=%u",
		  __entry->pen, __entry->seq, __entry->issued_ns,
		  __entry->lateness_ns, __entry->reached_ns, __entry->cmd_um,
		  __entry->reached_um, __entry->measured, __entry->missed,
		  __entry->rate_mhz)
);

/* The needle started or stopped: struct pen_event_state. */
TRACE_EVENT(pen_state,
	TP_PROTO(u32 pen, u64 seq, u32 state, u32 stop_reason, u32 depth_um,
		 u32 rate_mhz),
	TP_ARGS(pen, seq, state, stop_reason, depth_um, rate_mhz),
	TP_STRUCT__entry(
		__field(u64, seq)
		__field(u32, pen)
		__field(u32, state)
		__field(u32, stop_reason)
		__field(u32, depth_um)
		__field(u32, rate_mhz)
	),
	TP_fast_assign(
		__entry->seq = seq;
		__entry->pen = pen;
		__entry->state = state;
		__entry->stop_reason = stop_reason;
		__entry->depth_um = depth_um;
		__entry->rate_mhz = rate_mhz;
	),
	TP_printk("pen=%u seq=%llu state=%s stop_reason=%s depth_um=%u rate_mhz=%u",
		  __entry->pen, __entry->seq, pen_show_state(__entry->state),
		  pen_show_stop_reason(__entry->stop_reason),
		  __entry->depth_um, __entry->rate_mhz)
);

/*
 * New setpoints accepted (struct pen_event_setpoint): the setpoints now,
 * and which the call changed. The stroke numbered seq is the first to
 * use them: a running needle takes them at its next stroke boundary.
 */
TRACE_EVENT(pen_setpoint,
	TP_PROTO(u32 pen, u64 seq, u32 depth_um, u32 rate_mhz, u32 mask),
	TP_ARGS(pen, seq, depth_um, rate_mhz, mask),
	TP_STRUCT__entry(
		__field(u64, seq)
		__field(u32, pen)
		__field(u32, depth_um)
		__field(u32, rate_mhz)
		__field(u32, mask)
	),
	TP_fast_assign(
		__entry->seq = seq;
		__entry->pen = pen;
		__entry->depth_um = depth_um;
		__entry->rate_mhz = rate_mhz;
		__entry->mask = mask;
	),
	TP_printk("pen=%u seq=%llu depth_um=%u rate_mhz=%u mask=%s",
		  __entry->pen, __entry->seq, __entry->depth_um,
		  __entry->rate_mhz, pen_show_param_mask(__entry->mask))
);

/*
 * A fault (struct pen_event_fault): latched is 1 if it is the latched
 * fault now, 0 if another was latched already and it is only counted.
 */
TRACE_EVENT(pen_fault,
	TP_PROTO(u32 pen, u64 seq, u32 fault, u32 value, bool latched),
	TP_ARGS(pen, seq, fault, value, latched),
	TP_STRUCT__entry(
		__field(u64, seq)
		__field(u32, pen)
		__field(u32, fault)
		__field(u32, value)
		__field(u32, latched)
	),
	TP_fast_assign(
		__entry->seq = seq;
		__entry->pen = pen;
		__entry->fault = fault;
		__entry->value = value;
		__entry->latched = latched;
	),
	TP_printk("pen=%u seq=%llu fault=%s value=%u latched=%u",
		  __entry->pen, __entry->seq, pen_show_fault(__entry->fault),
		  __entry->value, __entry->latched)
);

/* The latched fault was cleared (PEN_IOC_CLEAR_FAULT): which, and its value. */
TRACE_EVENT(pen_fault_cleared,
	TP_PROTO(u32 pen, u64 seq, u32 fault, u32 value),
	TP_ARGS(pen, seq, fault, value),
	TP_STRUCT__entry(
		__field(u64, seq)
		__field(u32, pen)
		__field(u32, fault)
		__field(u32, value)
	),
	TP_fast_assign(
		__entry->seq = seq;
		__entry->pen = pen;
		__entry->fault = fault;
		__entry->value = value;
	),
	TP_printk("pen=%u seq=%llu fault=%s value=%u",
		  __entry->pen, __entry->seq, pen_show_fault(__entry->fault),
		  __entry->value)
);

/* A cartridge went in, came out or ran out: struct pen_event_cartridge. */
TRACE_EVENT(pen_cartridge,
	TP_PROTO(u32 pen, u64 seq, u64 id, u32 state, u32 budget,
		 u64 strokes),
	TP_ARGS(pen, seq, id, state, budget, strokes),
	TP_STRUCT__entry(
		__field(u64, seq)
		__field(u64, id)
		__field(u64, strokes)
		__field(u32, pen)
		__field(u32, state)
		__field(u32, budget)
	),
	TP_fast_assign(
		__entry->seq = seq;
		__entry->id = id;
		__entry->strokes = strokes;
		__entry->pen = pen;
		__entry->state = state;
		__entry->budget = budget;
	),
	TP_printk("pen=%u seq=%llu id=%llu state=%s budget=%u strokes=%llu",
		  __entry->pen, __entry->seq, __entry->id,
		  pen_show_cartridge_state(__entry->state), __entry->budget,
		  __entry->strokes)
);

#endif /* _PEN_TRACE_H */

/* Out of tree: define_trace.h finds this header in the module's folder. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pen-trace
#include <trace/define_trace.h>
