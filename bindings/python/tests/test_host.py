# SPDX-License-Identifier: LGPL-2.1-or-later
"""The binding without a pen: values, names, errors (host and guest)."""
import errno
import os
import pathlib

import pytest

import pen


@pytest.mark.parametrize("text,um", [
    ("0.5mm", 500), ("1.25 mm", 1250), ("500um", 500), ("500µm", 500),
    ("3MM", 3000), ("0mm", 0),
])
def test_parse_depth(text, um):
    assert pen.parse_depth(text) == um


@pytest.mark.parametrize("text,mhz", [
    ("120Hz", 120000), ("120.5 hz", 120500), ("120000mHz", 120000),
    ("7200spm", 120000), ("7200rpm", 120000),
])
def test_parse_rate(text, mhz):
    assert pen.parse_rate(text) == mhz


def test_parse_duration():
    assert pen.parse_duration("1.5s") == 1500000000
    assert pen.parse_duration("500ms") == 500000000
    assert pen.parse_duration("3") == 3000000000


@pytest.mark.parametrize("fn,text,err,words", [
    (pen.parse_depth, "2x", errno.EINVAL,
     "invalid depth '2x': unknown unit 'x' (use mm or um)"),
    (pen.parse_depth, "0.5", errno.EINVAL,
     "invalid depth '0.5': missing unit (use mm or um)"),
    (pen.parse_depth, "-1mm", errno.EINVAL,
     "invalid depth '-1mm': negative values are not allowed"),
    (pen.parse_depth, "", errno.EINVAL, "invalid depth '': empty value"),
    (pen.parse_depth, "0.0005mm", errno.EINVAL,
     "invalid depth '0.0005mm': not a whole number of micrometres"),
    (pen.parse_depth, "99999999mm", errno.ERANGE,
     "invalid depth '99999999mm': too large"),
    (pen.parse_rate, "5MHz", errno.EINVAL,
     "invalid rate '5MHz': MHz is megahertz; use mHz"),
    (pen.parse_duration, "0s", errno.EINVAL,
     "invalid duration '0s': must be greater than zero"),
    (pen.parse_device, "pen1x", errno.EINVAL, "invalid device 'pen1x': "),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_parse_errors(fn, text, err, words):
    with pytest.raises(pen.InvalidValueError) as e:
        fn(text)
    assert e.value.errno == err
    assert e.value.strerror.startswith(words)
    # Both a system error and a bad value, as a caller may catch either.
    assert isinstance(e.value, OSError)
    assert isinstance(e.value, ValueError)


def test_parse_types():
    with pytest.raises(TypeError):
        pen.parse_depth(500)
    with pytest.raises(ValueError):
        pen.parse_depth("1mm\0")


def test_parse_device():
    assert pen.parse_device("3") == "/dev/pen3"
    assert pen.parse_device("pen3") == "/dev/pen3"
    assert pen.parse_device("/dev/pen3") == "/dev/pen3"
    assert pen.parse_device("./pen0") == "./pen0"


def test_format():
    assert pen.format_depth(500) == "0.5 mm"
    assert pen.format_depth(3000) == "3 mm"
    assert pen.format_rate(120500) == "120.5 Hz"
    with pytest.raises(pen.InvalidValueError):
        pen.format_depth(-1)
    with pytest.raises(pen.InvalidValueError):
        pen.format_rate(2**32)
    with pytest.raises(TypeError):
        pen.format_rate("120Hz")


@pytest.mark.parametrize("enum", [
    pen.State, pen.StopReason, pen.Fault, pen.CartridgeState,
    pen.EventType, pen.Rule,
])
def test_enum_names(enum):
    """Every value of <linux/pen.h> the binding knows has libpen's name:
    the two agree."""
    for member in enum:
        name = str(member)
        assert name != str(member.value), member
        assert name == name.lower() and " " not in name
        # The name a program prints, f-strings and format() included.
        assert f"{member}" == name and format(member, ">12") == f"{name:>12}"


def test_enum_some_names():
    assert str(pen.State.RUNNING) == "running"
    assert str(pen.Fault.OVER_DEPTH) == "over-depth"
    assert str(pen.StopReason.CARTRIDGE_SPENT) == "cartridge-spent"
    assert str(pen.EventType.FAULT_CLEARED) == "fault-cleared"
    assert str(pen.Rule.DEPTH_CAP) == "depth-cap"
    assert pen.Fault.WATCHDOG == 7 and pen.StopReason.PEDAL == 12
    assert pen.WATCHDOG_MIN_MS == 10 and pen.WATCHDOG_MAX_MS == 60000


def test_open_nonexistent():
    path = "/dev/pen4000000000"
    assert not os.path.exists(path)
    with pytest.raises(FileNotFoundError) as e:
        pen.Pen(4000000000)
    assert e.value.errno == errno.ENOENT and e.value.filename == path
    with pytest.raises(FileNotFoundError):
        pen.Pen("pen4000000000", control=True)
    with pytest.raises(FileNotFoundError):
        pen.Pen(pathlib.Path(path))


def test_open_bad_names():
    with pytest.raises(pen.InvalidValueError) as e:
        pen.Pen("pen")
    assert e.value.errno == errno.EINVAL
    with pytest.raises(pen.InvalidValueError) as e:
        pen.Pen(-1)
    assert e.value.errno == errno.ERANGE
    with pytest.raises(pen.InvalidValueError):
        pen.Pen("pen99999999999")
    with pytest.raises(TypeError):
        pen.Pen(True)
    with pytest.raises(TypeError):
        pen.Pen(1.0)


def test_open_not_a_pen(tmp_path):
    """Not a character device: libpen refuses it before open(2)."""
    with pytest.raises(OSError) as e:
        pen.Pen(str(tmp_path))
    assert e.value.errno == errno.ENOTTY
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as e:
        pen.Pen(fifo, control=True)
    assert e.value.errno == errno.ENOTTY


def test_exception_classes():
    for cls in (pen.InvalidValueError, pen.RefusedError, pen.BusyError,
                pen.NotControllerError, pen.RemovedError,
                pen.FaultLatchedError, pen.CartridgeError,
                pen.HoldToRunError):
        assert issubclass(cls, pen.Error) and issubclass(cls, OSError)
    assert issubclass(pen.NotControllerError, PermissionError)
    e = pen.BusyError(errno.EBUSY, "another handle controls the pen",
                      "/dev/pen0")
    assert e.errno == errno.EBUSY and e.filename == "/dev/pen0"


def test_docstrings():
    for name in pen.__all__:
        obj = getattr(pen, name)
        if callable(obj):
            assert obj.__doc__, name
    for name, obj in vars(pen.Pen).items():
        if callable(obj) and not name.startswith("_"):
            assert obj.__doc__, name
