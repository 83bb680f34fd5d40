package igmcompat_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	igm "github.com/igm/sockjs-go/v3/sockjs"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/igmcompat"
)

// nativeEcho is the same echo written for sockjs.Server directly.
type nativeEcho struct{ s *sockjs.Session }

func (e *nativeEcho) OnOpen(s *sockjs.Session) error { e.s = s; return nil }
func (e *nativeEcho) OnMessage(m string)             { _ = e.s.Send(m) }
func (e *nativeEcho) OnClose()                       {}

// echoServers are the three ways to run one echo endpoint at /echo, and
// how to stop each.
func echoServers() []struct {
	name  string
	start func() (http.Handler, func())
} {
	quiet := slog.New(slog.DiscardHandler)
	return []struct {
		name  string
		start func() (http.Handler, func())
	}{
		{"igmcompat", func() (http.Handler, func()) {
			h := igmcompat.New("/echo", echo, &sockjs.Options{Logger: quiet})
			return h, func() { _ = h.Shutdown(context.Background()) }
		}},
		{"sockjs", func() (http.Handler, func()) {
			srv := sockjs.NewServer("/echo", func() sockjs.Handler { return &nativeEcho{} }, &sockjs.Options{Logger: quiet})
			return srv, func() { _ = srv.Shutdown(context.Background()) }
		}},
		{"igm", func() (http.Handler, func()) {
			return igm.NewHandler("/echo", igm.DefaultOptions, echo), func() {}
		}},
	}
}

func dialEcho(b *testing.B, url string, n int) *websocket.Conn {
	b.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(fmt.Sprintf("ws%s/echo/000/b%d/websocket", strings.TrimPrefix(url, "http"), n), nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, f, err := ws.ReadMessage(); err != nil || string(f) != "o" {
		b.Fatalf("open: %q %v", f, err)
	}
	return ws
}

// BenchmarkEchoRoundTrip is one message to the server and its echo back
// over one websocket session: the bridge's cost over the native server.
func BenchmarkEchoRoundTrip(b *testing.B) {
	for _, srv := range echoServers() {
		b.Run(srv.name, func(b *testing.B) {
			h, stop := srv.start()
			ts := httptest.NewServer(h)
			defer ts.Close()
			defer stop()
			ws := dialEcho(b, ts.URL, 0)
			defer ws.Close()
			frame := []byte(`["` + strings.Repeat("x", 100) + `"]`)
			b.ResetTimer()
			for range b.N {
				if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
					b.Fatal(err)
				}
				if _, _, err := ws.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIdleSessionGoroutines reports the goroutines an idle websocket
// session holds in the server, with the echo handler in a Recv.
func BenchmarkIdleSessionGoroutines(b *testing.B) {
	const sessions = 100
	for _, srv := range echoServers() {
		b.Run(srv.name, func(b *testing.B) {
			for range b.N {
				h, stop := srv.start()
				ts := httptest.NewServer(h)
				// The client's own goroutines are counted once per
				// connection too; subtract a bare gorilla reader's.
				before := runtime.NumGoroutine()
				conns := make([]*websocket.Conn, 0, sessions)
				for i := range sessions {
					ws := dialEcho(b, ts.URL, i)
					_ = ws.WriteMessage(websocket.TextMessage, []byte(`["ping"]`))
					_, _, _ = ws.ReadMessage() // the handler is running and idle in Recv
					conns = append(conns, ws)
				}
				b.ReportMetric(float64(runtime.NumGoroutine()-before)/sessions, "goroutines/session")
				for _, ws := range conns {
					ws.Close()
				}
				stop()
				ts.Close()
			}
		})
	}
}
