// Command trelljaz is the Trelljaz Preferans club server. The embedded
// default needs no Redis, no database and no OAuth keys:
//
//	go run ./cmd/trelljaz            # http://127.0.0.1:8080/
//
// Every flag has an environment fallback (TRELLJAZ_ and the flag's name in
// capitals, '-' as '_'); `trelljaz -h` lists them all with their defaults.
// A bad value, on the command line or in the environment, is an error
// naming the flag or the variable.
//
// SIGINT or SIGTERM drains: /readyz turns 503 at once, and after the drain
// delay (so a load balancer stops sending new players) SockJS sessions
// close with "going away", the HTTP server shuts down, the tables stop.
//
// With -redis the process is one of a club of several (package
// game/cluster): start each with the same -redis and -db (PostgreSQL) on
// its own address; any of them serves any player. SIGTERM then also hands
// this process's tables over to the others (their leases are released).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/archive"
	"github.com/trelljaz/trelljaz/game/auth"
	"github.com/trelljaz/trelljaz/game/bot"
	"github.com/trelljaz/trelljaz/game/cluster"
	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/game/web"
	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/static"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "trelljaz:", err)
		os.Exit(1)
	}
}

// config is every setting of the server.
type config struct {
	addr                                             string
	botDelay, dealPause, conventionTime, grace       time.Duration
	finishedKeep, lobbyFlush, signinTimeout          time.Duration
	drainDelay, readHeaderTimeout, idleTimeout       time.Duration
	sendReadTimeout, shutdownTimeout, commitEvery    time.Duration
	maxWatchers, maxTables, maxTablesPerPlayer, fine int
	bank, sessionsPerIP, maxTablesPerIP              int
	lobbyViewsPerAddress                             int
	timeoutAction, publicURL, dataDir, db, botLevel  string
	redis, node, trustedProxies                      string
	devSignIn                                        auth.DevMode
	secureCookies                                    bool
	messageRate, chatRate, chatRatePerIP             float64
	debugAddr                                        string // net/http/pprof, off when empty
}

// flags declares every setting on fs with its env fallback.
func flags(fs *flag.FlagSet, c *config) []string {
	var envs []string
	add := func(v flag.Value, name, help string) {
		env := "TRELLJAZ_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		envs = append(envs, env+"="+name)
		fs.Var(v, name, help+" (env "+env+")")
	}
	add(&strValue{&c.addr}, "addr", "listen address")
	add(&durValue{&c.botDelay}, "bot-delay", "how long a bot thinks")
	add(&durValue{&c.dealPause}, "deal-pause", "pause between deals")
	add(&durValue{&c.conventionTime}, "convention-time", "time the creator has to choose the conventions")
	add(&durValue{&c.grace}, "grace", "how long an absent seated player keeps the seat while the table waits")
	add(&durValue{&c.finishedKeep}, "finished-keep", "how long a finished table stays before it is reclaimed")
	add(&intValue{&c.maxWatchers}, "max-watchers", "connections of players without a seat per table")
	add(&intValue{&c.maxTables}, "max-tables", "tables in the club")
	add(&intValue{&c.maxTablesPerPlayer}, "max-tables-per-player", "unfinished tables one player may have set")
	add(&intValue{&c.maxTablesPerIP}, "max-tables-per-ip", "unfinished tables that may be set from one IP address, whoever signed in")
	add(&intValue{&c.lobbyViewsPerAddress}, "lobby-views-per-address", "lobby views (filters, pages) one client address may have made and hold at once; joining a view that exists is always allowed")
	add(&durValue{&c.lobbyFlush}, "lobby-flush", "longest wait of a lobby change (changes within it go out as one delta)")
	add(&strValue{&c.timeoutAction}, "timeout-action", "the club's timeout_action (RULES §14) when a decision's time and the time bank are spent: fine, bot-takeover or auto-pass")
	add(&intValue{&c.fine}, "fine", "the club's timeout_fine: mountain points of timeout_action fine")
	add(&intValue{&c.bank}, "bank", "the club's time_bank: seconds of each player's reserve after the move time (0: none)")
	add(&floatValue{&c.messageRate}, "message-rate", "messages per second per player (warned, then closed)")
	add(&floatValue{&c.chatRate}, "chat-rate", "chat lines per second per player")
	add(&floatValue{&c.chatRatePerIP}, "chat-rate-ip", "chat lines per second per IP address")
	add(&durValue{&c.signinTimeout}, "signin-timeout", "a connection that has not signed in by then is closed")
	add(&intValue{&c.sessionsPerIP}, "sessions-per-ip", "open SockJS sessions per IP address")
	add(&durValue{&c.drainDelay}, "drain-delay", "on SIGTERM, how long /readyz answers 503 before sessions close")
	add(&durValue{&c.readHeaderTimeout}, "read-header-timeout", "HTTP: time to read a request's headers")
	add(&durValue{&c.idleTimeout}, "idle-timeout", "HTTP: how long an idle keep-alive connection is kept")
	add(&durValue{&c.sendReadTimeout}, "send-read-timeout", "HTTP: time to read a request but the long-lived SockJS transports (slow-body POSTs)")
	add(&durValue{&c.shutdownTimeout}, "shutdown-timeout", "longest wait for sessions and requests to end on shutdown")
	add(&strValue{&c.publicURL}, "public-url", "the club's public address, e.g. https://club.example.org (empty: loopback only)")
	add(&c.devSignIn, "dev-signin", "development sign-in (choose a name): auto (on when no OAuth provider is configured), true or false")
	add(&strValue{&c.dataDir}, "data", "data directory (the SQLite database and session.key are kept there)")
	add(&strValue{&c.botLevel}, "bot-level", `how the club's bots play: "strong" (sampling and double-dummy search) or "basic" (rules of thumb)`)
	add(&durValue{&c.commitEvery}, "commit-every", "SQLite: least time between two group commits of moves (each synced once); the moves of that time share one (0: commit as soon as one is queued)")
	add(&strValue{&c.db}, "db", "database: empty for SQLite in the data directory, or postgres://user:pass@host/db")
	add(&boolValue{&c.secureCookies}, "secure-cookies", "Secure cookies behind a TLS-terminating proxy")
	add(&strValue{&c.redis}, "redis", "Redis URL (redis://host:6379/0): run as one process of a club of several, with -db postgres://...")
	add(&strValue{&c.node}, "node", "this process's name in a club of several (empty: random)")
	add(&strValue{&c.trustedProxies}, "trusted-proxies", "comma list of networks (127.0.0.1/32,10.0.0.0/8) of reverse proxies whose X-Forwarded-For gives the player's address")
	add(&strValue{&c.debugAddr}, "debug-addr", "address of net/http/pprof with mutex and block profiles, for profiling (empty: off; keep it on loopback)")
	return envs
}

