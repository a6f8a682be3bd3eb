package mgmt

import (
	"slices"
	"strings"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
)

// vhostJSON is a vhost as /api/vhosts lists it.
func (h *handler) vhostJSON(v *core.Vhost, stats bool) obj {
	h.st.mu.Lock()
	meta := h.st.vhostMeta[v.Name()]
	h.st.mu.Unlock()
	if meta.Description == "" && v.Name() == core.DefaultVhost {
		meta.Description = "Default virtual host"
	}
	tags := slices.Clone(meta.Tags)
	if tags == nil {
		tags = []string{}
	}
	dqt := meta.DefaultQueueType
	if dqt == "" {
		dqt = "undefined"
	}
	o := obj{
		"name": v.Name(), "description": meta.Description, "tags": tags, "default_queue_type": dqt,
		"metadata": obj{"description": meta.Description, "tags": tags}, "tracing": v.Tracing(),
		"cluster_state": obj{h.opts.Node: "running"},
	}
	snap := v.Snapshot()
	t := totalsOf(snap)
	depths := []int64{t.messages, t.ready, t.unacked}
	if !stats {
		for i, n := range depthNames {
			o[n] = depths[i]
		}
		return o
	}
	h.setStats(o, key("vd", v.Name()), depthNames, depths, false)
	o["message_stats"] = h.counterStats(key("v", v.Name()), vhostStatNames,
		counterValues(snap.Counters, t.getEmpty, vhostStatNames))
	var recv, sent int64
	for _, c := range h.connections(v.Name()) {
		r, s := octets(c.Info)
		recv, sent = recv+r, sent+s
	}
	h.setStats(o, key("vo", v.Name()), octetNames, []int64{recv, sent}, true)
	return o
}

func getVhosts(h *handler, rq *request) error {
	lq, err := parseList(rq.r.URL.Query(), true, "name")
	if err != nil {
		return err
	}
	vs, err := h.scope(rq, -1)
	if err != nil {
		return err
	}
	items := []obj{}
	for _, v := range vs {
		items = append(items, h.vhostJSON(v, lq.stats()))
	}
	return lq.reply(rq, items)
}

func getVhost(h *handler, rq *request) error {
	v, err := h.vhost(rq.arg(0))
	if err != nil {
		return err
	}
	q := rq.r.URL.Query()
	return rq.reply(pruneColumns(q, h.vhostJSON(v, q.Get("disable_stats") != "true")))
}

// putVhost creates a vhost, and sets its tracing flag (the firehose) and
// description when the body gives them.
func putVhost(h *handler, rq *request) error {
	body, err := rq.body()
	if err != nil {
		return err
	}
	name := rq.arg(0)
	_, existed := h.b.Vhost(name)
	h.b.AddVhost(name)
	v, ok := h.b.Vhost(name)
	if !ok {
		return errNotFound()
	}
	if _, ok := body["tracing"]; ok {
		on, err := boolField(body, "tracing", false)
		if err != nil {
			return err
		}
		v.SetTracing(on)
	}
	desc, err := stringField(body, "description", "")
	if err != nil {
		return err
	}
	qt, err := stringField(body, "default_queue_type", "")
	if err != nil {
		return err
	}
	var tags []string
	switch t := body["tags"].(type) {
	case string:
		tags = tokens(t, ",")
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				tags = append(tags, strings.TrimSpace(s))
			}
		}
	}
	h.st.mu.Lock()
	meta := h.st.vhostMeta[name]
	if _, ok := body["description"]; ok || !existed {
		meta.Description = desc
	}
	if _, ok := body["tags"]; ok || !existed {
		meta.Tags = tags
	}
	if qt != "" {
		meta.DefaultQueueType = qt
	}
	h.st.vhostMeta[name] = meta
	h.st.mu.Unlock()
	return rq.done(!existed)
}

// deleteVhost deletes a vhost with everything in it; its connections are
// closed by the server layer, as core marks them.
func deleteVhost(h *handler, rq *request) error {
	name := rq.arg(0)
	conns := h.connections(name)
	if !h.b.DeleteVhost(name) {
		return errNotFound()
	}
	if h.opts.CloseConnection != nil {
		for _, c := range conns {
			h.opts.CloseConnection(c.ID, "vhost '"+name+"' is deleted")
		}
	}
	h.st.mu.Lock()
	delete(h.st.vhostMeta, name)
	delete(h.st.opPolicies, name)
	for k := range h.st.perms {
		if k[0] == name {
			delete(h.st.perms, k)
		}
	}
	h.st.mu.Unlock()
	return rq.done(false)
}
