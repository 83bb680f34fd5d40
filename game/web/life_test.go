package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/table"
)

// botTable has p (signed in on c) set a table with options (RULES §14),
// seat two bots and start the pulka; it returns the table id.
func botTable(t testing.TB, c *client, options msg) string {
	t.Helper()
	c.send(msg{"type": "set"})
	id := c.await("created").str("table")
	c.send(msg{"type": "conventions", "table": id, "preset": "sochi", "options": options})
	for c.await("table_event").str("kind") != "convention" {
	}
	c.send(msg{"type": "add_bot", "table": id, "seat": 1})
	c.send(msg{"type": "add_bot", "table": id, "seat": 2})
	for c.await("table_event").str("kind") != "start" {
	}
	return id
}

// follow folds p's messages until cond holds of its picture, playing the
// first legal move while play says so.
func follow(t testing.TB, p *player, play func(*player) bool, cond func(*player) bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		p.pump(t, false)
		if cond(p) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the condition never held; view v%d", p.id, p.tv.v)
		}
		if play(p) {
			var legal []rules.Move
			p.tv.get("legal", &legal)
			if len(legal) > 0 && p.moved != p.tv.v {
				p.moved = p.tv.v
				p.c.send(msg{"type": "move", "table": p.tableID, "move": legal[0]})
			}
		}
		select {
		case <-p.c.wake:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func phase(p *player) string {
	var d struct {
		Phase string `json:"phase"`
	}
	p.tv.get("deal", &d)
	return d.Phase
}

func myTurn(p *player) bool {
	var legal []rules.Move
	p.tv.get("legal", &legal)
	return len(legal) > 0
}

func clockOf(p *player) protocol.Clock {
	var c protocol.Clock
	p.tv.get("clock", &c)
	return c
}

func newPlayer(t testing.TB, c *client, name string) *player {
	w := c.signin(name)
	p := &player{c: c, id: w["player"].(map[string]any)["id"].(string)}
	c.mu.Lock()
	p.seen = len(c.raw)
	c.mu.Unlock()
	return p
}

// TestAReconnectMidTrickRestoresSeatCardsAndClock: Anna drops in the middle
// of a trick and comes back on another transport with the version she has:
// her seat, her cards and her deadline are as they were.
func TestAReconnectMidTrickRestoresSeatCardsAndClock(t *testing.T) {
	srv, lb := testServer(t, table.Config{}, Config{MessageRate: 1000})
	anna := newPlayer(t, dial(t, srv, "websocket"), "Anna")
	anna.tableID = botTable(t, anna.c, msg{"pool_target": 50})
	midTrick := func(p *player) bool {
		var d struct {
			Trick [4]*string `json:"trick"`
		}
		p.tv.get("deal", &d)
		for _, c := range d.Trick {
			if c != nil {
				return true
			}
		}
		return false
	}
	follow(t, anna, func(*player) bool { return true }, func(p *player) bool { return phase(p) == "play" && myTurn(p) && midTrick(p) })
	tb, _ := lb.Table(anna.tableID)
	before := anna.tv
	var hand struct {
		Hands [4]rules.Hand `json:"hands"`
	}
	before.get("deal", &hand)
	clock := clockOf(anna)
	anna.c.close()
	for began := time.Now(); tb.Summary().Seats[0].Online; { // the server saw her go
		if time.Since(began) > waitLimit {
			t.Fatal("the server never saw Anna's connection close")
		}
		time.Sleep(time.Millisecond) // polling the state, not timing it
	}

	back := &player{c: dial(t, srv, "xhr_streaming"), id: anna.id, tableID: anna.tableID, tv: tview{v: before.v, parts: maps.Clone(before.parts)}}
	back.c.send(msg{"type": "signin", "name": "Anna", "tables": map[string]uint64{anna.tableID: before.v}})
	back.c.await("welcome")
	follow(t, back, func(*player) bool { return false }, func(p *player) bool {
		var seats []protocol.Seat
		p.tv.get("seats", &seats)
		return p.tv.v > before.v && len(seats) > 0 && seats[0].Online
	})
	var handAfter struct {
		Hands [4]rules.Hand `json:"hands"`
	}
	back.tv.get("deal", &handAfter)
	if back.seat() != 0 || handAfter.Hands[0] != hand.Hands[0] || hand.Hands[0] == 0 {
		t.Fatalf("after the reconnect: seat %d hand %v, want seat 0 hand %v", back.seat(), handAfter.Hands[0], hand.Hands[0])
	}
	if after := clockOf(back); after.Deadline != clock.Deadline || after.Seat != 0 {
		t.Fatalf("clock %+v after the reconnect, want %+v", after, clock)
	}
	if !myTurn(back) {
		t.Fatal("no legal moves after the reconnect")
	}
}

// TestWatchLeaveStormsAreHarmless: a spectator toggles watch and leave in a
// loop (the storm that froze tables) while Anna plays: her deadline does
// not move and her moves still come back; the move→event latency is logged.
func TestWatchLeaveStormsAreHarmless(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{MessageRate: 1e6})
	anna := newPlayer(t, dial(t, srv, "websocket"), "Anna")
	anna.tableID = botTable(t, anna.c, msg{"pool_target": 50})
	measure := func(n int) string {
		var lat []time.Duration
		for range n {
			follow(t, anna, func(*player) bool { return false }, myTurn)
			var legal []rules.Move
			anna.tv.get("legal", &legal)
			v := anna.tv.v
			start := time.Now()
			anna.moved = v
			anna.c.send(msg{"type": "move", "table": anna.tableID, "move": legal[0]})
			follow(t, anna, func(*player) bool { return false }, func(p *player) bool { return p.tv.v > v })
			lat = append(lat, time.Since(start))
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		return fmt.Sprintf("p50 %v, p90 %v, max %v", lat[len(lat)/2], lat[len(lat)*9/10], lat[len(lat)-1])
	}
	quiet := measure(20)
	follow(t, anna, func(*player) bool { return false }, myTurn)
	deadline := clockOf(anna).Deadline

	var storms sync.WaitGroup
	var toggles atomic.Int64
	stop := make(chan struct{})
	for i := range 4 {
		c := dial(t, srv, []string{"websocket", "xhr_streaming"}[i%2])
		c.signin("Storm")
		storms.Add(1)
		go func() {
			defer storms.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				// A storm client that reads too slowly is closed as a slow
				// consumer: that ends its storm, not the test.
				if c.trySend(msg{"type": "watch", "table": anna.tableID}) != nil ||
					c.trySend(msg{"type": "leave", "table": anna.tableID}) != nil {
					return
				}
				toggles.Add(1)
				_ = c.take()
			}
		}()
	}
	defer func() { close(stop); storms.Wait() }()
	for began := time.Now(); toggles.Load() < 400; {
		if time.Since(began) > waitLimit {
			t.Fatalf("the storm made %d watch/leave in %v", toggles.Load(), waitLimit)
		}
		time.Sleep(time.Millisecond) // wait for the storm to be under way
	}
	anna.pump(t, false)
	if got := clockOf(anna).Deadline; got != deadline {
		t.Fatalf("the deadline moved from %d to %d during the storm", deadline, got)
	}
	stormy := measure(30)
	t.Logf("Anna's move→event latency: quiet %s; under the storm (%d watch/leave so far) %s", quiet, toggles.Load(), stormy)
}

