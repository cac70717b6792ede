#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The binding in a few lines, as bindings/python/README.md shows them:
pen 0's identity, a setpoint, two refusals, a short run's events."""
import pen

with pen.Pen(0, control=True) as p:
    info = p.info()
    print(info.name, info.driver, f"{info.needle_count} needles,",
          pen.format_depth(info.depth_min_um), "to",
          pen.format_depth(info.depth_cap_um), "in",
          pen.format_depth(info.depth_step_um), "steps")
    p.set_params(depth="0.5mm", rate="120Hz")
    st = p.status()
    print(st.state, st.depth_um, st.rate_mhz, st.cartridge_state)
    for bad in ("5mm", "2x"):
        try:
            p.set_depth(bad)
        except pen.Error as e:
            print(type(e).__name__, e.errno, e)
    with pen.Pen(0) as observer:
        p.start()
        for ev in observer.events(timeout=0.05):
            print(ev)
            if isinstance(ev, pen.StrokeEvent) and ev.seq >= 1:
                p.stop()
    print(p.status().stop_reason)
