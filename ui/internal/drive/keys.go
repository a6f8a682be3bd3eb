package drive

import tea "charm.land/bubbletea/v2"

// named are the keys Keys knows by name.
var named = map[string]tea.KeyPressMsg{
	"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
	"space": {Code: tea.KeySpace, Text: " "}, "pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp},
	"backspace": {Code: tea.KeyBackspace},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl}, "ctrl+o": {Code: 'o', Mod: tea.ModCtrl}, "ctrl+r": {Code: 'r', Mod: tea.ModCtrl},
	"ctrl+s": {Code: 's', Mod: tea.ModCtrl}, "ctrl+t": {Code: 't', Mod: tea.ModCtrl},
}

// Keys turns key names ("enter", "esc", "tab", "shift+tab", "up", "down",
// "space", "pgup", "pgdown", "backspace", "ctrl+c", "ctrl+o", "ctrl+r",
// "ctrl+s", "ctrl+t") into those keys, and any other text into its runes
// typed one by one.
func Keys(names ...string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, k := range names {
		if msg, ok := named[k]; ok {
			out = append(out, msg)
			continue
		}
		for _, r := range k {
			out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return out
}

// Type sends keys to a view (see Keys) and drops the commands they
// return: for goldens and benchmarks of views whose typing needs none.
func Type(v Updater, keys ...string) {
	for _, k := range Keys(keys...) {
		v.Update(k)
	}
}
