package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/game/bot"
	"github.com/trelljaz/trelljaz/game/score"
)

// config is what the flags set.
type config struct {
	stormConfig // the watch storm and the churn (storm.go)

	URLs       []string      // club base URLs; a table's players are spread over them
	Tables     int           // tables played at once
	Players    int           // 3 or 4 per table
	Think      time.Duration // mean pause before each move
	Spread     float64       // each pause is drawn uniformly from Think×[1−Spread, 1+Spread]
	Duration   time.Duration // how long to run (the run stops by itself)
	Ramp       time.Duration // tables start evenly spread over this time
	Warmup     time.Duration // latencies and actions before this are not counted
	Drop       time.Duration // a player drops its session after about this long (0: never)
	Transports []string      // SockJS transports, spread over the players
	Pool       int           // pool target of the tables set
	Preset     string        // convention preset
	Level      string        // bot level that chooses moves ("" = random legal)
	Pulkas     int           // stop once this many pulkas finished (0: run for Duration)
	PID        int           // server process to sample, 0 for none
	Every      time.Duration // report period
	Lobby      string        // when the players follow the lobby: lobbyIdle, lobbyAlways or lobbyNever
	CPUProfile string        // file for the generator's CPU profile of the measured window ("" = none)
	GOGC       int           // the generator's own GC percent for the run (0: the runtime's; gogc.go)
}

// How the players follow the lobby's feed (-lobby).
const (
	// lobbyIdle follows it only while not at a playing table, as the page
	// does: a player leaves the feed when its table starts and follows it
	// again, from the version it had, once the pulka is over.
	lobbyIdle = "idle"
	// lobbyAlways follows it all the time (every session gets every delta).
	lobbyAlways = "always"
	// lobbyNever signs in with "follow_lobby":false.
	lobbyNever = "never"
)

// Bounds keep a run on one machine's loopback finite.
const (
	maxTables   = 5000
	maxDuration = 2 * time.Hour
)

func (c config) validate() error {
	if err := c.stormConfig.validate(); err != nil {
		return err
	}
	switch {
	case len(c.URLs) == 0:
		return errors.New("-url: at least one club URL")
	case c.Tables < 1 || c.Tables > maxTables:
		return fmt.Errorf("-tables %d: want 1..%d", c.Tables, maxTables)
	case c.Players != 3 && c.Players != 4:
		return fmt.Errorf("-players %d: want 3 or 4", c.Players)
	case c.Duration <= 0 || c.Duration > maxDuration:
		return fmt.Errorf("-duration %v: want more than 0 and at most %v", c.Duration, maxDuration)
	case c.Pulkas < 0:
		return fmt.Errorf("-pulkas %d: want 0 or more", c.Pulkas)
	case c.Think < 0:
		return fmt.Errorf("-think %v: want 0 or more", c.Think)
	case !(c.Spread >= 0 && c.Spread <= 1): // NaN too
		return fmt.Errorf("-think-spread %v: want 0..1", c.Spread)
	case c.Ramp < 0 || c.Ramp >= c.Duration:
		return fmt.Errorf("-ramp %v: want 0 or more and less than -duration", c.Ramp)
	case c.Warmup < 0 || c.Warmup >= c.Duration:
		return fmt.Errorf("-warmup %v: want 0 or more and less than -duration", c.Warmup)
	case c.Drop != 0 && c.Drop < 100*time.Millisecond:
		return fmt.Errorf("-drop %v: want 0 (never) or at least 100ms", c.Drop)
	case c.GOGC < 0:
		return fmt.Errorf("-gogc %d: want a GC percent over 0, or 0 to leave the runtime's (GOGC)", c.GOGC)
	case c.Pool < 1 || c.Pool > 500:
		return fmt.Errorf("-pool %d: want 1..500", c.Pool)
	case len(c.Transports) == 0:
		return errors.New("-transports: at least one")
	}
	switch c.Lobby {
	case lobbyIdle, lobbyAlways, lobbyNever:
	default:
		return fmt.Errorf("-lobby %q: want idle, always or never", c.Lobby)
	}
	switch c.Level {
	case "", "random", bot.LevelBasic, bot.LevelStrong:
	default:
		return fmt.Errorf("-level %q: want random, basic or strong", c.Level)
	}
	for _, t := range c.Transports {
		if !knownTransport(t) {
			return fmt.Errorf("-transports: unknown transport %q (want websocket, xhr-streaming or xhr-polling)", t)
		}
	}
	return nil
}

