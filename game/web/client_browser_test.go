//go:build linux

package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/archive"
	"github.com/trelljaz/trelljaz/game/auth"
	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/static"
)

// clubRun is what testdata/club.mjs reports.
type clubRun struct {
	SignedIn         []string
	Transport, Table string
	Moves, OpenPlays int
	Reloaded         bool
	Resumed          bool
	LastDeal         string
	SheetTexts       string
	// RunningSettlement is the settlement as it stands after the deal,
	// SheetAfterReload the sheet (drawing and numbers) after a reload.
	RunningSettlement, SheetAfterReload string
	Spectator                           struct {
		Faces, Backs, Moves, MyHand, Trick int
		Note                               string
	}
	Leaks []string
	// LobbyPaused is, per player mid-deal, 1 when the page left the
	// lobby's feed; SpectatorLobbyPaused the same for the spectator.
	LobbyPaused          []int
	SpectatorLobbyPaused int
	Widths               map[string][2]int
	SmallTargets         [][3]any
	Russian              string
	Errors               []string
	Shots                []string
}

// TestBrowserClubPlaysADealThroughThePage serves the real page with the dev
// sign-in and has Debian's Chromium, driven by playwright-core, sign in
// three players and a spectator, set a Sochi table through the dialog, sit,
// and play the whole first deal through the page until the score sheet
// shows it; a player reloads mid-deal. It runs once over websockets and
// once with them disabled in the client (?transports=xhr-streaming); in
// the first both defenders whist closed, in the second one passes and the
// whister plays open, taking the passer's cards from the open hand.
// Screenshots go to $TRELLJAZ_SCREENSHOTS (default: a temporary
// directory). It skips when node, chromium or playwright-core (npm ci
// --prefix static) are missing.
func TestBrowserClubPlaysADealThroughThePage(t *testing.T) {
	node, chromium, pw := browserTools(t)
	for _, tc := range []struct{ name, transports, want, mode string }{
		{"websocket", "", "websocket", "closed"},
		{"xhr-streaming", "xhr-streaming", "xhr-streaming", "open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shots := screenshotDir(t, tc.name)
			var out clubRun
			outb := runDriver(t, time.Minute, "testdata/club.mjs", node, chromium, pw, shots, tc.transports, tc.mode)
			if err := json.Unmarshal(outb, &out); err != nil {
				t.Fatalf("driver output %q: %v", outb, err)
			}
			t.Logf("%s: %d moves; %s; screenshots in %s", tc.name, out.Moves, out.LastDeal, shots)
			for _, e := range out.Errors {
				t.Errorf("page error: %s", e)
			}
			if len(out.SignedIn) != 4 || out.Transport != tc.want {
				t.Fatalf("signed in %v over %q, want 4 over %s", out.SignedIn, out.Transport, tc.want)
			}
			if !out.Reloaded || !out.Resumed {
				t.Errorf("the reload mid-deal did not come back to the hand: %+v", out)
			}
			if !strings.HasPrefix(out.LastDeal, "Deal 1:") || !strings.Contains(out.SheetTexts, "__proto__") || strings.Contains(out.SheetTexts, "function") {
				t.Errorf("the sheet does not show the first deal: last deal %q, sheet %q", out.LastDeal, out.SheetTexts)
			}
			if out.RunningSettlement == "" {
				t.Errorf("no running settlement after the first deal")
			}
			if out.SheetAfterReload != out.SheetTexts {
				t.Errorf("after a reload the sheet reads %q, before it %q", out.SheetAfterReload, out.SheetTexts)
			}
			sp := out.Spectator
			if sp.Moves != 0 || sp.MyHand != 0 || sp.Backs == 0 || sp.Trick == 0 {
				t.Errorf("the spectator's view: %+v, want backs and the trick, no move", sp)
			}
			if fmt.Sprint(out.LobbyPaused) != "[1 1 1]" || out.SpectatorLobbyPaused != 0 {
				t.Errorf("mid-deal the players' lobby is paused %v (want [1 1 1]), the spectator's %d (want 0)", out.LobbyPaused, out.SpectatorLobbyPaused)
			}
			if tc.mode == "closed" {
				// nobody is open: nobody sees a card not theirs
				if sp.Faces != 0 {
					t.Errorf("the spectator sees %d hidden cards", sp.Faces)
				}
				for _, l := range out.Leaks {
					t.Errorf("hidden cards shown: %s", l)
				}
			} else if out.OpenPlays == 0 {
				t.Errorf("open play: the whister never played from the passer's open hand")
			}
			for name, w := range out.Widths {
				if w[0] > w[1] {
					t.Errorf("%s: the page is %d px wide in a %d px window", name, w[0], w[1])
				}
			}
			for _, s := range out.SmallTargets {
				t.Errorf("phone: tap target %v is smaller than 44 px", s)
			}
			if out.Russian != "Пулька" {
				t.Errorf("switched to Russian, the sheet is titled %q", out.Russian)
			}
		})
	}
}

