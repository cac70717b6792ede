# SPDX-License-Identifier: LGPL-2.1-or-later
"""The binding against simulated pens (pen_sim), in the guest: every
call, bad input refused with nothing changed, the event stream against
the driver's counters, and readiness through fileno()."""
import asyncio
import errno
import pathlib
import select
import selectors
import time

import pytest

import pen


def wait_until(cond, timeout=5.0):
    """Poll @cond until it is true or @timeout seconds pass."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def setpoints(p):
    st = p.status()
    return st.depth_um, st.rate_mhz


# ---- opening ------------------------------------------------------------


def test_open_number_name_path(sim):
    for what in (sim.index, f"pen{sim.index}", sim.path,
                 pathlib.Path(sim.path)):
        with pen.Pen(what) as p:
            assert p.path == sim.path
            assert not p.control
            assert p.info().name == f"pen{sim.index}"


def test_context_manager_closes(sim):
    with pen.Pen(sim.index, control=True) as p:
        assert not p.closed and "controller" in repr(p)
    assert p.closed
    with pytest.raises(ValueError):
        p.status()
    with pytest.raises(ValueError):
        p.fileno()
    p.close()  # twice: nothing
    # Closed, it controls the pen no longer.
    with pen.Pen(sim.index, control=True):
        pass


def test_one_controller(sim):
    with pen.Pen(sim.index, control=True) as c:
        with pytest.raises(pen.BusyError) as e:
            pen.Pen(sim.index, control=True)
        assert e.value.errno == errno.EBUSY
        assert e.value.filename == sim.path
        with pen.Pen(sim.index) as obs:
            assert obs.status().controlled
        assert c.status().controlled
    with pen.Pen(sim.index) as obs:
        assert not obs.status().controlled


def test_read_only_may_not_control(sim):
    with pen.Pen(sim.index) as p:
        before = p.status()
        for call in (lambda: p.set_depth("1mm"), lambda: p.set_rate(100000),
                     p.start, p.clear_fault, lambda: p.arm_watchdog(100),
                     p.kick_watchdog, p.disarm_watchdog,
                     lambda: p.set_hold_to_run(False)):
            with pytest.raises(pen.NotControllerError) as e:
                call()
            assert e.value.errno == errno.EBADF
        after = p.status()
        assert (after.depth_um, after.rate_mhz, after.state) == \
            (before.depth_um, before.rate_mhz, before.state)
        assert after.strokes == 0


# ---- info and status ----------------------------------------------------


def test_info(make_sim):
    sim = make_sim("depth_min_um=100 depth_max_um=2500 depth_step_um=50 "
                   "rate_min_mhz=30000 rate_max_mhz=200000 needles=36 "
                   "footswitch=1")
    with pen.Pen(sim.index) as p:
        i = p.info()
    assert isinstance(i, pen.Info)
    assert i.api_version >= 5
    assert (i.depth_min_um, i.depth_max_um, i.depth_step_um) == \
        (100, 2500, 50)
    assert (i.rate_min_mhz, i.rate_max_mhz) == (30000, 200000)
    assert i.needle_count == 36
    assert i.driver == "pen_sim" and i.name == f"pen{sim.index}"
    assert i.flags == pen.InfoFlag.BUTTONS | pen.InfoFlag.FOOTSWITCH
    assert i.depth_cap_um == 2500
    with pytest.raises(AttributeError):
        i.name = "x"  # frozen


def test_status_fresh(sim):
    with pen.Pen(sim.index) as p:
        st = p.status()
    assert st.state is pen.State.STOPPED and not st.running
    assert st.stop_reason is pen.StopReason.NONE
    assert st.fault is pen.Fault.NONE
    assert st.cartridge_state is pen.CartridgeState.READY
    assert st.cartridge_id != 0 and st.cartridge_budget == 1000000
    assert st.strokes == 0 and st.stopped_ns == 0
    assert isinstance(st.flags, pen.StatusFlag)


# ---- setpoints ----------------------------------------------------------


@pytest.mark.parametrize("depth,um", [
    ("0.5mm", 500), ("1.25 mm", 1250), ("750um", 750), (1500, 1500),
])
def test_set_depth(sim, depth, um):
    with pen.Pen(sim.index, control=True) as p:
        rate = p.status().rate_mhz
        p.set_depth(depth)
        assert setpoints(p) == (um, rate)


@pytest.mark.parametrize("rate,mhz", [
    ("120Hz", 120000), ("7200spm", 120000), ("99.5 Hz", 99500),
    (250000, 250000),
])
def test_set_rate(sim, rate, mhz):
    with pen.Pen(sim.index, control=True) as p:
        depth = p.status().depth_um
        p.set_rate(rate)
        assert setpoints(p) == (depth, mhz)


def test_set_params(sim):
    with pen.Pen(sim.index, control=True) as p:
        p.set_params(depth="0.8mm", rate="150Hz")
        assert setpoints(p) == (800, 150000)
        p.set_params(rate=100000)
        assert setpoints(p) == (800, 100000)
        with pytest.raises(TypeError):
            p.set_params()


# value, exception, errno, words of the message, rule
BAD_DEPTHS = [
    ("2x", pen.InvalidValueError, errno.EINVAL,
     "invalid depth '2x': unknown unit 'x' (use mm or um)", None),
    ("0.5", pen.InvalidValueError, errno.EINVAL,
     "invalid depth '0.5': missing unit", None),
    ("-1mm", pen.InvalidValueError, errno.EINVAL,
     "invalid depth '-1mm': negative values are not allowed", None),
    ("5mm", pen.RefusedError, errno.ERANGE,
     "invalid depth '5mm': outside the pen's range, 0 mm to 2 mm",
     pen.Rule.DEPTH_RANGE),
    ("0.505mm", pen.RefusedError, errno.EINVAL,
     "invalid depth '0.505mm': not on the pen's 0.01 mm steps",
     pen.Rule.DEPTH_STEP),
    (2001, pen.RefusedError, errno.ERANGE,
     "invalid depth 2001: outside the pen's range", pen.Rule.DEPTH_RANGE),
    (-1, pen.InvalidValueError, errno.ERANGE, "invalid depth -1", None),
    (2**32, pen.InvalidValueError, errno.ERANGE, "invalid depth 4294967296",
     None),
]
BAD_RATES = [
    ("5MHz", pen.InvalidValueError, errno.EINVAL,
     "invalid rate '5MHz': MHz is megahertz; use mHz", None),
    ("0.0001Hz", pen.InvalidValueError, errno.EINVAL,
     "invalid rate '0.0001Hz': finer than", None),
    ("400Hz", pen.RefusedError, errno.ERANGE,
     "invalid rate '400Hz': outside the pen's range, 25 Hz to 300 Hz",
     pen.Rule.RATE_RANGE),
    (1000, pen.RefusedError, errno.ERANGE, "invalid rate 1000: outside",
     pen.Rule.RATE_RANGE),
]


def check_refused(p, call, exc, err, words, rule):
    before = p.status()
    with pytest.raises(exc) as e:
        call()
    assert e.value.errno == err
    assert e.value.strerror.startswith(words), e.value.strerror
    assert isinstance(e.value, ValueError) and isinstance(e.value, OSError)
    if rule is not None:
        assert e.value.rule is rule
        assert e.value.filename == p.path
    after = p.status()
    assert (after.depth_um, after.rate_mhz) == \
        (before.depth_um, before.rate_mhz)


@pytest.mark.parametrize("value,exc,err,words,rule", BAD_DEPTHS,
                         ids=[repr(v[0]) for v in BAD_DEPTHS])
def test_bad_depth(sim, value, exc, err, words, rule):
    with pen.Pen(sim.index, control=True) as p:
        p.set_params(depth="0.3mm", rate="100Hz")
        check_refused(p, lambda: p.set_depth(value), exc, err, words, rule)
        # Atomic: a good rate beside a bad depth is not applied either.
        check_refused(p, lambda: p.set_params(depth=value, rate="200Hz"),
                      exc, err, words, rule)


@pytest.mark.parametrize("value,exc,err,words,rule", BAD_RATES,
                         ids=[repr(v[0]) for v in BAD_RATES])
def test_bad_rate(sim, value, exc, err, words, rule):
    with pen.Pen(sim.index, control=True) as p:
        p.set_params(depth="0.3mm", rate="100Hz")
        check_refused(p, lambda: p.set_rate(value), exc, err, words, rule)
        check_refused(p, lambda: p.set_params(depth="1mm", rate=value),
                      exc, err, words, rule)


def test_bad_types(sim):
    with pen.Pen(sim.index, control=True) as p:
        before = setpoints(p)
        for call in (lambda: p.set_depth(0.5), lambda: p.set_rate(True),
                     lambda: p.set_depth(None), lambda: p.set_rate(b"1Hz")):
            with pytest.raises(TypeError):
                call()
        assert setpoints(p) == before


def test_depth_cap(sim):
    """The administrator's cap refuses deeper setpoints, named so."""
    cap = f"/sys/class/pen/pen{sim.index}/depth_cap_um"
    with pen.Pen(sim.index, control=True) as p:
        p.set_depth("1mm")
        with open(cap, "w") as f:
            f.write("1500")
        assert p.info().depth_cap_um == 1500
        check_refused(p, lambda: p.set_depth("1.6mm"), pen.RefusedError,
                      errno.ERANGE,
                      "invalid depth '1.6mm': above the pen's depth cap, "
                      "1.5 mm", pen.Rule.DEPTH_CAP)


