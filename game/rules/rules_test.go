package rules

import (
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// Table-driven tests, one per rule of RULES.md §4-§9.3 not covered by the E12 flows.

func TestAuctionRules(t *testing.T) {
	noJumps := DefaultOptions(3)
	noJumps.BidJumps = false
	hardExit := DefaultOptions(3)
	hardExit.RaspasyExit = [3]uint8{9, 9, 9}
	tests := []struct {
		name   string
		opt    Options
		series int
		moves  []Move
		bad    Move
		reason string
		good   []Move
	}{
		{"PassIsPermanent", DefaultOptions(3), 0, []Move{Pass(h1), BidMove(h2, SixSpades), BidMove(h3, BidOf(7, 0))},
			Pass(h1), "not your turn: seat 1", []Move{Pass(h2), BidMove(h2, BidOf(7, 1))}},
		{"BidMustBeHigher", DefaultOptions(3), 0, []Move{BidMove(h1, BidOf(7, 2))},
			BidMove(h2, BidOf(7, 1)), "bid must be higher than 7♦", []Move{BidMove(h2, BidOf(7, 3))}},
		{"BidJumpsAllowedByDefault", DefaultOptions(3), 0, []Move{BidMove(h1, SixSpades)},
			BidMove(h2, Bid(27)), "unknown bid", []Move{BidMove(h2, BidOf(8, NoTrump)), BidMove(h2, TenNoTrump)}},
		{"NoJumpBids", noJumps, 0, []Move{BidMove(h1, SixSpades)},
			BidMove(h2, BidOf(7, 0)), "jump bids are not allowed: the next bid is 6♣", []Move{BidMove(h2, BidOf(6, 1)), BidMove(h2, Misere)}},
		{"ExitAboveEightForbidsMisere", hardExit, 1, nil,
			BidMove(h1, Misere), "misère is not allowed", []Move{BidMove(h1, NineSpades)}},
		{"ExitAppliesFromFirstRaspasy", hardExit, 1, nil,
			BidMove(h1, BidOf(8, NoTrump)), "after 1 raspasy the lowest bid is 9♠", nil},
		{"NoExitWithoutRaspasy", hardExit, 0, nil,
			Simple(h1, MoveWhist), "only bid or pass", []Move{BidMove(h1, SixSpades)}},
		{"OnlyTheSeatOnTurn", DefaultOptions(3), 0, nil,
			BidMove(h2, SixSpades), "not your turn: seat 0 is to move", []Move{BidMove(h1, SixSpades)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustApply(t, newDeal(t, tt.opt, tt.series), tt.moves...)
			wantIllegal(t, s, tt.bad, tt.reason)
			for _, m := range tt.good {
				wantLegal(t, s, m)
			}
		})
	}
}

func TestDeclarationRules(t *testing.T) {
	concede := DefaultOptions(3)
	concede.ConcedeWithoutThree = true
	tests := []struct {
		name    string
		opt     Options
		bid     Bid
		bad     Move
		reason  string
		good    []Move
		ending  Ending
		endWith Move
	}{
		{"MisereWinnerDeclaresMisere", DefaultOptions(3), Misere, Declare(h1, TenNoTrump), "the contract is misère",
			[]Move{Declare(h1, Misere)}, EndingNone, Move{}},
		{"ConcedeOffByDefault", DefaultOptions(3), SixSpades, Simple(h1, MoveConcede), "not allowed",
			[]Move{Declare(h1, SixSpades)}, EndingNone, Move{}},
		{"ConcedeWithoutThree", concede, BidOf(7, 3), Declare(h1, BidOf(7, 2)), "at least the winning bid 7♥",
			[]Move{Simple(h1, MoveConcede)}, EndingConceded, Simple(h1, MoveConcede)},
		{"NoConcedeOnMisere", concede, Misere, Simple(h1, MoveConcede), "not allowed",
			nil, EndingNone, Move{}},
		{"DeclareAfterDiscard", DefaultOptions(3), SixSpades, Simple(h1, MoveWhist), "must declare",
			nil, EndingNone, Move{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustApply(t, newDeal(t, tt.opt, 0), BidMove(h1, tt.bid), Pass(h2), Pass(h3))
			h := s.Hand(h1)
			wantIllegal(t, s, DiscardMove(h1, h.Lowest(), h.Lowest()), "two different cards")
			wantIllegal(t, s, DiscardMove(h1, h.Lowest(), (FullDeck&^h).Lowest()), "you do not hold")
			s = mustApply(t, s, DiscardMove(h1, h.Highest(), h.Lowest()))
			if s.Hand(h1).Len() != 10 || s.Discard().Len() != 2 {
				t.Fatal("discard must leave 10 cards")
			}
			wantIllegal(t, s, tt.bad, tt.reason)
			for _, m := range tt.good {
				wantLegal(t, s, m)
			}
			if tt.ending != EndingNone {
				s = mustApply(t, s, tt.endWith)
				if r, ok := s.Result(); !ok || r.Ending != tt.ending || r.Contract != tt.bid {
					t.Fatalf("result %+v, want ending %d at %s", r, tt.ending, tt.bid)
				}
			}
		})
	}
}

func TestWhistRules(t *testing.T) {
	noHalf := DefaultOptions(3)
	noHalf.HalfWhist = false
	tests := []struct {
		name     string
		opt      Options
		contract Bid
		moves    []Move
		phase    Phase
		ending   Ending
	}{
		{"BothPassUnplayed", DefaultOptions(3), SixSpades, []Move{Pass(h2), Pass(h3)}, PhaseDone, EndingUnwhisted},
		{"TwoWhistersPlayClosed", DefaultOptions(3), SixSpades, []Move{Simple(h2, MoveWhist), Simple(h3, MoveWhist)}, PhasePlay, EndingNone},
		{"SecondWhistsAlone", DefaultOptions(3), BidOf(9, 0), []Move{Pass(h2), Simple(h3, MoveWhist)}, PhaseOpenChoice, EndingNone},
		{"HalfWhistOnSeven", DefaultOptions(3), BidOf(7, 4), []Move{Pass(h2), Simple(h3, MoveHalf), Pass(h2)}, PhaseDone, EndingHalfWhist},
		{"WhistedTenAsked", func() Options { o := DefaultOptions(3); o.TenMode = pref.TenWhisted; return o }(), BidOf(10, 0),
			[]Move{Pass(h2), Pass(h3)}, PhaseDone, EndingUnwhisted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustApply(t, declared(t, tt.opt, tt.contract), tt.moves...)
			if s.Phase() != tt.phase || s.ending != tt.ending {
				t.Fatalf("phase %s ending %d, want %s %d", s.Phase(), s.ending, tt.phase, tt.ending)
			}
		})
	}
	bad := []struct {
		name     string
		opt      Options
		contract Bid
		moves    []Move
		bad      Move
		reason   string
	}{
		{"HalfWhistOnlyBySecond", DefaultOptions(3), SixSpades, nil, Simple(h2, MoveHalf), "only the second defender"},
		{"HalfWhistOnlyAfterPass", DefaultOptions(3), SixSpades, []Move{Simple(h2, MoveWhist)}, Simple(h3, MoveHalf), "after the first defender passed"},
		{"HalfWhistOption", noHalf, SixSpades, []Move{Pass(h2)}, Simple(h3, MoveHalf), "not allowed at this table"},
		{"NoHalfAfterHalf", DefaultOptions(3), SixSpades, []Move{Pass(h2), Simple(h3, MoveHalf)}, Simple(h2, MoveHalf), "only whist or pass"},
		{"DeclarerDoesNotWhist", DefaultOptions(3), SixSpades, nil, Simple(h1, MoveWhist), "not your turn"},
		{"ChoiceIsOpenOrClosed", DefaultOptions(3), SixSpades, []Move{Simple(h2, MoveWhist), Pass(h3)}, Pass(h2), "open or closed"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			s := mustApply(t, declared(t, tt.opt, tt.contract), tt.moves...)
			wantIllegal(t, s, tt.bad, tt.reason)
		})
	}
}

