#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Latency plots of make bench's results: one SVG per kernel.

For each stroke rate of results/KERNEL.json, the histogram of stroke
lateness on the hard-irq path and on the stroke thread, and of
cyclictest's latency at the same period, on a log count axis (as the
OSADL latency plots are drawn), from the histograms pen_bench records
(bench/json.c: 250 ns bins from 0 to 50 us, and one for the rest).
Then, per rate, pen_vcm's on its test bench: the core's decision and
the PWM's new duty taking effect in the bench's model, on each path.

    bench/plot.py results/stock-6.1.json ...   writes results/stock-6.1.svg ...
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

# A fixed hash salt: the same figures give the same SVG bytes.
plt.rcParams["svg.hashsalt"] = "pen-bench"
plt.rcParams["svg.fonttype"] = "none"


def steps(hist):
    """x (us) and counts of a histogram's bins, as a step line's points."""
    if not hist:
        return [], []
    width = hist["bin_ns"]
    bins = {b[0]: b[1] for b in hist["bins"]}
    last = max(bins)
    xs, ys = [], []
    for start in range(0, last + width, width):
        xs.append(start / 1000)
        ys.append(bins.get(start, 0))
    return xs, ys


def series(run):
    """The three latency histograms of one rate: name, colour, histogram."""
    return [
        ("stroke, hard irq", "tab:blue", run.get("irq")),
        ("stroke, stroke thread", "tab:green", run.get("thread")),
        ("cyclictest (SCHED_FIFO 90)", "tab:red", run.get("ct")),
    ]


def by_rate(doc):
    """{rate_mhz: {"irq": hist, "thread": hist, "ct": hist}} of the runs alone."""
    rates = {}
    for x in doc.get("stroke_timing", []):
        if x.get("with_cyclictest"):
            continue
        r = rates.setdefault(x["rate_mhz"], {})
        lat = x.get("lateness_ns") or {}
        r["thread" if x.get("threaded") else "irq"] = lat.get("histogram")
        ct = ((x.get("cyclictest") or {}).get("latency_ns") or {})
        # The hard-irq run's cyclictest, else the thread's.
        if ct.get("histogram") and ("ct" not in r or not x.get("threaded")):
            r["ct"] = ct["histogram"]
    return rates


def actuation_series(run):
    """pen_vcm's histograms of one rate: name, colour, histogram."""
    return [
        ("pen_vcm decided, hard irq", "tab:blue", run.get("irq")),
        ("pen_vcm PWM duty, hard irq", "tab:cyan", run.get("irq_pwm")),
        ("pen_vcm decided, stroke thread", "tab:green", run.get("thread")),
        ("pen_vcm PWM duty, stroke thread", "tab:olive", run.get("thread_pwm")),
    ]


def actuation_by_rate(doc):
    """{rate_mhz: {"irq", "irq_pwm", "thread", "thread_pwm": hist}}."""
    rates = {}
    for x in (doc.get("actuation") or {}).get("timing", []):
        r = rates.setdefault(x["rate_mhz"], {})
        path = "thread" if x.get("threaded") else "irq"
        r[path] = (x.get("lateness_ns") or {}).get("histogram")
        r[path + "_pwm"] = ((x.get("sim") or {}).get("lateness_ns") or {}).get("histogram")
    return rates


def plot(path):
    with open(path) as f:
        doc = json.load(f)
    name = doc.get("name") or os.path.basename(path)[:-5]
    rates = by_rate(doc)
    if not rates:
        print(f"plot: {path}: no stroke timing with histograms", file=sys.stderr)
        return 1
    panels = [(rate, run, series, "") for rate, run in sorted(rates.items())]
    panels += [(rate, run, actuation_series, ", pen_vcm on its test bench")
               for rate, run in sorted(actuation_by_rate(doc).items())]
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.8 * len(panels)),
                             sharex=True, squeeze=False)
    for ax, (rate, run, which, what) in zip(axes[:, 0], panels):
        for label, colour, hist in which(run):
            xs, ys = steps(hist)
            if xs:
                ax.step(xs, ys, where="post", color=colour, label=label,
                        linewidth=1)
        ax.set_yscale("log")
        ax.set_ylim(bottom=0.8)
        ax.set_ylabel("strokes or cycles")
        ax.set_title(f"{name}: {rate / 1000:g} Hz{what}, "
                     f"{doc.get('strokes_per_run', 0):,} each", fontsize=10)
        ax.grid(True, which="major", linewidth=0.3)
        ax.legend(fontsize=8)
    axes[-1, 0].set_xlabel("latency after the ideal time (us, 250 ns bins; "
                           "the last bin holds everything from 50 us)")
    fig.tight_layout()
    out = path[:-5] + ".svg"
    fig.savefig(out, metadata={"Date": None})
    plt.close(fig)
    print(f"plot: {out}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="+")
    a = ap.parse_args()
    return max(plot(p) for p in a.results)


if __name__ == "__main__":
    sys.exit(main())