# ---- the needle ---------------------------------------------------------


def test_start_stop(sim):
    with pen.Pen(sim.index, control=True) as p:
        p.set_params(depth="0.5mm", rate="200Hz")
        p.start()
        st = p.status()
        assert st.running and st.state is pen.State.RUNNING
        assert sim.state("drive") == "on"
        assert wait_until(lambda: p.status().run_strokes >= 5)
        p.stop()
        st = p.status()
        assert not st.running
        assert st.stop_reason is pen.StopReason.REQUEST
        assert sim.state("drive") == "off"


def test_observer_stops(sim):
    with pen.Pen(sim.index, control=True) as c, pen.Pen(sim.index) as obs:
        c.start()
        obs.stop()
        st = obs.status()
        assert not st.running and st.stop_reason is pen.StopReason.REQUEST


def test_close_stops(sim):
    with pen.Pen(sim.index) as obs:
        with pen.Pen(sim.index, control=True) as c:
            c.start()
            assert obs.status().running
        st = obs.status()
        assert not st.running and st.stop_reason is pen.StopReason.CLOSE


def test_fault_latched_and_cleared(sim):
    with pen.Pen(sim.index, control=True) as p:
        p.start()
        sim.inject("overcurrent 1500")
        st = p.status()
        assert st.fault is pen.Fault.OVERCURRENT and st.fault_value == 1500
        assert not st.running and st.stop_reason is pen.StopReason.FAULT
        with pytest.raises(pen.FaultLatchedError) as e:
            p.start()
        assert e.value.errno == errno.EIO
        assert e.value.fault is pen.Fault.OVERCURRENT
        assert "overcurrent" in e.value.strerror
        assert not p.status().running
        p.clear_fault()
        assert p.status().fault is pen.Fault.NONE
        p.clear_fault()  # none latched: nothing
        p.start()
        assert p.status().running


