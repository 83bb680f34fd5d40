package auth

import "net/http"

// DefaultCSP is the Content-Security-Policy of SecurityHeaders: everything
// from the club's own origin, nothing inline, no plugins, no <base>, forms
// post to the club only (so provider sign-in is a link, not a form), and
// framing by the club's own pages only (SockJS's iframe transports frame
// the club's own pages).
const DefaultCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// SecurityHeaders returns middleware that sets on every response:
// Content-Security-Policy (csp, or DefaultCSP when empty),
// X-Content-Type-Options: nosniff, Referrer-Policy: same-origin (the
// OAuth callback's code never leaves in a Referer),
// X-Frame-Options: SAMEORIGIN (frame-ancestors for old browsers) and
// Cross-Origin-Opener-Policy: same-origin. Wrap the pages and the API with
// it; the SockJS prefix needs its own policy, since its htmlfile and iframe
// transports answer with inline scripts.
func SecurityHeaders(csp string) func(http.Handler) http.Handler {
	if csp == "" {
		csp = DefaultCSP
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "SAMEORIGIN")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}
