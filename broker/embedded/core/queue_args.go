package core

import (
	"strconv"

	"github.com/kaiten-bus/kaiten/model"
)

// overflowMode is what a full queue does with a new message.
type overflowMode uint8

const (
	overflowDropHead overflowMode = iota
	overflowRejectPublish
	overflowRejectPublishDLX
)

// queueConfig is a queue's effective settings: its arguments combined with
// its policy as rabbit_amqqueue_process:process_args_policy does (the
// smaller of the two for TTLs, expiry and lengths; the argument wins for
// the dead-letter settings and overflow).
type queueConfig struct {
	messageTTL  int64 // ms; -1 none
	expires     int64 // ms; 0 none
	maxLen      int64 // -1 none
	maxBytes    int64 // -1 none
	overflow    overflowMode
	dlx         string
	hasDLX      bool
	dlrk        string
	hasDLRK     bool
	maxPriority int // 0: not a priority queue
	sac         bool
}

// declareArgKeys are the queue arguments RabbitMQ validates and compares on
// redeclaration (rabbit_amqqueue:declare_args/0).
var declareArgKeys = []string{
	"x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key",
	"x-max-length", "x-max-length-bytes", "x-max-in-memory-length", "x-max-in-memory-bytes",
	"x-max-priority", "x-overflow", "x-queue-mode", "x-single-active-consumer", "x-queue-type",
	"x-quorum-initial-group-size", "x-max-age", "x-max-segment-size", "x-initial-cluster-size",
	"x-queue-leader-locator",
}

func isIntType(t model.FieldType) bool {
	switch t {
	case model.TypeByte, model.TypeUnsignedByte, model.TypeShort, model.TypeUnsignedShort,
		model.TypeSignedInt, model.TypeUnsignedInt, model.TypeLong:
		return true
	}
	return false
}

// erlString renders an Erlang string term as ~p prints it.
func erlString(s string) string { return strconv.Quote(s) }

func unacceptable(t model.FieldType) string { return "{unacceptable_type," + t.String() + "}" }

func expectInt(v model.Value) string {
	if isIntType(v.Type) {
		return ""
	}
	return erlString("expected integer, got " + v.Type.String())
}

func nonNegInt(v model.Value) string {
	if e := expectInt(v); e != "" {
		return e
	}
	if v.Int < 0 {
		return "{value_negative," + strconv.FormatInt(v.Int, 10) + "}"
	}
	return ""
}

func oneOf(v model.Value, allowed []string, bad string) string {
	if v.Type != model.TypeLongstr {
		return unacceptable(v.Type)
	}
	for _, a := range allowed {
		if v.Str == a {
			return ""
		}
	}
	return bad
}

// checkDeclareArg is one validator of rabbit_amqqueue:declare_args/0; it
// returns the Erlang error term RabbitMQ prints, or "".
func checkDeclareArg(key string, v model.Value, args model.Table, maxExpiry int64) string {
	switch key {
	case "x-expires":
		if e := expectInt(v); e != "" {
			return e
		}
		if v.Int == 0 {
			return "{value_zero,0}"
		}
		return checkExpiry(v.Int, maxExpiry)
	case "x-message-ttl":
		if e := expectInt(v); e != "" {
			return e
		}
		return checkExpiry(v.Int, maxExpiry)
	case "x-dead-letter-exchange", "x-max-age":
		if v.Type != model.TypeLongstr {
			return unacceptable(v.Type)
		}
	case "x-dead-letter-routing-key":
		if v.Type != model.TypeLongstr {
			return unacceptable(v.Type)
		}
		if _, ok := args["x-dead-letter-exchange"]; !ok {
			return "routing_key_but_no_dlx_defined"
		}
	case "x-max-length", "x-max-length-bytes", "x-max-in-memory-length", "x-max-in-memory-bytes", "x-max-segment-size":
		return nonNegInt(v)
	case "x-quorum-initial-group-size", "x-initial-cluster-size":
		if e := nonNegInt(v); e != "" {
			return e
		}
		if v.Int == 0 {
			return "{value_zero,0}"
		}
	case "x-max-priority":
		if e := nonNegInt(v); e != "" {
			return e
		}
		if v.Int > 255 {
			return "{max_value_exceeded," + strconv.FormatInt(v.Int, 10) + "}"
		}
	case "x-overflow":
		return oneOf(v, []string{"drop-head", "reject-publish", "reject-publish-dlx"}, "invalid_overflow")
	case "x-queue-mode":
		return oneOf(v, []string{"default", "lazy"}, erlString("unsupported queue mode '"+v.Str+"'"))
	case "x-queue-type":
		return oneOf(v, []string{"classic", "quorum", "stream"}, erlString("unsupported queue type '"+v.Str+"'"))
	case "x-queue-leader-locator":
		return oneOf(v, []string{"client-local", "random", "least-leaders"}, "invalid_queue_locator_arg")
	case "x-single-active-consumer":
		if v.Type != model.TypeBool {
			return unacceptable(v.Type)
		}
	}
	return ""
}

