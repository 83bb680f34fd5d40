package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The watch storm and the churn (issue 12's abuse): guests that watch one
// playing table of the run, from this process, while the players play on.
//
//   - -storm N: N connections sign in as guests and watch the table at once
//     (at most stormDials handshakes in flight), stay -storm-hold, then all
//     drop at once; -storm-rounds times, -storm-pause apart, and the run
//     ends after the last round (or at -duration). Each round
//     reports its attach time (the first dial to the last connection
//     answered by the table: its view, or watchers_full past the table's
//     cap) and its drop time (the close of every connection to the lobby
//     showing the table's watchers and the guests back where they were:
//     the lobby's presence flush, 1 s by default, is the resolution).
//   - -churn N: N clients connect, sign in as guests, watch the table and
//     drop, in a loop, for the rest of the run.
//
// The players' latencies while a storm round is on (first dial to drop
// seen) are kept apart from the run's; under churn the whole run is
// churned. A storm or churn client that fails (dial, close by the server,
// an error but watchers_full) is an error of the run, as a player's is.

// stormConfig is what the storm's flags set.
type stormConfig struct {
	Storm       int           // watchers per storm round (0: no storm)
	StormRounds int           // storm rounds
	StormTable  string        // the table to storm ("": the first playing table of the run)
	StormHold   time.Duration // how long a round's watchers stay
	StormPause  time.Duration // between a round's drop and the next round
	Churn       int           // clients connecting, watching and dropping in a loop (0: none)
}

// Bounds of the storm and the churn.
const (
	maxStorm = 20000 // watchers per round: the port range of one loopback address
	maxChurn = 2000
)

func (c *stormConfig) flags(fs *flag.FlagSet) {
	fs.IntVar(&c.Storm, "storm", 0, fmt.Sprintf("watch storm: this many guest connections watch one playing table at once, then all drop (0..%d; 0: none)", maxStorm))
	fs.IntVar(&c.StormRounds, "storm-rounds", 3, "storm rounds; the run ends after the last one")
	fs.StringVar(&c.StormTable, "storm-table", "", "table the storm and the churn watch (empty: the first table of the run that plays)")
	fs.DurationVar(&c.StormHold, "storm-hold", 2*time.Second, "how long a storm round's watchers stay before they drop")
	fs.DurationVar(&c.StormPause, "storm-pause", 5*time.Second, "pause between a storm round's drop and the next round")
	fs.IntVar(&c.Churn, "churn", 0, fmt.Sprintf("churn: this many guest clients connect, watch one playing table and drop, in a loop for the run (0..%d; 0: none)", maxChurn))
}

func (c stormConfig) validate() error {
	switch {
	case c.Storm < 0 || c.Storm > maxStorm:
		return fmt.Errorf("-storm %d: want 0..%d", c.Storm, maxStorm)
	case c.Storm > 0 && (c.StormRounds < 1 || c.StormRounds > 1000):
		return fmt.Errorf("-storm-rounds %d: want 1..1000", c.StormRounds)
	case c.StormHold < 0 || c.StormHold > time.Hour:
		return fmt.Errorf("-storm-hold %v: want 0..1h", c.StormHold)
	case c.StormPause < 0 || c.StormPause > time.Hour:
		return fmt.Errorf("-storm-pause %v: want 0..1h", c.StormPause)
	case c.Churn < 0 || c.Churn > maxChurn:
		return fmt.Errorf("-churn %d: want 0..%d", c.Churn, maxChurn)
	case c.Storm > 0 && c.Churn > 0:
		return errors.New("-storm and -churn: one at a time (the drop is measured by the lobby's guests)")
	}
	return nil
}

// stormDials bounds the storm's handshakes in flight: every connection is
// open at once all the same; this only paces the dials, as a burst of
// browsers behind a few proxies would arrive.
const stormDials = 200

// stormAnswerWait bounds the wait for one watcher's answer.
const stormAnswerWait = time.Minute

// errStorm counts a storm or churn client that failed.
const errStorm errKind = "storm"

// stormStats are the storm's and the churn's figures.
type stormStats struct {
	mu       sync.Mutex
	attach   []time.Duration // per round
	drop     []time.Duration // per round
	capped   atomic.Int64    // watchers_full answers
	watched  atomic.Int64    // table views answered
	churned  atomic.Int64    // churn cycles completed
	churnMax atomic.Int64    // the longest churn cycle, µs
}

func (s *stormStats) round(attach, drop time.Duration) {
	s.mu.Lock()
	s.attach = append(s.attach, attach)
	s.drop = append(s.drop, drop)
	s.mu.Unlock()
}

// stormSummary is the storm's part of the summary.
type stormSummary struct {
	Storm    int       `json:"storm"`     // connections per round
	Rounds   int       `json:"rounds"`    // rounds done
	AttachMs []float64 `json:"attach_ms"` // per round: first dial → last answer
	DropMs   []float64 `json:"drop_ms"`   // per round: drop → the lobby shows them gone
	Watched  int64     `json:"watched"`   // table views answered (storm and churn)
	Capped   int64     `json:"capped"`    // watchers_full answers (past the table's cap)
	// Players' action→event latencies received while a round was on.
	Actions int64   `json:"actions"`
	P50ms   float64 `json:"p50_ms"`
	P90ms   float64 `json:"p90_ms"`
	P99ms   float64 `json:"p99_ms"`
	Maxms   float64 `json:"max_ms"`

	Churn       int     `json:"churn"`        // churn clients
	ChurnCycles int64   `json:"churn_cycles"` // connect–watch–drop cycles completed
	ChurnPerS   float64 `json:"churn_per_s"`
	ChurnMaxMs  float64 `json:"churn_max_ms"` // the longest cycle
}

func (s *stormStats) summary(cfg config, measured float64) *stormSummary {
	if cfg.Storm == 0 && cfg.Churn == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := &stormSummary{
		Storm: cfg.Storm, Rounds: len(s.attach), Watched: s.watched.Load(), Capped: s.capped.Load(),
		AttachMs: msList(s.attach), DropMs: msList(s.drop),
		Churn: cfg.Churn, ChurnCycles: s.churned.Load(), ChurnMaxMs: float64(s.churnMax.Load()) / 1000,
	}
	if measured > 0 {
		sum.ChurnPerS = float64(sum.ChurnCycles) / measured
	}
	return sum
}

func msList(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d.Microseconds()) / 1000
	}
	return out
}

