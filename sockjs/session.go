package sockjs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// Handler is the application's value for one client. The server makes one
// Handler per session with the factory given to NewServer and calls its hooks:
//
//   - OnOpen once, before anything else. Returning an error rejects the
//     client: it gets a close frame (the code of a *CloseError, else
//     CloseRejected) and no other hook runs.
//   - OnMessage for every message from the client, one at a time and in the
//     client's order, never concurrently with another OnMessage of the same
//     session.
//   - OnClose exactly once, after the last OnMessage, for every session whose
//     OnOpen succeeded, however the session ended.
//
// A panic in a hook closes that session with CloseInternalError and is
// logged; the server keeps running.
type Handler interface {
	OnOpen(s *Session) error
	OnMessage(msg string)
	OnClose()
}

// Errors returned by Session methods.
var (
	// ErrSessionClosed is returned when sending to a closed session.
	ErrSessionClosed = errors.New("sockjs: session closed")
	// ErrSlowConsumer is returned by the send that overflowed the session's
	// queue; the session is then closed with CloseSlowConsumer.
	ErrSlowConsumer = errors.New("sockjs: slow consumer: send queue full")
)

// maxDeliveryBytes bounds the queued messages one delivery takes: one
// SockJS frame (a websocket message, a streaming chunk, a poll's answer)
// carries at most this many bytes of them, or one larger message. The rest
// follow in the next delivery.
const maxDeliveryBytes = 64 << 10

// writerIdle is how long a websocket writer goroutine waits for more to send
// before it exits; an idle session then holds no writer goroutine.
const writerIdle = 5 * time.Second

// Session is one connected client on any transport. All methods may be
// called concurrently from any goroutine.
type Session struct {
	id        string
	transport string
	srv       *Server
	handler   Handler
	req       *RequestInfo
	ctx       context.Context
	cancel    context.CancelFunc
	// Its group of the server's live sessions, and whether it sits out
	// its group's next turn (heartbeat.go); srv.mu guards them.
	beatGroup int
	beatSkip  bool

	// inMu serialises the hooks: OnOpen, every OnMessage, then OnClose.
	inMu    sync.Mutex
	limiter *rate.Limiter     // nil without Options.MessageRate; guarded by inMu
	metrics *transportMetrics // nil without Options.Metrics

	mu        sync.Mutex
	closed    bool // no more sends; the close frame is pending or sent
	closeSent bool // the close frame went to a receiver
	opened    bool // OnOpen succeeded
	finished  bool // OnClose has run (or was scheduled)
	heartbeat bool // a heartbeat frame is due
	isWS      bool // a websocket transport (SockJS or raw)
	raw       bool // no SockJS framing (the raw websocket endpoint)
	writing   bool // a websocket writer goroutine is running
	// (The flags above share one word: an idle session's size counts.)
	closeCode   int        // valid once closed
	closeReason string     // valid once closed
	queue       []*Message // messages not yet handed to the network
	spare       []*Message // the previous queue's storage, reused
	queued      int        // bytes in queue

	// HTTP transports: the attached receiving request, if any, and the
	// timer that ends a session left without one.
	recv  *receiver
	timer *time.Timer

	// Websocket transports.
	ws   *websocket.Conn // set once OnOpen succeeded and "o" was sent
	wake chan struct{}
	// Direct writes (wsdirect.go): direct is the connection's descriptor
	// when Options.DirectWrites is on and it has one (nil again once a
	// close frame, or a failed control frame, went out); wire is held by
	// whoever writes to the connection; rest is what a direct write left
	// of its frames, written before anything else.
	direct  *directWriter
	wire    sync.Mutex
	rest    []byte
	writeFn func()      // s.writeLoop, made once
	idle    *time.Timer // the writer's idle timer, made on first use, kept
	first   [8]byte     // what an idle reader's wait reads (waitFrames)
}

// ID returns the server-assigned identifier of the session, unique within the
// process. (The SockJS session id chosen by the client is never exposed to the
// application, as the protocol requires.)
func (s *Session) ID() string { return s.id }

// Transport returns the name of the transport that opened the session, one
// of the Transport* constants.
func (s *Session) Transport() string { return s.transport }

