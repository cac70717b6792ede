// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pen._pen: the C half of the Python binding of libpen.
 *
 * A thin layer, by design: each function calls libpen and hands back
 * Python numbers, strings and tuples, or raises OSError with libpen's
 * errno (Python picks the subclass: FileNotFoundError for ENOENT, ...).
 * The objects a program sees (Pen, Info, Status, the enums, the event
 * records, the exceptions named after what went wrong) are made in
 * pen/__init__.py from these. The constants come from <linux/pen.h> and
 * the names from libpen's own name functions, so that nothing is
 * written down twice.
 *
 * Blocking calls (open, start, waiting for and reading events) release
 * the GIL. A wait or read interrupted by a signal runs the signal's
 * Python handler and, if it raised nothing, goes on (PEP 475); an
 * interrupted start is not retried, as libpen does not retry it: the
 * signal is usually a request not to run.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <libpen.h>

#define NSEC_PER_SEC	1000000000LL

/*
 * @busy counts the calls of other threads in libpen with the GIL
 * released: close() refuses to free the handle under them.
 */
typedef struct {
	PyObject_HEAD
	struct pen *pen;
	int busy;
} HandleObject;

/* Raise OSError (its errno subclass) for @err, naming @filename if any. */
static PyObject *raise_errno(int err, PyObject *filename)
{
	errno = err;
	if (filename)
		return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError,
							    filename);
	return PyErr_SetFromErrno(PyExc_OSError);
}

/* OSError(@err, @msg): a refusal that libpen explained in words. */
static PyObject *raise_msg(int err, const char *msg)
{
	PyObject *exc = PyObject_CallFunction(PyExc_OSError, "is", err, msg);

	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	return NULL;
}

static struct pen *handle_pen(HandleObject *self)
{
	if (!self->pen)
		PyErr_SetString(PyExc_ValueError, "I/O operation on closed pen");
	return self->pen;
}

static PyObject *handle_filename(HandleObject *self)
{
	return PyUnicode_DecodeFSDefault(pen_path(self->pen));
}

/* The errno of a failed call on @self, with the pen's path. */
static PyObject *handle_error(HandleObject *self, int err)
{
	PyObject *name = handle_filename(self);

	if (!name)
		return NULL;
	raise_errno(err, name);
	Py_DECREF(name);
	return NULL;
}

static int handle_init(HandleObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "path", "control", NULL };
	PyObject *path = NULL, *raw;
	int control = 0, err;
	struct pen *pen;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O&|p", kwlist,
					 PyUnicode_FSConverter, &path,
					 &control))
		return -1;
	if (self->pen) {
		pen_close(self->pen);
		self->pen = NULL;
	}
	raw = path;
	Py_BEGIN_ALLOW_THREADS
	pen = pen_open(PyBytes_AS_STRING(raw), control ? PEN_OPEN_CONTROL : 0);
	err = errno;
	Py_END_ALLOW_THREADS
	if (!pen) {
		PyObject *name = PyUnicode_DecodeFSDefaultAndSize(
			PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw));

		if (name) {
			raise_errno(err, name);
			Py_DECREF(name);
		}
		Py_DECREF(path);
		return -1;
	}
	Py_DECREF(path);
	self->pen = pen;
	return 0;
}

