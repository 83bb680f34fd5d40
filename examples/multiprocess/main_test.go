package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

const waitLimit = 10 * time.Second

// process is one running program.
type process struct {
	url  string
	stop context.CancelFunc
	done chan error
}

// start runs the program on a free port against redisURL.
func start(t *testing.T, redisURL string) *process {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p := &process{url: "http://" + addr, stop: cancel, done: make(chan error, 1)}
	go func() { p.done <- run(ctx, addr, redisURL, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	t.Cleanup(func() { p.shutdown(t) })
	deadline := time.Now().Add(waitLimit)
	for {
		resp, err := http.Get(p.url + "/room/info")
		if err == nil {
			resp.Body.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("process on %s not serving: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shutdown sends the process its SIGTERM (cancels run's context) and waits.
func (p *process) shutdown(t *testing.T) {
	t.Helper()
	if p.stop == nil {
		return
	}
	p.stop()
	p.stop = nil
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(waitLimit):
		t.Error("run did not return after shutdown")
	}
}

// browser is one SockJS session (websocket, through sockjstest).
type browser struct {
	t    *testing.T
	name string
	c    *sockjstest.Client
	seen []event
}

// signIn opens a session on p and signs in as name.
func signIn(t *testing.T, p *process, name string) *browser {
	t.Helper()
	b := &browser{t: t, name: name, c: sockjstest.Dial(t, p.url+"/room", &sockjstest.Options{Timeout: waitLimit})}
	b.send(input{Name: name})
	return b
}

func (b *browser) send(in input) {
	b.t.Helper()
	b.c.SendJSON(in)
}

// await reads until an event equal to want arrives; others are kept in seen.
func (b *browser) await(want event) {
	b.t.Helper()
	for {
		m, err := b.c.Read()
		if err != nil {
			b.t.Fatalf("%s: %v while waiting for %+v (saw %+v)", b.name, err, want, b.seen)
		}
		var ev event
		if err := json.Unmarshal([]byte(m), &ev); err != nil {
			b.t.Fatal(err)
		}
		if ev.Type == want.Type && ev.Name == want.Name && ev.Text == want.Text && slices.Equal(ev.Names, want.Names) {
			return
		}
		b.seen = append(b.seen, ev)
	}
}

// awaitClose reads until the close frame and returns it as c[code,"reason"].
func (b *browser) awaitClose() string {
	b.t.Helper()
	ce := b.c.WaitClosed()
	reason, _ := json.Marshal(ce.Reason)
	return fmt.Sprintf("c[%d,%s]", ce.Code, reason)
}

// TestRoomAcrossProcessesAndGracefulShutdown runs two processes on one real
// Redis: members on either see each other (presence with identity), hear
// each other (Hub over Redis), and when one process shuts down its browsers
// get "going away" and the members elsewhere see them leave at once, not
// after the presence TTL.
func TestRoomAcrossProcessesAndGracefulShutdown(t *testing.T) {
	rs := redistest.Start(t)
	a, b := start(t, rs.URL()), start(t, rs.URL())

	ann := signIn(t, a, "ann")
	ann.await(event{Type: "members", Names: []string{"ann"}})
	bob := signIn(t, b, "bob")
	bob.await(event{Type: "joined", Name: "bob"}) // subscribed: sees the room's events
	ann.await(event{Type: "joined", Name: "bob"})

	bob.send(input{Text: "hi from B"})
	ann.await(event{Type: "said", Name: "bob", Text: "hi from B"})
	bob.await(event{Type: "said", Name: "bob", Text: "hi from B"})
	ann.send(input{Text: "hi from A"})
	bob.await(event{Type: "said", Name: "ann", Text: "hi from A"})

	a.shutdown(t)
	if f := ann.awaitClose(); f != fmt.Sprintf(`c[%d,"Going away"]`, sockjs.CloseGoingAway) {
		t.Errorf("ann's close frame %s, want going away", f)
	}
	bob.await(event{Type: "left", Name: "ann"})
	carol := signIn(t, b, "carol")
	carol.await(event{Type: "members", Names: []string{"bob", "carol"}})
}

// TestSignInRules checks what a browser must send first.
func TestSignInRules(t *testing.T) {
	rs := redistest.Start(t)
	p := start(t, rs.URL())
	for _, tc := range []struct {
		rule, first, close string
	}{
		{"text before a name is refused", `{"text":"hi"}`, `c[4002,"sign in with a name first"]`},
		{"a blank name is refused", `{"name":"   "}`, `c[4002,"sign in with a name first"]`},
		{"a name over 32 characters is refused", `{"name":"` + strings.Repeat("é", 33) + `"}`, `c[4002,"a name of 1 to 32 characters, please"]`},
		{"broken JSON is refused", `{"name":`, `c[4002,"bad message"]`},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			b := &browser{t: t, c: sockjstest.Dial(t, p.url+"/room", &sockjstest.Options{Timeout: waitLimit})}
			b.c.Send(tc.first)
			if f := b.awaitClose(); f != tc.close {
				t.Errorf("close %s, want %s", f, tc.close)
			}
		})
	}
}

// TestReadmeShowsThisProgram checks the top README shows main.go as it is.
func TestReadmeShowsThisProgram(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+string(src)+"```") {
		t.Error("README.md does not show examples/multiprocess/main.go as it is")
	}
}

func FuzzParseInput(f *testing.F) {
	for _, s := range []string{`{"name":"ann"}`, `{"text":"hi"}`, `{"name":" ` + strings.Repeat("x", 40) + `"}`, `[]`, `{`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		in, err := parseInput(msg)
		if err != nil {
			if in != (input{}) {
				t.Fatalf("error %v with input %+v", err, in)
			}
			return
		}
		if in.Name != strings.TrimSpace(in.Name) || len([]rune(in.Name)) > 32 {
			t.Fatalf("accepted name %q", in.Name)
		}
	})
}
