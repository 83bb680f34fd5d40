package rules

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// EXAMPLES.md E12: auction, whisting and play flows. The dealer is seat 2,
// so h1 = seat 0, h2 = seat 1, h3 = seat 2.
const h1, h2, h3 = 0, 1, 2

func newDeal(t *testing.T, opt Options, series int) State {
	t.Helper()
	s, err := New(Deal{Seed: 42, Dealer: 2, Series: series, Options: opt})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustApply(t *testing.T, s State, moves ...Move) State {
	t.Helper()
	for _, m := range moves {
		var err error
		s, err = Apply(s, m)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
	return s
}

// wantIllegal checks that m is refused with an *IllegalMoveError whose
// reason contains reason, and that it is not among the legal moves.
func wantIllegal(t *testing.T, s State, m Move, reason string) {
	t.Helper()
	after, err := Apply(s, m)
	var ime *IllegalMoveError
	if !errors.As(err, &ime) {
		t.Fatalf("%s: got error %v, want *IllegalMoveError", m, err)
	}
	if !strings.Contains(ime.Reason, reason) {
		t.Fatalf("%s: reason %q, want it to contain %q", m, ime.Reason, reason)
	}
	if after != s {
		t.Fatalf("%s: state changed on error", m)
	}
	if slices.Contains(LegalMoves(&s, nil), m) {
		t.Fatalf("%s is refused by Apply but listed by LegalMoves", m)
	}
}

func wantLegal(t *testing.T, s State, m Move) {
	t.Helper()
	if _, err := Apply(s, m); err != nil {
		t.Fatalf("%s: %v", m, err)
	}
	if !slices.Contains(LegalMoves(&s, nil), m) {
		t.Fatalf("%s is accepted by Apply but not listed by LegalMoves", m)
	}
}

func bid(t *testing.T, s string) Bid {
	t.Helper()
	b, err := ParseBid(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func card(t *testing.T, s string) Card {
	t.Helper()
	c, err := ParseCard(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestE12_A1_RaiseAndDeclareAtLeastTheBid(t *testing.T) {
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0),
		BidMove(h1, bid(t, "6S")), BidMove(h2, bid(t, "6C")), Pass(h3), BidMove(h1, bid(t, "7S")), Pass(h2))
	if s.Phase() != PhaseDiscard || s.Declarer() != h1 {
		t.Fatalf("phase %s declarer %d, want discard by h1", s.Phase(), s.Declarer())
	}
	if top, _ := s.TopBid(); top != bid(t, "7S") {
		t.Fatalf("winning bid %s, want 7♠", top)
	}
	h := s.Hand(h1)
	if h.Len() != 12 {
		t.Fatalf("declarer holds %d cards, want 12 with the talon", h.Len())
	}
	s = mustApply(t, s, DiscardMove(h1, h.Lowest(), h.Highest()))
	var got []Bid
	for _, m := range LegalMoves(&s, nil) {
		got = append(got, m.Bid)
	}
	var want []Bid
	for b := bid(t, "7S"); b <= TenNoTrump; b++ {
		if b != Misere {
			want = append(want, b)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("declarations %v, want %v", got, want)
	}
	wantIllegal(t, s, Declare(h1, bid(t, "6H")), "at least the winning bid 7♠")
	wantIllegal(t, s, Declare(h1, Misere), "misère may not be declared")
}

func TestE12_A2_AllPassIsRaspasy(t *testing.T) {
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0), Pass(h1), Pass(h2), Pass(h3))
	if s.Kind() != KindRaspasy || s.Phase() != PhasePlay {
		t.Fatalf("kind %d phase %s, want raspasy play", s.Kind(), s.Phase())
	}
	for !s.Done() {
		s = mustApply(t, s, LegalMoves(&s, nil)[0])
	}
	if k, _ := s.NextSeries(); k != 1 {
		t.Fatalf("series after one raspasy = %d, want 1", k)
	}
}

func TestE12_A3_ThirdHandBidAfterTwoPassesWins(t *testing.T) {
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0), Pass(h1), Pass(h2), BidMove(h3, SixSpades))
	if s.Phase() != PhaseDiscard || s.Declarer() != h3 {
		t.Fatalf("phase %s declarer %d, want discard by h3", s.Phase(), s.Declarer())
	}
}

func TestE12_A4_AfterMisereOnlyNineSpadesOrHigher(t *testing.T) {
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0), BidMove(h1, SixSpades), BidMove(h2, Misere))
	moves := LegalMoves(&s, nil)
	if moves[0] != Pass(h3) {
		t.Fatalf("first legal move %s, want pass", moves[0])
	}
	for _, m := range moves[1:] {
		if m.Bid < NineSpades {
			t.Fatalf("h3 may bid %s after misère", m.Bid)
		}
	}
	if len(moves) != 1+10 {
		t.Fatalf("%d legal moves, want pass and 9♠..10NT", len(moves))
	}
	s = mustApply(t, s, Pass(h3))
	wantIllegal(t, s, BidMove(h1, Misere), "misère may only be a player's first bid")
}

