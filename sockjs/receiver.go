package sockjs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// httpTransport describes one HTTP transport: how it answers and how it
// frames what it sends.
type httpTransport struct {
	name        string
	method      string
	streaming   bool
	callback    bool // needs a ?c= callback (htmlfile, jsonp)
	contentType string
	prelude     func(callback string) []byte
	frame       func(dst, frame []byte, callback string) []byte
}

var (
	xhrPolling = &httpTransport{
		name: TransportXHRPolling, method: http.MethodPost,
		contentType: "application/javascript; charset=UTF-8",
		frame:       lineFrame,
	}
	xhrStreaming = &httpTransport{
		name: TransportXHRStreaming, method: http.MethodPost, streaming: true,
		contentType: "application/javascript; charset=UTF-8",
		// 2 KiB of 'h' gets the response past browsers' buffering.
		prelude: func(string) []byte { return []byte(strings.Repeat("h", 2048) + "\n") },
		frame:   lineFrame,
	}
	eventSource = &httpTransport{
		name: TransportEventSource, method: http.MethodGet, streaming: true,
		contentType: "text/event-stream",
		prelude:     func(string) []byte { return []byte("\r\n") },
		frame: func(dst, frame []byte, _ string) []byte {
			dst = append(dst, "data: "...)
			dst = appendPercentEscaped(dst, frame)
			return append(dst, "\r\n\r\n"...)
		},
	}
	htmlFile = &httpTransport{
		name: TransportHTMLFile, method: http.MethodGet, streaming: true, callback: true,
		contentType: "text/html; charset=UTF-8",
		prelude:     htmlFilePrelude,
		frame: func(dst, frame []byte, _ string) []byte {
			dst = append(dst, "<script>\np("...)
			start := len(dst)
			dst = appendQuoted(dst, string(frame))
			dst = escapeScriptLess(dst, start)
			return append(dst, ");\n</script>\r\n"...)
		},
	}
	jsonpPolling = &httpTransport{
		name: TransportJSONP, method: http.MethodGet, callback: true,
		contentType: "application/javascript; charset=UTF-8",
		frame: func(dst, frame []byte, callback string) []byte {
			// The /**/ prefix defeats content sniffing attacks (Rosetta Flash).
			dst = append(dst, "/**/"...)
			dst = append(dst, callback...)
			dst = append(dst, '(')
			dst = appendQuoted(dst, string(frame))
			return append(dst, ");\r\n"...)
		},
	}
)

