package connections

import (
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// The columns, by index.
const (
	ColName = iota
	ColUser
	ColClient
	ColProtocol
	ColState
	ColChannels
	ColRecv
	ColSend
)

// Columns returns the connections table's columns.
func Columns() []table.Column {
	return []table.Column{
		ColName:     {Title: "name", Min: 14, Flex: true, Search: true, Stable: true},
		ColUser:     {Title: "user", Min: 5, Max: 16, Search: true, Drop: 3},
		ColClient:   {Title: "client", Min: 8, Max: 30, Flex: true, Search: true, Drop: 4},
		ColProtocol: {Title: "protocol", Min: 8, Max: 12, Drop: 5},
		ColState:    {Title: "state", Min: 7, Max: 10},
		ColChannels: {Title: "chans", Min: 5, Max: 6, Right: true, Numeric: true},
		ColRecv:     {Title: "recv/s", Min: 7, Max: 10, Right: true, Numeric: true, Drop: 2},
		ColSend:     {Title: "send/s", Min: 7, Max: 10, Right: true, Numeric: true, Drop: 1},
	}
}

// StateTone colours a connection or channel state.
func StateTone(state string) styles.Tone {
	switch state {
	case "running", "":
		return styles.OK
	case "idle":
		return styles.Muted
	case "flow", "blocking", "blocked", "starting", "tuning", "opening":
		return styles.Warn
	}
	return styles.Error
}

// Row renders one connection.
func Row(c broker.Connection, r broker.Rates) table.Row {
	recv, recvOK := r.Get(broker.StatRecvOct)
	send, sendOK := r.Get(broker.StatSendOct)
	client := c.ClientName
	if client == "" {
		client = c.Product
		if c.ClientVersion != "" {
			client += " " + c.ClientVersion
		}
	}
	proto := c.Protocol
	if c.TLS {
		proto += "/tls"
	}
	return table.Row{
		Key: common.RowKey(c.Vhost, c.Name),
		Cells: []table.Cell{
			ColName:     {Text: common.Clean(c.Name), Short: common.Clean(ClientSide(c.Name))},
			ColUser:     {Text: common.Clean(c.User), Tone: styles.Muted},
			ColClient:   {Text: common.Clean(client)},
			ColProtocol: {Text: common.Clean(proto), Tone: styles.Muted},
			ColState:    {Text: common.Clean(c.State), Tone: StateTone(c.State)},
			ColChannels: {Text: strconv.Itoa(c.Channels)},
			ColRecv:     {Text: ByteRate(recv, recvOK)},
			ColSend:     {Text: ByteRate(send, sendOK)},
		},
		Num: []float64{ColChannels: float64(c.Channels), ColRecv: recv, ColSend: send},
		Ref: common.Ref{Type: common.ObjConnection, Key: c.Key(), Name: common.Clean(c.Name)},
	}
}

// ByteRate formats bytes per second, "" when there is no rate.
func ByteRate(v float64, ok bool) string {
	if !ok {
		return ""
	}
	return common.Bytes(uint64(max(v, 0))) + "/s"
}

// Rows renders the connections to the vhost in view.
func Rows(c *common.Common) []table.Row {
	s := c.Data.Snap
	rows := make([]table.Row, 0, len(s.Connections))
	for _, x := range s.Connections {
		if common.InVhost(c.Vhost, x.Vhost) {
			rows = append(rows, Row(x, c.Data.ConnectionRates(x.Key())))
		}
	}
	return rows
}

// ClientSide shortens a name RabbitMQ gives a connection, "CLIENT ->
// SERVER", or a channel, "CLIENT -> SERVER (N)", to what tells it from
// the others: the client's address and the channel number. Every
// connection to a node shares the server's side. It returns "" for a
// name of another form.
func ClientSide(name string) string {
	client, server, ok := strings.Cut(name, " -> ")
	if !ok || client == "" {
		return ""
	}
	if i := strings.LastIndex(server, " ("); i >= 0 && strings.HasSuffix(server, ")") {
		return client + server[i:]
	}
	return client
}
