package mgmt

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// Lists follow rabbit_mgmt_util: sort (by ?sort=, then the default keys),
// then with ?page= filter by name and cut a page, then prune to
// ?columns=. Without page= the reply is a plain array of everything.

// maxPageSize and defaultPageSize are RabbitMQ's.
const (
	maxPageSize     = 500
	defaultPageSize = 100
)

// listQuery is a list request's query.
type listQuery struct {
	paginate     bool
	page, size   int
	name         string
	regex        *regexp.Regexp
	sort         [][]string // dotted keys, the requested one first
	noSort       bool       // sort= given empty: keep the order
	reverse      bool
	columns      [][]string // nil: all
	disableStats bool
	queueTotals  bool
}

// parseList reads a list query; paginated says whether the endpoint
// supports page=.
func parseList(q url.Values, paginated bool, defaultSort ...string) (*listQuery, error) {
	lq := &listQuery{
		disableStats: q.Get("disable_stats") == "true",
		queueTotals:  q.Get("enable_queue_totals") == "true",
		reverse:      q.Get("sort_reverse") == "true",
	}
	if cols, ok := q["columns"]; ok {
		lq.columns = [][]string{}
		for c := range strings.SplitSeq(cols[0], ",") {
			if path := tokens(c, "."); len(path) > 0 {
				lq.columns = append(lq.columns, path)
			}
		}
	}
	if s, ok := q["sort"]; ok && s[0] == "" {
		lq.noSort = true
	} else if ok {
		lq.sort = append(lq.sort, tokens(s[0], "."))
	}
	for _, k := range defaultSort {
		lq.sort = append(lq.sort, []string{k})
	}
	if !paginated {
		return lq, nil
	}
	pageStr, hasPage := q["page"]
	if !hasPage {
		return lq, nil
	}
	page, err1 := strconv.Atoi(pageStr[0])
	size, err2 := defaultPageSize, error(nil)
	sizeShown := "undefined"
	if s, ok := q["page_size"]; ok {
		size, err2 = strconv.Atoi(s[0])
		sizeShown = s[0]
	}
	if err1 != nil || err2 != nil {
		return nil, badRequest("Pagination parameters are invalid")
	}
	if page < 1 || size < 1 || size > maxPageSize {
		return nil, &apiError{
			status: http.StatusBadRequest, err: "invalid_pagination_parameters",
			reason: fmt.Sprintf("Invalid pagination parameters: page number %d, page size %s", page, sizeShown),
		}
	}
	lq.paginate, lq.page, lq.size = true, page, size
	lq.name = q.Get("name")
	if lq.name != "" && q.Get("use_regex") == "true" {
		re, err := regexp.Compile("(?i)" + lq.name)
		if err != nil {
			return nil, badRequest("invalid name regex %q: %v", lq.name, err)
		}
		lq.regex = re
	}
	return lq, nil
}

// tokens is Erlang's string:tokens: split, empty parts dropped.
func tokens(s, sep string) []string {
	var out []string
	for p := range strings.SplitSeq(s, sep) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// stats reports whether the items should carry message_stats and rates.
func (lq *listQuery) stats() bool { return !lq.disableStats }

// reply sorts, filters, pages and prunes items, and writes the reply.
func (lq *listQuery) reply(rq *request, items []obj) error {
	if items == nil {
		items = []obj{}
	}
	if !lq.noSort {
		keys := make([][]any, len(items))
		for i, it := range items {
			k := make([]any, len(lq.sort))
			for j, path := range lq.sort {
				k[j] = dotted(it, path)
			}
			keys[i] = k
		}
		idx := make([]int, len(items))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return compareKeys(keys[a], keys[b]) })
		sorted := make([]obj, len(items))
		for i, j := range idx {
			sorted[i] = items[j]
		}
		items = sorted
		if lq.reverse {
			slices.Reverse(items)
		}
	}
	if !lq.paginate {
		return rq.reply(lq.prune(items))
	}
	filtered := items
	if lq.name != "" {
		filtered = nil
		low := strings.ToLower(lq.name)
		for _, it := range items {
			name, _ := it["name"].(string)
			if lq.regex != nil && lq.regex.MatchString(name) ||
				lq.regex == nil && strings.Contains(strings.ToLower(name), low) {
				filtered = append(filtered, it)
			}
		}
	}
	from := (lq.page - 1) * lq.size
	if from > len(filtered) {
		return &apiError{
			status: http.StatusBadRequest, err: "page_out_of_range",
			reason: fmt.Sprintf("Page out of range, page: %d page size: %d, len: %d", lq.page, lq.size, len(filtered)),
		}
	}
	pageItems := append([]obj{}, filtered[from:min(from+lq.size, len(filtered))]...)
	return rq.reply(obj{
		"total_count":    len(items),
		"item_count":     len(pageItems),
		"filtered_count": len(filtered),
		"page":           lq.page,
		"page_size":      lq.size,
		"page_count":     (len(filtered) + lq.size - 1) / lq.size,
		"items":          lq.prune(pageItems),
	})
}

