package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/trelljaz/trelljaz/game/store"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServesAndDrains starts the club on 127.0.0.1, checks the page, the
// health endpoints and a SockJS session, then cancels: /readyz turns 503
// for the drain delay, the session is closed with "going away" and run
// returns.
func TestServesAndDrains(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	logs := &syncBuffer{}
	go func() {
		errc <- run(ctx, []string{"-addr", "127.0.0.1:0", "-drain-delay", "300ms", "-data", t.TempDir()}, logs, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start in 10 s")
	}
	for path, want := range map[string]string{"/": "Trelljaz", "/healthz": "ok", "/readyz": "ready",
		"/static/app.js": "connect(", "/sockjs/sockjs.min.js": "SockJS", "/api/me": `"dev_signin":true`} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, body without %q", path, resp.StatusCode, want)
		}
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/sockjs/000/drain/websocket", http.Header{"Origin": {"http://" + addr}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, open, err := ws.ReadMessage(); err != nil || string(open) != "o" {
		t.Fatalf("open frame %q, %v", open, err)
	}
	cancel()
	// /readyz answers 503 during the drain delay, before any session closes.
	for began := time.Now(); ; {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatalf("/readyz during the drain: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			break
		}
		if time.Since(began) > 10*time.Second {
			t.Fatal("/readyz never answered 503")
		}
	}
	var last string
	for {
		_, f, err := ws.ReadMessage()
		if err != nil {
			break
		}
		last = string(f)
	}
	if !strings.Contains(last, "1001") {
		t.Errorf("last frame before the close %q, want the going-away close frame", last)
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after the drain")
	}
	if !strings.Contains(logs.String(), "draining") {
		t.Errorf("logs: %s", logs.String())
	}
}

func TestABadEnvValueNamesTheVariable(t *testing.T) {
	for env, val := range map[string]string{"TRELLJAZ_BOT_DELAY": "soon", "TRELLJAZ_MAX_WATCHERS": "many", "TRELLJAZ_CHAT_RATE": "-1"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, val)
			err := run(context.Background(), nil, io.Discard, nil)
			if err == nil || !strings.Contains(err.Error(), env) {
				t.Fatalf("error %v, want one naming %s", err, env)
			}
		})
	}
}

func TestHelpListsEveryFlagWithItsEnvAndExitsZero(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &out, nil); err != nil {
		t.Fatalf("-h: %v", err)
	}
	c := defaults()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	envs := flags(fs, &c)
	if len(envs) < 20 {
		t.Fatalf("%d flags", len(envs))
	}
	for _, e := range envs {
		env, name, _ := strings.Cut(e, "=")
		if !strings.Contains(out.String(), "-"+name) || !strings.Contains(out.String(), "env "+env) {
			t.Errorf("-h does not list -%s with %s", name, env)
		}
	}
}

// -commit-every 0 is no wait at all, where the store's zero is its
// default.
func TestCommitEveryZeroIsNoWait(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want time.Duration
	}{
		{nil, store.DefaultCommitEvery},
		{[]string{"-commit-every", "0"}, -1},
		{[]string{"-commit-every", "5ms"}, 5 * time.Millisecond},
	} {
		c, err := parse(tt.args, io.Discard)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got := commitEvery(c.commitEvery); got != tt.want {
			t.Errorf("%v: the store's CommitEvery %v, want %v", tt.args, got, tt.want)
		}
	}
}
