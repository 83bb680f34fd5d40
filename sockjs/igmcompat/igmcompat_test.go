package igmcompat_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	igm "github.com/igm/sockjs-go/v3/sockjs"
	"go.uber.org/goleak"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/igmcompat"
)

// TestMain checks that no goroutine outlives the tests but igm's own
// watcher of a session the handler closed, which ends a second later (see
// the package doc).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/igm/sockjs-go/v3/sockjs.(*Handler).sessionByRequest.func1"))
}

// allTransports are igm options with every transport on, as igm's
// DefaultOptions plus the raw websocket.
func allTransports() igm.Options {
	o := igm.DefaultOptions
	o.RawWebsocket = true
	o.SockJSURL = ""
	return o
}

// serve runs h on a loopback test server until the test ends, shutting it
// down first (which must succeed: every handler function returned).
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := h.(*igmcompat.Handler).Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		ts.Close()
	})
	return ts.URL
}

// echo is the handler of igm's own example: Recv, Send back, until Recv fails.
func echo(session igm.Session) {
	for {
		msg, err := session.Recv()
		if err != nil {
			return
		}
		if session.Send(msg) != nil {
			return
		}
	}
}

func TestEchoHandlerRunsOnEveryTransport(t *testing.T) {
	url := serve(t, igmcompat.NewHandler("/echo", allTransports(), echo))
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			c := dial(t, url, "/echo", tr)
			c.send("hello")
			c.expect("hello")
			c.send("one", `two "quoted" ✓`, "three\nlines\u2028\x00", "")
			c.expect("one")
			c.expect(`two "quoted" ✓`)
			c.expect("three\nlines\u2028\x00")
			if tr != "websocket-raw" { // a raw websocket cannot send an empty SockJS message
				c.expect("")
			}
		})
	}
}

func TestHandlerCloseReachesTheClientOnEveryTransport(t *testing.T) {
	states := make(chan igm.SessionState, len(transports))
	sendErrs := make(chan error, len(transports))
	h := igmcompat.NewHandler("/close", allTransports(), func(s igm.Session) {
		if _, err := s.Recv(); err != nil {
			return
		}
		if err := s.Close(3001, "bye now"); err != nil {
			t.Errorf("close: %v", err)
		}
		<-s.Context().Done() // the context ends with the session
		states <- s.GetSessionState()
		sendErrs <- s.Send("too late")
		if err := s.Close(3002, "again"); !errors.Is(err, igm.ErrSessionNotOpen) {
			t.Errorf("second close: %v, want ErrSessionNotOpen", err)
		}
	})
	url := serve(t, h)
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			c := dial(t, url, "/close", tr)
			c.send("close me")
			c.expectClose(3001, "bye now")
			if st := <-states; st != igm.SessionClosing && st != igm.SessionClosed {
				t.Errorf("state after Close = %d, want closing or closed", st)
			}
			if err := <-sendErrs; err == nil {
				t.Error("Send after Close succeeded")
			}
		})
	}
}

func TestRecvCtxLoopEndsWhenTheClientLeaves(t *testing.T) {
	type ended struct {
		err   error
		state igm.SessionState
	}
	results := make(chan ended, 1)
	opts := allTransports()
	// A polling client is unattached between two of its requests, and its
	// session lives on for DisconnectDelay: short enough not to slow the
	// test, long enough that no pause of a loaded machine between the open
	// frame's response and the next request (where c.send finds the session)
	// ends it. A client that leaves with a request outstanding ends the
	// session at once; one that leaves between requests, DisconnectDelay
	// after its last one.
	opts.DisconnectDelay = 5 * time.Second
	h := igmcompat.NewHandler("/ctx", opts, func(s igm.Session) {
		for {
			msg, err := s.RecvCtx(s.Context())
			if err != nil {
				<-s.Context().Done()
				results <- ended{err, s.GetSessionState()}
				return
			}
			_ = s.Send("got " + msg)
		}
	})
	url := serve(t, h)
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			c := dial(t, url, "/ctx", tr)
			c.send("x")
			c.expect("got x")
			c.close() // the client goes away without a close frame
			select {
			case r := <-results:
				if r.err == nil || r.state == igm.SessionActive {
					t.Errorf("RecvCtx after the client left: %v, state %d", r.err, r.state)
				}
			case <-time.After(opts.DisconnectDelay + waitFor):
				t.Fatal("RecvCtx did not end after the client left")
			}
		})
	}
}

