package convert

type Item struct{ ID, Name string }

// Items converts rows, growing the slice one element at a time.
func Items(rows [][2]string) []Item {
	var out []Item
	for _, r := range rows {
		out = append(out, Item{ID: r[0], Name: r[1]})
	}
	return out
}
