package dd

import (
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
)

// TestSolveMatchesBruteForce checks the solver against plain minimax on
// thousands of random endings of up to 5 tricks: contracts with and
// without trumps, misère, raspasy with talon leads, mid-trick starts.
func TestSolveMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := NewSolver()
	n := trials(4000, 800)
	for i := 0; i < n; i++ {
		p := randomPosition(rng, 5)
		if err := p.Validate(); err != nil {
			t.Fatalf("case %d: generator made an invalid position: %v", i, err)
		}
		want := brute(p)
		if got := s.Solve(p); got != want {
			t.Fatalf("case %d: %+v: solver %d, brute force %d", i, p, got, want)
		}
	}
}

// TestValuesMatchBruteForce checks every card's value against brute force
// on the position after it.
func TestValuesMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := NewSolver()
	var buf []CardValue
	n := trials(1000, 250)
	for i := 0; i < n; i++ {
		p := randomPosition(rng, 4)
		buf = s.Values(p, buf[:0])
		if len(buf) == 0 {
			t.Fatalf("case %d: no legal card", i)
		}
		for _, cv := range buf {
			want := bruteAfter(p, cv.Card)
			if cv.Value != want {
				t.Fatalf("case %d: %+v: card %v solver %d, brute force %d", i, p, cv.Card, cv.Value, want)
			}
		}
	}
}

// TestLimitCapsTheCount: with Limit set, Solve and Values give the
// brute-force count capped at the limit, on positions of every kind; the
// table is shared with uncapped solves in between, as the bot does.
func TestLimitCapsTheCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := NewSolver()
	var buf []CardValue
	n := trials(1500, 300)
	for i := 0; i < n; i++ {
		p := randomPosition(rng, 5)
		want := brute(p)
		if got := s.Solve(p); got != want {
			t.Fatalf("case %d: %+v: uncapped solver %d, brute force %d", i, p, got, want)
		}
		p.Limit = 1 + rng.IntN(3)
		if got := s.Solve(p); got != min(want, p.Limit) {
			t.Fatalf("case %d: %+v: solver %d, want min(%d, limit %d)", i, p, got, want, p.Limit)
		}
		if i%4 != 0 {
			continue
		}
		buf = s.Values(p, buf[:0])
		for _, cv := range buf {
			if w := min(bruteAfter(p, cv.Card), p.Limit); cv.Value != w {
				t.Fatalf("case %d: %+v: card %v solver %d, want %d", i, p, cv.Card, cv.Value, w)
			}
		}
	}
}

// bruteAfter is the brute-force value of p after the player to move plays c.
func bruteAfter(p Position, c rules.Card) int {
	pl := (p.Leader + p.NTrick) % 3
	q := p
	q.Hands[pl] = q.Hands[pl].Without(c)
	if p.NTrick < 2 {
		q.Trick[p.NTrick] = c
		q.NTrick++
		return brute(q)
	}
	// The card completes the trick: let brute force score it from a
	// one-card-each extension is not possible, so score the trick here.
	trick := [3]rules.Card{}
	for i := 0; i < 2; i++ {
		trick[(p.Leader+i)%3] = p.Trick[i]
	}
	trick[pl] = c
	var nd node
	nd.leader = uint8(p.Leader)
	for i := range trick {
		nd.trick[i] = uint8(trick[i])
	}
	s := NewSolver()
	s.setup(&p)
	w := s.winner(&nd)
	won := 0
	if w != Nobody && p.Goal.Count&(1<<w) != 0 {
		won = 1
	}
	q.NTrick = 0
	if p.NTalon > 0 {
		q.Talon[0] = p.Talon[1]
		q.NTalon--
		q.Leader = p.FirstHand
		if q.NTalon == 0 && p.Trick3ByWinner && w != Nobody {
			q.Leader = int(w)
		}
	} else {
		q.Leader = int(w)
	}
	return won + brute(q)
}

