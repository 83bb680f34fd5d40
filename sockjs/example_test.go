package sockjs_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/gorilla/websocket"

	"github.com/trelljaz/trelljaz/sockjs"
)

// echo answers every message with the same text.
type echo struct{ s *sockjs.Session }

func (e *echo) OnOpen(s *sockjs.Session) error { e.s = s; return nil }
func (e *echo) OnMessage(msg string)           { _ = e.s.Send(msg) }
func (e *echo) OnClose()                       {}

// A server with an echo handler, mounted on gorilla/mux, talked to by a plain
// websocket client over the SockJS framing.
func ExampleNewServer() {
	srv := sockjs.NewServer("/echo", func() sockjs.Handler { return &echo{} }, nil)
	r := mux.NewRouter().SkipClean(true)
	r.PathPrefix("/echo").Handler(srv)
	ts := httptest.NewServer(r)
	defer ts.Close()
	defer srv.Shutdown(context.Background())

	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/echo/000/session1/websocket"
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ws.Close()
	_, open, _ := ws.ReadMessage()
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`["hello"]`))
	_, reply, _ := ws.ReadMessage()
	fmt.Println(string(open), string(reply))
	// Output: o a["hello"]
}

// guarded rejects clients without a ticket cookie.
type guarded struct{ echo }

func (g *guarded) OnOpen(s *sockjs.Session) error {
	if _, err := s.Request().Cookie("ticket"); err != nil {
		return &sockjs.CloseError{Code: sockjs.CloseForbidden, Reason: "sign in first"}
	}
	return g.echo.OnOpen(s)
}

// OnOpen can refuse a client: it gets a close frame with the code and reason.
func ExampleCloseError() {
	srv := sockjs.NewServer("/private", func() sockjs.Handler { return &guarded{} }, nil)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Shutdown(context.Background())

	resp, err := http.Post(ts.URL+"/private/000/s1/xhr", "text/plain", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output: c[4003,"sign in first"]
}

// Broadcast encodes a message once for every recipient.
func ExampleBroadcast() {
	sessions := make(chan *sockjs.Session, 3)
	srv := sockjs.NewServer("/news", func() sockjs.Handler { return &announcer{sessions: sessions} }, nil)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Shutdown(context.Background())

	var clients []*websocket.Conn
	for i := 0; i < 3; i++ {
		ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/news/websocket", nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer ws.Close()
		clients = append(clients, ws)
		<-sessions // opened
	}
	fmt.Println("delivered to", sockjs.Broadcast(srv.Sessions(), "extra!"))
	for _, ws := range clients {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, msg, _ := ws.ReadMessage()
		fmt.Println(string(msg))
	}
	// Output:
	// delivered to 3
	// extra!
	// extra!
	// extra!
}

type announcer struct{ sessions chan *sockjs.Session }

func (a *announcer) OnOpen(s *sockjs.Session) error { a.sessions <- s; return nil }
func (a *announcer) OnMessage(string)               {}
func (a *announcer) OnClose()                       {}