// Request returns the snapshot of the request that opened the session.
func (s *Session) Request() *RequestInfo { return s.req }

// Context returns a context that is cancelled when the session closes: by
// the time Close returns, or before OnClose runs when the client ended it.
func (s *Session) Context() context.Context { return s.ctx }

// CloseStatus returns the code and reason the session closed with, or 0 and
// "" while it is open. In OnClose it tells why the session ended; a session
// ended from the network side reports CloseInterrupted.
func (s *Session) CloseStatus() (code int, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		return 0, ""
	}
	return s.closeCode, s.closeReason
}

// Send queues msg for the client. It never blocks on the network: it returns
// ErrSessionClosed after the session closed, and ErrSlowConsumer (closing the
// session with CloseSlowConsumer) when the session's queue would go over
// Options.SendQueueBytes. Messages to one session arrive in the order sent.
func (s *Session) Send(msg string) error { return s.SendMessage(NewMessage(msg)) }

// SendJSON encodes v as JSON and sends it as one message.
func (s *Session) SendJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sockjs: encode message: %w", err)
	}
	return s.Send(string(b))
}

// SendMessage queues a pre-encoded message, as Send does. Sending one Message
// to many sessions encodes it once and allocates nothing per session.
//
// With Options.DirectWrites, a websocket session's frame is written by
// SendMessage itself when nothing else is being written to the connection
// and its socket takes the frame at once (a non-blocking write); it still
// never waits for the network.
func (s *Session) SendMessage(m *Message) error { return s.send(m, true) }

// send queues m; with direct, it writes it directly when it can
// (wsdirect.go). Fan-outs (Broadcast, a Hub's deliveries) never write
// directly: the sessions' writer goroutines spread them over the CPUs.
func (s *Session) send(m *Message, direct bool) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrSessionClosed
	}
	if s.queued+m.queueSize() > s.srv.opts.SendQueueBytes {
		s.mu.Unlock()
		s.closeWith(CloseSlowConsumer, CloseReason(CloseSlowConsumer), true)
		return ErrSlowConsumer
	}
	s.queue = append(s.queue, m)
	s.queued += m.queueSize()
	if direct && s.tryWireLocked() {
		ws, o := s.ws, s.takeLocked()
		s.mu.Unlock()
		s.writeDirect(ws, o)
		return nil
	}
	s.notifyLocked()
	s.mu.Unlock()
	return nil
}

// Close closes the session with a close code and reason, after the messages
// already queued. Code 0 means CloseNormal; an empty reason means the table's
// reason for the code. Closing a closed session returns ErrSessionClosed.
// The SockJS close frame carries the reason whole; a websocket close frame
// (on the raw endpoint, the only place the code travels) holds 123 bytes of
// it, cut at a character boundary.
func (s *Session) Close(code int, reason string) error {
	if code == 0 {
		code = CloseNormal
	}
	if reason == "" {
		reason = CloseReason(code)
	}
	if !s.closeWith(code, reason, false) {
		return ErrSessionClosed
	}
	return nil
}

// closeFlags say what else closing a session does to its state.
type closeFlags uint8

const (
	// closeDropQueue discards the messages not yet delivered.
	closeDropQueue closeFlags = 1 << iota
	// closeFrameGone marks the close frame as sent: nobody will read one
	// (the peer is gone), or the peer was told otherwise (a WebSocket close
	// frame of its own).
	closeFrameGone
)

// closeLocked is the session's one transition from open to closed: every
// way a session closes goes through it, and it is the only writer of closed,
// closeCode and closeReason. It reports whether this call closed the session
// (false: it was closed already, and nothing changed). s.mu must be held.
func (s *Session) closeLocked(code int, reason string, flags closeFlags) bool {
	if s.closed {
		return false
	}
	s.closed = true
	s.closeCode, s.closeReason = code, reason
	if flags&closeFrameGone != 0 {
		s.closeSent = true
	}
	if flags&closeDropQueue != 0 {
		clear(s.queue)
		s.queue = s.queue[:0]
		s.queued = 0
	}
	if s.srv.metrics != nil {
		s.srv.metrics.forcedClose(code)
	}
	return true
}

