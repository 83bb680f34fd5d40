package rules

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// maySee is the set of cards a viewer may see in s besides played cards,
// written from the rules (RULES §4.3, §5.3, §7.4, §7.5, Decision 8) and not
// from the engine's exposure bookkeeping.
func maySee(s State, viewer int) Hand {
	var ok Hand
	seated := viewer >= 0 && viewer < s.Players() && !(s.Players() == 4 && viewer == s.Dealer())
	if seated {
		ok |= s.Hand(viewer)
	}
	talon := HandOf(s.Talon()[0], s.Talon()[1])
	f, sd := s.defenders()
	defenders := s.Hand(int(f)) | s.Hand(int(sd))
	switch s.Kind() {
	case KindContract:
		if s.Phase() != PhaseAuction {
			ok |= talon
		}
		if seated && viewer == s.Declarer() {
			ok |= s.Discard()
		}
		opt := s.Options()
		if s.Phase() == PhasePlay || s.Phase() == PhaseDone {
			if s.open && (opt.OpenTiming == pref.BeforeFirstLead || s.TrickNumber() >= 1) {
				ok |= defenders
			}
			if s.Contract().Level() == 10 && opt.TenMode == pref.TenChecked && opt.CheckedTenOpen {
				ok |= defenders
			}
			if s.Players() == 4 && s.Call(s.Dealer()) == pref.CallWhist {
				ok |= defenders // the dealer whisted and plays both hands face up
			}
		}
	case KindMisere:
		ok |= talon
		if seated && viewer == s.Declarer() {
			ok |= s.Discard()
		}
		opt := s.Options()
		if s.TrickNumber() >= 1 || (opt.MisereExposeTiming == pref.AfterFirstCard && s.Played() != 0) {
			ok |= defenders
		}
		if opt.MisereShowDeclarer && s.TrickNumber() >= 1 {
			ok |= s.Hand(s.Declarer()) | s.Discard()
		}
	case KindRaspasy:
		if s.Options().RaspasyTalon != pref.TalonIgnored {
			ok = ok.With(s.Talon()[0])
			if s.TrickNumber() >= 1 {
				ok = ok.With(s.Talon()[1])
			}
		}
	}
	return ok
}

// TestViewNeverLeaks is the view property: in every state of random games,
// under every preset, no view holds a card its viewer may not see.
func TestViewNeverLeaks(t *testing.T) {
	n := 500
	if testing.Short() {
		n = 40
	}
	for _, players := range []int{3, 4} {
		for name, opt := range presets(players) {
			t.Run(fmt.Sprintf("%s/%dp", name, players), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(players), 11))
				for i := 0; i < n; i++ {
					d := Deal{Seed: rng.Uint64(), Dealer: i % players, Series: i % 3, Options: opt}
					playRandom(t, d, rng, func(s State) {
						for viewer := -1; viewer < players; viewer++ {
							checkView(t, s, viewer)
						}
					})
				}
			})
		}
	}
}

func checkView(t *testing.T, s State, viewer int) {
	t.Helper()
	v := View(s, viewer)
	allowed := maySee(s, viewer) | s.Played()
	var shown Hand
	for _, h := range v.Hands {
		shown |= h
	}
	shown |= v.Discard
	for _, c := range v.Talon {
		shown = shown.With(c)
	}
	for _, c := range v.Trick {
		shown = shown.With(c)
	}
	for _, c := range v.LastTrick {
		shown = shown.With(c)
	}
	shown = shown.With(v.TalonLead) | v.Played
	if leak := shown &^ allowed; leak != 0 {
		t.Fatalf("phase %s kind %d: viewer %d sees %v, which it may not see", s.Phase(), s.Kind(), viewer, leak)
	}
	// and the viewer sees everything it should of its own hand
	if viewer >= 0 && (s.Players() == 3 || viewer != s.Dealer()) && v.Hands[viewer] != s.Hand(viewer) {
		t.Fatalf("viewer %d does not see its own hand", viewer)
	}
	for p := 0; p < s.Players(); p++ {
		if v.HandSize[p] != s.Hand(p).Len() {
			t.Fatalf("hand size of seat %d is %d, want %d", p, v.HandSize[p], s.Hand(p).Len())
		}
	}
}

func TestViewSittingOutDealerIsSpectator(t *testing.T) {
	s, err := New(Deal{Seed: 3, Dealer: 1, Options: DefaultOptions(4)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := View(s, 1), View(s, Spectator); got.Hands != want.Hands || got.Talon != want.Talon || got.Discard != want.Discard {
		t.Fatalf("dealer view %+v differs from the spectator's %+v", got, want)
	}
	if s.Hand(1) != 0 {
		t.Fatal("the sitting-out dealer was dealt cards")
	}
}
