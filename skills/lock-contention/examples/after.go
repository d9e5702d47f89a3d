package cache

import (
	"strings"
	"sync"
)

type Cache struct {
	mu   sync.Mutex
	data map[string]string
}

// Put normalises outside the lock and only publishes under it.
func (c *Cache) Put(key, value string) {
	normalised := strings.ToLower(strings.TrimSpace(value))
	c.mu.Lock()
	c.data[key] = normalised
	c.mu.Unlock()
}