def test_cartridge(sim):
    with pen.Pen(sim.index, control=True) as p:
        sim.inject("cartridge_remove")
        assert p.status().cartridge_state is pen.CartridgeState.NONE
        with pytest.raises(pen.CartridgeError) as e:
            p.start()
        assert e.value.errno == errno.ENOMEDIUM
        assert not p.status().running
        sim.inject("cartridge_insert 4242 100000")
        st = p.status()
        assert st.cartridge_state is pen.CartridgeState.READY
        assert st.cartridge_id == 4242
        p.start()
        p.stop()
        sim.inject("cartridge_remove")
        sim.inject("cartridge_insert 4242 100000")
        assert p.status().cartridge_state is pen.CartridgeState.REUSED
        with pytest.raises(pen.CartridgeError) as e:
            p.start()
        assert e.value.errno == errno.ESTALE


def test_hold_to_run(make_sim):
    plain = make_sim("")
    with pen.Pen(plain.index, control=True) as p:
        with pytest.raises(pen.Error) as e:
            p.set_hold_to_run(True)
        assert e.value.errno == errno.EOPNOTSUPP
        assert not p.status().flags & pen.StatusFlag.HOLD_TO_RUN
    pedal = make_sim("footswitch=1")
    with pen.Pen(pedal.index, control=True) as p:
        p.set_hold_to_run(True)
        assert p.status().flags & pen.StatusFlag.HOLD_TO_RUN
        with pytest.raises(pen.HoldToRunError) as e:
            p.start()
        assert e.value.errno == errno.EAGAIN
        assert not p.status().running
        pedal.inject("press footswitch")
        assert wait_until(
            lambda: p.status().flags & pen.StatusFlag.PEDAL_DOWN)
        p.start()
        assert p.status().running
        pedal.inject("release footswitch")
        assert wait_until(lambda: not p.status().running)
        assert p.status().stop_reason is pen.StopReason.PEDAL
        p.set_hold_to_run(False)
        assert not p.status().flags & pen.StatusFlag.HOLD_TO_RUN


