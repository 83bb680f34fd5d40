package rules_test

import (
	"errors"
	"fmt"

	"github.com/trelljaz/trelljaz/game/rules"
)

// A deal is created from a seed and played by applying moves; an illegal
// move is an *IllegalMoveError that says why.
func ExampleApply() {
	s, err := rules.New(rules.Deal{Seed: 7, Dealer: 2, Options: rules.DefaultOptions(3)})
	if err != nil {
		panic(err)
	}
	// Seat 0 is the first hand (left of the dealer) and speaks first.
	s, err = rules.Apply(s, rules.BidMove(0, rules.BidOf(7, rules.Strain(rules.Diamonds))))
	if err != nil {
		panic(err)
	}
	_, err = rules.Apply(s, rules.BidMove(1, rules.BidOf(7, rules.Strain(rules.Clubs))))
	var illegal *rules.IllegalMoveError
	if errors.As(err, &illegal) {
		fmt.Println(illegal.Reason)
	}
	// Output: bid must be higher than 7♦
}

// LegalMoves appends into a caller's buffer, so a bot or a server loop
// allocates nothing per decision.
func ExampleLegalMoves() {
	s, _ := rules.New(rules.Deal{Seed: 7, Dealer: 2, Options: rules.DefaultOptions(3)})
	s, _ = rules.Apply(s, rules.BidMove(0, rules.Misere))
	buf := make([]rules.Move, 0, 80)
	buf = rules.LegalMoves(&s, buf[:0])
	fmt.Println(len(buf), "moves:", buf[0], "...", buf[1], "...", buf[len(buf)-1])
	// Output: 11 moves: seat 1 pass ... seat 1 bid 9♠ ... seat 1 bid 10NT
}

// A view holds only what its viewer may see: a player sees his own hand,
// not the others' nor the closed talon.
func ExampleView() {
	s, _ := rules.New(rules.Deal{Seed: 7, Dealer: 2, Options: rules.DefaultOptions(3)})
	v := rules.View(s, 1)
	fmt.Println(v.Hands[1].Len(), v.Hands[0].Len(), v.HandSize[0], v.Talon[0] == rules.NoCard)
	// Output: 10 0 10 true
}

// Moves arrive from clients as JSON; DecodeMove limits their size.
func ExampleDecodeMove() {
	m, err := rules.DecodeMove([]byte(`{"seat":2,"kind":"play","card":"10H"}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(m)
	out, _ := m.MarshalJSON()
	fmt.Println(string(out))
	// Output:
	// seat 2 plays 10♥
	// {"seat":2,"kind":"play","card":"10H"}
}

func ExampleParseCard() {
	for _, s := range []string{"10H", "TH", "Q♠", "Д♦"} {
		c, err := rules.ParseCard(s)
		if err != nil {
			panic(err)
		}
		fmt.Print(c, " ", c.ASCII(), "; ")
	}
	fmt.Println()
	// Output: 10♥ 10H; 10♥ 10H; Q♠ QS; Q♦ QD;
}

// In a trick contract the player to move may propose how the remaining
// tricks fall (claims: propose-accept); the others accept or reject it.
func ExampleClaimProposeMove() {
	m := rules.ClaimProposeMove(1, 3)
	out, _ := m.MarshalJSON()
	fmt.Println(m)
	fmt.Println(string(out))
	back, _ := rules.DecodeMove([]byte(`{"seat":2,"kind":"claim_accept"}`))
	fmt.Println(back)
	// Output:
	// seat 1 proposes 3 tricks to the declarer
	// {"seat":1,"kind":"claim_propose","tricks":3}
	// seat 2 claim_accept
}

// An ace and the king of its suit in the talon are worth two whist prices
// when the option talon_bonus is on.
func ExampleTalonBonus() {
	talon := [2]rules.Card{rules.NewCard(rules.King, rules.Clubs), rules.NewCard(rules.Ace, rules.Clubs)}
	fmt.Println(rules.TalonBonus(talon))
	// Output: 2
}