// TestValidateRejectsBadPositions: overlapping hands and uneven hand
// sizes are errors, not garbage answers.
func TestValidateRejectsBadPositions(t *testing.T) {
	a, _ := rules.ParseHand("AS KS")
	b, _ := rules.ParseHand("QS JS")
	c, _ := rules.ParseHand("10S 9S")
	cases := []struct {
		name string
		p    Position
		ok   bool
	}{
		{"a proper two-trick ending", Position{Hands: [3]rules.Hand{a, b, c}, Trump: rules.NoTrump}, true},
		{"hands sharing a card", Position{Hands: [3]rules.Hand{a, a, c}, Trump: rules.NoTrump}, false},
		{"uneven hands", Position{Hands: [3]rules.Hand{a, b.Without(rules.NewCard(rules.Queen, rules.Spades)), c}, Trump: rules.NoTrump}, false},
		{"leader out of range", Position{Hands: [3]rules.Hand{a, b, c}, Leader: 3, Trump: rules.NoTrump}, false},
		{"trick card still held", Position{Hands: [3]rules.Hand{a.Without(rules.NewCard(rules.Ace, rules.Spades)), b, c}, Trick: [2]rules.Card{rules.NewCard(rules.King, rules.Spades)}, NTrick: 1, Trump: rules.NoTrump}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// FuzzSolve decodes a seed into a random ending and checks the solver
// against brute force.
func FuzzSolve(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(7), uint64(99))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		rng := rand.New(rand.NewPCG(a, b))
		p := randomPosition(rng, 4)
		want := brute(p)
		s := NewSolver()
		if got := s.Solve(p); got != want {
			t.Fatalf("%+v: solver %d, brute force %d", p, got, want)
		}
		p.Limit = int(a % 4)
		if got := s.Solve(p); p.Limit > 0 && got != min(want, p.Limit) {
			t.Fatalf("%+v: solver %d, want min(%d, limit %d)", p, got, want, p.Limit)
		}
	})
}

// TestTwoTrickEndingsMatchBruteForce checks the plain minimax of the
// last two tricks (the search's shortcut at a trick start with two tricks
// left) against brute force, for every kind of goal, trumps or none, and
// every leader.
func TestTwoTrickEndingsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	s := NewSolver()
	kinds := map[string]int{}
	for i := 0; i < 3000; i++ {
		p := randomPosition(rng, 2)
		if p.NTrick != 0 || p.NTalon != 0 || p.Tricks() != 2 {
			continue
		}
		kind := "any goal"
		switch {
		case p.Goal.Count&p.Goal.Max != 0 && p.Goal.Count == p.Goal.Max && p.Trump != rules.NoTrump:
			kind = "trump contract"
		case p.Goal.Count == p.Goal.Max:
			kind = "no-trump contract"
		case p.Goal.Max == 7&^p.Goal.Count:
			kind = "misère or raspasy"
		}
		kinds[kind]++
		if p.Leader != 0 {
			kinds["leader not 0"]++
		}
		want := brute(p)
		if got := s.Solve(p); got != want {
			t.Fatalf("case %d (%s): %+v: solver %d, brute force %d", i, kind, p, got, want)
		}
	}
	for _, k := range []string{"trump contract", "no-trump contract", "misère or raspasy", "any goal", "leader not 0"} {
		if kinds[k] == 0 {
			t.Errorf("no %s among the endings", k)
		}
	}
}

