package sockjs

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Transport names, as Session.Transport reports them and as
// Options.DisabledTransports takes them. They match the names the browser's
// sockjs-client uses for the same wire protocol.
const (
	TransportWebsocket    = "websocket"
	TransportXHRStreaming = "xhr-streaming"
	TransportXHRPolling   = "xhr-polling"
	TransportEventSource  = "eventsource"
	TransportHTMLFile     = "htmlfile"
	TransportJSONP        = "jsonp-polling"
	// TransportRawWebsocket is the plain WebSocket endpoint {prefix}/websocket,
	// with no SockJS framing, for non-browser clients.
	TransportRawWebsocket = "websocket-raw"
)

// Options configure a Server. The zero value of every field means the
// documented default, so Options{} is a working configuration.
type Options struct {
	// HeartbeatDelay is how often an idle session gets a heartbeat frame, so
	// proxies do not close idle connections. Zero means 25 seconds. The
	// server's heartbeats are spread over the period, not sent to every
	// session at once (a session's first comes 0.5–1.5 periods after it
	// opened).
	HeartbeatDelay time.Duration

	// PeerTimeout is how long a websocket session (SockJS or raw) may go
	// without hearing from its peer — a message, a pong, any frame — before
	// it is closed with ClosePeerTimeout and OnClose runs. The server sends
	// a WebSocket ping with every heartbeat (HeartbeatDelay), which every
	// live client answers by itself, so a client that vanished without
	// closing its connection (lid closed, network gone) is noticed within
	// PeerTimeout instead of when TCP gives up, minutes later. Zero means
	// 2×HeartbeatDelay (two pings to answer); negative means never (the
	// read waits for TCP). HTTP transports are covered by DisconnectDelay.
	PeerTimeout time.Duration

	// DisconnectDelay is how long an HTTP-transport session lives with no
	// receiving request attached before it is closed (the client went away),
	// and how long a closed session keeps answering with its close frame.
	// Zero means 5 seconds.
	DisconnectDelay time.Duration

	// ResponseLimit is how many bytes one streaming response (xhr-streaming,
	// eventsource, htmlfile) carries before the server ends it and the client
	// opens another, so the browser can free what it has read. Zero means
	// 128 KiB.
	ResponseLimit int

	// JSessionID makes every HTTP-transport response set the JSESSIONID cookie
	// (echoing the client's value, else "dummy"), for load balancers whose
	// sticky sessions key on it. Off by default.
	JSessionID bool

	// AllowedOrigins lists the browser origins allowed to connect, applied
	// alike to the WebSocket upgrade and to CORS on the HTTP transports.
	// Entries are origins ("https://example.com", "http://localhost:8080"),
	// host patterns with a leading wildcard ("https://*.example.com"), or "*"
	// for any origin. The endpoint's own origin (the Origin header's host
	// equals the request's Host) is always allowed, so nil means same-origin
	// only (see Hosts for what that trusts). A refused origin is logged, at
	// a bounded rate, since the browser shows the page only a CORS error. A request without an Origin header is a non-browser client, or a
	// browser's script or frame load (JSONP, htmlfile): when the browser
	// marks it cross-site or same-site (Sec-Fetch-Site), the page's origin
	// is taken from its Referer and must be allowed; otherwise it is. The
	// iframe page may be framed only by the allowed origins (CSP
	// frame-ancestors), since the iframe transports send from the
	// endpoint's own origin.
	//
	// Danger: "*" lets any web page open sessions with your users' cookies.
	AllowedOrigins []string

	// Hosts lists the host names the server answers to, as the Host header
	// names them: "example.com" (any port), "example.com:8443" (that port
	// only), "*.example.com" (any subdomain). A request for any other host
	// is answered 421 before any session is made, and logged (at a bounded
	// rate). Empty means any host.
	//
	// Danger: with Hosts empty, a DNS-rebinding attack reaches the server.
	// The endpoint's own origin is always allowed (AllowedOrigins), judged
	// by the Origin's host being the Host header; a page on a hostname of
	// the attacker's that re-resolves to this server sends matching Origin
	// and Host, and its sessions are accepted. Set Hosts on any server a
	// browser can reach by a name you do not control the DNS of (localhost
	// and intranet servers included).
	Hosts []string

	// DisabledTransports lists transports (Transport* constants) the server
	// refuses. /info reports websocket:false when TransportWebsocket is listed.
	DisabledTransports []string

	// MaxMessageSize bounds one inbound message as the application gets it:
	// the decoded string OnMessage receives, counted in bytes of UTF-8, on
	// every transport (not its JSON quoting on the wire). Over it, a
	// session is closed with CloseMessageTooBig, on every transport; an HTTP
	// send (xhr_send, jsonp_send) is also answered 413, and nothing of its
	// body is delivered. Zero means 64 KiB.
	MaxMessageSize int

	// MaxFrameSize bounds one inbound frame as it travels: an xhr_send or
	// jsonp_send body, or one SockJS-framed websocket message. A frame may
	// carry many messages: sockjs-client queues every send made while an
	// xhr_send is in flight and posts them together as one JSON array, so a
	// burst of sends far over MaxMessageSize in sum arrives in one body.
	// Over it the session is closed with CloseMessageTooBig (an HTTP send is
	// answered 413). It is what one such request may cost the
	// server in memory. Zero means 1 MiB, or 6×MaxMessageSize+2 when that is
	// more: room for one message of MaxMessageSize whose every byte is sent
	// escaped. (The raw websocket endpoint has no framing: its frames are
	// bounded by MaxMessageSize.)
	MaxFrameSize int

	// MessageRate limits how many messages per second one session may send
	// (a token bucket with a burst of MessageBurst). A session over it is
	// closed with CloseRateLimited. Zero means no limit.
	MessageRate float64

	// MessageBurst is the bucket size for MessageRate. Zero means
	// max(1, 2×MessageRate).
	MessageBurst int

	// SendQueueBytes bounds the bytes queued for one session and not yet
	// written to the network (or, on polling transports, not yet collected
	// by a poll). A session over it is closed with CloseSlowConsumer; others
	// are unaffected. Zero means 1 MiB. However much is queued, one
	// delivery (a websocket message, a streaming chunk, the answer to one
	// poll) carries at most 64 KiB of it, or one larger message: a backlog
	// goes out in several frames, never framed whole in memory.
	SendQueueBytes int

	// DirectWrites has Session.Send and SendMessage write a websocket
	// session's frame to its socket themselves, on the caller's goroutine,
	// when nothing else is being written to it: one non-blocking write. The
	// session's writer goroutine then need not be woken for the message,
	// which on a busy server is a wait for a thread per message (the
	// package's benchmarks and Trelljaz's capacity notes measure it). A
	// frame the socket does not take whole, a backlog, heartbeats and close
	// frames still go through the writer goroutine, so Send never waits for
	// the network. Broadcast and Hub deliveries never write directly: the
	// writer goroutines spread a fan-out over the CPUs. It needs a
	// connection with a descriptor (TCP, Unix; not TLS terminated in this
	// process) on a Unix system; elsewhere it does nothing.
	DirectWrites bool

	// WriteTimeout bounds one network write. A client that does not read for
	// that long is closed with CloseWriteTimeout. Zero means 10 seconds.
	WriteTimeout time.Duration

	// SockJSURL is the URL of the sockjs-client script that the iframe page
	// (used by the iframe-based transports) loads. Empty means
	// {prefix}/sockjs.min.js, which this server serves itself from an
	// embedded copy of sockjs-client 1.6.
	SockJSURL string

	// TrustedProxies lists the networks of reverse proxies whose
	// X-Forwarded-For header is believed when computing RequestInfo.RemoteIP.
	// Empty means none: the TCP peer address is the remote IP.
	TrustedProxies []netip.Prefix

	// Metrics, if set, receives the server's Prometheus metrics. Nil means
	// none, at no cost. Nothing is registered globally. Several servers may
	// share one registry: they then add up in the same series (wrap it with
	// prometheus.WrapRegistererWith to tell them apart). The metrics:
	//
	//	sockjs_sessions_open{transport}                gauge: open sessions (OnOpen done, OnClose not yet)
	//	sockjs_sessions_opened_total{transport}        sessions whose OnOpen succeeded
	//	sockjs_sessions_closed_total{transport,code}   sessions closed (OnClose ran), by close code
	//	sockjs_messages_received_total{transport}      messages from clients (OnMessage calls)
	//	sockjs_received_bytes_total{transport}         their bytes, as OnMessage gets them
	//	sockjs_messages_sent_total{transport}          messages handed to the network
	//	sockjs_sent_bytes_total{transport}             their bytes, unframed
	//	sockjs_send_queue_bytes{transport}             histogram: bytes queued for a session when a delivery takes them
	//	sockjs_slow_consumer_closes_total              closes with CloseSlowConsumer
	//	sockjs_write_timeout_closes_total              closes with CloseWriteTimeout
	//	sockjs_rate_limit_closes_total                 closes with CloseRateLimited
	//	sockjs_peer_timeout_closes_total               closes with ClosePeerTimeout
	//	sockjs_message_too_big_closes_total            closes with CloseMessageTooBig
	//	sockjs_refused_origin_total                    requests refused by AllowedOrigins
	//	sockjs_refused_host_total                      requests refused by Hosts
	Metrics prometheus.Registerer

	// Logger receives the server's logs. Nil means slog.Default().
	Logger *slog.Logger
}

// withDefaults returns a copy of o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.HeartbeatDelay <= 0 {
		o.HeartbeatDelay = 25 * time.Second
	}
	if o.PeerTimeout == 0 {
		o.PeerTimeout = 2 * o.HeartbeatDelay
	}
	if o.DisconnectDelay <= 0 {
		o.DisconnectDelay = 5 * time.Second
	}
	if o.ResponseLimit <= 0 {
		o.ResponseLimit = 128 << 10
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = 64 << 10
	}
	if o.MaxFrameSize <= 0 {
		o.MaxFrameSize = max(1<<20, 6*o.MaxMessageSize+2)
	}
	if o.SendQueueBytes <= 0 {
		o.SendQueueBytes = 1 << 20
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.MessageRate > 0 && o.MessageBurst <= 0 {
		o.MessageBurst = max(1, int(2*o.MessageRate))
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// disabled reports whether transport t is switched off.
func (o *Options) disabled(t string) bool {
	for _, d := range o.DisabledTransports {
		if d == t {
			return true
		}
	}
	return false
}
