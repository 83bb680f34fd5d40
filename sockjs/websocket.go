package sockjs

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// closeGrace is how long a websocket session waits for the client's close
// frame after sending its own before it drops the connection.
const closeGrace = 2 * time.Second

var (
	openFrame      = []byte("o")
	heartbeatFrame = []byte("h")
)

// serveWebsocket upgrades r to a websocket session: SockJS-framed on
// {prefix}/{server}/{session}/websocket, plain on {prefix}/websocket.
func (srv *Server) serveWebsocket(w http.ResponseWriter, r *http.Request, raw bool) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, "GET")
		return
	}
	if !headerHasToken(r.Header, "Upgrade", "websocket") {
		http.Error(w, `Can "Upgrade" only to "WebSocket".`, http.StatusBadRequest)
		return
	}
	if !headerHasToken(r.Header, "Connection", "upgrade") {
		http.Error(w, `"Connection" must be "Upgrade".`, http.StatusBadRequest)
		return
	}
	if !srv.originAllowed(r) {
		http.Error(w, "Origin not allowed", http.StatusForbidden)
		return
	}
	transport := TransportWebsocket
	if raw {
		transport = TransportRawWebsocket
	}
	s := srv.newSession(r, transport)
	if s == nil {
		http.Error(w, "Server shutting down", http.StatusServiceUnavailable)
		return
	}
	ws, err := srv.upgrader.Upgrade(w, r, nil)
	if err != nil {
		srv.forget(s) // the upgrader has answered the client
		srv.running.Done()
		return
	}
	// Read on a fresh goroutine (counted in newSession) and let net/http's
	// connection goroutine, with its deeper stack, end: an idle session then
	// costs one small stack.
	go s.serveConn(ws)
}

// serveConn runs OnOpen and, once the session is open, leaves the reading
// to waitFrames on a fresh goroutine: the stack that ran OnOpen is dropped.
func (s *Session) serveConn(ws *websocket.Conn) {
	defer s.srv.running.Done()
	if !s.openWebsocket(ws) {
		return
	}
	s.srv.running.Add()
	go s.waitFrames()
}

// openWebsocket runs OnOpen and answers the client: the open frame, or the
// rejection. It reports whether the session opened.
func (s *Session) openWebsocket(ws *websocket.Conn) bool {
	if rej := s.open(); rej != nil {
		deadline := time.Now().Add(s.srv.opts.WriteTimeout)
		_ = ws.SetWriteDeadline(deadline)
		if !s.raw {
			_ = ws.WriteMessage(websocket.TextMessage, appendCloseFrame(nil, rej.Code, rej.Reason))
		}
		_ = ws.WriteControl(websocket.CloseMessage,
			closeMessage(rej.Code, rej.Reason), deadline)
		_ = ws.Close()
		s.srv.forget(s)
		return false
	}
	if !s.raw {
		_ = ws.SetWriteDeadline(time.Now().Add(s.srv.opts.WriteTimeout))
		if err := ws.WriteMessage(websocket.TextMessage, openFrame); err != nil {
			s.endWebsocket(ws)
			return false
		}
	}
	// From here the writer goroutine delivers; what OnOpen sent is queued.
	s.mu.Lock()
	s.ws = ws
	if s.srv.opts.DirectWrites {
		s.direct = newDirectWriter(ws.NetConn())
		s.clearDeadline(ws) // the open frame's
	}
	if len(s.queue) > 0 || s.closed {
		s.notifyLocked()
	}
	s.mu.Unlock()
	return true
}

// waitFrames is the reader of an idle websocket session: it waits for the
// client's next bytes in one plain Read, on a goroutine of its own whose
// stack stays at Go's smallest (the wait is about 0.6 KB deep and nothing
// deeper ran on it), holding no read buffer. An idle session costs this
// goroutine and nothing else that reads. See wsframes.go.
func (s *Session) waitFrames() {
	defer s.srv.running.Done()
	conn := s.ws.NetConn()
	if s.srv.opts.PeerTimeout > 0 && !s.isClosed() { // once closed, closeGrace rules
		_ = conn.SetReadDeadline(time.Now().Add(s.srv.opts.PeerTimeout))
	}
	n, err := conn.Read(s.first[:])
	s.readFrames(conn, n, err)
}

// readFrames reads frames, the first n bytes of them in s.first, until the
// client has nothing more buffered at a message boundary; then it hands the
// wait to a fresh waitFrames and returns. It ends the session when the
// connection ends or must end. It is the only reader of the connection.
func (s *Session) readFrames(conn net.Conn, n int, err error) {
	if err != nil {
		s.readFailed(err)
		s.endWebsocket(s.ws)
		return
	}
	f := wsFrames{src: conn, buf: s.srv.readBufs.Get().(*wsReadBuf)}
	f.w = copy(f.buf[:], s.first[:n])
	msg := s.srv.getBuffer()
	open := s.readBurst(conn, &f, msg)
	s.srv.putBuffer(msg)
	s.srv.readBufs.Put(f.buf)
	if !open {
		s.endWebsocket(s.ws)
		return
	}
	s.srv.running.Add()
	go s.waitFrames()
}

