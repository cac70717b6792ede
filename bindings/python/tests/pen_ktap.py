# SPDX-License-Identifier: LGPL-2.1-or-later
"""pytest plugin: report in kselftest's TAP, as selftests/run_tests.sh
counts it.

    python3 -m pytest -p pen_ktap -p no:terminal -p no:cacheprovider TESTS

prints "TAP version 13", the plan "1..N", one "ok N name", "not ok N
name" (the failure after it as "# " lines) or "ok N name # SKIP why" per
test, and the C harness's "# Totals: pass:N fail:N xfail:0 xpass:0
skip:N error:0". A module that fails to import is one failure.
"""
import os
import sys

# Taken before pytest captures the output of the tests.
_out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)


def _say(line: str) -> None:
    _out.write(line + "\n")
    _out.flush()


class _Ktap:
    def __init__(self) -> None:
        self.n = 0
        self.counts = {"pass": 0, "fail": 0, "skip": 0}
        self.reports = {}

    def result(self, name: str, outcome: str, detail: str = "") -> None:
        self.n += 1
        self.counts[outcome] += 1
        if outcome == "pass":
            _say(f"ok {self.n} {name}")
        elif outcome == "skip":
            _say(f"ok {self.n} {name} # SKIP {detail}")
        else:
            _say(f"not ok {self.n} {name}")
            for line in detail.splitlines()[-40:]:
                _say(f"# {line}")

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.result(f"collect {report.nodeid}", "fail",
                        str(report.longrepr))

    def pytest_collection_finish(self, session) -> None:
        _say("TAP version 13")
        _say(f"1..{len(session.items) + self.counts['fail']}")

    def pytest_runtest_logreport(self, report) -> None:
        self.reports.setdefault(report.nodeid, []).append(report)

    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        reports = self.reports.pop(nodeid, [])
        name = nodeid.rsplit("/", 1)[-1]
        for r in reports:
            if r.failed:
                what = "" if r.when == "call" else f"(in {r.when}) "
                self.result(name, "fail", what + str(r.longrepr))
                return
        for r in reports:
            if r.skipped:
                why = r.longrepr[2] if isinstance(r.longrepr, tuple) else ""
                self.result(name, "skip", why.replace("Skipped: ", ""))
                return
        self.result(name, "pass")

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        c = self.counts
        _say(f"# Totals: pass:{c['pass']} fail:{c['fail']} xfail:0 "
             f"xpass:0 skip:{c['skip']} error:0")


def pytest_configure(config) -> None:
    config.pluginmanager.register(_Ktap(), "pen_ktap_reporter")
