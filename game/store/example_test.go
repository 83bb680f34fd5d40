package store_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/storetest"
)

func ExampleStore_Append() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "store-example")
	defer os.RemoveAll(dir)
	s, err := store.Open(ctx, store.Config{DataDir: dir}) // SQLite in dir/trelljaz.db
	if err != nil {
		panic(err)
	}
	defer s.Close()

	var seats []account.ID
	for _, n := range []string{"Anna", "Boris", "Vera"} {
		p, _ := s.SignIn(ctx, account.Identity{Provider: account.ProviderDev, ProviderUserID: n, Name: n})
		seats = append(seats, p.ID)
	}
	played, _ := storetest.Play(1, []string{"Anna", "Boris", "Vera"}, 1)
	id, _ := s.BeginPulka(ctx, played.Pulka("t1", seats, time.Now()))

	// A new deal, then each accepted move, written ahead before it is
	// acknowledged.
	_ = s.StartDeal(ctx, store.DealStart{Pulka: id, Deal: 0, Seed: 42, Dealer: 0, At: time.Now()})
	if err := s.Append(ctx, store.Move{Pulka: id, Deal: 0, No: 0, Move: rules.Pass(1), At: time.Now()}); err != nil {
		panic(err)
	}

	// After a restart: the pulka and its moves are back.
	prs, _ := s.InProgress(ctx)
	fmt.Println(len(prs), prs[0].Table, prs[0].Deals[0].Seed, prs[0].Deals[0].Moves[0].Move)
	// Output: 1 t1 42 seat 1 pass
}

// A pulka start whose answer was lost (ErrUncertain) is begun again with
// the same key: the store returns the pulka it wrote, never a second one.
func ExampleStore_BeginPulka() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "store-example")
	defer os.RemoveAll(dir)
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	var seats []account.ID
	for _, n := range []string{"Anna", "Boris", "Vera"} {
		p, _ := s.SignIn(ctx, account.Identity{Provider: account.ProviderDev, ProviderUserID: n, Name: n})
		seats = append(seats, p.ID)
	}
	played, _ := storetest.Play(1, []string{"Anna", "Boris", "Vera"}, 1)
	p := played.Pulka("t1", seats, time.Now())
	p.Key = "a random key the table made for this start"
	first, _ := s.BeginPulka(ctx, p)
	again, err := s.BeginPulka(ctx, p) // as after an ErrUncertain
	prs, _ := s.InProgress(ctx)
	fmt.Println(again == first, err, len(prs))
	// Output: true <nil> 1
}
