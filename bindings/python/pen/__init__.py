# SPDX-License-Identifier: LGPL-2.1-or-later
"""Microneedling pens (/dev/penN), from Python: a binding of libpen.

    import pen

    with pen.Pen(0, control=True) as p:
        p.set_params(depth="0.5mm", rate="120Hz")
        p.start()
        for event in p.events(timeout=3.0):
            print(event)
        p.stop()

A Pen is opened by number (0), name ("pen0") or path ("/dev/pen0"),
read-only by default (an observer: it may query the pen, read its events
and stop it) or as the pen's single controller (``control=True``: it may
also set the depth and rate and start the needle; closing it stops the
needle). Depths and rates are given as strings with units, parsed by
libpen ("0.5mm", "500um", "120Hz", "7200spm"), or as whole numbers in the
kernel's units (micrometres, millihertz), as the fields that report them
are named (depth_um, rate_mhz).

Everything is done by libpen (libpen(3)): this package only turns its
results into Python objects, its failures into exceptions (OSError
subclasses, with libpen's errno and its words), and its constants into
enums.
"""

from __future__ import annotations

import dataclasses
import enum
import errno as _errno
import os
from typing import Iterator, List, Optional, Tuple, Type, Union

from . import _pen

__all__ = [
    "Pen", "Info", "Status", "State", "StopReason", "Fault",
    "CartridgeState", "EventType", "Rule", "StatusFlag", "InfoFlag",
    "ParamMask", "Event", "StrokeEvent", "StateEvent", "SetpointEvent",
    "FaultEvent", "FaultClearedEvent", "CartridgeEvent", "OverflowEvent",
    "UnknownEvent", "Error", "InvalidValueError", "RefusedError",
    "BusyError", "NotControllerError", "RemovedError", "FaultLatchedError",
    "CartridgeError", "HoldToRunError", "parse_depth", "parse_rate",
    "parse_duration", "parse_device", "format_depth", "format_rate",
    "API_VERSION", "WATCHDOG_MIN_MS", "WATCHDOG_MAX_MS", "EVENT_RING_SIZE",
]

#: PEN_API_VERSION of the <linux/pen.h> this binding was built against.
API_VERSION: int = _pen.API_VERSION
#: The watchdog timeouts the kernel accepts (0 disarms), in milliseconds.
WATCHDOG_MIN_MS: int = _pen.WATCHDOG_MIN_MS
WATCHDOG_MAX_MS: int = _pen.WATCHDOG_MAX_MS
#: Records each open pen's event ring holds.
EVENT_RING_SIZE: int = _pen.EVENT_RING_SIZE

# ---- enums: values from <linux/pen.h>, names from libpen ---------------


class _Named(enum.IntEnum):
    """An enum whose str() is libpen's name of the value ("over-depth")."""

    def __str__(self) -> str:
        name = _pen.name(_KINDS[type(self)], self.value)
        return name if name is not None else str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @classmethod
    def _of(cls, value: int) -> Union["_Named", int]:
        """The member for @value, or @value itself if a newer driver's."""
        try:
            return cls(value)
        except ValueError:
            return value


class State(_Named):
    """The needle's state (struct pen_status.state, PEN_STATE_*)."""

    STOPPED = _pen.STATE_STOPPED
    RUNNING = _pen.STATE_RUNNING


class StopReason(_Named):
    """Why the needle last stopped (PEN_STOP_*)."""

    NONE = _pen.STOP_NONE
    REQUEST = _pen.STOP_REQUEST
    CLOSE = _pen.STOP_CLOSE
    REMOVED = _pen.STOP_REMOVED
    BACKEND = _pen.STOP_BACKEND
    FAULT = _pen.STOP_FAULT
    DEPTH_CAP = _pen.STOP_DEPTH_CAP
    RUN_TIME = _pen.STOP_RUN_TIME
    CARTRIDGE_REMOVED = _pen.STOP_CARTRIDGE_REMOVED
    CARTRIDGE_SPENT = _pen.STOP_CARTRIDGE_SPENT
    SUSPEND = _pen.STOP_SUSPEND
    SHUTDOWN = _pen.STOP_SHUTDOWN
    PEDAL = _pen.STOP_PEDAL


