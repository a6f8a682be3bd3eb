package table

import (
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
)

// The / filter is fuzzy: a row is kept when the filter's letters appear
// in its search text in order, ignoring case. Rows are filtered in their
// sorted order, so the filter never sorts; the letters each row matched
// are worked out only for the rows drawn.

// applyFilter keeps the rows of from (in order) that the filter matches,
// then finds the selected row again.
func (m *Model) applyFilter(from []int) {
	m.hl = nil
	if m.filter == "" {
		m.view = append(m.view[:0], m.order...)
		m.reselect()
		return
	}
	m.hl = map[int][]int{}
	pattern := []byte(m.filter)
	ascii := true
	for i, c := range pattern {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		pattern[i] = lowerASCII(c)
	}
	var kept []int
	for _, ri := range from {
		s := m.searchText(ri)
		if ascii && isASCII(s) {
			if subsequence(pattern, s) {
				kept = append(kept, ri)
			}
		} else if len(fuzzy.Find(m.filter, []string{s})) > 0 {
			kept = append(kept, ri)
		}
	}
	m.view = kept
	m.reselect()
}

// subsequence reports whether the lower-case ASCII pattern's letters
// appear in order in s, ignoring case.
func subsequence(pattern []byte, s string) bool {
	j := 0
	for i := 0; i < len(s) && j < len(pattern); i++ {
		if lowerASCII(s[i]) == pattern[j] {
			j++
		}
	}
	return j == len(pattern)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// highlights returns the byte offsets of row ri's search text that the
// filter matched, worked out when the row is first drawn.
func (m *Model) highlights(ri int) []int {
	if hl, ok := m.hl[ri]; ok || m.hl == nil {
		return hl
	}
	var hl []int
	if ms := fuzzy.Find(m.filter, []string{m.searchText(ri)}); len(ms) > 0 {
		hl = ms[0].MatchedIndexes
	}
	m.hl[ri] = hl
	return hl
}
