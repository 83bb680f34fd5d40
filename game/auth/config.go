package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/yandex"
)

// Config configures a Service. Zero values mean the documented defaults.
type Config struct {
	// PublicURL is the address players reach the club at, such as
	// "https://club.example.org" (scheme, host, optional port, no path).
	// Provider callback URLs are built from it, the Host check accepts its
	// host, and an https URL makes cookies Secure. Empty means the club is
	// reached on loopback only: the Host check accepts nothing else, and no
	// OAuth provider may be configured.
	PublicURL string
	// Providers are the OAuth providers offered, by their Name(): build them
	// with ProvidersFromEnv. None means OAuth sign-in is off.
	Providers []goth.Provider
	// DevSignIn turns the development sign-in (choose a name) on or off.
	// The default, DevAuto, is on exactly when no provider is configured.
	// Danger: anyone who reaches the server can claim any free name.
	DevSignIn DevMode
	// Secret is the key that signs and encrypts session cookies and signs
	// socket tokens (the keys for each are derived from it), at least
	// MinSecretLen bytes: see LoadSecret. Required. Every process of one
	// club needs the same Secret.
	Secret []byte
	// SecureCookies marks cookies Secure even on requests that did not
	// arrive over TLS (a TLS-terminating proxy in front). Cookies are Secure
	// anyway when PublicURL is https or the request came over TLS.
	SecureCookies bool
	// TokenTTL is how long a socket token is valid. Zero means one minute:
	// the page fetches a token right before it connects.
	TokenTTL time.Duration
	// SessionMaxAge is how long a browser stays signed in. Zero means 30
	// days.
	SessionMaxAge time.Duration
	// DevClaimRate bounds POST /auth/dev per client address: sign-ins (a
	// name claimed or taken again, or refused) per minute, with a burst of
	// as many. Over it the answer is 429 Too Many Requests with
	// Retry-After. The dev sign-in makes identities free, and every limit
	// of the club that counts players (tables set per player, messages per
	// player) counts identities: this is what keeps one address from
	// minting hundreds. 0 means DefaultDevClaimRate (6); negative turns the
	// limit off.
	DevClaimRate float64
	// DevClaimLoopback applies DevClaimRate to loopback clients too. By
	// default they are not limited: they are the developer's own machine
	// (and the load generator's hundreds of players). Danger: behind a
	// reverse proxy on the same host every client is loopback; set ClientIP
	// (or this) there.
	DevClaimLoopback bool
	// ClientIP returns a request's client address for the per-address
	// limits. Nil means the peer's address (RemoteAddr), no forwarded
	// header believed: behind a reverse proxy give a function that reads
	// the header only that proxy sets.
	ClientIP func(*http.Request) netip.Addr
	// Logger receives sign-in events and warnings. Nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock for tokens. Nil means time.Now.
	Now func() time.Time
}

// Defaults of Config.
const (
	DefaultTokenTTL      = time.Minute
	DefaultSessionMaxAge = 30 * 24 * time.Hour
)

// DevMode says whether the development sign-in is on. It is a flag.Value
// that behaves as a boolean flag: -dev-signin, -dev-signin=false; unset, it
// is DevAuto.
type DevMode int

// Values of DevMode.
const (
	// DevAuto: on when no OAuth provider is configured, off otherwise.
	DevAuto DevMode = iota
	// DevOn: always on, beside any providers.
	DevOn
	// DevOff: never on.
	DevOff
)

// String implements flag.Value.
func (m DevMode) String() string {
	switch m {
	case DevOn:
		return "true"
	case DevOff:
		return "false"
	default:
		return "auto"
	}
}

// Set implements flag.Value: "auto", or any value strconv.ParseBool takes.
func (m *DevMode) Set(s string) error {
	if s == "auto" {
		*m = DevAuto
		return nil
	}
	on, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("auth: dev sign-in %q: want true, false or auto", s)
	}
	if on {
		*m = DevOn
	} else {
		*m = DevOff
	}
	return nil
}

// IsBoolFlag lets -dev-signin stand alone on a command line.
func (m *DevMode) IsBoolFlag() bool { return true }

// Environment variables that ProvidersFromEnv reads, for each provider
// NAME: TRELLJAZ_NAME_KEY (the OAuth client id) and TRELLJAZ_NAME_SECRET.
// Each provider gets an HTTP client with a timeout: goth's fallback,
// http.DefaultClient, would let a provider that never answers hold a
// callback forever.
var providerEnv = []struct {
	name string
	make func(key, secret, callback string, c *http.Client) goth.Provider
}{
	// GitHub's public profile (id, name, login) needs no scope.
	{"github", func(k, s, cb string, c *http.Client) goth.Provider {
		p := github.New(k, s, cb)
		p.HTTPClient = c
		return p
	}},
	// "profile" gives the name; no e-mail is asked for.
	{"google", func(k, s, cb string, c *http.Client) goth.Provider {
		p := google.New(k, s, cb, "openid", "profile")
		p.HTTPClient = c
		return p
	}},
	{"yandex", func(k, s, cb string, c *http.Client) goth.Provider {
		p := yandex.New(k, s, cb, "login:info")
		p.HTTPClient = c
		return p
	}},
}

// providerTimeout bounds each request to a provider (code exchange, user
// profile).
const providerTimeout = 15 * time.Second

// ProviderNames lists the providers ProvidersFromEnv knows, in the order it
// offers them.
func ProviderNames() []string {
	names := make([]string, len(providerEnv))
	for i, p := range providerEnv {
		names[i] = p.name
	}
	return names
}

// ProvidersFromEnv builds the OAuth providers whose TRELLJAZ_NAME_KEY and
// TRELLJAZ_NAME_SECRET are set in getenv (os.Getenv in a main), with
// callback URLs under publicURL: publicURL + "/auth/NAME/callback". A
// provider with only one of the two set, or any provider without a
// publicURL, is an error.
func ProvidersFromEnv(getenv func(string) string, publicURL string) ([]goth.Provider, error) {
	var out []goth.Provider
	for _, p := range providerEnv {
		up := strings.ToUpper(p.name)
		key, secret := getenv("TRELLJAZ_"+up+"_KEY"), getenv("TRELLJAZ_"+up+"_SECRET")
		if key == "" && secret == "" {
			continue
		}
		if key == "" || secret == "" {
			return nil, fmt.Errorf("auth: provider %s: set both TRELLJAZ_%s_KEY and TRELLJAZ_%s_SECRET", p.name, up, up)
		}
		cb, err := CallbackURL(publicURL, p.name)
		if err != nil {
			return nil, err
		}
		out = append(out, p.make(key, secret, cb, &http.Client{Timeout: providerTimeout}))
	}
	return out, nil
}

// CallbackURL is the URL to register with provider's OAuth app:
// publicURL + "/auth/" + provider + "/callback".
func CallbackURL(publicURL, provider string) (string, error) {
	u, err := parsePublicURL(publicURL)
	if err != nil {
		return "", err
	}
	if u == nil {
		return "", errors.New("auth: OAuth providers need a public URL (-public-url) to build their callback URL")
	}
	return u.JoinPath("auth", provider, "callback").String(), nil
}

// parsePublicURL checks a public URL; "" gives nil.
func parsePublicURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("auth: public URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil ||
		u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("auth: public URL %q: want http(s)://host[:port] with no path", s)
	}
	u.Path = ""
	u.Host = strings.ToLower(u.Host)
	return u, nil
}