class Fault(_Named):
    """A fault of the pen's (PEN_FAULT_*)."""

    NONE = _pen.FAULT_NONE
    OVER_DEPTH = _pen.FAULT_OVER_DEPTH
    STALL = _pen.FAULT_STALL
    OVERCURRENT = _pen.FAULT_OVERCURRENT
    OVERTEMP = _pen.FAULT_OVERTEMP
    SUPPLY_LOW = _pen.FAULT_SUPPLY_LOW
    TIMING = _pen.FAULT_TIMING
    WATCHDOG = _pen.FAULT_WATCHDOG


class CartridgeState(_Named):
    """The needle cartridge's state (PEN_CARTRIDGE_*)."""

    NONE = _pen.CARTRIDGE_NONE
    READY = _pen.CARTRIDGE_READY
    REUSED = _pen.CARTRIDGE_REUSED
    SPENT = _pen.CARTRIDGE_SPENT


class EventType(_Named):
    """The type of an event record (PEN_EVENT_*)."""

    STROKE = _pen.EVENT_STROKE
    STATE = _pen.EVENT_STATE
    SETPOINT = _pen.EVENT_SETPOINT
    FAULT = _pen.EVENT_FAULT
    FAULT_CLEARED = _pen.EVENT_FAULT_CLEARED
    CARTRIDGE = _pen.EVENT_CARTRIDGE
    OVERFLOW = _pen.EVENT_OVERFLOW


class Rule(_Named):
    """The rule of the pen's a refused setpoint broke (enum pen_rule)."""

    NONE = _pen.RULE_NONE
    DEPTH_RANGE = _pen.RULE_DEPTH_RANGE
    DEPTH_STEP = _pen.RULE_DEPTH_STEP
    RATE_RANGE = _pen.RULE_RATE_RANGE
    DEPTH_CAP = _pen.RULE_DEPTH_CAP


# Which of libpen's name functions names each enum's values.
_KINDS = {
    State: _pen.NAME_STATE, StopReason: _pen.NAME_STOP_REASON,
    Fault: _pen.NAME_FAULT, CartridgeState: _pen.NAME_CARTRIDGE,
    EventType: _pen.NAME_EVENT_TYPE, Rule: _pen.NAME_RULE,
}


class StatusFlag(enum.IntFlag):
    """struct pen_status.flags (PEN_STATUS_*)."""

    CONTROLLED = _pen.STATUS_CONTROLLED
    HOLD_TO_RUN = _pen.STATUS_HOLD_TO_RUN
    HOLD_POLICY = _pen.STATUS_HOLD_POLICY
    PEDAL_DOWN = _pen.STATUS_PEDAL_DOWN


class InfoFlag(enum.IntFlag):
    """struct pen_info.flags (PEN_INFO_*): the pen's buttons."""

    BUTTONS = _pen.INFO_BUTTONS
    FOOTSWITCH = _pen.INFO_FOOTSWITCH


class ParamMask(enum.IntFlag):
    """Which setpoints a SetpointEvent says were changed (PEN_PARAM_*)."""

    DEPTH = _pen.PARAM_DEPTH
    RATE = _pen.PARAM_RATE


# ---- errors ------------------------------------------------------------


class Error(OSError):
    """A failure this package names; errno and strerror are libpen's.

    Failures it has no better name for are raised as the OSError subclass
    Python gives their errno (FileNotFoundError for a pen that does not
    exist, PermissionError without access, ...).
    """


class InvalidValueError(Error, ValueError):
    """A value was refused before reaching the pen (EINVAL or ERANGE).

    Raised for text libpen's parser refused ("invalid depth '2x':
    unknown unit 'x' (use mm or um)") and for numbers out of range. The
    pen is left as it was.
    """


class RefusedError(Error, ValueError):
    """The pen refused a setpoint by one of its rules (EINVAL or ERANGE).

    The setpoints are left as they were. ``rule`` is the Rule broken, and
    ``min``, ``max``, ``step`` and ``cap`` its limits as libpen reports
    them (micrometres or millihertz; 0 where the rule has none).
    """

    rule: Rule
    min: int
    max: int
    step: int
    cap: int


class BusyError(Error):
    """Another handle controls the pen (EBUSY)."""