// readBurst reads frames while the client has sent more than it has been
// read of, or is in the middle of a message. It reports whether to read on.
func (s *Session) readBurst(conn net.Conn, f *wsFrames, msg *bytes.Buffer) bool {
	// A SockJS frame may carry many messages; each is bounded once decoded.
	limit := s.srv.opts.MaxFrameSize
	if s.raw {
		limit = s.srv.opts.MaxMessageSize
	}
	tooBig := false
	for {
		if !f.inMessage && !f.buffered() {
			return true
		}
		if s.srv.opts.PeerTimeout > 0 && !s.isClosed() {
			_ = conn.SetReadDeadline(time.Now().Add(s.srv.opts.PeerTimeout))
		}
		fr, err := f.next(msg, limit+1)
		if err != nil {
			var pe wsProtocolError
			if errors.As(err, &pe) {
				_ = s.writeControl(s.ws, websocket.CloseMessage,
					closeMessage(websocket.CloseProtocolError, string(pe)), time.Now().Add(time.Second))
			}
			s.readFailed(err)
			return false
		}
		switch fr.op {
		case wsOpPing:
			// Failures to answer show on the next read or write.
			_ = s.writeControl(s.ws, websocket.PongMessage, fr.payload, time.Now().Add(time.Second))
			continue
		case wsOpPong:
			s.heardFromPeer()
			continue
		case wsOpClose:
			s.readClose(fr.payload)
			return false
		}
		if msg.Len() > limit && !tooBig {
			// Read (and drop) on until the close handshake ends the
			// connection, so the close frame reaches the client.
			tooBig = true
			s.closeWith(CloseMessageTooBig, CloseReason(CloseMessageTooBig), false)
		}
		if !fr.fin {
			continue
		}
		ok := tooBig || s.readMessage(msg.Bytes())
		tooBig = false
		msg.Reset()
		if !ok {
			return false
		}
	}
}

// readClose answers the client's close frame as RFC 6455 asks, with its
// code, and records the code and reason it closed with.
func (s *Session) readClose(payload []byte) {
	code, reason, err := wsParseClose(payload)
	if err != nil {
		var pe wsProtocolError
		errors.As(err, &pe)
		_ = s.writeControl(s.ws, websocket.CloseMessage,
			closeMessage(websocket.CloseProtocolError, string(pe)), time.Now().Add(time.Second))
		return
	}
	var echo []byte
	if code != websocket.CloseNoStatusReceived {
		echo = websocket.FormatCloseMessage(code, "")
	}
	_ = s.writeControl(s.ws, websocket.CloseMessage, echo, time.Now().Add(time.Second))
	if code == websocket.CloseNoStatusReceived {
		// Browsers close without a code; 1005 is never a status.
		code, reason = CloseNormal, CloseReason(CloseNormal)
	}
	s.mu.Lock()
	s.closeLocked(code, reason, closeFrameGone)
	s.mu.Unlock()
}

// readFailed records why reading ended when the peer went silent; any other
// failure leaves the session to endWebsocket (CloseInterrupted).
func (s *Session) readFailed(err error) {
	if isTimeout(err) {
		s.peerTimedOut()
	}
}

// readMessage dispatches what one whole websocket message holds. It reports
// whether to read on.
func (s *Session) readMessage(data []byte) bool {
	if s.raw {
		s.dispatch([]string{string(data)})
		return true
	}
	msgs, err := decodeMessages(data)
	switch {
	case errors.Is(err, errPayloadExpected):
		// The protocol says empty frames are ignored.
	case err != nil:
		// Broken framing ends the connection at once, as in sockjs-node: a
		// WebSocket close frame, no SockJS "c" frame.
		s.mu.Lock()
		s.closeLocked(CloseBadRequest, "Broken JSON encoding", closeFrameGone)
		s.mu.Unlock()
		_ = s.writeControl(s.ws, websocket.CloseMessage,
			closeMessage(CloseBadRequest, "Broken JSON encoding"),
			time.Now().Add(s.srv.opts.WriteTimeout))
		return false
	case !s.srv.messagesFit(msgs):
		s.closeWith(CloseMessageTooBig, CloseReason(CloseMessageTooBig), false)
	default:
		s.dispatch(msgs)
	}
	return true
}

