// Package listview is the shared body of the list views (exchanges,
// queues, bindings, connections, channels, consumers): a live table whose
// rows a view's Source builds from the data, with the / filter, sorting,
// enter to drill in and the view's own actions.
package listview

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// Action is a key of a list view that acts on the selected row.
type Action struct {
	Binding key.Binding
	// Run returns the command for the selected row.
	Run func(r table.Row) tea.Cmd
}

// Source is what a list view lists.
type Source struct {
	Kind common.Kind
	// Noun is what the rows are, plural: "queues".
	Noun    string
	Columns []table.Column
	// Rows builds the rows of the vhost in view from the data. It is a
	// pure function of its arguments.
	Rows func(c *common.Common) []table.Row
	// Table, when set, is used instead of Rows: it returns the rows of
	// the vhost in view, formatted when drawn, and what changed since
	// prev (the rows it returned last time, nil at first), so a refresh
	// of a big list costs what it draws. It is a pure function of its
	// arguments.
	Table func(c *common.Common, prev table.Rows) (table.Rows, table.Change)
	// SortCol and SortDesc are the initial sort.
	SortCol  int
	SortDesc bool
	// Actions are the view's keys on the selected row; the first is enter.
	Actions []Action
}

// Model is a list view.
type Model struct {
	c     *common.Common
	src   Source
	table table.Model
	rows  table.Rows // the last rows of Source.Table
	// all says the table shows every vhost, with a vhost column first.
	all  bool
	w, h int
}

// New returns a list view of a source; its rows come at the first
// RefreshMsg, or now if data is there.
func New(c *common.Common, src Source) *Model {
	m := &Model{c: c, src: src}
	m.newTable(c.Vhost == "")
	m.refresh()
	return m
}

// newTable makes the table afresh: with the vhost column when all
// vhosts are shown, sorted as the source says, the filter kept.
func (m *Model) newTable(all bool) {
	filter := m.table.Filter()
	m.all, m.rows = all, nil
	m.table = table.New(columnsFor(m.src.Columns, all))
	col := m.src.SortCol
	if all {
		col++
	}
	m.table.SortBy(col, m.src.SortDesc)
	m.table.SetSize(m.w, m.h)
	if filter != "" {
		m.table.SetFilter(filter)
	}
}

// Kind returns the source's kind.
func (m *Model) Kind() common.Kind { return m.src.Kind }

// Title returns the source's noun.
func (m *Model) Title() string { return m.src.Noun }

// Table returns the table, for tests.
func (m *Model) Table() *table.Model { return &m.table }

func (m *Model) refresh() {
	if all := m.c.Vhost == ""; all != m.all {
		m.newTable(all)
	}
	switch {
	case !m.c.Data.Ready():
	case m.src.Table != nil:
		rows, ch := m.src.Table(m.c, m.rows)
		m.rows = rows
		if m.all {
			m.table.SetSource(withVhost(rows), shiftChange(ch))
		} else {
			m.table.SetSource(rows, ch)
		}
	case m.all:
		m.table.SetSource(withVhost(table.RowList(m.src.Rows(m.c))), table.Change{})
	default:
		m.table.SetRows(m.src.Rows(m.c))
	}
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.table.SetSize(w, h)
}

// Filter returns the / filter.
func (m *Model) Filter() string { return m.table.Filter() }

// SetFilter sets the / filter.
func (m *Model) SetFilter(s string) { m.table.SetFilter(s) }

// Count returns the rows shown and the rows there are.
func (m *Model) Count() (int, int) { return m.table.Len(), m.table.Total() }

// Selected returns what the selected row shows.
func (m *Model) Selected() (common.Ref, bool) {
	r, ok := m.table.Selected()
	if !ok {
		return common.Ref{}, false
	}
	ref, ok := r.Ref.(common.Ref)
	return ref, ok
}

// Update handles refreshes, the actions and the table's keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		m.refresh()
		return nil
	case tea.KeyPressMsg:
		for _, a := range m.src.Actions {
			if key.Matches(msg, a.Binding) {
				if r, ok := m.table.Selected(); ok {
					return a.Run(r)
				}
				return nil
			}
		}
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(msg)
	return cmd
}

// View draws the table, or says why it is empty.
func (m *Model) View() string {
	st := m.c.Styles
	switch {
	case !m.c.Data.Ready():
		return common.Waiting(m.c, m.w, m.h)
	case m.table.Total() == 0:
		return common.Lines(st.Hint.Render(" no "+m.src.Noun+" in "+vhostText(m.c.Vhost)), m.w, m.h)
	case m.table.Len() == 0:
		return common.Lines(st.Hint.Render(" nothing matches /"+m.table.Filter()+" (esc clears the filter)"), m.w, m.h)
	}
	return m.table.View(st)
}

func vhostText(v string) string {
	if v == "" {
		return "any vhost"
	}
	return "vhost " + common.Clean(v)
}

// ShortHelp returns the actions and the main table keys.
func (m *Model) ShortHelp() []key.Binding {
	out := make([]key.Binding, 0, len(m.src.Actions)+2)
	for _, a := range m.src.Actions {
		out = append(out, a.Binding)
	}
	return append(out, m.table.Keys.Sort)
}

// FullHelp returns the actions, then the table's keys.
func (m *Model) FullHelp() [][]key.Binding {
	var acts []key.Binding
	for _, a := range m.src.Actions {
		acts = append(acts, a.Binding)
	}
	return [][]key.Binding{acts, m.table.Keys.Bindings()}
}

// Open returns an action's Run that navigates to a view of the selected
// row's object.
func Open(kind common.Kind) func(table.Row) tea.Cmd {
	return func(r table.Row) tea.Cmd {
		ref, ok := r.Ref.(common.Ref)
		if !ok {
			return nil
		}
		return common.Navigate(kind, ref)
	}
}