// think is one pause before a move, for u drawn uniformly from [0, 1):
// Think spread evenly over Think×[1−Spread, 1+Spread], so its mean is
// Think.
//
// People do not think for the same time before every move, and bots that
// all did marched in lockstep: a burst of moves served together came back
// together one think later, every time. An execution trace of the club at
// 3,000 tables with a fixed 1 s think showed bursts of 400 moves in 50 ms,
// three times the mean rate, every 1.1 s, and near-idle gaps between them;
// with the pauses spread (0.5 s to 1.5 s) the same minute's moves came
// 100–180 per 50 ms.
func (c config) think(u float64) time.Duration {
	return time.Duration(float64(c.Think) * (1 - c.Spread + 2*c.Spread*u))
}

// tableOptions are the options the generator sets its tables with, on top
// of the preset.
func (c config) tableOptions() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		"players":     json.RawMessage(strconv.Itoa(c.Players)),
		"pool_target": json.RawMessage(strconv.Itoa(c.Pool)),
	}
}

// tableSettings are the conventions of the tables the generator sets: the
// preset with tableOptions, as the club applies them.
func (c config) tableSettings() (score.Settings, error) {
	base, err := score.Preset(c.Preset)
	if err != nil {
		return score.Settings{}, fmt.Errorf("-preset: %w", err)
	}
	set, err := score.ParseOptions(base, c.tableOptions())
	if err != nil {
		return score.Settings{}, fmt.Errorf("the tables' options: %w", err)
	}
	return set, nil
}

// link is one SockJS session as the generator uses it.
type link interface {
	// Send sends one message.
	Send(msg string) error
	// RecvFrame returns the next SockJS frame, heartbeats skipped: nil for
	// the open frame, else the JSON array of an "a" frame (without the
	// 'a'), valid until the next call; io.EOF or another error when the
	// session is over. recv decodes its messages.
	RecvFrame() ([]byte, error)
	// Close ends the session.
	Close() error
}

// generator runs the tables.
type generator struct {
	cfg   config
	stats *stats
	dial  func(ctx context.Context, baseURL, transport string) (link, error)
	out   io.Writer
	stop  context.CancelFunc // ends the run early (-pulkas reached)
	// tables are the run's tables, set before the players start.
	tables []*tableRun
	// storms are the storm's and the churn's figures.
	storms stormStats
	// settings are the conventions of the tables set (tableSettings): the
	// bots play and price their bids by them, as the table does.
	settings score.Settings
	// profile is the open -cpuprofile file while the profile runs.
	profile *os.File
	// metrics reads the club's /metrics; serverThen is its scrape when the
	// measured window began (nil when it failed).
	metrics    *http.Client
	serverThen serverHists
	// ownThen is the generator's own runtime figures then (ownHists).
	ownThen serverHists
}

// run plays until ctx ends or cfg.Duration passes, printing a report every
// cfg.Every and the summary at the end; it returns the summary.
func (g *generator) run(ctx context.Context) summary {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Duration)
	defer cancel()
	g.stop = cancel
	start := time.Now()
	g.metrics = &http.Client{Timeout: scrapeTimeout}
	g.measureFrom(ctx, start)
	// Names are new for every run, even two runs against one club within
	// the same second (the test's cases): a dev name belongs to the
	// browser that claimed it.
	run := rand.Uint32()
	var wg sync.WaitGroup
	for t := range g.cfg.Tables {
		tr := newTableRun()
		g.tables = append(g.tables, tr)
		for i := range g.cfg.Players {
			p := &player{
				g: g, table: tr, index: i, urlIdx: (t + i) % len(g.cfg.URLs),
				name:    fmt.Sprintf("load-%08x-%d-%d", run, t, i),
				mover:   g.newMover(uint64(t)<<8 | uint64(i)),
				browser: newBrowser(),
			}
			tr.players = append(tr.players, p)
		}
		// Players arrive over the ramp, as a club's evening fills, rather
		// than all signing in within the same second.
		delay := g.cfg.Ramp * time.Duration(t) / time.Duration(g.cfg.Tables)
		for i, p := range tr.players {
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case <-ctx.Done():
					return
				case <-time.After(delay):
				}
				p.loop(ctx, g.cfg.Transports[(t*g.cfg.Players+i)%len(g.cfg.Transports)])
			}()
		}
	}
	tick := time.NewTicker(g.cfg.Every)
	defer tick.Stop()
	var warm <-chan time.Time
	warmed := make(chan struct{}) // closed once the warm-up is over
	if g.cfg.Warmup > 0 {
		warm = time.After(g.cfg.Warmup)
	} else {
		close(warmed)
		g.startProfile()
	}
	defer g.stopProfile()
	if g.cfg.Storm > 0 || g.cfg.Churn > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.storm(ctx, warmed)
		}()
	}
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-warm:
			g.measureFrom(ctx, time.Now())
			close(warmed)
			g.startProfile()
			fmt.Fprintf(g.out, "warm-up over: figures from now on\n")
		case <-tick.C:
			fmt.Fprintln(g.out, g.snapshot(ctx, start).line())
		}
	}
	wg.Wait()
	// ctx is over: the last scrape has its own time.
	sum := g.snapshot(context.Background(), start)
	fmt.Fprintln(g.out, sum.line())
	g.stats.writeErrors(g.out)
	return sum
}