func TestOpenAfterFirstTrick(t *testing.T) {
	// option open_timing = after_first_trick: the passer plays his own card
	// to trick 1 with hands closed; then both hands open and the whister plays both.
	opt := DefaultOptions(3)
	opt.OpenTiming = pref.AfterFirstTrick
	s := mustApply(t, declared(t, opt, BidOf(7, 0)), Simple(h2, MoveWhist), Pass(h3), Simple(h2, MoveOpen))
	for s.TrickNumber() == 0 {
		if v := View(s, h1); v.Hands[h2]|v.Hands[h3] != 0 {
			t.Fatal("hands open before the first trick")
		}
		if s.Turn() == h3 && s.Actor() != h3 {
			t.Fatal("the passer plays his own card to trick 1")
		}
		s = mustApply(t, s, LegalMoves(&s, nil)[0])
	}
	if v := View(s, h1); v.Hands[h2] != s.Hand(h2) || v.Hands[h3] != s.Hand(h3) {
		t.Fatal("hands not open after the first trick")
	}
	for s.Turn() != h3 {
		s = mustApply(t, s, LegalMoves(&s, nil)[0])
	}
	if s.Actor() != h2 {
		t.Fatalf("actor %d, want the whister", s.Actor())
	}
}

func TestMisereExposureOptions(t *testing.T) {
	opt := DefaultOptions(3)
	opt.MisereExposeTiming = pref.AfterFirstCard
	opt.MisereShowDeclarer = true
	s := declared(t, opt, Misere)
	s = mustApply(t, s, LegalMoves(&s, nil)[0])
	if v := View(s, h2); v.Hands[h3] != s.Hand(h3) || v.Hands[h1] != 0 {
		t.Fatal("after the first card the catchers' hands (only) must be open")
	}
	s = mustApply(t, s, LegalMoves(&s, nil)[0])
	s = mustApply(t, s, LegalMoves(&s, nil)[0])
	if v := View(s, h2); v.Hands[h1] != s.Hand(h1) || v.Discard != s.Discard() {
		t.Fatal("misere_show_declarer: the declarer's hand and discard open after trick 1")
	}
}

