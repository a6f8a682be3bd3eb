package ui

import (
	"slices"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	learnview "github.com/kaiten-bus/kaiten/ui/views/learn"
)

// LearnOptions say where lessons run and where the progress is kept
// (:learn, kaiten learn).
type LearnOptions = learnview.Env

// scopeState is what a common.ScopeMsg replaced: the vhost shown and the
// backend's actions, put back when the scope ends.
type scopeState struct {
	active  bool
	vhost   string
	actions common.Actions
}

// setScope shows a lesson's vhost and acts through its session, or goes
// back to the root's own when the scope ends.
func (a *App) setScope(msg common.ScopeMsg) tea.Cmd {
	if msg.Actions == nil {
		if !a.scope.active {
			return nil
		}
		a.common.Actions = a.scope.actions
		vhost := a.scope.vhost
		a.scope = scopeState{}
		return a.setVhost(vhost)
	}
	if !a.scope.active {
		a.scope = scopeState{active: true, vhost: a.common.Vhost, actions: a.common.Actions}
	}
	a.common.Actions = msg.Actions
	return a.setVhost(msg.Vhost)
}

// learnView finds or makes the learn view; it is kept, so a lesson stays
// open while the student works in the other views.
func (a *App) learnView() *learnview.Model {
	if v, ok := a.views[common.KindLearn].(*learnview.Model); ok {
		return v
	}
	env := a.opts.Learn
	if env.Views == nil {
		for k := range kept {
			env.Views = append(env.Views, k)
		}
		env.Views = append(env.Views, common.KindTap, common.KindConsume, common.KindTopology)
		slices.Sort(env.Views)
	}
	v := learnview.New(a.common, env)
	a.views[common.KindLearn] = v
	return v
}

// initLearn opens the lesson asked for when the UI starts on the learn
// view (kaiten learn N), or loads the list.
func (a *App) initLearn() tea.Cmd {
	v, ok := a.focus.(*learnview.Model)
	if !ok {
		return nil
	}
	if a.opts.Lesson > 0 {
		return v.Open(a.opts.Lesson)
	}
	return v.Start()
}

// runLearn is :learn [N]: the lesson list, or lesson N.
func runLearn(a *App, arg string) tea.Cmd {
	n := 0
	if arg != "" {
		var err error
		if n, err = strconv.Atoi(arg); err != nil || n < 1 {
			return common.Flash(common.LevelError, ":learn takes a lesson number, like :learn 1")
		}
	}
	cmd := a.navigate(common.NavigateMsg{Kind: common.KindLearn})
	return tea.Batch(cmd, a.learnView().Open(n))
}

// lessonNumbers completes :learn.
func lessonNumbers(a *App) []string {
	var out []string
	for _, l := range a.learnView().Lessons() {
		out = append(out, strconv.Itoa(l.Number))
	}
	return out
}
