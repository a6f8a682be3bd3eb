package common

import (
	"math"
	"strconv"
)

// Count formats a count for a column: 999, 12.3k, 4.5M.
func Count(n int64) string {
	a := n
	if a < 0 {
		a = -a
	}
	switch {
	case a < 10_000:
		return strconv.FormatInt(n, 10)
	case a < 1_000_000:
		return trim(float64(n)/1e3) + "k"
	case a < 1_000_000_000:
		return trim(float64(n)/1e6) + "M"
	}
	return trim(float64(n)/1e9) + "G"
}

// Rate formats a rate per second, "" when there is none.
func Rate(v float64, ok bool) string {
	if !ok {
		return ""
	}
	switch a := math.Abs(v); {
	case a == 0:
		return "0/s"
	case a < 10:
		return strconv.FormatFloat(v, 'f', 1, 64) + "/s"
	case a < 10_000:
		return strconv.FormatFloat(v, 'f', 0, 64) + "/s"
	}
	return Count(int64(v)) + "/s"
}

// Bytes formats a byte count: 512B, 1.5KiB, 20MiB.
func Bytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatUint(n, 10) + "B"
	}
	f, suffix := float64(n), []string{"KiB", "MiB", "GiB", "TiB"}
	i := -1
	for f >= unit && i < len(suffix)-1 {
		f /= unit
		i++
	}
	return trim(f) + suffix[i]
}

// Flag is a named boolean, for a features column.
type Flag struct {
	Name string
	On   bool
}

// Flags joins the names of the flags that are on with sep, as the
// management UI's features column does: "D AD I".
func Flags(sep string, fs ...Flag) string {
	out := ""
	for _, f := range fs {
		if f.On {
			if out != "" {
				out += sep
			}
			out += f.Name
		}
	}
	return out
}

func trim(f float64) string {
	if math.Abs(f) >= 100 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}
