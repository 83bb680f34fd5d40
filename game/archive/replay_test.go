package archive_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
)

type dealResponse struct {
	Pulka   int64    `json:"pulka"`
	Deal    int      `json:"deal"`
	Deals   int      `json:"deals"`
	Players []string `json:"players"`
	Steps   []struct {
		Move *rules.Move    `json:"move"`
		View rules.SeatView `json:"view"`
	} `json:"steps"`
}

// TestReplayShowsEveryPositionWithAllHands checks the replay viewer's
// endpoint against the pulka it replays: one position per move after the
// deal as dealt, every hand and the talon face up, each played card gone
// from its hand, and the last position the deal's end as recorded.
func TestReplayShowsEveryPositionWithAllHands(t *testing.T) {
	c := newClub(t, 1)
	id := c.pulkas[0]
	var full pulkaResponse
	if err := json.Unmarshal(c.get(t, fmt.Sprint("/api/pulkas/", id), http.StatusOK), &full); err != nil {
		t.Fatal(err)
	}
	for n, rp := range full.Replay {
		var d dealResponse
		if err := json.Unmarshal(c.get(t, fmt.Sprintf("/api/pulkas/%d/deals/%d", id, n+1), http.StatusOK), &d); err != nil {
			t.Fatal(err)
		}
		if d.Deal != n+1 || d.Deals != len(full.Replay) || !reflect.DeepEqual(d.Players, c.names) {
			t.Fatalf("deal %d: header %d/%d %v", n+1, d.Deal, d.Deals, d.Players)
		}
		if len(d.Steps) != len(rp.Moves)+1 || d.Steps[0].Move != nil {
			t.Fatalf("deal %d: %d positions for %d moves", n+1, len(d.Steps), len(rp.Moves))
		}
		// as dealt: 10 cards a hand and the talon, 32 different cards
		first := d.Steps[0].View
		var all rules.Hand
		for p := range 3 {
			if first.Hands[p].Len() != 10 || first.Hands[p]&all != 0 {
				t.Fatalf("deal %d: hand %d as dealt: %v", n+1, p, first.Hands[p])
			}
			all |= first.Hands[p]
		}
		for _, tc := range first.Talon {
			if tc == rules.NoCard || all.Has(tc) {
				t.Fatalf("deal %d: talon %v hidden or in a hand", n+1, first.Talon)
			}
			all = all.With(tc)
		}
		for k, st := range d.Steps[1:] {
			if st.Move == nil || !reflect.DeepEqual(*st.Move, rp.Moves[k]) {
				t.Fatalf("deal %d step %d: move %+v, the pulka has %+v", n+1, k+1, st.Move, rp.Moves[k])
			}
			if m := *st.Move; m.Kind == rules.MovePlay && m.Seat < 3 {
				if st.View.Hands[m.Seat].Has(m.Card) || !d.Steps[k].View.Hands[m.Seat].Has(m.Card) {
					t.Errorf("deal %d step %d: %v played from seat %d's hand %v", n+1, k+1, m.Card, m.Seat, d.Steps[k].View.Hands[m.Seat])
				}
			}
		}
		last := d.Steps[len(d.Steps)-1].View
		if last.Phase != rules.PhaseDone {
			t.Errorf("deal %d ends in %v", n+1, last.Phase)
		}
	}
	// a deal the pulka does not have, and bad numbers
	c.get(t, fmt.Sprintf("/api/pulkas/%d/deals/%d", id, len(full.Replay)+1), http.StatusNotFound)
	c.get(t, fmt.Sprintf("/api/pulkas/%d/deals/0", id), http.StatusBadRequest)
	c.get(t, "/api/pulkas/999/deals/1", http.StatusNotFound)
	// every deal came from one read of the store
	before := c.src.reads.Load()
	c.get(t, fmt.Sprintf("/api/pulkas/%d/deals/1", id), http.StatusOK)
	if got := c.src.reads.Load() - before; got != 0 {
		t.Errorf("a replayed deal viewed again read the store %d times", got)
	}
}

func TestRatingsTopIsOrderedCachedAndRefreshedWhenAPulkaFinishes(t *testing.T) {
	c := newClub(t, 2)
	var top struct {
		Players []struct {
			Place, Games int
			ID           int64
			Name         string
			Rating       struct{ Mu, Sigma, Ordinal float64 }
		}
	}
	if err := json.Unmarshal(c.get(t, "/api/ratings", http.StatusOK), &top); err != nil {
		t.Fatal(err)
	}
	if len(top.Players) != 3 {
		t.Fatalf("rating top %+v, want the three players", top.Players)
	}
	for i, p := range top.Players {
		if p.Place != i+1 || p.Games != 2 || p.Name == "" {
			t.Errorf("line %d: %+v", i, p)
		}
		if i > 0 && top.Players[i-1].Rating.Ordinal < p.Rating.Ordinal {
			t.Errorf("line %d (%.3f) above line %d (%.3f)", i-1, top.Players[i-1].Rating.Ordinal, i, p.Rating.Ordinal)
		}
	}
	var one struct{ Players []struct{ ID int64 } }
	if err := json.Unmarshal(c.get(t, "/api/ratings?limit=1", http.StatusOK), &one); err != nil {
		t.Fatal(err)
	}
	if len(one.Players) != 1 || one.Players[0].ID != top.Players[0].ID {
		t.Errorf("top 1: %+v, want %d", one.Players, top.Players[0].ID)
	}
	before := c.src.reads.Load()
	c.get(t, "/api/ratings", http.StatusOK)
	if got := c.src.reads.Load() - before; got != 0 {
		t.Errorf("the rating top viewed again read the store %d times", got)
	}
	c.h.PulkaFinished()
	c.get(t, "/api/ratings", http.StatusOK)
	if got := c.src.reads.Load() - before; got != 1 {
		t.Errorf("after a pulka finished the top was read %d times, want 1", got)
	}
	for _, bad := range []string{"?limit=0", "?limit=101", "?limit=x", "?limit=1&limit=2"} {
		c.get(t, "/api/ratings"+bad, http.StatusBadRequest)
	}
}
