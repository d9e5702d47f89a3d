package cache

import (
	"fmt"
	"strconv"
)

// Keys builds cache keys for every user/item pair.
func Keys(user string, ids []int) []string {
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, user+":"+strconv.Itoa(id))
	}
	return keys
}

// Describe formats once per call, with padding fmt is good at.
func Describe(name string, price float64) string {
	return fmt.Sprintf("%-20s %8.2f", name, price)
}
