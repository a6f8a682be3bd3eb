package livebus

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
)

// Updater is a view as the root drives it.
type Updater interface {
	Update(msg tea.Msg) tea.Cmd
}

// keys are the named keys Press knows.
var keys = map[string]tea.KeyPressMsg{
	"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
	"space": {Code: tea.KeySpace, Text: " "}, "pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp},
	"backspace": {Code: tea.KeyBackspace},
	"ctrl+s":    {Code: 's', Mod: tea.ModCtrl}, "ctrl+t": {Code: 't', Mod: tea.ModCtrl}, "ctrl+o": {Code: 'o', Mod: tea.ModCtrl},
}

// Press sends keys to a view: names like "tab" and "ctrl+s" as those
// keys, any other text typed rune by rune. It returns the last command.
func Press(v Updater, names ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range names {
		if msg, ok := keys[k]; ok {
			cmd = v.Update(msg)
			continue
		}
		for _, r := range k {
			cmd = v.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return cmd
}

// Run runs a command as the program would and feeds its messages back
// to the view, waiting for each (a publish, a call) to end; it returns
// the flash messages meant for the root.
func Run(v Updater, cmd tea.Cmd) []common.FlashMsg {
	if cmd == nil {
		return nil
	}
	var flashes []common.FlashMsg
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			flashes = append(flashes, Run(v, c)...)
		}
	case common.FlashMsg:
		flashes = append(flashes, msg)
	case nil:
	default:
		flashes = append(flashes, Run(v, v.Update(msg))...)
	}
	return flashes
}
