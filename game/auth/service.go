package auth

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/gorilla/mux"
	"github.com/gorilla/sessions"
	"github.com/markbates/goth"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/ratelimit"
)

// Cookie names. Each is signed (HMAC-SHA256) and encrypted (AES-256) by
// gorilla/securecookie with its own name in the signature, so that one
// cannot stand in for another.
const (
	// SessionCookie holds the signed-in player (id, name, provider).
	SessionCookie = "trelljaz"
	// DevKeyCookie holds the browser's random dev sign-in key; it outlives
	// sign-out so that the browser keeps the names it claimed.
	DevKeyCookie = "trelljaz_dev"
	// OAuthCookie holds the state of one OAuth sign-in in progress.
	OAuthCookie = "trelljaz_oauth"
)

// Lifetimes of the cookies other than the session's.
const (
	devKeyMaxAge = 400 * 24 * time.Hour // the most browsers keep a cookie
	oauthMaxAge  = 10 * time.Minute
)

// Service is the club's sign-in: OAuth and dev sign-in routes, the browser
// session, socket tokens, and the Host, header and CSRF middlewares. Its
// methods are safe for concurrent use.
type Service struct {
	dir       account.Directory
	log       *slog.Logger
	now       func() time.Time
	publicURL *url.URL // nil: loopback only

	providers     map[string]goth.Provider
	providerNames []string // in configured order
	dev           bool

	secure                 bool // every cookie Secure, not only over TLS
	sessionMaxAge          time.Duration
	session, devKey, oauth *sessions.CookieStore

	tokens *tokens
	csrf   *http.CrossOriginProtection

	claims        *ratelimit.Buckets[netip.Addr] // dev sign-ins per client address; nil: no limit
	limitLoopback bool
	clientIP      func(*http.Request) netip.Addr
}

// New returns the sign-in service for a club whose players live in dir.
func New(dir account.Directory, cfg Config) (*Service, error) {
	if dir == nil {
		return nil, fmt.Errorf("auth: no account directory")
	}
	pub, err := parsePublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	k, err := deriveKeys(cfg.Secret)
	if err != nil {
		return nil, err
	}
	s := &Service{
		dir:           dir,
		log:           cfg.Logger,
		now:           cfg.Now,
		publicURL:     pub,
		providers:     make(map[string]goth.Provider),
		secure:        cfg.SecureCookies || pub != nil && pub.Scheme == "https",
		sessionMaxAge: cfg.SessionMaxAge,
		csrf:          http.NewCrossOriginProtection(),
		claims:        newClaimLimiter(cfg.DevClaimRate),
		limitLoopback: cfg.DevClaimLoopback,
		clientIP:      cfg.ClientIP,
	}
	if s.clientIP == nil {
		s.clientIP = peerAddr
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sessionMaxAge <= 0 {
		s.sessionMaxAge = DefaultSessionMaxAge
	}
	for _, p := range cfg.Providers {
		name := p.Name()
		if name == "" || name == account.ProviderDev || name == account.ProviderBot || name != url.PathEscape(name) {
			return nil, fmt.Errorf("auth: provider name %q is reserved or not a path segment", name)
		}
		if _, dup := s.providers[name]; dup {
			return nil, fmt.Errorf("auth: provider %s configured twice", name)
		}
		s.providers[name] = p
		s.providerNames = append(s.providerNames, name)
	}
	if len(s.providers) > 0 && pub == nil {
		return nil, fmt.Errorf("auth: OAuth providers need a public URL")
	}
	switch cfg.DevSignIn {
	case DevOn:
		s.dev = true
	case DevAuto:
		s.dev = len(s.providers) == 0
	}
	newStore := func(maxAge time.Duration) *sessions.CookieStore {
		st := sessions.NewCookieStore(k.cookieHash, k.cookieBlock)
		st.MaxAge(int(maxAge / time.Second)) // also how old a cookie the server accepts
		return st
	}
	s.session = newStore(s.sessionMaxAge)
	s.devKey = newStore(devKeyMaxAge)
	s.oauth = newStore(oauthMaxAge)
	ttl := cfg.TokenTTL
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	s.tokens = newTokens(k.token, ttl, s.now)
	if pub != nil {
		if err := s.csrf.AddTrustedOrigin(pub.Scheme + "://" + pub.Host); err != nil {
			return nil, fmt.Errorf("auth: trust public origin: %w", err)
		}
	}
	s.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return s, nil
}

// Routes registers the sign-in routes on r:
//
//	GET  /auth/{provider}           start an OAuth sign-in (a link, not a form);
//	                                ?return=/path is where the callback sends
//	                                the browser at the end (else "/")
//	GET  /auth/{provider}/callback  where the provider sends the browser back
//	POST /auth/dev                  dev sign-in, form field "name" (limited per
//	                                client address: Config.DevClaimRate)
//	POST /logout                    sign out
//	GET  /api/me                    who am I, which providers, dev sign-in on?
//	GET  /api/token                 a socket token for the signed-in player
//
// The POST routes are CSRF-protected.
func (s *Service) Routes(r *mux.Router) {
	r.Handle("/auth/dev", s.ProtectCSRF(http.HandlerFunc(s.handleDevSignIn))).Methods(http.MethodPost)
	r.HandleFunc("/auth/{provider}", s.handleBegin).Methods(http.MethodGet)
	r.HandleFunc("/auth/{provider}/callback", s.handleCallback).Methods(http.MethodGet)
	r.Handle("/logout", s.ProtectCSRF(http.HandlerFunc(s.handleLogout))).Methods(http.MethodPost)
	r.HandleFunc("/api/me", s.handleMe).Methods(http.MethodGet)
	r.HandleFunc("/api/token", s.handleToken).Methods(http.MethodGet)
}

// ProtectCSRF refuses (403) cross-origin browser requests with a method
// other than GET, HEAD or OPTIONS, through net/http's CrossOriginProtection:
// wrap every state-changing endpoint in it (but not the SockJS prefix, whose
// cross-origin rules are its own).
func (s *Service) ProtectCSRF(next http.Handler) http.Handler { return s.csrf.Handler(next) }

// DevSignIn reports whether the development sign-in is on.
func (s *Service) DevSignIn() bool { return s.dev }

// Providers lists the configured OAuth providers' names.
func (s *Service) Providers() []string { return append([]string(nil), s.providerNames...) }

// Player returns the player signed in on r's browser session. Only ID, Name
// and Provider are filled: the session carries no more. Call it from r's
// own handler: gorilla/sessions caches the decoded cookie in r's context.
func (s *Service) Player(r *http.Request) (account.Player, bool) {
	sess, err := s.session.Get(r, SessionCookie)
	if err != nil {
		// A cookie from another secret or too old: not signed in.
		return account.Player{}, false
	}
	id, okID := sess.Values["id"].(int64)
	name, okName := sess.Values["name"].(string)
	provider, okProv := sess.Values["provider"].(string)
	if !okID || !okName || !okProv || id == 0 {
		return account.Player{}, false
	}
	return account.Player{ID: account.ID(id), Name: name, Provider: provider}, true
}

// startSession signs p in on this browser.
func (s *Service) startSession(w http.ResponseWriter, r *http.Request, p account.Player) error {
	sess, _ := s.session.New(r, SessionCookie) // a bad old cookie is replaced
	sess.Values = map[any]any{"id": int64(p.ID), "name": p.Name, "provider": p.Provider}
	return s.save(w, r, sess, s.sessionMaxAge)
}

// save writes sess as a cookie; maxAge < 0 deletes it.
func (s *Service) save(w http.ResponseWriter, r *http.Request, sess *sessions.Session, maxAge time.Duration) error {
	age := int(maxAge / time.Second)
	if maxAge < 0 {
		age = -1
	}
	sess.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   age,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   s.secure || r.TLS != nil,
	}
	if err := sess.Save(r, w); err != nil {
		return fmt.Errorf("auth: save cookie %s: %w", sess.Name(), err)
	}
	return nil
}

