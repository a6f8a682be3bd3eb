package model

// Properties are a message's AMQP 0-9-1 basic properties. The Has* flags
// tell an unset property from an empty one, so that a message round-trips
// and the firehose can leave unset properties out, as RabbitMQ does.
type Properties struct {
	ContentType     string
	ContentEncoding string
	Headers         Table
	DeliveryMode    uint8 // 1 transient, 2 persistent
	Priority        uint8
	CorrelationID   string
	ReplyTo         string
	Expiration      string // milliseconds, as a decimal string
	MessageID       string
	Timestamp       int64 // seconds since the epoch
	Type            string
	UserID          string
	AppID           string
	ClusterID       string

	Has PropertySet
}

// PropertySet says which properties are present, one bit each, in the
// order of the AMQP property flags (content-type is the highest bit).
type PropertySet uint16

// The property flags as they stand in a content header frame.
const (
	HasContentType     PropertySet = 1 << 15
	HasContentEncoding PropertySet = 1 << 14
	HasHeaders         PropertySet = 1 << 13
	HasDeliveryMode    PropertySet = 1 << 12
	HasPriority        PropertySet = 1 << 11
	HasCorrelationID   PropertySet = 1 << 10
	HasReplyTo         PropertySet = 1 << 9
	HasExpiration      PropertySet = 1 << 8
	HasMessageID       PropertySet = 1 << 7
	HasTimestamp       PropertySet = 1 << 6
	HasType            PropertySet = 1 << 5
	HasUserID          PropertySet = 1 << 4
	HasAppID           PropertySet = 1 << 3
	HasClusterID       PropertySet = 1 << 2
)

// Delivery modes.
const (
	Transient  uint8 = 1
	Persistent uint8 = 2
)