// heardFromPeer is called for every pong: it moves the read deadline on.
func (s *Session) heardFromPeer() {
	if s.srv.opts.PeerTimeout <= 0 || s.isClosed() { // once closed, closeGrace rules
		return
	}
	_ = s.ws.SetReadDeadline(time.Now().Add(s.srv.opts.PeerTimeout))
}

// peerTimedOut closes a session whose peer sent nothing, not even a pong,
// for PeerTimeout: its queue is dropped and the connection ended after one
// short try at a close frame.
func (s *Session) peerTimedOut() {
	s.srv.log.Debug("sockjs: websocket peer silent; closing session",
		slog.String("transport", s.transport), slog.String("session", s.id),
		slog.Duration("peer_timeout", s.srv.opts.PeerTimeout))
	s.closeWith(ClosePeerTimeout, CloseReason(ClosePeerTimeout), true)
	// The reader ends the connection next: try the close frame before that.
	s.abortWebsocket(ClosePeerTimeout, CloseReason(ClosePeerTimeout))
}

// isTimeout reports whether err is a deadline's expiry.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// endWebsocket closes the connection and runs OnClose. A session that was not
// closed by the server ended from the network side.
func (s *Session) endWebsocket(ws *websocket.Conn) {
	s.mu.Lock()
	// Nobody is there to read a close frame, or what is queued.
	s.closeLocked(CloseInterrupted, CloseReason(CloseInterrupted), closeDropQueue|closeFrameGone)
	// Wake an idle writer so that it sees the end and exits.
	select {
	case s.wake <- struct{}{}:
	default:
	}
	s.mu.Unlock()
	_ = ws.Close()
	s.finish()
}

// abortWebsocket ends a session whose client does not read: one short try at
// a close frame, then the connection is dropped, which also unblocks a writer
// stuck on the network.
func (s *Session) abortWebsocket(code int, reason string) {
	s.mu.Lock()
	ws := s.ws
	// A frame a direct write left unfinished cannot be followed by a
	// close frame: the client would read it as that frame's rest.
	clean := s.rest == nil
	s.mu.Unlock()
	if ws == nil {
		return // still opening: readLoop delivers the close after OnOpen
	}
	if clean {
		// Not under the wire, which a writer stuck on the network holds:
		// gorilla/websocket's own lock orders the frame after a frame it
		// is writing (for at most the deadline), and a direct write is
		// one system call, which no other write enters. No direct write
		// starts once the session is closed.
		_ = ws.WriteControl(websocket.CloseMessage,
			closeMessage(code, reason), time.Now().Add(100*time.Millisecond))
	}
	_ = ws.Close()
}

// writeLoop delivers the session's frames. It runs while there is something
// to send and exits after writerIdle with nothing to send, so idle sessions
// hold no writer goroutine.
func (s *Session) writeLoop() {
	defer s.srv.running.Done()
	// s.idle belongs to whichever writer runs: writers never overlap (the
	// writing flag, under s.mu), so it needs no lock of its own. It is armed
	// once per idle period, not per write, and the writer exits when a whole
	// period passed without a write.
	armed, wrote := false, false
	for {
		// The wire first, then what to write: a direct write (wsdirect.go)
		// takes from the queue while it holds the wire, so taking without
		// it could put this delivery behind a later one.
		s.wire.Lock()
		s.mu.Lock()
		ws := s.ws
		o := s.takeLocked()
		if o.empty() && s.rest == nil && s.closed {
			// The close frame went out (or nobody is left to read it):
			// nothing will ever be sent again.
			s.writing = false
			s.wire.Unlock()
			s.mu.Unlock()
			return
		}
		if o.empty() && s.rest == nil {
			s.wire.Unlock()
			if !armed {
				if s.idle == nil {
					s.idle = time.NewTimer(writerIdle)
				} else {
					s.idle.Reset(writerIdle)
				}
				armed, wrote = true, false
			}
			s.mu.Unlock()
			select {
			case <-s.wake:
				continue
			case <-s.idle.C:
				armed = false
				if wrote {
					continue // not idle for a whole period yet
				}
				s.mu.Lock()
				if len(s.queue) == 0 && s.rest == nil && !s.heartbeat && !s.closed {
					s.writing = false
					s.mu.Unlock()
					return
				}
				s.mu.Unlock()
				continue
			}
		}
		wrote = true
		s.mu.Unlock()
		if s.metrics != nil {
			s.metrics.delivered(o.batch, o.queued)
		}
		err := s.flushRest(ws, time.Now().Add(s.srv.opts.WriteTimeout))
		if err == nil && !o.empty() {
			err = s.writeOutbox(ws, o)
		}
		s.clearDeadline(ws)
		s.wire.Unlock()
		s.release(o.batch)
		if err != nil || o.close {
			if err != nil {
				code := writeFailureCode(err)
				s.closeWith(code, CloseReason(code), true)
				_ = ws.Close()
			} else {
				// Wait for the client's close frame, but not forever.
				_ = ws.SetReadDeadline(time.Now().Add(closeGrace))
			}
			s.mu.Lock()
			s.writing = false
			s.mu.Unlock()
			return
		}
	}
}

