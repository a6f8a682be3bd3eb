package ui

import "charm.land/bubbles/v2/key"

// KeyMap is the root's keys: those that work in every view.
type KeyMap struct {
	Quit, Command, Filter, Help, Back, Refresh key.Binding
	// In the : and / prompts.
	Accept, Complete, Cancel key.Binding
}

// DefaultKeyMap returns the root's keys, k9s' habits.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit (or :q)")),
		Command:  key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter, back")),
		Refresh:  key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "refresh now")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run / keep filter")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Bindings lists the keys that work in every view, for help.
func (k KeyMap) Bindings() []key.Binding {
	return []key.Binding{k.Command, k.Filter, k.Help, k.Back, k.Refresh, k.Quit}
}

// PromptBindings lists the keys of the : and / prompts, for help.
func (k KeyMap) PromptBindings() []key.Binding {
	return []key.Binding{k.Accept, k.Complete, k.Cancel}
}
