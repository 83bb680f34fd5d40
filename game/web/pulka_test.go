package web

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/table"
)

// tview is a client's picture of one table, folded from its messages as the
// page folds them: a "table" message replaces it, each "table_event" at
// the next version updates the parts it carries.
type tview struct {
	v     uint64
	parts map[string]json.RawMessage
}

// fold applies m; it reports a version gap as an error.
func (tv *tview) fold(m msg, raw string) error {
	var parts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &parts); err != nil {
		return err
	}
	var v uint64
	_ = json.Unmarshal(parts["v"], &v)
	switch m["type"] {
	case "table":
		tv.v, tv.parts = v, parts
	case "table_event":
		if v <= tv.v {
			return nil
		}
		if v != tv.v+1 {
			return fmt.Errorf("event v%d after v%d", v, tv.v)
		}
		tv.v = v
		for k, x := range parts {
			tv.parts[k] = x
		}
	}
	return nil
}

func (tv *tview) get(k string, into any) {
	if raw, ok := tv.parts[k]; ok {
		_ = json.Unmarshal(raw, into)
	}
}

// player drives one client at one table: it folds its messages, checks
// every deal view it gets for leaks, and plays a legal move when it has one.
type player struct {
	c       *client
	id      string
	tableID string
	tv      tview
	seen    int // raw messages folded
	moved   uint64
	rng     *rand.Rand
	views   []dealSeen
}

// dealSeen is one deal view a client got.
type dealSeen struct {
	dealNo int
	seat   int // the client's seat when it got it, -1 for a spectator
	raw    json.RawMessage
}

func (p *player) seat() int {
	var seats []protocol.Seat
	p.tv.get("seats", &seats)
	for i, s := range seats {
		if s.Player.ID == p.id && !s.Bot {
			return i
		}
	}
	return -1
}

// pump folds what p received; it plays when play is set.
func (p *player) pump(t testing.TB, play bool) {
	t.Helper()
	p.c.mu.Lock()
	raw := p.c.raw[p.seen:]
	p.seen = len(p.c.raw)
	closed := p.c.closed
	p.c.mu.Unlock()
	if closed != "" {
		t.Fatalf("%s closed: %s", p.id, closed)
	}
	for _, r := range raw {
		var m msg
		_ = json.Unmarshal([]byte(r), &m)
		switch m["type"] {
		case "error":
			t.Fatalf("%s got error %s", p.id, r)
		case "table", "table_event":
			if m.str("table") != p.tableID {
				continue
			}
			if err := p.tv.fold(m, r); err != nil {
				t.Fatalf("%s: %v", p.id, err)
			}
			var parts map[string]json.RawMessage
			_ = json.Unmarshal([]byte(r), &parts)
			var move struct {
				Kind string `json:"kind"`
			}
			if raw, ok := parts["move"]; ok && json.Unmarshal(raw, &move) == nil && move.Kind == "discard" {
				t.Fatalf("%s was told a discard: %s", p.id, r)
			}
			var legal []rules.Move
			if raw, ok := parts["legal"]; ok && json.Unmarshal(raw, &legal) == nil {
				for _, m := range legal {
					if int(m.Seat) != p.seat() {
						t.Fatalf("%s (seat %d) was offered a move of seat %d: %s", p.id, p.seat(), m.Seat, r)
					}
				}
			}
			if d, ok := parts["deal"]; ok && string(d) != "null" {
				var n int
				_ = json.Unmarshal(parts["deal_no"], &n)
				p.views = append(p.views, dealSeen{dealNo: n, seat: p.seat(), raw: d})
			}
		}
	}
	if !play {
		return
	}
	var legal []rules.Move
	p.tv.get("legal", &legal)
	if len(legal) == 0 || p.moved == p.tv.v {
		return
	}
	p.moved = p.tv.v
	var d struct {
		Phase string `json:"phase"`
	}
	p.tv.get("deal", &d)
	m := legal[0]
	switch r := p.rng.IntN(10); {
	case d.Phase == "play":
		m = legal[p.rng.IntN(len(legal))]
	case r >= 6 && len(legal) > 1:
		m = legal[1]
	}
	p.c.send(msg{"type": "move", "table": p.tableID, "move": m})
}