// prune keeps only the requested columns of each item.
func (lq *listQuery) prune(items []obj) []obj {
	if lq.columns == nil {
		return items
	}
	out := make([]obj, len(items))
	for i, it := range items {
		out[i] = pruneObj(it, lq.columns)
	}
	return out
}

// pruneColumns prunes one object (a single-object reply).
func pruneColumns(q url.Values, o obj) obj {
	lq, _ := parseList(q, false)
	if lq.columns == nil {
		return o
	}
	return pruneObj(o, lq.columns)
}

// pruneObj is rabbit_mgmt_util:extract_column_items: a key stays when a
// column names it, and its value is pruned to the rest of the columns
// that go through it (a column that ends at it keeps it whole).
func pruneObj(o obj, cols [][]string) obj {
	out := obj{}
	for k, v := range o {
		sub, want := descend(k, cols)
		if !want {
			continue
		}
		out[k] = pruneValue(v, sub)
	}
	return out
}

// descend returns the columns under key, or nil for all of it.
func descend(key string, cols [][]string) ([][]string, bool) {
	var sub [][]string
	want := false
	for _, c := range cols {
		if c[0] != key {
			continue
		}
		want = true
		if len(c) == 1 {
			return nil, true
		}
		sub = append(sub, c[1:])
	}
	return sub, want
}

func pruneValue(v any, cols [][]string) any {
	if cols == nil {
		return v
	}
	switch v := v.(type) {
	case obj:
		return pruneObj(v, cols)
	case []obj:
		out := make([]obj, len(v))
		for i, e := range v {
			out[i] = pruneObj(e, cols)
		}
		return out
	case model.Table:
		out := model.Table{}
		for k, e := range v {
			if _, want := descend(k, cols); want {
				out[k] = e
			}
		}
		return out
	}
	return v
}

// dotted reads a dotted path; a missing value is 0, which sorts first,
// as in rabbit_mgmt_util:get_dotted_value.
func dotted(o obj, path []string) any {
	var cur any = o
	for _, k := range path {
		switch c := cur.(type) {
		case obj:
			v, ok := c[k]
			if !ok {
				return 0
			}
			cur = v
		case model.Table:
			v, ok := c[k]
			if !ok {
				return 0
			}
			cur = v
		default:
			return 0
		}
	}
	return cur
}

// compareKeys orders sort keys as Erlang orders terms: numbers, then
// atoms (booleans, null), then objects, then lists, then strings.
func compareKeys(a, b []any) int {
	for i := range a {
		if c := compareTerms(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

func compareTerms(a, b any) int {
	ca, fa, sa := termClass(a)
	cb, fb, sb := termClass(b)
	switch {
	case ca != cb:
		return ca - cb
	case ca != 0:
		return strings.Compare(sa, sb)
	case fa < fb:
		return -1
	case fa > fb:
		return 1
	}
	return 0
}

// termClass places a value in Erlang's term order, with its number or
// its text to compare within the class.
func termClass(v any) (class int, f float64, s string) {
	switch v := v.(type) {
	case int:
		return 0, float64(v), ""
	case int64:
		return 0, float64(v), ""
	case uint64:
		return 0, float64(v), ""
	case float64:
		return 0, v, ""
	case rate:
		return 0, float64(v), ""
	case bool:
		return 1, 0, strconv.FormatBool(v)
	case nil:
		return 1, 0, "null"
	case model.Value:
		switch v.Type {
		case model.TypeLongstr, model.TypeBinary:
			return 4, 0, v.Str
		case model.TypeFloat, model.TypeDouble:
			return 0, v.Float, ""
		case model.TypeTable, model.TypeArray:
			return 3, 0, v.String()
		}
		return 0, float64(v.Int), ""
	case string:
		return 4, 0, v
	case obj, model.Table:
		return 2, 0, fmt.Sprint(v)
	}
	return 3, 0, fmt.Sprint(v)
}
