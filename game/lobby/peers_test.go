package lobby

import (
	"net/netip"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// relay is a Sharer that hands what one lobby shares to another, as
// game/cluster does over Redis.
type relay struct {
	from string
	to   *Lobby
}

func (r *relay) Table(sum protocol.Summary) { r.to.PutRemote(sum) }
func (r *relay) Online(p protocol.Player, online bool) {
	r.to.PeerOnline(r.from, p, online)
}
func (r *relay) Chat(line protocol.ChatLine) { r.to.PeerChat(line) }

// Two lobbies sharing with each other list the same tables, the same
// people and the same chat; a table run by one is remote in the other.
func TestPeersShareTablesPresenceAndChat(t *testing.T) {
	ra, rb := &relay{from: "A"}, &relay{from: "B"}
	a := newLobby(t, Config{Share: ra, FirstVersion: 1000, NewID: func() string { return "tA" }})
	b := newLobby(t, Config{Share: rb, FirstVersion: 5000})
	ra.to, rb.to = b, a
	anna, boris := conn("Anna"), conn("Boris")
	a.Join(anna, 0)
	b.Join(boris, 0)
	tb, err := a.Set(anna.p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	a.Chat(anna, "hello from A")
	settle(t, b, boris, func(tables map[string]protocol.Summary, online map[string]bool) bool {
		return tables["tA"].State == protocol.StateConvention && online["dev:Anna"] && online["dev:Boris"]
	})
	settle(t, a, anna, func(_ map[string]protocol.Summary, online map[string]bool) bool { return online["dev:Boris"] })
	if !b.Remote("tA") || a.Remote("tA") {
		t.Fatalf("tA remote in B %v, in A %v: want true, false", b.Remote("tA"), a.Remote("tA"))
	}
	if _, ok := b.Table("tA"); ok {
		t.Fatal("B hands out a *table.Table for a table A runs")
	}
	if ids := b.SeatedAtIDs("dev:Anna"); len(ids) != 0 {
		t.Fatalf("anna sits at %v before choosing the conventions", ids)
	}
	tb.SetConventions(anna, "sochi", nil) // anna sits at seat 0
	deadline := time.Now().Add(10 * time.Second)
	for len(b.SeatedAtIDs("dev:Anna")) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("B never learns that Anna sits at tA")
		}
		time.Sleep(time.Millisecond) // polling state
	}
	b.act.Ask(func(s *state) {
		if len(s.chat) != 1 || s.chat[0].Text != "hello from A" {
			t.Errorf("B's chat %+v", s.chat)
		}
	})
	// Boris's process dies: Anna's lobby forgets him.
	a.PeerGone("B")
	settle(t, a, anna, func(_ map[string]protocol.Summary, online map[string]bool) bool { return !online["dev:Boris"] })
	// The table is cancelled... by A: B drops it.
	tb.Stop()
	a.Disown("tA")
	if !a.Remote("tA") {
		t.Fatal("a disowned table is not listed as remote")
	}
	a.PutRemote(protocol.Summary{ID: "tA", State: protocol.StateFree})
	settle(t, a, anna, func(tables map[string]protocol.Summary, _ map[string]bool) bool {
		_, ok := tables["tA"]
		return !ok
	})
}