// TestCleanMeansNoTrick checks the bounds that a counted minimizer
// (misère declarer, raspasy player) can escape every trick left against
// brute force: whenever clean holds at a trick start, or cleanMidTrick
// in the middle of a trick, brute force gives 0. The endings must include positions where only the weaker rules
// hold (his i-th lowest card under the others' i-th lowest, not all his
// cards under all theirs; a safe lead of his lowest card, or of a card
// they must overtake), so each rule
// is seen at work.
func TestCleanMeansNoTrick(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	s := NewSolver()
	seen := map[string]int{}
	n := trials(100000, 10000)
	for i := 0; i < n; i++ {
		p := randomPosition(rng, 5)
		if p.NTalon != 0 || p.Trump != rules.NoTrump {
			continue
		}
		nd := s.setup(&p)
		if s.minD < 0 {
			continue
		}
		if p.NTrick > 0 {
			if !s.cleanMidTrick(&nd) {
				continue
			}
			if got := brute(p); got != 0 {
				t.Fatalf("case %d: %+v: beaten in the trick and safe after, but brute force counts %d tricks", i, p, got)
			}
			seen["beaten mid-trick"]++
			continue
		}
		if !s.clean(&nd) {
			continue
		}
		if got := brute(p); got != 0 {
			t.Fatalf("case %d: %+v: clean, but brute force counts %d tricks", i, p, got)
		}
		d := nd.hands[s.minD]
		o := nd.hands[(s.minD+1)%3] | nd.hands[(s.minD+2)%3]
		strict := true // every card of his under every card of theirs, suit by suit
		for su := 0; su < 4; su++ {
			ds, os := uint8(d>>(8*su)), uint8(o>>(8*su))
			if ds != 0 && os != 0 && 7-bits.LeadingZeros8(ds) > bits.TrailingZeros8(os) {
				strict = false
			}
		}
		kind := "all under"
		if !strict {
			kind = "i-th under i-th"
		}
		if int(nd.leader) == int(s.minD) {
			kind += ", on lead"
			if !oldSafeLead(d, o) {
				kind = "on lead, a card they must overtake" // no suit has a safe lead of his lowest card
			}
		}
		seen[kind]++
	}
	for _, k := range []string{"all under", "i-th under i-th", "i-th under i-th, on lead", "on lead, a card they must overtake", "beaten mid-trick"} {
		if seen[k] == 0 {
			t.Errorf("no ending where the bound holds with %s (seen %v)", k, seen)
		}
	}
	t.Logf("endings where the bound holds: %v", seen)
}

// oldSafeLead reports whether the counted minimizer holding d has, against
// the others' cards o, a suit where he can lead his lowest card under all
// of theirs and stay under with the rest (the old leadSafe, the narrower rule
// clean had before safeLead): endings where clean holds on lead without
// it are the ones that check safeLead.
func oldSafeLead(d, o uint32) bool {
	for su := 0; su < 4; su++ {
		ds, os := int(uint8(d>>(8*su))), int(uint8(o>>(8*su)))
		if ds != 0 && os != 0 && ds&-ds < os&-os && under(ds&(ds-1), os) {
			return true
		}
	}
	return false
}

// TestSafeLeadMeansNoTrick checks safeLead, clean's rule for a counted
// minimizer on lead, against brute force on endings where it alone makes
// clean hold: D leads a card an opponent must overtake (not his lowest,
// or his lowest with an opponent's card under it), his other suits and
// the rest of that one pass duckSafe, and brute force must give 0.
// Misère and raspasy endings of up to 4 tricks with D on lead, no talon.
func TestSafeLeadMeansNoTrick(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	s := NewSolver()
	want := trials(100000, 5000)
	hits, overtakenTop := 0, 0
	for i := 0; hits < want; i++ {
		deck := shuffled(rng)
		k := 2 + rng.IntN(3)
		d := rng.IntN(3)
		p := Position{Leader: d, FirstHand: d, Trump: rules.NoTrump, Goal: ContractGoal(d, true)}
		if rng.IntN(2) == 0 {
			p.Goal = RaspasyGoal(d)
		}
		for j := 0; j < 3*k; j++ {
			p.Hands[j%3] = p.Hands[j%3].With(deck[j])
		}
		nd := s.setup(&p)
		dh := nd.hands[d]
		o := nd.hands[(d+1)%3] | nd.hands[(d+2)%3]
		if !s.clean(&nd) || oldSafeLead(dh, o) {
			continue
		}
		hits++
		if got := brute(p); got != 0 {
			t.Fatalf("case %d: %+v: clean by safeLead, but brute force counts %d tricks", i, p, got)
		}
		for su := 0; su < 4; su++ {
			ds := uint8(dh >> (8 * su))
			if ds != 0 && safeLead(ds, uint8(nd.hands[(d+1)%3]>>(8*su)), uint8(nd.hands[(d+2)%3]>>(8*su))) && !duckSafe(ds, uint8(o>>(8*su))) {
				overtakenTop++ // the lead sheds a card that fails duckSafe
			}
		}
	}
	if overtakenTop == 0 {
		t.Errorf("no ending where the lead sheds a card that fails duckSafe (of %d)", hits)
	}
	t.Logf("%d endings where clean holds by safeLead alone, %d shedding an unsafe card", hits, overtakenTop)
}

