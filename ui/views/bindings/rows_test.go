package bindings

import (
	"testing"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

func TestRowsOfFixture(t *testing.T) {
	rows := Rows(fixture.Common())
	if len(rows) != 10 {
		t.Fatalf("%d bindings, want the 10 declared ones of vhost / (implicit ones left out)", len(rows))
	}
	var e2e, headers bool
	for _, r := range rows {
		c := r.Cells
		if c[ColSource].Text == "orders" && c[ColDestination].Text == "audit" {
			e2e = c[ColArrow].Text == "⇒" && c[ColDestination].Tone == styles.Exchange && c[ColKey].Text == "order.#"
		}
		if c[ColSource].Text == "events" {
			headers = c[ColArguments].Text == `priority=5 region="eu" x-match="any"`
		}
	}
	if !e2e {
		t.Error("the exchange-to-exchange binding orders ⇒ audit is not drawn as one")
	}
	if !headers {
		t.Error("the headers binding's arguments are not shown sorted as k=v")
	}
}

func TestArguments(t *testing.T) {
	if got := Arguments(nil); got != "" {
		t.Errorf("no arguments: %q", got)
	}
	got := Arguments(model.Table{"b": model.Long(1), "a\x1b[2J": model.String("x\ny")})
	if want := `a\x1b[2J="x\ny" b=1`; got != want {
		t.Errorf("Arguments = %q, want %q", got, want)
	}
}
