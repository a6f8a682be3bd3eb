package model

import (
	"fmt"
	"strings"
)

// ExplainHeaders reports whether a headers binding matches the message
// headers under the given equality rule, and why, argument by argument.
func ExplainHeaders(args, headers Table, eq HeadersEquality) (bool, string) {
	spec := compileHeaders(args)
	matched := spec.match(headers, eq)
	mode := spec.mode.String()
	if _, valid := parseMatchMode(args); !valid {
		mode = "all (x-match " + args["x-match"].Literal() + " is not valid; RabbitMQ 3.x reads it as all)"
	}
	if len(spec.args) == 0 {
		if spec.mode.any() {
			return matched, fmt.Sprintf("x-match %s with no arguments to compare matches nothing", mode)
		}
		return matched, fmt.Sprintf("x-match %s with no arguments to compare matches every message", mode)
	}
	var parts []string
	for _, a := range spec.args {
		parts = append(parts, explainHeaderArg(a, headers, eq))
	}
	verdict := "every argument must hold"
	if spec.mode.any() {
		verdict = "one argument must hold"
	}
	if !spec.mode.withX() && hasXArgs(args) {
		verdict += "; x- arguments are not compared in this mode"
	}
	return matched, fmt.Sprintf("x-match %s (%s): %s", mode, verdict, strings.Join(parts, ", "))
}

func hasXArgs(args Table) bool {
	for k := range args {
		if k != "x-match" && strings.HasPrefix(k, "x-") {
			return true
		}
	}
	return false
}

func explainHeaderArg(a headerArg, headers Table, eq HeadersEquality) string {
	hv, ok := headers[a.key]
	switch {
	case !ok:
		return fmt.Sprintf("%s missing ✗", quote(a.key))
	case a.value.Type == TypeVoid:
		return fmt.Sprintf("%s present ✓ (a void argument asks only for presence)", quote(a.key))
	case HeaderValuesEqual(a.value, hv, eq):
		return fmt.Sprintf("%s = %s ✓", quote(a.key), hv)
	}
	why := fmt.Sprintf("%s is %s, the binding wants %s ✗", quote(a.key), hv, a.value)
	switch {
	case eq == HeadersStrict && classOf(a.value.Type) != classOf(hv.Type) &&
		arithmeticEqual(a.value, hv):
		why += " (equal as numbers, but RabbitMQ ≥ 3.13 tells integers from floats)"
	case eq == HeadersStrict && hv.Type == TypeTimestamp:
		why += " (RabbitMQ ≥ 3.13 compares a timestamp header in milliseconds)"
	case classOf(a.value.Type) != classOf(hv.Type):
		why += " (different types)"
	}
	return why
}
