package form

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestFieldError(t *testing.T) {
	var err error = &FieldError{Field: "timeout", Err: io.ErrUnexpectedEOF}
	wrapped := fmt.Errorf("send: %w", err)
	var fe *FieldError
	if !errors.As(wrapped, &fe) || fe.Field != "timeout" {
		t.Fatalf("errors.As(%v) = %v", wrapped, fe)
	}
	if !errors.Is(wrapped, io.ErrUnexpectedEOF) || err.Error() != "timeout: unexpected EOF" {
		t.Errorf("error %q does not name the field and keep its cause", err)
	}
}

func TestParseHeaders(t *testing.T) {
	var gotPairs []string
	pairs := func(s string) (model.Table, error) {
		gotPairs = append(gotPairs, s)
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return nil, errors.New("want k=v")
		}
		return model.Table{k: model.String(v)}, nil
	}
	for _, tc := range []struct {
		in   string
		want model.Table
		err  string
	}{
		{in: "  \n\t", want: nil},
		{in: ` {"n": 5, "s": "v", "b": true} `, want: model.Table{"n": {Type: model.TypeLong, Int: 5}, "s": model.String("v"), "b": model.Bool(true)}},
		{in: `{"n": `, err: "headers JSON: "},
		{in: " a=b ", want: model.Table{"a": model.String("b")}},
		{in: "ab", err: "want k=v"},
	} {
		gotPairs = nil
		got, err := ParseHeaders(tc.in, pairs)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("ParseHeaders(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("ParseHeaders(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			continue
		}
		for k, v := range tc.want {
			if !got[k].Equal(v) {
				t.Errorf("ParseHeaders(%q)[%s] = %v, want %v", tc.in, k, got[k], v)
			}
		}
		if strings.HasPrefix(strings.TrimSpace(tc.in), "a=") && (len(gotPairs) != 1 || gotPairs[0] != "a=b") {
			t.Errorf("ParseHeaders(%q) gave the pairs reader %q, want the trimmed text", tc.in, gotPairs)
		}
	}
}

func TestLooksJSON(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a":1}`: true, " \r\n\t[1]": true, "": false, "  ": false, "plain {": false, "x": false,
	} {
		if got := LooksJSON(in); got != want {
			t.Errorf("LooksJSON(%q) = %v", in, got)
		}
	}
}
