package mgmt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

// obj is a JSON object being built; encoding/json writes its keys sorted.
type obj = map[string]any

// apiError is an error reply: {"error": err, "reason": reason}.
type apiError struct {
	status int
	err    string
	reason string
}

func (e *apiError) Error() string { return e.err + ": " + e.reason }

// errNotFound is what RabbitMQ answers for a missing object or path.
func errNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, err: "Object Not Found", reason: "Not Found"}
}

// badRequest is a 400 with RabbitMQ's error name bad_request.
func badRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, err: "bad_request", reason: fmt.Sprintf(format, args...)}
}

// toAPIError maps an error to the reply rabbit_mgmt_util:direct_request
// gives for the AMQP error a method fails with: 404 for NOT_FOUND, 401
// "Access refused." for ACCESS_REFUSED and NOT_ALLOWED, 400 with the
// explanation for the rest.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &apiError{
			status: http.StatusRequestEntityTooLarge, err: "bad_request",
			reason: fmt.Sprintf("request body larger than %d bytes", mbe.Limit),
		}
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		text := explanation(ce)
		switch ce.Code {
		case core.CodeNotFound:
			return &apiError{status: http.StatusNotFound, err: "not_found", reason: text}
		case core.CodeAccessRefused, core.CodeNotAllowed:
			return &apiError{status: http.StatusUnauthorized, err: "not_authorised", reason: "Access refused."}
		}
		return badRequest("%s", text)
	}
	return badRequest("%s", err.Error())
}

// explanation is an AMQP error's text without its "NAME - " prefix.
func explanation(e *core.Error) string {
	prefix := core.CodeName(e.Code) + " - "
	return strings.TrimPrefix(e.Text, prefix)
}

// channelError is how RabbitMQ reports an AMQP error that closed the
// management API's own channel (publish, get): 400, "<code> <text>".
func channelError(err error) *apiError {
	var ce *core.Error
	if errors.As(err, &ce) {
		return badRequest("%d %s", ce.Code, ce.Text)
	}
	return toAPIError(err)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, obj{"error": e.err, "reason": e.reason})
}

// writeJSON writes v as the reply, without HTML escaping, as RabbitMQ does.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		b.Reset()
		fmt.Fprintf(&b, `{"error":"internal_error","reason":%q}`, "JSON encode error: "+err.Error())
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// reply writes v with 200.
func (rq *request) reply(v any) error {
	writeJSON(rq.w, http.StatusOK, v)
	return nil
}

// done answers a write: 201 Created for a new object, else 204.
func (rq *request) done(created bool) error {
	if created {
		rq.w.WriteHeader(http.StatusCreated)
	} else {
		rq.w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

// body reads a JSON object from the request as rabbit_mgmt_util:decode
// does: an empty body, null and "undefined" are {}; a JSON string is the
// doubly-encoded mistake it names.
func (rq *request) body() (map[string]any, error) {
	data, err := io.ReadAll(rq.r.Body)
	if err != nil {
		return nil, err
	}
	switch string(bytes.TrimSpace(data)) {
	case "", "null", "undefined":
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badRequest("not_json")
	}
	switch v := v.(type) {
	case map[string]any:
		return v, nil
	case string:
		return nil, badRequest("invalid payload: the request body JSON-decoded to a string. " +
			"Is the input doubly-JSON-encoded?")
	case nil, bool:
		return map[string]any{}, nil
	}
	return nil, badRequest("not_json")
}

// missingKeys is the error rabbit_mgmt_util:with_decode gives when keys
// are absent: [{key_missing,a},{key_missing,b}].
func missingKeys(body map[string]any, keys ...string) error {
	var miss []string
	for _, k := range keys {
		if v, ok := body[k]; !ok || v == nil {
			miss = append(miss, "{key_missing,"+k+"}")
		}
	}
	if len(miss) == 0 {
		return nil
	}
	return badRequest("[%s]", strings.Join(miss, ",\n "))
}

// boolField reads a flag RabbitMQ's clients send as true or "true".
func boolField(body map[string]any, key string, def bool) (bool, error) {
	switch v := body[key].(type) {
	case nil:
		return def, nil
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(v) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, badRequest("{not_boolean,%v}", body[key])
}

// intField reads an integer sent as a number or a string ("1").
func intField(body map[string]any, key string, def int64) (int64, error) {
	switch v := body[key].(type) {
	case nil:
		return def, nil
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, nil
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, badRequest("{not_integer,%v}", body[key])
}

// stringField reads a string; a missing key is def.
func stringField(body map[string]any, key, def string) (string, error) {
	switch v := body[key].(type) {
	case nil:
		return def, nil
	case string:
		return v, nil
	}
	return "", badRequest("{not_string,%s}", key)
}

// tableField reads an argument table (a JSON object; [] and null are
// empty, and a JSON string holding an object is read too, as some
// clients send it).
func tableField(body map[string]any, key string) (model.Table, error) {
	switch v := body[key].(type) {
	case nil:
		return model.Table{}, nil
	case []any:
		if len(v) == 0 {
			return model.Table{}, nil
		}
	case map[string]any:
		t, err := model.TableFromJSON(v)
		if err != nil {
			return nil, badRequest("%s: %v", key, err)
		}
		return t, nil
	case string:
		if strings.TrimSpace(v) == "" {
			return model.Table{}, nil
		}
		t, err := model.ParseTableJSON([]byte(v))
		if err == nil {
			return t, nil
		}
	}
	return nil, badRequest("%s must be a JSON object", key)
}

// exchangeName maps amq.default, the name RabbitMQ's tools use for the
// default exchange in paths, to "".
func exchangeName(name string) string {
	if name == "amq.default" {
		return model.DefaultExchange
	}
	return name
}

func getEmptyList(_ *handler, rq *request) error { return rq.reply([]any{}) }

func getAliveness(h *handler, rq *request) error {
	if _, err := h.vhost(rq.arg(0)); err != nil {
		return err
	}
	return rq.reply(obj{"status": "ok"})
}

func getHealthy(_ *handler, rq *request) error { return rq.reply(obj{"status": "ok"}) }
