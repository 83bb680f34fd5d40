//go:build linux

package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/protocol"
)

// bigClub lists 130 tables of another process in lb — 20 waiting for a
// player, 10 being set, 90 playing (watched 0 to 8), 10 finished — and
// 80 players online there.
func bigClub(lb *lobby.Lobby) {
	for i := range 130 {
		id := fmt.Sprint("r", i)
		sum := protocol.Summary{ID: id, Creator: protocol.Player{ID: id + "c", Name: fmt.Sprint("Host ", i)}, Preset: "sochi", Players: 3,
			PoolTarget: 10, MoveTime: 60, TimeoutAction: "auto-pass"}
		for s := range 3 {
			sum.Seats = append(sum.Seats, protocol.Seat{Player: protocol.Player{ID: fmt.Sprint(id, "p", s), Name: fmt.Sprint("Player ", i, s)}, Online: true})
		}
		switch {
		case i < 20:
			sum.State, sum.Seats[2] = protocol.StateWaiting, protocol.Seat{}
		case i < 30:
			sum.State, sum.Seats = protocol.StateConvention, make([]protocol.Seat, 3)
		case i < 120:
			sum.State, sum.Watchers, sum.Deals = protocol.StatePlaying, i%9, i%7
		default:
			sum.State = protocol.StateFinished
		}
		lb.PutRemote(sum)
	}
	for i := range 80 {
		lb.PeerOnline("peer", protocol.Player{ID: fmt.Sprint("o", i), Name: fmt.Sprintf("Online %02d", i)}, true)
	}
}

// TestBrowserLobbyShowsAPageAndCounts: in a club of 130 tables and 80
// players, the lobby page shows the counts by state, the first 50 tables
// in the lobby's order (waiting first), "50 of 130" and "More tables",
// which brings 100; the "Waiting" filter shows the 20 waiting tables
// alone; the names online are the first 50 of 81 (Anna and the 80) with
// "+31 more", which brings the rest. A table Anna sets shows up as a delta in
// the guest's page on a phone. On a desktop, a phone and beside an open
// table, a table's "Watch" sits beside its head or its seats (it sat on a
// line of its own), no row overflows, the head breaks between its phrases,
// never inside one ("60 s" / "a move"), and deals and watchers do not run
// together ("deals: 2 8 watching"). Desktop and phone screenshots.
func TestBrowserLobbyShowsAPageAndCounts(t *testing.T) {
	node, chromium, pw := browserTools(t)
	shots := screenshotDir(t, "lobby")
	outb := runClub(t, nil, bigClub, time.Second, "testdata/lobby.mjs", node, chromium, pw, shots)
	type layout struct{ WatchApart, Overflowing, BrokenPhrases, RunTogether, Tallest int }
	var out struct {
		First, AfterMore, Waiting, Names, AfterMoreNames, GuestSawSet int
		FirstState, Shown, Counts, OnlineText                         string
		Desktop, Phone, AtTable                                       *layout
		Errors                                                        []string
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("driver output %q: %v", outb, err)
	}
	for _, e := range out.Errors {
		t.Errorf("page error: %s", e)
	}
	want := []struct {
		name      string
		got, want any
	}{
		{"tables on the first page", out.First, 50},
		{"the first table's state", out.FirstState, "waiting"},
		{"the page says", out.Shown, "50 of 130 shown"},
		{"tables after More", out.AfterMore, 100},
		{"tables when filtered to waiting", out.Waiting, 20},
		{"names listed", out.Names, 50},
		{"names after more", out.AfterMoreNames, 81},
		{"the guest's page shows Anna's new table", out.GuestSawSet, 1},
	}
	for _, w := range want {
		if fmt.Sprint(w.got) != fmt.Sprint(w.want) {
			t.Errorf("%s: %v, want %v", w.name, w.got, w.want)
		}
	}
	if strings.Contains(out.OnlineText, "null") || !strings.HasSuffix(out.OnlineText, "Online 79") {
		t.Errorf("every name listed: %q, want them alone, Online 79 last", out.OnlineText)
	}
	if out.Counts == "" {
		t.Error("the page shows no counts by state")
	}
	for _, l := range []struct {
		name string
		got  *layout
	}{{"desktop (1280 px)", out.Desktop}, {"phone (390 px)", out.Phone}, {"beside a table (desktop)", out.AtTable}} {
		switch {
		case l.got == nil:
			t.Errorf("%s: the rows were not measured", l.name)
		case l.got.WatchApart != 0 || l.got.Overflowing != 0 || l.got.BrokenPhrases != 0 || l.got.RunTogether != 0:
			t.Errorf("%s: %d rows with Watch on a line of its own, %d overflowing, %d phrases broken over two lines, %d rows with deals and watchers run together; want none",
				l.name, l.got.WatchApart, l.got.Overflowing, l.got.BrokenPhrases, l.got.RunTogether)
		default:
			t.Logf("%s: the tallest row is %d px", l.name, l.got.Tallest)
		}
	}
}
