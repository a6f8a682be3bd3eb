package detail

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
	"github.com/kaiten-bus/kaiten/ui/views/bindings"
)

// Render draws the page of the object ref names in the snapshot, or says
// it is gone. It is pure: the same snapshot gives the same lines.
func Render(st *styles.Styles, d *common.Data, ref common.Ref) []string {
	l := &lines{st: st}
	s := d.Snap
	found := false
	switch k := ref.Key.(type) {
	case broker.ObjectKey:
		switch ref.Type {
		case common.ObjExchange:
			if x, ok := common.FindExchange(s, k); ok {
				found = true
				exchange(l, d, x)
			}
		case common.ObjQueue:
			if q, ok := common.FindQueue(s, k); ok {
				found = true
				queue(l, d, q)
			}
		case common.ObjConnection:
			found = connection(l, d, k)
		case common.ObjChannel:
			found = channel(l, d, k)
		}
	case broker.BindingKey:
		found = binding(l, s, k)
	case broker.ConsumerKey:
		found = consumer(l, s, k)
	}
	if !found {
		l.out = append(l.out, st.StatusError.Render(fmt.Sprintf(" %s %s is not in the latest snapshot: it was deleted, or is in another vhost", ref.Type, ref.Name)))
	}
	return l.out
}

func exchange(l *lines, d *common.Data, x broker.Exchange) {
	s, st := d.Snap, l.st
	r := d.ExchangeRates(x.Key())
	l.text("vhost", common.Clean(x.Vhost), styles.Normal)
	l.text("type", common.Clean(x.Type), styles.Normal)
	l.text("features", common.Flags(", ", common.Flag{Name: "durable", On: x.Durable},
		common.Flag{Name: "auto-delete", On: x.AutoDelete}, common.Flag{Name: "internal", On: x.Internal}), styles.Normal)
	l.text("rates", "in "+rate(r, broker.StatPublishIn)+" · out "+rate(r, broker.StatPublishOut), styles.Normal)
	policy(l, s, x.Vhost, x.Policy, "")
	if ae, ok := common.AlternateExchange(s, x); ok {
		l.field("alternate", st.Tone(styles.Alternate).Render("⇢ "+common.Name(ae.Value))+st.Label.Render(" ("+common.Clean(ae.Source)+")"))
	}
	l.table("arguments", x.Arguments)
	var out, in []broker.Binding
	for _, b := range s.Bindings {
		if b.Vhost != x.Vhost {
			continue
		}
		if b.Source == x.Name && (x.Name != "" || !b.Implicit) {
			out = append(out, b)
		}
		if b.DestinationType == "exchange" && b.Destination == x.Name {
			in = append(in, b)
		}
	}
	if x.Name == "" {
		l.section("bindings out", len(out))
		l.item(st.Hint.Render("the default exchange delivers to the queue named by the routing key"))
	} else {
		bindingList(l, "bindings out", out)
	}
	bindingList(l, "bindings in", in)
}

func queue(l *lines, d *common.Data, qu broker.Queue) {
	s, st := d.Snap, l.st
	r := d.QueueRates(qu.Key())
	l.text("vhost", common.Clean(qu.Vhost), styles.Normal)
	l.text("type", common.Clean(qu.Type), styles.Normal)
	l.text("state", common.Clean(qu.State), styles.OK)
	l.text("node", common.Clean(qu.Node), styles.Muted)
	l.text("features", common.Flags(", ", common.Flag{Name: "durable", On: qu.Durable},
		common.Flag{Name: "auto-delete", On: qu.AutoDelete}, common.Flag{Name: "exclusive", On: qu.Exclusive}), styles.Normal)
	l.text("messages", fmt.Sprintf("ready %s · unacked %s · total %s", common.Count(qu.Ready), common.Count(qu.Unacked), common.Count(qu.Messages)), styles.Normal)
	cons := strconv.Itoa(qu.Consumers)
	if qu.HasCapacity {
		cons += fmt.Sprintf(" (capacity %.0f%%)", qu.ConsumerCapacity*100)
	}
	l.text("consumers", cons, styles.Normal)
	l.text("rates", "in "+rate(r, broker.StatPublish)+" · out "+rate(r, broker.StatDeliverGet)+" · ack "+rate(r, broker.StatAck), styles.Normal)
	policy(l, s, qu.Vhost, qu.Policy, qu.OperatorPolicy)
	if dlx, key, ok := common.DeadLetter(s, qu); ok {
		text := "☠ " + common.Name(dlx.Value)
		if key.Value != "" {
			text += " with key " + q(key.Value)
		}
		l.field("dead letters", st.Tone(styles.DeadLetter).Render(text)+st.Label.Render(" ("+common.Clean(dlx.Source)+")"))
	}
	l.table("arguments", qu.Arguments)
	var in []broker.Binding
	for _, b := range s.Bindings {
		if b.Vhost == qu.Vhost && b.DestinationType == "queue" && b.Destination == qu.Name {
			in = append(in, b)
		}
	}
	bindingList(l, "bindings in", in)
	var cs []broker.Consumer
	for _, c := range s.Consumers {
		if c.Vhost == qu.Vhost && c.Queue == qu.Name {
			cs = append(cs, c)
		}
	}
	l.section("consumers", len(cs))
	if len(cs) == 0 {
		l.none("consumers")
	}
	for _, c := range cs {
		l.item(consumerLine(c))
	}
}