// startProfile starts the generator's CPU profile (-cpuprofile) for the
// measured window; a profile that cannot start is reported and the run
// goes on without it.
func (g *generator) startProfile() {
	if g.cfg.CPUProfile == "" {
		return
	}
	f, err := os.Create(g.cfg.CPUProfile)
	if err == nil {
		err = pprof.StartCPUProfile(f)
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(g.out, "-cpuprofile: %v\n", err)
		return
	}
	g.profile = f
}

// stopProfile ends the CPU profile, if one runs, and closes its file.
func (g *generator) stopProfile() {
	if g.profile == nil {
		return
	}
	pprof.StopCPUProfile()
	if err := g.profile.Close(); err != nil {
		fmt.Fprintf(g.out, "-cpuprofile: %v\n", err)
	}
	g.profile = nil
}

// measureFrom starts the measured window at now, the club's histograms
// with it.
func (g *generator) measureFrom(ctx context.Context, now time.Time) {
	g.stats.measureFrom(now, g.proc())
	g.ownThen = ownHists()
	g.serverThen = g.scrape(ctx)
}

// scrape reads the club's latency histograms; nil when they cannot be
// read (the run goes on without them).
func (g *generator) scrape(ctx context.Context) serverHists {
	ctx, cancel := context.WithTimeout(ctx, scrapeTimeout)
	defer cancel()
	h, err := scrapeServers(ctx, g.metrics, g.cfg.URLs)
	if err != nil {
		return nil
	}
	return h
}

func (g *generator) snapshot(ctx context.Context, start time.Time) summary {
	sum := g.stats.snapshot(g.cfg.Tables, time.Now(), time.Since(start), g.proc())
	if g.ownThen != nil {
		own := runtimeFigures(ownHists(), g.ownThen, sum.MeasuredS)
		sum.LoadSchedP50ms, sum.LoadSchedP99ms, sum.LoadGCCPUPct = own.SchedP50ms, own.SchedP99ms, own.GCCPUPct
	}
	if g.serverThen != nil {
		if now := g.scrape(ctx); now != nil {
			sum.Server = serverFigures(now, g.serverThen, sum.MeasuredS)
		}
	}
	if st := g.storms.summary(g.cfg, sum.MeasuredS); st != nil {
		g.stats.stormFigures(st)
		sum.Storm = st
	}
	return sum
}

// proc samples the server process, nil when none is watched or it cannot
// be read.
func (g *generator) proc() *procSample {
	if g.cfg.PID > 0 {
		if p, err := readProc(g.cfg.PID); err == nil {
			return &p
		}
	}
	return nil
}

// newMover returns what chooses a player's moves: a game/bot of the
// configured level, or random legal moves.
func (g *generator) newMover(seed uint64) mover {
	if g.cfg.Level == "" || g.cfg.Level == "random" {
		return randomMover{r: rand.New(rand.NewPCG(seed, 0x7e11))}
	}
	return bot.New(g.botConfig(seed))
}

// botConfig is a bot's: the level asked for, playing and pricing by the
// conventions of the generator's tables (a bot without them prices its
// bids as Sochi whatever the table plays).
func (g *generator) botConfig(seed uint64) bot.Config {
	return bot.Config{Level: g.cfg.Level, Seed: seed, Options: g.settings.Options, Scoring: g.settings}
}

