package sockjstest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Session is one SockJS session from the client's side that returns its
// errors instead of failing a test: for a test's own goroutines (a reader
// that runs for the whole test) and for programs that are not tests, such
// as a load generator. Client is a Session that fails its test.
//
// Read is called from one goroutine at a time, and Send from one
// goroutine at a time; a Read and a Send may run at the same time. Close
// may be called from any goroutine at any time: it ends a Read or a Send
// under way.
type Session struct {
	opts      Options
	transport string
	url       string // {endpoint}/000/{id}

	// ctx ends with Close; every request of the session is made in it.
	ctx    context.Context
	cancel context.CancelFunc

	ws *websocket.Conn // Websocket

	hc *http.Client // XHRStreaming, XHRPolling

	// XHRStreaming, Read's goroutine only: the response being read, the
	// cancel of its request, and the lines its reader goroutine read
	// (readStream). A Read that times out leaves the stream to its
	// reader: a line arriving meanwhile waits for the next Read, whole.
	body        io.ReadCloser
	endStream   context.CancelFunc
	streamLines <-chan streamLine

	polled []string // XHRPolling: frames of the last poll not read yet

	pending []string    // messages of the last frame not read yet
	closed  *CloseError // the close frame, once read
}

var sessionIDs atomic.Int64

// Open opens a session of the SockJS endpoint at endpoint (like
// http://127.0.0.1:8080/chat) and reads its open frame, within
// Options.Timeout. The caller closes the session. A session the server
// refuses (a close frame instead of the open frame) is an error wrapping
// the *CloseError.
func Open(endpoint string, opts *Options) (*Session, error) {
	s := &Session{}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.Timeout <= 0 {
		s.opts.Timeout = defaultTimeout
	}
	if s.opts.Transport == "" {
		s.opts.Transport = Websocket
	}
	id := s.opts.SessionID
	if id == "" {
		id = "t" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(sessionIDs.Add(1), 10)
	}
	s.transport = s.opts.Transport
	s.url = strings.TrimSuffix(endpoint, "/") + "/000/" + id
	s.ctx, s.cancel = context.WithCancel(context.Background())
	var err error
	switch s.transport {
	case Websocket:
		err = s.dialWebsocket()
	case XHRStreaming:
		s.hc = &http.Client{Transport: &http.Transport{}}
		err = s.openStream()
	case XHRPolling:
		// The first poll opens the session.
		s.hc = &http.Client{Transport: &http.Transport{}}
	default:
		err = fmt.Errorf("sockjstest: unknown transport %q", s.transport)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	frame, err := s.frame(s.opts.Timeout)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sockjstest: open %s: %w", s.url, err)
	}
	if strings.HasPrefix(frame, "c") && s.take(frame) == nil {
		s.Close()
		return nil, fmt.Errorf("sockjstest: open %s: refused: %w", s.url, s.closed)
	}
	if frame != "o" {
		s.Close()
		return nil, fmt.Errorf("sockjstest: open %s: first frame %q, want o", s.url, frame)
	}
	return s, nil
}

// defaultTimeout is Options.Timeout's default.
const defaultTimeout = 10 * time.Second

func (s *Session) dialWebsocket() error {
	url := "ws" + strings.TrimPrefix(s.url, "http") + "/websocket"
	d := websocket.Dialer{HandshakeTimeout: s.opts.Timeout}
	ws, resp, err := d.DialContext(s.ctx, url, s.opts.Header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return fmt.Errorf("sockjstest: dial %s: %w (HTTP status %d)", url, err, status)
	}
	s.ws = ws
	return nil
}

