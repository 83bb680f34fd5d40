package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/trelljaz/trelljaz/game/account"
)

// Socket tokens are JWTs (HS256, golang-jwt/v5): the page fetches one from
// GET /api/token with its session cookie and sends it as the first message
// on its SockJS connection. The token names the player (sub = ID, name,
// provider), whom it is for (aud) and when it expires (exp); Verify accepts
// each token once.
const (
	tokenIssuer   = "trelljaz"
	tokenAudience = "trelljaz-socket"
	// MaxTokenLen bounds a token Verify will look at, in bytes.
	MaxTokenLen = 1024
	// maxUsedTokens bounds the memory of spent tokens; when that many
	// unexpired tokens were spent, Verify refuses until some expire.
	maxUsedTokens = 1 << 16
)

// Errors of Verify. Every refusal wraps ErrBadToken.
var (
	ErrBadToken = errors.New("auth: bad socket token")
	// ErrTokenReused: this process already accepted the token.
	ErrTokenReused = errors.New("auth: socket token already used")
	// ErrTokenBusy: too many unexpired tokens spent to remember another.
	ErrTokenBusy = errors.New("auth: too many socket tokens in use")
)

type socketClaims struct {
	Name     string `json:"name"`
	Provider string `json:"prv"`
	jwt.RegisteredClaims
}

// tokens issues and verifies socket tokens, remembering spent ones until
// they expire.
type tokens struct {
	key    []byte
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser

	mu        sync.Mutex
	used      map[string]time.Time // jti -> expiry
	nextPrune time.Time
}

func newTokens(key []byte, ttl time.Duration, now func() time.Time) *tokens {
	return &tokens{
		key: key,
		ttl: ttl,
		now: now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithIssuer(tokenIssuer),
			jwt.WithAudience(tokenAudience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithStrictDecoding(), // one encoding per token
			jwt.WithTimeFunc(now),
		),
		used: make(map[string]time.Time),
	}
}

func (t *tokens) issue(p account.Player) (string, time.Time, error) {
	jti, err := randomString(16)
	if err != nil {
		return "", time.Time{}, err
	}
	now := t.now()
	exp := now.Add(t.ttl)
	c := socketClaims{
		Name:     p.Name,
		Provider: p.Provider,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   strconv.FormatInt(int64(p.ID), 10),
			Audience:  jwt.ClaimStrings{tokenAudience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        jti,
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign socket token: %w", err)
	}
	return s, exp, nil
}

func (t *tokens) verify(token string) (account.Player, error) {
	if len(token) > MaxTokenLen {
		return account.Player{}, fmt.Errorf("%w: %d bytes, at most %d", ErrBadToken, len(token), MaxTokenLen)
	}
	var c socketClaims
	_, err := t.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.key, nil })
	if err != nil {
		return account.Player{}, fmt.Errorf("%w: %w", ErrBadToken, err)
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 || c.Name == "" || c.Provider == "" || c.ID == "" || c.IssuedAt == nil || c.ExpiresAt.Time.Sub(c.IssuedAt.Time) > t.ttl {
		return account.Player{}, fmt.Errorf("%w: claims incomplete", ErrBadToken)
	}
	if err := t.spend(c.ID, c.ExpiresAt.Time); err != nil {
		return account.Player{}, err
	}
	return account.Player{ID: account.ID(id), Name: c.Name, Provider: c.Provider}, nil
}

// spend records jti as used until exp, refusing one used before.
func (t *tokens) spend(jti string, exp time.Time) error {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.used[jti]; ok {
		return fmt.Errorf("%w: %w", ErrBadToken, ErrTokenReused)
	}
	if now.After(t.nextPrune) || len(t.used) >= maxUsedTokens {
		for k, e := range t.used {
			if !e.After(now) {
				delete(t.used, k)
			}
		}
		t.nextPrune = now.Add(t.ttl)
	}
	if len(t.used) >= maxUsedTokens {
		return fmt.Errorf("%w: %w", ErrBadToken, ErrTokenBusy)
	}
	t.used[jti] = exp
	return nil
}

// IssueToken returns a socket token for p, valid for Config.TokenTTL, and
// when it expires. GET /api/token calls it for the signed-in player; tests
// and bots may call it directly.
func (s *Service) IssueToken(p account.Player) (string, time.Time, error) {
	return s.tokens.issue(p)
}

// Verify checks a socket token the client sent as its first message and
// returns the player it was issued to (ID, Name and Provider). A token that
// is forged, altered, expired, for another audience, or already accepted by
// this Service is refused with an error wrapping ErrBadToken. Verify is the
// only way a socket learns who its player is: never a cookie, never a name
// the client states.
func (s *Service) Verify(token string) (account.Player, error) {
	return s.tokens.verify(token)
}

// TokenResponse is the answer of GET /api/token.
type TokenResponse struct {
	Token string `json:"token"`
	// ExpiresIn is the token's lifetime in seconds.
	ExpiresIn int `json:"expires_in"`
}

// handleToken gives the signed-in player a socket token. It answers only
// same-origin requests: another site's page could not read the answer
// anyway (no CORS), and a navigation or cross-site fetch has no business
// here.
func (s *Service) handleToken(w http.ResponseWriter, r *http.Request) {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		writeError(w, http.StatusForbidden, "cross-origin request refused")
		return
	}
	p, ok := s.Player(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "not signed in")
		return
	}
	tok, exp, err := s.IssueToken(p)
	if err != nil {
		s.log.Error("issue socket token", "player", p.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "could not issue a token")
		return
	}
	writeJSON(w, http.StatusOK, TokenResponse{Token: tok, ExpiresIn: int(exp.Sub(s.now()).Round(time.Second) / time.Second)})
}
