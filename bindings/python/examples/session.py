#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small session runner: run a pen at a depth and a rate for a while,
printing what happens, and stop it on Ctrl-C.

    session.py [-d PEN] [--depth 0.5mm] [--rate 120Hz] [--time 3s]
               [--watchdog 500ms] [--strokes]

The needle stops when the time is up, on Ctrl-C or SIGTERM, or when the
pen stops by itself (a fault, the cartridge, the pen's removal); the
exit status says which: 0 for the first three, 1 otherwise. Stroke
events are counted, and printed one by one only with --strokes.
"""
import argparse
import signal
import sys
import time

import pen


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-d", "--device", default="0",
                    help="pen: N, penN or /dev/penN (default 0)")
    ap.add_argument("--depth", default="0.5mm", help="needle depth")
    ap.add_argument("--rate", default="120Hz", help="stroke rate")
    ap.add_argument("--time", default="3s", help="how long to run")
    ap.add_argument("--watchdog", default="500ms",
                    help="stop the needle if this program hangs this long")
    ap.add_argument("--strokes", action="store_true",
                    help="print every stroke")
    return ap.parse_args()


def describe(ev: pen.Event) -> str:
    """One line for an event."""
    if isinstance(ev, pen.StrokeEvent):
        reached = (pen.format_depth(ev.reached_um) if ev.measured
                   else "not measured")
        return (f"stroke {ev.seq}: {pen.format_depth(ev.cmd_um)}, "
                f"reached {reached}, {ev.lateness_ns / 1000:.0f} us late")
    if isinstance(ev, pen.StateEvent):
        if ev.state == pen.State.RUNNING:
            return (f"running at {pen.format_depth(ev.depth_um)}, "
                    f"{pen.format_rate(ev.rate_mhz)}")
        return f"stopped ({ev.stop_reason})"
    if isinstance(ev, pen.SetpointEvent):
        return (f"setpoints {pen.format_depth(ev.depth_um)}, "
                f"{pen.format_rate(ev.rate_mhz)}")
    if isinstance(ev, pen.FaultEvent):
        return f"fault {ev.fault} ({ev.value})"
    if isinstance(ev, pen.FaultClearedEvent):
        return f"fault {ev.fault} cleared"
    if isinstance(ev, pen.CartridgeEvent):
        return f"cartridge {ev.id}: {ev.state}"
    if isinstance(ev, pen.OverflowEvent):
        return f"{ev.lost} events lost"
    return f"event type {ev.type}"


def show(events, counts: dict, strokes: bool) -> bool:
    """Print events (each stroke only if strokes), counting the strokes
    in counts["strokes"]; False once the needle has stopped."""
    running = True
    for ev in events:
        if isinstance(ev, pen.StrokeEvent):
            counts["strokes"] += 1
            if not strokes:
                continue
        print(describe(ev))
        if isinstance(ev, pen.StateEvent) and ev.state == pen.State.STOPPED:
            running = False
    return running


def main() -> int:
    args = parse_args()
    try:
        run_ns = pen.parse_duration(args.time)
        depth = pen.parse_depth(args.depth)
        rate = pen.parse_rate(args.rate)
    except pen.InvalidValueError as e:
        print(f"session: {e.strerror}", file=sys.stderr)
        return 2

    # SIGTERM ends the session as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    counts = {"strokes": 0}
    try:
        with pen.Pen(args.device, control=True) as p:
            info = p.info()
            print(f"{p.path}: {info.model or info.driver}, "
                  f"{info.needle_count} needles, depth "
                  f"{pen.format_depth(info.depth_min_um)} to "
                  f"{pen.format_depth(info.depth_cap_um)}")
            # The values as typed, so that a refusal names them so.
            p.set_params(depth=args.depth, rate=args.rate)
            p.arm_watchdog(args.watchdog)
            t0 = time.monotonic_ns()
            p.start()
            try:
                while True:
                    left = run_ns - (time.monotonic_ns() - t0)
                    if left <= 0:
                        break
                    # Wake at least 10 times a watchdog period to kick it.
                    p.wait_events(min(left / 1e9, 0.05))
                    p.kick_watchdog()
                    if not show(p.read_events(), counts, args.strokes):
                        return 1
            except KeyboardInterrupt:
                print("interrupted")
            p.stop()
            show(p.read_events(), counts, args.strokes)
            st = p.status()
            print(f"{counts['strokes']} strokes at {pen.format_depth(depth)}, "
                  f"{pen.format_rate(rate)}; {st.run_missed_strokes} "
                  f"missed, lateness up to "
                  f"{st.max_lateness_ns / 1000:.0f} us")
    except OSError as e:
        print(f"session: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
