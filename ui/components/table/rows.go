package table

// Rows is what a table shows: a list of rows whose cells are formatted
// when asked for, so a table of 100,000 objects formats only the rows it
// draws. Row indexes are the source's own; the table sorts and filters
// indexes. Every method must be a pure function of the index.
type Rows interface {
	// Len is how many rows there are.
	Len() int
	// Key identifies row i's object across refreshes.
	Key(i int) string
	// Cell is row i's cell in column col, Printable.
	Cell(i, col int) Cell
	// Num is row i's sort value in a Numeric column.
	Num(i, col int) float64
	// Ref is what row i shows, for the owner.
	Ref(i int) any
}

// Finder is a Rows that finds the row of a key without asking every row
// for its key.
type Finder interface {
	// Find returns the index of the row with the key.
	Find(key string) (int, bool)
}

// Change says what a new Rows changed, so that the table redoes only the
// work that the change calls for: sorting, filtering and measuring the
// columns that changed.
type Change struct {
	// Same says the new rows are the same objects, index for index, as
	// the rows the table had.
	Same bool
	// Changed, asked only when Same, returns the columns of cols (bit c
	// for column c) whose cell may be different in some row. The table
	// asks only about the columns it needs to know about: the sort
	// column, the searched columns while a filter is on, and the
	// measured columns of a small table. Nil means every column changed.
	Changed func(cols uint64) uint64
	// Was, when the rows are not the Same but the source knows, returns
	// the index row i had in the rows the table had, -1 for a new row.
	// With it, a table sorted by a Stable column keeps its order for the
	// rows that stay and places only the new ones.
	Was func(i int) int
}

// AllCols marks every column as changed.
const AllCols = ^uint64(0)

// ColBit is the bit of column c in Change.Cols.
func ColBit(c int) uint64 { return 1 << uint(c) }

// RowList is Rows over rows built beforehand.
type RowList []Row

// Len returns the number of rows.
func (l RowList) Len() int { return len(l) }

// Key returns row i's key.
func (l RowList) Key(i int) string { return l[i].Key }

// Cell returns row i's cell in column col.
func (l RowList) Cell(i, col int) Cell {
	if col < len(l[i].Cells) {
		return l[i].Cells[col]
	}
	return Cell{}
}

// Num returns row i's sort value in column col.
func (l RowList) Num(i, col int) float64 {
	if col < len(l[i].Num) {
		return l[i].Num[col]
	}
	return 0
}

// Ref returns row i's reference.
func (l RowList) Ref(i int) any { return l[i].Ref }

// rowOf builds row i of src in full.
func rowOf(src Rows, ncols, i int) Row {
	r := Row{Key: src.Key(i), Cells: make([]Cell, ncols), Num: make([]float64, ncols), Ref: src.Ref(i)}
	for c := range ncols {
		r.Cells[c] = src.Cell(i, c)
		r.Num[c] = src.Num(i, c)
	}
	return r
}
