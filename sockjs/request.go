package sockjs

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// RequestInfo is a snapshot of the HTTP request that opened a session. It is
// taken when the session opens and stays valid for the session's life, unlike
// the *http.Request, whose context ends with the request.
type RequestInfo struct {
	// RemoteIP is the client's address: the TCP peer, or, when the peer is in
	// Options.TrustedProxies, the right-most X-Forwarded-For entry that is not
	// itself a trusted proxy.
	RemoteIP netip.Addr
	// Host is the Host header.
	Host string
	// Path is the URL path of the opening request.
	Path string
	// RawQuery is the opening request's query string, without '?'.
	RawQuery string
	// Header holds a copy of the opening request's headers, but for those
	// of the WebSocket handshake itself (Connection, Upgrade,
	// Sec-WebSocket-Key, -Version and -Extensions), which mean nothing once
	// it is done.
	Header http.Header
}

// Query parses RawQuery.
func (ri *RequestInfo) Query() url.Values {
	q, _ := url.ParseQuery(ri.RawQuery)
	return q
}

// Cookies parses the Cookie headers of the opening request.
func (ri *RequestInfo) Cookies() []*http.Cookie {
	return (&http.Request{Header: ri.Header}).Cookies()
}

// Cookie returns the named cookie of the opening request, or
// http.ErrNoCookie.
func (ri *RequestInfo) Cookie(name string) (*http.Cookie, error) {
	return (&http.Request{Header: ri.Header}).Cookie(name)
}

// newRequestInfo snapshots r.
func newRequestInfo(r *http.Request, trusted []netip.Prefix) *RequestInfo {
	return &RequestInfo{
		RemoteIP: remoteIP(r, trusted),
		Host:     r.Host,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   compactHeader(r.Header),
	}
}

// handshakeOnly are the headers of the WebSocket handshake that
// RequestInfo does not keep: an idle session holds its RequestInfo for its
// whole life.
var handshakeOnly = map[string]bool{
	"Connection": true, "Upgrade": true, "Sec-Websocket-Key": true,
	"Sec-Websocket-Version": true, "Sec-Websocket-Extensions": true,
}

// compactHeader copies h, but for the handshake-only headers, into three
// allocations: the map, one slice of every value, and one string holding
// them all (so the copy keeps nothing of the request's own buffers alive).
func compactHeader(h http.Header) http.Header {
	keys := make([]string, 0, len(h))
	nv, nb := 0, 0
	for k, vv := range h {
		if handshakeOnly[k] {
			continue
		}
		keys = append(keys, k)
		nv += len(vv)
		for _, v := range vv {
			nb += len(v)
		}
	}
	var sb strings.Builder
	sb.Grow(nb)
	for _, k := range keys {
		for _, v := range h[k] {
			sb.WriteString(v)
		}
	}
	all := sb.String()
	vals := make([]string, nv)
	out := make(http.Header, len(keys))
	off, i := 0, 0
	for _, k := range keys {
		start := i
		for _, v := range h[k] {
			vals[i] = all[off : off+len(v)]
			off += len(v)
			i++
		}
		out[k] = vals[start:i:i]
	}
	return out
}

// ClientIP returns the client address of r as RequestInfo.RemoteIP does for
// a session: the TCP peer, or, when the peer is in trusted, the right-most
// X-Forwarded-For entry that is not itself a trusted proxy. An application
// uses it for its own HTTP endpoints, so that they see the address its
// sessions see.
func ClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr { return remoteIP(r, trusted) }

// remoteIP returns the client address of r, believing X-Forwarded-For only as
// far back as the hops are trusted proxies.
func remoteIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			addr, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return peer // a malformed hop: trust nothing further back
			}
			addr = addr.Unmap()
			if !isTrusted(addr, trusted) {
				return addr
			}
			peer = addr
		}
	}
	return peer
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