// closeWith closes the session and has its close frame sent; with
// dropQueue the queued messages are discarded first. It reports whether this
// call closed the session.
func (s *Session) closeWith(code int, reason string, dropQueue bool) bool {
	var flags closeFlags
	if dropQueue {
		flags = closeDropQueue
	}
	s.mu.Lock()
	if !s.closeLocked(code, reason, flags) {
		s.mu.Unlock()
		return false
	}
	// The goroutines started below are counted while s.mu is held: a
	// Shutdown that finds the session already closed must still wait for
	// them (and for OnClose).
	if s.isWS {
		s.notifyLocked()
		if dropQueue {
			s.srv.running.Add()
		}
		s.mu.Unlock()
		// The session is closed now, though the connection may take up to
		// closeGrace to end.
		s.cancel()
		if dropQueue {
			// The client is not reading: do not wait behind its stalled
			// writes, end the connection now.
			go func() {
				defer s.srv.running.Done()
				s.abortWebsocket(code, reason)
			}()
		}
		return true
	}
	// HTTP transports: wake the receiver, if any, to deliver the close
	// frame; the hooks end now.
	s.notifyLocked()
	if s.recv == nil {
		s.armTimerLocked()
	}
	s.srv.running.Add()
	s.mu.Unlock()
	s.cancel()
	go func() {
		defer s.srv.running.Done()
		s.finish()
	}()
	return true
}