func defaults() config {
	return config{
		addr: "127.0.0.1:8080", botDelay: table.DefaultBotDelay, dealPause: table.DefaultDealPause,
		conventionTime: table.DefaultConventionTime, grace: table.DefaultGrace, finishedKeep: table.DefaultFinishedKeep,
		maxWatchers: table.DefaultMaxWatchers, maxTables: lobby.DefaultMaxTables, maxTablesPerPlayer: lobby.DefaultMaxTablesPerPlayer, maxTablesPerIP: lobby.DefaultMaxTablesPerIP,
		lobbyViewsPerAddress: lobby.DefaultViewsPerAddress,
		lobbyFlush:           lobby.DefaultFlush, timeoutAction: score.TimeoutFineAndClose.String(), fine: table.DefaultFine,
		messageRate: web.DefaultMessageRate, chatRate: web.DefaultChatRate, chatRatePerIP: web.DefaultChatRatePerIP,
		signinTimeout: web.DefaultSigninTimeout, sessionsPerIP: web.DefaultSessionsPerIP, drainDelay: 5 * time.Second,
		readHeaderTimeout: 10 * time.Second, idleTimeout: 30 * time.Second, sendReadTimeout: web.DefaultSendReadTimeout,
		shutdownTimeout: 10 * time.Second, dataDir: "./trelljaz-data", botLevel: "strong", commitEvery: store.DefaultCommitEvery,
	}
}

