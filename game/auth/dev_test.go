package auth

import (
	"bytes"
	"flag"
	"log/slog"
	"net/http"
	"testing"
)

func TestDevNameBelongsToTheBrowserThatClaimedIt(t *testing.T) {
	club := newTestClub(t, false, Config{})
	anna, thief := club.newBrowser(t), club.newBrowser(t)
	var first Me
	decodeJSON(t, anna.devSignIn("Anna"), http.StatusOK, &first)
	if first.Player == nil || first.Player.Name != "Anna" || first.Player.Provider != "dev" {
		t.Fatalf("dev sign-in answered %+v, want dev player Anna", first.Player)
	}
	if tok := anna.token(); tok == "" {
		t.Fatal("no token for a dev player")
	}

	for _, name := range []string{"Anna", "anna", "  ANNA ", "\u0410nna", "Ａｎｎａ"} {
		if resp := thief.devSignIn(name); resp.StatusCode != http.StatusConflict {
			t.Errorf("another browser claiming %q = %d, want 409", name, resp.StatusCode)
		}
	}
	if m := thief.me(); m.Player != nil {
		t.Fatalf("the other browser is signed in as %+v", m.Player)
	}

	// The claimant signs out and back in, under a look-alike spelling too.
	anna.do(http.MethodPost, "/logout", nil, nil)
	var again Me
	decodeJSON(t, anna.devSignIn("\u0410NNA"), http.StatusOK, &again)
	if again.Player == nil || again.Player.ID != first.Player.ID || again.Player.Name != "Anna" {
		t.Fatalf("the claimant signed in again as %+v, want player %d Anna", again.Player, first.Player.ID)
	}

	// The thief's own cookie jar with Anna's session cookie copied in would
	// be a stolen cookie, not a claim: out of scope. A fresh name works.
	if resp := thief.devSignIn("Boris"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the other browser claiming a free name = %d, want 200", resp.StatusCode)
	}
}

func TestDevSignInRefusals(t *testing.T) {
	on := newTestClub(t, true, Config{DevSignIn: DevOn})
	on.newBrowser(t).oauthSignIn("7", "Vera")
	off := newTestClub(t, false, Config{DevSignIn: DevOff})
	long := make([]byte, 2*maxDevForm)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		name string
		club *testClub
		form string
		want int
	}{
		{"name of an OAuth player", on, "name=Vera", http.StatusConflict},
		{"look-alike of an OAuth player", on, "name=V%D0%B5ra", http.StatusConflict}, // Cyrillic е
		{"too short", on, "name=A", http.StatusBadRequest},
		{"markup", on, "name=%3Cb%3Eadmin", http.StatusBadRequest},
		{"bidi override", on, "name=Anna%E2%80%AE", http.StatusBadRequest},
		{"no name", on, "", http.StatusBadRequest},
		{"body too large", on, "name=" + string(long), http.StatusBadRequest},
		{"dev sign-in off", off, "name=Anna", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.club.newBrowser(t)
			req, err := http.NewRequest(http.MethodPost, tt.club.srv.URL+"/auth/dev", bytes.NewBufferString(tt.form))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("POST /auth/dev %.40q = %d, want %d", tt.form, resp.StatusCode, tt.want)
			}
		})
	}
}

func TestDevSignInDefaultsToOnOnlyWithoutProviders(t *testing.T) {
	tests := []struct {
		name      string
		mode      DevMode
		providers bool
		want      bool
	}{
		{"auto without providers", DevAuto, false, true},
		{"auto with providers", DevAuto, true, false},
		{"forced on with providers", DevOn, true, true},
		{"off without providers", DevOff, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			club := newTestClub(t, tt.providers, Config{DevSignIn: tt.mode})
			if club.svc.DevSignIn() != tt.want || club.newBrowser(t).me().DevSignIn != tt.want {
				t.Fatalf("dev sign-in on = %v, want %v", club.svc.DevSignIn(), tt.want)
			}
		})
	}
}

func TestDevModeIsABooleanFlag(t *testing.T) {
	tests := []struct {
		args []string
		want DevMode
	}{
		{nil, DevAuto},
		{[]string{"-dev-signin"}, DevOn},
		{[]string{"-dev-signin=false"}, DevOff},
		{[]string{"-dev-signin=true"}, DevOn},
		{[]string{"-dev-signin=auto"}, DevAuto},
	}
	for _, tt := range tests {
		var m DevMode
		fs := flag.NewFlagSet("trelljaz", flag.ContinueOnError)
		fs.Var(&m, "dev-signin", "dev sign-in")
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if m != tt.want {
			t.Errorf("%v gives %v, want %v", tt.args, m, tt.want)
		}
	}
	var m DevMode
	if err := m.Set("maybe"); err == nil {
		t.Error(`Set("maybe") succeeded`)
	}
}

func TestWarnIfExposedWarnsBeyondLoopback(t *testing.T) {
	tests := []struct {
		addr string
		dev  DevMode
		want bool
	}{
		{":8080", DevOn, true},
		{"0.0.0.0:8080", DevOn, true},
		{"[::]:8080", DevOn, true},
		{"192.168.1.5:8080", DevOn, true},
		{"club.example.org:8080", DevOn, true},
		{"127.0.0.1:8080", DevOn, false},
		{"127.0.0.2:8080", DevOn, false},
		{"[::1]:8080", DevOn, false},
		{"localhost:8080", DevOn, false},
		{":8080", DevOff, false},
	}
	for _, tt := range tests {
		var logs bytes.Buffer
		svc, err := New(nilDirectory(), Config{Secret: testSecret, DevSignIn: tt.dev, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		got := svc.WarnIfExposed(tt.addr)
		if got != tt.want || got != bytes.Contains(logs.Bytes(), []byte("level=WARN")) {
			t.Errorf("WarnIfExposed(%q) with dev %v = %v, logged %q; want %v", tt.addr, tt.dev, got, logs.String(), tt.want)
		}
	}
}
