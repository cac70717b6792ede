#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Python binding (bindings/python) against simulated pens: its
# pytest tests, each test one kselftest result
# (bindings/python/tests/pen_ktap.py prints them and the totals).
#
# In a scripts/vm-run guest they run through hostrun, in the tool root's
# python3 (the initramfs has none), against this architecture's build
# ($PEN_BUILD/python/pen) and the tree's tests; there a missing tool
# root, pytest or binding is a failure, since make check must not lose
# these tests. Elsewhere (an installed system) they run in the system's
# python3 if it has the pen module and pytest, and the tests are
# installed beside this script (python/); if not, the script skips.
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ktap.sh
. "$dir/ktap.sh"
# shellcheck source=pen_util.sh
. "$dir/pen_util.sh"

# fail_all WHY: the whole script is one failure.
fail_all() {
	ktap_plan 1
	not_ok "python: $1"
	ktap_finish
}

pen_sim_ensure
pre=$(tool_cmd python3)
case $? in
0) ;;
2) fail_all "hostrun: this guest has no tool root (scripts/vm-run)" ;;
*) ksft_skip_all "no python3" ;;
esac

if [ "$pre" = hostrun ]; then
	# Single quotes: expanded in the tool root, by its shell.
	# shellcheck disable=SC2016
	tests='$PEN_TOP/bindings/python/tests'
	# shellcheck disable=SC2016
	hostrun sh -c 'python3 -c "import pytest" 2> /dev/null' ||
		fail_all "no pytest in the tool root (python3-pytest)"
	# shellcheck disable=SC2016
	hostrun sh -c 'test -f "$PEN_BUILD/python/pen/__init__.py"' ||
		fail_all "no Python binding in the build (make python)"
else
	tests=$dir/python
	[ -f "$tests/pen_ktap.py" ] ||
		ksft_skip_all "the binding's tests are not installed ($tests)"
	python3 -c "import pytest" 2> /dev/null ||
		ksft_skip_all "no pytest (python3-pytest)"
	python3 -c "import pen" 2> /dev/null ||
		ksft_skip_all "no pen module (python3-pen)"
fi

# The plugin beside the tests; the tool root is read-only: no cache, no
# .pyc. A binding that is built but does not import fails (each test
# module one failure, with Python's error).
# shellcheck disable=SC2086 # $pre: the prefix, or nothing
exec $pre sh -c "cd /tmp &&
	PYTHONPATH=\${PYTHONPATH:+\$PYTHONPATH:}$tests \
	PYTHONDONTWRITEBYTECODE=1 \
	exec python3 -m pytest -p pen_ktap -p no:terminal -p no:cacheprovider \
		\"$tests\""
