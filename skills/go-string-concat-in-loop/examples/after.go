package report

import (
	"strconv"
	"strings"
)

// CSV renders rows as comma-separated lines.
func CSV(rows [][]string) string {
	var b strings.Builder
	for _, row := range rows {
		b.WriteString(strings.Join(row, ","))
		b.WriteByte('\n')
	}
	return b.String()
}

// Sum adds ids.
func Sum(ids []int) (total int) {
	for _, id := range ids {
		total += id
	}
	return total
}

// IDs joins ids with spaces.
func IDs(ids []int) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	return strings.Join(parts, " ")
}