// TestCleanMidTrickMeansNoTrick checks cleanMidTrick against brute force
// on endings in the middle of a trick where the narrower rule it
// replaced (D has played and is beaten, every suit passing duckSafe)
// does not hold: D has played and an opponent still to play must
// overtake him, or D is still to play (next or last) and can stay
// under, or is void and sheds a top card. Brute force must give 0.
// Misère and raspasy endings of up to 4 tricks, no talon.
func TestCleanMidTrickMeansNoTrick(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	s := NewSolver()
	want := trials(100000, 5000)
	seen := map[string]int{}
	hits := 0
	for i := 0; hits < want; i++ {
		k := 2 + rng.IntN(3)
		p, d := minimizerEnding(rng, k, 1+rng.IntN(2))
		nd := s.setup(&p)
		if !s.cleanMidTrick(&nd) || oldBeatenAndSafe(s, &nd) {
			continue
		}
		hits++
		if got := brute(p); got != 0 {
			t.Fatalf("case %d: %+v: clean in the trick, but brute force counts %d tricks", i, p, got)
		}
		dpos := (d + 3 - p.Leader) % 3 // D's place in the trick
		ls := uint32(0xFF) << (nd.win &^ 7)
		switch {
		case dpos < p.NTrick:
			seen["played, an opponent must overtake"]++
		case nd.hands[d]&ls == 0:
			seen["void, sheds a card"]++
		case dpos == p.NTrick:
			seen["to play, stays under"]++
		default:
			seen["to play after the next, stays under"]++
		}
	}
	for _, k := range []string{"played, an opponent must overtake", "void, sheds a card", "to play, stays under", "to play after the next, stays under"} {
		if seen[k] == 0 {
			t.Errorf("no ending where the rule holds with D %s (seen %v)", k, seen)
		}
	}
	t.Logf("endings where only the new rule holds: %v", seen)
}

// oldBeatenAndSafe is the rule cleanMidTrick widened: D has played to
// the trick, another player's card beats his, and every suit passes
// duckSafe.
func oldBeatenAndSafe(s *Solver, nd *node) bool {
	d := uint8(s.minD)
	if nd.winP == d || (d+3-nd.leader)%3 >= nd.n {
		return false
	}
	return allSafe(nd.hands[d], nd.hands[(d+1)%3]|nd.hands[(d+2)%3])
}

// TestUnsafeTopIsTheTopCardOfAnUnsafeSuit: unsafeTop (the misère
// ordering's "lead or discard this first") holds for the counted
// minimizer's highest card of a suit failing duckSafe, the ace included,
// and for no other card.
func TestUnsafeTopIsTheTopCardOfAnUnsafeSuit(t *testing.T) {
	cases := []struct {
		name   string
		d, o   string // the minimizer's hand, the others' (split in two)
		card   string
		unsafe bool
	}{
		{"the ace on top of an unsafe suit", "8S AS", "7S 9S", "AS", true},
		{"the king on top of an unsafe suit", "8S KS", "7S 9S", "KS", true},
		{"a card under his top card", "8S AS", "7S 9S", "8S", false},
		{"the ace on top of a safe suit", "7S 8S AS", "9S TS", "AS", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := rules.ParseHand(tc.d)
			if err != nil {
				t.Fatal(err)
			}
			o, err := rules.ParseHand(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			c, err := rules.ParseCard(tc.card)
			if err != nil {
				t.Fatal(err)
			}
			oc := o.Cards(nil)
			p := Position{
				Hands: [3]rules.Hand{d, rules.Hand(0).With(oc[0]), rules.Hand(0).With(oc[1])},
				Trump: rules.NoTrump,
				Goal:  ContractGoal(0, true),
			}
			s := NewSolver()
			nd := s.setup(&p)
			if got := s.unsafeTop(&nd, uint8(c)); got != tc.unsafe {
				t.Fatalf("unsafeTop(%v) = %v, want %v", c, got, tc.unsafe)
			}
		})
	}
}