func TestCheckedTenOpen(t *testing.T) {
	opt := DefaultOptions(3)
	opt.CheckedTenOpen = true
	s := declared(t, opt, BidOf(10, 2))
	if v := View(s, Spectator); v.Hands[h2] != s.Hand(h2) || v.Hands[h3] != s.Hand(h3) || v.Hands[h1] != 0 {
		t.Fatal("checked_ten_open: defenders' hands face up, declarer's hidden")
	}
	for s.Turn() != h2 {
		s = mustApply(t, s, LegalMoves(&s, nil)[0])
	}
	if s.Actor() != h2 {
		t.Fatal("each defender plays his own cards in a checked ten")
	}
}

func TestRaspasyTrick3Leader(t *testing.T) {
	for _, byWinner := range []bool{false, true} {
		s := raspasyState(t, [3]string{"8♣ 9♣ 7♥", "7♦ 8♥ 9♥", "9♠ 10♥ J♥"}, [2]string{"8S", "7D"}, 1)
		s.opt.RaspasyTrick3Leader = pref.Trick3FirstHand
		if byWinner {
			s.opt.RaspasyTrick3Leader = pref.Trick3Trick2Winner
		}
		s = mustApply(t, s, PlayMove(h1, card(t, "8C")), PlayMove(h2, card(t, "7D")), PlayMove(h3, card(t, "9S")))
		want := h1
		if byWinner {
			want = h2
		}
		if s.Tricks()[h2] != 1 || s.Turn() != want {
			t.Fatalf("trick3 by winner %v: tricks %v, leader %d, want %d", byWinner, s.Tricks(), s.Turn(), want)
		}
	}
}

func TestRaspasyTalonIgnored(t *testing.T) {
	opt := DefaultOptions(3)
	opt.RaspasyTalon = pref.TalonIgnored
	s := mustApply(t, newDeal(t, opt, 0), Pass(h1), Pass(h2), Pass(h3))
	for !s.Done() {
		if v := View(s, h1); v.Talon != [2]Card{NoCard, NoCard} || v.TalonLead != NoCard {
			t.Fatal("ignored talon must stay closed")
		}
		s = mustApply(t, s, LegalMoves(&s, nil)[0])
	}
}