// loop is one player's life: connect, sign in, play, and on a lost session
// reconnect to the next URL and resync.
func (p *player) loop(ctx context.Context, transport string) {
	for ctx.Err() == nil {
		err := p.session(ctx, transport)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.g.stats.reconnect(err)
			p.urlIdx = (p.urlIdx + 1) % len(p.g.cfg.URLs)
			select { // a short pause, as a browser's backoff would
			case <-ctx.Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

// session runs one SockJS session until it ends or ctx does.
func (p *player) session(ctx context.Context, transport string) error {
	base := p.g.cfg.URLs[p.urlIdx]
	token, err := p.browser.token(ctx, base, p.name)
	if err != nil {
		return p.lost(ctx, err)
	}
	l, err := p.g.dial(ctx, base, transport)
	if err != nil {
		return p.lost(ctx, err)
	}
	p.link = l
	p.g.stats.sessions.Add(1)
	defer p.g.stats.sessions.Add(-1)
	defer l.Close()

	// The reader stamps each frame as it arrives, as a browser's onmessage
	// would: the hop to this loop is the generator's own queue, not the
	// club's latency. It decodes the frame's messages too, from a buffer
	// it reuses (decode.go), and hands on their decoded values only.
	frames := make(chan arrival, 16)
	recvErr := make(chan error, 1)
	go func() {
		var d msgDecoder
		for {
			f, err := l.RecvFrame()
			if err == nil && f != nil {
				got := stamp{at: time.Now(), sock: socketTime(l)}
				var msgs []inbound
				if msgs, err = d.frame(f); err == nil {
					frames <- arrival{msgs, got}
				}
			}
			if err != nil {
				recvErr <- err
				close(frames)
				return
			}
		}
	}()
	if err := p.signIn(token); err != nil {
		return err
	}
	var due, drop <-chan time.Time
	if d := p.g.cfg.Drop; d > 0 {
		// A session lives d/2 to 3d/2, then the client drops it, as a
		// browser losing its network would: the move in flight, if any, may
		// or may not have reached the club.
		drop = time.After(d/2 + rand.N(d))
	}
	newTable := make(chan string, 1)
	p.wait = func(old string) {
		go func() {
			if id := p.table.next(ctx, old); id != "" {
				newTable <- id
			}
		}()
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-drop:
			return errDropped
		case id := <-newTable:
			if id == p.tstate.table {
				continue
			}
			p.tstate = tableState{table: id, seat: -1}
			if err := p.send(map[string]any{"type": "watch", "table": id}); err != nil {
				return err
			}
		case f, ok := <-frames:
			if !ok {
				return <-recvErr
			}
			for _, in := range f.msgs {
				p.g.stats.received.Add(int64(in.size))
				if in.lobby {
					p.g.stats.lobbyBytes.Add(int64(in.size))
				}
				if in.err != nil {
					p.g.stats.fail(errProtocol, in.err.Error())
					continue
				}
				if err := p.step(ctx, in.m, f.stamp); err != nil {
					return err
				}
			}
			if due == nil && p.due() {
				due = time.After(p.g.cfg.think(rand.Float64()))
			}
		case <-due:
			due = nil
			if p.due() {
				if err := p.act(time.Now()); err != nil {
					return err
				}
			}
		}
	}
}

// arrival is one frame's messages and when the reader got them.
type arrival struct {
	msgs []inbound
	stamp
}

// stamp is when a frame came: at, when the player's reader had read it,
// and sock, when its bytes came into the player's socket (zero where the
// transport does not say).
type stamp struct {
	at, sock time.Time
}

// lost counts a failed sign-in or dial as an error, unless the run is
// ending: a dial the end of the run cancels has not failed.
func (p *player) lost(ctx context.Context, err error) error {
	if !ending(ctx) {
		p.g.stats.fail(errLost, err.Error())
	}
	return err
}

// signIn authenticates the session with a socket token and says which
// table this player follows and from which version, so that a reconnect
// resumes it. A player that has not reached a table yet (or has left its
// last one) names none: it watches the next one once it knows it, and only
// once, so that no second whole view of a table it has acted on comes.
//
// It follows the lobby from its version (-lobby), but not while its table
// plays when it follows only idle.
func (p *player) signIn(token string) error {
	m := map[string]any{"type": "signin", "token": token}
	p.follows = p.g.cfg.Lobby == lobbyAlways || p.g.cfg.Lobby == lobbyIdle && !p.atPlayingTable()
	p.unfollowed = false // a new session: nothing left yet
	if p.follows {
		m["lobby_v"] = p.lobbyV
	} else {
		m["follow_lobby"] = false
	}
	if p.tstate.table != "" && !p.tstate.leaving {
		v := p.tstate.v
		if p.pending || p.tstate.seat < 0 {
			// The last move sent has no event yet, or this player's sit
			// has not shown: either may have been lost with the session.
			// Ask for the whole table and take it even at the version
			// held, so a lost move is played and a lost sit sent again.
			v, p.tstate.fresh, p.tstate.sitting = 0, true, false
		}
		m["tables"] = map[string]uint64{p.tstate.table: v}
	}
	return p.send(m)
}

// step handles one message and drives the table's life: the first player
// sets the table and sits; the others watch and sit once they know it; a
// finished pulka is left and a new table set.
func (p *player) step(ctx context.Context, m serverMsg, got stamp) error {
	if err := p.handle(ctx, m, got); err != nil {
		return err
	}
	waiting := p.tstate.table == "" || p.tstate.leaving // for the next table
	switch {
	case m.Type == "welcome" && p.index == 0 && waiting:
		return p.send(map[string]any{"type": "set"})
	case m.Type == "welcome" && p.index > 0 && waiting:
		// Not at a table: watch the next one as soon as the first player
		// has set it (at once if that happened before this welcome).
		p.wait(p.tstate.table)
	case m.Type == "created" && p.index == 0:
		p.table.setID(m.Table)
		p.tstate = tableState{table: m.Table, seat: -1}
		return p.send(map[string]any{
			"type": "conventions", "table": m.Table, "preset": p.g.cfg.Preset,
			"options": p.g.cfg.tableOptions(),
		})
	case m.Type == "table" || m.Type == "table_event":
		if m.Table != p.tstate.table {
			return nil
		}
		if p.tstate.state == "waiting" && p.tstate.seat < 0 && !p.tstate.sitting {
			p.tstate.sitting = true
			return p.send(map[string]any{"type": "sit", "table": m.Table, "seat": p.index})
		}
		if m.Kind == "start" && p.index == 0 {
			p.g.stats.playing.Add(1)
		}
		if p.follows && p.g.cfg.Lobby == lobbyIdle && p.atPlayingTable() {
			// At the table: the page shows it, not the lobby.
			p.follows = false
			if err := p.send(map[string]any{"type": "lobby", "follow": false}); err != nil {
				return err
			}
		}
		if p.tstate.done && !p.tstate.leaving {
			p.tstate.leaving = true
			// The pulka is over: leave; the first player sets the next
			// table and the others follow it there.
			old := m.Table
			if err := p.send(map[string]any{"type": "leave", "table": old}); err != nil {
				return err
			}
			if !p.follows && p.g.cfg.Lobby == lobbyIdle {
				// Back in the lobby: what it missed, or the whole lobby.
				p.follows, p.unfollowed = true, false
				if err := p.send(map[string]any{"type": "lobby", "follow": true, "v": p.lobbyV}); err != nil {
					return err
				}
			}
			if p.index > 0 {
				p.wait(old)
				return nil
			}
			p.g.stats.playing.Add(-1)
			if n := p.g.stats.pulkas.Add(1); p.g.cfg.Pulkas > 0 && n >= int64(p.g.cfg.Pulkas) {
				p.g.stop()
			}
			return p.send(map[string]any{"type": "set"})
		}
	}
	return nil
}

// lobbyHead reads the type and version of a lobby message from its head,
// {"type":"lobby…","v":N, as game/protocol encodes it (the version is the
// first field of "lobby", "lobby_delta" and "lobby_left"), and a delta's
// "since" after it; false when the message does not start so.
func lobbyHead(raw string) (serverMsg, bool) {
	rest, ok := strings.CutPrefix(raw, `{"type":"`)
	if !ok {
		return serverMsg{}, false
	}
	typ, rest, ok := strings.Cut(rest, `","v":`)
	if !ok || strings.ContainsAny(typ, `"\`) {
		return serverMsg{}, false
	}
	v, rest, ok := headNumber(rest)
	if !ok {
		return serverMsg{}, false
	}
	m := serverMsg{Type: typ, V: v}
	if after, ok := strings.CutPrefix(rest, `,"since":`); ok {
		if m.Since, _, ok = headNumber(after); !ok {
			return serverMsg{}, false
		}
	}
	return m, true
}

// headNumber reads the decimal number rest starts with, followed by ','
// or '}', and returns what follows it.
func headNumber(rest string) (uint64, string, bool) {
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	v, err := strconv.ParseUint(rest[:n], 10, 64)
	if err != nil || n == len(rest) || rest[n] != ',' && rest[n] != '}' {
		return 0, "", false
	}
	return v, rest[n:], true
}

func knownTransport(t string) bool {
	switch strings.TrimSpace(t) {
	case "websocket", "xhr-streaming", "xhr-polling":
		return true
	}
	return false
}
