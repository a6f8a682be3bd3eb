package mgmt

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

// Definitions are RabbitMQ 3.10's export format, written by
// model.Definitions: the whole broker (users, vhosts, permissions and
// every item with its vhost) or one vhost (items without one). Exports
// leave out the default and amq.* exchanges, exclusive queues, bindings
// from the default exchange and bindings to left-out queues
// (rabbit_mgmt_wm_definitions' export_* filters).

// exportVhost is one vhost's exportable topology, operator policies
// included.
func (h *handler) exportVhost(v *core.Vhost) model.Vhost {
	snap := v.Snapshot()
	mv := model.Vhost{Name: v.Name()}
	for _, x := range snap.Exchanges {
		if x.Name != model.DefaultExchange && !strings.HasPrefix(x.Name, "amq.") {
			x.Builtin = false
			mv.Exchanges = append(mv.Exchanges, x.Exchange)
		}
	}
	exported := map[string]bool{}
	for _, q := range snap.Queues {
		if q.Exclusive || q.OwnerConn != 0 {
			continue
		}
		exported[q.Name] = true
		mv.Queues = append(mv.Queues, q.Queue)
	}
	for _, b := range snap.Bindings {
		if b.Source == model.DefaultExchange {
			continue
		}
		if b.DestinationType == model.DestQueue && !exported[b.Destination] ||
			b.DestinationType == model.DestExchange && b.Destination == model.DefaultExchange {
			continue
		}
		mv.Bindings = append(mv.Bindings, b)
	}
	mv.Policies = append(slices.Clone(snap.Policies), h.operatorPolicies(v.Name())...)
	return mv
}

func getDefinitions(h *handler, rq *request) error {
	vs, err := h.scope(rq, 0)
	if err != nil {
		return err
	}
	d := &model.Definitions{RabbitVersion: h.opts.RabbitMQVersion, Extra: map[string]json.RawMessage{}}
	for _, v := range vs {
		d.Vhosts = append(d.Vhosts, h.exportVhost(v))
	}
	if len(rq.args) > 0 {
		d.Format = model.DefinitionsFormat{OneVhost: true, PolicyVhost: true}
		d.Extra["parameters"] = json.RawMessage("[]")
	} else {
		d.RabbitMQVersion, d.ProductName, d.ProductVersion = h.opts.RabbitMQVersion, h.opts.ProductName, h.opts.ProductVersion
		users := []obj{}
		for _, a := range h.accounts() {
			users = append(users, userJSON(a))
		}
		vhosts := []obj{}
		for _, v := range vs {
			vhosts = append(vhosts, obj{"name": v.Name()})
		}
		for k, v := range map[string]any{
			"users": users, "vhosts": vhosts, "permissions": h.permissions("", ""),
			"topic_permissions": []obj{}, "parameters": []obj{}, "global_parameters": []obj{},
		} {
			raw, err := json.Marshal(v)
			if err != nil {
				return err
			}
			d.Extra[k] = raw
		}
	}
	data, err := d.MarshalJSON()
	if err != nil {
		return err
	}
	if name := rq.r.URL.Query().Get("download"); name != "" {
		rq.w.Header().Set("Content-Disposition", "attachment; filename="+name)
	}
	var out any = json.RawMessage(data)
	return rq.reply(out)
}

// postDefinitions imports an export: into its vhosts (created as needed)
// for /api/definitions, or all of it into one existing vhost for
// /api/definitions/{vhost}. Items that already exist are kept as they
// are, as RabbitMQ's import does; the built-in exchanges and bindings
// whose ends are missing are skipped with a log line; users are not
// imported (logins come from the options); permissions and operator
// policies are recorded.
func postDefinitions(h *handler, rq *request) error {
	data, err := io.ReadAll(rq.r.Body)
	if err != nil {
		return err
	}
	target := ""
	if len(rq.args) > 0 {
		v, err := h.vhostFor(rq.arg(0))
		if err != nil {
			return err
		}
		target = v.Name()
	}
	if !json.Valid(data) {
		return badRequest("failed_to_parse_json")
	}
	d, err := model.ParseDefinitions("definitions", data, target)
	if err != nil {
		return badRequest("%v", err)
	}
	for _, w := range d.Warnings {
		h.log.Warn("definitions import", "warning", w.String())
	}
	for _, mv := range d.Vhosts {
		name := mv.Name
		if target != "" {
			name = target
		} else {
			h.b.AddVhost(name)
		}
		v, ok := h.b.Vhost(name)
		if !ok {
			return &apiError{status: http.StatusNotFound, err: "not_found", reason: "vhost_not_found"}
		}
		if err := h.importVhost(v, mv); err != nil {
			return err
		}
	}
	if target == "" {
		h.importExtras(d)
	}
	return rq.done(false)
}

