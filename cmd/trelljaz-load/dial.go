package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// sockjsPrefix is where the club mounts its SockJS endpoint.
const sockjsPrefix = "/sockjs"

// errClosed reports the server's close frame.
var errClosed = errors.New("closed by the server")

// dialSockJS opens a SockJS session on the club at base over transport:
// websocket, xhr-streaming or xhr-polling (the last two send with xhr_send),
// as sockjs-client in a browser would.
func dialSockJS(ctx context.Context, base, transport string) (link, error) {
	session := fmt.Sprintf("%s%s/%03d/%016x", base, sockjsPrefix, rand.IntN(1000), rand.Uint64())
	var l link
	switch transport {
	case "websocket":
		u, err := url.Parse(session + "/websocket")
		if err != nil {
			return nil, fmt.Errorf("url %q: %w", base, err)
		}
		u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
		c, _, err := stampingDialer.DialContext(ctx, u.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", u, err)
		}
		l = &wsLink{c: c}
	case "xhr-streaming", "xhr-polling":
		recv := "/xhr_streaming"
		if transport == "xhr-polling" {
			recv = "/xhr"
		}
		lctx, cancel := context.WithCancel(ctx)
		l = &xhrLink{ctx: lctx, cancel: cancel, session: session, recv: recv, client: httpClient}
	default:
		return nil, fmt.Errorf("transport %q: unknown", transport)
	}
	if err := expectOpen(l); err != nil {
		l.Close()
		return nil, fmt.Errorf("open %s over %s: %w", session, transport, err)
	}
	return l, nil
}

// stampingDialer is gorilla's default dialer on connections that note
// when their bytes came (stamp.go).
var stampingDialer = func() *websocket.Dialer {
	d := *websocket.DefaultDialer
	d.NetDialContext = dialStamped
	return &d
}()

// httpClient carries the HTTP transports: enough idle connections for
// every session's receiving and sending requests on loopback.
var httpClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1 << 14, IdleConnTimeout: time.Minute}}

// expectOpen reads the "o" frame every session starts with.
func expectOpen(l link) error {
	msgs, err := recv(l)
	switch {
	case err != nil:
		return err
	case msgs != nil:
		return fmt.Errorf("messages before the open frame")
	}
	return nil
}

// frameOf reads one SockJS frame: nil for "o", the JSON array of "a"
// (without the 'a'), errClosed for "c"; heartbeats are skipped by the
// caller (ok false).
func frameOf(f []byte) (payload []byte, ok bool, err error) {
	if len(f) == 0 {
		return nil, false, nil
	}
	switch f[0] {
	case 'o':
		return nil, true, nil
	case 'h':
		return nil, false, nil
	case 'a':
		return f[1:], true, nil
	case 'c':
		return nil, false, fmt.Errorf("%w: %s", errClosed, f[1:])
	}
	return nil, false, fmt.Errorf("frame: unknown type %q", f[0])
}

// recv returns the messages of l's next frame as strings of their own
// (nil for the open frame).
func recv(l link) ([]string, error) {
	f, err := l.RecvFrame()
	if err != nil || f == nil {
		return nil, err
	}
	return decodeFrameMessages(f)
}

// maxKeptFrame is the largest read buffer a websocket link keeps between
// frames: a table event is 1–4 kB, a whole lobby hundreds.
const maxKeptFrame = 16 << 10

// wsLink is a session over the websocket transport. buf is Recv's, reused
// for every frame (its messages are decoded into strings of their own).
type wsLink struct {
	c   *websocket.Conn
	buf bytes.Buffer
}

func (l *wsLink) Send(msg string) error {
	b, err := json.Marshal([]string{msg})
	if err != nil {
		return err
	}
	return l.c.WriteMessage(websocket.TextMessage, b)
}

func (l *wsLink) RecvFrame() ([]byte, error) {
	for {
		_, r, err := l.c.NextReader()
		if err != nil {
			return nil, err
		}
		if l.buf.Cap() > maxKeptFrame {
			l.buf = bytes.Buffer{} // a whole lobby's frame: not kept for the session's life
		}
		l.buf.Reset()
		if _, err := l.buf.ReadFrom(r); err != nil {
			return nil, err
		}
		if f, ok, err := frameOf(l.buf.Bytes()); ok || err != nil {
			return f, err
		}
	}
}

func (l *wsLink) Close() error { return l.c.Close() }

// xhrLink is a session over xhr-streaming or xhr-polling: one receiving
// request at a time (re-opened when the server ends it), sends with
// xhr_send.
type xhrLink struct {
	ctx     context.Context
	session string
	recv    string // "/xhr_streaming" or "/xhr"
	client  *http.Client

	cancel context.CancelFunc // ends the receiving request and any send

	body  io.ReadCloser // of the receiving request; Recv's alone
	lines *bufio.Reader
}

func (l *xhrLink) Send(msg string) error {
	b, err := json.Marshal([]string{msg})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(l.ctx, http.MethodPost, l.session+"/xhr_send", strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain")
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("xhr_send: %s", resp.Status)
	}
	return nil
}

func (l *xhrLink) RecvFrame() ([]byte, error) {
	for {
		if l.lines == nil {
			req, err := http.NewRequestWithContext(l.ctx, http.MethodPost, l.session+l.recv, nil)
			if err != nil {
				return nil, err
			}
			resp, err := l.client.Do(req)
			if err != nil {
				return nil, err
			}
			if resp.StatusCode != http.StatusOK {
				resp.Body.Close()
				return nil, fmt.Errorf("%s: %s", l.recv, resp.Status)
			}
			l.body, l.lines = resp.Body, bufio.NewReaderSize(resp.Body, 64<<10)
		}
		line, err := l.lines.ReadBytes('\n')
		if err != nil {
			// The server ended this receiving request (a poll answered, a
			// stream past its byte limit): open the next one.
			l.body.Close()
			l.body, l.lines = nil, nil
			if errors.Is(err, io.EOF) && len(line) == 0 {
				continue
			}
			if !errors.Is(err, io.EOF) {
				return nil, err
			}
		}
		f := []byte(strings.TrimSuffix(string(line), "\n"))
		if len(f) > 0 && strings.Trim(string(f), "h") == "" && len(f) > 1 {
			continue // the xhr-streaming prelude: 2048 'h'
		}
		if f, ok, err := frameOf(f); ok || err != nil {
			return f, err
		}
	}
}

// Close aborts the session's requests; the server ends the session after
// its disconnect delay, as it does for a browser tab that went away.
func (l *xhrLink) Close() error {
	l.cancel()
	return nil
}
