//go:build linux

package web

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/storetest"
)

// pagesRun is what testdata/pages.mjs reports.
type pagesRun struct {
	Top, Latest       int
	Faces             []int // face-up cards on the felt at each step looked at
	Steps             int   // positions stepped through with the arrow keys
	TrickSeen         bool
	DealAfterDown     string
	Hash              string
	PlotDots, Games   int
	ProfileName       string
	Russian           string
	Widths            map[string][2]int
	SmallTargets      [][3]any
	Errors, Shots     []string
	GuestSigninStayed bool
}

// TestBrowserMainPageProfileAndReplay serves the club with an archive of
// three finished pulkas (real SQLite, deals played by the rules engine)
// and has Chromium, signed out, read the main page's news (the rating top,
// the latest pulkas), open a pulka's replay and step through it with the
// arrow keys (every hand face up: 30 cards and the talon as dealt), go to
// the next deal, open a player's profile with the rating plot, all on a
// desktop and on a 390 px phone. Screenshots of each page are written.
func TestBrowserMainPageProfileAndReplay(t *testing.T) {
	node, chromium, pw := browserTools(t)
	names := []string{"Anna", "Boris", "Konstantin Konstantinopolsky"}
	const pulkas = 3
	seed := func(s *store.Store) {
		ctx := context.Background()
		var ids []account.ID
		for _, n := range names {
			p, err := s.SignIn(ctx, account.Identity{Provider: account.ProviderDev, ProviderUserID: n, Name: n})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		at := time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)
		for i := range pulkas {
			p, err := storetest.Play(uint64(300+i), names, 6)
			if err != nil {
				t.Fatal(err)
			}
			id, err := s.BeginPulka(ctx, p.Pulka(fmt.Sprint("t", i+1), ids, at))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Finish(ctx, p.Finish(id, at.Add(time.Duration(i+1)*time.Hour))); err != nil {
				t.Fatal(err)
			}
		}
	}
	shots := screenshotDir(t, "pages")
	outb := runDriverWith(t, seed, time.Second, "testdata/pages.mjs", node, chromium, pw, shots)
	var out pagesRun
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("driver output %q: %v", outb, err)
	}
	t.Logf("%+v; screenshots in %s", out, shots)
	for _, e := range out.Errors {
		t.Errorf("page error: %s", e)
	}
	if out.Top != len(names) || out.Latest != pulkas {
		t.Errorf("main page: %d players in the top and %d latest pulkas, want %d and %d", out.Top, out.Latest, len(names), pulkas)
	}
	if len(out.Faces) == 0 || out.Faces[0] != 32 {
		t.Errorf("replay as dealt shows %v face-up cards, want every hand and the talon (32)", out.Faces)
	}
	if out.Steps < 5 || !out.TrickSeen {
		t.Errorf("replay: stepped %d positions, trick seen %v", out.Steps, out.TrickSeen)
	}
	if out.DealAfterDown != "2" {
		t.Errorf("the down arrow went to deal %q, want 2 (hash %q)", out.DealAfterDown, out.Hash)
	}
	if out.Games != pulkas || out.PlotDots != pulkas+1 {
		t.Errorf("profile: %d pulkas and %d points on the plot, want %d and %d", out.Games, out.PlotDots, pulkas, pulkas+1)
	}
	if out.Russian == "" {
		t.Errorf("the replay in Russian has no deal title")
	}
	for name, w := range out.Widths {
		if w[0] > w[1] {
			t.Errorf("%s: the page is %d px wide in a %d px window", name, w[0], w[1])
		}
	}
	for _, s := range out.SmallTargets {
		t.Errorf("phone: tap target %v is smaller than 44 px", s)
	}
}