// importVhost declares one vhost's items.
func (h *handler) importVhost(v *core.Vhost, mv model.Vhost) error {
	for _, p := range mv.Policies {
		if p.Operator {
			if _, err := h.setOperatorPolicy(v.Name(), p); err != nil {
				return err
			}
			continue
		}
		if err := v.SetPolicy(p); err != nil {
			return badRequest("policy '%s' in vhost '%s': %s", p.Name, v.Name(), toAPIError(err).reason)
		}
	}
	for _, x := range mv.Exchanges {
		if x.Name == model.DefaultExchange || strings.HasPrefix(x.Name, "amq.") {
			h.log.Warn("definitions import: skipping a built-in exchange", "vhost", v.Name(), "exchange", x.Name)
			continue
		}
		err := v.DeclareExchange(core.ExchangeDeclare{
			Name: x.Name, Type: x.Type, Durable: x.Durable, AutoDelete: x.AutoDelete,
			Internal: x.Internal, Arguments: x.Arguments,
		})
		if err := h.importError(err, v, "exchange", x.Name); err != nil {
			return err
		}
	}
	for _, q := range mv.Queues {
		args := q.Arguments
		if _, ok := args["x-queue-type"]; !ok && q.Type != "" && q.Type != "classic" {
			args = model.Table{"x-queue-type": model.String(q.Type)}
			for k, a := range q.Arguments {
				args[k] = a
			}
		}
		_, err := v.DeclareQueue(nil, core.QueueDeclare{
			Name: q.Name, Durable: q.Durable, AutoDelete: q.AutoDelete, Arguments: args,
		})
		if err := h.importError(err, v, "queue", q.Name); err != nil {
			return err
		}
	}
	for _, b := range mv.Bindings {
		var err error
		if b.DestinationType == model.DestExchange {
			err = v.BindExchange(b.Destination, b.Source, b.RoutingKey, b.Arguments)
		} else {
			err = v.BindQueue(nil, b.Destination, b.Source, b.RoutingKey, b.Arguments)
		}
		var ce *core.Error
		if errors.As(err, &ce) && (ce.Code == core.CodeNotFound || ce.Code == core.CodeAccessRefused) {
			h.log.Warn("definitions import: skipping a binding", "vhost", v.Name(), "source", b.Source,
				"destination", b.Destination, "error", ce.Text)
			continue
		}
		if err != nil {
			return badRequest("binding from '%s' to '%s' in vhost '%s': %s", b.Source, b.Destination,
				v.Name(), toAPIError(err).reason)
		}
	}
	return nil
}

// importError lets an import go on past an object that exists with other
// properties (RabbitMQ's import keeps the existing one), and stops it at
// any other refusal.
func (h *handler) importError(err error, v *core.Vhost, kind, name string) error {
	var ce *core.Error
	if err == nil {
		return nil
	}
	if errors.As(err, &ce) && ce.Code == core.CodePreconditionFailed && strings.Contains(ce.Text, "inequivalent") {
		h.log.Warn("definitions import: keeping the existing "+kind, "vhost", v.Name(), "name", name, "error", ce.Text)
		return nil
	}
	return badRequest("%s '%s' in vhost '%s': %s", kind, name, v.Name(), toAPIError(err).reason)
}

// importExtras records the permissions of a whole-broker import and logs
// what it does not import.
func (h *handler) importExtras(d *model.Definitions) {
	var users []struct {
		Name string `json:"name"`
	}
	if raw, ok := d.Extra["users"]; ok && json.Unmarshal(raw, &users) == nil {
		for _, u := range users {
			if h.users[u.Name] == nil {
				h.log.Info("definitions import: user not imported; the embedded broker's logins come from its options", "user", u.Name)
			}
		}
	}
	var perms []struct {
		User, Vhost, Configure, Write, Read string
	}
	if raw, ok := d.Extra["permissions"]; ok && json.Unmarshal(raw, &perms) == nil {
		for _, p := range perms {
			if _, ok := h.b.Vhost(p.Vhost); ok {
				h.recordPermission(p.Vhost, p.User, permission{p.Configure, p.Write, p.Read})
			}
		}
	}
	for _, k := range []string{"topic_permissions", "global_parameters"} {
		if raw, ok := d.Extra[k]; ok && len(strings.TrimSpace(string(raw))) > 2 {
			h.log.Info("definitions import: " + k + " recorded nowhere; the embedded broker does not use them")
		}
	}
}
