package ui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/views/help"
)

// command is one : command. Commands are data: help and completion come
// from this table.
type command struct {
	names []string // the name, then its aliases
	arg   string   // the argument's placeholder, "" for none
	help  string
	// complete lists the argument's possible values.
	complete func(a *App) []string
	run      func(a *App, arg string) tea.Cmd
}

// commands returns the command table.
func commands() []command {
	view := func(k common.Kind) func(*App, string) tea.Cmd {
		return func(a *App, _ string) tea.Cmd { return a.navigate(common.NavigateMsg{Kind: k}) }
	}
	return []command{
		{names: []string{"overview", "ov"}, help: "totals, rates and vhosts", run: view(common.KindOverview)},
		{names: []string{"exchanges", "ex", "x"}, help: "the exchanges", run: view(common.KindExchanges)},
		{names: []string{"queues", "qu"}, help: "the queues", run: view(common.KindQueues)},
		{names: []string{"bindings", "bi"}, help: "the bindings", run: view(common.KindBindings)},
		{names: []string{"connections", "conn", "co"}, help: "the client connections", run: view(common.KindConnections)},
		{names: []string{"channels", "ch"}, help: "the channels", run: view(common.KindChannels)},
		{names: []string{"consumers", "cons"}, help: "the consumers", run: view(common.KindConsumers)},
		{names: []string{"topology", "topo"}, arg: "[EXCHANGE]", help: "what an exchange feeds, or the whole vhost", complete: exchangeNames, run: runTopology},
		{names: []string{"trace", "tr"}, arg: "[EXCHANGE]", help: "trace a routing key through the live topology", complete: exchangeNames, run: runTrace},
		{names: []string{"publish", "pub"}, arg: "[EXCHANGE]", help: "publish a message, confirmed and mandatory", complete: exchangeNames, run: runPublish},
		{names: []string{"tap"}, arg: "[EXCHANGE]", help: "watch what an exchange routes, taking nothing", complete: tapNames, run: runTap},
		{names: []string{"consume"}, arg: "QUEUE [peek|ack|auto]", help: "take messages from a queue: peek (default), ack by hand, or auto (destructive)", complete: queueNames, run: runConsume},
		{names: []string{"rpc"}, help: "call and cast: oslo.messaging RPC or plain AMQP on direct reply-to", run: view(common.KindRPC)},
		{names: []string{"learn"}, arg: "[N]", help: "lessons: how a message bus works, hands on (N opens lesson N)", complete: lessonNumbers, run: runLearn},
		{names: []string{"theme"}, arg: "NAME", help: "change colours: " + strings.Join(themes.Names(), ", ") + " or a theme file", complete: func(a *App) []string { return a.themes().Names() }, run: runTheme},
		{names: []string{"vhost", "vh"}, arg: "NAME", help: `show another vhost ("*" for all)`, complete: vhostNames, run: runVhost},
		{names: []string{"help", "h"}, help: "this help", run: func(a *App, _ string) tea.Cmd { return a.navigate(common.NavigateMsg{Kind: common.KindHelp}) }},
		{names: []string{"quit", "q", "q!"}, help: "quit kaiten", run: func(*App, string) tea.Cmd { return tea.Quit }},
	}
}

// helpCommands describes the command table for the help screen.
func helpCommands() []help.Command {
	cs := commands()
	out := make([]help.Command, len(cs))
	for i, c := range cs {
		out[i] = help.Command{Names: c.names, Arg: c.arg, Help: c.help}
	}
	return out
}

// parseCommand splits a command line into the command and its argument.
func parseCommand(line string) (name, arg string) {
	line = strings.TrimSpace(line)
	name, arg, _ = strings.Cut(line, " ")
	return strings.ToLower(name), strings.TrimSpace(arg)
}

