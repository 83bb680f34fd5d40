package bot_test

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/bot"
	"github.com/trelljaz/trelljaz/game/rules"
)

// Three strong bots play one deal; each sees only its own seat's view.
func ExampleBot_Move() {
	s, _ := rules.New(rules.Deal{Seed: 42, Dealer: 2, Options: rules.DefaultOptions(3)})
	bots := []*bot.Bot{
		bot.New(bot.Config{Seed: 1, Budget: -1}),
		bot.New(bot.Config{Level: bot.LevelBasic}),
		bot.New(bot.Config{Seed: 3, Budget: -1}),
	}
	var buf []rules.Move
	for !s.Done() {
		buf = rules.LegalMoves(&s, buf[:0])
		seat := s.Actor()
		next, err := rules.Apply(s, bots[seat].Move(rules.View(s, seat), buf))
		if err != nil {
			fmt.Println(err)
			return
		}
		s = next
	}
	r, _ := s.Result()
	total := 0
	for _, t := range r.Tricks {
		total += t
	}
	fmt.Println("tricks played:", total)
	// Output: tricks played: 10
}