// validateQueueArgs checks a new queue's arguments in RabbitMQ's order: the
// dead-letter exchange's type first (rabbit_channel), then each declare
// argument (rabbit_amqqueue:check_declare_arguments).
func validateQueueArgs(args model.Table, what string, maxExpiry int64) error {
	if dlx, ok := args["x-dead-letter-exchange"]; ok && dlx.Type != model.TypeLongstr {
		return errorf(CodePreconditionFailed, "invalid type '%s' for arg 'x-dead-letter-exchange' in %s", dlx.Type, what)
	}
	for _, k := range declareArgKeys {
		v, ok := args[k]
		if !ok {
			continue
		}
		if e := checkDeclareArg(k, v, args, maxExpiry); e != "" {
			return errorf(CodePreconditionFailed, "invalid arg '%s' for %s: %s", k, what, e)
		}
	}
	return nil
}

// checkConsumeArgs validates basic.consume arguments
// (rabbit_amqqueue:consume_args/0).
func checkConsumeArgs(args model.Table, what string) error {
	if v, ok := args["x-priority"]; ok {
		if e := expectInt(v); e != "" {
			return errorf(CodePreconditionFailed, "invalid arg 'x-priority' for %s: %s", what, e)
		}
	}
	if v, ok := args["x-cancel-on-ha-failover"]; ok && v.Type != model.TypeBool {
		return errorf(CodePreconditionFailed, "invalid arg 'x-cancel-on-ha-failover' for %s: %s", what, unacceptable(v.Type))
	}
	return nil
}

// Equivalence: rabbit_misc:assert_field_equivalence and
// assert_args_equivalence, with RabbitMQ's formatting of values.

func inequivalent(key, what, received, current string) error {
	return errorf(CodePreconditionFailed, "inequivalent arg '%s' for %s: received %s but current is %s",
		key, what, received, current)
}

func quoted(s string) string { return "'" + s + "'" }

func quotedBool(b bool) string { return quoted(strconv.FormatBool(b)) }

// erlValue renders a field value as Erlang's ~ts (binaries) or ~tp prints it.
func erlValue(v model.Value) string {
	switch {
	case v.Type == model.TypeLongstr || v.Type == model.TypeBinary:
		return v.Str
	case v.Type == model.TypeBool:
		return strconv.FormatBool(v.Int != 0)
	case isIntType(v.Type) || v.Type == model.TypeTimestamp:
		return strconv.FormatInt(v.Int, 10)
	}
	return v.Literal()
}

func typeClass(t model.FieldType) string {
	switch {
	case isIntType(t) || t == model.TypeDecimal:
		return "int"
	case t == model.TypeFloat || t == model.TypeDouble:
		return "float"
	}
	return t.String()
}

