package auth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/markbates/goth"

	"github.com/trelljaz/trelljaz/game/account"
)

func TestOAuthSignInThroughFauxEndToEnd(t *testing.T) {
	club := newTestClub(t, true, Config{})
	b := club.newBrowser(t)
	if m := b.me(); m.Player != nil || len(m.Providers) != 1 || m.Providers[0] != "faux" || m.DevSignIn {
		t.Fatalf("/api/me before sign-in = %+v, want no player, providers [faux], no dev sign-in", m)
	}
	resp := b.oauthSignIn("gh-17", "Anna Lee")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("callback = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session string
	for _, c := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, SessionCookie+"=") {
			session = c
		}
	}
	for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(session, attr) {
			t.Errorf("session cookie %q lacks %s", session, attr)
		}
	}
	m := b.me()
	if m.Player == nil || m.Player.Name != "Anna Lee" || m.Player.Provider != "faux" {
		t.Fatalf("/api/me after sign-in = %+v, want faux player Anna Lee", m.Player)
	}
	p, err := club.dir.Player(t.Context(), m.Player.ID)
	if err != nil || p.ProviderUserID != "gh-17" {
		t.Fatalf("directory has %+v, %v; want faux user gh-17", p, err)
	}
	got, err := club.svc.Verify(b.token())
	if err != nil {
		t.Fatalf("Verify(token from /api/token): %v", err)
	}
	if got.ID != p.ID || got.Name != "Anna Lee" || got.Provider != "faux" {
		t.Fatalf("Verify = %+v, want player %d Anna Lee", got, p.ID)
	}

	// Signing out ends the session; signing in again finds the same player.
	if resp := b.do(http.MethodPost, "/logout", nil, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /logout = %d, want 204", resp.StatusCode)
	}
	if m := b.me(); m.Player != nil {
		t.Fatalf("/api/me after logout = %+v, want no player", m.Player)
	}
	if resp := b.get("/api/token"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /api/token after logout = %d, want 401", resp.StatusCode)
	}
	b.oauthSignIn("gh-17", "Anna Renamed")
	if m := b.me(); m.Player == nil || m.Player.ID != p.ID || m.Player.Name != "Anna Lee" {
		t.Fatalf("second sign-in = %+v, want player %d still named Anna Lee", m.Player, p.ID)
	}
}

func TestOAuthCallbackRefusals(t *testing.T) {
	club := newTestClub(t, true, Config{})
	club.faux.vouchFor("1", "Mallory")
	tests := []struct {
		name  string
		query func(t *testing.T, victim, attacker *browser) string
		want  int
	}{
		{"no sign-in begun in this browser", func(t *testing.T, victim, attacker *browser) string {
			return "code=x&state=" + url.QueryEscape(attacker.beginOAuth())
		}, http.StatusBadRequest},
		{"state of another browser", func(t *testing.T, victim, attacker *browser) string {
			victim.beginOAuth()
			return "code=x&state=" + url.QueryEscape(attacker.beginOAuth())
		}, http.StatusForbidden},
		{"no state", func(t *testing.T, victim, attacker *browser) string {
			victim.beginOAuth()
			return "code=x"
		}, http.StatusForbidden},
		{"state given at the start is not taken", func(t *testing.T, victim, attacker *browser) string {
			resp := victim.get("/auth/faux?state=chosen-by-attacker")
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if s := loc.Query().Get("state"); s == "chosen-by-attacker" {
				t.Errorf("the provider got the state from the query")
			}
			return "code=x&state=chosen-by-attacker"
		}, http.StatusForbidden},
		{"provider refused", func(t *testing.T, victim, attacker *browser) string {
			return "error=access_denied&state=" + url.QueryEscape(victim.beginOAuth())
		}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			victim, attacker := club.newBrowser(t), club.newBrowser(t)
			resp := victim.get("/auth/faux/callback?" + tt.query(t, victim, attacker))
			if resp.StatusCode != tt.want {
				t.Fatalf("callback = %d, want %d", resp.StatusCode, tt.want)
			}
			if m := victim.me(); m.Player != nil {
				t.Fatalf("the victim is signed in as %+v", m.Player)
			}
		})
	}

	t.Run("a state is spent on its first use", func(t *testing.T) {
		b := club.newBrowser(t)
		state := b.beginOAuth()
		if resp := b.get("/auth/faux/callback?code=x&state=" + url.QueryEscape(state)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first callback = %d, want 303", resp.StatusCode)
		}
		b.do(http.MethodPost, "/logout", nil, nil)
		if resp := b.get("/auth/faux/callback?code=x&state=" + url.QueryEscape(state)); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("replayed callback = %d, want 400", resp.StatusCode)
		}
	})
	t.Run("unknown provider", func(t *testing.T) {
		b := club.newBrowser(t)
		for _, path := range []string{"/auth/nosuch", "/auth/nosuch/callback", "/auth/dev/callback"} {
			if resp := b.get(path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
			}
		}
	})
}