func TestE12_A5_OutbidMisereBidderIsPassed(t *testing.T) {
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0), BidMove(h1, Misere), BidMove(h2, NineSpades), Pass(h3))
	if s.Phase() != PhaseDiscard || s.Declarer() != h2 || s.Contract() != NoBid {
		t.Fatalf("phase %s declarer %d, want h2 to win 9♠", s.Phase(), s.Declarer())
	}
	if top, _ := s.TopBid(); top != NineSpades {
		t.Fatalf("top bid %s", top)
	}
}

func TestE12_A6_MisereIsOutbidOnlyByNine(t *testing.T) {
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0), BidMove(h1, Misere))
	wantIllegal(t, s, BidMove(h2, bid(t, "8NT")), "bid must be higher than misère")
	wantLegal(t, s, BidMove(h2, NineSpades))
}

func TestE12_A7_ExitAfterTwoRaspasy(t *testing.T) {
	opt := DefaultOptions(3)
	opt.RaspasyExit = [3]uint8{6, 7, 8}
	s := newDeal(t, opt, 2)
	wantIllegal(t, s, BidMove(h1, bid(t, "6H")), "after 2 raspasy the lowest bid is 7♠")
	wantLegal(t, s, BidMove(h1, bid(t, "7S")))
	wantLegal(t, s, BidMove(h1, Misere))
}

func TestE12_A8_SeniorHold(t *testing.T) {
	opt := DefaultOptions(3)
	opt.SeniorHold = true
	s := mustApply(t, newDeal(t, opt, 0),
		BidMove(h1, bid(t, "6S")), BidMove(h2, bid(t, "6C")), Pass(h3), BidMove(h1, bid(t, "6C")))
	if top, seat := s.TopBid(); top != bid(t, "6C") || seat != h1 {
		t.Fatalf("top %s by %d, want 6♣ held by h1", top, seat)
	}
	wantIllegal(t, s, BidMove(h2, bid(t, "6C")), "higher than 6♣")
	wantLegal(t, s, BidMove(h2, bid(t, "6D")))
	wantLegal(t, s, Pass(h2))
	// without the option the same hold is refused
	s2 := mustApply(t, newDeal(t, DefaultOptions(3), 0), BidMove(h1, bid(t, "6S")), BidMove(h2, bid(t, "6C")), Pass(h3))
	wantIllegal(t, s2, BidMove(h1, bid(t, "6C")), "higher than 6♣")
}

func TestE12_A9_LastStandingBidderWins(t *testing.T) {
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0),
		BidMove(h1, bid(t, "6S")), Pass(h2), BidMove(h3, bid(t, "7D")), Pass(h1))
	if s.Phase() != PhaseDiscard || s.Declarer() != h3 {
		t.Fatalf("phase %s declarer %d, want h3", s.Phase(), s.Declarer())
	}
}

// declared returns a deal where h1 won with contract c, discarded and declared it.
func declared(t *testing.T, opt Options, c Bid) State {
	t.Helper()
	s := mustApply(t, newDeal(t, opt, 0), BidMove(h1, c), Pass(h2), Pass(h3))
	h := s.Hand(h1)
	return mustApply(t, s, DiscardMove(h1, h.Lowest(), h.Highest()), Declare(h1, c))
}

func TestE12_W1_HalfWhistAccepted(t *testing.T) {
	s := declared(t, DefaultOptions(3), bid(t, "6S"))
	s = mustApply(t, s, Pass(h2), Simple(h3, MoveHalf), Pass(h2))
	r, ok := s.Result()
	if !ok || r.Ending != EndingHalfWhist || r.Calls[h2] != pref.CallPass || r.Calls[h3] != pref.CallHalf {
		t.Fatalf("result %+v, want an unplayed half-whist", r)
	}
}

func TestE12_W2_HalfWhistReturned(t *testing.T) {
	s := declared(t, DefaultOptions(3), bid(t, "7D"))
	s = mustApply(t, s, Pass(h2), Simple(h3, MoveHalf), Simple(h2, MoveWhist))
	if s.Phase() != PhaseOpenChoice || s.Turn() != h2 {
		t.Fatalf("phase %s turn %d, want F's open/closed choice", s.Phase(), s.Turn())
	}
	if s.Call(h2) != pref.CallReturned || s.Call(h3) != pref.CallHalf {
		t.Fatalf("calls %s/%s, want returned/half", s.Call(h2), s.Call(h3))
	}
}

