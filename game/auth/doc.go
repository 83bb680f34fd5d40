// Package auth signs players into the club: OAuth sign-in through goth,
// a development sign-in, the browser session, and the signed tokens that
// authenticate SockJS connections. It also holds the HTTP middlewares
// that guard the site: the Host check, the security headers and CSRF
// protection.
//
// # Wiring
//
//	secret, err := auth.LoadSecret(os.Getenv, dataDir)
//	providers, err := auth.ProvidersFromEnv(os.Getenv, publicURL)
//	svc, err := auth.New(directory, auth.Config{
//		PublicURL: publicURL, Providers: providers, DevSignIn: devMode,
//		Secret: secret, SecureCookies: secureCookies,
//	})
//	svc.WarnIfExposed(listenAddr)
//	r := mux.NewRouter()
//	svc.Routes(r) // /auth/..., /logout, /api/me, /api/token
//	// ... the site's own pages and API on r; its POSTs in svc.ProtectCSRF
//	site := http.NewServeMux()
//	site.Handle("/sockjs/", sockjsServer)           // no page headers: its iframe transports run inline scripts
//	site.Handle("/", auth.SecurityHeaders("")(r))   // pages and API
//	server := &http.Server{Handler: svc.CheckHost(site)} // every request, SockJS included
//
// On the socket, the first message carries a token from GET /api/token;
// the web layer calls Verify on it and learns the player's ID and name.
// A connection without a token signs in as a guest (see game/protocol): it
// may browse the lobby and watch tables, nothing more.
//
// # Players and names
//
// A player is a provider plus the provider's user id (account.Identity).
// The display name comes from the provider (ProviderName: its name, else
// first and last name, else login, through account.CleanName) and is kept
// as first given. Names are unique by account.NameKey; when a new player's
// name is taken (or looks like a taken one) it gets a number, "Anna 2" to
// "Anna 9", then a tag from its provider id, "Anna #3fa2c1": a real name
// stays recognisable, and nobody can pass for another.
//
// The dev sign-in (POST /auth/dev, form field "name") is for running the
// club with no OAuth app. It is on by default only when no provider is
// configured; -dev-signin forces it on, -dev-signin=false off (DevMode).
// /api/me tells the page whether it is on, and the page must label it as
// a development sign-in. A dev name passes account.ValidateName and once
// claimed belongs to the browser that claimed it: the browser gets a
// random 256-bit key in its own cookie (kept across sign-out), and the
// Directory binds the name (its NameKey) to a hash of that key. Another
// browser asking for the name, or for a look-alike of it, is refused, and
// so is a dev name that looks like an OAuth player's. The server warns in
// its log when the dev sign-in is on and it listens beyond loopback
// (WarnIfExposed). Dev sign-ins are limited per client address
// (Config.DevClaimRate, 6 a minute with a burst of 6, counting refused
// ones): over it the answer is 429 with Retry-After in seconds. Loopback
// clients are not limited unless Config.DevClaimLoopback; behind a reverse
// proxy, Config.ClientIP says where a request comes from.
//
// # Sessions and CSRF
//
// The browser session is a gorilla/sessions cookie ("trelljaz"): signed
// and encrypted, HttpOnly, SameSite=Lax, Secure when the public URL is
// https, the request came over TLS or -secure-cookies is set; it lasts 30
// days and holds the player's id, name and provider, so that pages and
// tokens need no store lookup. Its keys are derived (HKDF-SHA256) from one
// secret: TRELLJAZ_SESSION_KEY, else the file session.key in the data
// directory, generated on first start. All processes of a club need the
// same secret; changing it signs everyone out. The session lives in the
// cookie only: sign-out deletes it from the browser, but a copied cookie
// stays valid until it expires (30 days) or the secret changes.
//
// State-changing endpoints are POST and wrapped in ProtectCSRF, which is
// net/http's CrossOriginProtection (Go 1.25+) rather than gorilla/csrf:
// it needs no token in every form and fetch (the pages are static files),
// keeps no state, and rests on Sec-Fetch-Site, which every browser has
// sent since 2023, falling back to comparing Origin with Host, which is
// sound because CheckHost has verified Host. gorilla/csrf's double-submit
// token would add a cookie, a header in every call and template plumbing
// for the same protection, and its Origin check was skipped on plain HTTP
// until 2025. SameSite=Lax cookies are a second line.
//
// # Socket tokens
//
// GET /api/token (same-origin, session cookie required) answers
// {"token": "...", "expires_in": 60}. The token is a JWT (HS256,
// golang-jwt/v5) with the player's id, name and provider, an audience,
// a one-minute lifetime and a random id; Verify refuses a forged,
// altered, expired or already used token (used: on this process; behind a
// load balancer a stolen token could be spent once per process within its
// minute). The page fetches a new token for every connection and
// reconnection. SockJS transports never see cookies
// as credentials, and a name the client states is never believed.
//
// # The OAuth flow
//
// GET /auth/{provider} stores a fresh random state in a short-lived
// cookie and sends the browser to the provider; the provider sends it
// back to GET /auth/{provider}/callback, where the state must match (once),
// the code is exchanged for the user through goth, the Directory signs the
// player in and the session starts; then the browser goes back to the page
// it started from: GET /auth/{provider}?return=/path (the dev form's field
// "return" alike) keeps the path beside the state in that cookie, and only
// a same-origin relative path is ever followed — "//host", "/\host", a
// scheme, control characters or any of them percent-encoded give "/" (no
// open redirect). The flow
// follows gothic's steps but keeps its providers and cookies in the
// Service, not in gothic's package variables (no global state: two servers
// or parallel tests do not share them), and never takes the state from the
// request, as gothic does when ?state= is given.
//
// # Configuration (README)
//
// Flags and environment variables read by the main:
//
//	-public-url URL        the club's public address, e.g. https://club.example.org;
//	                       requests for other hosts than it and loopback are refused
//	                       (421), OAuth callbacks are built from it
//	-dev-signin[=false]    force the dev sign-in on or off (default: on when
//	                       no OAuth provider is configured)
//	-secure-cookies        Secure cookies behind a TLS-terminating proxy
//	-data DIR              data directory; session.key is kept there
//	TRELLJAZ_SESSION_KEY   the session and token secret, 32 bytes or more
//	                       (openssl rand -base64 32); default: generated into DIR
//	TRELLJAZ_GITHUB_KEY, TRELLJAZ_GITHUB_SECRET   GitHub OAuth app
//	TRELLJAZ_GOOGLE_KEY, TRELLJAZ_GOOGLE_SECRET   Google OAuth client
//	TRELLJAZ_YANDEX_KEY, TRELLJAZ_YANDEX_SECRET   Yandex OAuth app
//
// A provider is offered when both its variables are set. Register an
// OAuth app with each provider, with the callback (redirect) URL
// PUBLIC_URL/auth/PROVIDER/callback, e.g.
// https://club.example.org/auth/github/callback:
//
//   - GitHub: Settings → Developer settings → OAuth Apps → New OAuth App;
//     homepage URL = PUBLIC_URL, authorization callback URL as above; no
//     scope is asked for (the public profile gives id, name and login).
//   - Google: Google Cloud console → APIs & Services → Credentials →
//     Create credentials → OAuth client ID → Web application; add the
//     callback URL to "Authorized redirect URIs"; scopes openid, profile.
//   - Yandex: oauth.yandex.ru → Create app → Web services; put the
//     callback URL in "Redirect URI"; permission "login:info" (name only).
//
// For a local try of a provider, use PUBLIC_URL http://localhost:8080 and
// register http://localhost:8080/auth/github/callback.
package auth
