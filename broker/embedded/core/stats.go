package core

import "sync/atomic"

// counters are a vhost's (or a channel's) cumulative message counters. They only grow;
// readers compute rates from two readings.
type counters struct {
	publish          atomic.Int64
	deliver          atomic.Int64
	deliverNoAck     atomic.Int64
	get              atomic.Int64
	getNoAck         atomic.Int64
	ack              atomic.Int64
	redeliver        atomic.Int64
	returnUnroutable atomic.Int64
	dropUnroutable   atomic.Int64
	confirm          atomic.Int64
}

// CounterValues is a reading of a vhost's counters, named as the management API's
// message_stats fields are.
type CounterValues struct {
	Publish          int64 `json:"publish"`
	Deliver          int64 `json:"deliver"`
	DeliverNoAck     int64 `json:"deliver_no_ack"`
	Get              int64 `json:"get"`
	GetNoAck         int64 `json:"get_no_ack"`
	DeliverGet       int64 `json:"deliver_get"`
	Ack              int64 `json:"ack"`
	Redeliver        int64 `json:"redeliver"`
	ReturnUnroutable int64 `json:"return_unroutable"`
	DropUnroutable   int64 `json:"drop_unroutable"`
	Confirm          int64 `json:"confirm"`
}

func (c *counters) values() CounterValues {
	v := CounterValues{
		Publish:          c.publish.Load(),
		Deliver:          c.deliver.Load(),
		DeliverNoAck:     c.deliverNoAck.Load(),
		Get:              c.get.Load(),
		GetNoAck:         c.getNoAck.Load(),
		Ack:              c.ack.Load(),
		Redeliver:        c.redeliver.Load(),
		ReturnUnroutable: c.returnUnroutable.Load(),
		DropUnroutable:   c.dropUnroutable.Load(),
		Confirm:          c.confirm.Load(),
	}
	v.DeliverGet = v.Deliver + v.DeliverNoAck + v.Get + v.GetNoAck
	return v
}

func (v *CounterValues) add(o CounterValues) {
	v.Publish += o.Publish
	v.Deliver += o.Deliver
	v.DeliverNoAck += o.DeliverNoAck
	v.Get += o.Get
	v.GetNoAck += o.GetNoAck
	v.DeliverGet += o.DeliverGet
	v.Ack += o.Ack
	v.Redeliver += o.Redeliver
	v.ReturnUnroutable += o.ReturnUnroutable
	v.DropUnroutable += o.DropUnroutable
	v.Confirm += o.Confirm
}

// ChannelCounterValues is a reading of a channel's counters: a vhost's,
// and the basic.gets that found nothing.
type ChannelCounterValues struct {
	CounterValues
	GetEmpty int64 `json:"get_empty"`
}

// queueCounters are a queue's cumulative counters.
type queueCounters struct {
	publish      atomic.Int64
	deliver      atomic.Int64
	deliverNoAck atomic.Int64
	get          atomic.Int64
	getNoAck     atomic.Int64
	getEmpty     atomic.Int64
	ack          atomic.Int64
	redeliver    atomic.Int64
}

// QueueCounterValues is a reading of a queue's counters.
type QueueCounterValues struct {
	Publish      int64 `json:"publish"`
	Deliver      int64 `json:"deliver"`
	DeliverNoAck int64 `json:"deliver_no_ack"`
	Get          int64 `json:"get"`
	GetNoAck     int64 `json:"get_no_ack"`
	GetEmpty     int64 `json:"get_empty"`
	DeliverGet   int64 `json:"deliver_get"`
	Ack          int64 `json:"ack"`
	Redeliver    int64 `json:"redeliver"`
}

func (c *queueCounters) values() QueueCounterValues {
	v := QueueCounterValues{
		Publish:      c.publish.Load(),
		Deliver:      c.deliver.Load(),
		DeliverNoAck: c.deliverNoAck.Load(),
		Get:          c.get.Load(),
		GetNoAck:     c.getNoAck.Load(),
		GetEmpty:     c.getEmpty.Load(),
		Ack:          c.ack.Load(),
		Redeliver:    c.redeliver.Load(),
	}
	v.DeliverGet = v.Deliver + v.DeliverNoAck + v.Get + v.GetNoAck
	return v
}
