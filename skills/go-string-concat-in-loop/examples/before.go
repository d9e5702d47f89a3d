package report

import "strconv"

// CSV renders rows as comma-separated lines.
func CSV(rows [][]string) string {
	out := ""
	for _, row := range rows {
		for i, cell := range row {
			if i > 0 {
				out += "," // hotpath-expect
			}
			out += cell // hotpath-expect
		}
		out += "\n" // hotpath-expect
	}
	return out
}

// IDs joins ids with spaces.
func IDs(ids []int) string {
	var s string
	for _, id := range ids {
		s += strconv.Itoa(id) + " " // hotpath-expect
	}
	return s
}