// stormTarget returns the table to storm: -storm-table, or the first
// table of the run that the lobby shows playing, once there is one (""
// when ctx ends first).
func (g *generator) stormTarget(ctx context.Context, probe *probe) string {
	if g.cfg.StormTable != "" {
		return g.cfg.StormTable
	}
	for {
		for _, tr := range g.tables {
			if id := tr.id(); id != "" && probe.playing(id) {
				return id
			}
		}
		// A table of the run starts, or the lobby changes.
		select {
		case <-ctx.Done():
			return ""
		case <-probe.changed():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// storm runs the storm's rounds, or the churn, once a table plays and the
// warm-up is over.
func (g *generator) storm(ctx context.Context, warm <-chan struct{}) {
	select {
	case <-ctx.Done():
		return
	case <-warm:
	}
	probe, err := openProbe(ctx, g.dial, g.cfg.URLs[0])
	if err != nil {
		g.stats.fail(errStorm, "lobby probe: "+err.Error())
		return
	}
	defer probe.close()
	if g.cfg.Churn > 0 {
		g.churn(ctx, probe)
		return
	}
	defer g.stop() // the run is over with the storm
	for round := 0; round < g.cfg.StormRounds; round++ {
		if round > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(g.cfg.StormPause):
			}
		}
		table := g.stormTarget(ctx, probe)
		if table == "" {
			return
		}
		if err := g.stormRound(ctx, probe, round, table); err != nil {
			if !ending(ctx) {
				g.stats.fail(errStorm, fmt.Sprintf("round %d: %v", round, err))
			}
			return
		}
	}
}

// stormRound opens cfg.Storm watchers of table at once, holds them
// cfg.StormHold, drops them all and waits for the lobby to show them gone.
func (g *generator) stormRound(ctx context.Context, probe *probe, round int, table string) error {
	_, guests0, err := probe.now(ctx, table)
	if err != nil {
		return err
	}
	g.stats.storming.Store(true)
	defer g.stats.storming.Store(false)
	start := time.Now()
	links := make([]link, g.cfg.Storm)
	var answered, dropped sync.WaitGroup
	var dropping atomic.Bool
	var up, views atomic.Int64 // connections answered; of them, with the table's view
	sem := make(chan struct{}, stormDials)
	for i := range g.cfg.Storm {
		answered.Add(1)
		go func() {
			defer answered.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			l, view, err := g.watchOnce(ctx, g.cfg.URLs[i%len(g.cfg.URLs)], table)
			if err != nil {
				if !ending(ctx) {
					g.stats.fail(errStorm, fmt.Sprintf("round %d watcher %d: %v", round, i, err))
				}
				return
			}
			links[i] = l
			up.Add(1)
			if view {
				views.Add(1)
			}
			dropped.Add(1)
			// Read (and drop) what the club sends while the storm holds,
			// so that the connection is a watcher, not a slow consumer.
			go func() {
				defer dropped.Done()
				for {
					if _, err := l.RecvFrame(); err != nil {
						if !dropping.Load() && !ending(ctx) {
							g.stats.fail(errStorm, fmt.Sprintf("round %d watcher %d lost while holding: %v", round, i, err))
						}
						return
					}
				}
			}()
		}()
	}
	answered.Wait()
	attach := time.Since(start)
	// The drop is measured by the lobby: first it must show the storm (every
	// connection is a guest in it), then the watchers and guests it showed
	// at the height of the storm, less the storm's.
	n, v := int(up.Load()), int(views.Load())
	var peakW, peakG int
	err = probe.waitFor(ctx, table, func(w, g int) bool { peakW, peakG = w, g; return g >= guests0+n && w >= v })
	if err != nil {
		return fmt.Errorf("waiting for the lobby to show the storm: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(g.cfg.StormHold):
	}
	w, gs, err := probe.now(ctx, table)
	if err != nil {
		return err
	}
	peakW, peakG = max(peakW, w), max(peakG, gs)
	dropping.Store(true)
	dropAt := time.Now()
	for _, l := range links {
		if l != nil {
			_ = l.Close()
		}
	}
	dropped.Wait()
	err = probe.waitFor(ctx, table, func(w, g int) bool { return w <= peakW-v && g <= peakG-n })
	drop := time.Since(dropAt)
	if err != nil {
		return fmt.Errorf("waiting for the lobby to show the drop: %w", err)
	}
	g.storms.round(attach, drop)
	fmt.Fprintf(g.out, "storm round %d: %d connections (%d watching, %d past the cap) of table %s attached in %v, dropped in %v\n",
		round, n, v, n-v, table, attach.Round(time.Millisecond), drop.Round(time.Millisecond))
	return nil
}

// churn runs cfg.Churn clients that connect, watch and drop in a loop
// until ctx ends.
func (g *generator) churn(ctx context.Context, probe *probe) {
	table := g.stormTarget(ctx, probe)
	if table == "" {
		return
	}
	g.stats.storming.Store(true)
	defer g.stats.storming.Store(false)
	var wg sync.WaitGroup
	for i := range g.cfg.Churn {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				start := time.Now()
				l, _, err := g.watchOnce(ctx, g.cfg.URLs[i%len(g.cfg.URLs)], table)
				if err != nil {
					if ending(ctx) {
						return
					}
					g.stats.fail(errStorm, fmt.Sprintf("churn client %d: %v", i, err))
					select { // a browser's backoff
					case <-ctx.Done():
					case <-time.After(200 * time.Millisecond):
					}
					continue
				}
				_ = l.Close()
				g.storms.churned.Add(1)
				us := time.Since(start).Microseconds()
				for {
					old := g.storms.churnMax.Load()
					if us <= old || g.storms.churnMax.CompareAndSwap(old, us) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
}

// ending reports whether the run is over: ctx is done or its deadline has
// passed. A dial in flight at the run's end fails with "i/o timeout" a
// moment before ctx reports it (the socket's deadline is ctx's), and is not
// the club's error.
func ending(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// watchOnce opens a websocket session on base, signs in as a guest and
// watches table; it returns the open link once the table answered, with its
// view (view true) or with watchers_full (counted as capped, not an error).
func (g *generator) watchOnce(ctx context.Context, base, table string) (l link, view bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, stormAnswerWait)
	defer cancel()
	l, err = g.dial(ctx, base, "websocket")
	if err != nil {
		return nil, false, err
	}
	// A hung club must not hold this client past the bound.
	stop := context.AfterFunc(ctx, func() { _ = l.Close() })
	defer stop()
	for _, m := range []string{`{"type":"signin","guest":true}`, fmt.Sprintf(`{"type":"watch","table":%q}`, table)} {
		if err := l.Send(m); err != nil {
			l.Close()
			return nil, false, fmt.Errorf("send: %w", err)
		}
	}
	for {
		msgs, err := recv(l)
		if err != nil {
			l.Close()
			if ctx.Err() != nil {
				return nil, false, fmt.Errorf("no answer from the table: %w", ctx.Err())
			}
			return nil, false, err
		}
		for _, raw := range msgs {
			// Only the answer is decoded: the storm must cost this process
			// little, so that the club is what is measured.
			if !strings.Contains(raw, `"type":"table"`) && !strings.Contains(raw, `"type":"error"`) {
				continue
			}
			var m serverMsg
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				l.Close()
				return nil, false, fmt.Errorf("undecodable %.80q: %w", raw, err)
			}
			switch {
			case m.Type == "table" && m.Table == table:
				g.storms.watched.Add(1)
				return l, true, nil
			case m.Type == "error" && m.Code == "watchers_full":
				g.storms.capped.Add(1)
				return l, false, nil
			case m.Type == "error":
				l.Close()
				return nil, false, fmt.Errorf("%s: %s", m.Code, m.Text)
			}
		}
	}
}

// probe is one guest session that follows the lobby: the watchers of each
// table and the guests, as the club counts them.
type probe struct {
	l      link
	mu     sync.Mutex
	seen   bool                    // the whole lobby came
	tables map[string]probeSummary // by table
	guests int
	change chan struct{} // closed and replaced on every update
	done   chan struct{} // closed when the session ends
	err    error         // why it ended, once done
}

// probeSummary is the part of a table's summary the probe reads.
type probeSummary struct {
	ID       string `json:"id"`
	State    string `json:"state"`
	Watchers int    `json:"watchers"`
}

// lobbyMsg is the part of "lobby" and "lobby_delta" the probe reads.
type lobbyMsg struct {
	Type    string         `json:"type"`
	Tables  []probeSummary `json:"tables"`
	Removed []string       `json:"removed"`
	Guests  *int           `json:"guests"`
}

func openProbe(ctx context.Context, dial func(context.Context, string, string) (link, error), base string) (*probe, error) {
	l, err := dial(ctx, base, "websocket")
	if err != nil {
		return nil, err
	}
	// The playing tables, the most watched first: the stormed table leads
	// the lobby's page of them whatever the club's size.
	if err := l.Send(`{"type":"signin","guest":true,"lobby_view":{"state":"playing"}}`); err != nil {
		l.Close()
		return nil, fmt.Errorf("send: %w", err)
	}
	p := &probe{l: l, tables: map[string]probeSummary{}, change: make(chan struct{}), done: make(chan struct{})}
	go p.read()
	return p, nil
}

func (p *probe) read() {
	defer close(p.done)
	for {
		msgs, err := recv(p.l)
		if err != nil {
			p.mu.Lock()
			p.err = err
			p.mu.Unlock()
			return
		}
		for _, raw := range msgs {
			if !strings.HasPrefix(raw, `{"type":"lobby`) {
				continue
			}
			var m lobbyMsg
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				p.mu.Lock()
				p.err = fmt.Errorf("undecodable %.80q: %w", raw, err)
				p.mu.Unlock()
				return
			}
			p.apply(m)
		}
	}
}

func (p *probe) apply(m lobbyMsg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if m.Type == "lobby" {
		clear(p.tables)
		p.seen = true
	}
	for _, t := range m.Tables {
		p.tables[t.ID] = t
	}
	for _, id := range m.Removed {
		delete(p.tables, id)
	}
	if m.Guests != nil {
		p.guests = *m.Guests
	}
	close(p.change)
	p.change = make(chan struct{})
}

// waitFor waits until ok holds for the table's watchers and the guests.
func (p *probe) waitFor(ctx context.Context, table string, ok func(watchers, guests int) bool) error {
	for {
		p.mu.Lock()
		holds := p.seen && ok(p.tables[table].Watchers, p.guests)
		ch := p.change
		p.mu.Unlock()
		if holds {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.done:
			return fmt.Errorf("lobby probe ended: %w", p.err)
		case <-ch:
		}
	}
}

// now returns the table's watchers and the guests as the lobby shows them,
// once it has shown the whole lobby.
func (p *probe) now(ctx context.Context, table string) (watchers, guests int, err error) {
	err = p.waitFor(ctx, table, func(w, g int) bool { watchers, guests = w, g; return true })
	if err != nil {
		return 0, 0, err
	}
	return watchers, guests, nil
}

// playing reports whether the lobby shows table playing.
func (p *probe) playing(table string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tables[table].State == "playing"
}

// changed returns a channel closed at the lobby's next change.
func (p *probe) changed() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.change
}

func (p *probe) close() {
	_ = p.l.Close()
	<-p.done
}
