package rules

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// presets are option sets covering every play setting the presets of RULES
// §13 use, plus the remaining §14 options switched to their non-default side.
func presets(players int) map[string]Options {
	sochi := DefaultOptions(players)
	codex := sochi
	codex.TenMode = pref.TenWhisted
	codex.Claims = pref.ClaimsOff
	leningrad := sochi
	leningrad.RaspasyExit = [3]uint8{6, 7, 8}
	rostov := sochi
	rostov.RaspasyTalon = pref.TalonIgnored
	fspr := sochi
	fspr.TenMode = pref.TenWhisted
	fspr.RaspasyExit = [3]uint8{7, 7, 7}
	fspr.ExitRequiresWhisted = true
	fspr.MisereExits = false
	if players == 4 {
		fspr.RaspasyTalon = pref.TalonParticipates
		fspr.DealerMayWhist = true
	}
	exotic := sochi
	exotic.SeniorHold = true
	exotic.BidJumps = false
	exotic.Stalingrad = true
	exotic.CheckedTenOpen = true
	exotic.OpenTiming = pref.AfterFirstTrick
	exotic.MisereExposeTiming = pref.AfterFirstCard
	exotic.MisereShowDeclarer = true
	exotic.RaspasyTrick3Leader = pref.Trick3Trick2Winner
	exotic.ConcedeWithoutThree = true
	exotic.HalfWhist = false
	exotic.ExitByFailedContract = false
	exotic.RaspasyExit = [3]uint8{9, 9, 9}
	exotic.Claims = pref.ClaimsDeclarerOnly
	return map[string]Options{"codex": codex, "sochi": sochi, "leningrad": leningrad,
		"rostov": rostov, "fspr": fspr, "exotic": exotic}
}

// playRandom plays one deal with random legal moves, calling visit on every
// state reached (including the first and the last).
func playRandom(t testing.TB, d Deal, rng *rand.Rand, visit func(State)) State {
	s, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]Move, 0, 80)
	for steps := 0; !s.Done(); steps++ {
		if steps > 200 {
			t.Fatalf("deal %+v did not end", d)
		}
		if visit != nil {
			visit(s)
		}
		buf = LegalMoves(&s, buf[:0])
		if len(buf) == 0 {
			t.Fatalf("no legal moves in phase %s", s.Phase())
		}
		m := buf[pick(rng, len(buf))]
		if m.Kind == MoveClaimPropose && rng.IntN(8) != 0 {
			m = buf[0] // a card: claim sometimes, so full play stays common too
		}
		next, err := Apply(s, m)
		if err != nil {
			t.Fatalf("legal move %s refused: %v", m, err)
		}
		s = next
	}
	if visit != nil {
		visit(s)
	}
	return s
}

// pick chooses a move index, biased towards the first two moves (pass and
// the lowest bid in the auction, the lowest contract, whist and pass) so
// that random games reach low contracts, half-whists and raspasy often.
func pick(rng *rand.Rand, n int) int {
	switch r := rng.IntN(6); {
	case r < 2:
		return 0
	case r < 4 && n > 1:
		return 1
	}
	return rng.IntN(n)
}

// checkFinal checks the invariants of a finished deal.
func checkFinal(t testing.TB, s State) {
	t.Helper()
	r, ok := s.Result()
	if !ok {
		t.Fatal("deal not over")
	}
	sum := 0
	for _, n := range r.Tricks {
		sum += n
	}
	if r.Ending == EndingPlayed {
		if sum != 10 {
			t.Fatalf("tricks sum to %d, want 10: %+v", sum, r)
		}
		if r.Claimed {
			all := s.Played() | s.Discard()
			for p := 0; p < s.Players(); p++ {
				all |= s.Hand(p)
			}
			if r.Kind != KindContract || all != FullDeck {
				t.Fatalf("claimed %s deal: cards %v of the deck accounted for", r.Kind, all)
			}
			return
		}
		if r.Kind != KindRaspasy && s.Played() != FullDeck&^s.Discard() {
			t.Fatalf("played %v: not every card once", s.Played())
		}
		if r.Kind == KindRaspasy && s.Played() != FullDeck&^HandOf(s.Talon()[0], s.Talon()[1]) {
			t.Fatalf("raspasy played %v: not every card once", s.Played())
		}
		for p := 0; p < s.Players(); p++ {
			if s.Hand(p) != 0 {
				t.Fatalf("seat %d still holds %v", p, s.Hand(p))
			}
		}
	} else if sum != 0 {
		t.Fatalf("unplayed deal has tricks %v", r.Tricks)
	}
	if s.Players() == 4 && r.Tricks[s.Dealer()] != 0 && s.Options().RaspasyTalon != pref.TalonParticipates {
		t.Fatalf("sitting-out dealer took tricks")
	}
}

