package rules

import (
	"encoding/json"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// claimState builds trick play of contract by h1 (seat 0; F = h2, S = h3,
// both whisting) with the given hands; the tricks already played are
// 10 minus the hand size, credited to the declarer.
func claimState(t *testing.T, mode pref.ClaimMode, contract string, hands [3]string) State {
	t.Helper()
	s := playState(t, KindContract, contract, hands)
	s.opt.Claims = mode
	s.declarer = h1
	s.calls[h2], s.calls[h3] = pref.CallWhist, pref.CallWhist
	s.trickNo = uint8(10 - s.hands[h1].Len())
	s.tricks[h1] = s.trickNo
	return s
}

// TestClaimRules: who may claim what, and when (RULES §14 `claims`, §7.3).
func TestClaimRules(t *testing.T) {
	tops := [3]string{"A♠ K♠ A♥", "Q♠ K♥ 7♦", "J♠ Q♥ 8♦"}
	tests := []struct {
		name     string
		mode     pref.ClaimMode
		kind     Kind
		contract string
		hands    [3]string
		before   []Move // played before the claim
		claim    Move
		reason   string // "" when the claim is legal
	}{
		{"DeclarerOnlyClaimsWithTopCardsAndEnoughTrumps", pref.ClaimsDeclarerOnly, KindContract, "8S", tops, nil, Simple(h1, MoveClaim), ""},
		{"DeclarerOnlyClaimsAllTopsInNoTrump", pref.ClaimsDeclarerOnly, KindContract, "8NT", [3]string{"A♣ A♥ K♥", "7♠ Q♥ 7♦", "8♠ 9♦ 10♦"}, nil, Simple(h1, MoveClaim), ""},
		{"DeclarerOnlyRefusedWhenTrumpsMayRuff", pref.ClaimsDeclarerOnly, KindContract, "8S", [3]string{"A♠ A♥ K♥", "7♠ 8♠ 7♦", "8♦ 9♦ 10♦"}, nil,
			Simple(h1, MoveClaim), "the defenders hold 2 trumps ♠, you only 1"},
		{"DeclarerOnlyRefusedWhenACardIsNotTop", pref.ClaimsDeclarerOnly, KindContract, "8NT", [3]string{"A♠ K♥", "A♥ 7♦", "8♦ 9♦"}, nil,
			Simple(h1, MoveClaim), "a defender's card beats K♥"},
		{"DeclarerOnlyClaimsOnLead", pref.ClaimsDeclarerOnly, KindContract, "8S", tops, []Move{PlayMove(h1, NewCard(Ace, Hearts)), PlayMove(h2, NewCard(King, Hearts)), PlayMove(h3, NewCard(Queen, Hearts))},
			Simple(h1, MoveClaim), ""},
		{"DeclarerOnlyNotByADefender", pref.ClaimsDeclarerOnly, KindContract, "8S", tops, []Move{PlayMove(h1, NewCard(Ace, Hearts))},
			Simple(h2, MoveClaim), "only the declarer may claim"},
		{"DeclarerOnlyHasNoProposals", pref.ClaimsDeclarerOnly, KindContract, "8S", tops, nil, ClaimProposeMove(h1, 3), "only the declarer claims"},
		{"ProposeAcceptHasNoOneSidedClaim", pref.ClaimsProposeAccept, KindContract, "8S", tops, nil, Simple(h1, MoveClaim), "proposed and accepted"},
		{"ProposeByTheDeclarer", pref.ClaimsProposeAccept, KindContract, "8S", tops, nil, ClaimProposeMove(h1, 2), ""},
		{"ProposeByADefenderOnTurn", pref.ClaimsProposeAccept, KindContract, "8S", tops, []Move{PlayMove(h1, NewCard(Ace, Hearts))}, ClaimProposeMove(h2, 0), ""},
		{"ProposeNoMoreThanRemain", pref.ClaimsProposeAccept, KindContract, "8S", tops, nil, ClaimProposeMove(h1, 4), "only 3 tricks remain"},
		{"ProposeOnlyOnTurn", pref.ClaimsProposeAccept, KindContract, "8S", tops, nil, ClaimProposeMove(h2, 1), "not your turn"},
		{"NoAnswerWithoutProposal", pref.ClaimsProposeAccept, KindContract, "8S", tops, nil, Simple(h1, MoveClaimAccept), "no claim is pending"},
		{"OffMeansNoClaims", pref.ClaimsOff, KindContract, "8S", tops, nil, ClaimProposeMove(h1, 3), "claims are off"},
		{"NoClaimsInMisere", pref.ClaimsProposeAccept, KindMisere, "misere", tops, nil, ClaimProposeMove(h1, 0), "only made in a trick contract"},
		{"NoClaimsInRaspasy", pref.ClaimsProposeAccept, KindRaspasy, "", tops, nil, ClaimProposeMove(h1, 0), "only made in a trick contract"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := claimState(t, tt.mode, tt.contract, tt.hands)
			s.kind = tt.kind
			s = mustApply(t, s, tt.before...)
			if tt.reason != "" {
				wantIllegal(t, s, tt.claim, tt.reason)
				return
			}
			wantLegal(t, s, tt.claim)
		})
	}
}

