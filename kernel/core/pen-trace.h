/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the pen core, in /sys/kernel/tracing/events/pen/.
 *
 * They fire where the event stream's records are made, so perf, trace-cmd
 * and bpftrace see the same strokes, faults and state changes a reader of
 * /dev/penN does. The layout of pen_stroke is read by tools/pentrace's BPF
 * program (struct pen_stroke_tp there): change both together.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pen

#if !defined(_PEN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PEN_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(pen_stroke,
	TP_PROTO(u32 pen, u64 seq, u64 issued_ns, u64 lateness_ns, u32 cmd_um,
		 u32 reached_um, u32 flags, u32 missed, u32 rate_mhz),
	TP_ARGS(pen, seq, issued_ns, lateness_ns, cmd_um, reached_um, flags,
		missed, rate_mhz),
	TP_STRUCT__entry(
		__field(u64, seq)
		__field(u64, issued_ns)
		__field(u64, lateness_ns)
		__field(u32, pen)
		__field(u32, cmd_um)
		__field(u32, reached_um)
		__field(u32, flags)
		__field(u32, missed)
		__field(u32, rate_mhz)
	),
	TP_fast_assign(
		__entry->seq = seq;
		__entry->issued_ns = issued_ns;
		__entry->lateness_ns = lateness_ns;
		__entry->pen = pen;
		__entry->cmd_um = cmd_um;
		__entry->reached_um = reached_um;
		__entry->flags = flags;
		__entry->missed = missed;
		__entry->rate_mhz = rate_mhz;
	),
	TP_printk("pen%u seq=%llu issued_ns=%llu lateness_ns=%llu cmd_um=%u reached_um=%u measured=%u missed=%u rate_mhz=%u",
		  __entry->pen, __entry->seq, __entry->issued_ns,
		  __entry->lateness_ns, __entry->cmd_um, __entry->reached_um,
		  __entry->flags & 1, __entry->missed, __entry->rate_mhz)
);

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
	TP_printk("pen%u seq=%llu fault=%u value=%u latched=%u",
		  __entry->pen, __entry->seq, __entry->fault, __entry->value,
		  __entry->latched)
);

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
	TP_printk("pen%u seq=%llu state=%s stop_reason=%u depth_um=%u rate_mhz=%u",
		  __entry->pen, __entry->seq,
		  __entry->state ? "running" : "stopped",
		  __entry->stop_reason, __entry->depth_um, __entry->rate_mhz)
);

#endif /* _PEN_TRACE_H */

/* Out of tree: define_trace.h finds this header in the module's folder. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pen-trace
#include <trace/define_trace.h>
