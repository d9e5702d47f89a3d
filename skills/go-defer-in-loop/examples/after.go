package files

import (
	"io"
	"os"
	"sync"
)

func size(name string) (int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(io.Discard, f)
}

// Sizes opens every file to measure it.
func Sizes(names []string) (map[string]int64, error) {
	out := make(map[string]int64, len(names))
	for _, name := range names {
		n, err := size(name)
		if err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, nil
}

// Count increments under a lock.
func Count(mu *sync.Mutex, counts map[string]int, keys []string) {
	for _, k := range keys {
		func() {
			mu.Lock()
			defer mu.Unlock()
			counts[k]++
		}()
	}
}
