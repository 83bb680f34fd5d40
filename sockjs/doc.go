// Package sockjs is a SockJS server: one value per connected browser, with
// OnOpen, OnMessage and OnClose hooks that behave the same on every SockJS
// transport — websocket, xhr-streaming, xhr-polling, eventsource, htmlfile,
// jsonp-polling, the iframe-based variants the browser's sockjs-client builds
// on them — and a raw websocket endpoint for programs.
//
// # Quick start
//
//	type chat struct{ s *sockjs.Session }
//
//	func (c *chat) OnOpen(s *sockjs.Session) error { c.s = s; return nil }
//	func (c *chat) OnMessage(msg string)           { c.s.Send("echo: " + msg) }
//	func (c *chat) OnClose()                       {}
//
//	srv := sockjs.NewServer("/chat", func() sockjs.Handler { return &chat{} }, nil)
//	http.Handle("/chat/", srv)
//	defer srv.Shutdown(ctx)
//
// In the browser: new SockJS("/chat"). The server serves sockjs-client itself
// at /chat/sockjs.min.js.
//
// # Guarantees
//
//   - OnMessage calls for one session never overlap and keep the client's
//     order. OnClose runs exactly once for every session whose OnOpen
//     succeeded, after its last OnMessage, however the session ended.
//   - Send never blocks on the network. Each session has a bounded queue
//     (Options.SendQueueBytes); a client that cannot keep up is closed with
//     CloseSlowConsumer and the others are unaffected. Queued messages are
//     coalesced into one SockJS frame per network write. With
//     Options.DirectWrites a websocket session's message is written by Send
//     itself when the socket takes it at once (no goroutine woken for it),
//     else by the session's writer goroutine, as without it.
//   - Bad input costs bounded memory: Options.MaxMessageSize bounds each
//     message as OnMessage gets it, on every transport, and
//     Options.MaxFrameSize one inbound frame (an xhr_send/jsonp_send body,
//     which sockjs-client fills with every send queued meanwhile, or a
//     websocket message); over either a websocket session is closed with
//     CloseMessageTooBig and an HTTP send gets 413. Broken JSON gets the
//     protocol's errors.
//   - Options.AllowedOrigins is one rule for the websocket upgrade, for
//     CORS on the HTTP transports, for a browser's script and frame loads
//     (JSONP, htmlfile) and for who may frame the iframe page; by default
//     only same-origin pages connect.
//   - Dead peers are noticed: every heartbeat carries a WebSocket ping, and
//     a websocket session that hears nothing from its client, not even the
//     pong, for Options.PeerTimeout is closed with ClosePeerTimeout (and its
//     OnClose runs), instead of minutes later when TCP gives up.
//   - A panic in a hook closes that session with CloseInternalError and is
//     logged; the server keeps running.
//   - Shutdown closes every session with CloseGoingAway and waits for every
//     OnClose and every goroutine the server started.
//
// Every close code the server uses is in one table, in closecodes.go.
//
// # Fan-out
//
// Broadcast sends one message to many sessions, encoding it once. For
// channels across processes see Hub, MemoryBroker and package redisbroker.
//
// # Routers
//
// A Server is an http.Handler for its prefix and everything below it: mount
// it at prefix+"/" on any router. On http.ServeMux that is
// mux.Handle("/chat/", srv), as in the quick start; with gorilla/mux,
// r.PathPrefix("/chat").Handler(srv). http.ServeMux, and gorilla/mux unless
// SkipClean(true), answer a URL holding "//" or "/./" with a redirect to
// its cleaned form instead of passing it on. sockjs-client never makes such
// URLs, so browsers are not affected: only the protocol's conformance suite
// sends them, expecting the Server's 404. To pass it exactly, use
// SkipClean(true), or give the prefix's paths to the Server before a
// ServeMux sees them, as package protocoltest does.
package sockjs
