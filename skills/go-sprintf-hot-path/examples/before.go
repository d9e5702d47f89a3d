package cache

import "fmt"

// Keys builds cache keys for every user/item pair.
func Keys(user string, ids []int) []string {
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, fmt.Sprintf("%s:%d", user, id)) // hotpath-expect
	}
	return keys
}