// openStream makes the xhr_streaming request and reads its prelude, within
// Options.Timeout.
func (s *Session) openStream() error {
	ctx, cancel := context.WithCancel(s.ctx)
	timer := time.AfterFunc(s.opts.Timeout, cancel)
	defer timer.Stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/xhr_streaming", nil)
	if err != nil {
		cancel()
		return fmt.Errorf("sockjstest: %w", err)
	}
	s.header(req)
	resp, err := s.hc.Do(req)
	if err != nil {
		cancel()
		return fmt.Errorf("sockjstest: open %s: %w", s.url, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return fmt.Errorf("sockjstest: open %s: HTTP status %d", s.url, resp.StatusCode)
	}
	s.body, s.endStream = resp.Body, cancel
	lines := bufio.NewReader(resp.Body)
	// The 2 KiB prelude of 'h's and a newline.
	for {
		line, err := lines.ReadString('\n')
		if err != nil {
			s.dropStream()
			return fmt.Errorf("sockjstest: open %s: prelude: %w", s.url, err)
		}
		if strings.Trim(strings.TrimSuffix(line, "\n"), "h") == "" {
			break
		}
	}
	ch := make(chan streamLine)
	s.streamLines = ch
	go readStream(ctx, lines, ch)
	return nil
}

// streamLine is one line of an xhr_streaming response (a frame, without
// its newline), or the error that ended the response.
type streamLine struct {
	line string
	err  error
}

// readStream reads the lines of one xhr_streaming response into out until
// the response ends (its error is the last thing sent) or ctx, the
// request's, does.
func readStream(ctx context.Context, lines *bufio.Reader, out chan<- streamLine) {
	for {
		line, err := lines.ReadString('\n')
		var l streamLine
		if err == nil {
			l.line = strings.TrimSuffix(line, "\n")
		} else {
			l.err = err
		}
		select {
		case out <- l:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// dropStream ends the xhr_streaming response being read, and its reader.
func (s *Session) dropStream() {
	if s.body == nil {
		return
	}
	s.endStream()
	_ = s.body.Close()
	s.body, s.endStream, s.streamLines = nil, nil, nil
}

func (s *Session) header(req *http.Request) {
	for k, vv := range s.opts.Header {
		req.Header[k] = append([]string(nil), vv...)
	}
}

// Conn returns the websocket of a Websocket session, for a caller that
// reads or writes frames itself (nil on the xhr transports).
func (s *Session) Conn() *websocket.Conn { return s.ws }

// Send sends msgs in one SockJS frame (one xhr_send body); an xhr_send
// answered with an HTTP status other than 204 is an error.
func (s *Session) Send(msgs ...string) error {
	frame, err := json.Marshal(msgs)
	if err != nil {
		return fmt.Errorf("sockjstest: encode frame: %w", err)
	}
	if s.ws != nil {
		_ = s.ws.SetWriteDeadline(time.Now().Add(s.opts.Timeout))
		if err := s.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			return fmt.Errorf("sockjstest: send: %w", err)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/xhr_send", bytes.NewReader(frame))
	if err != nil {
		return fmt.Errorf("sockjstest: send: %w", err)
	}
	s.header(req)
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	resp, err := s.hc.Do(req)
	if err != nil {
		return fmt.Errorf("sockjstest: send: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return fmt.Errorf("sockjstest: xhr_send: %w", err)
	}
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("sockjstest: xhr_send: HTTP status %d: %q", resp.StatusCode, body)
	}
	return nil
}

// Read returns the next message from the server, skipping heartbeats,
// within Options.Timeout unless Options.NoReadTimeout. When the session
// has closed it returns a *CloseError with the close frame's code and
// reason (every time it is called again); on a network error, a bad frame
// or a timeout, that error. On xhr-streaming a timeout wraps
// os.ErrDeadlineExceeded and loses nothing: the session can be read again,
// and a frame arriving as the timeout ran out is the next Read's (a
// websocket's read timeout, as gorilla/websocket's, ends the session).
func (s *Session) Read() (string, error) {
	timeout := s.opts.Timeout
	if s.opts.NoReadTimeout {
		timeout = 0
	}
	for len(s.pending) == 0 {
		if s.closed != nil {
			return "", s.closed
		}
		frame, err := s.frame(timeout)
		if err != nil {
			return "", err
		}
		if err := s.take(frame); err != nil {
			return "", err
		}
	}
	msg := s.pending[0]
	s.pending = s.pending[1:]
	return msg, nil
}

// take files one SockJS frame.
func (s *Session) take(frame string) error {
	switch {
	case frame == "h":
	case strings.HasPrefix(frame, "a"):
		var msgs []string
		if err := json.Unmarshal([]byte(frame[1:]), &msgs); err != nil {
			return fmt.Errorf("sockjstest: bad message frame %.80q: %w", frame, err)
		}
		s.pending = append(s.pending, msgs...)
	case strings.HasPrefix(frame, "c"):
		var cf []any
		if err := json.Unmarshal([]byte(frame[1:]), &cf); err != nil || len(cf) != 2 {
			return fmt.Errorf("sockjstest: bad close frame %q", frame)
		}
		code, _ := cf[0].(float64)
		reason, _ := cf[1].(string)
		s.closed = &CloseError{Code: int(code), Reason: reason}
	default:
		return fmt.Errorf("sockjstest: unexpected frame %.80q", frame)
	}
	return nil
}

// frame reads one SockJS frame within timeout (0: no bound).
func (s *Session) frame(timeout time.Duration) (string, error) {
	switch s.transport {
	case Websocket:
		var deadline time.Time
		if timeout > 0 {
			deadline = time.Now().Add(timeout)
		}
		_ = s.ws.SetReadDeadline(deadline)
		_, b, err := s.ws.ReadMessage()
		if err != nil {
			return "", fmt.Errorf("sockjstest: read: %w", err)
		}
		return string(b), nil
	case XHRPolling:
		return s.poll(timeout)
	default:
		return s.streamed(timeout)
	}
}

// streamed reads the next frame of xhr-streaming within timeout (0: no
// bound). When the server ends a response (after its ResponseLimit of
// bytes), it opens the next one on the same session, as sockjs-client
// does. A timeout leaves the response open and its reader reading: the
// next Read gets what arrived meanwhile, a frame that was half-way in
// included.
func (s *Session) streamed(timeout time.Duration) (string, error) {
	var expired <-chan time.Time
	if timeout > 0 {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		expired = timer.C
	}
	for {
		if s.body == nil {
			if err := s.openStream(); err != nil {
				return "", err
			}
		}
		select {
		case l := <-s.streamLines:
			if l.err == nil {
				return l.line, nil
			}
			s.dropStream()
			if !errors.Is(l.err, io.EOF) || s.ctx.Err() != nil {
				return "", fmt.Errorf("sockjstest: read: %w", l.err)
			}
		case <-expired:
			return "", fmt.Errorf("sockjstest: read: no frame within %v: %w", timeout, os.ErrDeadlineExceeded)
		case <-s.ctx.Done():
			s.dropStream()
			return "", fmt.Errorf("sockjstest: read: %w", s.ctx.Err())
		}
	}
}

// poll returns the next frame of xhr-polling, polling when none is left.
func (s *Session) poll(timeout time.Duration) (string, error) {
	for len(s.polled) == 0 {
		ctx, cancel := s.ctx, context.CancelFunc(func() {})
		if timeout > 0 {
			ctx, cancel = context.WithTimeout(s.ctx, timeout)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/xhr", nil)
		if err != nil {
			cancel()
			return "", fmt.Errorf("sockjstest: poll: %w", err)
		}
		s.header(req)
		resp, err := s.hc.Do(req)
		if err != nil {
			cancel()
			return "", fmt.Errorf("sockjstest: poll: %w", err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxPoll))
		resp.Body.Close()
		cancel()
		if err != nil {
			return "", fmt.Errorf("sockjstest: poll: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("sockjstest: poll: HTTP status %d: %.200q", resp.StatusCode, body)
		}
		for _, line := range strings.Split(string(body), "\n") {
			if line != "" {
				s.polled = append(s.polled, line)
			}
		}
	}
	f := s.polled[0]
	s.polled = s.polled[1:]
	return f, nil
}

// maxPoll bounds the body of one poll the client reads.
const maxPoll = 16 << 20

// Close ends the client's side: the websocket is closed with a close
// frame, the requests under way are aborted. Closing twice is harmless.
func (s *Session) Close() {
	if s.ws != nil {
		_ = s.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		_ = s.ws.Close()
	}
	s.cancel()
	if s.hc != nil {
		s.hc.CloseIdleConnections()
	}
}
