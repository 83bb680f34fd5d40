package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// browser is what a player's browser keeps between connections: its
// cookies (the club's session and the dev sign-in's key).
type browser struct {
	client   *http.Client
	signedIn bool
}

func newBrowser() *browser {
	jar, _ := cookiejar.New(nil) // cookiejar.New with nil options cannot fail
	return &browser{client: &http.Client{Jar: jar, Timeout: 15 * time.Second}}
}

// token signs in with the dev sign-in (once) and fetches a socket token from
// the club at base, as the page does before each connect.
func (b *browser) token(ctx context.Context, base, name string) (string, error) {
	if !b.signedIn {
		form := url.Values{"name": {name}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/auth/dev", strings.NewReader(form.Encode()))
		if err != nil {
			return "", fmt.Errorf("dev sign-in: %w", err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := b.do(req, nil); err != nil {
			return "", fmt.Errorf("dev sign-in as %q: %w", name, err)
		}
		b.signedIn = true
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/token", nil)
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	var t struct {
		Token string `json:"token"`
	}
	if err := b.do(req, &t); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	if t.Token == "" {
		return "", fmt.Errorf("token: empty")
	}
	return t.Token, nil
}

func (b *browser) do(req *http.Request, into any) error {
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, strings.TrimSpace(string(body)))
	}
	if into == nil {
		return nil
	}
	return json.Unmarshal(body, into)
}