// handleLogout signs the browser out, keeping its dev key.
func (s *Service) handleLogout(w http.ResponseWriter, r *http.Request) {
	sess, _ := s.session.New(r, SessionCookie)
	sess.Values = map[any]any{}
	if err := s.save(w, r, sess, -1); err != nil {
		s.log.Error("sign out", "err", err)
		writeError(w, http.StatusInternalServerError, "could not sign out")
		return
	}
	if r.Header.Get("Sec-Fetch-Mode") == "navigate" {
		http.Redirect(w, r, "/", http.StatusSeeOther) // a plain HTML form
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Me is the answer of GET /api/me.
type Me struct {
	// Player is the signed-in player, null when signed out.
	Player *MePlayer `json:"player"`
	// Providers are the OAuth providers to offer, as in /auth/{provider}.
	Providers []string `json:"providers"`
	// DevSignIn tells whether POST /auth/dev is on.
	DevSignIn bool `json:"dev_signin"`
	// Return is, in the answer of POST /auth/dev only, the page to go back
	// to: the form's "return" when it is a safe same-origin path, else "/".
	Return string `json:"return,omitempty"`
}

// MePlayer is the signed-in player in Me.
type MePlayer struct {
	ID       account.ID `json:"id"`
	Name     string     `json:"name"`
	Provider string     `json:"provider"`
}

func (s *Service) me(r *http.Request) Me {
	m := Me{Providers: s.Providers(), DevSignIn: s.dev}
	if m.Providers == nil {
		m.Providers = []string{}
	}
	if p, ok := s.Player(r); ok {
		m.Player = &MePlayer{ID: p.ID, Name: p.Name, Provider: p.Provider}
	}
	return m
}

func (s *Service) handleMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.me(r))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away; nothing to do
}

// errorBody is the JSON of every refusal: {"error": "..."}.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{msg})
}