// TestDeclarerClaimsOnlyOnLead: a defender led; with his top cards the
// declarer still claims only once he is on lead to a new trick.
func TestDeclarerClaimsOnlyOnLead(t *testing.T) {
	s := claimState(t, pref.ClaimsDeclarerOnly, "8S", [3]string{"A♠ K♠ A♥", "Q♠ K♥ 7♦", "J♠ Q♥ 8♦"})
	s.leader, s.turn = h2, h2
	s = mustApply(t, s, PlayMove(h2, NewCard(King, Hearts)), PlayMove(h3, NewCard(Queen, Hearts)))
	wantIllegal(t, s, Simple(h1, MoveClaim), "on lead to a new trick")
	s = mustApply(t, s, PlayMove(h1, NewCard(Ace, Hearts)))
	wantLegal(t, s, Simple(h1, MoveClaim))
}

// TestDeclarerClaimTakesTheRest: «остальные мои» ends the deal at once with
// every remaining trick to the declarer.
func TestDeclarerClaimTakesTheRest(t *testing.T) {
	s := claimState(t, pref.ClaimsDeclarerOnly, "8S", [3]string{"A♠ K♠ A♥", "Q♠ K♥ 7♦", "J♠ Q♥ 8♦"})
	s.tricks = [4]uint8{5, 1, 1, 0}
	s = mustApply(t, s, Simple(h1, MoveClaim))
	r, ok := s.Result()
	if !ok || !r.Claimed || r.Ending != EndingPlayed || r.Tricks != [4]int{8, 1, 1, 0} || !r.Made() {
		t.Fatalf("result %+v ok %v, want a claimed made 8♠ with tricks 8/1/1", r, ok)
	}
	if v := View(s, h2); v.Hands[h1] != 0 || v.Hands[h3] != 0 || !v.Claimed {
		t.Fatalf("view after the claim %+v: other hands must stay hidden, Claimed set", v)
	}
}

// TestClaimProposals: the propose / accept / reject protocol.
func TestClaimProposals(t *testing.T) {
	hands := [3]string{"A♠ K♠ A♥", "Q♠ K♥ 7♦", "J♠ Q♥ 8♦"}
	t.Run("AllAcceptEndsTheDealWithTheSplit", func(t *testing.T) {
		s := claimState(t, pref.ClaimsProposeAccept, "8S", hands)
		s.tricks = [4]uint8{5, 1, 1, 0}
		s = mustApply(t, s, ClaimProposeMove(h1, 2))
		if s.Actor() != h2 || s.Turn() != h1 {
			t.Fatalf("actor %d turn %d: F answers first, the turn stays with h1", s.Actor(), s.Turn())
		}
		wantIllegal(t, s, PlayMove(h2, NewCard(Queen, Spades)), "accept or reject first")
		wantIllegal(t, s, Simple(h3, MoveClaimAccept), "not your turn: seat 1")
		s = mustApply(t, s, Simple(h2, MoveClaimAccept))
		if s.Done() || s.Actor() != h3 {
			t.Fatalf("after one accept: done %v actor %d, want S to answer", s.Done(), s.Actor())
		}
		s = mustApply(t, s, Simple(h3, MoveClaimAccept))
		r, ok := s.Result()
		if !ok || !r.Claimed || r.Tricks != [4]int{7, 2, 1, 0} {
			t.Fatalf("result %+v, want tricks 7/2/1 (the odd defenders' trick to F on a tie)", r)
		}
	})
	t.Run("RejectResumesPlay", func(t *testing.T) {
		before := claimState(t, pref.ClaimsProposeAccept, "8S", hands)
		s := mustApply(t, before, ClaimProposeMove(h1, 3), Simple(h2, MoveClaimAccept), Simple(h3, MoveClaimReject))
		if s.Done() || s.Actor() != h1 || s.Turn() != h1 || s.Hand(h1) != before.Hand(h1) {
			t.Fatalf("after a reject: done %v actor %d, want play to resume with h1", s.Done(), s.Actor())
		}
		if _, _, ok := s.PendingClaim(); ok {
			t.Fatal("claim still pending after a reject")
		}
		wantIllegal(t, s, ClaimProposeMove(h1, 2), "already proposed a claim in this trick")
		wantLegal(t, s, PlayMove(h1, NewCard(Ace, Spades)))
		// a new trick allows a new proposal
		s = mustApply(t, s, PlayMove(h1, NewCard(Ace, Spades)), PlayMove(h2, NewCard(Queen, Spades)), PlayMove(h3, NewCard(Jack, Spades)))
		wantLegal(t, s, ClaimProposeMove(h1, 2))
	})
	t.Run("DefenderProposesAndOthersAnswerClockwise", func(t *testing.T) {
		s := claimState(t, pref.ClaimsProposeAccept, "8S", hands)
		s = mustApply(t, s, PlayMove(h1, NewCard(Ace, Hearts)), ClaimProposeMove(h2, 2))
		if s.Actor() != h3 {
			t.Fatalf("actor %d, want S (clockwise from the proposer)", s.Actor())
		}
		s = mustApply(t, s, Simple(h3, MoveClaimAccept))
		if s.Actor() != h1 {
			t.Fatalf("actor %d, want the declarer", s.Actor())
		}
		s = mustApply(t, s, Simple(h1, MoveClaimAccept))
		if r, _ := s.Result(); r.Tricks[h1] != 9 || r.Tricks[h2]+r.Tricks[h3] != 1 {
			t.Fatalf("tricks %v, want 2 more to the declarer, 1 to the defenders", r.Tricks)
		}
	})
	t.Run("LoneWhisterTakesTheDefendersShare", func(t *testing.T) {
		s := claimState(t, pref.ClaimsProposeAccept, "8S", hands)
		s.calls[h2], s.calls[h3] = pref.CallPass, pref.CallWhist
		s = mustApply(t, s, ClaimProposeMove(h1, 0), Simple(h2, MoveClaimAccept), Simple(h3, MoveClaimAccept))
		if r, _ := s.Result(); r.Tricks != [4]int{7, 0, 3, 0} {
			t.Fatalf("tricks %v, want the whister (h3) to get the 3 tricks", r.Tricks)
		}
	})
	t.Run("TimeoutRejects", func(t *testing.T) {
		s := mustApply(t, claimState(t, pref.ClaimsProposeAccept, "8S", hands), ClaimProposeMove(h1, 3))
		if m, ok := TimeoutMove(&s); !ok || m != Simple(h2, MoveClaimReject) {
			t.Fatalf("timeout move %v, want h2 rejects", m)
		}
	})
}