func TestRaspasyTalonParticipates(t *testing.T) {
	// FSPR 4 players: the sitting-out dealer's talon card is his lead and can win.
	opt := DefaultOptions(4)
	opt.RaspasyTalon = pref.TalonParticipates
	s, err := New(Deal{Seed: 1, Dealer: 3, Options: opt})
	if err != nil {
		t.Fatal(err)
	}
	s = mustApply(t, s, Pass(0), Pass(1), Pass(2))
	hands := [3]string{"7♠ 8♥", "8♠ 9♥", "9♠ 10♥"}
	for i, h := range hands {
		hh, _ := ParseHand(h)
		s.hands[i] = hh
	}
	s.talon = [2]Card{card(t, "AS"), card(t, "7H")}
	s = mustApply(t, s, PlayMove(0, card(t, "7S")), PlayMove(1, card(t, "8S")), PlayMove(2, card(t, "9S")))
	if s.Tricks()[3] != 1 {
		t.Fatalf("tricks %v: the dealer's ♠A must take the trick", s.Tricks())
	}
	s = mustApply(t, s, PlayMove(0, card(t, "8H")), PlayMove(1, card(t, "9H")), PlayMove(2, card(t, "10H")))
	if s.Tricks()[2] != 1 {
		t.Fatalf("tricks %v: ♥10 beats the dealer's ♥7", s.Tricks())
	}
}

func TestNextSeries(t *testing.T) {
	fspr := DefaultOptions(3)
	fspr.ExitRequiresWhisted = true
	fspr.MisereExits = false
	strict := DefaultOptions(3)
	strict.ExitByFailedContract = false
	tests := []struct {
		name     string
		opt      Options
		kind     Kind
		ending   Ending
		calls    [4]pref.Call
		declTake uint8
		want     int
	}{
		{"RaspasyCounts", DefaultOptions(3), KindRaspasy, EndingPlayed, [4]pref.Call{}, 0, 3},
		{"PlayedContractExits", DefaultOptions(3), KindContract, EndingPlayed, [4]pref.Call{0, pref.CallWhist, pref.CallPass}, 7, 0},
		{"UnwhistedContractExits", DefaultOptions(3), KindContract, EndingUnwhisted, [4]pref.Call{0, pref.CallPass, pref.CallPass}, 0, 0},
		{"FailedContractExitsByDefault", DefaultOptions(3), KindContract, EndingPlayed, [4]pref.Call{0, pref.CallWhist, pref.CallWhist}, 3, 0},
		{"FailedContractKeepsSeries", strict, KindContract, EndingPlayed, [4]pref.Call{0, pref.CallWhist, pref.CallWhist}, 3, 2},
		{"ExitRequiresWhisted", fspr, KindContract, EndingUnwhisted, [4]pref.Call{0, pref.CallPass, pref.CallPass}, 0, 2},
		{"WhistedPlayedExitsFSPR", fspr, KindContract, EndingPlayed, [4]pref.Call{0, pref.CallWhist, pref.CallPass}, 7, 0},
		{"MisereExitsByDefault", DefaultOptions(3), KindMisere, EndingPlayed, [4]pref.Call{}, 0, 0},
		{"MisereNoExitFSPR", fspr, KindMisere, EndingPlayed, [4]pref.Call{}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDeal(t, tt.opt, 2)
			s.phase, s.kind, s.ending, s.calls = PhaseDone, tt.kind, tt.ending, tt.calls
			s.declarer, s.contract = h1, BidOf(7, 0)
			if tt.ending == EndingPlayed {
				s.tricks = [4]uint8{tt.declTake, 10 - tt.declTake}
			}
			if got, ok := s.NextSeries(); !ok || got != tt.want {
				t.Fatalf("NextSeries = %d, %v; want %d", got, ok, tt.want)
			}
		})
	}
}

func TestDealOverRefusesMoves(t *testing.T) {
	s := mustApply(t, declared(t, DefaultOptions(3), SixSpades), Pass(h2), Pass(h3))
	wantIllegal(t, s, Pass(h1), "the deal is over")
	if _, ok := s.NextSeries(); !ok {
		t.Fatal("NextSeries at the end")
	}
	var zero State
	if _, err := Apply(zero, Pass(0)); err == nil {
		t.Fatal("the zero State is not a deal")
	}
}

