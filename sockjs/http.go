package sockjs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trelljaz/trelljaz/sockjs/internal/clientjs"
)

const (
	noCache   = "no-store, no-cache, no-transform, must-revalidate, max-age=0"
	oneYear   = 365 * 24 * time.Hour
	cacheable = "public, max-age=31536000"
)

// ServeHTTP routes a request under the server's prefix to the SockJS
// protocol's URL: the greeting, /info, the iframe page, the raw websocket, or
// a session transport /{server}/{session}/{transport}.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, srv.prefix)
	if !ok || (path != "" && path[0] != '/') {
		http.NotFound(w, r)
		return
	}
	if !srv.hostAllowed(r) {
		// Before anything else, so no session is ever made for such a host.
		http.Error(w, "Host not allowed", http.StatusMisdirectedRequest)
		return
	}
	switch {
	case path == "" || path == "/":
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		_, _ = w.Write([]byte("Welcome to SockJS!\n"))
	case path == "/info":
		srv.serveInfo(w, r)
	case isIframePath(path):
		srv.serveIframe(w, r)
	case path == "/sockjs.min.js" && srv.opts.SockJSURL == "":
		serveClientScript(w, r)
	case path == "/websocket":
		if srv.opts.disabled(TransportRawWebsocket) {
			http.NotFound(w, r)
			return
		}
		srv.serveWebsocket(w, r, true)
	default:
		sessionID, transport, ok := parseSessionPath(path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		srv.serveTransport(w, r, sessionID, transport)
	}
}

// parseSessionPath splits /{server}/{session}/{transport}. The server and
// session parts must be non-empty and hold no dots.
func parseSessionPath(path string) (sessionID, transport string, ok bool) {
	parts := strings.Split(path, "/")
	if len(parts) != 4 || parts[0] != "" {
		return "", "", false
	}
	for _, p := range parts[1:3] {
		if p == "" || strings.Contains(p, ".") {
			return "", "", false
		}
	}
	return parts[2], parts[3], true
}

// isIframePath matches /iframe.html and /iframe-{version}.html.
func isIframePath(path string) bool {
	if path == "/iframe.html" {
		return true
	}
	v, ok := strings.CutPrefix(path, "/iframe-")
	if !ok {
		return false
	}
	v, ok = strings.CutSuffix(v, ".html")
	return ok && !strings.Contains(v, "/")
}

// serveInfo answers /info: the server's capabilities and a random number.
func (srv *Server) serveInfo(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodOptions:
		srv.servePreflight(w, r, "OPTIONS, GET")
	case http.MethodGet:
		if !srv.cors(w, r) {
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("Cache-Control", noCache)
		body := make([]byte, 0, 96)
		body = append(body, `{"websocket":`...)
		body = strconv.AppendBool(body, !srv.opts.disabled(TransportWebsocket))
		body = append(body, `,"cookie_needed":`...)
		body = strconv.AppendBool(body, srv.opts.JSessionID)
		body = append(body, `,"origins":["*:*"],"entropy":`...)
		body = strconv.AppendUint(body, uint64(rand.Uint32()), 10)
		body = append(body, '}')
		_, _ = w.Write(body)
	default:
		methodNotAllowed(w, "OPTIONS, GET")
	}
}

// servePreflight answers a CORS preflight, cacheable for a year.
func (srv *Server) servePreflight(w http.ResponseWriter, r *http.Request, methods string) {
	if !srv.cors(w, r) {
		return
	}
	h := w.Header()
	h.Set("Cache-Control", cacheable)
	h.Set("Expires", time.Now().Add(oneYear).UTC().Format(http.TimeFormat))
	h.Set("Access-Control-Max-Age", "31536000")
	h.Set("Access-Control-Allow-Methods", methods)
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	}
	w.WriteHeader(http.StatusNoContent)
}

// cors sets the CORS headers for r, or answers 403 and returns false when
// r's origin is not allowed. A request with an Origin gets it echoed back with
// credentials allowed (the JSESSIONID cookie must fly); one without gets "*".
func (srv *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	h := w.Header()
	h.Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if !srv.originAllowed(r) {
		http.Error(w, "Origin not allowed", http.StatusForbidden)
		return false
	}
	if origin == "" {
		h.Set("Access-Control-Allow-Origin", "*")
		return true
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	return true
}

// originAllowed applies Options.AllowedOrigins to the origin of the page
// that sent r: its Origin header, or, for a browser's cross-site request
// that carries none (a JSONP <script> or an htmlfile <iframe> load, which
// bring the user's cookies all the same), the origin of its Referer. A
// request with neither is not from a browser page and is allowed. A refusal
// is logged (at a bounded rate): the browser shows the page only a CORS
// error.
func (srv *Server) originAllowed(r *http.Request) bool {
	origin, ok := srv.pageOriginAllowed(r)
	if !ok {
		if srv.metrics != nil {
			srv.metrics.refusedOrigin.Inc()
		}
		srv.refusals.log(srv.log, "sockjs: refused a request from an origin not in Options.AllowedOrigins",
			slog.String("origin", origin), slog.String("host", r.Host),
			slog.String("path", r.URL.Path), slog.String("remote", r.RemoteAddr))
	}
	return ok
}

// pageOriginAllowed is originAllowed without the log; it returns the origin
// it judged.
func (srv *Server) pageOriginAllowed(r *http.Request) (origin string, ok bool) {
	origin = r.Header.Get("Origin")
	if origin == "" {
		switch r.Header.Get("Sec-Fetch-Site") {
		case "", "same-origin", "none":
			return "", true
		}
		ref, err := url.Parse(r.Referer())
		if err != nil || ref.Scheme == "" || ref.Host == "" {
			// A cross-site load that hides its page: only "*" admits it.
			return "(none: a cross-site load without a Referer)", slices.Contains(srv.opts.AllowedOrigins, "*")
		}
		origin = ref.Scheme + "://" + ref.Host
	}
	// The endpoint's own origin is always allowed: the iframe-based
	// transports send from the server's own iframe page. (Options.Hosts is
	// what keeps a DNS-rebinding page from passing as the endpoint's own.)
	if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) {
		return origin, true
	}
	for _, a := range srv.opts.AllowedOrigins {
		if a == "*" || strings.EqualFold(a, origin) || matchWildcardOrigin(a, origin) {
			return origin, true
		}
	}
	return origin, false
}

