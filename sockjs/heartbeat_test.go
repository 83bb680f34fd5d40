package sockjs

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestHeartbeatGroups(t *testing.T) {
	for _, tc := range []struct {
		period time.Duration
		want   int
	}{
		{25 * time.Second, 64},
		{time.Hour, 64},
		{time.Second, 10},
		{400 * time.Millisecond, 4},
		{150 * time.Millisecond, 1},
		{20 * time.Millisecond, 1},
	} {
		if got := heartbeatGroups(tc.period); got != tc.want {
			t.Errorf("heartbeatGroups(%v) = %d, want %d", tc.period, got, tc.want)
		}
	}
}

// The turns share the sessions evenly; from its second period on, each
// session is in exactly one turn a period; in its first, only if its turn
// came at least half a period after it joined; a finished session is in
// none.
func TestHeartbeatsTakeTurns(t *testing.T) {
	// An hour: the server's own turns (a minute apart) leave the test's alone.
	srv := NewServer("/t", func() Handler { return nopHandler{} }, &Options{HeartbeatDelay: time.Hour})
	defer func() {
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	groups := heartbeatGroups(time.Hour)
	const n = 150
	var sessions []*Session
	for range n {
		s := srv.newSession(httptest.NewRequest("POST", "/t/0/x/xhr_streaming", nil), TransportXHRStreaming)
		if s == nil {
			t.Fatal("newSession refused")
		}
		sessions = append(sessions, s)
	}
	gone := map[*Session]bool{sessions[3]: true, sessions[100]: true}
	for s := range gone {
		srv.forget(s)
	}
	var due []*Session
	for period := range 2 {
		seen := map[*Session]int{}
		for turn := range groups {
			due = srv.heartbeatTurn(due)
			if max := (n + groups - 1) / groups; len(due) > max {
				t.Errorf("period %d, turn %d: %d sessions due, want at most %d of %d in %d groups", period, turn, len(due), max, n, groups)
			}
			for _, s := range due {
				seen[s]++
				if period == 0 && turn < groups/2 {
					t.Errorf("session in group %d: a heartbeat %d turns of %d after it joined", s.beatGroup, turn, groups)
				}
			}
		}
		for i, s := range sessions {
			want := 1
			if gone[s] || period == 0 && i%groups < groups/2 {
				want = 0
			}
			if seen[s] != want {
				t.Errorf("period %d: session %d (group %d, finished %v) in %d turns, want %d", period, i, s.beatGroup, gone[s], seen[s], want)
			}
		}
	}
	for _, s := range sessions {
		srv.forget(s)
	}
	if got := srv.live.len(); got != 0 {
		t.Errorf("%d live sessions after all were forgotten", got)
	}
}

// Every group's sessions get their heartbeats, period after period.
func TestEverySessionGetsItsHeartbeats(t *testing.T) {
	env := newEnv(t, Options{HeartbeatDelay: 400 * time.Millisecond, PeerTimeout: time.Hour}, hooks{})
	var conns []*websocket.Conn
	for range 2 * heartbeatGroups(400*time.Millisecond) {
		conns = append(conns, env.dial(nil))
	}
	for i, ws := range conns {
		for beats := 0; beats < 2; {
			if f := env.readWS(ws); f == "h" {
				beats++
			} else {
				t.Fatalf("session %d: frame %q, want only heartbeats", i, f)
			}
		}
	}
}
