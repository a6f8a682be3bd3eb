package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
	"github.com/kaiten-bus/kaiten/model"
)

// What connection.tune offers: RabbitMQ's defaults.
const (
	tuneChannelMax = 2047
	tuneFrameMax   = 131072
	tuneHeartbeat  = 60
)

// The handshake, as rabbit_reader runs it: protocol header, start /
// start-ok (SASL PLAIN or AMQPLAIN), tune / tune-ok, open / open-ok. How a
// failure ends depends on the stage, as in RabbitMQ: a refused login is
// told only to a client that announced authentication_failure_close,
// refused tuning and a refused vhost get connection.close, anything else
// gets a silent close after a delay.

// handshakeError is how a failed handshake ends.
type handshakeError struct {
	e     *amqpError
	close bool // send connection.close (else close silently after a delay)
}

// handshake runs the handshake and reports whether the connection is open.
func (c *conn) handshake(fw *wire.FrameWriter) bool {
	_ = c.nc.SetDeadline(time.Now().Add(handshakeTimeout))
	if err := wire.ReadProtocolHeader(c.br); err != nil {
		var hm *wire.HeaderMismatchError
		if errors.As(err, &hm) {
			c.log.Info("client did not start with the AMQP 0-9-1 protocol header", "header", fmt.Sprintf("%q", hm.Got[:]))
			_, _ = c.nc.Write([]byte(wire.ProtocolHeader))
		}
		return false
	}
	herr := c.negotiate(fw)
	if herr == nil {
		_ = c.nc.SetDeadline(time.Time{})
		return true
	}
	if herr.e == nil { // the socket failed
		return false
	}
	c.log.Info("handshake failed", "text", herr.e.text)
	if herr.close {
		args := herr.e.closeArgs()
		if fw.WriteMethod(0, &args) == nil && fw.Flush() == nil {
			c.handshakeCloseOK()
		}
		return false
	}
	c.b.sleep(silentCloseDelay)
	return false
}

// handshakeCloseOK waits a little for close-ok after a connection.close
// sent during the handshake.
func (c *conn) handshakeCloseOK() {
	d := silentCloseDelay
	if c.heartbeat > 0 && c.heartbeat < d {
		d = c.heartbeat
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
	for {
		f, err := c.fr.ReadFrame()
		if err != nil || c.closingFrame0(f) {
			return
		}
	}
}

// closingFrame0 reports whether f is connection.close-ok.
func (c *conn) closingFrame0(f wire.Frame) bool {
	if f.Channel != 0 || f.Type != wire.FrameMethod {
		return false
	}
	m, err := wire.DecodeMethod(f.Payload)
	if err != nil {
		return false
	}
	_, ok := m.(*wire.ConnectionCloseOk)
	return ok
}

// negotiate runs start, tune and open; nil means the connection is open.
func (c *conn) negotiate(fw *wire.FrameWriter) *handshakeError {
	start := &wire.ConnectionStart{
		VersionMajor: 0, VersionMinor: 9, ServerProperties: c.b.serverProps,
		Mechanisms: "PLAIN AMQPLAIN", Locales: "en_US",
	}
	if err := sendNow(fw, start); err != nil {
		return &handshakeError{}
	}
	m, herr := c.method0("starting")
	if herr != nil {
		return herr
	}
	so, ok := m.(*wire.ConnectionStartOk)
	if !ok {
		return silent(newError(wire.ChannelError, m.ID(), "unexpected method in connection state starting"))
	}
	if herr := c.login(so); herr != nil {
		return herr
	}
	if err := sendNow(fw, &wire.ConnectionTune{ChannelMax: tuneChannelMax, FrameMax: tuneFrameMax, Heartbeat: tuneHeartbeat}); err != nil {
		return &handshakeError{}
	}
	if m, herr = c.method0("tuning"); herr != nil {
		return herr
	}
	tn, ok := m.(*wire.ConnectionTuneOk)
	if !ok {
		return silent(newError(wire.ChannelError, m.ID(), "unexpected method in connection state tuning"))
	}
	if e := negotiated("frame_max", wire.FrameMinSize, tuneFrameMax, uint64(tn.FrameMax)); e != nil {
		return &handshakeError{e: e, close: true}
	}
	if e := negotiated("channel_max", 1, tuneChannelMax, uint64(tn.ChannelMax)); e != nil {
		return &handshakeError{e: e, close: true}
	}
	c.frameMax, c.channelMax = tn.FrameMax, tn.ChannelMax
	c.heartbeat = time.Duration(tn.Heartbeat) * time.Second
	c.fr.SetFrameMax(c.frameMax)
	fw.SetFrameMax(c.frameMax)
	if m, herr = c.method0("opening"); herr != nil {
		return herr
	}
	op, ok := m.(*wire.ConnectionOpen)
	if !ok {
		return silent(newError(wire.ChannelError, m.ID(), "unexpected method in connection state opening"))
	}
	cc, err := c.b.open(op.VirtualHost, core.ConnInfo{
		Name: c.name(), User: c.user, ClientProperties: c.clientProps, ConnectedAt: c.connected,
		AuthMechanism: c.mechanism, FrameMax: c.frameMax, ChannelMax: c.channelMax, Heartbeat: tn.Heartbeat,
		Octets: c.octets,
	})
	if err != nil {
		return &handshakeError{e: asAMQP(err, op.ID()), close: true}
	}
	c.core, c.vhost = cc, op.VirtualHost
	return nil
}

func silent(e *amqpError) *handshakeError { return &handshakeError{e: e} }

func sendNow(fw *wire.FrameWriter, m wire.Method) error {
	if err := fw.WriteMethod(0, m); err != nil {
		return err
	}
	return fw.Flush()
}

// method0 reads the next method on channel 0 during the handshake;
// heartbeats are skipped, anything else is a silent close.
func (c *conn) method0(state string) (wire.Method, *handshakeError) {
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			var we *wire.Error
			if errors.As(err, &we) {
				return nil, silent(asAMQP(err, wire.MethodID{}))
			}
			return nil, &handshakeError{}
		}
		switch {
		case f.Channel == 0 && f.Type == wire.FrameHeartbeat:
			continue
		case f.Channel != 0 || f.Type != wire.FrameMethod:
			return nil, silent(unexpectedFrame(f))
		}
		m, err := wire.DecodeMethod(f.Payload)
		if err != nil {
			return nil, silent(asAMQP(err, wire.MethodID{}))
		}
		if _, ok := m.(*wire.ConnectionClose); ok {
			return nil, silent(newError(wire.ConnectionForced, m.ID(), "client closed the connection in state %s", state))
		}
		return m, nil
	}
}

