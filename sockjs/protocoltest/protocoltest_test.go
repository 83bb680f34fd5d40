package protocoltest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEndpoints(t *testing.T) {
	e := New(slog.New(slog.DiscardHandler))
	ts := httptest.NewServer(e)
	defer ts.Close()
	defer e.Shutdown(context.Background())

	get := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"greeting of every endpoint", "GET", "/broadcast", "", 200, "Welcome to SockJS!\n"},
		{"websocket off", "GET", "/disabled_websocket_echo/info", "", 200, `"websocket":false`},
		{"cookies on", "GET", "/cookie_needed_echo/info", "", 200, `"cookie_needed":true`},
		{"close", "POST", "/close/0/c/xhr", "", 200, "o\n"},
		{"client fixture", "GET", "/simple.txt", "", 200, strings.Repeat("a", 2048) + "\nb\n"},
		{"streaming fixture", "GET", "/streaming.txt", "", 200, strings.Repeat("a", 2048) + "\nb\n"},
		{"unknown path has an empty 404", "GET", "/nope", "", 404, ""},
		{"double slash reaches the server", "GET", "/echo//", "", 404, "404 page not found\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := get(c.method, c.path, c.body)
			if status != c.status || (c.want == "" && body != "") || !strings.Contains(body, c.want) {
				t.Errorf("%s %s = %d %q, want %d %q", c.method, c.path, status, body, c.status, c.want)
			}
		})
	}
	// amplify answers n with 2^n x's.
	get("POST", "/amplify/0/a/xhr", "")
	get("POST", "/amplify/0/a/xhr_send", `["3"]`)
	if _, body := get("POST", "/amplify/0/a/xhr", ""); body != `a["xxxxxxxx"]`+"\n" {
		t.Errorf("amplify 3: %q", body)
	}
}

func TestEchoTakesMessagesUpToOneMiB(t *testing.T) {
	e := New(slog.New(slog.DiscardHandler))
	ts := httptest.NewServer(e)
	defer ts.Close()
	defer e.Shutdown(context.Background())
	post := func(path, body string) (int, string) {
		t.Helper()
		resp, err := http.Post(ts.URL+path, "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	exact := strings.Repeat("m", MaxMessageSize)
	cases := []struct {
		name   string
		msg    string
		status int
	}{
		{"exactly 1 MiB is echoed", exact, 204},
		{"one byte over is refused", exact + "m", 413},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			session := "/echo/0/big" + string(rune('a'+i))
			post(session+"/xhr", "")
			if status, body := post(session+"/xhr_send", `["`+c.msg+`"]`); status != c.status {
				t.Fatalf("xhr_send = %d %.80q, want %d", status, body, c.status)
			}
			if c.status != 204 {
				return
			}
			if _, body := post(session+"/xhr", ""); body != `a["`+c.msg+`"]`+"\n" {
				t.Errorf("echo of %d bytes: got %d bytes back", len(c.msg), len(body))
			}
		})
	}
}
