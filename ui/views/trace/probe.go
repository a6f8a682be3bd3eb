package trace

import "github.com/kaiten-bus/kaiten/ui/common"

// OpenProbe fills the probe from a message seen in a tap or a consume
// view: its vhost, exchange, routing key and headers (as a JSON object,
// which keeps their types). The route shows at once; enter edits it.
func (m *Model) OpenProbe(p common.Probe) {
	if p.Vhost != "" {
		m.vhost = p.Vhost
	}
	m.inputs[FieldExchange].SetValue(p.Exchange)
	m.inputs[FieldKey].SetValue(p.RoutingKey)
	headers := ""
	if len(p.Headers) > 0 {
		b, _ := p.Headers.MarshalJSON()
		headers = string(b)
	}
	m.inputs[FieldHeaders].SetValue(headers)
	m.focus, m.candSel, m.editing = FieldKey, 0, false
	m.recompute()
}