func TestE12_W3_NoHalfWhistOnEight(t *testing.T) {
	s := mustApply(t, declared(t, DefaultOptions(3), bid(t, "8D")), Pass(h2))
	wantIllegal(t, s, Simple(h3, MoveHalf), "only possible on 6 and 7")
}

func TestE12_W4_Stalingrad(t *testing.T) {
	opt := DefaultOptions(3)
	opt.Stalingrad = true
	s := declared(t, opt, SixSpades)
	if s.Phase() != PhasePlay || s.Call(h2) != pref.CallWhist || s.Call(h3) != pref.CallWhist {
		t.Fatalf("phase %s, calls %s/%s: want forced whists and play", s.Phase(), s.Call(h2), s.Call(h3))
	}
	if v := View(s, h1); v.Hands[h2] != 0 || v.Hands[h3] != 0 {
		t.Fatal("Stalingrad is played closed")
	}
}

func TestE12_W5_CheckedTen(t *testing.T) {
	s := declared(t, DefaultOptions(3), bid(t, "10H"))
	if s.Phase() != PhasePlay || s.Call(h2) != pref.CallWhist || s.Call(h3) != pref.CallWhist {
		t.Fatalf("phase %s: want a checked ten to go straight to play", s.Phase())
	}
	opt := DefaultOptions(3)
	opt.TenMode = pref.TenWhisted
	if s := declared(t, opt, bid(t, "10H")); s.Phase() != PhaseWhist {
		t.Fatalf("whisted ten: phase %s, want whisting", s.Phase())
	}
}

func TestE12_W6_LoneWhisterChoosesOpen(t *testing.T) {
	s := mustApply(t, declared(t, DefaultOptions(3), bid(t, "7S")), Simple(h2, MoveWhist), Pass(h3))
	if s.Phase() != PhaseOpenChoice || s.Turn() != h2 {
		t.Fatalf("phase %s turn %d", s.Phase(), s.Turn())
	}
	closed := mustApply(t, s, Simple(h2, MoveClosed))
	if v := View(closed, h1); v.Hands[h2] != 0 || v.Hands[h3] != 0 {
		t.Fatal("closed play shows defenders' hands")
	}
	s = mustApply(t, s, Simple(h2, MoveOpen))
	for _, viewer := range []int{h1, h2, h3, Spectator} {
		v := View(s, viewer)
		if v.Hands[h2] != s.Hand(h2) || v.Hands[h3] != s.Hand(h3) {
			t.Fatalf("viewer %d does not see both defenders' hands in open play", viewer)
		}
		if viewer != h1 && v.Hands[h1] != 0 {
			t.Fatalf("viewer %d sees the declarer's hand", viewer)
		}
	}
	// h1 leads, h2 follows; h3's card is played by the whister h2.
	s = mustApply(t, s, LegalMoves(&s, nil)[0])
	s = mustApply(t, s, LegalMoves(&s, nil)[0])
	if s.Turn() != h3 || s.Actor() != h2 {
		t.Fatalf("turn %d actor %d, want h3's card played by the whister h2", s.Turn(), s.Actor())
	}
	m := LegalMoves(&s, nil)[0]
	wantIllegal(t, s, PlayMove(h3, m.Card), "not your turn: seat 1")
}

func TestE12_W7_MisereExposesCatchersAfterFirstTrick(t *testing.T) {
	s := declared(t, DefaultOptions(3), Misere)
	if s.Phase() != PhasePlay || s.Turn() != h1 {
		t.Fatalf("misère: phase %s turn %d, want play led by h1", s.Phase(), s.Turn())
	}
	for i := 0; i < 3; i++ {
		if v := View(s, Spectator); v.Hands != [4]Hand{} {
			t.Fatalf("hands visible before trick 1 is complete: %v", v.Hands)
		}
		s = mustApply(t, s, LegalMoves(&s, nil)[0])
	}
	v := View(s, Spectator)
	if v.Hands[h2] != s.Hand(h2) || v.Hands[h3] != s.Hand(h3) || v.Hands[h1] != 0 {
		t.Fatalf("after trick 1: visible %v, want both catchers and not the declarer", v.Hands)
	}
}

// playState builds a trick-play state with the given hands for h1, h2, h3.
func playState(t *testing.T, kind Kind, contract string, hands [3]string) State {
	t.Helper()
	s := newDeal(t, DefaultOptions(3), 0)
	s.phase, s.kind = PhasePlay, kind
	if contract != "" {
		s.contract = bid(t, contract)
	}
	for i, h := range hands {
		hh, err := ParseHand(h)
		if err != nil {
			t.Fatal(err)
		}
		s.hands[i] = hh
	}
	s.leader, s.turn = h1, h1
	return s
}

