package rpc

import "github.com/kaiten-bus/kaiten/ui/common"

// ObjAMQPCall is the Ref type of a plain AMQP call to prefill: Open
// switches the console to plain AMQP on its exchange and key.
const ObjAMQPCall = "rpc-amqp-call"

// AMQPCall is where a plain AMQP call goes, the Key of an ObjAMQPCall
// Ref.
type AMQPCall struct {
	Exchange, Key string
}

// CallRef is a Ref that opens the console in plain AMQP mode, on
// exchange with the routing key, ready for the body.
func CallRef(exchange, key string) common.Ref {
	return common.Ref{Type: ObjAMQPCall, Key: AMQPCall{Exchange: exchange, Key: key}, Name: common.Name(exchange)}
}

// Open prefills the console from ref: an ObjAMQPCall Ref switches to
// plain AMQP with its exchange and key, focused on the body; other Refs
// leave the console as it is.
func (m *Model) Open(ref common.Ref) {
	c, ok := ref.Key.(AMQPCall)
	if ref.Type != ObjAMQPCall || !ok {
		return
	}
	m.editing = true
	m.SetMode(ModeAMQP)
	m.inputs[ModeAMQP][AMQPExchange].SetValue(c.Exchange)
	m.inputs[ModeAMQP][AMQPKey].SetValue(c.Key)
	m.focus[ModeAMQP] = AMQPBody
	m.completions()
}