func TestOAuthTakenNameIsMadeUnique(t *testing.T) {
	club := newTestClub(t, true, Config{DevSignIn: DevOn})
	if resp := club.newBrowser(t).devSignIn("Anna"); resp.StatusCode != http.StatusOK {
		t.Fatalf("dev sign-in as Anna = %d", resp.StatusCode)
	}
	tests := []struct{ userID, name, want string }{
		{"1", "Anna", "Anna 2"},
		{"2", "\u0410nna", "\u0410nna 3"}, // Cyrillic А: looks like Anna, so numbered too
		{"3", "ANNA", "ANNA 4"},
		{"4", "Boris", "Boris"},
		{"1", "Anna", "Anna 2"}, // a known player keeps its name
	}
	for _, tt := range tests {
		b := club.newBrowser(t)
		b.oauthSignIn(tt.userID, tt.name)
		if m := b.me(); m.Player == nil || m.Player.Name != tt.want {
			t.Errorf("faux user %s named %q signed in as %+v, want %q", tt.userID, tt.name, m.Player, tt.want)
		}
	}
}

func TestUniqueNameStaysWithinLimits(t *testing.T) {
	long := strings.Repeat("Ж", account.MaxNameLen)
	tests := []struct {
		name, base string
		try        int
		want       string
	}{
		{"first try is the name", "Anna", 1, "Anna"},
		{"then a number", "Anna", 2, "Anna 2"},
		{"a long name is cut for the number", long, 9, strings.Repeat("Ж", account.MaxNameLen-2) + " 9"},
		{"the last try has a tag from the user id", "Anna", maxNameTries, "Anna #"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := uniqueName(tt.base, tt.try, "github", "17")
			if !strings.HasPrefix(got, tt.want) || tt.try < maxNameTries && got != tt.want {
				t.Fatalf("uniqueName = %q, want %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > account.MaxNameLen {
				t.Fatalf("uniqueName = %q, %d characters", got, n)
			}
		})
	}
	if uniqueName("Anna", maxNameTries, "github", "17") == uniqueName("Anna", maxNameTries, "github", "18") {
		t.Fatal("two users got the same tag")
	}
}

func TestOAuthTenHoldersOfANameStillLetTheEleventhIn(t *testing.T) {
	club := newTestClub(t, true, Config{})
	for i := range maxNameTries + 1 {
		b := club.newBrowser(t)
		b.oauthSignIn(string(rune('a'+i)), "Vera")
		if m := b.me(); m.Player == nil {
			t.Fatalf("Vera number %d was not signed in", i+1)
		} else if i == maxNameTries-1 && !strings.HasPrefix(m.Player.Name, "Vera #") {
			t.Fatalf("Vera number %d is %q, want a tagged name", i+1, m.Player.Name)
		}
	}
}

func TestProviderNameFallsBack(t *testing.T) {
	tests := []struct {
		name string
		user goth.User
		want string
	}{
		{"name", goth.User{Name: "Anna Lee", NickName: "anna"}, "Anna Lee"},
		{"first and last", goth.User{FirstName: "Anna", LastName: "Lee", NickName: "anna"}, "Anna Lee"},
		{"login", goth.User{NickName: "annalee"}, "annalee"},
		{"cleaned", goth.User{Name: "\u202eAnna\u200b  Lee\n"}, "Anna Lee"},
		{"one letter is too short", goth.User{Name: "A", NickName: "annalee"}, "annalee"},
		{"nothing usable", goth.User{Name: "\x00"}, "Player"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ProviderName(tt.user); got != tt.want {
				t.Fatalf("ProviderName = %q, want %q", got, tt.want)
			}
		})
	}
}
