package auth

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxReturn bounds a return path, in bytes.
const maxReturn = 512

// ReturnParam is the query parameter of GET /auth/{provider}, and the
// form field of POST /auth/dev, that names the page to come back to after
// signing in: a path of this site, such as "/#t3" or "/static/rules.html".
const ReturnParam = "return"

// safeReturn returns raw when it is a same-origin relative path a browser
// cannot read as another site: it starts with one "/" (not "//", not
// "/\\"), has no backslash, no control or space character, no scheme, host
// or user, and none of that hides behind percent-encoding either. Anything
// else gives "/", the club's page: never an open redirect.
func safeReturn(raw string) string {
	if ok := checkReturn(raw); !ok {
		return "/"
	}
	return raw
}

func checkReturn(raw string) bool {
	if raw == "" || len(raw) > maxReturn || raw[0] != '/' {
		return false
	}
	// Browsers drop tabs and newlines in URLs and read "\" as "/": look at
	// the string as given and decoded (twice, for double encoding).
	s := raw
	for depth := 0; ; depth++ {
		if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
			return false
		}
		if strings.ContainsFunc(s, func(r rune) bool {
			return r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError
		}) {
			return false
		}
		d, err := url.PathUnescape(s)
		switch {
		case err != nil:
			return false
		case d == s:
		case depth == 3:
			return false // encoded deeper than anyone means well
		default:
			s = d
			continue
		}
		break
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return false
	}
	return true
}