// appendPercentEscaped escapes '%', CR, LF and NUL as %XX: sockjs-client runs
// every eventsource message through decodeURI, and the event-stream format
// ends a field at a line break.
func appendPercentEscaped(dst, frame []byte) []byte {
	for _, c := range frame {
		switch c {
		case '%':
			dst = append(dst, "%25"...)
		case '\r':
			dst = append(dst, "%0D"...)
		case '\n':
			dst = append(dst, "%0A"...)
		case 0:
			dst = append(dst, "%00"...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// escapeScriptLess rewrites every '<' in dst[start:], a quoted JavaScript
// string, as \u003c: the same string to the script, but a message can no
// longer end the htmlfile transport's <script> element ("</script>") or
// open an HTML comment in it, and so cannot run as markup in the
// endpoint's origin.
func escapeScriptLess(dst []byte, start int) []byte {
	n := bytes.Count(dst[start:], []byte{'<'})
	if n == 0 {
		return dst
	}
	quoted := append([]byte(nil), dst[start:]...)
	dst = dst[:start]
	for _, c := range quoted {
		if c == '<' {
			dst = append(dst, `\u003c`...)
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func lineFrame(dst, frame []byte, _ string) []byte {
	dst = append(dst, frame...)
	return append(dst, '\n')
}

const htmlFileHead = `<!doctype html>
<html><head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
</head><body><h2>Don't panic!</h2>
  <script>
    document.domain = document.domain;
    var c = parent.{{CALLBACK}};
    c.start();
    function p(d) {c.message(d);};
    window.onload = function() {c.stop();};
  </script>`

// htmlFilePrelude is the page head, padded past 1 KiB so browsers start
// rendering it at once.
func htmlFilePrelude(callback string) []byte {
	head := strings.Replace(htmlFileHead, "{{CALLBACK}}", callback, 1)
	pad := 1024 - len(head) + 14
	if pad < 0 {
		pad = 0
	}
	return []byte(head + strings.Repeat(" ", pad) + "\r\n\r\n")
}

// serveTransport serves {prefix}/{server}/{session}/{transport}.
func (srv *Server) serveTransport(w http.ResponseWriter, r *http.Request, sessionID, transport string) {
	var t *httpTransport
	switch transport {
	case "websocket":
		if srv.opts.disabled(TransportWebsocket) {
			http.NotFound(w, r)
			return
		}
		srv.serveWebsocket(w, r, false)
		return
	case "xhr_send":
		srv.serveSend(w, r, sessionID, false)
		return
	case "jsonp_send":
		srv.serveSend(w, r, sessionID, true)
		return
	case "xhr":
		t = xhrPolling
	case "xhr_streaming":
		t = xhrStreaming
	case "eventsource":
		t = eventSource
	case "htmlfile":
		t = htmlFile
	case "jsonp":
		t = jsonpPolling
	default:
		http.NotFound(w, r)
		return
	}
	if srv.opts.disabled(t.name) {
		http.NotFound(w, r)
		return
	}
	switch {
	case r.Method == http.MethodOptions && t.method == http.MethodPost:
		srv.servePreflight(w, r, "OPTIONS, POST")
	case r.Method != t.method:
		methodNotAllowed(w, t.method)
	default:
		srv.serveReceiver(w, r, sessionID, t)
	}
}

// validCallback reports whether a JSONP/htmlfile callback name is safe:
// [a-zA-Z0-9-_.]+, so it cannot smuggle script.
func validCallback(c string) bool {
	if c == "" || len(c) > 256 {
		return false
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.') {
			return false
		}
	}
	return true
}

// receiver is one HTTP request that carries frames to the client.
type receiver struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	t        *httpTransport
	callback string
	timeout  time.Duration
	written  int // frame bytes written, for ResponseLimit
	buf      []byte
	gone     chan struct{} // closed when the request is done with its session
}

// busyGrace is how long a receiving request waits for the session's
// attached receiver to go before it is told "Another connection still
// open". A client that aborts a request and at once sends the next (the
// protocol suite does; so may a proxy) is ahead of the server's noticing the
// abort by a moment; the wait lets the new request find the session
// interrupted instead. Two live receivers cost the second this long.
const busyGrace = 250 * time.Millisecond

// write sends bytes and flushes them as one chunk.
func (rcv *receiver) write(b []byte) error {
	_ = rcv.rc.SetWriteDeadline(time.Now().Add(rcv.timeout))
	if _, err := rcv.w.Write(b); err != nil {
		return err
	}
	return rcv.rc.Flush()
}

// writeFrame frames one SockJS frame for the transport and sends it.
func (rcv *receiver) writeFrame(frame []byte) error {
	rcv.buf = rcv.t.frame(rcv.buf[:0], frame, rcv.callback)
	rcv.written += len(rcv.buf)
	return rcv.write(rcv.buf)
}

// deliver writes what one outbox holds.
func (rcv *receiver) deliver(o outbox) error {
	switch {
	case len(o.batch) > 0:
		return rcv.writeFrame(appendBatchFrame(nil, o.batch))
	case o.close:
		return rcv.writeFrame(appendCloseFrame(nil, o.code, o.reason))
	case o.heartbeat:
		return rcv.writeFrame(heartbeatFrame)
	}
	return nil
}

// serveReceiver serves a receiving request: it opens the session if it is
// new, then delivers frames until the transport's response is done.
func (srv *Server) serveReceiver(w http.ResponseWriter, r *http.Request, sessionID string, t *httpTransport) {
	var callback string
	if t.callback {
		callback = r.URL.Query().Get("c")
		if callback == "" {
			http.Error(w, `"callback" parameter required`, http.StatusInternalServerError)
			return
		}
		if !validCallback(callback) {
			http.Error(w, `invalid "callback" parameter`, http.StatusInternalServerError)
			return
		}
	}
	if !srv.cors(w, r) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", t.contentType)
	h.Set("Cache-Control", noCache)
	srv.setJSessionID(w, r)

	rcv := &receiver{w: w, rc: http.NewResponseController(w), t: t, callback: callback,
		timeout: srv.opts.WriteTimeout, gone: make(chan struct{})}
	// Runs after every detach below: a request waiting for rcv to go then
	// finds the session as rcv left it.
	defer close(rcv.gone)
	s, created, other := srv.attach(r, sessionID, t.name, rcv)
	if other != nil {
		timer := time.NewTimer(busyGrace)
		select {
		case <-other.gone:
			s, created, other = srv.attach(r, sessionID, t.name, rcv)
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		}
		timer.Stop()
	}
	busy := other != nil
	if s == nil {
		http.Error(w, "Server shutting down", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
	if t.prelude != nil {
		if err := rcv.write(t.prelude(callback)); err != nil {
			switch {
			case created:
				srv.drop(sessionID, s)
			case !busy:
				s.detach(rcv, err)
			}
			return
		}
	}
	if busy {
		_ = rcv.writeFrame(appendCloseFrame(nil, CloseAnotherConnection, CloseReason(CloseAnotherConnection)))
		return
	}
	if created {
		if rej := s.open(); rej != nil {
			_ = rcv.writeFrame(appendCloseFrame(nil, rej.Code, rej.Reason))
			srv.drop(sessionID, s)
			return
		}
		if err := rcv.writeFrame(openFrame); err != nil || !t.streaming || rcv.written >= srv.opts.ResponseLimit {
			s.detach(rcv, err)
			return
		}
	}
	err := srv.pump(r, s, rcv)
	if err != nil {
		srv.log.Debug("sockjs: receiver interrupted", slog.String("transport", t.name),
			slog.String("session", s.ID()), slog.Any("error", err))
	}
	s.detach(rcv, err)
}

// pump delivers the session's frames to rcv until the response is done. It
// returns why the client went away (a network error or an aborted request),
// or nil when the response ended as the transport wants.
func (srv *Server) pump(r *http.Request, s *Session, rcv *receiver) error {
	for {
		s.mu.Lock()
		if s.recv != rcv {
			// Another delivery path took over (the session closed while we
			// were not attached); nothing more for this response.
			s.mu.Unlock()
			return nil
		}
		o := s.takeLocked()
		if o.empty() && s.closed {
			// Closed, and the close frame already went out: repeat it, as the
			// protocol wants for every request on a closed session.
			o.close, o.code, o.reason = true, s.closeCode, s.closeReason
		}
		s.mu.Unlock()
		if o.empty() {
			select {
			case <-s.wake:
				continue
			case <-r.Context().Done():
				return fmt.Errorf("request ended while waiting: %w", context.Cause(r.Context()))
			}
		}
		if s.metrics != nil {
			s.metrics.delivered(o.batch, o.queued)
		}
		err := rcv.deliver(o)
		s.release(o.batch)
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if o.close || !rcv.t.streaming || rcv.written >= srv.opts.ResponseLimit {
			return nil
		}
	}
}

// attach finds or makes the session for an HTTP receiver and attaches rcv to
// it. created reports a new session (rcv attached, OnOpen still to run); a
// non-nil busy is the receiver already attached (rcv is not). It returns a
// nil session when the server is shutting down.
func (srv *Server) attach(r *http.Request, sessionID, transport string, rcv *receiver) (s *Session, created bool, busy *receiver) {
	srv.mu.Lock()
	s = srv.byID[sessionID]
	srv.mu.Unlock()
	if s == nil {
		s = srv.newSession(r, transport)
		if s == nil {
			return nil, false, nil
		}
		srv.mu.Lock()
		if other := srv.byID[sessionID]; other != nil {
			// Lost a race with a concurrent request for the same new id.
			srv.mu.Unlock()
			srv.forget(s)
			s = other
		} else {
			s.recv = rcv
			srv.byID[sessionID] = s
			srv.mu.Unlock()
			return s, true, nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recv != nil {
		return s, false, s.recv
	}
	s.recv = rcv
	if s.timer != nil {
		s.timer.Stop()
	}
	// Drop a stale wake-up meant for a previous receiver.
	select {
	case <-s.wake:
	default:
	}
	return s, false, nil
}

// detach ends rcv's turn on the session. A receiver that failed (err, from
// writing to the client or waiting for frames) closes the session with
// writeFailureCode(err); otherwise the disconnect timer starts.
func (s *Session) detach(rcv *receiver, err error) {
	s.mu.Lock()
	if s.recv == rcv {
		s.recv = nil
		s.armTimerLocked()
	}
	s.mu.Unlock()
	if err != nil {
		code := writeFailureCode(err)
		s.closeWith(code, CloseReason(code), true)
	}
}

// writeFailureCode is the close code for a session whose connection failed
// with err: CloseWriteTimeout when a write outlasted Options.WriteTimeout
// (the client stopped reading), CloseInterrupted for the network or the
// client ending the connection.
func writeFailureCode(err error) int {
	var ne net.Error // gorilla/websocket hides the deadline error in its own
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return CloseWriteTimeout
	}
	return CloseInterrupted
}

// armTimerLocked (re)starts the timer that ends a session left without a
// receiver for DisconnectDelay. s.mu must be held.
func (s *Session) armTimerLocked() {
	if s.timer == nil {
		s.timer = time.AfterFunc(s.srv.opts.DisconnectDelay, s.expire)
		return
	}
	s.timer.Reset(s.srv.opts.DisconnectDelay)
}

// expire ends a session whose client has gone: an open one is closed (and
// its OnClose runs), a closed one stops answering with its close frame.
func (s *Session) expire() {
	s.mu.Lock()
	if s.recv != nil {
		s.mu.Unlock()
		return
	}
	wasOpen := !s.closed
	s.mu.Unlock()
	if wasOpen {
		s.srv.log.Debug("sockjs: session expired: no receiver within the disconnect delay",
			slog.String("transport", s.transport), slog.String("session", s.id),
			slog.Duration("disconnect_delay", s.srv.opts.DisconnectDelay))
		s.closeWith(CloseInterrupted, CloseReason(CloseInterrupted), true)
		// closeWith re-armed the timer: the close frame stays available for
		// one more DisconnectDelay, then the session is dropped.
		return
	}
	s.srv.dropByID(s)
}

// drop removes a session that never opened: no hook of it runs any more.
func (srv *Server) drop(sessionID string, s *Session) {
	s.mu.Lock()
	s.closeLocked(CloseInterrupted, CloseReason(CloseInterrupted), closeFrameGone)
	s.finished = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	srv.mu.Lock()
	if srv.byID[sessionID] == s {
		delete(srv.byID, sessionID)
	}
	srv.mu.Unlock()
	srv.forget(s)
}

// dropByID removes a closed HTTP session from the id map.
func (srv *Server) dropByID(s *Session) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for id, other := range srv.byID {
		if other == s {
			delete(srv.byID, id)
			return
		}
	}
}

// serveSend serves xhr_send and jsonp_send: messages from the client.
func (srv *Server) serveSend(w http.ResponseWriter, r *http.Request, sessionID string, jsonp bool) {
	if r.Method == http.MethodOptions && !jsonp {
		srv.servePreflight(w, r, "OPTIONS, POST")
		return
	}
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "POST")
		return
	}
	if !srv.cors(w, r) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("Cache-Control", noCache)
	srv.setJSessionID(w, r)

	srv.mu.Lock()
	s := srv.byID[sessionID]
	srv.mu.Unlock()
	// A session still in OnOpen is not there yet for messages: a client
	// cannot have seen its "o", and OnMessage must not run before OnOpen
	// (nor at all if OnOpen refuses the client).
	if s == nil || !s.isOpen() {
		http.NotFound(w, r)
		return
	}
	payload, err := readBody(r, w, srv.opts.MaxFrameSize, jsonp)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			srv.refuseTooBig(w, s)
			return
		}
		http.Error(w, protocolText(err), http.StatusInternalServerError)
		return
	}
	msgs, err := decodeMessages(payload)
	if err != nil {
		http.Error(w, protocolText(err), http.StatusInternalServerError)
		return
	}
	if !srv.messagesFit(msgs) {
		srv.refuseTooBig(w, s)
		return
	}
	s.dispatch(msgs)
	if jsonp {
		_, _ = w.Write([]byte("ok"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// refuseTooBig answers a send over MaxFrameSize or holding a message over
// MaxMessageSize: 413, nothing of the body delivered, and the session closed
// with CloseMessageTooBig, as on websocket. (sockjs-client gives up its end
// on a failed xhr_send; a jsonp_send it cannot even see fail, so the close
// frame on the next poll is how that client learns.)
func (srv *Server) refuseTooBig(w http.ResponseWriter, s *Session) {
	http.Error(w, "Message too big", http.StatusRequestEntityTooLarge)
	s.closeWith(CloseMessageTooBig, CloseReason(CloseMessageTooBig), false)
}

// readBody reads a send request's payload, at most limit bytes of frame.
// jsonp_send may carry it form-encoded as d=..., which may triple its size on
// the wire.
func readBody(r *http.Request, w http.ResponseWriter, limit int, jsonp bool) ([]byte, error) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	form := jsonp && mediaType == "application/x-www-form-urlencoded" // ParseMediaType lowercases
	wire := int64(limit)
	if form {
		wire = wire*3 + 2
	}
	buf, err := io.ReadAll(http.MaxBytesReader(w, r.Body, wire))
	if err != nil {
		return nil, err
	}
	if form {
		values, err := url.ParseQuery(string(buf))
		if err != nil {
			return nil, errBrokenJSON
		}
		buf = []byte(values.Get("d"))
		if len(buf) > limit {
			return nil, &http.MaxBytesError{Limit: int64(limit)}
		}
	}
	return buf, nil
}
