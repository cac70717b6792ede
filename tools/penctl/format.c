// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Values for people: depths, rates, times and faults as penctl prints
 * them, and driver strings made safe for a terminal. Each writes into a
 * caller's buffer of FMT_LEN bytes unless it takes a length.
 */
#include <inttypes.h>
#include <string.h>

#include "penctl.h"

const char *depth_str(uint32_t um, char *buf)
{
	if (pen_format_depth(um, buf, FMT_LEN) < 0)
		snprintf(buf, FMT_LEN, "%u um", um);
	return buf;
}

const char *rate_str(uint32_t mhz, char *buf)
{
	if (pen_format_rate(mhz, buf, FMT_LEN) < 0)
		snprintf(buf, FMT_LEN, "%u mHz", mhz);
	return buf;
}

/* @v thousandths as a decimal without trailing zeros: 120500 -> "120.5" */
const char *milli_str(uint64_t v, char *buf)
{
	uint64_t frac = v % 1000;
	int digits = 3;

	if (!frac) {
		snprintf(buf, FMT_LEN, "%" PRIu64, v / 1000);
		return buf;
	}
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	snprintf(buf, FMT_LEN, "%" PRIu64 ".%0*" PRIu64, v / 1000, digits,
		 frac);
	return buf;
}

/* Nanoseconds as seconds with millisecond resolution: "3.001" */
const char *secs_str(uint64_t ns, char *buf)
{
	snprintf(buf, FMT_LEN, "%" PRIu64 ".%03" PRIu64, ns / NSEC_PER_SEC,
		 ns % NSEC_PER_SEC / 1000000);
	return buf;
}

/* Nanoseconds as microseconds with nanosecond resolution: "12.345" */
const char *usecs_str(uint64_t ns, char *buf)
{
	snprintf(buf, FMT_LEN, "%" PRIu64 ".%03" PRIu64, ns / 1000,
		 ns % 1000);
	return buf;
}

/*
 * What a fault measured, in its unit: "+300 um" (deeper than commanded),
 * "-500 um" (short of it), "3 periods", "1200 mA", "85.5 degC", "3100 mV".
 */
static const char *fault_value_str(uint32_t fault, uint32_t v, char *buf)
{
	/* The faults whose value is a plain number between two words. */
	static const struct {
		uint32_t fault;
		const char *before, *after;
	} plain[] = {
		{ PEN_FAULT_OVER_DEPTH, "+", " um" },
		{ PEN_FAULT_STALL, "-", " um" },
		{ PEN_FAULT_WATCHDOG, "", " ms since the last kick" },
		{ PEN_FAULT_OVERCURRENT, "", " mA" },
		{ PEN_FAULT_SUPPLY_LOW, "", " mV" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		if (plain[i].fault == fault) {
			snprintf(buf, FMT_LEN, "%s%u%s", plain[i].before, v,
				 plain[i].after);
			return buf;
		}
	}
	switch (fault) {
	case PEN_FAULT_TIMING:
		snprintf(buf, FMT_LEN, "%u period%s", v, v == 1 ? "" : "s");
		break;
	case PEN_FAULT_OVERTEMP:
		/* milli-degC, exactly: what "%.3f" of v / 1000.0 prints */
		snprintf(buf, FMT_LEN, "%u.%03u degC", v / 1000, v % 1000);
		break;
	default:
		snprintf(buf, FMT_LEN, "value %u", v);
		break;
	}
	return buf;
}

/* "over-depth (+300 um)", "none", or "unknown (code 9, value 7)" */
const char *fault_desc(uint32_t fault, uint32_t value, char *buf,
		       size_t len)
{
	char v[FMT_LEN];

	if (fault == PEN_FAULT_NONE)
		snprintf(buf, len, "none");
	else if (!strcmp(pen_fault_name(fault), "unknown"))
		snprintf(buf, len, "unknown (code %u, value %u)", fault, value);
	else
		snprintf(buf, len, "%s (%s)", pen_fault_name(fault),
			 fault_value_str(fault, value, v));
	return buf;
}

const char *fault_str(const struct pen_status *st, char *buf,
		      size_t len)
{
	return fault_desc(st->fault, st->fault_value, buf, len);
}

/* A driver string made safe for a terminal; "-" if empty. */
const char *text(const char *s, char *buf, size_t len)
{
	size_t i;

	if (!*s)
		return "-";
	for (i = 0; i < len - 1 && s[i]; i++)
		buf[i] = (s[i] < 0x20 || s[i] >= 0x7f) ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* CLOCK_MONOTONIC nanoseconds as seconds: "1234.567890123" */
const char *stamp_str(uint64_t ns, char *buf)
{
	snprintf(buf, FMT_LEN, "%" PRIu64 ".%09" PRIu64, ns / NSEC_PER_SEC,
		 ns % NSEC_PER_SEC);
	return buf;
}
