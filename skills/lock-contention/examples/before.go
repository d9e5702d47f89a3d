package cache

import (
	"strings"
	"sync"
)

type Cache struct {
	mu   sync.Mutex
	data map[string]string
}

// Put normalises and stores a value; the normalisation runs under the lock.
func (c *Cache) Put(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[key] = strings.ToLower(strings.TrimSpace(value))
}