// TestSolveDoesNotAllocate: a solve of any kind, and a Values into a
// buffer large enough, allocate nothing (a node escaping to the heap
// costs an allocation a node).
func TestSolveDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	s := NewSolver()
	buf := make([]CardValue, 0, 10)
	for _, mk := range []func(*rand.Rand) Position{randomDeal, misereDeal(0), misereDeal(3), raspasyDeal(0)} {
		p := mk(rng)
		p.Limit = min(p.Limit, 4) // a bounded count keeps the test quick
		if p.Limit == 0 {
			p.Limit = 4
		}
		allocs := testing.AllocsPerRun(3, func() {
			s.Reset()
			s.Solve(p)
			s.Reset()
			buf = s.Values(p, buf[:0])
		})
		if allocs != 0 {
			t.Errorf("%+v: %.1f allocations a solve, want 0", p, allocs)
		}
	}
}

// TestFastOrdersMatchTheScores: in an ordinary trick of a misère or
// raspasy, orderFollow (off lead) and orderLead (on lead) give the moves
// in the order the scores of orderScored give them, on 100,000 random
// positions each (10,000 under -race or -short), for the minimizer and
// the others, with alpha 0 and 1, a move skipped in one in five.
func TestFastOrdersMatchTheScores(t *testing.T) {
	tests := []struct {
		name string
		seed uint64
		// position makes p a position of the case, or says there is none.
		position func(p *Position) bool
		order    func(s *Solver, nd *node, buf []uint8, skip uint8, alpha int) (pl uint8, moves []uint8)
	}{
		{"orderFollow", 11,
			func(p *Position) bool { return p.NTalon == 0 && p.NTrick > 0 },
			func(s *Solver, nd *node, buf []uint8, skip uint8, _ int) (uint8, []uint8) {
				pl := (nd.leader + nd.n) % 3
				return pl, s.orderFollow(nd, pl, buf, skip)
			}},
		{"orderLead", 17,
			func(p *Position) bool {
				p.NTrick, p.NTalon = 0, 0
				for pl := range p.Hands {
					for p.Hands[pl].Len() > p.Hands[p.Leader].Len() {
						p.Hands[pl] &= p.Hands[pl] - 1
					}
				}
				return true
			},
			func(s *Solver, nd *node, buf []uint8, skip uint8, alpha int) (uint8, []uint8) {
				return nd.leader, s.orderLead(nd, nd.leader, buf, skip, alpha)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tt.seed, tt.seed+1))
			s := NewSolver()
			n := trials(100000, 10000)
			var fast, scored [16]uint8
			for i := 0; i < n; i++ {
				p := randomPosition(rng, 10)
				if p.Goal.Count&p.Goal.Max != 0 || bits.OnesCount8(p.Goal.Count) != 1 || !tt.position(&p) {
					continue
				}
				p.Goal.Max = 7 &^ p.Goal.Count
				nd := s.setup(&p)
				alpha := i % 2
				skip := uint8(0xFF)
				if i%5 == 0 {
					skip = uint8(bits.TrailingZeros32(nd.hands[(nd.leader+nd.n)%3]))
				}
				pl, got := tt.order(s, &nd, fast[:0], skip, alpha)
				if want := s.orderScored(&nd, pl, scored[:0], skip, alpha); string(got) != string(want) {
					t.Fatalf("case %d: %+v alpha %d: %s %v, orderScored %v", i, p, alpha, tt.name, got, want)
				}
			}
		})
	}
}