// hostAllowed applies Options.Hosts to r's Host header: an entry "name"
// matches that host on any port, "name:port" only on that port,
// "*.example.com" any subdomain of example.com. No entries allow any host.
func (srv *Server) hostAllowed(r *http.Request) bool {
	if len(srv.opts.Hosts) == 0 {
		return true
	}
	host := strings.ToLower(r.Host)
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(name, "]"), "["), ".")
	for _, want := range srv.opts.Hosts {
		want = strings.ToLower(want)
		switch {
		case want == host, want == name:
			return true
		case strings.HasPrefix(want, "*."):
			if strings.HasSuffix(name, want[1:]) && len(name) > len(want)-1 {
				return true
			}
		}
	}
	if srv.metrics != nil {
		srv.metrics.refusedHost.Inc()
	}
	srv.refusals.log(srv.log, "sockjs: refused a request for a host not in Options.Hosts",
		slog.String("host", r.Host), slog.String("path", r.URL.Path), slog.String("remote", r.RemoteAddr))
	return false
}

// frameAncestors is the CSP frame-ancestors source list that lets exactly
// the allowed origins frame the iframe page, or "" when any may. ("null"
// cannot be expressed; such pages cannot frame it.)
func frameAncestors(allowed []string) string {
	if slices.Contains(allowed, "*") {
		return ""
	}
	sources := []string{"'self'"}
	for _, a := range allowed {
		if a != "null" && !strings.ContainsAny(a, " ;,") {
			sources = append(sources, a)
		}
	}
	return strings.Join(sources, " ")
}

// matchWildcardOrigin matches "https://*.example.com" against an origin
// such as "https://chat.example.com" (but not "https://example.com").
func matchWildcardOrigin(pattern, origin string) bool {
	scheme, host, ok := strings.Cut(pattern, "://*.")
	if !ok {
		return false
	}
	rest, ok := strings.CutPrefix(strings.ToLower(origin), strings.ToLower(scheme)+"://")
	if !ok {
		return false
	}
	suffix := "." + strings.ToLower(host)
	return strings.HasSuffix(rest, suffix) && len(rest) > len(suffix) && !strings.Contains(rest, "/")
}

// setJSessionID sets the JSESSIONID cookie for sticky load balancers.
func (srv *Server) setJSessionID(w http.ResponseWriter, r *http.Request) {
	if !srv.opts.JSessionID {
		return
	}
	value := "dummy"
	if c, err := r.Cookie("JSESSIONID"); err == nil && c.Value != "" {
		value = c.Value
	}
	w.Header().Add("Set-Cookie", (&http.Cookie{Name: "JSESSIONID", Value: value, Path: "/"}).String())
}

// methodNotAllowed answers 405 with an Allow header and no body.
func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	w.WriteHeader(http.StatusMethodNotAllowed)
}

// headerHasToken reports whether a comma-separated header holds token.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

const iframeTemplate = `<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
  <script src="{{URL}}"></script>
  <script>
    document.domain = document.domain;
    SockJS.bootstrap_iframe();
  </script>
</head>
<body>
  <h2>Don't panic!</h2>
  <p>This is a SockJS hidden iframe. It's used for cross domain magic.</p>
</body>
</html>`

// iframePage renders the iframe page for the given script URL, with its ETag.
func iframePage(sockjsURL string) (page []byte, etag string) {
	page = []byte(strings.Replace(iframeTemplate, "{{URL}}", htmlAttrEscape(sockjsURL), 1))
	sum := sha256.Sum256(page)
	return page, `"` + hex.EncodeToString(sum[:8]) + `"`
}

func htmlAttrEscape(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace(s)
}

// serveIframe serves the iframe page, strongly cacheable.
func (srv *Server) serveIframe(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	h := w.Header()
	h.Set("Cache-Control", cacheable)
	h.Set("Expires", time.Now().Add(oneYear).UTC().Format(http.TimeFormat))
	h.Set("ETag", srv.iframeETag)
	// Only the allowed origins may frame the page: a page that frames it
	// drives sessions from the endpoint's own, always allowed, origin.
	if srv.frameAncestors != "" {
		h.Set("Content-Security-Policy", "frame-ancestors "+srv.frameAncestors)
		if srv.frameAncestors == "'self'" {
			h.Set("X-Frame-Options", "SAMEORIGIN") // for browsers without CSP 2
		}
	}
	if r.Header.Get("If-None-Match") == srv.iframeETag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "text/html; charset=UTF-8")
	_, _ = w.Write(srv.iframe)
}

// serveClientScript serves the embedded sockjs-client, cacheable for a year.
func serveClientScript(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/javascript; charset=UTF-8")
	h.Set("Cache-Control", cacheable)
	http.ServeContent(w, r, "sockjs.min.js", time.Time{}, bytes.NewReader(clientjs.Script))
}
