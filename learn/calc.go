package learn

import (
	"fmt"
	"strconv"
	"strings"
)

// calculate answers a request like "2+3" or "6 * 7" with "2+3 = 5": two
// whole numbers and one of + - * /. Anything else is answered with what
// the calculator understands, so that the student sees their request
// read.
func calculate(req string) string {
	expr := strings.TrimSpace(req)
	// The operator is the first of + - * / after the first number (a
	// leading minus belongs to the number).
	i := strings.IndexAny(strings.TrimLeft(expr, "+- "), "+-*/")
	if i >= 0 {
		i += len(expr) - len(strings.TrimLeft(expr, "+- "))
	}
	if i <= 0 {
		return fmt.Sprintf("cannot compute %q: send two whole numbers and one of + - * /, like 2+3", req)
	}
	a, errA := strconv.ParseInt(strings.TrimSpace(expr[:i]), 10, 64)
	b, errB := strconv.ParseInt(strings.TrimSpace(expr[i+1:]), 10, 64)
	if errA != nil || errB != nil {
		return fmt.Sprintf("cannot compute %q: send two whole numbers and one of + - * /, like 2+3", req)
	}
	var r int64
	switch expr[i] {
	case '+':
		r = a + b
	case '-':
		r = a - b
	case '*':
		r = a * b
	case '/':
		if b == 0 {
			return fmt.Sprintf("cannot compute %q: division by zero", req)
		}
		r = a / b
	}
	return fmt.Sprintf("%d%c%d = %d", a, expr[i], b, r)
}