class NotControllerError(Error, PermissionError):
    """Only the pen's controller may do that (EBADF): open it with
    ``control=True``."""


class RemovedError(Error):
    """The pen was removed (ENODEV); its needle is stopped."""


class FaultLatchedError(Error):
    """The needle cannot start: a fault is latched (EIO).

    ``fault`` is the latched Fault; clear_fault() acknowledges it.
    """

    fault: Union[Fault, int]


class CartridgeError(Error):
    """The needle cannot start for its cartridge (ENOMEDIUM: none,
    ESTALE: used before, ENOSPC: its stroke budget is spent)."""


class HoldToRunError(Error):
    """Hold-to-run is on and the footswitch is not held (EAGAIN)."""


def _error(cls: Type[OSError], err: int, msg: str,
           filename: Optional[str] = None) -> OSError:
    if filename is None:
        return cls(err, msg)
    return cls(err, msg, filename)


# What each errno is called for calls on an open pen, whatever the call.
_HANDLE_ERRORS = {
    _errno.ENODEV: (RemovedError, "the pen was removed"),
    _errno.EBADF: (NotControllerError,
                   "read-only handle: only the pen's controller may do this"),
}

# What start() says for each errno it names.
_START_ERRORS = {
    _errno.ENOMEDIUM: (CartridgeError, "no cartridge inserted"),
    _errno.ESTALE: (CartridgeError,
                    "the cartridge was used before; cartridges are single use"),
    _errno.ENOSPC: (CartridgeError, "the cartridge's stroke budget is spent"),
    _errno.EAGAIN: (HoldToRunError,
                    "hold-to-run is on and the footswitch is not held"),
}


def _handle_error(e: OSError, extra: Optional[dict] = None) -> OSError:
    """The exception to raise for @e, raised by a call on an open pen."""
    table = dict(_HANDLE_ERRORS)
    if extra:
        table.update(extra)
    if e.errno in table:
        cls, msg = table[e.errno]
        return _error(cls, e.errno, msg, e.filename)
    return e


# ---- values ------------------------------------------------------------

_U32_MAX = 0xFFFFFFFF


def _parse(quantity: int, what: str, text: str) -> int:
    try:
        return _pen.parse(quantity, text)
    except OSError as e:
        raise InvalidValueError(
            e.errno, f"invalid {what} {text!r}: {e.strerror}") from None


def parse_depth(text: str) -> int:
    """Micrometres of a depth with its unit: "0.5mm", "500um", "500µm".

    libpen's pen_parse_depth(): the unit is required, and the value must
    be a whole number of micrometres. Raises InvalidValueError saying
    which part of @text is wrong.
    """
    return _parse(_pen.QUANTITY_DEPTH, "depth", text)


def parse_rate(text: str) -> int:
    """Millihertz of a stroke rate with its unit: "120Hz", "120000mHz",
    "7200spm" (strokes per minute, or "rpm"). libpen's pen_parse_rate()."""
    return _parse(_pen.QUANTITY_RATE, "rate", text)


def parse_duration(text: str) -> int:
    """Nanoseconds of a duration: "3s", "500ms", "2min", "1h", or a bare
    number of seconds. libpen's pen_parse_duration()."""
    return _parse(_pen.QUANTITY_DURATION, "duration", text)


def parse_device(name: str) -> str:
    """The device file a pen's name stands for: "0", "pen0" and
    "/dev/pen0" give "/dev/pen0"; a path with a '/' is itself.
    libpen's pen_parse_device(); anything else is InvalidValueError."""
    try:
        return _pen.parse_device(name)
    except OSError as e:
        raise InvalidValueError(
            e.errno, f"invalid device {name!r}: {e.strerror}") from None


def format_depth(depth_um: int) -> str:
    """A depth in millimetres, exactly: 500 gives "0.5 mm"."""
    return _pen.format_depth(_value("depth", "micrometres", depth_um,
                                    None)[0])


def format_rate(rate_mhz: int) -> str:
    """A stroke rate in hertz, exactly: 120500 gives "120.5 Hz"."""
    return _pen.format_rate(_value("rate", "millihertz", rate_mhz, None)[0])