static void handle_dealloc(HandleObject *self)
{
	pen_close(self->pen);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *handle_close(HandleObject *self, PyObject *Py_UNUSED(arg))
{
	if (self->busy) {
		PyErr_SetString(PyExc_RuntimeError,
				"the pen is in use by another thread");
		return NULL;
	}
	pen_close(self->pen);
	self->pen = NULL;
	Py_RETURN_NONE;
}

static PyObject *handle_closed(HandleObject *self, void *Py_UNUSED(c))
{
	return PyBool_FromLong(!self->pen);
}

static PyObject *handle_path(HandleObject *self, void *Py_UNUSED(c))
{
	if (!handle_pen(self))
		return NULL;
	return handle_filename(self);
}

static PyObject *handle_fileno(HandleObject *self, PyObject *Py_UNUSED(arg))
{
	if (!handle_pen(self))
		return NULL;
	return PyLong_FromLong(pen_fd(self->pen));
}

static PyObject *handle_info(HandleObject *self, PyObject *Py_UNUSED(arg))
{
	struct pen_info i;

	if (!handle_pen(self))
		return NULL;
	if (pen_get_info(self->pen, &i) < 0)
		return handle_error(self, errno);
	return Py_BuildValue("{sI sI sI sI sI sI sI sI ss ss ss ss sI sI}",
		"api_version", i.api_version, "needle_count", i.needle_count,
		"depth_min_um", i.depth_min_um, "depth_max_um", i.depth_max_um,
		"depth_step_um", i.depth_step_um,
		"rate_min_mhz", i.rate_min_mhz, "rate_max_mhz", i.rate_max_mhz,
		"flags", i.flags, "name", i.name, "driver", i.driver,
		"model", i.model, "serial", i.serial,
		"depth_cap_um", i.depth_cap_um,
		"max_run_time_s", i.max_run_time_s);
}

static PyObject *handle_status(HandleObject *self, PyObject *Py_UNUSED(arg))
{
	struct pen_status s;

	if (!handle_pen(self))
		return NULL;
	if (pen_get_status(self->pen, &s) < 0)
		return handle_error(self, errno);
	return Py_BuildValue("{sI sI sI sI sI sI sK sK sK sK sK sK sK sK"
			     " sI sI sK sK sK sI sI sK}",
		"state", s.state, "stop_reason", s.stop_reason,
		"depth_um", s.depth_um, "rate_mhz", s.rate_mhz,
		"flags", s.flags, "last_reached_um", s.last_reached_um,
		"strokes", (unsigned long long)s.strokes,
		"run_strokes", (unsigned long long)s.run_strokes,
		"missed_strokes", (unsigned long long)s.missed_strokes,
		"run_missed_strokes", (unsigned long long)s.run_missed_strokes,
		"started_ns", (unsigned long long)s.started_ns,
		"stopped_ns", (unsigned long long)s.stopped_ns,
		"last_stroke_ns", (unsigned long long)s.last_stroke_ns,
		"max_lateness_ns", (unsigned long long)s.max_lateness_ns,
		"fault", s.fault, "fault_value", s.fault_value,
		"fault_ns", (unsigned long long)s.fault_ns,
		"fault_seq", (unsigned long long)s.fault_seq,
		"cartridge_id", (unsigned long long)s.cartridge_id,
		"cartridge_state", s.cartridge_state,
		"cartridge_budget", s.cartridge_budget,
		"cartridge_strokes", (unsigned long long)s.cartridge_strokes);
}

/* set_params(mask, depth_um, rate_mhz): pen_set_params() or one half. */
static PyObject *handle_set_params(HandleObject *self, PyObject *args)
{
	unsigned int mask, depth, rate;
	int ret;

	if (!PyArg_ParseTuple(args, "III", &mask, &depth, &rate))
		return NULL;
	if (!handle_pen(self))
		return NULL;
	if (mask == PEN_PARAM_DEPTH)
		ret = pen_set_depth(self->pen, depth);
	else if (mask == PEN_PARAM_RATE)
		ret = pen_set_rate(self->pen, rate);
	else if (mask == PEN_PARAM_ALL)
		ret = pen_set_params(self->pen, depth, rate);
	else
		return raise_errno(EINVAL, NULL);
	if (ret < 0)
		return handle_error(self, errno);
	Py_RETURN_NONE;
}

/* A call of one of libpen's "int f(struct pen *)" on @self. */
static PyObject *handle_call(HandleObject *self, int (*fn)(struct pen *),
			     int release_gil)
{
	int ret, err = 0;

	if (!handle_pen(self))
		return NULL;
	if (release_gil) {
		self->busy++;
		Py_BEGIN_ALLOW_THREADS
		ret = fn(self->pen);
		err = errno;
		Py_END_ALLOW_THREADS
		self->busy--;
	} else {
		ret = fn(self->pen);
		err = errno;
	}
	if (ret < 0) {
		/* A signal's handler may have raised: that comes first. */
		if (err == EINTR && PyErr_CheckSignals() < 0)
			return NULL;
		return handle_error(self, err);
	}
	Py_RETURN_NONE;
}

static PyObject *handle_start(HandleObject *self, PyObject *Py_UNUSED(a))
{
	return handle_call(self, pen_start, 1);
}

static PyObject *handle_stop(HandleObject *self, PyObject *Py_UNUSED(a))
{
	return handle_call(self, pen_stop, 0);
}

static PyObject *handle_clear_fault(HandleObject *self, PyObject *Py_UNUSED(a))
{
	return handle_call(self, pen_clear_fault, 0);
}

static PyObject *handle_kick_watchdog(HandleObject *self,
				      PyObject *Py_UNUSED(a))
{
	return handle_call(self, pen_kick_watchdog, 0);
}

static PyObject *handle_set_watchdog(HandleObject *self, PyObject *args)
{
	unsigned int ms;

	if (!PyArg_ParseTuple(args, "I", &ms))
		return NULL;
	if (!handle_pen(self))
		return NULL;
	if (pen_set_watchdog(self->pen, ms) < 0)
		return handle_error(self, errno);
	Py_RETURN_NONE;
}

static PyObject *handle_set_hold_to_run(HandleObject *self, PyObject *args)
{
	int enable;

	if (!PyArg_ParseTuple(args, "p", &enable))
		return NULL;
	if (!handle_pen(self))
		return NULL;
	if (pen_set_hold_to_run(self->pen, enable) < 0)
		return handle_error(self, errno);
	Py_RETURN_NONE;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * wait(timeout_ns) -> bool: pen_wait_events(); a negative timeout waits
 * for as long as it takes. Signals whose handlers raise nothing do not
 * end the wait (PEP 475): it goes on for what is left of the timeout.
 */
static PyObject *handle_wait(HandleObject *self, PyObject *args)
{
	long long timeout;
	int64_t deadline = 0;
	int ret, err;

	if (!PyArg_ParseTuple(args, "L", &timeout))
		return NULL;
	if (!handle_pen(self))
		return NULL;
	if (timeout > 0)
		deadline = now_ns() + timeout;
	for (;;) {
		self->busy++;
		Py_BEGIN_ALLOW_THREADS
		ret = pen_wait_events(self->pen, timeout);
		err = errno;
		Py_END_ALLOW_THREADS
		self->busy--;
		if (ret >= 0)
			return PyBool_FromLong(ret);
		if (err != EINTR)
			return handle_error(self, err);
		if (PyErr_CheckSignals() < 0)
			return NULL;
		if (timeout > 0) {
			timeout = deadline - now_ns();
			if (timeout <= 0)
				Py_RETURN_FALSE;
		}
	}
}

/* One record as (type, flags, timestamp_ns, seq, fields of its type). */
static PyObject *event_tuple(const struct pen_event *e)
{
	PyObject *fields;

	switch (e->type) {
	case PEN_EVENT_STROKE:
		fields = Py_BuildValue("(IIKKII)", e->stroke.cmd_um,
			e->stroke.reached_um,
			(unsigned long long)e->stroke.lateness_ns,
			(unsigned long long)e->stroke.reached_ns,
			e->stroke.missed, e->stroke.rate_mhz);
		break;
	case PEN_EVENT_STATE:
		fields = Py_BuildValue("(IIII)", e->state.state,
			e->state.stop_reason, e->state.depth_um,
			e->state.rate_mhz);
		break;
	case PEN_EVENT_SETPOINT:
		fields = Py_BuildValue("(III)", e->setpoint.depth_um,
			e->setpoint.rate_mhz, e->setpoint.mask);
		break;
	case PEN_EVENT_FAULT:
	case PEN_EVENT_FAULT_CLEARED:
		fields = Py_BuildValue("(II)", e->fault.fault, e->fault.value);
		break;
	case PEN_EVENT_CARTRIDGE:
		fields = Py_BuildValue("(KIIK)",
			(unsigned long long)e->cartridge.id,
			e->cartridge.state, e->cartridge.budget,
			(unsigned long long)e->cartridge.strokes);
		break;
	case PEN_EVENT_OVERFLOW:
		fields = Py_BuildValue("(K)",
			(unsigned long long)e->overflow.lost);
		break;
	default:
		/* A newer driver's event: its words, for the caller to show. */
		fields = Py_BuildValue("(KKKKK)",
			(unsigned long long)e->raw[0],
			(unsigned long long)e->raw[1],
			(unsigned long long)e->raw[2],
			(unsigned long long)e->raw[3],
			(unsigned long long)e->raw[4]);
		break;
	}
	if (!fields)
		return NULL;
	return Py_BuildValue("(IIKKN)", e->type, e->flags,
			     (unsigned long long)e->timestamp_ns,
			     (unsigned long long)e->seq, fields);
}

#define READ_MAX	256

/*
 * read(max_events, block) -> list: pen_read_events(). Without @block,
 * an empty list when nothing is buffered (pen_wait_events() looks
 * first, so the read never blocks).
 */
static PyObject *handle_read(HandleObject *self, PyObject *args)
{
	struct pen_event buf[READ_MAX];
	Py_ssize_t max;
	PyObject *list;
	ssize_t n;
	int block, err, ready;

	if (!PyArg_ParseTuple(args, "np", &max, &block))
		return NULL;
	if (max < 1) {
		PyErr_SetString(PyExc_ValueError, "max_events must be at least 1");
		return NULL;
	}
	if (max > READ_MAX)
		max = READ_MAX;
	if (!handle_pen(self))
		return NULL;
	for (;;) {
		self->busy++;
		Py_BEGIN_ALLOW_THREADS
		ready = block ? 1 : pen_wait_events(self->pen, 0);
		n = ready > 0 ? pen_read_events(self->pen, buf, max) : ready;
		err = errno;
		Py_END_ALLOW_THREADS
		self->busy--;
		if (ready == 0)
			return PyList_New(0);
		if (n >= 0)
			break;
		if (err != EINTR)
			return handle_error(self, err);
		if (PyErr_CheckSignals() < 0)
			return NULL;
	}
	list = PyList_New(n);
	if (!list)
		return NULL;
	for (ssize_t i = 0; i < n; i++) {
		PyObject *t = event_tuple(&buf[i]);

		if (!t) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, i, t);
	}
	return list;
}

/*
 * explain_refusal(mask, depth_um, rate_mhz, errno) -> (rule, min, max,
 * step, cap, words) or None: pen_explain_refusal() and
 * pen_format_refusal(), None when no rule of the pen's explains it.
 */
static PyObject *handle_explain_refusal(HandleObject *self, PyObject *args)
{
	unsigned int mask, depth, rate;
	struct pen_refusal why;
	char words[128];
	int err;

	if (!PyArg_ParseTuple(args, "IIIi", &mask, &depth, &rate, &err))
		return NULL;
	if (!handle_pen(self))
		return NULL;
	if (pen_explain_refusal(self->pen, mask, depth, rate, err, &why) < 0 ||
	    why.rule == PEN_RULE_NONE ||
	    pen_format_refusal(&why, words, sizeof(words)) < 0)
		Py_RETURN_NONE;
	return Py_BuildValue("(IIIIIs)", (unsigned int)why.rule, why.min,
			     why.max, why.step, why.cap, words);
}

static PyMethodDef handle_methods[] = {
	{ "close", (PyCFunction)handle_close, METH_NOARGS, NULL },
	{ "fileno", (PyCFunction)handle_fileno, METH_NOARGS, NULL },
	{ "info", (PyCFunction)handle_info, METH_NOARGS, NULL },
	{ "status", (PyCFunction)handle_status, METH_NOARGS, NULL },
	{ "set_params", (PyCFunction)handle_set_params, METH_VARARGS, NULL },
	{ "start", (PyCFunction)handle_start, METH_NOARGS, NULL },
	{ "stop", (PyCFunction)handle_stop, METH_NOARGS, NULL },
	{ "clear_fault", (PyCFunction)handle_clear_fault, METH_NOARGS, NULL },
	{ "set_watchdog", (PyCFunction)handle_set_watchdog, METH_VARARGS, NULL },
	{ "kick_watchdog", (PyCFunction)handle_kick_watchdog, METH_NOARGS, NULL },
	{ "set_hold_to_run", (PyCFunction)handle_set_hold_to_run, METH_VARARGS,
	  NULL },
	{ "wait", (PyCFunction)handle_wait, METH_VARARGS, NULL },
	{ "read", (PyCFunction)handle_read, METH_VARARGS, NULL },
	{ "explain_refusal", (PyCFunction)handle_explain_refusal, METH_VARARGS,
	  NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef handle_getset[] = {
	{ "path", (getter)handle_path, NULL, NULL, NULL },
	{ "closed", (getter)handle_closed, NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject HandleType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "pen._pen.Handle",
	.tp_doc = PyDoc_STR("Handle(path, control=False): a libpen handle "
			    "(struct pen *); use pen.Pen."),
	.tp_basicsize = sizeof(HandleObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_new = PyType_GenericNew,
	.tp_init = (initproc)handle_init,
	.tp_dealloc = (destructor)handle_dealloc,
	.tp_methods = handle_methods,
	.tp_getset = handle_getset,
};

/* ---- functions without a pen ------------------------------------- */

/*
 * The text of @arg, a str, as libpen takes it: UTF-8 without NUL (which
 * would cut it short), or NULL with TypeError or ValueError as Python's
 * own functions raise them.
 */
static const char *text_arg(PyObject *arg)
{
	Py_ssize_t len;
	const char *s;

	if (!PyUnicode_Check(arg)) {
		PyErr_Format(PyExc_TypeError, "expected str, not %.100s",
			     Py_TYPE(arg)->tp_name);
		return NULL;
	}
	s = PyUnicode_AsUTF8AndSize(arg, &len);
	if (s && strlen(s) != (size_t)len) {
		PyErr_SetString(PyExc_ValueError, "embedded null character");
		return NULL;
	}
	return s;
}

/* libpen refused @s as @q with @err: OSError(err, libpen's reason). */
static PyObject *parse_error(enum pen_quantity q, const char *s, int err)
{
	char why[128];

	if (!pen_parse_strerror(q, s, why, sizeof(why)))
		return raise_errno(err, NULL);
	return raise_msg(err, why);
}

/* parse(quantity, text) -> int: pen_parse_depth(), _rate(), ... */
static PyObject *mod_parse(PyObject *Py_UNUSED(m), PyObject *args)
{
	PyObject *arg;
	const char *s;
	uint64_t v64;
	uint32_t v32;
	unsigned int idx;
	int q, ret;

	if (!PyArg_ParseTuple(args, "iO", &q, &arg))
		return NULL;
	s = text_arg(arg);
	if (!s)
		return NULL;
	switch (q) {
	case PEN_QUANTITY_DEPTH:
		ret = pen_parse_depth(s, &v32);
		v64 = v32;
		break;
	case PEN_QUANTITY_RATE:
		ret = pen_parse_rate(s, &v32);
		v64 = v32;
		break;
	case PEN_QUANTITY_DURATION:
		ret = pen_parse_duration(s, &v64);
		break;
	case PEN_QUANTITY_INDEX:
		ret = pen_parse_index(s, &idx);
		v64 = idx;
		break;
	default:
		PyErr_SetString(PyExc_ValueError, "unknown quantity");
		return NULL;
	}
	if (ret < 0)
		return parse_error(q, s, errno);
	return PyLong_FromUnsignedLongLong(v64);
}

/* parse_device(text) -> str: pen_parse_device(). */
static PyObject *mod_parse_device(PyObject *Py_UNUSED(m), PyObject *arg)
{
	char path[4096];
	const char *s = text_arg(arg);

	if (!s)
		return NULL;
	if (pen_parse_device(s, path, sizeof(path)) < 0)
		return parse_error(PEN_QUANTITY_DEVICE, s, errno);
	return PyUnicode_FromString(path);
}

static PyObject *mod_format(PyObject *Py_UNUSED(m), PyObject *args,
			    int (*fn)(uint32_t, char *, size_t))
{
	unsigned int v;
	char buf[32];

	if (!PyArg_ParseTuple(args, "I", &v))
		return NULL;
	if (fn(v, buf, sizeof(buf)) < 0)
		return raise_errno(errno, NULL);
	return PyUnicode_FromString(buf);
}

static PyObject *mod_format_depth(PyObject *m, PyObject *args)
{
	return mod_format(m, args, pen_format_depth);
}

static PyObject *mod_format_rate(PyObject *m, PyObject *args)
{
	return mod_format(m, args, pen_format_rate);
}

/* The name-giving functions of libpen, by what they name. */
enum name_kind {
	NAME_STATE, NAME_STOP_REASON, NAME_FAULT, NAME_CARTRIDGE,
	NAME_EVENT_TYPE, NAME_RULE,
};

/* name(kind, value) -> str or None: libpen's name of @value. */
static PyObject *mod_name(PyObject *Py_UNUSED(m), PyObject *args)
{
	unsigned int v;
	const char *name;
	int kind;

	if (!PyArg_ParseTuple(args, "iI", &kind, &v))
		return NULL;
	switch (kind) {
	case NAME_STATE:
		name = pen_state_name(v);
		break;
	case NAME_STOP_REASON:
		name = pen_stop_reason_name(v);
		break;
	case NAME_FAULT:
		name = pen_fault_name(v);
		break;
	case NAME_CARTRIDGE:
		name = pen_cartridge_state_name(v);
		break;
	case NAME_EVENT_TYPE:
		name = pen_event_type_name(v);
		break;
	case NAME_RULE:
		name = pen_rule_name((enum pen_rule)v);
		break;
	default:
		PyErr_SetString(PyExc_ValueError, "unknown kind of name");
		return NULL;
	}
	if (!name || !strcmp(name, "unknown"))
		Py_RETURN_NONE;
	return PyUnicode_FromString(name);
}

static PyMethodDef module_methods[] = {
	{ "parse", mod_parse, METH_VARARGS, NULL },
	{ "parse_device", mod_parse_device, METH_O, NULL },
	{ "format_depth", mod_format_depth, METH_VARARGS, NULL },
	{ "format_rate", mod_format_rate, METH_VARARGS, NULL },
	{ "name", mod_name, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

/* The constants of <linux/pen.h> and libpen.h, by their C names less PEN_. */
#define C(name)	{ #name, PEN_##name }
static const struct {
	const char *name;
	long long value;
} constants[] = {
	C(API_VERSION), C(EVENT_RING_SIZE),
	C(WATCHDOG_MIN_MS), C(WATCHDOG_MAX_MS),
	C(STATE_STOPPED), C(STATE_RUNNING),
	C(STOP_NONE), C(STOP_REQUEST), C(STOP_CLOSE), C(STOP_REMOVED),
	C(STOP_BACKEND), C(STOP_FAULT), C(STOP_DEPTH_CAP), C(STOP_RUN_TIME),
	C(STOP_CARTRIDGE_REMOVED), C(STOP_CARTRIDGE_SPENT), C(STOP_SUSPEND),
	C(STOP_SHUTDOWN), C(STOP_PEDAL),
	C(CARTRIDGE_NONE), C(CARTRIDGE_READY), C(CARTRIDGE_REUSED),
	C(CARTRIDGE_SPENT),
	C(FAULT_NONE), C(FAULT_OVER_DEPTH), C(FAULT_STALL),
	C(FAULT_OVERCURRENT), C(FAULT_OVERTEMP), C(FAULT_SUPPLY_LOW),
	C(FAULT_TIMING), C(FAULT_WATCHDOG),
	C(STATUS_CONTROLLED), C(STATUS_HOLD_TO_RUN), C(STATUS_HOLD_POLICY),
	C(STATUS_PEDAL_DOWN),
	C(INFO_BUTTONS), C(INFO_FOOTSWITCH),
	C(PARAM_DEPTH), C(PARAM_RATE), C(PARAM_ALL),
	C(EVENT_STROKE), C(EVENT_STATE), C(EVENT_SETPOINT), C(EVENT_FAULT),
	C(EVENT_FAULT_CLEARED), C(EVENT_CARTRIDGE), C(EVENT_OVERFLOW),
	C(STROKE_MEASURED), C(FAULT_LATCHED),
	C(RULE_NONE), C(RULE_DEPTH_RANGE), C(RULE_DEPTH_STEP),
	C(RULE_RATE_RANGE), C(RULE_DEPTH_CAP),
	C(QUANTITY_DEPTH), C(QUANTITY_RATE), C(QUANTITY_DURATION),
	C(QUANTITY_DEVICE), C(QUANTITY_INDEX),
	{ "NAME_STATE", NAME_STATE }, { "NAME_STOP_REASON", NAME_STOP_REASON },
	{ "NAME_FAULT", NAME_FAULT }, { "NAME_CARTRIDGE", NAME_CARTRIDGE },
	{ "NAME_EVENT_TYPE", NAME_EVENT_TYPE }, { "NAME_RULE", NAME_RULE },
};
#undef C

static struct PyModuleDef pen_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "pen._pen",
	.m_doc = PyDoc_STR("libpen, as the pen package uses it; use pen."),
	.m_size = -1,
	.m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__pen(void)
{
	PyObject *m;

	if (PyType_Ready(&HandleType) < 0)
		return NULL;
	m = PyModule_Create(&pen_module);
	if (!m)
		return NULL;
	Py_INCREF(&HandleType);
	if (PyModule_AddObject(m, "Handle", (PyObject *)&HandleType) < 0) {
		Py_DECREF(&HandleType);
		goto err;
	}
	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		if (PyModule_AddIntConstant(m, constants[i].name,
					    constants[i].value) < 0)
			goto err;
	return m;
err:
	Py_DECREF(m);
	return NULL;
}
