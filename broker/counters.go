package broker

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// Stat names one number the management API counts for an object. All are
// monotonic counters except StatMessages, a queue depth, whose rate is
// the depth's growth per second and may be negative.
type Stat uint8

// The stats, by the names of the management API's message_stats keys
// (recv_oct and send_oct are top-level keys of connections and vhosts;
// messages is a queue's, a vhost's and the overview's depth).
const (
	StatPublish Stat = iota
	StatPublishIn
	StatPublishOut
	StatConfirm
	StatDeliver
	StatDeliverNoAck
	StatGet
	StatGetNoAck
	StatDeliverGet
	StatGetEmpty
	StatAck
	StatRedeliver
	StatReturnUnroutable
	StatDropUnroutable
	StatRecvOct
	StatSendOct
	StatMessages
	numStats
)

var statNames = [numStats]string{
	"publish", "publish_in", "publish_out", "confirm", "deliver", "deliver_no_ack", "get", "get_no_ack",
	"deliver_get", "get_empty", "ack", "redeliver", "return_unroutable", "drop_unroutable",
	"recv_oct", "send_oct", "messages",
}

// String returns the management API's name of the stat.
func (s Stat) String() string {
	if s < numStats {
		return statNames[s]
	}
	return "stat" + strconv.Itoa(int(s))
}

// gauge reports whether the stat is a level, not a running count.
func (s Stat) gauge() bool { return s == StatMessages }

// statByName finds the stat of a message_stats key.
func statByName(name string) (Stat, bool) {
	for i, n := range statNames {
		if n == name {
			return Stat(i), true
		}
	}
	return 0, false
}

// Counters are the numbers an object's rates are computed from: its
// message_stats counters and, where it has them, byte counts and depth.
// A counter the broker did not report is absent, not zero. Counters are
// comparable with ==.
type Counters struct {
	v   [numStats]uint64
	has uint32
}

// Get returns a counter and whether the broker reported it.
func (c Counters) Get(s Stat) (uint64, bool) {
	if s >= numStats || c.has&(1<<s) == 0 {
		return 0, false
	}
	return c.v[s], true
}

// Value returns a counter, 0 when absent.
func (c Counters) Value(s Stat) uint64 { v, _ := c.Get(s); return v }

// Set records a counter.
func (c *Counters) Set(s Stat, v uint64) {
	if s < numStats {
		c.v[s] = v
		c.has |= 1 << s
	}
}

// Empty reports whether no counter is present.
func (c Counters) Empty() bool { return c.has == 0 }

// UnmarshalJSON reads a message_stats object. RabbitMQ writes an object
// with no stats as [] and some versions write null; both are empty. The
// *_details objects and unknown keys are skipped: rates come from counter
// deltas on kaiten's side.
func (c *Counters) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil // [], null, or something else kaiten cannot use
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	for k, raw := range m {
		s, ok := statByName(k)
		if !ok {
			continue
		}
		if n, ok := counterValue(raw); ok {
			c.Set(s, n)
		}
	}
	return nil
}

// MarshalJSON writes the present counters as an object.
func (c Counters) MarshalJSON() ([]byte, error) {
	return statsJSON(c.has, func(b []byte, s Stat) []byte { return strconv.AppendUint(b, c.v[s], 10) }), nil
}

// statsJSON writes the stats in has as an object, each value by value.
func statsJSON(has uint32, value func([]byte, Stat) []byte) []byte {
	b := []byte{'{'}
	for s := range numStats {
		if has&(1<<s) != 0 {
			if len(b) > 1 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, s.String())
			b = append(b, ':')
			b = value(b, s)
		}
	}
	return append(b, '}')
}

// counterValue reads a JSON number as a counter; a float is truncated and
// anything else (null, a string) is not a counter.
func counterValue(raw json.RawMessage) (uint64, bool) {
	if n, err := strconv.ParseUint(string(raw), 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return uint64(f), true
}

// Rates are per-second rates of an object's counters between two
// snapshots. A rate is absent when either snapshot lacks the counter or
// the counter went backwards (the object was recreated, or the broker's
// stats were reset), since no rate can be told for that interval.
type Rates struct {
	v   [numStats]float64
	has uint32
}

// Get returns a rate per second and whether there is one.
func (r Rates) Get(s Stat) (float64, bool) {
	if s >= numStats || r.has&(1<<s) == 0 {
		return 0, false
	}
	return r.v[s], true
}

// Same reports whether two rate sheets agree on a statistic: the same
// rate, or both without one.
func (r Rates) Same(o Rates, s Stat) bool {
	v, ok := r.Get(s)
	w, okw := o.Get(s)
	return v == w && ok == okw
}

// Value returns a rate, 0 when absent.
func (r Rates) Value(s Stat) float64 { v, _ := r.Get(s); return v }

// Empty reports whether no rate is present.
func (r Rates) Empty() bool { return r.has == 0 }

// MarshalJSON writes the present rates as an object.
func (r Rates) MarshalJSON() ([]byte, error) {
	return statsJSON(r.has, func(b []byte, s Stat) []byte { return strconv.AppendFloat(b, r.v[s], 'f', -1, 64) }), nil
}

// RatesBetween returns the rates of the counters from prev to cur, dt
// apart. A counter that went backwards gives no rate; a gauge gives its
// signed change per second.
func RatesBetween(prev, cur Counters, dt time.Duration) Rates {
	var r Rates
	if dt <= 0 {
		return r
	}
	secs := dt.Seconds()
	both := prev.has & cur.has
	for s := range numStats {
		if both&(1<<s) == 0 {
			continue
		}
		a, b := prev.v[s], cur.v[s]
		switch {
		case s.gauge():
			r.v[s] = (float64(b) - float64(a)) / secs
		case b < a:
			continue // reset
		default:
			r.v[s] = float64(b-a) / secs
		}
		r.has |= 1 << s
	}
	return r
}
