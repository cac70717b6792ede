// SPDX-License-Identifier: GPL-2.0
/*
 * pentrace's BPF half: folds every pen:pen_stroke event into its pen's
 * statistics in the kernel, so that userspace reads one small record per
 * pen per report instead of every stroke, and no event can be lost to a
 * full buffer.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "pentrace.h"

/* Set by pentrace before the load: count only pen filter_pen. */
const volatile __u8 filter_on;
const volatile __u32 filter_pen;

/*
 * Per CPU: a pen's events come from its stroke timer's interrupt and from
 * the stop path, which may run on another CPU at the same moment. A copy
 * per CPU needs neither locks nor atomics in the stroke path; userspace
 * adds the copies up.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, PENTRACE_MAX_PENS);
	__type(key, __u32);
	__type(value, struct pen_stats);
} stats SEC(".maps");

/* Strokes not counted because their pen found the map full. */
__u64 dropped;

/* A new pen's first value: far too big for the 512-byte BPF stack. */
static const struct pen_stats zero_stats;

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	/* A binary search on the top bit: six steps, unrolled for the verifier. */
#pragma unroll
	for (shift = 32; shift; shift >>= 1) {
		if (v >> shift) {
			v >>= shift;
			r += shift;
		}
	}
	return r;
}

/*
 * @slot is below @n already, but the verifier must see it checked on the
 * register that indexes the array. The empty asm hides the value from
 * clang, which would otherwise prove the check redundant and move or drop
 * it (and 6.1's verifier loses a value's bounds through a division).
 */
static __always_inline __u32 bound(__u32 slot, __u32 n)
{
	asm volatile("" : "+r"(slot));
	return slot < n ? slot : n - 1;
}

static __always_inline __u32 lateness_slot(__u64 ns)
{
	return bound(ns ? log2_u64(ns) + 1 : 0, PENTRACE_LAT_SLOTS);
}

static __always_inline __u32 depth_err_slot(__s64 err_um)
{
	if (err_um < PENTRACE_ERR_MIN_UM)
		return 0;
	if (err_um >= PENTRACE_ERR_MAX_UM)
		return PENTRACE_ERR_SLOTS - 1;
	/* Unsigned: older BPF has no signed division, and this is >= 0. */
	return bound(1 + (__u32)(err_um - PENTRACE_ERR_MIN_UM) /
		     PENTRACE_ERR_STEP_UM, PENTRACE_ERR_SLOTS);
}

SEC("tracepoint/pen/pen_stroke")
int pen_stroke(struct pen_stroke_tp *tp)
{
	__u64 issued = tp->issued_ns, late = tp->lateness_ns;
	__u32 pen = tp->pen;
	struct pen_stats *s;

	if (filter_on && pen != filter_pen)
		return 0;

	s = bpf_map_lookup_elem(&stats, &pen);
	if (!s) {
		/* If another CPU adds the pen first, its entry stays. */
		bpf_map_update_elem(&stats, &pen, &zero_stats, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&stats, &pen);
		if (!s) {
			__sync_fetch_and_add(&dropped, 1);
			return 0;
		}
	}

	if (!s->strokes || issued < s->first_issued_ns)
		s->first_issued_ns = issued;
	if (issued > s->last_issued_ns)
		s->last_issued_ns = issued;
	s->strokes++;
	s->missed += tp->missed;
	if (late > s->lateness_max_ns)
		s->lateness_max_ns = late;
	s->lateness[lateness_slot(late)]++;

	if (tp->measured) {
		s->measured++;
		s->depth_err[depth_err_slot((__s64)tp->reached_um -
					    (__s64)tp->cmd_um)]++;
	}
	return 0;
}

/* The kernel wants every program to name its license: GPL, like pen. */
char LICENSE[] SEC("license") = "GPL";