// commitEvery is the store's CommitEvery for the -commit-every flag, whose
// 0 means no wait (the Config's zero means its default).
func commitEvery(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// parse reads the environment, then args, over the defaults.
func parse(args []string, usage io.Writer) (config, error) {
	c := defaults()
	fs := flag.NewFlagSet("trelljaz", flag.ContinueOnError)
	fs.SetOutput(usage)
	for _, e := range flags(fs, &c) {
		env, name, _ := strings.Cut(e, "=")
		if v, ok := os.LookupEnv(env); ok {
			if err := fs.Set(name, v); err != nil {
				return c, fmt.Errorf("%s: %w", env, err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if _, err := clubSettings(c); err != nil {
		return c, fmt.Errorf("timeout-action, fine, bank: %w", err)
	}
	if c.redis != "" && !strings.HasPrefix(c.db, "postgres://") && !strings.HasPrefix(c.db, "postgresql://") {
		return c, errors.New("redis: a club of several processes shares one PostgreSQL: give -db postgres://")
	}
	if _, err := proxies(c.trustedProxies); err != nil {
		return c, fmt.Errorf("trusted-proxies: %w", err)
	}
	if c.botLevel != bot.LevelStrong && c.botLevel != bot.LevelBasic {
		return c, fmt.Errorf("bot-level: %q is not %s or %s", c.botLevel, bot.LevelStrong, bot.LevelBasic)
	}
	return c, nil
}

// run serves the club until ctx is cancelled, then drains. Logs (and -h)
// go to logs; ready, if set, gets the address the server listens on.
func run(ctx context.Context, args []string, logs io.Writer, ready func(addr string)) error {
	c, err := parse(args, logs)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(logs, nil))
	if c.debugAddr != "" {
		stop, err := serveDebug(c.debugAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(reg)

	st, err := store.Open(ctx, store.Config{URL: c.db, DataDir: c.dataDir, CommitEvery: commitEvery(c.commitEvery), Logger: log, Metrics: m})
	if err != nil {
		return err
	}
	defer st.Close()
	// The profile's "tables they play now" come from the lobby, in memory.
	var lb *lobby.Lobby
	arch := archive.New(st, archive.Options{Logger: log, Playing: func(id account.ID) []string {
		// SeatedAtIDs: the tables other processes of a club run too.
		return lb.SeatedAtIDs(strconv.FormatInt(int64(id), 10))
	}})
	j := journal.New(st, log, func(store.PulkaID) { arch.PulkaFinished() })

	lcfg := lobby.Config{
		Logger: log, Metrics: m, MaxTables: c.maxTables, MaxTablesPerPlayer: c.maxTablesPerPlayer, MaxTablesPerIP: c.maxTablesPerIP, ViewsPerAddress: c.lobbyViewsPerAddress, Flush: c.lobbyFlush,
		Table: table.Config{
			BotDelay: c.botDelay, DealPause: c.dealPause, ConventionTime: c.conventionTime, Grace: c.grace,
			FinishedKeep: c.finishedKeep, MaxWatchers: c.maxWatchers, Journal: j,
			NewBot: func(_ int, s score.Settings) table.Bot {
				return bot.New(bot.Config{Level: c.botLevel, Seed: mrand.Uint64(), Options: s.Options, Scoring: s})
			},
			Options: clubOptions(c),
		},
	}
	var node *cluster.Node
	if c.redis != "" {
		if node, err = joinClub(ctx, c, st, j, reg, m, log, &lcfg); err != nil {
			return err
		}
	}
	lb = lobby.New(lcfg)
	defer lb.Stop()
	if node != nil {
		// The tables nobody runs (a club that stopped, a dead peer's) are
		// taken over by the node's lease loop.
		if err := node.Start(ctx, lb); err != nil {
			return err
		}
		defer node.Stop() // before lb.Stop: it releases the leases after the tables stop
	} else {
		// The pulkas in progress when the last process stopped (even by
		// kill -9) are rebuilt from the store's moves before anyone
		// connects; one that cannot be (a corrupt log) is abandoned, not
		// retried every start.
		restored, err := j.Restore(ctx, lb, m)
		if err != nil {
			log.Error("some pulkas in progress could not be restored", "err", err)
		}
		if restored.Tables+len(restored.Abandoned) > 0 {
			log.Info("pulkas in progress restored", "tables", restored.Tables, "abandoned", len(restored.Abandoned))
		}
	}
	secret, err := auth.LoadSecret(os.Getenv, c.dataDir)
	if err != nil {
		return err
	}
	providers, err := auth.ProvidersFromEnv(os.Getenv, c.publicURL)
	if err != nil {
		return err
	}
	acfg := auth.Config{
		PublicURL: c.publicURL, Providers: providers, DevSignIn: c.devSignIn,
		Secret: secret, SecureCookies: c.secureCookies, Logger: log,
	}
	if nets, _ := proxies(c.trustedProxies); len(nets) > 0 {
		// The dev sign-in's limit per address sees the address the
		// sessions see, not the proxy's (loopback, which is exempt).
		acfg.ClientIP = func(r *http.Request) netip.Addr { return sockjs.ClientIP(r, nets) }
	}
	signin, err := auth.New(st, acfg)
	if err != nil {
		return err
	}
	signin.WarnIfExposed(c.addr)
	wcfg := web.Config{
		Auth: signin, Archive: arch, Lobby: lb, Assets: static.Web(), Logger: log, Metrics: m, Gatherer: reg,
		MessageRate: c.messageRate, ChatRate: c.chatRate, ChatRatePerIP: c.chatRatePerIP,
		SigninTimeout: c.signinTimeout, SessionsPerIP: c.sessionsPerIP, SendReadTimeout: c.sendReadTimeout,
	}
	if node != nil {
		wcfg.Tables, wcfg.Ready = node, node.Ready
	}
	if nets, _ := proxies(c.trustedProxies); len(nets) > 0 {
		// Behind a load balancer every player would otherwise share its
		// address (the per-IP session cap, the chat limit per IP).
		wcfg.SockJS = &sockjs.Options{MaxMessageSize: 8192, DirectWrites: true, Logger: log, TrustedProxies: nets}
	}
	site := web.New(wcfg)
	// No ReadTimeout or WriteTimeout: they would cut websocket and
	// streaming sessions; the sockjs library bounds those itself, and the
	// site sets a read deadline (send-read-timeout) on every other request.
	srv := &http.Server{Addr: c.addr, Handler: site, ReadHeaderTimeout: c.readHeaderTimeout, IdleTimeout: c.idleTimeout}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("trelljaz club listening", "addr", "http://"+ln.Addr().String()+"/", "providers", signin.Providers(), "dev_signin", signin.DevSignIn())
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	site.Drain()
	log.Info("draining", "delay", c.drainDelay)
	time.Sleep(c.drainDelay) // /readyz answers 503 meanwhile
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	if err := site.Shutdown(sctx); err != nil {
		log.Warn("sockjs shutdown", "err", err)
	}
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if node != nil {
		node.Stop() // the tables stop, their leases go to the other processes
	}
	log.Info("stopped")
	return nil
}

// proxies parses a comma list of networks (an address alone is one host).
func proxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or a network", f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a network", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// joinClub connects to Redis and makes this process's node of the club;
// it sets the lobby's configuration for the club in lcfg.
func joinClub(ctx context.Context, c config, st *store.Store, j *journal.Journal, reg *prometheus.Registry, m *metrics.Metrics, log *slog.Logger, lcfg *lobby.Config) (*cluster.Node, error) {
	var node atomic.Pointer[cluster.Node]
	broker, err := redisbroker.New(redisbroker.Options{
		URL: c.redis, Prefix: "trelljaz:", Registerer: reg, Logger: log,
		OnEvent: func(ev sockjs.BrokerEvent) {
			if n := node.Load(); n != nil {
				n.BrokerEvent(ev)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	n, err := cluster.New(cluster.Config{ID: c.node, Broker: broker, Store: st, Journal: j, Registerer: reg, Metrics: m, Logger: log})
	if err != nil {
		broker.Close()
		return nil, err
	}
	node.Store(n)
	if err := n.LobbyConfig(ctx, lcfg); err != nil {
		broker.Close()
		return nil, err
	}
	go func() {
		<-n.Done()
		broker.Close()
	}()
	return n, nil
}

type strValue struct{ p *string }

func (v *strValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}
func (v *strValue) Set(s string) error { *v.p = s; return nil }

type boolValue struct{ p *bool }

func (v *boolValue) String() string   { return strconv.FormatBool(v.p != nil && *v.p) }
func (v *boolValue) IsBoolFlag() bool { return true }

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	*v.p = b
	return nil
}

type durValue struct{ p *time.Duration }

func (v *durValue) String() string {
	if v.p == nil {
		return "0s"
	}
	return v.p.String()
}

func (v *durValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("%q is not a duration like 30s or 5m", s)
	}
	*v.p = d
	return nil
}

type intValue struct{ p *int }

func (v *intValue) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a whole number", s)
	}
	*v.p = n
	return nil
}

type floatValue struct{ p *float64 }

func (v *floatValue) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.FormatFloat(*v.p, 'g', -1, 64)
}

func (v *floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return fmt.Errorf("%q is not a number", s)
	}
	*v.p = f
	return nil
}

// clubOptions are the club's RULES §14 options over every preset's:
// timeout_action, timeout_fine and time_bank from the flags.
func clubOptions(c config) map[string]json.RawMessage {
	action, _ := json.Marshal(c.timeoutAction)
	return map[string]json.RawMessage{
		"timeout_action": action,
		"timeout_fine":   json.RawMessage(strconv.Itoa(c.fine)),
		"time_bank":      json.RawMessage(strconv.Itoa(c.bank)),
	}
}

// clubSettings checks the club's options: the settings of a Sochi table.
func clubSettings(c config) (score.Settings, error) {
	s, err := table.DefaultSettings("sochi")
	if err != nil {
		return s, err
	}
	return score.ParseOptions(s, clubOptions(c))
}
