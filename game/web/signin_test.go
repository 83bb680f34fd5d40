package web

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/auth"
	"github.com/trelljaz/trelljaz/game/table"
)

// authServer serves the club with the dev sign-in of game/auth mounted.
func authServer(t *testing.T) (*http.Client, *httptest.Server) {
	t.Helper()
	svc, err := auth.New(account.NewMemoryDirectory(time.Now), auth.Config{
		DevSignIn: auth.DevOn, Secret: []byte(strings.Repeat("k", 32)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := testServer(t, table.Config{}, Config{Auth: svc})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: waitLimit}, srv
}

// devToken signs a browser in with the dev sign-in and fetches a socket token.
func devToken(t *testing.T, hc *http.Client, base, name string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/auth/dev", strings.NewReader(url.Values{"name": {name}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("dev sign-in: %s", resp.Status)
	}
	resp, err = hc.Get(base + "/api/token")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok auth.TokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Token == "" {
		t.Fatalf("token: %v %+v", err, tok)
	}
	return tok.Token
}

func TestSigninTakesThePlayerFromTheTokenOnly(t *testing.T) {
	hc, srv := authServer(t)
	base := srv.URL
	tok := devToken(t, hc, base, "Anna")
	c := dial(t, srv, "websocket")
	c.send(msg{"type": "signin", "token": tok})
	w := c.await("welcome")
	p, _ := w["player"].(map[string]any)
	if p["name"] != "Anna" || p["id"] == "" || strings.HasPrefix(p["id"].(string), "dev:") {
		t.Fatalf("welcome player %v, want Anna with an account id", p)
	}
}

func TestSigninRefusesATypedNameAndABadToken(t *testing.T) {
	hc, srv := authServer(t)
	base := srv.URL
	tok := devToken(t, hc, base, "Boris")
	for _, tc := range []struct {
		name   string
		signin msg
		code   string
	}{
		{"typed name", msg{"type": "signin", "name": "Boris"}, "bad_request"},
		{"forged token", msg{"type": "signin", "token": tok[:len(tok)-4] + "AAAA"}, "bad_token"},
		{"both", msg{"type": "signin", "token": tok, "name": "Boris"}, "bad_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, srv, "websocket")
			c.send(tc.signin)
			e := c.await("error")
			if e.str("code") != tc.code {
				t.Fatalf("error %v, want code %s", e, tc.code)
			}
			c.send(msg{"type": "set"})
			if e := c.await("error"); e.str("code") != "not_signed_in" {
				t.Fatalf("after a refused sign-in: %v, want not_signed_in", e)
			}
		})
	}
	// A spent token is refused on a second connection.
	c1 := dial(t, srv, "websocket")
	c1.send(msg{"type": "signin", "token": tok})
	c1.await("welcome")
	c2 := dial(t, srv, "websocket")
	c2.send(msg{"type": "signin", "token": tok})
	if e := c2.await("error"); e.str("code") != "bad_token" {
		t.Fatalf("replayed token: %v, want bad_token", e)
	}
}
