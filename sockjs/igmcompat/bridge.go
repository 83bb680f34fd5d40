package igmcompat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	igm "github.com/igm/sockjs-go/v3/sockjs"

	"github.com/trelljaz/trelljaz/sockjs"
)

// bridge is one session's sockjs.Handler. It pairs the session with an igm
// session of the in-memory igm handler: an xhr_streaming request (never on
// the network) carries what the igm session sends to s, and every message
// from the client is posted to it as xhr_send.
type bridge struct {
	h *Handler
	s *sockjs.Session

	once   sync.Once
	opened chan struct{} // closed when igm sent its open frame

	mu sync.Mutex
	is igm.Session // valid once the handler function started
	ok bool        // is is set
}

// OnOpen opens the igm half and waits until igm has registered it, so that
// no message can arrive before it.
func (b *bridge) OnOpen(s *sockjs.Session) error {
	b.s = s
	b.opened = make(chan struct{})
	b.h.mu.Lock()
	b.h.bridges[s.ID()] = b
	b.h.mu.Unlock()
	// One for the stream goroutine, one for the handler function igm
	// starts once the stream is attached.
	b.h.open.Add(2)
	go b.stream()
	select {
	case <-b.opened:
		return nil
	case <-s.Context().Done():
		b.h.mu.Lock()
		_, notStarted := b.h.bridges[s.ID()]
		delete(b.h.bridges, s.ID())
		b.h.mu.Unlock()
		if notStarted {
			b.h.open.Done() // igm never started the handler function
		}
		return fmt.Errorf("igmcompat: session closed while opening")
	}
}

// started records the igm session once igm runs the handler function.
func (b *bridge) started(is igm.Session) {
	b.mu.Lock()
	b.is, b.ok = is, true
	b.mu.Unlock()
}

// igmActive reports whether the igm half is still open.
func (b *bridge) igmActive() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.ok || b.is.GetSessionState() == igm.SessionActive
}

// stream keeps one xhr_streaming request attached to the igm session while
// both halves are open. Its context is the session's: when the session
// closes, igm sees the request interrupted and closes its half, which ends
// Recv and cancels the igm session's Context. igm ends a request after
// math.MaxUint32 bytes; then the next one takes over, and igm keeps what is
// sent in between.
func (b *bridge) stream() {
	defer b.h.open.Done()
	ctx := b.s.Context()
	for ctx.Err() == nil {
		b.h.igm.ServeHTTP(&frameSink{b: b}, b.request(ctx))
		if ctx.Err() == nil && !b.igmActive() {
			// Closed on igm's side without a close frame (cannot happen
			// while a stream is attached, but never leave s open alone).
			_ = b.s.Close(sockjs.CloseInternalError, "igm session ended")
			return
		}
	}
}

// request builds the xhr_streaming request for the in-memory igm handler
// from the one that opened the session: igm's Session.Request returns it.
func (b *bridge) request(ctx context.Context) *http.Request {
	ri := b.s.Request()
	header := ri.Header.Clone()
	if header == nil {
		header = make(http.Header)
	}
	r := &http.Request{
		Method:     http.MethodPost,
		URL:        &url.URL{Path: "/0/" + b.s.ID() + "/xhr_streaming", RawQuery: ri.RawQuery},
		RequestURI: (&url.URL{Path: ri.Path, RawQuery: ri.RawQuery}).RequestURI(),
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:     header,
		Body:       http.NoBody,
		Host:       ri.Host,
		RemoteAddr: netip.AddrPortFrom(ri.RemoteIP, 0).String(),
	}
	return r.WithContext(ctx)
}

// OnMessage hands msg to igm as one xhr_send. It returns when the handler
// function has Recv'd it, or when the igm half closed.
func (b *bridge) OnMessage(msg string) {
	body, err := json.Marshal([]string{msg})
	if err != nil {
		return // a string always encodes
	}
	w := &sendResult{header: make(http.Header)}
	// igm keeps no xhr_send request, so a bare one does.
	r := &http.Request{
		Method: http.MethodPost,
		URL:    &url.URL{Path: "/0/" + b.s.ID() + "/xhr_send"},
		Header: make(http.Header),
		Body:   io.NopCloser(bytes.NewReader(body)),
	}
	b.h.igm.ServeHTTP(w, r.WithContext(b.s.Context()))
	if w.code != http.StatusNoContent && b.igmActive() {
		b.h.log.Warn("igmcompat: igm refused a message",
			slog.String("session", b.s.ID()), slog.Int("status", w.code),
			slog.String("body", strings.TrimSpace(w.body.String())))
	}
}

// sendResult is the ResponseWriter of one in-memory xhr_send.
type sendResult struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (w *sendResult) Header() http.Header { return w.header }

func (w *sendResult) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *sendResult) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.body.Len() < 512 { // enough for a log line
		w.body.Write(p[:min(len(p), 512)])
	}
	return len(p), nil
}

// OnClose has nothing left to do: the session's context, cancelled by now,
// ends the stream, and igm closes its half.
func (b *bridge) OnClose() {}

// frameSink is the ResponseWriter of one in-memory xhr_streaming request:
// it reads igm's frames ("o", "h", a[...], c[...], one per line) and acts
// on the session.
type frameSink struct {
	b       *bridge
	header  http.Header
	partial []byte
}

// Header implements http.ResponseWriter.
func (f *frameSink) Header() http.Header {
	if f.header == nil {
		f.header = make(http.Header)
	}
	return f.header
}

// WriteHeader implements http.ResponseWriter.
func (f *frameSink) WriteHeader(int) {}

// Flush implements http.Flusher, which igm's streaming requires.
func (f *frameSink) Flush() {}

// Write implements http.ResponseWriter. igm writes under its session's
// lock, so frames arrive one at a time and in order. An error (the
// session's queue is full, or it closed) is returned to igm's Send.
func (f *frameSink) Write(p []byte) (int, error) {
	f.partial = append(f.partial, p...)
	for {
		i := bytes.IndexByte(f.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := f.partial[:i]
		f.partial = f.partial[i+1:]
		if err := f.b.frame(line); err != nil {
			return 0, err
		}
	}
}

// frame acts on one SockJS frame from igm.
func (b *bridge) frame(frame []byte) error {
	switch {
	case len(frame) == 0:
		return nil
	case frame[0] == 'o':
		b.once.Do(func() { close(b.opened) })
		return nil
	case frame[0] == 'h': // heartbeat, or the xhr_streaming prelude
		return nil
	case frame[0] == 'a':
		var msgs []string
		if err := json.Unmarshal(frame[1:], &msgs); err != nil {
			return fmt.Errorf("igmcompat: igm message frame: %w", err)
		}
		for _, m := range msgs {
			if err := b.s.Send(m); err != nil {
				return fmt.Errorf("igmcompat: send: %w", err)
			}
		}
		return nil
	case frame[0] == 'c':
		var c struct {
			code   int
			reason string
		}
		if err := json.Unmarshal(frame[1:], &[]any{&c.code, &c.reason}); err != nil {
			return fmt.Errorf("igmcompat: igm close frame: %w", err)
		}
		_ = b.s.Close(c.code, c.reason) // an already closed session is fine
		return nil
	default:
		return fmt.Errorf("igmcompat: unknown igm frame %q", frame)
	}
}