def _value(what: str, unit: str, value: Union[str, int],
           parse) -> Tuple[int, str]:
    """(kernel units, the value as the user wrote it) of @value: text
    through libpen's @parse (None: numbers only), or a number that fits
    the kernel's 32 bits."""
    if isinstance(value, str) and parse is not None:
        return parse(value), repr(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{what} must be a str with its unit or an int of {unit}, "
            f"not {type(value).__name__}")
    if not 0 <= value <= _U32_MAX:
        raise InvalidValueError(
            _errno.ERANGE,
            f"invalid {what} {value}: not 0 to {_U32_MAX} {unit}")
    return value, str(value)


def _timeout_ns(timeout: Optional[float]) -> int:
    """Seconds (None: for ever) as libpen's nanoseconds (-1: for ever)."""
    if timeout is None:
        return -1
    if timeout < 0:
        raise ValueError("timeout must be non-negative or None")
    return int(timeout * 1e9)


# ---- what a pen reports ------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Info:
    """A pen's identity and limits (struct pen_info), from Pen.info().

    Depths are in micrometres (_um), rates in millihertz (_mhz): 120 Hz
    is 120000. format_depth() and format_rate() put them in words.
    """

    api_version: int
    needle_count: int
    depth_min_um: int
    depth_max_um: int
    depth_step_um: int
    rate_min_mhz: int
    rate_max_mhz: int
    flags: InfoFlag
    name: str
    driver: str
    model: str
    serial: str
    depth_cap_um: int
    max_run_time_s: int


@dataclasses.dataclass(frozen=True)
class Status:
    """A pen's live state (struct pen_status), from Pen.status().

    Times are CLOCK_MONOTONIC nanoseconds (time.monotonic_ns()); counts
    of strokes are since the pen was registered, run_* since the last
    start. Enum fields hold the plain number for a value a newer driver
    added.
    """

    state: Union[State, int]
    stop_reason: Union[StopReason, int]
    depth_um: int
    rate_mhz: int
    flags: StatusFlag
    last_reached_um: int
    strokes: int
    run_strokes: int
    missed_strokes: int
    run_missed_strokes: int
    started_ns: int
    stopped_ns: int
    last_stroke_ns: int
    max_lateness_ns: int
    fault: Union[Fault, int]
    fault_value: int
    fault_ns: int
    fault_seq: int
    cartridge_id: int
    cartridge_state: Union[CartridgeState, int]
    cartridge_budget: int
    cartridge_strokes: int

    @property
    def running(self) -> bool:
        """Whether the needle runs."""
        return self.state == State.RUNNING

    @property
    def controlled(self) -> bool:
        """Whether a controller has the pen open."""
        return bool(self.flags & StatusFlag.CONTROLLED)


@dataclasses.dataclass(frozen=True)
class Event:
    """One record of a pen's event stream (struct pen_event).

    ``timestamp_ns`` is CLOCK_MONOTONIC; ``seq`` is the stroke's number
    for a stroke, otherwise the number of the next stroke. The subclass
    says what happened; its fields are those of the record's type.
    """

    type: Union[EventType, int]
    flags: int
    timestamp_ns: int
    seq: int


@dataclasses.dataclass(frozen=True)
class StrokeEvent(Event):
    """A stroke's outcome (PEN_EVENT_STROKE)."""

    cmd_um: int
    reached_um: int
    lateness_ns: int
    reached_ns: int
    missed: int
    rate_mhz: int

    @property
    def measured(self) -> bool:
        """Whether the hardware reported reached_um."""
        return bool(self.flags & _pen.STROKE_MEASURED)


@dataclasses.dataclass(frozen=True)
class StateEvent(Event):
    """The needle started or stopped (PEN_EVENT_STATE)."""

    state: Union[State, int]
    stop_reason: Union[StopReason, int]
    depth_um: int
    rate_mhz: int


@dataclasses.dataclass(frozen=True)
class SetpointEvent(Event):
    """New setpoints were accepted (PEN_EVENT_SETPOINT); ``mask`` says
    which the call changed."""

    depth_um: int
    rate_mhz: int
    mask: ParamMask


@dataclasses.dataclass(frozen=True)
class FaultEvent(Event):
    """A fault (PEN_EVENT_FAULT); ``latched`` unless another fault was
    latched already."""

    fault: Union[Fault, int]
    value: int

    @property
    def latched(self) -> bool:
        """Whether it is the latched fault now."""
        return bool(self.flags & _pen.FAULT_LATCHED)


