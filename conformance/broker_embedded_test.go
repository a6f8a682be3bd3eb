package conformance

import (
	"context"
	"testing"

	"github.com/kaiten-bus/kaiten/broker/embedded"
)

// embeddedVersion is the RabbitMQ version the embedded broker behaves as
// under test: that of the RabbitMQ the suite compares it with.
const embeddedVersion = "3.10.8"

// startEmbedded starts kaiten's embedded broker in-process, AMQP and
// management API each on a free loopback port.
func startEmbedded(ctx context.Context) (amqpURL, apiURL string, err error) {
	b, err := embedded.Start(ctx, embedded.Options{
		Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: embeddedVersion,
	})
	if err != nil {
		return "", "", err
	}
	return b.AMQPURL(), b.APIURL(), nil
}

// skipOnEmbedded skips a test of behaviour the embedded broker leaves out
// by design, naming why.
func skipOnEmbedded(t *testing.T, tb *testBroker, why string) {
	t.Helper()
	if tb.Name == "embedded" {
		t.Skip("the embedded broker " + why)
	}
}
