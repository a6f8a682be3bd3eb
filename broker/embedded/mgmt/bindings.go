package mgmt

import (
	"net/url"
	"strings"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

// bindingSort is rabbit_mgmt_wm_bindings' default sort ("type" is in
// RabbitMQ's list too, and names no field).
var bindingSort = []string{"vhost", "source", "type", "destination", "routing_key", "properties_key"}

// bindingJSON is a binding as /api/bindings lists it.
func bindingJSON(vhost string, b model.Binding) obj {
	return obj{
		"source": b.Source, "vhost": vhost, "destination": b.Destination,
		"destination_type": b.DestinationType.String(), "routing_key": b.RoutingKey,
		"arguments": table(b.Arguments), "properties_key": propertiesKey(b.RoutingKey, b.Arguments),
	}
}

// propertiesKey is rabbit_mgmt_format:pack_binding_props: "~" for an empty
// key without arguments, else the quoted key, and with arguments "~" and
// the hash of them.
func propertiesKey(rk string, args model.Table) string {
	if len(args) == 0 {
		if rk == "" {
			return "~"
		}
		return quoteBinding(rk)
	}
	return quoteBinding(rk) + "~" + quoteBinding(argsHash(args))
}

// quoteBinding is quote_plus with "~" escaped too, as the key separates
// its parts with "~".
func quoteBinding(s string) string {
	return strings.ReplaceAll(quotePlus(s), "~", "%7E")
}

// quotePlus is rabbit_http_util:quote_plus (mochiweb's): letters, digits
// and ".-~_" stay, space becomes "+", other bytes %XX in upper case.
func quotePlus(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '-', c == '~', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func getBindings(h *handler, rq *request) error {
	return h.listVhosts(rq, false, bindingSort, func(v *core.Vhost, _ *listQuery) []obj {
		var items []obj
		for _, b := range v.Snapshot().Bindings {
			items = append(items, bindingJSON(v.Name(), b))
		}
		return items
	})
}

// pair is the source and destination a /api/bindings/{v}/e/{s}/{q|e}/{d}
// path names.
type pair struct {
	v        *core.Vhost
	src, dst string
	kind     model.DestinationKind
}

func (h *handler) pair(rq *request, write bool) (pair, error) {
	var v *core.Vhost
	var err error
	if write {
		v, err = h.vhostFor(rq.arg(0))
	} else {
		v, err = h.vhost(rq.arg(0))
	}
	if err != nil {
		return pair{}, err
	}
	p := pair{v: v, src: exchangeName(rq.arg(1)), dst: rq.arg(2), kind: model.DestQueue}
	if segs, _ := splitPath(rq.r.URL.EscapedPath()); len(segs) > 5 && segs[5] == "e" {
		p.kind, p.dst = model.DestExchange, exchangeName(p.dst)
	}
	return p, nil
}

// between lists the bindings from the pair's source to its destination.
func (p pair) between() []model.Binding {
	var out []model.Binding
	for _, b := range p.v.Snapshot().Bindings {
		if b.Source == p.src && b.DestinationType == p.kind && b.Destination == p.dst {
			out = append(out, b)
		}
	}
	return out
}

func getBindingsBetween(h *handler, rq *request) error {
	p, err := h.pair(rq, false)
	if err != nil {
		return err
	}
	lq, err := parseList(rq.r.URL.Query(), false, bindingSort...)
	if err != nil {
		return err
	}
	items := []obj{}
	for _, b := range p.between() {
		items = append(items, bindingJSON(p.v.Name(), b))
	}
	return lq.reply(rq, items)
}

// postBinding creates a binding and answers 201 with its address in
// Location, relative to the request's path as RabbitMQ gives it.
func postBinding(h *handler, rq *request) error {
	p, err := h.pair(rq, true)
	if err != nil {
		return err
	}
	body, err := rq.body()
	if err != nil {
		return err
	}
	rk, err := stringField(body, "routing_key", "")
	if err != nil {
		return err
	}
	args, err := tableField(body, "arguments")
	if err != nil {
		return err
	}
	if p.kind == model.DestExchange {
		err = p.v.BindExchange(p.dst, p.src, rk, args)
	} else {
		err = p.v.BindQueue(nil, p.dst, p.src, rk, args)
	}
	if err != nil {
		return err
	}
	kind := "q"
	if p.kind == model.DestExchange {
		kind = "e"
	}
	to := "/api/bindings/" + quotePlus(p.v.Name()) + "/e/" + quotePlus(rq.arg(1)) + "/" + kind + "/" +
		quotePlus(rq.arg(2)) + "/" + quotePlus(propertiesKey(rk, args))
	rq.w.Header().Set("Location", relativise(rq.r.URL.EscapedPath(), to))
	return rq.done(true)
}

// relativise is rabbit_web_dispatch_util:relativise: the path of to
// relative to from.
func relativise(from, to string) string {
	f, t := tokens(from, "/"), tokens(to, "/")
	for len(f) > 1 && len(t) > 0 && f[0] == t[0] {
		f, t = f[1:], t[1:]
	}
	var out []string
	if len(f) > 0 {
		for range f[1:] {
			out = append(out, "..")
		}
	}
	return strings.Join(append(out, t...), "/")
}

// findBinding resolves the properties key of a binding's path as
// rabbit_mgmt_wm_binding does: the unquoted routing key, and after "~"
// the hash of the arguments.
func (p pair) findBinding(props string) (model.Binding, bool) {
	parts := strings.Split(props, "~")
	if n := len(parts); n > 1 && parts[n-1] == "" { // tokenise drops a trailing empty part
		parts = parts[:n-1]
	}
	if len(parts) > 2 {
		return model.Binding{}, false
	}
	rk, err := url.QueryUnescape(parts[0])
	if err != nil {
		return model.Binding{}, false
	}
	for _, b := range p.between() {
		if b.RoutingKey != rk {
			continue
		}
		if len(parts) == 1 && len(b.Arguments) == 0 {
			return b, true
		}
		if len(parts) == 2 && len(b.Arguments) > 0 {
			if hash, err := url.QueryUnescape(parts[1]); err == nil && hash == argsHash(b.Arguments) {
				return b, true
			}
		}
	}
	return model.Binding{}, false
}

// bindingAt finds the binding a path with a properties key names.
func (h *handler) bindingAt(rq *request) (pair, model.Binding, error) {
	p, err := h.pair(rq, false)
	if err != nil {
		return p, model.Binding{}, err
	}
	b, ok := p.findBinding(rq.arg(3))
	if !ok {
		return p, b, errNotFound()
	}
	return p, b, nil
}

func getBinding(h *handler, rq *request) error {
	p, b, err := h.bindingAt(rq)
	if err != nil {
		return err
	}
	return rq.reply(pruneColumns(rq.r.URL.Query(), bindingJSON(p.v.Name(), b)))
}

func deleteBinding(h *handler, rq *request) error {
	p, b, err := h.bindingAt(rq)
	if err != nil {
		return err
	}
	if b.DestinationType == model.DestExchange {
		err = p.v.UnbindExchange(b.Destination, b.Source, b.RoutingKey, b.Arguments)
	} else {
		err = p.v.UnbindQueue(nil, b.Destination, b.Source, b.RoutingKey, b.Arguments)
	}
	if err != nil {
		return err
	}
	return rq.done(false)
}