func TestE12_T1_MustTrumpWhenVoid(t *testing.T) {
	s := playState(t, KindContract, "6S", [3]string{"K♥ 8♣", "7♠ A♦", "A♥ 9♣"})
	s = mustApply(t, s, PlayMove(h1, card(t, "KH")))
	wantIllegal(t, s, PlayMove(h2, card(t, "AD")), "must trump with ♠")
	s = mustApply(t, s, PlayMove(h2, card(t, "7S")), PlayMove(h3, card(t, "AH")))
	if s.Tricks()[h2] != 1 || s.Turn() != h2 {
		t.Fatalf("tricks %v turn %d, want h2 to win with ♠7 and lead", s.Tricks(), s.Turn())
	}
}

func TestE12_T2_NoTrumpHighestOfLedSuit(t *testing.T) {
	s := playState(t, KindContract, "6NT", [3]string{"9♦ 8♣", "A♠ K♠", "10♦ 9♣"})
	s = mustApply(t, s, PlayMove(h1, card(t, "9D")), PlayMove(h2, card(t, "AS")))
	wantIllegal(t, s, PlayMove(h3, card(t, "9C")), "must follow suit ♦")
	s = mustApply(t, s, PlayMove(h3, card(t, "10D")))
	if s.Tricks()[h3] != 1 {
		t.Fatalf("tricks %v, want ♦10 (h3) to win", s.Tricks())
	}
}

func raspasyState(t *testing.T, hands [3]string, talon [2]string, trickNo int) State {
	s := playState(t, KindRaspasy, "", hands)
	s.talon = [2]Card{card(t, talon[0]), card(t, talon[1])}
	s.talonOnTrick = true
	s.trickNo = uint8(trickNo)
	s.talonTurned = uint8(trickNo + 1)
	return s
}

func TestE12_T3_RaspasyTalonSuitLeads(t *testing.T) {
	s := raspasyState(t, [3]string{"Q♣ 7♦ 8♦", "7♥ 8♥ 9♥", "9♣ 10♣ J♣"}, [2]string{"8C", "7S"}, 0)
	wantIllegal(t, s, PlayMove(h1, card(t, "7D")), "must follow suit ♣")
	s = mustApply(t, s, PlayMove(h1, card(t, "QC")), PlayMove(h2, card(t, "7H")), PlayMove(h3, card(t, "9C")))
	if s.Tricks()[h1] != 1 {
		t.Fatalf("tricks %v, want h1 (♣Q) to take the talon trick", s.Tricks())
	}
	if s.Turn() != h1 || !s.talonOnTrick || View(s, h2).TalonLead != card(t, "7S") {
		t.Fatalf("trick 2 must be led by the second talon card with h1 first")
	}
}

func TestE12_T4_RaspasyTalonSuitNobodyHas(t *testing.T) {
	s := raspasyState(t, [3]string{"Q♣ 8♣", "7♥ 8♥", "9♣ 10♣"}, [2]string{"8S", "7D"}, 1)
	s = mustApply(t, s, PlayMove(h1, card(t, "8C")), PlayMove(h2, card(t, "8H")), PlayMove(h3, card(t, "10C")))
	if s.Tricks()[h1] != 1 {
		t.Fatalf("tricks %v, want the first hand to take it", s.Tricks())
	}
	if s.Turn() != h1 || s.talonOnTrick {
		t.Fatalf("trick 3: turn %d, want h1 to lead a normal trick", s.Turn())
	}
}

func TestE12_T5_FirstHandLeadsFirstTrick(t *testing.T) {
	for _, c := range []string{"6S", "misere", "10NT"} {
		s := mustApply(t, newDeal(t, DefaultOptions(3), 0), Pass(h1), Pass(h2), BidMove(h3, bid(t, c)))
		h := s.Hand(h3)
		s = mustApply(t, s, DiscardMove(h3, h.Lowest(), h.Highest()), Declare(h3, bid(t, c)))
		for s.Phase() != PhasePlay {
			s = mustApply(t, s, LegalMoves(&s, nil)[0])
		}
		if s.Turn() != h1 {
			t.Fatalf("%s by h3: trick 1 led by %d, want h1", c, s.Turn())
		}
	}
	s := mustApply(t, newDeal(t, DefaultOptions(3), 0), Pass(h1), Pass(h2), Pass(h3))
	if s.Turn() != h1 {
		t.Fatalf("raspasy: trick 1 led by %d, want h1", s.Turn())
	}
}
