package lobby

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

// resumeAt is a pulka of Anna, Boris and a bot at table id, its first deal
// dealt and not played yet.
func resumeAt(t *testing.T, id string) table.Resume {
	t.Helper()
	set, err := table.DefaultSettings("sochi")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	return table.Resume{
		Table: id, Pulka: 1, Settings: set, Started: now,
		Players: []protocol.Player{conn("Anna").p, conn("Boris").p, {ID: "bot:Bot #3", Name: "Bot #3"}},
		Deals:   []table.ResumeDeal{{Seed: 42, Started: now}},
	}
}

func TestRestoredTablesAreListedAndFoundBySignIn(t *testing.T) {
	l := newLobby(t, Config{})
	broken := resumeAt(t, "t2")
	broken.Deals[0].Dealer = 2
	err := l.Restore([]table.Resume{resumeAt(t, "t5"), broken, resumeAt(t, "t5")})
	if err == nil || !strings.Contains(err.Error(), "t2") || !strings.Contains(err.Error(), `"t5"`) {
		t.Fatalf("restore error %v, want the broken t2 and the second t5 named", err)
	}

	vera := conn("Vera")
	l.Join(vera, 0)
	tables, _ := settle(t, l, vera, func(tables map[string]protocol.Summary, _ map[string]bool) bool {
		return tables["t5"].State == protocol.StatePlaying
	})
	if len(tables) != 1 || tables["t5"].Creator != conn("Anna").p {
		t.Fatalf("the lobby lists %+v, want t5 playing, set by Anna", tables)
	}

	// Boris signs in again: the lobby gives him the tables he sits at and
	// the one he had comes back whole, whatever version he had.
	boris := conn("Boris")
	seated := l.SeatedAt(boris.p.ID)
	if len(seated) != 1 || seated[0].ID() != "t5" {
		t.Fatalf("Boris sits at %d tables, want t5", len(seated))
	}
	seated[0].Watch(boris, 57)
	seated[0].Summary()
	boris.mu.Lock()
	first := boris.msgs[0]
	boris.mu.Unlock()
	var view protocol.TableView
	if err := json.Unmarshal([]byte(first), &view); err != nil || !strings.Contains(first, `"type":"table"`) {
		t.Fatalf("Boris got %s (%v), want the whole table", first, err)
	}
	if view.State != protocol.StatePlaying || view.DealNo != 1 || view.Deal == nil || view.Deal.Hands[1].Len() != 10 || view.Deal.Hands[0] != 0 {
		t.Fatalf("Boris sees %s", first)
	}

	tb, err := l.Set(vera.p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	if tb.ID() == "t5" || tb.ID() == "t1" {
		t.Fatalf("a new table took id %s after restored t5", tb.ID())
	}
}

// A client back after a restart with the lobby version it had gets the
// whole new lobby, never a delta of the new lobby's history.
func TestALobbyVersionOfAnEarlierLifeGetsTheWholeLobby(t *testing.T) {
	first := newLobby(t, Config{})
	anna := conn("Anna")
	first.Join(anna, 0)
	settle(t, first, anna, func(_ map[string]protocol.Summary, online map[string]bool) bool { return online["dev:Anna"] })
	_, _, old, _ := anna.lobbyView(t)
	first.Stop()

	second := newLobby(t, Config{})
	boris := conn("Boris")
	second.Join(boris, 0)
	for _, name := range []string{"Vera", "Gleb"} { // more deltas than the first lobby made
		second.Join(conn(name), 0)
		settle(t, second, boris, func(_ map[string]protocol.Summary, online map[string]bool) bool { return online["dev:"+name] })
	}
	back := conn("Anna")
	second.Join(back, old)
	second.Version()
	back.mu.Lock()
	defer back.mu.Unlock()
	if len(back.msgs) != 1 || !strings.Contains(back.msgs[0], `"type":"lobby"`) {
		t.Fatalf("back with v%d of the earlier lobby: got %v, want the whole lobby", old, back.msgs)
	}
}
