package pref

import (
	"fmt"
	"strconv"
	"strings"
)

// name returns names[v], or the number when v is out of range.
func name(names []string, v uint8) string {
	if int(v) < len(names) {
		return names[v]
	}
	return strconv.Itoa(int(v))
}

// parse returns the index of s in names, or an error naming what was read.
func parse(what string, names []string, s string) (uint8, error) {
	for i, n := range names {
		if s == n {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q: want one of %s", what, s, strings.Join(names, ", "))
}
