package core

// Transactions (tx.select, tx.commit, tx.rollback) as rabbit_channel keeps
// them: a publish is checked and routed at once but reaches its queues at
// commit; acks, nacks and rejects take their deliveries off the channel at
// once (an unknown tag fails then) but act on the queues at commit;
// rollback drops the publishes and gives the deliveries back as
// unacknowledged.

// txState is a transactional channel's uncommitted work.
type txState struct {
	pubs []txPublish
	acks []txAcks
}

type txPublish struct {
	m         *Message
	routed    []string
	mandatory bool
}

type txAcks struct {
	op   ackOp
	recs []unackedRec
}

func (t *txState) addAcks(op ackOp, recs []unackedRec) {
	t.acks = append(t.acks, txAcks{op: op, recs: append([]unackedRec(nil), recs...)})
}

func (t *txState) ackedRecs() []unackedRec {
	var out []unackedRec
	for _, a := range t.acks {
		out = append(out, a.recs...)
	}
	return out
}

// TxSelect is tx.select; selecting twice is fine, but a channel in confirm
// mode refuses (406).
func (ch *Channel) TxSelect() error {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.confirm {
		return errorf(CodePreconditionFailed, "cannot switch from confirm to tx mode")
	}
	if ch.tx == nil {
		ch.tx = &txState{}
	}
	return nil
}

// Transactional reports whether tx.select was called.
func (ch *Channel) Transactional() bool {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.tx != nil
}

// deferPublish holds a publish in an open transaction.
func (ch *Channel) deferPublish(m *Message, routed []string, mandatory bool) (bool, PublishResult) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.tx == nil {
		return false, PublishResult{}
	}
	ch.tx.pubs = append(ch.tx.pubs, txPublish{m: m, routed: routed, mandatory: mandatory})
	return true, PublishResult{Routed: routed, Deferred: true}
}

// TxCommit is tx.commit: the held publishes reach their queues (the
// results say which must be returned), then the held acks, nacks and
// rejects apply. If a queue refused a publish (reject-publish), RabbitMQ
// fails the commit with 406 "partial tx completion"; the returned error
// says so after everything else was done. A channel not in tx mode
// refuses (406).
func (ch *Channel) TxCommit() ([]PublishResult, error) {
	ch.mu.Lock()
	if ch.tx == nil {
		ch.mu.Unlock()
		return nil, errorf(CodePreconditionFailed, "channel is not transactional")
	}
	t := ch.tx
	ch.tx = &txState{}
	for _, a := range t.acks { // settled deliveries give their credit back now
		ch.releaseCreditLocked(a.recs)
	}
	var kbuf [4]*consumer
	kicks := ch.collectKicksLocked(kbuf[:0])
	ch.mu.Unlock()

	results := make([]PublishResult, 0, len(t.pubs))
	nacked := false
	for _, p := range t.pubs {
		x := ch.v.current().exchanges[p.m.Exchange]
		if x == nil { // deleted since: nothing routes
			x = &exchange{}
		}
		res := ch.v.deliver(ch, x, p.m, p.routed, p.mandatory)
		nacked = nacked || res.Nacked
		results = append(results, res)
	}
	for _, a := range t.acks {
		applySettle(ch, a.op, a.recs)
	}
	kick(kicks)
	if nacked {
		return results, errorf(CodePreconditionFailed, "partial tx completion")
	}
	return results, nil
}

// TxRollback is tx.rollback: held publishes are dropped and held
// deliveries are unacknowledged again. A channel not in tx mode refuses
// (406).
func (ch *Channel) TxRollback() error {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.tx == nil {
		return errorf(CodePreconditionFailed, "channel is not transactional")
	}
	ch.unacked.restore(ch.tx.ackedRecs())
	ch.tx = &txState{}
	return nil
}
