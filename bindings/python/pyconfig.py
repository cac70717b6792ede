# SPDX-License-Identifier: LGPL-2.1-or-later
"""Print what building the extension for a Python needs, on one line:
its extension suffix and its include directory.

    pyconfig.py            the Python running this script
    pyconfig.py ROOT       the Python 3 installed in ROOT, another
                           architecture's root (a cross build): read from
                           its _sysconfigdata, never from this machine's

Cross builds thereby name the module as the target's python3 looks for
it (.cpython-311-aarch64-linux-gnu.so), whatever runs the build.
"""
import glob
import os
import runpy
import sys
import sysconfig


def main() -> int:
    if len(sys.argv) < 2 or not sys.argv[1]:
        print(sysconfig.get_config_var("EXT_SUFFIX"),
              sysconfig.get_paths()["include"])
        return 0
    root = sys.argv[1]
    found = sorted(glob.glob(os.path.join(
        root, "usr/lib/python3*/_sysconfigdata_*.py")))
    if not found:
        print(f"pyconfig.py: no Python 3 in {root} "
              "(usr/lib/python3*/_sysconfigdata_*.py)", file=sys.stderr)
        return 1
    # Debian has one file and links to it under other names: all agree.
    conf = runpy.run_path(os.path.realpath(found[0]))["build_time_vars"]
    print(conf["EXT_SUFFIX"], root.rstrip("/") + conf["INCLUDEPY"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