// bindingList lists bindings, each as source, routing key, arrow and
// destination: → to a queue, ⇒ to an exchange.
func bindingList(l *lines, title string, bs []broker.Binding) {
	st := l.st
	l.section(title, len(bs))
	if len(bs) == 0 {
		l.none(title)
		return
	}
	for _, b := range bs {
		arrow, tone := "→", styles.Queue
		if b.DestinationType == "exchange" {
			arrow, tone = "⇒", styles.Exchange
		}
		line := st.Tone(styles.Exchange).Render(common.Name(b.Source)) + "  " +
			st.Tone(styles.Binding).Render(q(b.RoutingKey)) + " " + st.Label.Render(arrow) + " " +
			st.Tone(tone).Render(common.Clean(b.DestinationType)+" "+common.Clean(b.Destination))
		if b.Implicit {
			line += st.Hint.Render("  (implicit)")
		}
		if args := bindings.Arguments(b.Arguments); args != "" {
			line += "  " + st.Label.Render(args)
		}
		l.item(line)
	}
}

// policy shows the policies that apply, with their definitions.
func policy(l *lines, s *broker.Snapshot, vhost, name, operator string) {
	st := l.st
	for _, p := range []struct {
		label, name string
		op          bool
	}{{"policy", name, false}, {"op. policy", operator, true}} {
		if p.name == "" {
			if !p.op {
				l.text(p.label, "", styles.Normal)
			}
			continue
		}
		def := ""
		if pol, ok := common.PolicyNamed(s, vhost, p.name, p.op); ok {
			def = "  " + st.Label.Render(common.CleanN(model.Value{Type: model.TypeTable, Table: pol.Definition}.Literal(), common.MaxDetail))
		}
		l.field(p.label, st.Tone(styles.Accent).Render(common.Clean(p.name))+def)
	}
}

func binding(l *lines, s *broker.Snapshot, k broker.BindingKey) bool {
	for _, b := range s.Bindings {
		if b.Key() != k {
			continue
		}
		l.text("vhost", common.Clean(b.Vhost), styles.Normal)
		l.text("source", common.Name(b.Source), styles.Exchange)
		l.text("destination", b.DestinationType+" "+common.Clean(b.Destination), styles.Queue)
		l.field("routing key", l.st.Tone(styles.Binding).Render(q(b.RoutingKey)))
		l.text("properties", common.Clean(b.PropertiesKey), styles.Muted)
		l.table("arguments", b.Arguments)
		return true
	}
	return false
}