func TestShutdownEndsRecvLoopsAndWaitsForThem(t *testing.T) {
	returned := make(chan string, len(transports))
	h := igmcompat.NewHandler("/shut", allTransports(), func(s igm.Session) {
		_, err := s.Recv()
		returned <- s.ID()
		if err == nil {
			t.Error("Recv returned a message nobody sent")
		}
	})
	ts := httptest.NewServer(h)
	defer ts.Close()
	clients := make([]*client, 0, len(transports))
	for _, tr := range transports {
		clients = append(clients, dial(t, ts.URL, "/shut", tr))
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := h.(*igmcompat.Handler).Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if len(returned) != len(transports) {
		t.Errorf("%d handler functions returned by the end of Shutdown, want %d", len(returned), len(transports))
	}
	for _, c := range clients {
		c.expectClose(sockjs.CloseGoingAway, "Going away")
	}
}

func TestPanicInHandlerClosesOnlyThatSession(t *testing.T) {
	h := igmcompat.New("/panic", func(s igm.Session) {
		msg, _ := s.Recv()
		if msg == "panic" {
			panic("handler bug")
		}
		echo(s)
	}, &sockjs.Options{Logger: slog.New(slog.DiscardHandler)})
	url := serve(t, h)
	bad, good := dial(t, url, "/panic", "websocket"), dial(t, url, "/panic", "xhr-streaming")
	bad.send("panic")
	bad.expectClose(sockjs.CloseInternalError, "Internal error")
	good.send("first")
	good.send("still here")
	good.expect("still here")
}

func TestRequestIsTheClientsRequest(t *testing.T) {
	got := make(chan *http.Request, 1)
	ids := make(chan string, 1)
	h := igmcompat.NewHandler("/req", allTransports(), func(s igm.Session) {
		got <- s.Request()
		ids <- s.ID()
		echo(s)
	})
	url := serve(t, h)
	c := dial(t, url, "/req", "xhr-polling")
	c.send("x")
	c.expect("x")
	r := <-got
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err != nil || host != "127.0.0.1" {
		t.Errorf("RemoteAddr = %q, want 127.0.0.1:port", r.RemoteAddr)
	}
	if r.Host != strings.TrimPrefix(url, "http://") {
		t.Errorf("Host = %q, want %q", r.Host, strings.TrimPrefix(url, "http://"))
	}
	if r.Header.Get("User-Agent") == "" {
		t.Error("the client's headers are missing")
	}
	if id := <-ids; id == "" || strings.Contains(c.base, id) {
		t.Errorf("ID = %q: want the server's id, not the client's", id)
	}
}

func TestDefaultOptionsAllowOnlyTheEndpointsOwnOrigin(t *testing.T) {
	url := serve(t, igmcompat.NewHandler("/o", igm.DefaultOptions, echo))
	for _, tc := range []struct {
		name, origin string
		want         int
	}{
		{"foreign origin refused", "https://evil.example", http.StatusForbidden},
		{"own origin allowed", url, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, url+"/o/000/origin"+strings.ReplaceAll(tc.name, " ", "")+"/xhr", nil)
			req.Header.Set("Origin", tc.origin)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

func TestServerOptionsMapEveryFieldThatMeansTheSame(t *testing.T) {
	jsid := func(http.ResponseWriter, *http.Request) {}
	for _, tc := range []struct {
		name string
		in   igm.Options
		want sockjs.Options
	}{
		{
			name: "zero options disable both websockets, as on igm",
			in:   igm.Options{},
			want: sockjs.Options{DisabledTransports: []string{sockjs.TransportWebsocket, sockjs.TransportRawWebsocket}},
		},
		{
			name: "defaults keep websocket and the timings",
			in:   igm.DefaultOptions,
			want: sockjs.Options{
				SockJSURL: igm.DefaultOptions.SockJSURL, ResponseLimit: 128 << 10,
				HeartbeatDelay: 25 * time.Second, DisconnectDelay: 5 * time.Second,
				DisabledTransports: []string{sockjs.TransportRawWebsocket},
			},
		},
		{
			name: "disabled HTTP transports, origin, cookie and write timeout",
			in: igm.Options{
				Websocket: true, RawWebsocket: true, Origin: "https://www.example.com", JSessionID: jsid,
				WebsocketWriteTimeout: 3 * time.Second, DisableXHR: true, DisableXHRStreaming: true,
				DisableEventSource: true, DisableHtmlFile: true, DisableJSONP: true,
			},
			want: sockjs.Options{
				AllowedOrigins: []string{"https://www.example.com"}, JSessionID: true, WriteTimeout: 3 * time.Second,
				DisabledTransports: []string{sockjs.TransportXHRPolling, sockjs.TransportXHRStreaming,
					sockjs.TransportEventSource, sockjs.TransportHTMLFile, sockjs.TransportJSONP},
			},
		},
		{
			name: "origin star allows any origin",
			in:   igm.Options{Websocket: true, RawWebsocket: true, Origin: "*"},
			want: sockjs.Options{AllowedOrigins: []string{"*"}},
		},
		{
			name: "a response limit over int32 is clamped",
			in:   igm.Options{Websocket: true, RawWebsocket: true, ResponseLimit: 1 << 31},
			want: sockjs.Options{ResponseLimit: 1<<31 - 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := igmcompat.ServerOptions(tc.in)
			if got.SockJSURL != tc.want.SockJSURL || got.ResponseLimit != tc.want.ResponseLimit ||
				got.HeartbeatDelay != tc.want.HeartbeatDelay || got.DisconnectDelay != tc.want.DisconnectDelay ||
				got.JSessionID != tc.want.JSessionID || got.WriteTimeout != tc.want.WriteTimeout ||
				!slices.Equal(got.AllowedOrigins, tc.want.AllowedOrigins) ||
				!slices.Equal(got.DisabledTransports, tc.want.DisabledTransports) {
				t.Errorf("ServerOptions(%+v)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
		})
	}
}
