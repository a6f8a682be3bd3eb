package wire

// ConfirmSelect puts a channel in confirm mode (RabbitMQ extension): the
// server then acks or nacks every publish.
type ConfirmSelect struct {
	NoWait bool
}

// ID returns confirm.select's ids.
func (*ConfirmSelect) ID() MethodID { return MethodID{ClassConfirm, 10} }

// Encode appends confirm.select's payload.
func (m *ConfirmSelect) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.bits(m.NoWait)
	return e.result()
}

func (m *ConfirmSelect) decode(d *decoder) { m.NoWait = bit(d.octet("no-wait"), 0) }

// ConfirmSelectOk confirms confirm.select.
type ConfirmSelectOk struct{}

// ID returns confirm.select-ok's ids.
func (*ConfirmSelectOk) ID() MethodID { return MethodID{ClassConfirm, 11} }

// Encode appends confirm.select-ok's payload.
func (m *ConfirmSelectOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ConfirmSelectOk) decode(*decoder) {}

// TxSelect puts a channel in transaction mode.
type TxSelect struct{}

// ID returns tx.select's ids.
func (*TxSelect) ID() MethodID { return MethodID{ClassTx, 10} }

// Encode appends tx.select's payload.
func (m *TxSelect) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*TxSelect) decode(*decoder) {}

// TxSelectOk confirms tx.select.
type TxSelectOk struct{}

// ID returns tx.select-ok's ids.
func (*TxSelectOk) ID() MethodID { return MethodID{ClassTx, 11} }

// Encode appends tx.select-ok's payload.
func (m *TxSelectOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*TxSelectOk) decode(*decoder) {}

// TxCommit commits the channel's transaction.
type TxCommit struct{}

// ID returns tx.commit's ids.
func (*TxCommit) ID() MethodID { return MethodID{ClassTx, 20} }

// Encode appends tx.commit's payload.
func (m *TxCommit) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*TxCommit) decode(*decoder) {}

// TxCommitOk confirms tx.commit.
type TxCommitOk struct{}

// ID returns tx.commit-ok's ids.
func (*TxCommitOk) ID() MethodID { return MethodID{ClassTx, 21} }

// Encode appends tx.commit-ok's payload.
func (m *TxCommitOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*TxCommitOk) decode(*decoder) {}

// TxRollback abandons the channel's transaction.
type TxRollback struct{}

// ID returns tx.rollback's ids.
func (*TxRollback) ID() MethodID { return MethodID{ClassTx, 30} }

// Encode appends tx.rollback's payload.
func (m *TxRollback) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*TxRollback) decode(*decoder) {}

// TxRollbackOk confirms tx.rollback.
type TxRollbackOk struct{}

// ID returns tx.rollback-ok's ids.
func (*TxRollbackOk) ID() MethodID { return MethodID{ClassTx, 31} }

// Encode appends tx.rollback-ok's payload.
func (m *TxRollbackOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*TxRollbackOk) decode(*decoder) {}
