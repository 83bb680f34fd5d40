package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/store"
)

// TestConcurrentFirstSignInsEachGetTheirOwnOutcome: a burst of first
// sign-ins shares write transactions (signup.go); one that fails — its name
// taken by another identity in the same burst — fails alone, an identity
// signing in twice at once gets one player, and every other sign-in gets a
// player of its own with its name.
func TestConcurrentFirstSignInsEachGetTheirOwnOutcome(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		const n = 120
		type outcome struct {
			p   account.Player
			err error
		}
		var wg sync.WaitGroup
		unique := make([]outcome, n)  // "Player i", one identity each
		clashes := make([]outcome, n) // "Clash i/2": two identities per name
		twice := make([]outcome, n)   // identity "twice i/2": signs in twice
		start := make(chan struct{})
		for i := range n {
			wg.Add(3)
			go func() {
				defer wg.Done()
				<-start
				name := fmt.Sprintf("Player %d", i)
				p, err := s.SignIn(context.Background(), account.Identity{Provider: account.ProviderDev, ProviderUserID: fmt.Sprint("u", i), Name: name})
				unique[i] = outcome{p, err}
			}()
			go func() {
				defer wg.Done()
				<-start
				p, err := s.SignIn(context.Background(), account.Identity{Provider: account.ProviderDev, ProviderUserID: fmt.Sprint("c", i), Name: fmt.Sprintf("Clash %d", i/2)})
				clashes[i] = outcome{p, err}
			}()
			go func() {
				defer wg.Done()
				<-start
				p, err := s.SignIn(context.Background(), account.Identity{Provider: account.ProviderDev, ProviderUserID: fmt.Sprint("t", i/2), Name: fmt.Sprintf("Twice %d", i/2)})
				twice[i] = outcome{p, err}
			}()
		}
		close(start)
		wg.Wait()
		ids := map[account.ID]string{}
		for i, o := range unique {
			if o.err != nil || o.p.Name != fmt.Sprintf("Player %d", i) {
				t.Fatalf("Player %d: %+v, %v", i, o.p, o.err)
			}
			ids[o.p.ID] = o.p.Name
		}
		for i := 0; i < n; i += 2 {
			a, b := clashes[i], clashes[i+1]
			won, lost := a, b
			if a.err != nil {
				won, lost = b, a
			}
			if won.err != nil || won.p.Name != fmt.Sprintf("Clash %d", i/2) || !errors.Is(lost.err, account.ErrNameTaken) {
				t.Fatalf("Clash %d: outcomes %+v and %+v, want one player and one ErrNameTaken", i/2, a, b)
			}
			ids[won.p.ID] = won.p.Name
			x, y := twice[i], twice[i+1]
			if x.err != nil || y.err != nil || x.p.ID != y.p.ID {
				t.Fatalf("Twice %d: outcomes %+v (%v) and %+v (%v), want one player for both", i/2, x, x.err, y, y.err)
			}
			ids[x.p.ID] = x.p.Name
		}
		if len(ids) != n+n/2+n/2 {
			t.Fatalf("%d distinct players, want %d", len(ids), n+n)
		}
		for id, name := range ids {
			p, err := s.Player(context.Background(), id)
			if err != nil || p.Name != name {
				t.Fatalf("player %d reads back %+v, %v; want %q", id, p, err, name)
			}
		}
	})
}
