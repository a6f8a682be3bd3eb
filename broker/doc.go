// Package broker is kaiten's one door to a broker: RabbitMQ, or the
// embedded broker, reached exactly alike over AMQP 0-9-1 and the management
// HTTP API. It is the IO layer; the TUI calls it from tea.Cmds and the CLI
// calls it directly.
//
// The pieces, in the order a program meets them:
//
//   - Where to connect: [ParseURI] reads RabbitMQ's AMQP URI format,
//     [Resolve] picks a [Config] from flags, KAITEN_URL and the contexts
//     of $XDG_CONFIG_HOME/kaiten/config.yaml, and [Config.Endpoints]
//     derives the management API from the AMQP URL.
//   - Connecting: [Open] dials AMQP and the management API and returns a
//     [Session]. Every failure is an [*Error] that names the thing and the
//     fix. A session whose management API is out of reach is degraded
//     rather than failed; a dropped AMQP connection is redialled with
//     backoff. [Session.Status] and [Session.Watch] tell callers which.
//   - Live topology and stats: [API] lists every kind of object with
//     RabbitMQ's pagination, [API.Snapshot] gathers them into a
//     [Snapshot], [DiffSnapshots] and [ComputeRates] compare two of them,
//     and a [Poller] refreshes on an interval and delivers [Update]s
//     holding the diff and the rates. [Snapshot.Router] turns a snapshot
//     into the routing model so trace runs on the live broker.
//   - Messages: [Session.Publish] (mandatory, confirms, repeats at a
//     rate), [Session.Call] and [Session.Cast] for RPC, [Session.Tap] for
//     a non-destructive view of what exchanges route (or of the
//     firehose, checked against kaiten's own route), [Session.Consume]
//     and [Session.Peek] for queues. Taps and consumers are streams: they
//     deliver a [Batch] per read, so a reader that reads once a frame
//     redraws once a frame, and they set themselves up again after a
//     reconnect ([EventInterrupted], [EventRestored]).
//
// Publishing, tapping, consuming and RPC build on [Session.Channel] for
// AMQP channels, [Session.CheckWritable] for read-only contexts and
// [Status.Generation] to notice a new connection after a reconnect.
//
// Passwords never leave this package in text: URLs print redacted, errors
// are scrubbed, and the types that hold credentials print without them.
package broker
