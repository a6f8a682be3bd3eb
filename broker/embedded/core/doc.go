// Package core is the state machine of kaiten's embedded AMQP 0-9-1
// broker: vhosts, exchanges, queues, bindings and policies; publishing
// (routed by model.Router, so the broker does what the trace view
// explains); consumers, prefetch, acknowledgements, TTLs, length limits,
// dead-lettering with x-death, direct reply-to, the firehose, publisher
// confirms, transactions, counters and memory accounting. It does no
// network IO and knows nothing of frames: the server layer decodes a
// method, calls the matching Broker, Conn, Channel or Vhost method, and
// writes the reply, an error (an *Error carrying the AMQP reply code,
// RabbitMQ's reply text and whether it closes the connection), or the
// frames it drains from the channel's outbox.
//
// Behaviour follows RabbitMQ; Options.Version selects where versions
// differ. Locks are taken in the order vhost topology, queue, channel;
// publishing takes only the locks of the queues it reaches.
package core
