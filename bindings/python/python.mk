# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The Python binding of libpen (bindings/python/README.md), included by
# the top-level Makefile:
#
#   python             $(BUILD)/python/pen/: the package, importable with
#                      PYTHONPATH=$(BUILD)/python LD_LIBRARY_PATH=$(BUILD)
#                      (the C extension _pen links libpen.so.1, no rpath)
#   python-host-tests  its tests that need no pen (pytest; skipped without
#                      python3-pytest), ending "N passed, N failed"
#   python-install     the package into $(DESTDIR)$(PYTHONDIR)
#   python-clean
#
# PEN_PYTHON is the Python to build for: the system's python3, which
# python3-pen and the guests' tool root run, not whatever python3 comes
# first on the PATH (a virtualenv's, pyenv's). A cross build names the
# target's root in PEN_PY_ROOT instead (scripts/build-cross: the arm64
# tool root): the headers and the extension's suffix are then that
# root's, read from its sysconfigdata (pyconfig.py).

PEN_PYTHON ?= /usr/bin/python3
PEN_PY_ROOT ?=
PYTHONDIR ?= $(EXEC_PREFIX)/lib/python3/dist-packages

PEN_PY_SRC := $(PEN_SRC)/bindings/python
PEN_PY_OUT := $(BUILD)/python/pen
PEN_PY_FILES := __init__.py _pen.pyi py.typed
# "SUFFIX INCLUDEDIR", asked once and only by the targets that need it.
PEN_PY_CONF = $(eval PEN_PY_CONF := $(shell $(PEN_PYTHON) \
	$(PEN_PY_SRC)/pyconfig.py $(PEN_PY_ROOT)))$(PEN_PY_CONF)
PEN_PY_SUFFIX = $(word 1,$(PEN_PY_CONF))
PEN_PY_INCLUDE = $(word 2,$(PEN_PY_CONF))
# A cross root's pyconfig.h wrapper includes <TRIPLET/python3.N/pyconfig.h>
# from the root's include directory, searched last (after the sysroot's
# C library).
PEN_PY_CFLAGS = -I$(PEN_PY_INCLUDE) \
	$(if $(PEN_PY_ROOT),-idirafter $(PEN_PY_ROOT)/usr/include)
PEN_PY_EXT = $(PEN_PY_OUT)/_pen$(PEN_PY_SUFFIX)
PEN_PY_OBJ := $(PEN_OBJ)/python/_pen.o

.PHONY: python python-host-tests python-install python-uninstall \
	python-clean pen-check-python

python: $(PEN_PY_EXT) $(addprefix $(PEN_PY_OUT)/,$(PEN_PY_FILES))

pen-check-python:
	@test -f "$(PEN_PY_INCLUDE)/Python.h" || { echo "the Python binding" \
		"needs Python.h (for $(or $(PEN_PY_ROOT),$(PEN_PYTHON))):" \
		"install python3-dev (scripts/install-deps)" >&2; exit 1; }

# The Python C API casts every method to PyCFunction. -DNDEBUG as
# Python builds its extensions: no assert() of its inline functions
# (which would name the headers' paths in the module).
$(PEN_PY_OBJ): $(PEN_PY_SRC)/pen/_pen.c | pen-check-python
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) $(PEN_PY_CFLAGS) -DNDEBUG -Wno-cast-function-type \
		-Wno-missing-field-initializers -fPIC -fvisibility=hidden \
		-c -o $@ $<

$(PEN_PY_EXT): $(PEN_PY_OBJ) $(BUILD)/libpen.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -fPIC -o $@ $(PEN_PY_OBJ) \
		-L$(BUILD) -lpen

$(PEN_PY_OUT)/%: $(PEN_PY_SRC)/pen/%
	@mkdir -p $(@D)
	cp $< $@

# libpen/tests/host-tests.sh runs them too.
host-tests: python

python-host-tests: python
	$(PEN_PY_SRC)/tests/host-tests.sh $(BUILD) $(PEN_PYTHON)

python-install: python
	$(INSTALL) -d $(DESTDIR)$(PYTHONDIR)/pen
	$(INSTALL) -m 644 $(addprefix $(PEN_PY_OUT)/,$(PEN_PY_FILES)) \
		$(DESTDIR)$(PYTHONDIR)/pen/
	$(INSTALL) -m 644 $(PEN_PY_EXT) $(DESTDIR)$(PYTHONDIR)/pen/

python-uninstall:
	rm -f $(addprefix $(DESTDIR)$(PYTHONDIR)/pen/,$(PEN_PY_FILES) \
		$(notdir $(PEN_PY_EXT)))
	@rmdir $(DESTDIR)$(PYTHONDIR)/pen 2>/dev/null || true

python-clean:
	rm -rf $(BUILD)/python $(PEN_OBJ)/python $(BUILD)/python-host-tests.out

-include $(PEN_PY_OBJ:.o=.d)
