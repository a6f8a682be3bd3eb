package table

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// sort orders every row by the sort column, into order, and reports
// whether the order changed. With keep, the rows are the ones order
// already holds, and are sorted again only if they are out of order.
// Ties keep the rows' own order, so sorting is stable.
func (m *Model) sort(keep bool) bool {
	c := m.sortCol
	if !keep || len(m.order) != m.n {
		keep = false
		m.order = m.order[:0]
		for i := range m.n {
			m.order = append(m.order, i)
		}
	}
	if c >= len(m.cols) {
		return !keep
	}
	if m.cols[c].Numeric {
		m.nums, m.texts = resize(m.nums, m.n), nil
		for i := range m.nums {
			m.nums[i] = m.src.Num(i, c)
		}
	} else {
		m.texts, m.nums, m.textW = resize(m.texts, m.n), nil, m.textW[:0]
		for i := range m.texts {
			m.texts[i] = m.src.Cell(i, c).Text
		}
	}
	less := m.less()
	if slices.IsSortedFunc(m.order, less) {
		// Often so: the rows come in name order, or did not move.
		return !keep
	}
	slices.SortFunc(m.order, less)
	return true
}

// carry orders rows that are other objects than before, when the sort
// column is Stable: the rows that stay keep their order (their sort keys
// cannot have changed) and their keys, and only the new rows are asked
// for theirs and placed by binary search. It reports false, having done
// nothing, when it cannot: the old order or keys are not at hand, or most
// rows are new.
func (m *Model) carry(was func(int) int, oldN int) bool {
	c := m.sortCol
	if c >= len(m.cols) || !m.cols[c].Stable || len(m.order) != oldN {
		return false
	}
	numeric := m.cols[c].Numeric
	if (numeric && len(m.nums) != oldN) || (!numeric && len(m.texts) != oldN) {
		return false
	}
	inv := make([]int, oldN)
	for i := range inv {
		inv[i] = -1
	}
	var fresh []int
	for i := range m.n {
		if w := was(i); w >= 0 && w < oldN && inv[w] < 0 {
			inv[w] = i
		} else {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) > m.n/8+8 {
		return false
	}
	if numeric {
		nums := make([]float64, m.n)
		for i := range nums {
			if w := was(i); w >= 0 && w < oldN && inv[w] == i {
				nums[i] = m.nums[w]
			} else {
				nums[i] = m.src.Num(i, c)
			}
		}
		m.nums = nums
	} else {
		texts := make([]string, m.n)
		var widths []int
		if len(m.textW) == oldN {
			widths = make([]int, m.n)
		}
		for i := range texts {
			if w := was(i); w >= 0 && w < oldN && inv[w] == i {
				texts[i] = m.texts[w]
				if widths != nil {
					widths[i] = m.textW[w]
				}
			} else {
				texts[i] = m.src.Cell(i, c).Text
				if widths != nil {
					widths[i] = cellWidth(texts[i])
				}
			}
		}
		m.texts, m.textW = texts, widths
	}
	order := make([]int, 0, m.n)
	for _, o := range m.order {
		if inv[o] >= 0 {
			order = append(order, inv[o])
		}
	}
	less := m.less()
	for _, r := range fresh {
		at, _ := slices.BinarySearchFunc(order, r, less)
		order = slices.Insert(order, at, r)
	}
	m.order = order
	return true
}

// less orders two rows by the sort column's keys, then by their index.
func (m *Model) less() func(a, b int) int {
	desc := m.sortDesc
	var compare func(a, b int) int
	if m.nums != nil {
		compare = func(a, b int) int { return cmp.Compare(m.nums[a], m.nums[b]) }
	} else {
		compare = func(a, b int) int { return compareFold(m.texts[a], m.texts[b]) }
	}
	return func(a, b int) int {
		n := compare(a, b)
		if desc {
			n = -n
		}
		return cmp.Or(n, cmp.Compare(a, b))
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// compareFold orders case-insensitively, then byte for byte. ASCII text
// is compared without allocating.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca >= utf8.RuneSelf || cb >= utf8.RuneSelf {
			if n := strings.Compare(strings.ToLower(a[i:]), strings.ToLower(b[i:])); n != 0 {
				return n
			}
			return strings.Compare(a, b)
		}
		if la, lb := lowerASCII(ca), lowerASCII(cb); la != lb {
			return cmp.Compare(la, lb)
		}
	}
	if n := cmp.Compare(len(a), len(b)); n != 0 {
		return n
	}
	return strings.Compare(a, b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
