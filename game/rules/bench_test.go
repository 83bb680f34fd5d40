package rules

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// randomDeal plays one deal with random legal moves and returns it; it
// reuses buf and does no allocation of its own.
func randomDeal(d Deal, rng *rand.PCG, buf []Move) (State, []Move) {
	s, err := New(d)
	if err != nil {
		panic(err)
	}
	for !s.Done() {
		buf = LegalMoves(&s, buf[:0])
		m := buf[rng.Uint64()%uint64(len(buf))]
		if s, err = Apply(s, m); err != nil {
			panic(err)
		}
	}
	return s, buf
}

// BenchmarkRandomDeal plays deals with uniformly random legal moves. The
// "3p" and "4p" cases play with claims off, so every played deal goes to
// trick 10 (the workload before claims existed); "claims" cases use the
// default propose-accept, where random players propose and accept splits
// and most played contracts end early (claimed/deal).
func BenchmarkRandomDeal(b *testing.B) {
	for _, tc := range []struct {
		name    string
		players int
		claims  pref.ClaimMode
	}{{"3p", 3, pref.ClaimsOff}, {"4p", 4, pref.ClaimsOff}, {"3p-claims", 3, pref.ClaimsProposeAccept}, {"4p-claims", 4, pref.ClaimsProposeAccept}} {
		b.Run(tc.name, func(b *testing.B) {
			players := tc.players
			opt := DefaultOptions(players)
			opt.Claims = tc.claims
			rng := rand.NewPCG(1, 2)
			buf := make([]Move, 0, 80)
			b.ReportAllocs()
			var s State
			played, claimed := 0, 0
			for i := 0; b.Loop(); i++ {
				s, buf = randomDeal(Deal{Seed: uint64(i), Dealer: i % players, Options: opt}, rng, buf)
				if s.ending == EndingPlayed {
					played++
				}
				if s.claimed {
					claimed++
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deals/s")
			b.ReportMetric(float64(played)/float64(b.N), "played/deal")
			b.ReportMetric(float64(claimed)/float64(b.N), "claimed/deal")
		})
	}
}

// BenchmarkRandomPlayedDeal measures deals that are always played to
// trick 10: an all-pass auction, then raspasy with random legal cards.
func BenchmarkRandomPlayedDeal(b *testing.B) {
	opt := DefaultOptions(3)
	rng := rand.NewPCG(3, 4)
	buf := make([]Move, 0, 80)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s, err := New(Deal{Seed: uint64(i), Dealer: i % 3, Options: opt})
		if err != nil {
			b.Fatal(err)
		}
		for p := 0; p < 3; p++ {
			s, _ = Apply(s, Pass(s.Turn()))
		}
		for !s.Done() {
			buf = LegalMoves(&s, buf[:0])
			if s, err = Apply(s, buf[rng.Uint64()%uint64(len(buf))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deals/s")
}

// BenchmarkLegalMoves lists the moves of a sample of states from every
// phase. With claims off the sample is the one used before claims existed;
// with propose-accept every play state also lists up to 11 proposals.
func BenchmarkLegalMoves(b *testing.B) {
	for _, claims := range []pref.ClaimMode{pref.ClaimsOff, pref.ClaimsProposeAccept} {
		b.Run(claims.String(), func(b *testing.B) {
			opt := DefaultOptions(3)
			opt.Claims = claims
			rng := rand.New(rand.NewPCG(5, 6))
			var states []State
			for i := 0; i < 50; i++ {
				playRandom(b, Deal{Seed: rng.Uint64(), Dealer: i % 3, Options: opt}, rng, func(s State) {
					if !s.Done() {
						states = append(states, s)
					}
				})
			}
			buf := make([]Move, 0, 80)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				buf = LegalMoves(&states[i%len(states)], buf[:0])
				i++
			}
		})
	}
}

func BenchmarkApply(b *testing.B) {
	s, err := New(Deal{Seed: 1, Dealer: 2, Options: DefaultOptions(3)})
	if err != nil {
		b.Fatal(err)
	}
	m := BidMove(0, SixSpades)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(s, m); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLegalMovesAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	buf := make([]Move, 0, 80)
	for _, players := range []int{3, 4} {
		for i := 0; i < 20; i++ {
			playRandom(t, Deal{Seed: rng.Uint64(), Dealer: i % players, Options: DefaultOptions(players)}, rng, func(s State) {
				if a := testing.AllocsPerRun(1, func() { buf = LegalMoves(&s, buf[:0]) }); a != 0 {
					t.Fatalf("LegalMoves in phase %s allocated %v times", s.Phase(), a)
				}
			})
		}
	}
}

func TestReplayFromSeedIsIdentical(t *testing.T) {
	for _, players := range []int{3, 4} {
		for seed := uint64(0); seed < 200; seed++ {
			d := Deal{Seed: seed, Dealer: int(seed) % players, Options: DefaultOptions(players)}
			a, _ := randomDeal(d, rand.NewPCG(seed, 1), nil)
			b, _ := randomDeal(d, rand.NewPCG(seed, 1), nil)
			if a != b {
				t.Fatalf("seed %d: two replays differ", seed)
			}
			s1, _ := New(d)
			s2, _ := New(d)
			if s1 != s2 {
				t.Fatalf("seed %d: two deals differ", seed)
			}
		}
	}
	// the shuffle is pinned: a change to it would break recorded games
	if got := Shuffle(1); got == Shuffle(2) {
		t.Fatal("seeds 1 and 2 give the same deck")
	}
}

func TestReplayRecordedMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 100; i++ {
		d := Deal{Seed: rng.Uint64(), Dealer: i % 4, Options: DefaultOptions(4)}
		var moves []Move
		var last State
		s, err := New(d)
		if err != nil {
			t.Fatal(err)
		}
		for !s.Done() {
			legal := LegalMoves(&s, nil)
			m := legal[pick(rng, len(legal))]
			moves = append(moves, m)
			if s, err = Apply(s, m); err != nil {
				t.Fatal(err)
			}
			last = s
		}
		got, err := Replay(d, moves)
		if err != nil || got != last {
			t.Fatalf("replay of deal %d differs (%v)", i, err)
		}
		// a corrupted record fails at the right move, with a typed error
		bad := append([]Move(nil), moves...)
		bad[1].Seat = (bad[1].Seat + 1) % 4
		_, err = Replay(d, bad)
		var ime *IllegalMoveError
		if !errors.As(err, &ime) || !strings.Contains(err.Error(), "replay move 1") {
			t.Fatalf("corrupted replay: %v", err)
		}
	}
}

// BenchmarkDecodeSeatView measures decoding a seat's view of a deal in
// play, what a Go client (the load generator, its bots) reads on every
// move.
func BenchmarkDecodeSeatView(b *testing.B) {
	s, _ := randomDeal(Deal{Seed: 11, Options: DefaultOptions(3)}, rand.NewPCG(5, 6), nil)
	v := View(s, 0)
	data, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var back SeatView
		if err := json.Unmarshal(data, &back); err != nil {
			b.Fatal(err)
		}
	}
}