// notifyLocked tells whoever delivers the session's frames that there is
// something to deliver. s.mu must be held.
func (s *Session) notifyLocked() {
	if s.isWS {
		if s.ws == nil {
			return // readLoop notifies once OnOpen is done and "o" is sent
		}
		if !s.writing {
			s.writing = true
			s.srv.running.Add()
			go s.writeFn()
			return
		}
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// queueHeartbeat makes the next delivery carry a heartbeat frame when nothing
// else is due; on websocket, with a ping.
func (s *Session) queueHeartbeat() {
	s.mu.Lock()
	// Raw websocket sessions get no heartbeat frame, but their ping.
	if !s.closed && (s.ws != nil || s.recv != nil) {
		s.heartbeat = true
		s.notifyLocked()
	}
	s.mu.Unlock()
}

// outbox is what one delivery takes from a session.
type outbox struct {
	batch     []*Message
	heartbeat bool
	// ping: a heartbeat fell due while messages were queued. The batch
	// replaces its frame, but a websocket still sends its ping, or a peer
	// that only listens to a busy session would never be asked for a pong
	// and would be closed by Options.PeerTimeout.
	ping   bool
	queued int  // bytes the queue held when batch was taken
	close  bool // send the close frame (code, reason) after batch
	code   int
	reason string
}

func (o *outbox) empty() bool { return len(o.batch) == 0 && !o.heartbeat && !o.close }

// takeLocked moves what is due from the session into an outbox: the queued
// messages, else the close frame (once), else a heartbeat. s.mu must be held.
func (s *Session) takeLocked() outbox {
	var o outbox
	switch {
	case len(s.queue) > 0:
		o.queued = s.queued
		// One delivery carries at most maxDeliveryBytes (or one larger
		// message): its frame is built whole in memory, and a write of it
		// must finish within WriteTimeout.
		k, size := 1, s.queue[0].queueSize()
		for k < len(s.queue) && size+s.queue[k].queueSize() <= maxDeliveryBytes {
			size += s.queue[k].queueSize()
			k++
		}
		o.batch = s.queue[:k]
		rest := s.queue[k:]
		s.queue = append(s.spare[:0], rest...)
		clear(rest) // o.batch's storage becomes the spare: hold nothing else
		s.spare = nil
		s.queued -= size
		o.ping = s.heartbeat
	case s.closed && !s.closeSent:
		s.closeSent = true
		o.close, o.code, o.reason = true, s.closeCode, s.closeReason
	case s.heartbeat:
		o.heartbeat = true
	}
	s.heartbeat = false
	return o
}

// release returns a delivered batch's storage for reuse.
func (s *Session) release(batch []*Message) {
	clear(batch)
	s.mu.Lock()
	if s.spare == nil && cap(batch) <= 1024 {
		s.spare = batch[:0]
	}
	s.mu.Unlock()
}

// dispatch calls OnMessage for each message, in order, while the session
// is open: never before OnOpen accepted it, never after it closed. It holds
// inMu, so calls never overlap.
func (s *Session) dispatch(msgs []string) {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	for _, m := range msgs {
		if !s.isOpen() {
			return
		}
		if s.limiter != nil && !s.limiter.Allow() {
			s.closeWith(CloseRateLimited, CloseReason(CloseRateLimited), false)
			return
		}
		if s.metrics != nil {
			s.metrics.messagesIn.Inc()
			s.metrics.bytesIn.Add(float64(len(m)))
		}
		if !s.safeOnMessage(m) {
			return
		}
	}
}

// isOpen reports whether OnOpen has accepted the session and it has not
// closed since.
func (s *Session) isOpen() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened && !s.closed
}

func (s *Session) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// safeOnMessage runs OnMessage and turns a panic into CloseInternalError.
func (s *Session) safeOnMessage(m string) (ok bool) {
	defer s.recoverHook("OnMessage", &ok)
	s.handler.OnMessage(m)
	return true
}

// open runs OnOpen under inMu and reports the close error that rejects the
// client, if any.
func (s *Session) open() (rejected *CloseError) {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	s.mu.Lock()
	if s.closed {
		// Closed before it opened (Shutdown raced the opening request):
		// the client gets the close frame and no hook runs.
		rejected = &CloseError{Code: s.closeCode, Reason: s.closeReason}
		s.finished = true
		s.mu.Unlock()
		s.cancel()
		return rejected
	}
	s.mu.Unlock()
	ok := false
	func() {
		defer s.recoverHook("OnOpen", &ok)
		if err := s.handler.OnOpen(s); err != nil {
			var ce *CloseError
			if !errors.As(err, &ce) {
				ce = &CloseError{Code: CloseRejected, Reason: err.Error()}
			}
			rejected = ce
			return
		}
		ok = true
	}()
	if rejected == nil && !ok {
		rejected = &CloseError{Code: CloseInternalError, Reason: CloseReason(CloseInternalError)}
	}
	s.mu.Lock()
	if rejected != nil {
		s.closeLocked(rejected.Code, rejected.Reason, 0)
		s.finished = true // OnClose is only for sessions that opened
	} else {
		s.opened = true
		if s.metrics != nil {
			s.metrics.opened.Inc()
			s.metrics.open.Inc()
		}
	}
	s.mu.Unlock()
	if rejected != nil {
		s.cancel()
	}
	return rejected
}

// recoverHook turns a panic in a hook into a logged CloseInternalError.
func (s *Session) recoverHook(hook string, ok *bool) {
	if v := recover(); v != nil {
		*ok = false
		s.srv.log.Error("sockjs: handler panicked; closing session",
			slog.String("hook", hook), slog.String("session", s.id),
			slog.String("transport", s.transport), slog.Any("panic", v),
			slog.String("stack", string(debug.Stack())))
		if hook != "OnOpen" {
			s.closeWith(CloseInternalError, CloseReason(CloseInternalError), false)
		}
	}
}

// finish runs OnClose once, after any OnMessage in progress, and forgets the
// session's subscriptions by cancelling its context.
func (s *Session) finish() {
	s.mu.Lock()
	if s.finished {
		s.mu.Unlock()
		return
	}
	s.finished = true
	s.mu.Unlock()
	s.cancel()
	defer s.srv.closed(s)
	s.inMu.Lock() // after any OnOpen or OnMessage in progress
	defer s.inMu.Unlock()
	s.mu.Lock()
	opened := s.opened
	s.mu.Unlock()
	if !opened {
		return // closed while opening, and OnOpen refused or never ran
	}
	if s.metrics != nil {
		code, _ := s.CloseStatus()
		s.metrics.sessionClosed(code)
	}
	defer func() {
		if v := recover(); v != nil {
			s.srv.log.Error("sockjs: handler panicked", slog.String("hook", "OnClose"),
				slog.String("session", s.id), slog.Any("panic", v),
				slog.String("stack", string(debug.Stack())))
		}
	}()
	s.handler.OnClose()
}
