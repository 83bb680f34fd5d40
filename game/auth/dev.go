package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/trelljaz/trelljaz/game/account"
)

// maxDevForm bounds the body of POST /auth/dev.
const maxDevForm = 1 << 10

// handleDevSignIn signs the browser in under a name it chooses: the name
// must pass account.ValidateName, and once claimed it belongs to the
// browser whose dev key claimed it. The form's "return" (safeReturn) is
// where a plain HTML form is sent back (303); a fetch gets it in the
// answer's "return".
func (s *Service) handleDevSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.dev {
		writeError(w, http.StatusForbidden, "dev sign-in is off")
		return
	}
	if !s.allowDevClaim(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxDevForm)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "bad form: want name=...")
		return
	}
	name, err := account.ValidateName(r.PostForm.Get("name"))
	if err != nil {
		writeError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), "account: "))
		return
	}
	key, err := s.browserDevKey(w, r)
	if err != nil {
		s.log.Error("dev sign in", "err", err)
		writeError(w, http.StatusInternalServerError, "could not sign you in")
		return
	}
	p, err := s.dir.SignIn(r.Context(), DevIdentity(name, key))
	switch {
	case errors.Is(err, account.ErrClaimed):
		writeError(w, http.StatusConflict, "this name belongs to another browser")
		return
	case errors.Is(err, account.ErrNameTaken):
		writeError(w, http.StatusConflict, "a player with this name, or one that looks like it, exists")
		return
	case err != nil:
		s.log.Error("dev sign in", "name", name, "err", err)
		writeError(w, http.StatusInternalServerError, "could not sign you in")
		return
	}
	if err := s.startSession(w, r, p); err != nil {
		s.log.Error("dev sign in", "name", name, "err", err)
		writeError(w, http.StatusInternalServerError, "could not sign you in")
		return
	}
	s.log.Info("signed in", "player", p.ID, "name", p.Name, "provider", account.ProviderDev)
	back := safeReturn(r.PostForm.Get(ReturnParam))
	if r.Header.Get("Sec-Fetch-Mode") == "navigate" {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	m := s.me(r)
	m.Player = &MePlayer{ID: p.ID, Name: p.Name, Provider: p.Provider}
	m.Return = back
	writeJSON(w, http.StatusOK, m)
}

// DevIdentity is the identity of a dev sign-in of name from the browser
// whose dev key is key: the provider user is the name's NameKey, so a
// look-alike of a claimed name is the same identity, and the Secret is a
// hash of the key, so only that browser holds it.
func DevIdentity(name, key string) account.Identity {
	h := sha256.Sum256([]byte("trelljaz dev key\x00" + key))
	return account.Identity{
		Provider:       account.ProviderDev,
		ProviderUserID: account.NameKey(name),
		Name:           name,
		Secret:         hex.EncodeToString(h[:]),
	}
}

// browserDevKey returns this browser's dev key, giving it one (a random
// 256-bit value in DevKeyCookie) when it has none.
func (s *Service) browserDevKey(w http.ResponseWriter, r *http.Request) (string, error) {
	sess, err := s.devKey.Get(r, DevKeyCookie)
	if err == nil {
		if k, ok := sess.Values["key"].(string); ok && len(k) >= 43 {
			return k, nil
		}
	}
	k, err := randomString(32)
	if err != nil {
		return "", err
	}
	sess, _ = s.devKey.New(r, DevKeyCookie)
	sess.Values = map[any]any{"key": k}
	return k, s.save(w, r, sess, devKeyMaxAge)
}

// WarnIfExposed logs a warning when the dev sign-in is on and addr, the
// address the server listens on (as given to net.Listen), is not loopback
// only: anyone who reaches it can then claim any free name. It reports
// whether it warned. The main calls it once, after New.
func (s *Service) WarnIfExposed(addr string) bool {
	if !s.dev || loopbackAddr(addr) {
		return false
	}
	s.log.Warn("dev sign-in is on and the server listens beyond loopback: anyone who reaches it can take any free name; configure an OAuth provider or run with -dev-signin=false",
		"addr", addr)
	return true
}

// loopbackAddr reports whether a listen address reaches loopback only.
// ":8080" and "0.0.0.0:8080" listen everywhere.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
