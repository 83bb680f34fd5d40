package igmcompat_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/gorilla/websocket"
	"github.com/igm/sockjs-go/v3/sockjs"

	"github.com/trelljaz/trelljaz/sockjs/igmcompat"
)

// An igm echo handler, unchanged; only the constructor is igmcompat's.
func ExampleNewHandler() {
	handler := igmcompat.NewHandler("/echo", sockjs.DefaultOptions, func(session sockjs.Session) {
		for {
			msg, err := session.Recv()
			if err != nil {
				return
			}
			if err := session.Send("echo: " + msg); err != nil {
				return
			}
		}
	})
	ts := httptest.NewServer(handler)
	defer ts.Close()
	defer handler.(*igmcompat.Handler).Shutdown(context.Background())

	// A SockJS client over websocket: the open frame, one message, its echo.
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/echo/000/abc/websocket", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ws.Close()
	_, open, _ := ws.ReadMessage()
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`["hello"]`))
	_, reply, _ := ws.ReadMessage()
	fmt.Printf("%s\n%s\n", open, reply)
	// Output:
	// o
	// a["echo: hello"]
}
