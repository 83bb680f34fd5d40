package sockjstest_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

// A Session outside a test: open, send, read the echo, close.
func ExampleOpen() {
	srv := sockjs.NewServer("/echo", func() sockjs.Handler { return &echo{} }, &sockjs.Options{Logger: slog.New(slog.DiscardHandler)})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer func() { _ = srv.Shutdown(context.Background()) }()

	s, err := sockjstest.Open(ts.URL+"/echo", &sockjstest.Options{Transport: sockjstest.XHRStreaming})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	if err := s.Send("hello"); err != nil {
		fmt.Println(err)
		return
	}
	msg, err := s.Read()
	fmt.Println(msg, err)
	// Output: hello <nil>
}