# ---- the watchdog -------------------------------------------------------


def test_watchdog_expires(sim):
    with pen.Pen(sim.index, control=True) as p:
        p.arm_watchdog("50ms")
        p.start()
        assert wait_until(lambda: not p.status().running)
        st = p.status()
        assert st.fault is pen.Fault.WATCHDOG
        assert st.stop_reason is pen.StopReason.FAULT
        p.clear_fault()
        p.disarm_watchdog()
        p.start()
        time.sleep(0.2)
        assert p.status().running


def test_watchdog_kicked(sim):
    with pen.Pen(sim.index, control=True) as p:
        p.arm_watchdog(200)
        p.start()
        for _ in range(10):
            time.sleep(0.05)
            p.kick_watchdog()
        st = p.status()
        assert st.running and st.fault is pen.Fault.NONE


@pytest.mark.parametrize("timeout,exc,err", [
    ("5ms", pen.InvalidValueError, errno.ERANGE),
    (60001, pen.InvalidValueError, errno.ERANGE),
    ("1.5ms", pen.InvalidValueError, errno.EINVAL),
    ("2x", pen.InvalidValueError, errno.EINVAL),
    (0, pen.InvalidValueError, errno.ERANGE),
    (1.0, TypeError, None),
])
def test_watchdog_bad(sim, timeout, exc, err):
    """A bad timeout arms nothing: the needle runs on without kicks."""
    with pen.Pen(sim.index, control=True) as p:
        p.start()
        with pytest.raises(exc) as e:
            p.arm_watchdog(timeout)
        if err is not None:
            assert e.value.errno == err
        time.sleep(0.1)
        st = p.status()
        assert st.running and st.fault is pen.Fault.NONE


# ---- events -------------------------------------------------------------


