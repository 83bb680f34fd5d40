package auth

import (
	"net"
	"net/http"
	"strings"
)

// CheckHost is middleware that refuses (421 Misdirected Request) a request
// whose Host header is neither the public URL's host nor loopback
// ("localhost", 127.0.0.0/8, [::1], any port). It defeats DNS rebinding: a
// page on an attacker's hostname that resolves to this server is same-origin
// with itself, so Origin checks pass, but its requests carry the attacker's
// Host. Behind a reverse proxy, forward the original Host (nginx:
// proxy_set_header Host $host).
func (s *Service) CheckHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			http.Error(w, "unknown host: this server answers to its public URL only", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed reports whether a Host header value names this server.
func (s *Service) hostAllowed(hostport string) bool {
	hostport = strings.ToLower(hostport)
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil && ip.IsLoopback() {
		return true
	}
	if s.publicURL == nil || host != strings.TrimSuffix(s.publicURL.Hostname(), ".") {
		return false
	}
	want := s.publicURL.Port()
	if want == "" {
		want = map[string]string{"http": "80", "https": "443"}[s.publicURL.Scheme]
	}
	return port == "" || port == want
}
