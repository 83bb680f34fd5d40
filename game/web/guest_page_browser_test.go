//go:build linux

package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// TestBrowserGuestWatchesThenSignsInToPlay: without signing in, the page
// watches as a guest — the lobby with Anna's table, the table itself from
// "Watch" — and "Sit here" asks the guest to sign in; signing in from that
// prompt opens the club as a player. The lobby's counts name no tables
// being set when there are none (they read "null"). It needs the guest
// sign-in of the protocol and skips on a tree without it.
func TestBrowserGuestWatchesThenSignsInToPlay(t *testing.T) {
	if _, err := protocol.Decode([]byte(`{"type":"signin","guest":true}`)); err != nil {
		t.Skipf("this tree has no guest sign-in: %v", err)
	}
	node, chromium, pw := browserTools(t)
	shots := screenshotDir(t, "guest")
	outb := runDriver(t, time.Second, "testdata/guest.mjs", node, chromium, pw, shots)
	var out struct {
		Lobby, Watched, Prompted, SignedIn bool
		Table, LobbyBar                    string
		Errors                             []string
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("driver output %q: %v", outb, err)
	}
	for _, e := range out.Errors {
		t.Errorf("page error: %s", e)
	}
	if !out.Lobby || !out.Watched || !out.Prompted || !out.SignedIn {
		t.Errorf("guest: lobby %v, watched %v, asked to sign in %v, signed in %v", out.Lobby, out.Watched, out.Prompted, out.SignedIn)
	}
	if !strings.Contains(out.LobbyBar, "Waiting 1") || strings.Contains(out.LobbyBar, "null") {
		t.Errorf("the lobby's counts with no table being set read %q", out.LobbyBar)
	}
}
