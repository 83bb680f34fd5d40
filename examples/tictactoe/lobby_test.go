package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

const waitLimit = 10 * time.Second

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// process is one tictactoe server.
type process struct {
	url   string
	lobby *Lobby
}

func startProcess(t *testing.T, broker sockjs.Broker) *process {
	t.Helper()
	hub := sockjs.NewHub(broker, &sockjs.HubOptions{Logger: quiet()})
	lobby, err := NewLobby(context.Background(), hub, broker, &LobbyOptions{Tick: 50 * time.Millisecond, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	h, srv := routes(lobby, &sockjs.Options{Logger: quiet()})
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		srv.Shutdown(ctx)
		ts.Close()
		lobby.Close()
		hub.Close()
	})
	return &process{url: ts.URL, lobby: lobby}
}

func redisBroker(t *testing.T, rs *redistest.Server) sockjs.Broker {
	t.Helper()
	b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	deadline := time.Now().Add(waitLimit)
	for !b.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("broker not ready")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return b
}

// browser is a player's SockJS connection: a websocket, or xhr-polling.
type browser struct {
	t       *testing.T
	c       *sockjstest.Client
	ws      *websocket.Conn // nil on xhr-polling
	pending []serverMsg
}

var sessionIDs atomic.Int64

func (p *process) browser(t *testing.T) *browser {
	t.Helper()
	c := sockjstest.Dial(t, p.url+"/ttt", &sockjstest.Options{SessionID: fmt.Sprint(sessionIDs.Add(1))})
	return &browser{t: t, c: c, ws: c.Conn()}
}

func (b *browser) send(v any) {
	b.t.Helper()
	b.c.SendJSON(v)
}

// expect reads messages until one of type typ arrives and returns it;
// intermediate "waiting" messages are skipped.
func (b *browser) expect(typ string) serverMsg {
	b.t.Helper()
	for {
		for len(b.pending) > 0 {
			m := b.pending[0]
			b.pending = b.pending[1:]
			if m.Type == typ {
				return m
			}
			if m.Type != "waiting" {
				b.t.Fatalf("got %+v, want a %s message", m, typ)
			}
		}
		r, err := b.c.Read()
		if err != nil {
			b.t.Fatalf("waiting for %s: %v", typ, err)
		}
		var m serverMsg
		if err := json.Unmarshal([]byte(r), &m); err != nil {
			b.t.Fatal(err)
		}
		b.pending = append(b.pending, m)
	}
}

// playGame has X win along the top row and checks both players see every
// state, the last one a win for X.
func playGame(t *testing.T, x, o *browser) {
	t.Helper()
	sx, so := x.expect("start"), o.expect("start")
	if sx.You != "X" || so.You != "O" || sx.Game != so.Game || sx.Opponent != "olga" || so.Opponent != "xavier" {
		t.Fatalf("starts %+v / %+v", sx, so)
	}
	for _, b := range []*browser{x, o} {
		if s := b.expect("state"); s.Board != "........." || s.Turn != "X" {
			t.Fatalf("initial state %+v", s)
		}
	}
	moves := []struct {
		by   *browser
		cell int
	}{{x, 0}, {o, 3}, {x, 1}, {o, 4}, {x, 2}}
	for _, mv := range moves {
		mv.by.send(clientMsg{Type: "move", Cell: mv.cell})
		sx, so = x.expect("state"), o.expect("state")
		if sx != so {
			t.Fatalf("players disagree: %+v / %+v", sx, so)
		}
	}
	final := serverMsg{Type: "state", Game: sx.Game, Board: "XXXOO....", Turn: "O", Status: Won, Winner: "X"}
	if sx != final {
		t.Fatalf("final state %+v, want %+v", sx, final)
	}
}

// TestPairingOnOneProcess pairs two players of one process.
func TestPairingOnOneProcess(t *testing.T) {
	p := startProcess(t, sockjs.NewMemoryBroker())
	x, o := p.browser(t), p.browser(t)
	x.send(clientMsg{Type: "play", Name: "xavier"})
	x.expect("waiting")
	o.send(clientMsg{Type: "play", Name: "olga"})
	playGame(t, x, o)
}