func TestDealerMayWhist(t *testing.T) {
	// FSPR, 4 players: after «пас — полвиста — пас» the sitting-out dealer
	// may whist; he then plays both defenders' hands face up.
	opt := DefaultOptions(4)
	opt.DealerMayWhist = true
	const dealer = 3 // hands: seat 0, 1, 2
	start := func(opt Options) State {
		s, err := New(Deal{Seed: 9, Dealer: dealer, Options: opt})
		if err != nil {
			t.Fatal(err)
		}
		s = mustApply(t, s, BidMove(0, BidOf(6, 3)), Pass(1), Pass(2))
		h := s.Hand(0)
		return mustApply(t, s, DiscardMove(0, h.Lowest(), h.Highest()), Declare(0, BidOf(6, 3)),
			Pass(1), Simple(2, MoveHalf), Pass(1))
	}
	s := start(opt)
	if s.Phase() != PhaseWhist || s.Turn() != dealer {
		t.Fatalf("phase %s turn %d, want the dealer to decide", s.Phase(), s.Turn())
	}
	wantIllegal(t, s, Simple(dealer, MoveHalf), "only whist or pass")
	passed := mustApply(t, s, Pass(dealer))
	if r, _ := passed.Result(); r.Ending != EndingHalfWhist {
		t.Fatalf("dealer pass: ending %s, want half-whist", r.Ending)
	}
	s = mustApply(t, s, Simple(dealer, MoveWhist))
	if s.Phase() != PhasePlay || s.Call(dealer) != pref.CallWhist {
		t.Fatalf("phase %s call %s", s.Phase(), s.Call(dealer))
	}
	s = mustApply(t, s, LegalMoves(&s, nil)[0]) // the declarer leads
	if s.Turn() != 1 || s.Actor() != dealer {
		t.Fatalf("turn %d actor %d, want the dealer to play seat 1's card", s.Turn(), s.Actor())
	}
	if v := View(s, dealer); v.Hands[1] != s.Hand(1) || v.Hands[2] != s.Hand(2) || v.Hands[0] != 0 {
		t.Fatal("the defenders' hands (only) are face up")
	}
	// without the option the half-whist stands
	off := opt
	off.DealerMayWhist = false
	if s := start(off); !s.Done() {
		t.Fatal("without dealer_may_whist the half-whist ends the deal")
	}
}

func TestTimeoutMoveIsLegal(t *testing.T) {
	// auto-pass: every timeout move is legal and a deal of timeouts ends.
	for _, players := range []int{3, 4} {
		for seed := uint64(0); seed < 50; seed++ {
			s, err := New(Deal{Seed: seed, Dealer: int(seed) % players, Series: int(seed % 3), Options: DefaultOptions(players)})
			if err != nil {
				t.Fatal(err)
			}
			for steps := 0; !s.Done(); steps++ {
				m, ok := TimeoutMove(&s)
				if !ok || steps > 100 {
					t.Fatal("timeout moves do not finish the deal")
				}
				if s, err = Apply(s, m); err != nil {
					t.Fatalf("timeout move %s: %v", m, err)
				}
			}
			if r, _ := s.Result(); r.Kind != KindRaspasy {
				t.Fatalf("all timeouts in the auction must give raspasy, got %s", r.Kind)
			}
			if _, ok := TimeoutMove(&s); ok {
				t.Fatal("no timeout move after the end")
			}
		}
	}
	// discard, declaration: the two lowest cards and the winning bid
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0), BidMove(h1, BidOf(7, 1)), Pass(h2), Pass(h3))
	low := s.Hand(h1).Lowest()
	for !s.Done() {
		m, _ := TimeoutMove(&s)
		s = mustApply(t, s, m)
	}
	if r, _ := s.Result(); r.Contract != BidOf(7, 1) || r.Ending != EndingUnwhisted || !s.Discard().Has(low) {
		t.Fatalf("result %+v discard %v", r, s.Discard())
	}
	// open choice and play
	s = mustApply(t, declared(t, DefaultOptions(3), BidOf(7, 1)), Simple(h2, MoveWhist), Pass(h3))
	for !s.Done() {
		m, _ := TimeoutMove(&s)
		s = mustApply(t, s, m)
	}
	if s.open {
		t.Fatal("a timed-out whister plays closed")
	}
}