// TestViewShowsPendingClaim: every viewer, spectators included, sees the
// pending proposal and who has answered.
func TestViewShowsPendingClaim(t *testing.T) {
	s := claimState(t, pref.ClaimsProposeAccept, "8S", [3]string{"A♠ K♠ A♥", "Q♠ K♥ 7♦", "J♠ Q♥ 8♦"})
	if v := View(s, h2); v.Claim.Pending || v.Claim.By != -1 {
		t.Fatalf("claim view %+v before any proposal", v.Claim)
	}
	s = mustApply(t, s, ClaimProposeMove(h1, 2), Simple(h2, MoveClaimAccept))
	want := ClaimView{Pending: true, By: h1, Tricks: 2, Remaining: 3, Waiting: [4]bool{h3: true}, Accepted: [4]bool{h2: true}}
	for _, viewer := range []int{h1, h2, h3, Spectator} {
		v := View(s, viewer)
		if v.Claim != want || v.Actor != h3 {
			t.Fatalf("viewer %d: claim %+v actor %d, want %+v actor %d", viewer, v.Claim, v.Actor, want, h3)
		}
	}
	b, err := json.Marshal(View(s, Spectator).Claim)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `{"pending":true,"by":0,"tricks":2,"remaining":3,"waiting":[false,false,true,false],"accepted":[false,true,false,false]}` {
		t.Fatalf("claim JSON %s", got)
	}
}

// TestClaimMoveJSON: the wire form of the claim moves, and what the decoder refuses.
func TestClaimMoveJSON(t *testing.T) {
	good := []struct {
		wire string
		move Move
	}{
		{`{"seat":0,"kind":"claim"}`, Simple(0, MoveClaim)},
		{`{"seat":1,"kind":"claim_propose","tricks":0}`, ClaimProposeMove(1, 0)},
		{`{"seat":2,"kind":"claim_propose","tricks":10}`, ClaimProposeMove(2, 10)},
		{`{"seat":3,"kind":"claim_accept"}`, Simple(3, MoveClaimAccept)},
		{`{"seat":0,"kind":"claim_reject"}`, Simple(0, MoveClaimReject)},
	}
	for _, tt := range good {
		m, err := DecodeMove([]byte(tt.wire))
		if err != nil || m != tt.move {
			t.Fatalf("%s decodes to %v (%v), want %v", tt.wire, m, err, tt.move)
		}
		out, err := tt.move.MarshalJSON()
		if err != nil || string(out) != tt.wire {
			t.Fatalf("%v encodes to %s (%v), want %s", tt.move, out, err, tt.wire)
		}
	}
	bad := []struct{ name, wire string }{
		{"ProposalNeedsTricks", `{"seat":0,"kind":"claim_propose"}`},
		{"TricksAtMostTen", `{"seat":0,"kind":"claim_propose","tricks":11}`},
		{"TricksNotNegative", `{"seat":0,"kind":"claim_propose","tricks":-1}`},
		{"TricksOnlyOnProposals", `{"seat":0,"kind":"claim_accept","tricks":2}`},
		{"NoTricksOnCards", `{"seat":0,"kind":"play","card":"7S","tricks":2}`},
		{"ClaimTakesNoCard", `{"seat":0,"kind":"claim","card":"7S"}`},
	}
	for _, tt := range bad {
		if m, err := DecodeMove([]byte(tt.wire)); err == nil {
			t.Errorf("%s: %s decoded to %v, want an error", tt.name, tt.wire, m)
		}
	}
}