// writeOutbox writes one delivery: the messages taken from the queue
// (coalesced into one SockJS frame), a heartbeat, or the close frame; then
// the ping of a heartbeat that fell due while messages were queued.
func (s *Session) writeOutbox(ws *websocket.Conn, o outbox) error {
	deadline := time.Now().Add(s.srv.opts.WriteTimeout)
	if err := ws.SetWriteDeadline(deadline); err != nil {
		return err
	}
	if err := s.writeFrames(ws, o, deadline); err != nil {
		return err
	}
	if o.ping {
		return ws.WriteControl(websocket.PingMessage, nil, deadline)
	}
	return nil
}

// writeFrames writes the frames of one delivery (writeOutbox).
func (s *Session) writeFrames(ws *websocket.Conn, o outbox, deadline time.Time) error {
	switch {
	case s.raw && len(o.batch) > 0:
		for _, m := range o.batch {
			if err := writeRaw(ws, m.raw); err != nil {
				return err
			}
		}
		return nil
	case s.raw && o.close:
		return ws.WriteControl(websocket.CloseMessage,
			closeMessage(o.code, o.reason), deadline)
	case s.raw:
		// No heartbeat frame without SockJS framing: the ping is the heartbeat.
		return ws.WriteControl(websocket.PingMessage, nil, deadline)
	case len(o.batch) == 1 && o.batch[0].sharedFrame():
		// A message written to many sessions (a broadcast) shares one
		// prepared frame.
		return ws.WritePreparedMessage(o.batch[0].websocketFrame())
	case len(o.batch) > 0:
		// At most maxDeliveryBytes (takeLocked): framed in a pooled buffer.
		// So is a message's first delivery alone: most messages go to one
		// session only, and preparing a frame (gorilla builds it by writing
		// to a connection of its own) cost more than framing it here.
		n := 3
		for _, m := range o.batch {
			n += m.queueSize()
		}
		buf := s.srv.getBuffer()
		buf.Grow(n)
		err := ws.WriteMessage(websocket.TextMessage, appendBatchFrame(buf.AvailableBuffer(), o.batch))
		s.srv.putBuffer(buf)
		return err
	case o.close:
		if err := ws.WriteMessage(websocket.TextMessage, appendCloseFrame(nil, o.code, o.reason)); err != nil {
			return err
		}
		return ws.WriteControl(websocket.CloseMessage,
			closeMessage(CloseNormal, ""), deadline)
	case o.heartbeat:
		if err := ws.WriteMessage(websocket.TextMessage, heartbeatFrame); err != nil {
			return err
		}
		// The heartbeat frame keeps proxies from closing an idle connection;
		// the ping, answered by the client's WebSocket stack itself, tells
		// the reader the peer is still there (Options.PeerTimeout).
		return ws.WriteControl(websocket.PingMessage, nil, deadline)
	}
	return nil
}

// writeRaw writes payload as one text message, from the string itself.
func writeRaw(ws *websocket.Conn, payload string) error {
	w, err := ws.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, payload); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}

// appendBatchFrame appends the SockJS array frame a[m1,m2,...].
func appendBatchFrame(dst []byte, batch []*Message) []byte {
	dst = append(dst, 'a', '[')
	for i, m := range batch {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = m.appendTo(dst)
	}
	return append(dst, ']')
}

// getBuffer and putBuffer pool the buffers of reads and coalesced writes.
func (srv *Server) getBuffer() *bytes.Buffer {
	buf := srv.buffers.Get().(*bytes.Buffer)
	buf.Reset()
	return buf
}

func (srv *Server) putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 2*maxDeliveryBytes {
		srv.buffers.Put(buf)
	}
}

// maxCloseReason is the most a websocket close frame carries of a reason:
// a control frame's payload is 125 bytes, two of them the code.
const maxCloseReason = 123

// closeMessage is the payload of a websocket close frame with code (mapped
// by websocketCloseCode) and reason, cut to maxCloseReason bytes at a
// character boundary: gorilla/websocket refuses a longer control frame, and
// the client would see no code at all.
func closeMessage(code int, reason string) []byte {
	if len(reason) > maxCloseReason {
		cut := maxCloseReason
		for cut > 0 && !utf8.RuneStart(reason[cut]) {
			cut--
		}
		reason = reason[:cut]
	}
	return websocket.FormatCloseMessage(websocketCloseCode(code), reason)
}
