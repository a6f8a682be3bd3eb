package learn

import "testing"

func TestCalculate(t *testing.T) {
	for _, tc := range []struct{ req, want string }{
		{"2+3", "2+3 = 5"},
		{" 6 * 7 ", "6*7 = 42"},
		{"-4-6", "-4-6 = -10"},
		{"9/2", "9/2 = 4"},
		{"1/0", `cannot compute "1/0": division by zero`},
		{"hello", `cannot compute "hello": send two whole numbers and one of + - * /, like 2+3`},
		{"2+x", `cannot compute "2+x": send two whole numbers and one of + - * /, like 2+3`},
	} {
		if got := calculate(tc.req); got != tc.want {
			t.Errorf("calculate(%q) = %q, want %q", tc.req, got, tc.want)
		}
	}
}