// login reads the client's capabilities and checks its credentials.
func (c *conn) login(so *wire.ConnectionStartOk) *handshakeError {
	if caps, ok := so.ClientProperties["capabilities"]; ok && caps.Type == model.TypeTable {
		flag := func(k string) bool { v, ok := caps.Table[k]; return ok && v.Type == model.TypeBool && v.Int != 0 }
		c.caps = clientCaps{
			cancelNotify: flag("consumer_cancel_notify"),
			blocked:      flag("connection.blocked"),
			authClose:    flag("authentication_failure_close"),
		}
	}
	var user, pass string
	switch so.Mechanism {
	case "PLAIN":
		u, p, ok := plainResponse(so.Response)
		if !ok {
			return silent(newError(wire.SyntaxError, so.ID(), "response %s invalid", erlangBinary([]byte(so.Response))))
		}
		user, pass = u, p
	case "AMQPLAIN":
		u, p, ok := amqplainResponse(so.Response)
		if !ok {
			return silent(newError(wire.SyntaxError, so.ID(), "AMQPLAIN auth info is missing LOGIN or PASSWORD field"))
		}
		user, pass = u, p
	default:
		return silent(newError(wire.CommandInvalid, so.ID(), "unknown authentication mechanism '%s'", so.Mechanism))
	}
	if !c.b.authenticate(user, pass) {
		c.log.Info("login refused", "user", user, "mechanism", so.Mechanism)
		if !c.caps.authClose {
			return silent(newError(wire.AccessRefused, wire.MethodID{}, "%s login refused: user '%s' - invalid credentials", so.Mechanism, user))
		}
		return &handshakeError{close: true, e: newError(wire.AccessRefused, wire.MethodID{},
			"Login was refused using authentication mechanism %s. For details see the broker logfile.", so.Mechanism)}
	}
	c.user, c.mechanism, c.clientProps = user, so.Mechanism, so.ClientProperties
	return nil
}

// plainResponse splits SASL PLAIN's "\0user\0password", with the empty
// authorisation identity RabbitMQ requires.
func plainResponse(r string) (user, pass string, ok bool) {
	parts := strings.Split(r, "\x00")
	if len(parts) != 3 || parts[0] != "" {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// amqplainResponse reads AMQPLAIN's response: a field table without its
// length prefix, with longstr LOGIN and PASSWORD.
func amqplainResponse(r string) (user, pass string, ok bool) {
	buf := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(r)), uint32(len(r)))
	t, rest, err := wire.ReadTable(append(buf, r...))
	if err != nil || len(rest) != 0 {
		return "", "", false
	}
	user, ok1 := t.StringValue("LOGIN")
	pass, ok2 := t.StringValue("PASSWORD")
	return user, pass, ok1 && ok2
}

// negotiated is rabbit_reader:validate_negotiated_integer_value: the
// client may lower a limit, not lift it or leave it unlimited.
func negotiated(field string, lowest, offered, got uint64) *amqpError {
	tune := wire.MethodID{Class: wire.ClassConnection, Method: 30}
	detail := ""
	if field == "channel_max" && got == 0 {
		detail = " (no limit)"
	}
	switch {
	case got != 0 && got < lowest:
		return newError(wire.NotAllowed, tune, "negotiated %s = %d%s is lower than the minimum allowed value (%d)",
			field, got, detail, lowest)
	case got == 0 || got > offered:
		return newError(wire.NotAllowed, tune, "negotiated %s = %d%s is higher than the maximum allowed value (%d)",
			field, got, detail, offered)
	}
	return nil
}

// serverProperties are connection.start's, shaped like RabbitMQ's. The
// version is the RabbitMQ version behaved as, in full ("3.13.0"), since
// clients read it to choose semantics; the product says kaiten.
func serverProperties(version string) model.Table {
	if strings.Count(version, ".") == 1 {
		version += ".0"
	}
	caps := model.Table{}
	for _, k := range []string{
		"publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
		"connection.blocked", "consumer_priorities", "authentication_failure_close",
		"per_consumer_qos", "direct_reply_to",
	} {
		caps[k] = model.Bool(true)
	}
	return model.Table{
		"capabilities": {Type: model.TypeTable, Table: caps},
		"cluster_name": model.String("kaiten@localhost"),
		"copyright":    model.String("kaiten authors"),
		"information":  model.String("kaiten's embedded AMQP 0-9-1 broker, in memory, behaving as RabbitMQ " + version),
		"platform":     model.String("Go"),
		"product":      model.String("kaiten"),
		"version":      model.String(version),
	}
}
