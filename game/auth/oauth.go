package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"
	"github.com/markbates/goth"

	"github.com/trelljaz/trelljaz/game/account"
)

// The OAuth flow follows gothic's steps (BeginAuth, GetAuthURL, Authorize,
// FetchUser) on goth's providers, without gothic's package-level provider
// registry and cookie store, and with a state of our own: gothic takes the
// state from a ?state= query parameter when one is given, which lets a
// third party fix it and sign a victim in as the third party (login CSRF).

// handleBegin starts an OAuth sign-in: a fresh random state kept in this
// browser's OAuth cookie with the page to come back to (?return=, checked
// by safeReturn), then off to the provider.
func (s *Service) handleBegin(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["provider"]
	p, ok := s.providers[name]
	if !ok {
		writeError(w, http.StatusNotFound, "no such sign-in provider")
		return
	}
	state, err := randomString(32)
	if err != nil {
		s.log.Error("oauth begin", "provider", name, "err", err)
		writeError(w, http.StatusInternalServerError, "could not start sign-in")
		return
	}
	gs, err := p.BeginAuth(state)
	if err != nil {
		s.log.Error("oauth begin", "provider", name, "err", err)
		writeError(w, http.StatusBadGateway, "could not start sign-in")
		return
	}
	authURL, err := gs.GetAuthURL()
	if err != nil {
		s.log.Error("oauth begin", "provider", name, "err", err)
		writeError(w, http.StatusBadGateway, "could not start sign-in")
		return
	}
	sess, _ := s.oauth.New(r, OAuthCookie)
	sess.Values = map[any]any{"provider": name, "state": state, "goth": gs.Marshal(), "return": safeReturn(r.URL.Query().Get(ReturnParam))}
	if err := s.save(w, r, sess, oauthMaxAge); err != nil {
		s.log.Error("oauth begin", "provider", name, "err", err)
		writeError(w, http.StatusInternalServerError, "could not start sign-in")
		return
	}
	http.Redirect(w, r, authURL, http.StatusFound)
}

// handleCallback finishes an OAuth sign-in: the state must be the one this
// browser was given, the provider vouches for the user, the Directory
// signs the player in, and the browser gets its session.
func (s *Service) handleCallback(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["provider"]
	p, ok := s.providers[name]
	if !ok {
		writeError(w, http.StatusNotFound, "no such sign-in provider")
		return
	}
	pending, err := s.oauth.Get(r, OAuthCookie)
	if err != nil || pending.IsNew {
		writeError(w, http.StatusBadRequest, "no sign-in in progress in this browser (cookies off, or more than 10 minutes)")
		return
	}
	// One use: whatever happens next, this state is spent.
	wantProvider, _ := pending.Values["provider"].(string)
	wantState, _ := pending.Values["state"].(string)
	marshalled, _ := pending.Values["goth"].(string)
	back, _ := pending.Values["return"].(string)
	pending.Values = map[any]any{}
	if err := s.save(w, r, pending, -1); err != nil {
		s.log.Error("oauth callback", "provider", name, "err", err)
	}
	q := r.URL.Query()
	if wantProvider != name || wantState == "" ||
		subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(wantState)) != 1 {
		writeError(w, http.StatusForbidden, "sign-in state does not match: start again")
		return
	}
	if e := q.Get("error"); e != "" {
		writeError(w, http.StatusForbidden, "the provider did not sign you in: "+limit(e, 64))
		return
	}
	user, err := completeAuth(p, marshalled, q)
	if err != nil {
		s.log.Warn("oauth callback", "provider", name, "err", err)
		writeError(w, http.StatusBadGateway, "the provider did not confirm who you are: start again")
		return
	}
	player, err := s.signInProviderUser(r.Context(), name, user)
	if err != nil {
		s.log.Error("oauth sign in", "provider", name, "err", err)
		writeError(w, http.StatusInternalServerError, "could not sign you in")
		return
	}
	if err := s.startSession(w, r, player); err != nil {
		s.log.Error("oauth sign in", "provider", name, "err", err)
		writeError(w, http.StatusInternalServerError, "could not sign you in")
		return
	}
	s.log.Info("signed in", "player", player.ID, "name", player.Name, "provider", name)
	http.Redirect(w, r, safeReturn(back), http.StatusSeeOther)
}

// completeAuth exchanges the callback's code for the user.
func completeAuth(p goth.Provider, marshalled string, params goth.Params) (goth.User, error) {
	gs, err := p.UnmarshalSession(marshalled)
	if err != nil {
		return goth.User{}, fmt.Errorf("unmarshal session: %w", err)
	}
	if _, err := gs.Authorize(p, params); err != nil {
		return goth.User{}, fmt.Errorf("authorize: %w", err)
	}
	u, err := p.FetchUser(gs)
	if err != nil {
		return goth.User{}, fmt.Errorf("fetch user: %w", err)
	}
	if u.UserID == "" {
		return goth.User{}, errors.New("fetch user: the provider gave no user id")
	}
	return u, nil
}

// maxNameTries bounds the names tried for one new player.
const maxNameTries = 10

// signInProviderUser signs in provider's user u. A new player's name is
// the provider's, cleaned (ProviderName); when a player already holds a
// name with its NameKey, it is made unique by a number, "Anna 2" to
// "Anna 9", then by a tag from the provider user id, "Anna #3fa2c1".
func (s *Service) signInProviderUser(ctx context.Context, provider string, u goth.User) (account.Player, error) {
	base := ProviderName(u)
	for i := 1; i <= maxNameTries; i++ {
		name := uniqueName(base, i, provider, u.UserID)
		p, err := s.dir.SignIn(ctx, account.Identity{Provider: provider, ProviderUserID: u.UserID, Name: name})
		if errors.Is(err, account.ErrNameTaken) {
			continue
		}
		if err != nil {
			return account.Player{}, fmt.Errorf("auth: sign in %s user %q: %w", provider, u.UserID, err)
		}
		return p, nil
	}
	return account.Player{}, fmt.Errorf("auth: sign in %s user %q: no free name like %q", provider, u.UserID, base)
}

// ProviderName is the display name a provider user gets: the first of
// the provider's name, first and last name, and nickname (login) that is
// at least account.MinNameLen characters after account.CleanName, else
// "Player".
func ProviderName(u goth.User) string {
	for _, n := range []string{u.Name, u.FirstName + " " + u.LastName, u.NickName} {
		if c := account.CleanName(n); utf8.RuneCountInString(c) >= account.MinNameLen {
			return c
		}
	}
	return "Player"
}

// uniqueName is the try'th name for base: base itself, then "base 2" ...
// "base 9", then "base #" and six hex digits of the provider user's hash
// (the same for that user on every try, so a name is never random).
func uniqueName(base string, try int, provider, userID string) string {
	if try == 1 {
		return base
	}
	suffix := " " + strconv.Itoa(try)
	if try >= maxNameTries {
		h := sha256.Sum256([]byte(provider + "\x00" + userID))
		suffix = " #" + hex.EncodeToString(h[:3])
	}
	r := []rune(base)
	if n := account.MaxNameLen - utf8.RuneCountInString(suffix); len(r) > n {
		r = r[:n]
	}
	return strings.TrimSpace(string(r)) + suffix
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// limit cuts s to at most n bytes of valid UTF-8 for an error message.
func limit(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