// TestPairingAcrossProcesses is the scaling case: the player waiting on
// process A is paired with the player arriving on process B; the game runs
// on A and B's moves travel over Redis.
func TestPairingAcrossProcesses(t *testing.T) {
	rs := redistest.Start(t)
	a, b := startProcess(t, redisBroker(t, rs)), startProcess(t, redisBroker(t, rs))
	x, o := a.browser(t), b.browser(t)
	x.send(clientMsg{Type: "play", Name: "xavier"})
	x.expect("waiting")
	time.Sleep(200 * time.Millisecond) // let B hear A's announcement
	o.send(clientMsg{Type: "play", Name: "olga"})
	playGame(t, x, o)
}

// TestWaitingOnBothProcessesPair checks two players who each started
// waiting on a different process are paired with each other.
func TestWaitingOnBothProcessesPair(t *testing.T) {
	rs := redistest.Start(t)
	a, b := startProcess(t, redisBroker(t, rs)), startProcess(t, redisBroker(t, rs))
	p1, p2 := a.browser(t), b.browser(t)
	p1.send(clientMsg{Type: "play", Name: "one"})
	p2.send(clientMsg{Type: "play", Name: "two"})
	s1, s2 := p1.expect("start"), p2.expect("start")
	if s1.Game != s2.Game || s1.You == s2.You || s1.Opponent != "two" || s2.Opponent != "one" {
		t.Fatalf("starts %+v / %+v", s1, s2)
	}
}

// TestOpponentLeavingAbandons checks the remote player's departure ends
// the game for the one left.
func TestOpponentLeavingAbandons(t *testing.T) {
	rs := redistest.Start(t)
	a, b := startProcess(t, redisBroker(t, rs)), startProcess(t, redisBroker(t, rs))
	x, o := a.browser(t), b.browser(t)
	x.send(clientMsg{Type: "play", Name: "xavier"})
	x.expect("waiting")
	time.Sleep(200 * time.Millisecond)
	o.send(clientMsg{Type: "play", Name: "olga"})
	x.expect("start")
	x.expect("state")
	o.expect("start")
	o.ws.Close()
	if s := x.expect("state"); s.Status != Abandoned {
		t.Fatalf("state %+v, want abandoned", s)
	}
}

// TestMoveOutOfTurnIsRefused checks the owner enforces the rules for its
// local player.
func TestMoveOutOfTurnIsRefused(t *testing.T) {
	p := startProcess(t, sockjs.NewMemoryBroker())
	x, o := p.browser(t), p.browser(t)
	x.send(clientMsg{Type: "play", Name: "xavier"})
	x.expect("waiting")
	o.send(clientMsg{Type: "play", Name: "olga"})
	o.expect("start")
	o.expect("state")
	o.send(clientMsg{Type: "move", Cell: 0})
	if e := o.expect("error"); e.Error != ErrNotYourTurn.Error() {
		t.Fatalf("error %+v, want not your turn", e)
	}
}

// TestBadInputGetsAnError checks the browser is told why its message was
// refused, in the words of parseClientMsg.
func TestBadInputGetsAnError(t *testing.T) {
	p := startProcess(t, sockjs.NewMemoryBroker())
	b := p.browser(t)
	cases := []struct {
		rule string
		msg  any
		want string
	}{
		{"a message is JSON", "nope", "bad message"},
		{"a message's type is known", clientMsg{Type: "resign"}, "unknown message type"},
		{"a name has at most 32 bytes", clientMsg{Type: "play", Name: strings.Repeat("n", 33)}, "a name of 1 to 32 characters, please"},
		{"a move is to a cell of the board", clientMsg{Type: "move", Cell: 9}, "no such cell: 9"},
		{"a move needs a game", clientMsg{Type: "move", Cell: 4}, "not in a game"},
	}
	for _, c := range cases {
		if s, ok := c.msg.(string); ok {
			frame, _ := json.Marshal([]string{s})
			if err := b.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
				t.Fatal(err)
			}
		} else {
			b.send(c.msg)
		}
		if e := b.expect("error"); e.Error != c.want {
			t.Errorf("%s: error %q, want %q", c.rule, e.Error, c.want)
		}
	}
}
