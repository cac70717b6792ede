#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Python binding (bindings/python) against simulated pens: its
# pytest tests, run by the tool root's python3 through hostrun (the
# guest's initramfs has no Python), each test one kselftest result
# (bindings/python/tests/pen_ktap.py prints them and the totals). The
# binding is this architecture's build: $PEN_BUILD/python/pen.
#
# Skipped as a whole where the guest has no tool root, the tool root no
# pytest, or the build no binding; a binding that does not import fails
# (each test module one failure, with Python's error).
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ktap.sh
. "$dir/ktap.sh"
# shellcheck source=pen_util.sh
. "$dir/pen_util.sh"
pen_sim_ensure

command -v hostrun > /dev/null ||
	ksft_skip_all "no hostrun: this system has no tool root (scripts/vm-run)"
hostrun true 2> /dev/null ||
	ksft_skip_all "hostrun: this guest has no tool root (scripts/vm-run, PEN_VM_TOOLS)"
# Single quotes: expanded in the tool root, by its shell.
# shellcheck disable=SC2016
hostrun sh -c 'python3 -c "import pytest" 2> /dev/null' ||
	ksft_skip_all "no pytest in the tool root (python3-pytest)"
# Built but failing to import is a failure of the tests, not a skip.
# shellcheck disable=SC2016
hostrun sh -c 'test -f "$PEN_BUILD/python/pen/__init__.py"' ||
	ksft_skip_all "no Python binding in the build (make python)"

# The plugin beside the tests; the root is read-only: no cache, no .pyc.
# shellcheck disable=SC2016
exec hostrun sh -c 'cd /tmp &&
	PYTHONPATH=$PYTHONPATH:$PEN_TOP/bindings/python/tests \
	exec python3 -m pytest -p pen_ktap -p no:terminal -p no:cacheprovider \
		"$PEN_TOP/bindings/python/tests"'
