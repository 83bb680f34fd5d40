package sockjs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestOneMessageFramedForEachTransport: one Message sent to several
// sessions reaches each in its transport's framing, the same bytes
// whichever websocket delivery built them (the first is framed into a
// pooled buffer, the later ones share the prepared frame): a SockJS
// websocket gets a["<quoted>"], the raw websocket the payload itself,
// xhr-polling a["<quoted>"] and a newline.
func TestOneMessageFramedForEachTransport(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	payload := "é \"q\" \\ <b>&amp; \u2028\u2029 \u200d \ufff0 \x01 😀 " + strings.Repeat("x", 5000)
	quoted := string(appendQuoted(nil, payload))
	framed := "a[" + quoted + "]"

	var ws []*websocketPair
	for range 3 {
		c := env.dial(nil)
		ws = append(ws, &websocketPair{read: func() string { return env.readWS(c) }, s: env.next().s})
	}
	raw := env.dialRaw("/websocket", nil)
	rawSession := env.next().s
	pollURL := env.base + "/000/" + randomID()
	if r := env.do("POST", pollURL+"/xhr", "", nil); r.body != "o\n" {
		t.Fatalf("xhr open: %q", r.body)
	}
	pollSession := env.next().s

	m := NewMessage(payload)
	// One delivery at a time, so the first websocket one is the pooled
	// buffer's and the ones after are the prepared frame's.
	for i, p := range ws {
		if err := p.s.SendMessage(m); err != nil {
			t.Fatal(err)
		}
		if got := p.read(); got != framed {
			t.Errorf("websocket delivery %d: %.60q…, want %.60q…", i+1, got, framed)
		}
		if i == 0 {
			if err := rawSession.SendMessage(m); err != nil {
				t.Fatal(err)
			}
			if got := env.readWS(raw); got != payload {
				t.Errorf("raw websocket: %.60q…, want the payload", got)
			}
		}
	}
	if err := pollSession.SendMessage(m); err != nil {
		t.Fatal(err)
	}
	if r := env.do("POST", pollURL+"/xhr", "", nil); r.body != framed+"\n" {
		t.Errorf("xhr-polling: %.60q…, want %.60q…", r.body, framed)
	}
	var back []string
	if err := json.Unmarshal([]byte(framed[1:]), &back); err != nil || len(back) != 1 || back[0] != payload {
		t.Errorf("the frame does not decode to the payload: %v", err)
	}
}

type websocketPair struct {
	read func() string
	s    *Session
}

// TestPooledFramesKeepEachSessionsMessages: messages of their own (each
// written once, so framed into the server's pooled buffers) sent to many
// websocket sessions at once reach each session whole and in order, none
// mixed with another session's: a buffer reused while a write still held
// it would show here.
func TestPooledFramesKeepEachSessionsMessages(t *testing.T) {
	const sessions, perSession = 8, 200
	env := newEnv(t, Options{}, hooks{})
	type peer struct {
		ws   *websocket.Conn
		s    *Session
		want []string
	}
	peers := make([]*peer, sessions)
	for i := range peers {
		peers[i] = &peer{ws: env.dial(nil), s: env.next().s}
		for j := range perSession {
			// Sizes from a few bytes to 20 kB, and now and then past a
			// delivery's bound (maxDeliveryBytes), escapes included.
			n := (i*31 + j*389) % 20000
			if j%50 == 49 {
				n = maxDeliveryBytes + 10
			}
			peers[i].want = append(peers[i].want, fmt.Sprintf("s%d m%d \"\u2028 %s", i, j, strings.Repeat(string(rune('a'+i)), n)))
		}
	}
	var wg sync.WaitGroup
	got := make([][]string, sessions)
	errs := make([]error, sessions)
	for i, p := range peers {
		wg.Go(func() {
			for _, msg := range p.want {
				if err := p.s.SendMessage(NewMessage(msg)); err != nil {
					errs[i] = err
					return
				}
				// Pace the sender to the reader: the send queue is bounded.
				for p.s.queuedBytes() > 64<<10 {
					time.Sleep(100 * time.Microsecond)
				}
			}
		})
	}
	for i, p := range peers {
		wg.Go(func() {
			for len(got[i]) < perSession {
				_ = p.ws.SetReadDeadline(time.Now().Add(20 * time.Second))
				_, b, err := p.ws.ReadMessage()
				if err != nil {
					errs[i] = fmt.Errorf("session %d after %d messages: %w", i, len(got[i]), err)
					return
				}
				f := string(b)
				var msgs []string
				if !strings.HasPrefix(f, "a") || json.Unmarshal([]byte(f[1:]), &msgs) != nil {
					errs[i] = fmt.Errorf("session %d: frame %.60q… is no message frame", i, f)
					return
				}
				got[i] = append(got[i], msgs...)
			}
		})
	}
	wg.Wait()
	for i, p := range peers {
		if errs[i] != nil {
			t.Error(errs[i])
			continue
		}
		if !slices.Equal(got[i], p.want) {
			t.Errorf("session %d got %d messages, not the %d sent in order", i, len(got[i]), perSession)
		}
	}
}
