#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The Python binding's tests that need no pen (test_host.py), on this
# machine, against BUILD/python and BUILD/libpen.so.1: the TAP of
# pen_ktap.py, then "N passed, N failed" for libpen/tests/host-tests.sh
# and scripts/check. Without pytest (python3-pytest) they are not run:
# "0 passed, 0 failed" and a line saying so.
#
#   bindings/python/tests/host-tests.sh BUILD [PYTHON]
build=${1:?usage: host-tests.sh BUILD [PYTHON]}
python=${2:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)

if ! "$python" -c 'import pytest' 2> /dev/null; then
	echo "# python: no pytest for $python (python3-pytest): not run"
	echo "0 passed, 0 failed"
	exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
PYTHONPATH=$build/python:$here${PYTHONPATH:+:$PYTHONPATH} \
LD_LIBRARY_PATH=$build${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
PYTHONDONTWRITEBYTECODE=1 \
	"$python" -m pytest -p pen_ktap -p no:terminal -p no:cacheprovider \
	"$here/test_host.py" > "$out" 2>&1
rc=$?
cat "$out"
totals=$(grep '^# Totals:' "$out" | tail -n 1)
p=$(echo "$totals" | sed -n 's/.* pass:\([0-9]*\).*/\1/p')
f=$(echo "$totals" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
if [ -z "$p" ]; then
	echo "not ok - python: pytest exited $rc without totals"
	p=0 f=1
elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
	echo "not ok - python: pytest exited $rc with no failed test"
	f=1
fi
echo "$p passed, $f failed"
[ "$f" = 0 ]
