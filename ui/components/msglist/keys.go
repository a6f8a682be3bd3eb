package msglist

import "charm.land/bubbles/v2/key"

// KeyMap is the message list's keys.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Detail, Format, DetailUp, DetailDown    key.Binding
	Pause, Clear, Save, Trace               key.Binding
	// Accept and Cancel answer the save prompt.
	Accept, Cancel key.Binding
}

// DefaultKeyMap returns the message list's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup", "ctrl+b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "oldest")),
		Bottom:     key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "newest, follow")),
		Detail:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail pane")),
		Format:     key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "body: json/text/hex")),
		DetailUp:   key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K", "scroll detail up")),
		DetailDown: key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J", "scroll detail down")),
		Pause:      key.NewBinding(key.WithKeys("p", "space"), key.WithHelp("p", "pause/resume")),
		Clear:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clear")),
		Save:       key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write to file")),
		Trace:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "trace message")),
		Accept:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write")),
		Cancel:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Actions are the keys that act on the list, for the status bar.
func (k KeyMap) Actions() []key.Binding {
	return []key.Binding{k.Detail, k.Format, k.Pause, k.Clear, k.Save, k.Trace}
}

// Moving are the keys that move the selection and scroll the detail.
func (k KeyMap) Moving() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.DetailUp, k.DetailDown}
}