def test_events_against_counters(sim):
    """Every stroke and change of a run, in order, as the driver counts
    them."""
    with pen.Pen(sim.index) as obs:
        with pen.Pen(sim.index, control=True) as p:
            p.set_params(depth="0.4mm", rate="200Hz")
            p.start()
            assert wait_until(lambda: p.status().run_strokes >= 40)
            p.stop()
            st = p.status()
        events = list(obs.events(timeout=0.5))
    assert all(isinstance(e, pen.Event) for e in events)
    setp, start, *rest = events
    assert isinstance(setp, pen.SetpointEvent)
    assert (setp.depth_um, setp.rate_mhz) == (400, 200000)
    assert setp.mask == pen.ParamMask.DEPTH | pen.ParamMask.RATE
    assert isinstance(start, pen.StateEvent)
    assert start.state is pen.State.RUNNING
    assert start.stop_reason is pen.StopReason.NONE
    stops = [e for e in rest if isinstance(e, pen.StateEvent)]
    assert len(stops) == 1 and stops[0].state is pen.State.STOPPED
    assert stops[0].stop_reason is pen.StopReason.REQUEST
    strokes = [e for e in rest if isinstance(e, pen.StrokeEvent)]
    assert not [e for e in rest if isinstance(e, pen.OverflowEvent)]
    # One event per stroke the driver issued, numbered as it counts them.
    assert len(strokes) == st.run_strokes == st.strokes
    assert [e.seq for e in strokes] == list(range(st.strokes))
    assert all(e.type is pen.EventType.STROKE for e in strokes)
    assert all(e.cmd_um == 400 and e.rate_mhz == 200000 for e in strokes)
    assert sum(e.missed for e in strokes) == st.run_missed_strokes
    assert max(e.lateness_ns for e in strokes) == st.max_lateness_ns
    measured = [e for e in strokes if e.measured]
    assert measured and all(e.reached_um == 400 for e in measured)
    assert strokes[-1].timestamp_ns == st.last_stroke_ns
    ts = [e.timestamp_ns for e in events]
    assert ts == sorted(ts)
    assert ts[0] >= 0 and stops[0].timestamp_ns == st.stopped_ns


def test_fault_and_cartridge_events(sim):
    with pen.Pen(sim.index, control=True) as p:
        sim.inject("overcurrent 900")
        p.clear_fault()
        sim.inject("cartridge_remove")
        sim.inject("cartridge_insert 31337 500")
        events = p.read_events()
    assert [type(e) for e in events] == [
        pen.FaultEvent, pen.FaultClearedEvent, pen.CartridgeEvent,
        pen.CartridgeEvent]
    fault, cleared, out, inserted = events
    assert fault.fault is pen.Fault.OVERCURRENT and fault.value == 900
    assert fault.latched
    assert cleared.fault is pen.Fault.OVERCURRENT
    assert out.state is pen.CartridgeState.NONE and out.id == 0
    assert inserted.state is pen.CartridgeState.READY
    assert (inserted.id, inserted.budget) == (31337, 500)


def test_events_timeout_and_nonblocking(sim):
    with pen.Pen(sim.index) as p:
        assert p.read_events() == []
        assert p.wait_events(0) is False
        t0 = time.monotonic()
        assert list(p.events(timeout=0.2)) == []
        assert time.monotonic() - t0 >= 0.2
        with pytest.raises(ValueError):
            p.wait_events(-1)
        with pytest.raises(ValueError):
            p.read_events(0)


def test_overflow(sim):
    """A reader that falls behind is told how many events it lost, and
    loses no other."""
    n = pen.EVENT_RING_SIZE + 10
    with pen.Pen(sim.index) as obs, \
            pen.Pen(sim.index, control=True) as p:
        for i in range(n):
            p.set_rate(100000 + i % 2 * 1000)
        events = obs.read_events(pen.EVENT_RING_SIZE)
        p.set_rate(150000)
        events += list(obs.events(timeout=0.2))
    over = [e for e in events if isinstance(e, pen.OverflowEvent)]
    kept = [e for e in events if isinstance(e, pen.SetpointEvent)]
    assert len(over) == 1 and over[0].lost > 0
    assert len(kept) + over[0].lost == n + 1
    assert kept[-1].rate_mhz == 150000
    assert len(events) == len(kept) + 1


def test_removed(sim):
    with pen.Pen(sim.index) as p:
        sim.delete()
        with pytest.raises(pen.RemovedError) as e:
            list(p.events(timeout=1.0))
        assert e.value.errno == errno.ENODEV
        with pytest.raises(pen.RemovedError):
            p.status()
        # Stopping a removed pen is not an error of the caller's.
        with pytest.raises(pen.RemovedError):
            p.stop()


# ---- readiness: select, selectors, asyncio -------------------------------


def test_select(sim):
    with pen.Pen(sim.index) as obs, \
            pen.Pen(sim.index, control=True) as p:
        assert select.select([obs], [], [], 0)[0] == []
        p.set_depth("1mm")
        assert select.select([obs], [], [], 2.0)[0] == [obs]
        (ev,) = obs.read_events()
        assert isinstance(ev, pen.SetpointEvent) and ev.depth_um == 1000
        assert select.select([obs.fileno()], [], [], 0)[0] == []