func sameArg(a, b model.Value) bool {
	if typeClass(a.Type) != typeClass(b.Type) {
		return false
	}
	switch {
	case isIntType(a.Type) && isIntType(b.Type):
		return a.Int == b.Int
	case a.Type == b.Type:
		return a.Equal(b)
	}
	return false
}

func argsEquivalent(cur, req model.Table, keys []string, what string) error {
	for _, k := range keys {
		c, cok := cur[k]
		r, rok := req[k]
		switch {
		case !cok && !rok:
		case cok && rok:
			if !sameArg(c, r) {
				return inequivalent(k, what, quoted(erlValue(r)), quoted(erlValue(c)))
			}
		default:
			return inequivalent(k, what, describeArg(r, rok), describeArg(c, cok))
		}
	}
	return nil
}

func describeArg(v model.Value, ok bool) string {
	if !ok {
		return "none"
	}
	return "the value '" + erlValue(v) + "' of type '" + v.Type.String() + "'"
}

// Effective configuration.

func intSetting(v model.Value) (int64, bool) {
	switch {
	case isIntType(v.Type):
		return v.Int, true
	case v.Type == model.TypeDouble || v.Type == model.TypeFloat:
		if v.Float == float64(int64(v.Float)) {
			return int64(v.Float), true
		}
	}
	return 0, false
}

// minSetting is res_min: the smaller of argument and policy when both are
// set.
func minSetting(args model.Table, argKey string, p *model.Policy, polKey string) (int64, bool) {
	a, aok := args[argKey]
	av, aok2 := intSetting(a)
	aok = aok && aok2
	var pv int64
	pok := false
	if p != nil {
		if v, ok := p.Definition[polKey]; ok {
			pv, pok = intSetting(v)
		}
	}
	switch {
	case aok && pok:
		return min(av, pv), true
	case aok:
		return av, true
	case pok:
		return pv, true
	}
	return 0, false
}

// argSetting is res_arg for longstr settings: the argument wins.
func argSetting(args model.Table, argKey string, p *model.Policy, polKey string) (string, bool) {
	if v, ok := args[argKey]; ok && v.Type == model.TypeLongstr {
		return v.Str, true
	}
	if p != nil {
		if v, ok := p.Definition[polKey]; ok && v.Type == model.TypeLongstr {
			return v.Str, true
		}
	}
	return "", false
}

func effectiveConfig(args model.Table, p *model.Policy) queueConfig {
	c := queueConfig{messageTTL: -1, maxLen: -1, maxBytes: -1}
	if v, ok := minSetting(args, "x-message-ttl", p, "message-ttl"); ok && v >= 0 {
		c.messageTTL = v
	}
	if v, ok := minSetting(args, "x-expires", p, "expires"); ok && v > 0 {
		c.expires = v
	}
	if v, ok := minSetting(args, "x-max-length", p, "max-length"); ok && v >= 0 {
		c.maxLen = v
	}
	if v, ok := minSetting(args, "x-max-length-bytes", p, "max-length-bytes"); ok && v >= 0 {
		c.maxBytes = v
	}
	if o, ok := argSetting(args, "x-overflow", p, "overflow"); ok {
		switch o {
		case "reject-publish":
			c.overflow = overflowRejectPublish
		case "reject-publish-dlx":
			c.overflow = overflowRejectPublishDLX
		}
	}
	c.dlx, c.hasDLX = argSetting(args, "x-dead-letter-exchange", p, "dead-letter-exchange")
	c.dlrk, c.hasDLRK = argSetting(args, "x-dead-letter-routing-key", p, "dead-letter-routing-key")
	if v, ok := intSetting(args["x-max-priority"]); ok && v > 0 {
		c.maxPriority = int(min(v, 255))
	}
	if v, ok := args["x-single-active-consumer"]; ok && v.Type == model.TypeBool {
		c.sac = v.Int != 0
	}
	return c
}
