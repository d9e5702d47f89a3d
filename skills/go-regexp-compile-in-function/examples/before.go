package slug

import "regexp"

// Valid reports whether s is a URL slug.
func Valid(s string) bool {
	re := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) // hotpath-expect
	return re.MatchString(s)
}

// Clean replaces runs of invalid characters with a dash.
func Clean(s string) string {
	return regexp.MustCompile("[^a-z0-9]+").ReplaceAllString(s, "-") // hotpath-expect
}
