// Package igmcompat runs handlers written for github.com/igm/sockjs-go/v3
// unchanged on a sockjs.Server. Only the constructor call changes:
//
//	handler := sockjs.NewHandler("/echo", sockjs.DefaultOptions, echo)   // igm
//	handler := igmcompat.NewHandler("/echo", sockjs.DefaultOptions, echo) // here
//
// where sockjs is igm's package and echo is a func(sockjs.Session) using
// Recv, RecvCtx, Send, Close, ID, Request, Context and GetSessionState. The
// network side is then this module's: the protocol conformance, every
// transport working with the browser's sockjs-client, bounded send queues,
// Options.MaxMessageSize, the origin rule, panics in the handler contained,
// and Shutdown (on *Handler, which both constructors return).
//
// # How it works
//
// igm's Session is a struct around igm's own unexported session, so no other
// package can make one. igmcompat therefore keeps one igm handler in memory,
// never reachable from the network, and gives each of our sessions an igm
// session there, fed through igm's own xhr_streaming and xhr_send code:
// what the client sends reaches Recv, what the handler Sends goes to our
// session's queue, and closing either side closes the other. igm's receive
// buffer holds nothing: a message waits in OnMessage until the handler
// Recvs it, so a handler that never calls Recv stops reading its client
// (as on igm).
//
// # Options
//
// ServerOptions maps igm's Options onto sockjs.Options where they mean the
// same:
//
//	igm.Options            sockjs.Options
//	SockJSURL              SockJSURL
//	ResponseLimit          ResponseLimit
//	Websocket false        DisabledTransports += websocket
//	RawWebsocket false     DisabledTransports += websocket-raw
//	HeartbeatDelay         HeartbeatDelay
//	DisconnectDelay        DisconnectDelay
//	JSessionID non-nil     JSessionID true
//	Origin "" / "*" / o    AllowedOrigins nil (same origin only) / ["*"] / [o]
//	WebsocketWriteTimeout  WriteTimeout (on every transport; zero is 10 s, not "none")
//	DisableXHR             DisabledTransports += xhr-polling
//	DisableXHRStreaming    DisabledTransports += xhr-streaming
//	DisableEventSource     DisabledTransports += eventsource
//	DisableHtmlFile        DisabledTransports += htmlfile
//	DisableJSONP           DisabledTransports += jsonp-polling
//
// Ignored: WebsocketUpgrader (buffer sizes, compression, subprotocols and its
// CheckOrigin: the server has its own upgrader and checks origins with
// AllowedOrigins), CheckOrigin (a function cannot become an allow-list: use
// New with sockjs.Options.AllowedOrigins), and what a custom JSessionID
// function does beyond asking for the cookie (the server echoes the client's
// JSESSIONID or sets "dummy", as igm's DefaultJSessionID does).
//
// # Differences a handler can see
//
//   - Origins: igm answered CORS for any origin by default; here only the
//     endpoint's own origin may connect unless Origin or AllowedOrigins says
//     otherwise.
//   - Request returns a request rebuilt from the one that opened the
//     session: its Header, Host, query (URL.RawQuery) and RemoteAddr (the
//     client IP, honouring sockjs.Options.TrustedProxies, with port 0) are
//     the client's, and RequestURI is the client's path; its Method,
//     URL.Path and Context are the bridge's.
//   - ReceiverType always reports ReceiverTypeXHRStreaming, the bridge's
//     own transport, whatever the client uses.
//   - ID is the server's session id, not the one the client chose.
//   - After the handler's Close, GetSessionState reports SessionClosing
//     for about a second, then SessionClosed (igm: DisconnectDelay).
//   - Send fails once the session's send queue is over
//     sockjs.Options.SendQueueBytes (the session is closed with
//     sockjs.CloseSlowConsumer) instead of buffering without bound.
//   - Shutdown returns when every handler function has; igm's own watcher
//     of a session the handler closed ends up to a second later.
//   - A panic in the handler function closes its session with
//     sockjs.CloseInternalError and is logged, instead of crashing the
//     process.
package igmcompat
