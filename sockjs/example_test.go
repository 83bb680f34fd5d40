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

// ExampleNewHub wires a Hub to a SockJS server: every session joins the
// room named in its URL and what it sends goes to everyone in the room, on
// every process sharing the broker.
func ExampleNewHub() {
	hub := sockjs.NewHub(sockjs.NewMemoryBroker(), nil) // redisbroker.New(...) for several processes
	defer hub.Close()
	srv := sockjs.NewServer("/chat", func() sockjs.Handler { return &roomConn{hub: hub} }, nil)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Shutdown(context.Background())

	join := func(session, room string) *websocket.Conn {
		url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/chat/000/" + session + "/websocket?room=" + room
		ws, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			panic(err)
		}
		_, _, _ = ws.ReadMessage() // "o": OnOpen, and so Subscribe, is done
		return ws
	}
	ann, bob := join("ann", "42"), join("bob", "42")
	defer ann.Close()
	defer bob.Close()
	_ = ann.WriteMessage(websocket.TextMessage, []byte(`["hi, room 42"]`))
	for _, ws := range []*websocket.Conn{ann, bob} {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, frame, _ := ws.ReadMessage()
		fmt.Println(string(frame))
	}
	// Output:
	// a["hi, room 42"]
	// a["hi, room 42"]
}

type roomConn struct {
	hub  *sockjs.Hub
	room string
}

func (c *roomConn) OnOpen(s *sockjs.Session) error {
	c.room = "room:" + s.Request().Query().Get("room")
	return c.hub.Subscribe(s, c.room) // ends by itself when s closes
}

func (c *roomConn) OnMessage(msg string) {
	_ = c.hub.Publish(context.Background(), c.room, msg)
}

func (c *roomConn) OnClose() {}
