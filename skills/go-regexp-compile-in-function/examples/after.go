package slug

import "regexp"

var (
	slugRE    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	invalidRE = regexp.MustCompile("[^a-z0-9]+")
)

// Valid reports whether s is a URL slug.
func Valid(s string) bool {
	return slugRE.MatchString(s)
}

// Clean replaces runs of invalid characters with a dash.
func Clean(s string) string {
	return invalidRE.ReplaceAllString(s, "-")
}

// Matcher compiles a user-supplied pattern: it cannot be hoisted.
func Matcher(pattern string) (*regexp.Regexp, error) {
	return regexp.Compile(pattern)
}