// transports are the SockJS transports the club's tests run over: the
// browser's first choice and the streaming fallback.
var transports = []string{"websocket", "xhr_streaming"}

func TestTheConventionCountdownFreesTheTable(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) { conventionCountdown(t, tr) })
	}
}

func conventionCountdown(t *testing.T, transport string) {
	srv, _ := testServer(t, table.Config{ConventionTime: 50 * time.Millisecond}, Config{})
	anna := dial(t, srv, transport)
	anna.signin("Anna")
	anna.send(msg{"type": "set"})
	id := anna.await("created").str("table")
	for {
		m := anna.await("table_event")
		if m.str("kind") == "free" && m.str("state") == "free" {
			break
		}
	}
	for {
		if m := anna.await("lobby_delta"); slices.Contains(toStrings(m["removed"]), id) {
			break
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// journal keeps what a table hands its Journal.
type journal struct {
	mu     sync.Mutex
	moves  int
	pulkas []table.PulkaRecord
}

func (j *journal) Begin(table.PulkaStart) error { return nil }

func (j *journal) Deal(table.DealStart) error { return nil }

func (j *journal) Move(table.MoveEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.moves++
	return nil
}

func (j *journal) Pulka(r table.PulkaRecord) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.pulkas = append(j.pulkas, r)
	return nil
}

func TestTheMoveTimeoutUnderEachTimeoutAction(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) { moveTimeouts(t, tr) })
	}
}

