package rules

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// A SeatView a client receives decodes back to the same value, so a Go
// client (a bot, the load generator) reads exactly what the server sent.
func TestSeatViewJSONRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	views := 0
	for name, opt := range presets(3) {
		for _, players := range []int{3, 4} {
			opt := opt
			opt.Players = players
			for range 8 {
				d := Deal{Seed: rng.Uint64(), Dealer: rng.IntN(players), Options: opt}
				playRandom(t, d, rng, func(s State) {
					for viewer := Spectator; viewer < players; viewer++ {
						v := s.ViewFor(viewer)
						b, err := json.Marshal(v)
						if err != nil {
							t.Fatalf("%s: marshal: %v", name, err)
						}
						var back SeatView
						if err := json.Unmarshal(b, &back); err != nil {
							t.Fatalf("%s: unmarshal %s: %v", name, b, err)
						}
						if !reflect.DeepEqual(v, back) {
							t.Fatalf("%s: round trip changed the view:\n got %+v\nwant %+v", name, back, v)
						}
						views++
					}
				})
			}
		}
	}
	if views < 1000 {
		t.Fatalf("only %d views checked", views)
	}
}

func TestEnumCodesRoundTrip(t *testing.T) {
	for p := PhaseAuction; p <= PhaseDone; p++ {
		var back Phase
		b, _ := p.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != p {
			t.Errorf("phase %v: %s → %v, %v", p, b, back, err)
		}
	}
	for _, bad := range []string{"", "end of the deal", "Auction", "phase_9"} {
		var p Phase
		if err := p.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("phase %q accepted", bad)
		}
	}
}