// TestKeyIsTheHoldersInRelativeRanks: key gives, per suit, two bits a
// card still in play from the lowest (its holder), 3 above the last, on
// 10,000 random positions (a plain loop over the cards as the reference).
func TestKeyIsTheHoldersInRelativeRanks(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	s := NewSolver()
	for i := 0; i < 10000; i++ {
		p := randomPosition(rng, 10)
		p.NTrick, p.NTalon = 0, 0
		nd := node{hands: [3]uint32{uint32(p.Hands[0]), uint32(p.Hands[1]), uint32(p.Hands[2])}}
		var want uint64
		for su := 0; su < 4; su++ {
			code, j := uint64(0), 0
			for r := 0; r < 8; r++ {
				for pl, h := range nd.hands {
					if h>>(8*su+r)&1 != 0 {
						code |= uint64(pl) << (2 * j)
						j++
					}
				}
			}
			for ; j < 8; j++ {
				code |= 3 << (2 * j)
			}
			want |= code << (16 * su)
		}
		if got := s.key(&nd); got != want {
			t.Fatalf("case %d: %+v: key %#x, want %#x", i, p, got, want)
		}
	}
}

// allSafe reports whether hand dh passes duckSafe in every suit against
// the others' cards oh.
func allSafe(dh, oh uint32) bool {
	for su := 0; su < 4; su++ {
		ds, os := uint8(dh>>(8*su)), uint8(oh>>(8*su))
		if ds != 0 && os != 0 && !duckSafe(ds, os) {
			return false
		}
	}
	return true
}

// trials is how many random cases a brute-force or order test tries: full,
// or light under -short or -race (the race detector's tenfold slowdown).
func trials(full, light int) int {
	if testing.Short() || raceEnabled {
		return light
	}
	return full
}

// TestTrickRulesDecideTheTrick checks the rules by which the search
// decides a count of one trick or of every trick left at once: whether
// the counted minimizer D takes the current trick whatever he plays, the
// others trying to make him (forcedNow at a trick start, winsMidTrick in
// the middle of one), or else can lose it whatever they play. Each rule
// must give trickBrute's answer, a minimax over that trick alone, on
// every ending, and every way each decides must be seen. Misère and
// raspasy endings of up to 4 tricks, no talon.
func TestTrickRulesDecideTheTrick(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	s := NewSolver()
	n := trials(100000, 5000)
	seen := map[string]int{}
	for i := 0; i < n; i++ {
		p, d := minimizerEnding(rng, 1+rng.IntN(4), rng.IntN(3))
		nd := s.setup(&p)
		dpos := (d + 3 - p.Leader) % 3 // D's place in the trick
		ls := uint32(0xFF) << (nd.win &^ 7)
		var wins bool
		var kind string
		switch {
		case p.NTrick == 0:
			wins = s.forcedNow(&nd)
			kind = "an opponent leads"
			if dpos == 0 {
				kind = "on lead"
			}
		default:
			wins = s.winsMidTrick(&nd)
			switch {
			case dpos < p.NTrick && int(nd.winP) != d:
				kind = "played, beaten"
			case dpos < p.NTrick:
				kind = "played, winning"
			case nd.hands[d]&ls == 0:
				kind = "void in the suit led"
			case bits.TrailingZeros32(nd.hands[d]&ls) < int(nd.win):
				kind = "a card under the winning one"
			case p.NTrick == 2:
				kind = "last, over the winning card"
			case dpos == 1:
				kind = "next, over the winning card"
			default:
				kind = "after the next, over the winning card"
			}
		}
		if wins {
			kind += ": takes it"
		} else {
			kind += ": can lose it"
		}
		seen[kind]++
		if want := trickBrute(p) == 1; wins != want {
			t.Fatalf("case %d (%s): %+v: the rule says he takes the trick %v, minimax %v", i, kind, p, wins, want)
		}
	}
	for _, k := range []string{"on lead: takes it", "on lead: can lose it", "an opponent leads: takes it", "an opponent leads: can lose it",
		"played, beaten: can lose it", "played, winning: takes it", "played, winning: can lose it",
		"void in the suit led: can lose it", "a card under the winning one: can lose it", "last, over the winning card: takes it",
		"next, over the winning card: takes it", "next, over the winning card: can lose it",
		"after the next, over the winning card: takes it", "after the next, over the winning card: can lose it"} {
		if seen[k] == 0 {
			t.Errorf("no ending where %s (seen %v)", k, seen)
		}
	}
	t.Logf("endings by how the rules decide: %v", seen)
}