def test_selectors(sim):
    with pen.Pen(sim.index) as obs, \
            pen.Pen(sim.index, control=True) as p, \
            selectors.DefaultSelector() as sel:
        sel.register(obs, selectors.EVENT_READ, "pen")
        assert sel.select(0) == []
        p.set_rate("50Hz")
        ready = sel.select(2.0)
        assert [key.data for key, _ in ready] == ["pen"]
        (ev,) = obs.read_events()
        assert ev.rate_mhz == 50000


def test_asyncio(sim):
    async def main():
        loop = asyncio.get_running_loop()
        got = asyncio.Queue()
        with pen.Pen(sim.index) as obs, \
                pen.Pen(sim.index, control=True) as p:
            loop.add_reader(obs.fileno(),
                            lambda: [got.put_nowait(e)
                                     for e in obs.read_events()])
            try:
                p.set_depth("0.2mm")
                p.start()
                first = await asyncio.wait_for(got.get(), 2.0)
                second = await asyncio.wait_for(got.get(), 2.0)
                p.stop()
            finally:
                loop.remove_reader(obs.fileno())
        return first, second

    first, second = asyncio.run(main())
    assert isinstance(first, pen.SetpointEvent) and first.depth_um == 200
    assert isinstance(second, pen.StateEvent)
    assert second.state is pen.State.RUNNING


# ---- threads and signals ------------------------------------------------


def test_close_while_another_thread_waits(sim):
    """The handle is not freed under a thread that waits on it."""
    import threading

    with pen.Pen(sim.index) as p:
        waiter = threading.Thread(target=p.wait_events, args=(1.0,))
        waiter.start()
        time.sleep(0.2)
        with pytest.raises(RuntimeError):
            p.close()
        waiter.join()
        assert not p.closed
    assert p.closed


def test_signal_ends_wait(sim):
    """A signal whose handler raises ends a wait at once (Ctrl-C); one
    whose handler returns does not (PEP 475)."""
    import signal

    class Alarm(Exception):
        pass

    def raising(signum, frame):
        raise Alarm()

    calls = []
    old = signal.signal(signal.SIGALRM, raising)
    try:
        with pen.Pen(sim.index) as p:
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            t0 = time.monotonic()
            with pytest.raises(Alarm):
                list(p.events(timeout=5.0))
            assert time.monotonic() - t0 < 4.0
            signal.signal(signal.SIGALRM, lambda s, f: calls.append(s))
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            t0 = time.monotonic()
            assert p.wait_events(0.5) is False
            assert time.monotonic() - t0 >= 0.5 and calls
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---- the example program --------------------------------------------------

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "session.py"


def run_example(*args):
    import subprocess
    import sys
    if not EXAMPLE.exists():
        pytest.skip(f"no {EXAMPLE} (the tests run outside the tree)")
    return subprocess.run([sys.executable, str(EXAMPLE), *args],
                          capture_output=True, text=True, timeout=120)


def test_example_session(sim):
    r = run_example("-d", sim.path, "--depth", "0.3mm", "--rate", "100Hz",
                    "--time", "300ms")
    assert r.returncode == 0, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    # "N strokes at 0.3 mm, 100 Hz; 0 missed, lateness up to N us"
    count = int(last.split()[0])
    with pen.Pen(sim.index) as p:
        st = p.status()
    assert count == st.run_strokes > 0, r.stdout
    assert st.state == pen.State.STOPPED
    assert st.stop_reason == pen.StopReason.REQUEST
    assert " at 0.3 mm, 100 Hz; 0 missed" in last, last


def test_example_session_bad_depth(sim):
    r = run_example("-d", sim.path, "--depth", "5x")
    assert r.returncode == 2
    assert "'5x'" in r.stderr, r.stderr
    with pen.Pen(sim.index) as p:
        assert p.status().run_strokes == 0