func TestRandomDeals(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 50
	}
	for _, players := range []int{3, 4} {
		for name, opt := range presets(players) {
			t.Run(fmt.Sprintf("%s/%dp", name, players), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(players), 7))
				series, claimed := 0, 0
				for i := 0; i < n; i++ {
					d := Deal{Seed: rng.Uint64(), Dealer: i % players, Series: series, Options: opt}
					s := playRandom(t, d, rng, func(s State) { checkState(t, s) })
					checkFinal(t, s)
					if s.Claimed() {
						claimed++
					}
					next, ok := s.NextSeries()
					if !ok {
						t.Fatal("NextSeries not ok at the end")
					}
					series = next
				}
				// random games claim too: proposals, answers, certain claims
				if (opt.Claims == pref.ClaimsOff) != (claimed == 0) && n >= 1000 {
					t.Fatalf("%d of %d deals claimed with claims %s", claimed, n, opt.Claims)
				}
				t.Logf("%d of %d deals claimed (claims %s)", claimed, n, opt.Claims)
			})
		}
	}
}

// checkState checks invariants that hold in every reachable state.
func checkState(t testing.TB, s State) {
	t.Helper()
	var all Hand
	total := 0
	for p := 0; p < s.Players(); p++ {
		h := s.Hand(p)
		if all&h != 0 {
			t.Fatalf("card in two hands")
		}
		all |= h
		total += h.Len()
	}
	if all&s.Played() != 0 || all&s.Discard() != 0 {
		t.Fatalf("a played or discarded card is still in a hand")
	}
	// a random illegal move is refused with a typed error and no change
	m := Move{Seat: uint8((s.Actor() + 1) % s.Players()), Kind: MovePlay, Card: 0}
	if s.Done() {
		m.Seat = 0
	}
	after, err := Apply(s, m)
	var ime *IllegalMoveError
	if err == nil {
		t.Fatalf("move by a seat not on turn accepted: %s", m)
	} else if !errors.As(err, &ime) {
		t.Fatalf("error %v is not *IllegalMoveError", err)
	}
	if after != s {
		t.Fatal("state changed on error")
	}
}

// allMoves lists every syntactically possible move for players seats.
func allMoves(players int) []Move {
	var out []Move
	for seat := 0; seat < players; seat++ {
		for _, k := range []MoveKind{MovePass, MoveWhist, MoveHalf, MoveOpen, MoveClosed, MoveConcede,
			MoveClaim, MoveClaimAccept, MoveClaimReject} {
			out = append(out, Simple(seat, k))
		}
		for n := 0; n <= 11; n++ {
			out = append(out, ClaimProposeMove(seat, n))
		}
		for b := SixSpades; b <= TenNoTrump; b++ {
			out = append(out, BidMove(seat, b), Declare(seat, b))
		}
		for c := Card(0); c < NumCards; c++ {
			out = append(out, PlayMove(seat, c))
		}
		out = append(out, DiscardMove(seat, 0, 1), DiscardMove(seat, 30, 31))
	}
	return out
}

// allDiscards lists every discard for players seats.
func allDiscards(players int) []Move {
	var out []Move
	for seat := 0; seat < players; seat++ {
		for c := Card(0); c < NumCards; c++ {
			for c2 := c + 1; c2 < NumCards; c2++ {
				out = append(out, DiscardMove(seat, c, c2))
			}
		}
	}
	return out
}

// TestApplyAgreesWithLegalMoves: in states of random games, Apply accepts
// exactly the moves LegalMoves lists, out of every possible move.
func TestApplyAgreesWithLegalMoves(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 3
	}
	for _, players := range []int{3, 4} {
		every := allMoves(players)
		discards := append(allMoves(players), allDiscards(players)...)
		for name, opt := range presets(players) {
			rng := rand.New(rand.NewPCG(uint64(players), 31))
			for i := 0; i < n; i++ {
				d := Deal{Seed: rng.Uint64(), Dealer: i % players, Series: i % 2, Options: opt}
				playRandom(t, d, rng, func(s State) {
					legal := map[Move]bool{}
					for _, m := range LegalMoves(&s, nil) {
						if legal[m] {
							t.Fatalf("%s: %s listed twice", name, m)
						}
						legal[m] = true
					}
					accepted := map[Move]bool{}
					candidates := every
					if s.Phase() == PhaseDiscard {
						candidates = discards
					}
					for _, m := range candidates {
						_, err := Apply(s, m)
						if (err == nil) != legal[m] {
							t.Fatalf("%s, phase %s: %s: Apply error %v, listed %v", name, s.Phase(), m, err, legal[m])
						}
						if err == nil {
							accepted[m] = true
						}
					}
					if len(accepted) != len(legal) {
						t.Fatalf("%s: %d moves accepted, %d listed", name, len(accepted), len(legal))
					}
				})
			}
		}
	}
}
