# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the binding's tests: simulated pens of pen_sim, created
and removed through its bus files as selftests/sim_util.c does, and
fault injection through its debugfs."""
import os
import time

import pytest

BUS = "/sys/bus/pen_sim"
DEBUGFS = "/sys/kernel/debug/pen_sim"
# Instance ids of these tests (penctl_test.sh has the 500s).
FIRST_ID = 700


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


class Sim:
    """One simulated pen: ``id``, ``path`` (/dev/penN), ``index`` (N)."""

    def __init__(self, sim_id: int, opts: str) -> None:
        self.id = sim_id
        _write(f"{BUS}/new_device", f"{sim_id} {opts}".strip())
        self.alive = True
        name = os.listdir(f"{BUS}/devices/pen_sim{sim_id}/pen")[0]
        self.index = int(name[len("pen"):])
        self.path = f"/dev/{name}"
        # devtmpfs makes the node as the pen registers; wait for it.
        for _ in range(100):
            if os.path.exists(self.path):
                break
            time.sleep(0.01)

    def inject(self, cmd: str) -> None:
        """One command to the pen's fault injection (docs/pen_sim.md)."""
        _write(f"{DEBUGFS}/pen_sim{self.id}/inject", cmd)

    def state(self, key: str) -> str:
        """A line of the simulator's debugfs state file."""
        with open(f"{DEBUGFS}/pen_sim{self.id}/state") as f:
            for line in f:
                k, _, v = line.strip().partition(" ")
                if k == key:
                    return v
        raise KeyError(key)

    def delete(self) -> None:
        """The simulated unplug."""
        if self.alive:
            self.alive = False
            _write(f"{BUS}/del_device", str(self.id))


@pytest.fixture
def make_sim():
    """make_sim(opts="") -> Sim: a new simulated pen, removed after the
    test."""
    if not os.path.isdir(BUS):
        pytest.skip("pen_sim is not loaded")
    sims = []

    def make(opts: str = "") -> Sim:
        sim = Sim(FIRST_ID + len(sims), opts)
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        try:
            sim.delete()
        except OSError:
            pass


@pytest.fixture
def sim(make_sim):
    """A simulated pen: depth 0 to 2 mm in 10 um steps, 25 to 300 Hz,
    the lag short enough for every stroke to be reached at 200 Hz."""
    return make_sim("depth_max_um=2000 lag_us=200")
