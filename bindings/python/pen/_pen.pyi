# SPDX-License-Identifier: LGPL-2.1-or-later
# The C half of the binding (_pen.c); programs use the pen package.
from typing import Dict, List, Optional, Tuple, Union

API_VERSION: int
EVENT_RING_SIZE: int
WATCHDOG_MIN_MS: int
WATCHDOG_MAX_MS: int
STATE_STOPPED: int
STATE_RUNNING: int
STOP_NONE: int
STOP_REQUEST: int
STOP_CLOSE: int
STOP_REMOVED: int
STOP_BACKEND: int
STOP_FAULT: int
STOP_DEPTH_CAP: int
STOP_RUN_TIME: int
STOP_CARTRIDGE_REMOVED: int
STOP_CARTRIDGE_SPENT: int
STOP_SUSPEND: int
STOP_SHUTDOWN: int
STOP_PEDAL: int
CARTRIDGE_NONE: int
CARTRIDGE_READY: int
CARTRIDGE_REUSED: int
CARTRIDGE_SPENT: int
FAULT_NONE: int
FAULT_OVER_DEPTH: int
FAULT_STALL: int
FAULT_OVERCURRENT: int
FAULT_OVERTEMP: int
FAULT_SUPPLY_LOW: int
FAULT_TIMING: int
FAULT_WATCHDOG: int
STATUS_CONTROLLED: int
STATUS_HOLD_TO_RUN: int
STATUS_HOLD_POLICY: int
STATUS_PEDAL_DOWN: int
INFO_BUTTONS: int
INFO_FOOTSWITCH: int
PARAM_DEPTH: int
PARAM_RATE: int
PARAM_ALL: int
EVENT_STROKE: int
EVENT_STATE: int
EVENT_SETPOINT: int
EVENT_FAULT: int
EVENT_FAULT_CLEARED: int
EVENT_CARTRIDGE: int
EVENT_OVERFLOW: int
STROKE_MEASURED: int
FAULT_LATCHED: int
RULE_NONE: int
RULE_DEPTH_RANGE: int
RULE_DEPTH_STEP: int
RULE_RATE_RANGE: int
RULE_DEPTH_CAP: int
QUANTITY_DEPTH: int
QUANTITY_RATE: int
QUANTITY_DURATION: int
QUANTITY_DEVICE: int
QUANTITY_INDEX: int
NAME_STATE: int
NAME_STOP_REASON: int
NAME_FAULT: int
NAME_CARTRIDGE: int
NAME_EVENT_TYPE: int
NAME_RULE: int

_EventTuple = Tuple[int, int, int, int, Tuple[int, ...]]

class Handle:
    path: str
    closed: bool
    def __init__(self, path: Union[str, bytes], control: bool = ...) -> None: ...
    def close(self) -> None: ...
    def fileno(self) -> int: ...
    def info(self) -> Dict[str, Union[int, str]]: ...
    def status(self) -> Dict[str, int]: ...
    def set_params(self, mask: int, depth_um: int, rate_mhz: int) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def clear_fault(self) -> None: ...
    def set_watchdog(self, timeout_ms: int) -> None: ...
    def kick_watchdog(self) -> None: ...
    def set_hold_to_run(self, enable: bool) -> None: ...
    def wait(self, timeout_ns: int) -> bool: ...
    def read(self, max_events: int, block: bool) -> List[_EventTuple]: ...
    def explain_refusal(
        self, mask: int, depth_um: int, rate_mhz: int, err: int
    ) -> Optional[Tuple[int, int, int, int, int, str]]: ...

def parse(quantity: int, text: str) -> int: ...
def parse_device(text: str) -> str: ...
def format_depth(depth_um: int) -> str: ...
def format_rate(rate_mhz: int) -> str: ...
def name(kind: int, value: int) -> Optional[str]: ...
