/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What pentrace's BPF program and its userspace share: the layout of the
 * pen:pen_stroke tracepoint's record and the per-pen statistics the
 * program keeps.
 *
 * The pen module is out of tree, so there is no BTF to relocate against:
 * struct pen_stroke_tp is a copy of the record that kernel/core/pen-trace.h
 * defines, and pentrace compares it with the tracepoint's format file
 * before it loads anything (check_format() in pentrace.c).
 */
#ifndef PENTRACE_H
#define PENTRACE_H

#include <linux/types.h>

/* The record of pen:pen_stroke, as its format file describes it. */
struct pen_stroke_tp {
	/* The common header of every trace event. */
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;

	__u64 seq;
	__u64 issued_ns;
	__u64 lateness_ns;
	__u64 reached_ns;	/* 0 unless measured */
	__u32 pen;		/* N of /dev/penN */
	__u32 cmd_um;
	__u32 reached_um;
	__u32 measured;		/* 1: the pen reported reached_um */
	__u32 missed;		/* periods skipped right before this stroke */
	__u32 rate_mhz;
};

/*
 * Lateness: slot 0 counts 0 ns, slot i (1..64) counts [2^(i-1), 2^i - 1]
 * ns, so that every u64 has a slot.
 */
#define PENTRACE_LAT_SLOTS		65

/*
 * Depth error, reached minus commanded, of measured strokes: slot 0
 * counts errors below ERR_MIN_UM, slot 1 + k counts
 * [ERR_MIN_UM + k * ERR_STEP_UM, ERR_MIN_UM + (k + 1) * ERR_STEP_UM - 1],
 * and the last slot errors of ERR_MAX_UM and more.
 */
#define PENTRACE_ERR_STEP_UM		10
#define PENTRACE_ERR_MIN_UM		(-200)
#define PENTRACE_ERR_MAX_UM		200
#define PENTRACE_ERR_RANGE_SLOTS	\
	((PENTRACE_ERR_MAX_UM - PENTRACE_ERR_MIN_UM) / PENTRACE_ERR_STEP_UM)
#define PENTRACE_ERR_SLOTS		(PENTRACE_ERR_RANGE_SLOTS + 2)

/* Pens the map holds; the strokes of any more are counted as dropped. */
#define PENTRACE_MAX_PENS		256

/* One pen's figures on one CPU; userspace adds up the CPUs. */
struct pen_stats {
	__u64 strokes;
	__u64 measured;
	__u64 missed;
	__u64 first_issued_ns;	/* of the strokes counted here */
	__u64 last_issued_ns;
	__u64 lateness_max_ns;
	__u64 lateness[PENTRACE_LAT_SLOTS];
	__u64 depth_err[PENTRACE_ERR_SLOTS];
};

#endif /* PENTRACE_H */
