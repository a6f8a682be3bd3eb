package msglist

import (
	"github.com/kaiten-bus/kaiten/broker"
)

// DefaultLimit is how many messages a list keeps: the newest, the older
// ones counted as scrolled out.
const DefaultLimit = 10_000

// Settled is what happened to a consumed message in manual-ack mode.
type Settled uint8

// The settlements of a message.
const (
	Unsettled Settled = iota
	Acked
	Requeued
	Rejected
	// Settling: the ack, requeue or reject is on its way.
	Settling
)

// Entry is a message kept in the list.
type Entry struct {
	// Seq numbers the messages as they arrived, from 1.
	Seq uint64
	Msg broker.Message
	// Summary is the message's oslo.messaging summary, with the round
	// trip for a reply whose call was seen; "" for other messages.
	Summary string
	State   Settled
	row     *rowCells // drawn on first sight
}

// window keeps the newest limit entries in a ring, numbered without gaps
// so that an entry is found from its Seq in O(1).
type window struct {
	buf   []Entry
	start int // index in buf of the oldest
	n     int
	limit int
	next  uint64 // the Seq the next entry gets
	out   int    // entries that scrolled out since the last clear
}

func newWindow(limit int) window {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return window{limit: limit, next: 1}
}

// push adds an entry, giving it its Seq, and returns a pointer to it.
func (w *window) push(e Entry) *Entry {
	e.Seq = w.next
	w.next++
	if w.n < w.limit {
		if len(w.buf) < w.limit {
			w.buf = append(w.buf, e)
			w.n++
			return &w.buf[len(w.buf)-1]
		}
		i := (w.start + w.n) % w.limit
		w.buf[i] = e
		w.n++
		return &w.buf[i]
	}
	w.buf[w.start] = e // overwrite the oldest
	p := &w.buf[w.start]
	w.start = (w.start + 1) % w.limit
	w.out++
	return p
}

// len returns how many entries are kept.
func (w *window) len() int { return w.n }

// at returns the i-th kept entry, oldest first.
func (w *window) at(i int) *Entry {
	if i < 0 || i >= w.n {
		return nil
	}
	return &w.buf[(w.start+i)%len(w.buf)]
}

// first returns the Seq of the oldest kept entry (next when empty).
func (w *window) first() uint64 { return w.next - uint64(w.n) }

// bySeq returns the entry numbered seq, nil when not kept.
func (w *window) bySeq(seq uint64) *Entry {
	f := w.first()
	if seq < f || seq >= w.next {
		return nil
	}
	return w.at(int(seq - f))
}

// clear forgets every entry; numbering goes on.
func (w *window) clear() {
	clear(w.buf)
	w.buf, w.start, w.n, w.out = w.buf[:0], 0, 0, 0
}

// skip counts messages that arrived but were never kept (they get no
// Seq, so numbering stays without gaps).
func (w *window) skip(n int) { w.out += n }
