package files

import (
	"io"
	"os"
	"sync"
)

// Sizes opens every file to measure it.
func Sizes(names []string) (map[string]int64, error) {
	out := make(map[string]int64, len(names))
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close() // hotpath-expect
		n, err := io.Copy(io.Discard, f)
		if err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, nil
}

// Count increments under a lock.
func Count(mu *sync.Mutex, counts map[string]int, keys []string) {
	for i := 0; i < len(keys); i++ {
		mu.Lock()
		defer mu.Unlock() // hotpath-expect
		counts[keys[i]]++
	}
}
