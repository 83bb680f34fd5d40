// Package accounttest is the test suite every account.Directory must pass:
// the in-memory one and the store's SQL ones run the same cases.
package accounttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/trelljaz/trelljaz/game/account"
)

// Run checks the Directory contract on directories made by newDirectory,
// one fresh, empty directory per case.
func Run(t *testing.T, newDirectory func(t *testing.T) account.Directory) {
	t.Helper()
	ctx := context.Background()
	gh := func(uid, name string) account.Identity {
		return account.Identity{Provider: "github", ProviderUserID: uid, Name: name}
	}

	t.Run("a new identity becomes a player", func(t *testing.T) {
		d := newDirectory(t)
		p, err := d.SignIn(ctx, gh("17", "Anna Lee"))
		if err != nil {
			t.Fatalf("SignIn: %v", err)
		}
		if p.ID == 0 || p.Name != "Anna Lee" || p.Provider != "github" || p.ProviderUserID != "17" || p.Created.IsZero() {
			t.Fatalf("SignIn = %+v, want a new github player 17 named Anna Lee", p)
		}
		got, err := d.Player(ctx, p.ID)
		if err != nil {
			t.Fatalf("Player(%d): %v", p.ID, err)
		}
		if got.ID != p.ID || got.Name != p.Name || got.Provider != p.Provider || got.ProviderUserID != p.ProviderUserID {
			t.Fatalf("Player(%d) = %+v, want %+v", p.ID, got, p)
		}
	})

	t.Run("a known identity keeps its player and first name", func(t *testing.T) {
		d := newDirectory(t)
		first, err := d.SignIn(ctx, gh("17", "Anna"))
		if err != nil {
			t.Fatalf("first SignIn: %v", err)
		}
		again, err := d.SignIn(ctx, gh("17", "Anna Renamed"))
		if err != nil {
			t.Fatalf("second SignIn: %v", err)
		}
		if again.ID != first.ID || again.Name != "Anna" {
			t.Fatalf("second SignIn = %+v, want player %d still named Anna", again, first.ID)
		}
	})

	t.Run("players are provider plus user id", func(t *testing.T) {
		d := newDirectory(t)
		a, err := d.SignIn(ctx, gh("17", "Anna"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.SignIn(ctx, account.Identity{Provider: "google", ProviderUserID: "17", Name: "Boris"})
		if err != nil {
			t.Fatal(err)
		}
		if a.ID == b.ID {
			t.Fatalf("github 17 and google 17 are one player %d", a.ID)
		}
	})

	t.Run("a name that looks like a taken one is refused", func(t *testing.T) {
		for _, name := range []string{"Anna", "ANNA", " anna ", "\u0410nna", "Ａｎｎａ", "An\u200bna"} {
			d := newDirectory(t)
			if _, err := d.SignIn(ctx, gh("1", "Anna")); err != nil {
				t.Fatal(err)
			}
			_, err := d.SignIn(ctx, gh("2", name))
			if !errors.Is(err, account.ErrNameTaken) {
				t.Errorf("second player named %q: err = %v, want ErrNameTaken", name, err)
			}
		}
	})

	t.Run("a secret binds an identity to its first claimant", func(t *testing.T) {
		d := newDirectory(t)
		dev := account.Identity{Provider: account.ProviderDev, ProviderUserID: account.NameKey("Anna"), Name: "Anna", Secret: "key-of-browser-1"}
		p, err := d.SignIn(ctx, dev)
		if err != nil {
			t.Fatal(err)
		}
		same, err := d.SignIn(ctx, dev)
		if err != nil || same.ID != p.ID {
			t.Fatalf("same browser again = %+v, %v; want player %d", same, err, p.ID)
		}
		for _, secret := range []string{"key-of-browser-2", "", "key-of-browser-1 "} {
			thief := dev
			thief.Secret = secret
			if _, err := d.SignIn(ctx, thief); !errors.Is(err, account.ErrClaimed) {
				t.Errorf("secret %q: err = %v, want ErrClaimed", secret, err)
			}
		}
	})

	t.Run("an unknown player is not found", func(t *testing.T) {
		d := newDirectory(t)
		if _, err := d.Player(ctx, 987654); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("Player(987654) err = %v, want ErrNotFound", err)
		}
	})

	t.Run("concurrent first sign-ins of one identity make one player", func(t *testing.T) {
		d := newDirectory(t)
		const n = 8
		ids := make([]account.ID, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				p, err := d.SignIn(ctx, gh("42", "Concurrent"))
				ids[i], errs[i] = p.ID, err
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("sign-in %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("sign-ins made players %d and %d", ids[0], ids[i])
			}
		}
	})

	t.Run("concurrent claims of one name leave one holder", func(t *testing.T) {
		d := newDirectory(t)
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = d.SignIn(ctx, gh(fmt.Sprint(100+i), "Vera"))
			})
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, account.ErrNameTaken):
				t.Errorf("claim %d: %v, want nil or ErrNameTaken", i, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d players hold the name Vera, want 1", won)
		}
	})
}