// trickBrute is 1 when the counted player wins the current trick of p
// (an ordinary trick, no trumps) against every way he can play it, the
// others trying to make him win it, else 0: a minimax over the trick
// alone, written from the rules.
func trickBrute(p Position) int {
	var d int
	for d = 0; p.Goal.Count != 1<<d; d++ {
	}
	var rec func(trick []rules.Card, hands [3]rules.Hand) int
	rec = func(trick []rules.Card, hands [3]rules.Hand) int {
		if len(trick) == 3 {
			w := 0
			for i := 1; i < 3; i++ {
				if trick[i].Suit() == trick[w].Suit() && trick[i].Rank() > trick[w].Rank() {
					w = i
				}
			}
			if (p.Leader+w)%3 == d {
				return 1
			}
			return 0
		}
		pl := (p.Leader + len(trick)) % 3
		legal := hands[pl]
		if len(trick) > 0 && legal.OfSuit(trick[0].Suit()) != 0 {
			legal = legal.OfSuit(trick[0].Suit())
		}
		best := -1
		if pl == d {
			best = 2
		}
		for _, c := range legal.Cards(nil) {
			h := hands
			h[pl] = h[pl].Without(c)
			v := rec(append(trick[:len(trick):len(trick)], c), h)
			if pl == d && v < best || pl != d && v > best {
				best = v
			}
		}
		return best
	}
	return rec(p.Trick[:p.NTrick:p.NTrick], p.Hands)
}

// TestKeepsAnEscapeMeansATrickLost checks keepsAnEscape, by which a
// count of every trick left fails at a trick start even when the
// counted minimizer D can be made to take that trick: whenever it holds
// and forcedNow too, brute force must count fewer tricks than are left.
// Misère and raspasy endings of 3 or 4 tricks from a trick start, no
// talon; it fails when the opponent may hold a single card of the suit.
func TestKeepsAnEscapeMeansATrickLost(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	s := NewSolver()
	want := trials(20000, 1000)
	for hits, i := 0, 0; hits < want; i++ {
		k := 3 + rng.IntN(2)
		p, _ := minimizerEnding(rng, k, 0)
		nd := s.setup(&p)
		if !s.forcedNow(&nd) || !s.keepsAnEscape(&nd) {
			continue
		}
		hits++
		if got := brute(p); got >= k {
			t.Fatalf("case %d: %+v: keepsAnEscape, but brute force counts all %d tricks", i, p, got)
		}
	}
}

// TestMisereEndingsMatchBruteForce checks the solver against brute force
// on misère and raspasy endings of 5 tricks (no talon), from a trick
// start or in the middle of a trick, where the bounds of a counted
// minimizer are at work at every node.
func TestMisereEndingsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	s := NewSolver()
	n := trials(1000, 100)
	for i := 0; i < n; i++ {
		p, _ := minimizerEnding(rng, 5, rng.IntN(3))
		s.Reset()
		if got, want := s.Solve(p), brute(p); got != want {
			t.Fatalf("case %d: %+v: solver %d, brute force %d", i, p, got, want)
		}
	}
}

// minimizerEnding deals a misère or raspasy ending (no talon, no trumps)
// of k tricks with nTrick cards on the table, and returns it with its
// counted minimizer.
func minimizerEnding(rng *rand.Rand, k, nTrick int) (Position, int) {
	deck := shuffled(rng)
	d := rng.IntN(3)
	p := Position{Leader: rng.IntN(3), Trump: rules.NoTrump, Goal: ContractGoal(d, true), NTrick: nTrick}
	p.FirstHand = p.Leader
	if rng.IntN(2) == 0 {
		p.Goal = RaspasyGoal(d)
	}
	next := 0
	for i := 0; i < 3; i++ {
		pl := (p.Leader + i) % 3
		n := k
		if i < nTrick {
			n = k - 1
			p.Trick[i] = deck[next]
			next++
		}
		for j := 0; j < n; j++ {
			p.Hands[pl] = p.Hands[pl].With(deck[next])
			next++
		}
	}
	return p, d
}