@dataclasses.dataclass(frozen=True)
class FaultClearedEvent(Event):
    """The latched fault was cleared (PEN_EVENT_FAULT_CLEARED)."""

    fault: Union[Fault, int]
    value: int


@dataclasses.dataclass(frozen=True)
class CartridgeEvent(Event):
    """A cartridge went in, came out or ran out (PEN_EVENT_CARTRIDGE)."""

    id: int
    state: Union[CartridgeState, int]
    budget: int
    strokes: int


@dataclasses.dataclass(frozen=True)
class OverflowEvent(Event):
    """This handle's ring was full: ``lost`` events are missing here
    (PEN_EVENT_OVERFLOW)."""

    lost: int


@dataclasses.dataclass(frozen=True)
class UnknownEvent(Event):
    """An event of a type this binding does not know: ``raw`` holds the
    record's five 64-bit words."""

    raw: Tuple[int, int, int, int, int]


def _event(t: Tuple[int, int, int, int, tuple]) -> Event:
    typ, flags, ts, seq, f = t
    head = (EventType._of(typ), flags, ts, seq)
    if typ == _pen.EVENT_STROKE:
        return StrokeEvent(*head, *f)
    if typ == _pen.EVENT_STATE:
        return StateEvent(*head, State._of(f[0]), StopReason._of(f[1]),
                          f[2], f[3])
    if typ == _pen.EVENT_SETPOINT:
        return SetpointEvent(*head, f[0], f[1], ParamMask(f[2]))
    if typ == _pen.EVENT_FAULT:
        return FaultEvent(*head, Fault._of(f[0]), f[1])
    if typ == _pen.EVENT_FAULT_CLEARED:
        return FaultClearedEvent(*head, Fault._of(f[0]), f[1])
    if typ == _pen.EVENT_CARTRIDGE:
        return CartridgeEvent(*head, f[0], CartridgeState._of(f[1]),
                              f[2], f[3])
    if typ == _pen.EVENT_OVERFLOW:
        return OverflowEvent(*head, f[0])
    return UnknownEvent(*head, tuple(f))


# ---- the pen -----------------------------------------------------------


