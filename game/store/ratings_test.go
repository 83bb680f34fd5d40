package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/store"
)

func TestRatingsListPeopleWithFinishedPulkasByOrdinal(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		ids := signIn(t, s, "Anna", "Boris", "Vera", "Gleb")
		bot, err := s.SignIn(ctx, account.Identity{Provider: account.ProviderBot, ProviderUserID: "bot1", Name: "Bot"})
		if err != nil {
			t.Fatal(err)
		}
		// Gleb never finishes a pulka; the bot does, twice.
		for i := range 2 {
			finishPulka(t, s, play(t, uint64(40+i), []string{"P", "Q", "R"}, 2), []account.ID{ids[0], ids[1], bot.ID}, false)
		}
		finishPulka(t, s, play(t, 50, []string{"P", "Q", "R"}, 2), []account.ID{ids[0], ids[2], bot.ID}, false)
		got, err := s.Ratings(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		games := map[account.ID]int{ids[0]: 3, ids[1]: 2, ids[2]: 1}
		if len(got) != len(games) {
			t.Fatalf("rating list %+v, want Anna, Boris and Vera (no bot, not Gleb)", got)
		}
		for i, r := range got {
			if r.Games != games[r.Player.ID] {
				t.Errorf("%s: %d games, want %d", r.Player.Name, r.Games, games[r.Player.ID])
			}
			p, err := s.Profile(ctx, r.Player.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Rating != r.Rating {
				t.Errorf("%s: rating %+v in the list, %+v in the profile", r.Player.Name, r.Rating, p.Rating)
			}
			if i > 0 && got[i-1].Rating.Ordinal() < r.Rating.Ordinal() {
				t.Errorf("list not by ordinal: %s %.3f before %s %.3f", got[i-1].Player.Name, got[i-1].Rating.Ordinal(), r.Player.Name, r.Rating.Ordinal())
			}
		}
		top, err := s.Ratings(ctx, 1)
		if err != nil || len(top) != 1 || top[0].Player.ID != got[0].Player.ID {
			t.Errorf("top 1: %+v %v, want %s", top, err, got[0].Player.Name)
		}
		for _, n := range []int{0, -1, store.MaxPage + 1} {
			if _, err := s.Ratings(ctx, n); !errors.Is(err, store.ErrBadInput) {
				t.Errorf("limit %d: %v, want ErrBadInput", n, err)
			}
		}
	})
}
