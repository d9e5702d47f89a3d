package convert

type Item struct{ ID, Name string }

// Items converts rows into a slice allocated once.
func Items(rows [][2]string) []Item {
	out := make([]Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, Item{ID: r[0], Name: r[1]})
	}
	return out
}