// TestBrowserFourPlayersAgainstBots replaces the page-driving part of
// TestBrowserPlaysADealAgainstTwoBots (browser_test.go, written for the
// old page): one player, in Russian, sets a four-player Leningrad table
// through the dialog, seats three bots and plays the first deal through
// the page until the score sheet shows it. The dealer sits out a deal of
// four, so the table plays two deals and she plays in one of them.
func TestBrowserFourPlayersAgainstBots(t *testing.T) {
	node, chromium, pw := browserTools(t)
	shots := screenshotDir(t, "four")
	outb := runDriver(t, 300*time.Millisecond, "testdata/bots.mjs", node, chromium, pw, shots)
	var out struct {
		SignedIn        bool
		Players, Moves  int
		SitsOut         bool
		LastDeal, Sheet string
		SigninPage      string
		Banks           int
		BankText        string
		SoundOff        bool
		Errors          []string
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("driver output %q: %v", outb, err)
	}
	t.Logf("%d moves; %s; screenshots in %s", out.Moves, out.LastDeal, shots)
	for _, e := range out.Errors {
		t.Errorf("page error: %s", e)
	}
	if !strings.Contains(out.SigninPage, "Вход для разработки") {
		t.Errorf("the sign-in page does not label the dev sign-in in Russian: %q", out.SigninPage)
	}
	if !out.SignedIn || out.Players != 4 || out.Moves == 0 || !out.SitsOut {
		t.Errorf("the four-player table: %+v", out)
	}
	if out.Banks != 4 || !strings.Contains(out.BankText, "банк") {
		t.Errorf("time bank: shown at %d of 4 seats, the clock reads %q", out.Banks, out.BankText)
	}
	if !out.SoundOff {
		t.Errorf("the sound is on before the player turned it on")
	}
	if !strings.HasPrefix(out.LastDeal, "Сдача 2:") || !strings.Contains(out.Sheet, "Anna") {
		t.Errorf("the sheet does not show the first deal: %q, %q", out.LastDeal, out.Sheet)
	}
}

// browserTools returns node, Debian's chromium and playwright-core, or
// skips the test when one is missing.
func browserTools(t *testing.T) (node, chromium, pw string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	chromium, err = exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed")
	}
	pw, _ = filepath.Abs("../../static/node_modules/playwright-core/index.mjs")
	if _, err := os.Stat(pw); err != nil {
		t.Skip("playwright-core is not installed: npm ci --prefix static")
	}
	return node, chromium, "file://" + pw
}

// screenshotDir is $TRELLJAZ_SCREENSHOTS/sub, or a temporary directory.
func screenshotDir(t *testing.T, sub string) string {
	t.Helper()
	root := os.Getenv("TRELLJAZ_SCREENSHOTS")
	if root == "" {
		return t.TempDir()
	}
	dir := filepath.Join(root, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runDriver serves a club with the dev sign-in on loopback and runs the
// driver script against it: node script URL chromium playwright args...
// It returns the driver's standard output.
func runDriver(t *testing.T, dealPause time.Duration, script, node, chromium, pw string, args ...string) []byte {
	t.Helper()
	return runDriverWith(t, nil, dealPause, script, node, chromium, pw, args...)
}

// runDriverWith is runDriver with the club's store filled by seed first.
// The club is wired as cmd/trelljaz wires it: players are the store's
// (a SQLite file in a temporary directory) and its archive is served.
func runDriverWith(t *testing.T, seed func(*store.Store), dealPause time.Duration, script, node, chromium, pw string, args ...string) []byte {
	t.Helper()
	return runClub(t, seed, nil, dealPause, script, node, chromium, pw, args...)
}

// runClub is runDriverWith with the lobby filled by fill (if not nil)
// before the driver starts.
func runClub(t *testing.T, seed func(*store.Store), fill func(*lobby.Lobby), dealPause time.Duration, script, node, chromium, pw string, args ...string) []byte {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	st, err := store.Open(context.Background(), store.Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "club.db"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if seed != nil {
		seed(st)
	}
	svc, err := auth.New(st, auth.Config{
		DevSignIn: auth.DevOn, Secret: []byte(strings.Repeat("s", 32)), Logger: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	lb := lobby.New(lobby.Config{Logger: log, Flush: 20 * time.Millisecond, Table: table.Config{BotDelay: time.Millisecond, DealPause: dealPause}})
	if fill != nil {
		fill(lb)
	}
	site := New(Config{Lobby: lb, Logger: log, Assets: static.Web(), Auth: svc, Archive: archive.New(st, archive.Options{Logger: log})})
	srv := httptest.NewServer(site)
	defer func() {
		srv.Close()
		_ = site.Shutdown(context.Background())
		lb.Stop()
	}()
	// a bound for a wedged browser, not a speed check: a loaded CI machine
	// (load 25 on 2 cores) took 200 s for one deal over websockets
	ctx, cancel := context.WithTimeout(context.Background(), 480*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script, srv.URL + "/", chromium, pw}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("driver %s: %v\n%s", script, err, outb)
	}
	return outb
}
