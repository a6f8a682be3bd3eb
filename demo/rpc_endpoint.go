package demo

import (
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// endpoint is an oslo.messaging RPC endpoint: an object whose methods a
// server exposes, with the target namespace and version it accepts.
type endpoint struct {
	namespace string // "" is the default namespace (None)
	version   string // "" is taken as 1.0
	file      string // the Python source the methods would live in, for tracebacks
	methods   map[string]method
}

// method runs a request and returns its result, or the exception it
// raised.
type method func(r *request) (model.PyValue, *pyError)

// request is one dispatched request, with the session of the server
// running it (a method may call other services).
type request struct {
	s   *session
	srv *rpcServer
	msg model.OsloMessage
}

// arg returns the keyword argument name, and whether it was given.
func (r *request) arg(name string) (model.PyValue, bool) { return r.msg.Args.Get(name) }

// str returns a string argument, or "".
func (r *request) str(name string) string { return r.msg.Args.Str(name) }

// pingEndpoint is what oslo adds with rpc_ping_enabled: a default-target
// endpoint whose oslo_rpc_server_ping returns "pong".
func pingEndpoint() endpoint {
	return endpoint{
		file: osloDir + "/rpc/dispatcher.py",
		methods: map[string]method{
			"oslo_rpc_server_ping": func(*request) (model.PyValue, *pyError) { return model.PyStr("pong"), nil },
		},
	}
}

// baseEndpoint is nova's BaseRPCAPI endpoint (namespace baseapi, 1.1),
// which every nova service has.
func baseEndpoint(service string) endpoint {
	return endpoint{
		namespace: "baseapi", version: "1.1",
		file: "/usr/lib/python3/dist-packages/nova/baserpc.py",
		methods: map[string]method{
			"ping": func(r *request) (model.PyValue, *pyError) {
				arg, _ := r.arg("arg")
				return model.PyDict(kv("service", model.PyStr(service)), kv("arg", arg)), nil
			},
			"get_backdoor_port": func(*request) (model.PyValue, *pyError) { return model.PyNone(), nil },
		},
	}
}

// pyError is a Python exception raised by an endpoint or the dispatcher,
// to send back as serialize_remote_exception writes it.
type pyError struct {
	class, module, message string
	kwargs                 []model.PyField // the exception's kwargs attribute; nil is {}
	code                   string          // the source line that raised it
	line                   int
	frames                 []string // traceback frames, filled by raisedIn
}

// raise builds an exception raised by code at line of the method's file.
func raise(module, class, message string, line int, code string, kwargs ...model.PyField) *pyError {
	return &pyError{class: class, module: module, message: message, line: line, code: code, kwargs: kwargs}
}

// Where oslo.messaging 14.0.3 lives on Debian 12, and the frames every
// endpoint traceback starts with (Python 3.11, with its ^ markers).
const (
	osloDir         = "/usr/lib/python3/dist-packages/oslo_messaging"
	frameProcessing = `  File "` + osloDir + `/rpc/server.py", line 165, in _process_incoming` + "\n" +
		"    res = self.dispatcher.dispatch(message)\n" +
		"          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
	frameDispatch = `  File "` + osloDir + `/rpc/dispatcher.py", line 309, in dispatch` + "\n" +
		"    return self._do_dispatch(endpoint, method, ctxt, args)\n" +
		"           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
	frameDoDispatch = `  File "` + osloDir + `/rpc/dispatcher.py", line 229, in _do_dispatch` + "\n" +
		"    result = func(ctxt, **new_args)\n" +
		"             ^^^^^^^^^^^^^^^^^^^^^^\n"
	dispatcherModule = "oslo_messaging.rpc.dispatcher"
)

// raisedIn completes the traceback of an exception a method raised.
func (e *pyError) raisedIn(file, fn string) {
	if e.frames != nil {
		return
	}
	e.frames = []string{
		frameProcessing, frameDispatch, frameDoDispatch,
		`  File "` + file + `", line ` + strconv.Itoa(e.line) + ", in " + fn + "\n    " + e.code + "\n",
	}
}

// dispatcherError is an exception the dispatcher itself raises at line.
func dispatcherError(class, message string, line int, code string) *pyError {
	e := &pyError{class: class, module: dispatcherModule, message: message}
	e.frames = []string{
		frameProcessing,
		`  File "` + osloDir + `/rpc/dispatcher.py", line ` + strconv.Itoa(line) + ", in dispatch\n    " + code + "\n",
	}
	return e
}

func noSuchMethod(method string) *pyError {
	return dispatcherError("NoSuchMethod", "Endpoint does not support RPC method "+method,
		318, "raise NoSuchMethod(method)")
}

func unsupportedVersion(version, method string) *pyError {
	msg := "Endpoint does not support RPC version " + version
	if method != "" {
		msg += ". Attempted method: " + method
	}
	return dispatcherError("UnsupportedVersion", msg, 320, "raise UnsupportedVersion(version, method=method)")
}

// remote is the exception as model sends it: args is (message,), as for
// every exception here, and the traceback ends as Python prints one.
func (e *pyError) remote() *model.RemoteError {
	last := e.class + ": " + e.message + "\n"
	if e.module != "builtins" {
		last = e.module + "." + last
	}
	tb := append([]string{"Traceback (most recent call last):\n"}, e.frames...)
	return &model.RemoteError{
		Class: e.class, Module: e.module, Message: e.message,
		Traceback: append(tb, last),
		Kwargs:    model.PyDict(e.kwargs...),
	}
}

// Error reads as Python's last traceback line.
func (e *pyError) Error() string { return e.class + ": " + e.message }

// kv is a shorthand for a member of a Python dict.
func kv(key string, v model.PyValue) model.PyField { return model.PyField{Key: key, Value: v} }

// strs is a list of strings.
func strs(items ...string) model.PyValue {
	out := make([]model.PyValue, len(items))
	for i, s := range items {
		out[i] = model.PyStr(s)
	}
	return model.PyList(out...)
}

// novaError is a NovaException subclass: its kwargs are the format
// arguments, then the HTTP code, as NovaException.__init__ leaves them.
func novaError(class, format string, code, line int, raiseCode string, kwargs ...model.PyField) *pyError {
	msg := format
	for _, f := range kwargs {
		msg = strings.ReplaceAll(msg, "%("+f.Key+")s", f.Value.Text)
	}
	kwargs = append(kwargs, kv("code", model.PyInt(int64(code))))
	return raise("nova.exception", class, msg, line, raiseCode, kwargs...)
}
