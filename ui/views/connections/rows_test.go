package connections

import (
	"testing"

	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

func TestRowsOfFixture(t *testing.T) {
	rows := Rows(fixture.Common())
	if len(rows) != 2 {
		t.Fatalf("%d connections", len(rows))
	}
	a, b := rows[0].Cells, rows[1].Cells
	if a[ColClient].Text != "nova-compute:host1" || a[ColChannels].Text != "2" || a[ColState].Tone != styles.OK {
		t.Errorf("first connection: %+v", a)
	}
	if b[ColClient].Text != "RabbitMQ 1.16.0" || b[ColProtocol].Text != "AMQP 0-9-1/tls" || b[ColState].Tone != styles.Warn {
		t.Errorf("second connection: %+v", b)
	}
	if a[ColRecv].Text == "" || a[ColRecv].Text[len(a[ColRecv].Text)-2:] != "/s" {
		t.Errorf("byte rate %q", a[ColRecv].Text)
	}
}

func TestByteRate(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		ok   bool
		want string
	}{{0, false, ""}, {512, true, "512B/s"}, {1536, true, "1.5KiB/s"}, {-3, true, "0B/s"}} {
		if got := ByteRate(tc.v, tc.ok); got != tc.want {
			t.Errorf("ByteRate(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