// checkViews replays the table's deals from its records and checks that
// every deal view a client got is exactly rules.View of some state of that
// deal for the client's seat: no hidden card, talon or discard ever reached
// anyone else.
func checkViews(t *testing.T, records []table.DealRecord, ps []*player) int {
	t.Helper()
	type key struct{ deal, seat int }
	allowed := map[key]map[string]bool{}
	for n, rec := range records {
		s, err := rules.New(rec.Deal)
		if err != nil {
			t.Fatal(err)
		}
		states := []rules.State{s}
		for _, m := range rec.Moves {
			if s, err = rules.Apply(s, m); err != nil {
				t.Fatal(err)
			}
			states = append(states, s)
		}
		for seat := -1; seat < rec.Deal.Options.Players; seat++ {
			set := map[string]bool{}
			for _, st := range states {
				set[canonical(t, rules.View(st, seat))] = true
			}
			allowed[key{n + 1, seat}] = set
		}
	}
	checked := 0
	for _, p := range ps {
		for _, v := range p.views {
			if !allowed[key{v.dealNo, v.seat}][canonical(t, v.raw)] {
				t.Fatalf("%s (seat %d) got a view of deal %d that no state of the deal gives that seat: %s", p.id, v.seat, v.dealNo, v.raw)
			}
			checked++
		}
	}
	return checked
}

// TestPlayersSetATableAndPlayAWholePulka: over websocket and xhr-streaming,
// three and four players set a table through the conventions dialog, sit,
// and play a whole pulka with a short pool to the settlement, a spectator
// watching; every deal view to every seat and to the spectator is checked
// against the replayed deals (the no-leak inspection).
func TestPlayersSetATableAndPlayAWholePulka(t *testing.T) {
	for _, transport := range []string{"websocket", "xhr_streaming"} {
		for _, n := range []int{3, 4} {
			t.Run(fmt.Sprintf("%s/%d players", transport, n), func(t *testing.T) {
				srv, lb := testServer(t, table.Config{}, Config{MessageRate: 1000})
				notify := make(chan struct{}, 1)
				var ps []*player
				names := []string{"Anna", "Boris", "Vera", "Gleb", "Spectator"}
				for i := 0; i <= n; i++ {
					c := dial(t, srv, transport)
					c.mu.Lock()
					c.notify = notify
					c.mu.Unlock()
					w := c.signin(names[i])
					ps = append(ps, &player{c: c, id: w["player"].(map[string]any)["id"].(string), rng: rand.New(rand.NewPCG(uint64(i), 9))})
				}
				anna := ps[0]
				anna.c.send(msg{"type": "set"})
				id := anna.c.await("created").str("table")
				anna.c.send(msg{"type": "conventions", "table": id, "preset": "sochi",
					"options": msg{"players": n, "pool_target": 2, "timeout_action": "fine", "timeout_fine": 10}})
				for anna.c.await("table_event").str("kind") != "convention" {
				}
				for i, p := range ps {
					p.tableID = id
					switch {
					case i == n:
						p.c.send(msg{"type": "watch", "table": id})
					case i > 0:
						p.c.send(msg{"type": "sit", "table": id, "seat": i})
					}
				}
				tb, ok := lb.Table(id)
				if !ok {
					t.Fatal("no table")
				}
				deadline := time.Now().Add(2 * time.Minute)
				for tb.Summary().State != protocol.StateFinished {
					if time.Now().After(deadline) {
						t.Fatalf("the pulka did not end; summary %+v", tb.Summary())
					}
					select {
					case <-notify:
					case <-time.After(waitLimit):
						t.Fatalf("nothing happened for %v; summary %+v", waitLimit, tb.Summary())
					}
					for i, p := range ps {
						p.pump(t, i < n)
					}
				}
				// the last events
				for range 50 {
					done := true
					for _, p := range ps {
						p.pump(t, false)
						var state string
						p.tv.get("state", &state)
						done = done && state == "finished"
					}
					if done {
						break
					}
					select {
					case <-notify:
					case <-time.After(waitLimit):
					}
				}
				sheet, _ := tb.Sheet()
				res, err := sheet.Settle()
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps {
					var result protocol.Settlement
					p.tv.get("result", &result)
					if result.Reason != "pool" || !slices.Equal(result.Rounded, res.Rounded[:n]) {
						t.Fatalf("%s: result %+v, the sheet settles to %v", p.id, result, res.Rounded[:n])
					}
				}
				checked := checkViews(t, tb.Records(), ps)
				t.Logf("%d deals, %d deal views checked, result %v", sheet.Deals(), checked, res.Rounded[:n])
				if sheet.Deals() == 0 || checked == 0 {
					t.Fatal("nothing was played")
				}
			})
		}
	}
}

// canonical returns v (a value or raw JSON) as JSON with sorted keys.
func canonical(t *testing.T, v any) string {
	b, ok := v.(json.RawMessage)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(x)
	return string(out)
}
