package sockjstest_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echo echoes every message; "close" makes it close the session with 4321.
type echo struct{ s *sockjs.Session }

func (e *echo) OnOpen(s *sockjs.Session) error { e.s = s; return nil }
func (e *echo) OnMessage(msg string) {
	if msg == "close" {
		_ = e.s.Close(4321, "bye ✓")
		return
	}
	_ = e.s.Send(msg)
}
func (e *echo) OnClose() {}

func serve(t testing.TB, opts sockjs.Options) string {
	t.Helper()
	opts.Logger = slog.New(slog.DiscardHandler)
	srv := sockjs.NewServer("/echo", func() sockjs.Handler { return &echo{} }, &opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		ts.Close()
	})
	return ts.URL + "/echo"
}

// TestClientSpeaksEveryTransport checks the client against the server on
// each of its transports: messages one by one and batched come back in
// order and byte-exact, JSON round-trips, and the server's close frame is
// reported with its code and reason.
func TestClientSpeaksEveryTransport(t *testing.T) {
	for _, transport := range []string{sockjstest.Websocket, sockjstest.XHRStreaming, sockjstest.XHRPolling} {
		t.Run(transport, func(t *testing.T) {
			c := sockjstest.Dial(t, serve(t, sockjs.Options{}), &sockjstest.Options{Transport: transport})
			sent := []string{"a", "", "Привет, 😀", `"quoted" \ back`, "\x00\u2028"}
			for _, m := range sent {
				c.Send(m)
			}
			c.Send("x", "y") // one frame, two messages
			for _, want := range append(sent, "x", "y") {
				if got := c.Next(); got != want {
					t.Errorf("got %q, want %q", got, want)
				}
			}
			c.SendJSON(map[string]int{"n": 7})
			var got map[string]int
			c.NextJSON(&got)
			if got["n"] != 7 {
				t.Errorf("JSON round trip: %v", got)
			}
			c.Send("close")
			ce := c.WaitClosed()
			if ce.Code != 4321 || ce.Reason != "bye ✓" {
				t.Errorf("close frame %+v, want 4321 bye ✓", ce)
			}
			var again *sockjstest.CloseError
			if _, err := c.Read(); !errors.As(err, &again) || *again != *ce {
				t.Errorf("Read after close = %v, want the close frame again", err)
			}
		})
	}
}

// TestTrySendReportsRefusal checks that a send the server refuses is an
// error, not a silent loss.
func TestTrySendReportsRefusal(t *testing.T) {
	c := sockjstest.Dial(t, serve(t, sockjs.Options{MaxMessageSize: 8}), &sockjstest.Options{Transport: sockjstest.XHRStreaming})
	err := c.TrySend(strings.Repeat("x", 9))
	if err == nil || !strings.Contains(err.Error(), "413") {
		t.Errorf("TrySend over MaxMessageSize = %v, want the 413", err)
	}
}