func connection(l *lines, d *common.Data, k broker.ObjectKey) bool {
	for _, c := range d.Snap.Connections {
		if c.Key() != k {
			continue
		}
		r := d.ConnectionRates(k)
		l.text("vhost", common.Clean(c.Vhost), styles.Normal)
		l.text("user", common.Clean(c.User), styles.Normal)
		l.text("client", common.Clean(c.ClientName), styles.Normal)
		l.text("product", common.Clean(c.Product+" "+c.ClientVersion+" "+c.Platform), styles.Normal)
		l.text("protocol", common.Clean(c.Protocol), styles.Normal)
		l.text("tls", strconv.FormatBool(c.TLS), styles.Normal)
		l.text("state", common.Clean(c.State), styles.OK)
		l.text("peer", common.Clean(c.PeerHost)+":"+strconv.Itoa(c.PeerPort), styles.Normal)
		l.text("node", common.Clean(c.Node), styles.Muted)
		if c.ConnectedAt > 0 {
			l.text("connected", time.UnixMilli(c.ConnectedAt).UTC().Format(time.RFC3339), styles.Normal)
		}
		l.text("traffic", "recv "+bytesRate(r, broker.StatRecvOct)+" · send "+bytesRate(r, broker.StatSendOct), styles.Normal)
		var chans []broker.Channel
		for _, ch := range d.Snap.Channels {
			if ch.Connection == c.Name {
				chans = append(chans, ch)
			}
		}
		l.section("channels", len(chans))
		for _, ch := range chans {
			l.item(common.Clean(ch.Name) + l.st.Label.Render(fmt.Sprintf("  %s · consumers %d · unacked %d", common.Clean(ch.State), ch.Consumers, ch.Unacked)))
		}
		return true
	}
	return false
}

func channel(l *lines, d *common.Data, k broker.ObjectKey) bool {
	for _, ch := range d.Snap.Channels {
		if ch.Key() != k {
			continue
		}
		r := d.ChannelRates(k)
		l.text("vhost", common.Clean(ch.Vhost), styles.Normal)
		l.text("connection", common.Clean(ch.Connection), styles.Normal)
		l.text("number", strconv.Itoa(ch.Number), styles.Normal)
		l.text("user", common.Clean(ch.User), styles.Normal)
		l.text("state", common.Clean(ch.State), styles.OK)
		l.text("mode", common.Flags(", ", common.Flag{Name: "confirms", On: ch.Confirm}, common.Flag{Name: "transactional", On: ch.Transactional}), styles.Normal)
		l.text("prefetch", fmt.Sprintf("%d per consumer · %d per channel", ch.Prefetch, ch.GlobalPrefetch), styles.Normal)
		l.text("messages", fmt.Sprintf("unacked %d · unconfirmed %d", ch.Unacked, ch.Unconfirmed), styles.Normal)
		l.text("rates", "publish "+rate(r, broker.StatPublish)+" · deliver "+rate(r, broker.StatDeliverGet)+" · ack "+rate(r, broker.StatAck), styles.Normal)
		var cs []broker.Consumer
		for _, c := range d.Snap.Consumers {
			if c.Channel == ch.Name {
				cs = append(cs, c)
			}
		}
		l.section("consumers", len(cs))
		for _, c := range cs {
			l.item(consumerLine(c))
		}
		return true
	}
	return false
}

func consumer(l *lines, s *broker.Snapshot, k broker.ConsumerKey) bool {
	for _, c := range s.Consumers {
		if c.Key() != k {
			continue
		}
		l.text("vhost", common.Clean(c.Vhost), styles.Normal)
		l.text("queue", common.Name(c.Queue), styles.Queue)
		l.text("tag", common.Clean(c.Tag), styles.Normal)
		l.text("channel", common.Clean(c.Channel), styles.Normal)
		l.text("connection", common.Clean(c.Connection), styles.Normal)
		l.text("ack", map[bool]string{true: "manual", false: "auto"}[c.AckRequired], styles.Normal)
		l.text("exclusive", strconv.FormatBool(c.Exclusive), styles.Normal)
		l.text("prefetch", strconv.Itoa(c.Prefetch), styles.Normal)
		l.text("status", common.Clean(c.ActivityStatus), styles.OK)
		l.table("arguments", c.Arguments)
		return true
	}
	return false
}

func consumerLine(c broker.Consumer) string {
	ack := "auto ack"
	if c.AckRequired {
		ack = "manual ack"
	}
	return common.Clean(c.Tag) + "  " + common.Clean(c.Channel) + fmt.Sprintf("  %s · prefetch %d", ack, c.Prefetch)
}

func rate(r broker.Rates, s broker.Stat) string {
	if v := common.Rate(r.Get(s)); v != "" {
		return v
	}
	return "…"
}

func bytesRate(r broker.Rates, s broker.Stat) string {
	v, ok := r.Get(s)
	if !ok {
		return "…"
	}
	return common.Bytes(uint64(max(v, 0))) + "/s"
}
