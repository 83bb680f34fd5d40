package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// returnCases are return paths and where the browser must end up.
var returnCases = []struct {
	name, raw, want string
}{
	{"the club's page", "/", "/"},
	{"a table by fragment", "/#t3", "/#t3"},
	{"a page with a query", "/static/rules.html?lang=ru#ru", "/static/rules.html?lang=ru#ru"},
	{"a profile", "/players/12", "/players/12"},
	{"none", "", "/"},
	{"scheme-relative", "//evil.com", "/"},
	{"scheme-relative with path", "//evil.com/x", "/"},
	{"absolute https", "https://x", "/"},
	{"absolute http on our path", "http://club.test/", "/"},
	{"javascript", "javascript:alert(1)", "/"},
	{"backslash host", "/\\evil.com", "/"},
	{"two backslashes", "\\\\evil.com", "/"},
	{"backslash later", "/a\\b", "/"},
	{"tab before the host", "/\t/evil.com", "/"},
	{"newline before the host", "/\n/evil.com", "/"},
	{"relative path", "evil.com", "/"},
	{"space first", " /evil", "/"},
	{"encoded slashes", "/%2F%2Fevil.com", "/"},
	{"encoded second slash", "/%2Fevil.com", "/"},
	{"encoded backslash", "/%5Cevil.com", "/"},
	{"encoded tab", "/%09/evil.com", "/"},
	{"double-encoded slash", "/%252Fevil.com", "/"},
	{"triple-encoded slash", "/%25252Fevil.com", "/"},
	{"fully encoded", "%2F%2Fevil.com", "/"},
	{"bad escape", "/%zz", "/"},
	{"user info", "/@evil.com", "/@evil.com"}, // a path on our site
	{"too long", "/" + strings.Repeat("a", maxReturn), "/"},
	{"invalid UTF-8", "/\xff", "/"},
}

func TestSafeReturnNeverLeavesTheSite(t *testing.T) {
	base, _ := url.Parse("https://club.test/auth/faux/callback")
	for _, tc := range returnCases {
		t.Run(tc.name, func(t *testing.T) {
			got := safeReturn(tc.raw)
			if got != tc.want {
				t.Fatalf("safeReturn(%q) = %q, want %q", tc.raw, got, tc.want)
			}
			if u, err := base.Parse(got); err != nil || u.Host != "club.test" {
				t.Fatalf("safeReturn(%q) = %q resolves to %v (%v)", tc.raw, got, u, err)
			}
		})
	}
}

func FuzzSafeReturn(f *testing.F) {
	for _, tc := range returnCases {
		f.Add(tc.raw)
	}
	base, _ := url.Parse("https://club.test/auth/faux/callback")
	f.Fuzz(func(t *testing.T, raw string) {
		got := safeReturn(raw)
		if got != "/" && got != raw {
			t.Fatalf("safeReturn(%q) = %q: neither the input nor /", raw, got)
		}
		u, err := base.Parse(got)
		if err != nil || u.Host != "club.test" || u.Scheme != "https" || strings.HasPrefix(got, "//") {
			t.Fatalf("safeReturn(%q) = %q resolves to %v (%v)", raw, got, u, err)
		}
	})
}

// TestOAuthSignInReturnsToItsPage: through goth's faux provider, the
// callback sends the browser back to the page ?return= named, or to "/"
// for anything that could lead off the site.
func TestOAuthSignInReturnsToItsPage(t *testing.T) {
	club := newTestClub(t, true, Config{})
	for i, tc := range returnCases {
		t.Run(tc.name, func(t *testing.T) {
			b := club.newBrowser(t)
			club.faux.vouchFor("u"+tc.name, "Player")
			resp := b.get("/auth/faux?" + url.Values{ReturnParam: {tc.raw}}.Encode())
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("begin = %d", resp.StatusCode)
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			resp = b.get("/auth/faux/callback?code=any&state=" + url.QueryEscape(loc.Query().Get("state")))
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("callback %d = %d", i, resp.StatusCode)
			}
			if got := resp.Header.Get("Location"); got != tc.want {
				t.Fatalf("return %q: sent to %q, want %q", tc.raw, got, tc.want)
			}
			if b.me().Player == nil {
				t.Fatal("not signed in")
			}
		})
	}
}

// TestDevSignInReturnsToItsPage: the dev form's "return" comes back in the
// answer of a fetch, and a plain form is redirected to it.
func TestDevSignInReturnsToItsPage(t *testing.T) {
	club := newTestClub(t, false, Config{DevSignIn: DevOn, DevClaimRate: -1})
	for i, tc := range returnCases {
		t.Run(tc.name, func(t *testing.T) {
			b := club.newBrowser(t)
			name := fmt.Sprintf("Player %d", i)
			var m Me
			decodeJSON(t, b.do(http.MethodPost, "/auth/dev", url.Values{"name": {name}, ReturnParam: {tc.raw}}, nil), http.StatusOK, &m)
			if m.Return != tc.want {
				t.Fatalf("fetch: return %q, want %q", m.Return, tc.want)
			}
			resp := b.do(http.MethodPost, "/auth/dev", url.Values{"name": {name}, ReturnParam: {tc.raw}}, map[string]string{"Sec-Fetch-Mode": "navigate"})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
				t.Fatalf("form: %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
		})
	}
}
