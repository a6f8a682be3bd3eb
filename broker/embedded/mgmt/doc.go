// Package mgmt is the embedded broker's management HTTP API: the subset of
// RabbitMQ 3.10's rabbitmq_management API that kaiten and tools written
// for RabbitMQ (rabbitmqadmin) use, with the same paths, JSON shapes,
// status codes and error objects, over a core.Broker.
//
// NewHandler returns it as an http.Handler to mount at the root of the
// API listener. It serves overview, nodes, vhosts (PUT {"tracing": …}
// turns the firehose on and off), users and permissions, exchanges
// (declare, delete, publish), queues (declare, delete, purge, get in all
// four ack modes), bindings (list, create, delete by properties_key,
// computed as RabbitMQ computes it, erlang:phash2 included), connections
// (and closing one through Options.CloseConnection), channels, consumers,
// policies and operator policies, and definitions export and import.
// Lists take RabbitMQ's page, page_size, name, use_regex, sort,
// sort_reverse, columns, disable_stats and enable_queue_totals.
//
// Versions: rabbitmq_version and management_version report the RabbitMQ
// version core behaves as (Options.RabbitMQVersion overrides it), since
// clients choose semantics by it; product_name and product_version say
// kaiten. erlang_version reports the Go runtime.
//
// Where core keeps no such data the API answers RabbitMQ's neutral value:
//   - rates are computed from samples taken when a request reads an
//     object, at most one per Options.RateInterval, not on a timer;
//   - churn_rates, disk_reads and disk_writes are 0; the overview's
//     counters sum the vhosts that exist, and get_empty of a vhost and of
//     the overview sums the queues that exist;
//   - queues: memory and message_bytes* count ready bodies only (no
//     unacknowledged bytes, no overhead); messages_persistent and
//     *_paged_out are 0; consumer_capacity and consumer_utilisation are 1
//     with consumers, else 0; head_message_timestamp is null; state is
//     always "running" (RabbitMQ says "live" with disable_stats);
//   - connections: recv_oct and send_oct come from ConnInfo.Octets (0
//     without it), recv_cnt, send_cnt and send_pend are 0, ssl is false;
//   - channels' message_stats show the publishing counters (publish,
//     confirm, return_unroutable, drop_unroutable) once the channel
//     published and the delivering ones (deliver, deliver_no_ack, get,
//     get_no_ack, get_empty, deliver_get, ack, redeliver) once it received
//     or fetched, as RabbitMQ does; messages_unconfirmed and the
//     *_uncommitted counts are 0;
//   - exchanges' user_who_performed_action is "rmq-internal" for the
//     built-in ones and "" for the others;
//   - users come from Options.Users, and every user may do everything:
//     permissions and operator policies are recorded, listed and
//     exported, not enforced; /api/users shows a salted SHA-256
//     password_hash as RabbitMQ does, never the password;
//   - message_stats is always an object, never RabbitMQ's [] for no
//     activity;
//   - a queue get runs on a connection of the API's own, named
//     "management API (<user>)", which /api/connections lists while the
//     get lasts; firehose events of API publishes name no connection or
//     user.
//
// Keys RabbitMQ has and this API leaves out: the Erlang process details
// (garbage_collection, reductions, reductions_details,
// backing_queue_status), per-channel and per-queue detail lists other
// than consumer_details (incoming, outgoing, deliveries and publishes are
// empty), and node-level metrics beyond memory and connections.
package mgmt
