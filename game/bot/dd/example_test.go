package dd_test

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/bot/dd"
	"github.com/trelljaz/trelljaz/game/rules"
)

func hand(s string) rules.Hand {
	h, err := rules.ParseHand(s)
	if err != nil {
		panic(err)
	}
	return h
}

// A three-trick ending in hearts: the declarer (player 0) holds the two
// top trumps and a losing spade. He leads; whatever the defenders do he
// takes two tricks.
func ExampleSolver_Solve() {
	p := dd.Position{
		Hands: [3]rules.Hand{hand("AH KH 7S"), hand("QH AS KS"), hand("JH QS JS")},
		Trump: rules.Strain(rules.Hearts),
		Goal:  dd.ContractGoal(0, false),
	}
	if err := p.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dd.NewSolver().Solve(p))
	// Output: 2
}

// Values gives every legal card its value: in no-trumps the declarer
// (player 0) must cash the ace before leading his small spade.
func ExampleSolver_Values() {
	p := dd.Position{
		Hands: [3]rules.Hand{hand("AS 7S"), hand("KS 8H"), hand("QS 9H")},
		Trump: rules.NoTrump,
		Goal:  dd.ContractGoal(0, false),
	}
	for _, cv := range dd.NewSolver().Values(p, nil) {
		fmt.Println(cv.Card, cv.Value)
	}
	// Output:
	// 7♠ 0
	// A♠ 2
}

// A misère declarer (player 0) holding the three top spades takes all
// three tricks; with Limit 1 the solver only proves that he is caught,
// which is all a caller asking "clean or not" needs, and much cheaper on
// a full deal.
func ExampleSolver_Solve_limit() {
	p := dd.Position{
		Hands: [3]rules.Hand{hand("AS KS QS"), hand("JS 10S 9S"), hand("8S 7S 7H")},
		Trump: rules.NoTrump,
		Goal:  dd.ContractGoal(0, true),
	}
	s := dd.NewSolver()
	fmt.Println(s.Solve(p))
	p.Limit = 1
	fmt.Println(s.Solve(p))
	// Output:
	// 3
	// 1
}