class Pen:
    """An open pen: Pen(0), Pen("pen0"), Pen("/dev/pen0"), Pen(path).

    Opened read-only unless ``control=True``: a read-only handle (an
    observer) may read the pen's info, status and events and stop the
    needle; the controller, of which a pen has one at a time (BusyError
    for a second), may also change setpoints, start the needle, clear
    faults and arm its watchdog. The needle stops when its controller is
    closed, or its process dies.

    A Pen is a context manager that closes it, and has a fileno() for
    select, selectors and asyncio: it is readable when events wait to be
    read (read_events()). Failures raise OSError subclasses (see Error).
    """

    def __init__(self, pen: Union[int, str, "os.PathLike[str]"], *,
                 control: bool = False) -> None:
        if isinstance(pen, bool):
            raise TypeError("a pen is a number, a name or a path, not bool")
        if isinstance(pen, int):
            if pen < 0:
                raise InvalidValueError(
                    _errno.ERANGE, f"invalid device {pen}: no such pen number")
            path = parse_device(str(pen))
        elif isinstance(pen, str):
            path = parse_device(pen)
        elif isinstance(pen, os.PathLike):
            path = os.fspath(pen)
        else:
            raise TypeError("a pen is a number, a name or a path, "
                            f"not {type(pen).__name__}")
        self.control: bool = control
        try:
            self._h = _pen.Handle(path, control)
        except OSError as e:
            if e.errno == _errno.EBUSY:
                raise BusyError(e.errno,
                                "another handle controls the pen",
                                e.filename) from None
            if e.errno == _errno.ENOTTY:
                raise _error(OSError, e.errno, "not a pen device",
                             e.filename) from None
            raise

    # -- handle --

    @property
    def path(self) -> str:
        """The device file, as opened ("/dev/pen0")."""
        return self._h.path

    @property
    def closed(self) -> bool:
        """Whether close() was called."""
        return self._h.closed

    def close(self) -> None:
        """Close the pen; for the controller, the kernel stops the needle.
        Closing twice does nothing."""
        self._h.close()

    def fileno(self) -> int:
        """The pen's descriptor, readable when events wait: for select(),
        selectors and asyncio's add_reader(). It belongs to the Pen: do
        not close it."""
        return self._h.fileno()

    def __enter__(self) -> "Pen":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.closed:
            return "<pen.Pen closed>"
        return (f"<pen.Pen {self.path!r} "
                f"{'controller' if self.control else 'read-only'}>")

    def _call(self, fn, *args, extra: Optional[dict] = None):
        try:
            return fn(*args)
        except OSError as e:
            raise _handle_error(e, extra) from None

    # -- queries --

    def info(self) -> Info:
        """The pen's identity and limits (pen_get_info())."""
        d = self._call(self._h.info)
        d["flags"] = InfoFlag(d["flags"])
        return Info(**d)

    def status(self) -> Status:
        """The pen's live state (pen_get_status())."""
        d = self._call(self._h.status)
        d["state"] = State._of(d["state"])
        d["stop_reason"] = StopReason._of(d["stop_reason"])
        d["fault"] = Fault._of(d["fault"])
        d["cartridge_state"] = CartridgeState._of(d["cartridge_state"])
        d["flags"] = StatusFlag(d["flags"])
        return Status(**d)

    # -- setpoints --

    def set_depth(self, depth: Union[str, int]) -> None:
        """Set the depth: "0.5mm", "500um", or an int of micrometres."""
        self.set_params(depth=depth)

    def set_rate(self, rate: Union[str, int]) -> None:
        """Set the stroke rate: "120Hz", "7200spm", or an int of
        millihertz (120000 is 120 Hz)."""
        self.set_params(rate=rate)

    def set_params(self, depth: Union[str, int, None] = None,
                   rate: Union[str, int, None] = None) -> None:
        """Set the depth, the rate or both, atomically: both take effect
        at the same stroke boundary, or neither does.

        Raises InvalidValueError for a value that is malformed or out of
        32 bits, RefusedError for one the pen's rules refuse (its range,
        its depth step, the administrator's depth cap), naming the value
        as given and the limit; either way nothing changes.
        NotControllerError on a read-only handle.
        """
        mask, depth_um, rate_mhz = 0, 0, 0
        words = {}
        if depth is not None:
            depth_um, words["depth"] = _value("depth", "micrometres", depth,
                                              parse_depth)
            mask |= _pen.PARAM_DEPTH
        if rate is not None:
            rate_mhz, words["rate"] = _value("rate", "millihertz", rate,
                                             parse_rate)
            mask |= _pen.PARAM_RATE
        if not mask:
            raise TypeError("set_params() needs a depth, a rate or both")
        try:
            self._h.set_params(mask, depth_um, rate_mhz)
        except OSError as e:
            if e.errno in (_errno.EINVAL, _errno.ERANGE):
                why = self._h.explain_refusal(mask, depth_um, rate_mhz,
                                              e.errno)
                if why is not None:
                    rule, lo, hi, step, cap, text = why
                    what = "rate" if rule == Rule.RATE_RANGE else "depth"
                    r = RefusedError(e.errno,
                                     f"invalid {what} {words[what]}: {text}",
                                     e.filename)
                    r.rule, r.min, r.max, r.step, r.cap = (
                        Rule._of(rule), lo, hi, step, cap)
                    raise r from None
            raise _handle_error(e) from None

    # -- the needle --

    def start(self) -> None:
        """Start the needle with the current setpoints (controller only).

        Raises FaultLatchedError (a fault must be cleared first),
        CartridgeError, HoldToRunError, RefusedError (the depth is above
        the depth cap), InterruptedError if a signal came meanwhile (the
        needle did not start: an interrupted start is never retried).
        """
        try:
            self._h.start()
        except OSError as e:
            if e.errno == _errno.EIO:
                fault = self._latched_fault()
                if fault is not None:
                    err = FaultLatchedError(
                        e.errno, f"fault {fault} latched: clear_fault() "
                        "acknowledges it", e.filename)
                    err.fault = fault
                    raise err from None
            if e.errno == _errno.ERANGE:
                st = self._h.status()
                why = self._h.explain_refusal(_pen.PARAM_DEPTH,
                                              st["depth_um"], 0, e.errno)
                if why is not None and why[0] == Rule.DEPTH_CAP:
                    r = RefusedError(
                        e.errno, f"the depth {format_depth(st['depth_um'])} "
                        f"is above the pen's depth cap, "
                        f"{format_depth(why[4])}", e.filename)
                    r.rule, r.min, r.max, r.step, r.cap = (
                        Rule.DEPTH_CAP, why[1], why[2], why[3], why[4])
                    raise r from None
            raise _handle_error(e, _START_ERRORS) from None

    def _latched_fault(self) -> Union[Fault, int, None]:
        try:
            f = self._h.status()["fault"]
        except OSError:
            return None
        return Fault._of(f) if f != _pen.FAULT_NONE else None

    def stop(self) -> None:
        """Stop the needle. Any handle may, read-only ones included."""
        self._call(self._h.stop)

    def clear_fault(self) -> None:
        """Acknowledge the latched fault (controller only); does not start
        the needle, and does nothing if no fault is latched."""
        self._call(self._h.clear_fault)

    def set_hold_to_run(self, enable: bool) -> None:
        """Run only while the footswitch is held (controller only)."""
        self._call(self._h.set_hold_to_run, bool(enable), extra={
            _errno.EOPNOTSUPP: (Error, "the pen has no footswitch"),
            _errno.EPERM: (PermissionError,
                           "the administrator requires hold-to-run"),
        })

    # -- the watchdog --

    def arm_watchdog(self, timeout: Union[str, int]) -> None:
        """Arm the controller's heartbeat: while the needle runs,
        kick_watchdog() must come within @timeout or the kernel stops it
        with Fault.WATCHDOG. @timeout is a duration ("500ms", "2s") or
        an int of milliseconds, WATCHDOG_MIN_MS to WATCHDOG_MAX_MS.
        Arming counts as a kick."""
        if isinstance(timeout, str):
            ns = parse_duration(timeout)
            if ns % 1000000:
                raise InvalidValueError(
                    _errno.EINVAL, f"invalid watchdog {timeout!r}: "
                    "not a whole number of milliseconds")
            ms, word = ns // 1000000, repr(timeout)
        else:
            ms, word = _value("watchdog", "milliseconds", timeout, None)
        if not WATCHDOG_MIN_MS <= ms <= WATCHDOG_MAX_MS:
            raise InvalidValueError(
                _errno.ERANGE, f"invalid watchdog {word}: not "
                f"{WATCHDOG_MIN_MS} ms to {WATCHDOG_MAX_MS} ms")
        self._call(self._h.set_watchdog, ms)

    def disarm_watchdog(self) -> None:
        """Disarm the heartbeat (controller only)."""
        self._call(self._h.set_watchdog, 0)

    def kick_watchdog(self) -> None:
        """Tell the kernel the controller is alive (controller only)."""
        self._call(self._h.kick_watchdog)

    # -- events --

    def wait_events(self, timeout: Optional[float] = None) -> bool:
        """Wait up to @timeout seconds (None: for ever) for events: True
        if there are some (or the pen was removed), False if the time
        passed first."""
        return self._call(self._h.wait, _timeout_ns(timeout))

    def read_events(self, max_events: int = 64) -> List[Event]:
        """The events waiting now, oldest first, at most @max_events; an
        empty list if none. Never blocks: after select() or asyncio
        said fileno() is readable, this reads what is there. Raises
        RemovedError once the pen is gone and its last events read."""
        return [_event(t) for t in
                self._call(self._h.read, max_events, False)]

    def events(self, timeout: Optional[float] = None) -> Iterator[Event]:
        """Iterate over the pen's events as they come, oldest first.

        With a @timeout in seconds, the iteration ends when no event came
        for that long; without, it waits for ever. Each handle sees every
        event from its opening on; a full ring shows as an OverflowEvent
        at the place of the events lost. Raises RemovedError when the
        pen goes away, after its last events.
        """
        tns = _timeout_ns(timeout)
        while True:
            if not self._call(self._h.wait, tns):
                return
            for t in self._call(self._h.read, 64, False):
                yield _event(t)