func moveTimeouts(t *testing.T, transport string) {
	t.Run("fine: fined and settled at once, as the record scores", func(t *testing.T) {
		j := &journal{}
		srv, _ := testServer(t, table.Config{Journal: j}, Config{})
		anna := newPlayer(t, dial(t, srv, transport), "Anna")
		anna.tableID = botTable(t, anna.c, msg{"move_time": 1, "timeout_action": "fine", "timeout_fine": 12})
		follow(t, anna, func(*player) bool { return false }, func(p *player) bool {
			var s string
			p.tv.get("state", &s)
			return s == "finished"
		})
		var res protocol.Settlement
		anna.tv.get("result", &res)
		if res.Reason != "fine" || res.Fines[anna.id] != 12 {
			t.Fatalf("result %+v, want Anna fined 12", res)
		}
		j.mu.Lock()
		rec := j.pulkas[0]
		moves := j.moves
		j.mu.Unlock()
		if rec.Record.Fines["Anna"] != 12 {
			t.Fatalf("the record's fines %v", rec.Record.Fines)
		}
		// The record with its fines, as cmd/pulka reads it, scores to the
		// settlement the players saw.
		var buf bytes.Buffer
		if err := rec.Record.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		decoded, err := score.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := score.Run(decoded)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Rounded, out.Rounded.Values) {
			t.Fatalf("settlement %v, the record scores %v", res.Rounded, out.Rounded.Values)
		}
		t.Logf("fined after %d moves; settlement %v", moves, res.Rounded)
	})
	t.Run("bot: a bot plays for the absent player until they speak", func(t *testing.T) {
		srv, _ := testServer(t, table.Config{}, Config{})
		anna := newPlayer(t, dial(t, srv, transport), "Anna")
		anna.tableID = botTable(t, anna.c, msg{"move_time": 1, "pool_target": 50, "timeout_action": "bot-takeover"})
		botPlays := func(p *player) bool {
			var seats []protocol.Seat
			p.tv.get("seats", &seats)
			return seats[0].BotPlays
		}
		follow(t, anna, func(*player) bool { return false }, botPlays)
		anna.c.mu.Lock()
		seen := len(anna.c.raw)
		anna.c.mu.Unlock()
		anna.c.send(msg{"type": "table_chat", "table": anna.tableID, "text": "back"})
		// The next timeout may hand the seat to the bot again: look for the
		// event that took it back, not at the picture.
		follow(t, anna, func(*player) bool { return false }, func(p *player) bool {
			p.c.mu.Lock()
			defer p.c.mu.Unlock()
			for _, r := range p.c.raw[seen:] {
				var m struct {
					Kind  string
					Seats []protocol.Seat
				}
				_ = json.Unmarshal([]byte(r), &m)
				if len(m.Seats) > 0 && !m.Seats[0].BotPlays { // the chat's event carries the seats

					return true
				}
			}
			return false
		})
	})
	t.Run("bank: the reserve, then the timeout move", func(t *testing.T) {
		srv, _ := testServer(t, table.Config{}, Config{})
		anna := newPlayer(t, dial(t, srv, transport), "Anna")
		anna.tableID = botTable(t, anna.c, msg{"move_time": 1, "pool_target": 50, "timeout_action": "auto-pass", "time_bank": 1})
		follow(t, anna, func(*player) bool { return false }, myTurn)
		c := clockOf(anna)
		if len(c.Bank) != 3 || c.Bank[0] != 1000 {
			t.Fatalf("clock %+v, want a bank of 1000 ms each", c)
		}
		seen := 0
		follow(t, anna, func(*player) bool { return false }, func(p *player) bool {
			p.c.mu.Lock()
			defer p.c.mu.Unlock()
			for _, r := range p.c.raw[seen:] {
				var m struct{ Kind string }
				_ = json.Unmarshal([]byte(r), &m)
				if m.Kind == "timeout" {
					return true
				}
			}
			seen = len(p.c.raw)
			return false
		})
		follow(t, anna, func(*player) bool { return false }, func(p *player) bool { return clockOf(p).Bank[0] == 0 })
	})
}
