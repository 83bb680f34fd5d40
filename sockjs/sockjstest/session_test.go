package sockjstest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

var transports = []string{sockjstest.Websocket, sockjstest.XHRStreaming, sockjstest.XHRPolling}

// TestSessionReadByItsOwnGoroutine: a Session read by a goroutine of its
// own (no read timeout) gets every message in order while another
// goroutine sends, and Close from the test's goroutine ends that Read.
func TestSessionReadByItsOwnGoroutine(t *testing.T) {
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			s, err := sockjstest.Open(serve(t, sockjs.Options{}), &sockjstest.Options{Transport: transport, NoReadTimeout: true})
			if err != nil {
				t.Fatal(err)
			}
			const n = 20
			got := make(chan string, n)
			ended := make(chan error, 1)
			go func() {
				for {
					m, err := s.Read()
					if err != nil {
						ended <- err
						return
					}
					got <- m
				}
			}()
			for i := range n {
				if err := s.Send(fmt.Sprint("m", i)); err != nil {
					t.Fatal(err)
				}
			}
			for i := range n {
				if m := <-got; m != fmt.Sprint("m", i) {
					t.Fatalf("message %d = %q, want m%d", i, m, i)
				}
			}
			s.Close()
			err = <-ended
			var ce *sockjstest.CloseError
			if err == nil || errors.As(err, &ce) {
				t.Fatalf("Read after Close = %v, want the error of a closed client", err)
			}
			s.Close() // twice is harmless
		})
	}
}

// TestXHRStreamingOpensTheNextResponse: the server ends an xhr_streaming
// response after ResponseLimit bytes; the client opens the next one on the
// same session, and nothing is lost or reordered across the responses.
func TestXHRStreamingOpensTheNextResponse(t *testing.T) {
	c := sockjstest.Dial(t, serve(t, sockjs.Options{ResponseLimit: 4096}), &sockjstest.Options{Transport: sockjstest.XHRStreaming})
	line := strings.Repeat("x", 500)
	const n = 40 // 20 KB: five responses at least
	for i := range n {
		c.Send(fmt.Sprint(i, line))
		if got := c.Next(); got != fmt.Sprint(i, line) {
			t.Fatalf("message %d = %.20q…, want %d%.10s…", i, got, i, line)
		}
	}
}

func TestOpenReportsWhatWentWrong(t *testing.T) {
	url := serve(t, sockjs.Options{})
	for _, tc := range []struct {
		name     string
		endpoint string
		opts     sockjstest.Options
		want     string
	}{
		{"unknown transport", url, sockjstest.Options{Transport: "jsonp"}, `unknown transport "jsonp"`},
		{"no such endpoint, websocket", url + "/nothing-here/x", sockjstest.Options{}, "dial"},
		{"no such endpoint, xhr-streaming", url + "/nothing-here/x", sockjstest.Options{Transport: sockjstest.XHRStreaming}, "HTTP status 404"},
		{"no such endpoint, xhr-polling", url + "/nothing-here/x", sockjstest.Options{Transport: sockjstest.XHRPolling}, "HTTP status 404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sockjstest.Open(tc.endpoint, &tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				if s != nil {
					s.Close()
				}
				t.Fatalf("Open = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// refuser refuses every session with 4403.
type refuser struct{}

func (refuser) OnOpen(*sockjs.Session) error {
	return &sockjs.CloseError{Code: 4403, Reason: "not you"}
}
func (refuser) OnMessage(string) {}
func (refuser) OnClose()         {}

// TestARefusedSessionIsItsCloseFrame: a session the server refuses at once
// is an error of Open that carries the close frame, on every transport.
func TestARefusedSessionIsItsCloseFrame(t *testing.T) {
	srv := sockjs.NewServer("/no", func() sockjs.Handler { return refuser{} }, &sockjs.Options{Logger: slog.New(slog.DiscardHandler)})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		_ = srv.Shutdown(context.Background())
		ts.Close()
	})
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			s, err := sockjstest.Open(ts.URL+"/no", &sockjstest.Options{Transport: transport})
			var ce *sockjstest.CloseError
			if !errors.As(err, &ce) || ce.Code != 4403 || ce.Reason != "not you" {
				if s != nil {
					s.Close()
				}
				t.Fatalf("Open = %v, want refused with 4403 not you", err)
			}
		})
	}
}

// TestStreamedReadKeepsAFrameArrivingAtItsTimeout: on xhr-streaming, a
// Read whose timeout runs out while a frame is half-way in loses nothing:
// the next Read returns that frame whole, from the same response (a
// server that sends only half a frame, waits until the client's Read has
// timed out, then sends the rest; a second xhr_streaming request is
// refused, so a client that dropped the response fails).
func TestStreamedReadKeepsAFrameArrivingAtItsTimeout(t *testing.T) {
	timedOut := make(chan struct{})
	var streams atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/xhr_streaming") || streams.Add(1) > 1 {
			http.Error(w, "one stream only", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/javascript; charset=UTF-8")
		f := w.(http.Flusher)
		fmt.Fprintf(w, "%s\no\na[\"hel", strings.Repeat("h", 2048))
		f.Flush()
		select {
		case <-timedOut:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, "lo\"]\na[\"next\"]\n")
		f.Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	s, err := sockjstest.Open(srv.URL+"/echo", &sockjstest.Options{Transport: sockjstest.XHRStreaming, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m, err := s.Read(); err == nil {
		t.Fatalf("Read = %q, want a timeout (the frame is half sent)", m)
	} else if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Logf("the timeout is not os.ErrDeadlineExceeded: %v", err)
	}
	close(timedOut)
	// The rest of the frame comes on the same response; on a slow machine
	// it may take more than one timeout to arrive, and a timeout loses
	// nothing, so Read is asked again (at most 100 times).
	var got []string
	for range 100 {
		m, err := s.Read()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		if err != nil {
			t.Fatalf("Read after the timeout: %v (got %q so far)", err, got)
		}
		if got = append(got, m); len(got) == 2 {
			break
		}
	}
	if len(got) != 2 || got[0] != "hello" || got[1] != "next" {
		t.Fatalf("messages after the timeout %q, want [hello next]", got)
	}
	if n := streams.Load(); n != 1 {
		t.Errorf("%d xhr_streaming requests, want 1", n)
	}
}