// lookupCommand finds a command by name or alias, or by a prefix of one
// name only.
func lookupCommand(cs []command, name string) (*command, error) {
	if name == "" {
		return nil, fmt.Errorf("type a command, like :queues; ? lists them")
	}
	for i := range cs {
		if slices.Contains(cs[i].names, name) {
			return &cs[i], nil
		}
	}
	var found []*command
	for i := range cs {
		if strings.HasPrefix(cs[i].names[0], name) {
			found = append(found, &cs[i])
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("no command %q; ? lists them", name)
	}
	names := make([]string, len(found))
	for i, c := range found {
		names[i] = ":" + c.names[0]
	}
	return nil, fmt.Errorf(":%s could be %s", name, strings.Join(names, ", "))
}

// execute runs a command line.
func (a *App) execute(line string) tea.Cmd {
	name, arg := parseCommand(line)
	c, err := lookupCommand(commands(), name)
	if err != nil {
		return common.Flash(common.LevelError, common.Clean(err.Error()))
	}
	if c.arg != "" && !strings.HasPrefix(c.arg, "[") && arg == "" {
		return common.Flash(common.LevelError, fmt.Sprintf(":%s needs %s", c.names[0], c.arg))
	}
	return c.run(a, arg)
}

// completions lists what the command line can become: command names
// while the name is typed, then the argument's values.
func (a *App) completions(line string) []string {
	cs := commands()
	name, arg, hasArg := strings.Cut(strings.TrimLeft(line, " "), " ")
	if !hasArg {
		var out []string
		for _, c := range cs {
			if strings.HasPrefix(c.names[0], strings.ToLower(name)) {
				out = append(out, c.names[0])
			}
		}
		return out
	}
	c, err := lookupCommand(cs, strings.ToLower(name))
	if err != nil || c.complete == nil {
		return nil
	}
	var out []string
	for _, v := range c.complete(a) {
		if strings.HasPrefix(strings.ToLower(v), strings.ToLower(strings.TrimSpace(arg))) {
			out = append(out, c.names[0]+" "+v)
		}
	}
	return out
}

// complete extends the command line as far as its completions agree,
// with a space after a whole command name that takes an argument.
func (a *App) complete(line string) string {
	cs := a.completions(line)
	if len(cs) == 0 {
		return line
	}
	p := cs[0]
	for _, c := range cs[1:] {
		for !strings.HasPrefix(c, p) {
			p = p[:len(p)-1]
		}
	}
	for !utf8.ValidString(p) {
		p = p[:len(p)-1]
	}
	if len(cs) == 1 && !strings.Contains(p, " ") {
		if c, err := lookupCommand(commands(), p); err == nil && c.arg != "" {
			p += " "
		}
	}
	if len(p) < len(line) {
		return line
	}
	return p
}

func exchangeNames(a *App) []string {
	if !a.data.Ready() {
		return nil
	}
	var out []string
	for _, x := range a.data.Snap.Exchanges {
		if common.InVhost(a.common.Vhost, x.Vhost) && x.Name != "" {
			out = append(out, x.Name)
		}
	}
	return out
}

func vhostNames(a *App) []string {
	if !a.data.Ready() {
		return nil
	}
	out := []string{"*"}
	for _, v := range a.data.Snap.Vhosts {
		out = append(out, v.Name)
	}
	sort.Strings(out[1:])
	return out
}

// exchangeRef names an exchange of the vhost in view.
func (a *App) exchangeRef(name string) common.Ref {
	vhost := a.common.Vhost
	if vhost == "" {
		vhost = "/"
	}
	return common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: vhost, Name: name}, Name: common.Name(name)}
}

func runTopology(a *App, arg string) tea.Cmd {
	if arg != "" {
		return a.navigate(common.NavigateMsg{Kind: common.KindTopology, Ref: a.exchangeRef(arg)})
	}
	ref := common.Ref{}
	if s, ok := a.focus.(common.Selector); ok {
		if r, ok := s.Selected(); ok && r.Type == common.ObjExchange {
			ref = r
		}
	}
	return a.navigate(common.NavigateMsg{Kind: common.KindTopology, Ref: ref})
}

func runPublish(a *App, arg string) tea.Cmd {
	if arg != "" {
		return a.navigate(common.NavigateMsg{Kind: common.KindPublish, Ref: a.exchangeRef(arg)})
	}
	return a.navigate(common.NavigateMsg{Kind: common.KindPublish})
}

func runTrace(a *App, arg string) tea.Cmd {
	if arg != "" {
		return a.navigate(common.NavigateMsg{Kind: common.KindTrace, Ref: a.exchangeRef(arg)})
	}
	return a.navigate(common.NavigateMsg{Kind: common.KindTrace})
}

// themeError says why a theme cannot be had, on one status line of the
// width: an unknown name lists the themes (the catalog's own message also
// names the user theme directory, too long for the line).
func themeError(name string, err error, names []string, width int) string {
	msg := common.Clean(err.Error())
	if !strings.HasPrefix(msg, "no theme ") {
		return msg
	}
	name = common.Truncate(common.Clean(name), 24)
	short := fmt.Sprintf("no theme %q; try %s", name, strings.Join(names, ", "))
	if common.Width(short)+1 <= width {
		return short
	}
	return fmt.Sprintf("no theme %q; :theme then tab lists the %d themes", name, len(names))
}

func runTheme(a *App, arg string) tea.Cmd {
	t, err := a.themes().Lookup(arg)
	if err != nil {
		return common.Flash(common.LevelError, themeError(arg, err, a.themes().Names(), a.width))
	}
	a.setTheme(t)
	a.themeChosen = true
	return tea.Batch(a.broadcast(common.RefreshMsg{}), common.Flash(common.LevelInfo, "theme "+t.Name))
}

func runVhost(a *App, arg string) tea.Cmd {
	if arg == "*" {
		arg = ""
	}
	if arg != "" && a.data.Ready() && !slices.ContainsFunc(a.data.Snap.Vhosts, func(v broker.VhostInfo) bool { return v.Name == arg }) {
		names := vhostNames(a)
		return common.Flash(common.LevelError, common.Clean(fmt.Sprintf("no vhost %q; the vhosts are %s", arg, strings.Join(names[1:], ", "))))
	}
	return a.setVhost(arg)
}
