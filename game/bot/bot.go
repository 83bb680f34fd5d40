package bot

import (
	"math/rand/v2"
	"time"

	"github.com/trelljaz/trelljaz/game/bot/dd"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// The levels a Config may name.
const (
	LevelBasic  = "basic"
	LevelStrong = "strong"
)

// Config sets up a Bot.
type Config struct {
	// Level is LevelBasic or LevelStrong; empty or unknown means
	// LevelStrong.
	Level string
	// Seed seeds the bot's random choices (the samples of the strong
	// level), so a pulka of bots can be replayed.
	Seed uint64
	// Samples is the number of deals the strong level samples for a card
	// play; 0 means 24. Bidding, discards and whisting use fewer (about a
	// half). More samples play better and think longer.
	Samples int
	// Budget bounds the sampling of one decision in wall-clock time:
	// past it, after a few samples, the bot decides on the samples it has.
	// 0 means 60 ms; a negative Budget means no bound, which makes the
	// bot's play depend on Seed alone (tournaments, replays).
	Budget time.Duration
	// Options are the table's play settings, which every player knows;
	// the bot needs the raspasy ones (who leads trick 3, whether a talon
	// card can win its trick). The zero value means
	// rules.DefaultOptions.
	Options rules.Options
	// Scoring are the table's scoring settings (the convention's prices
	// of whists, undertricks, consolation, misère and raspasy), which the
	// strong level weighs its bids, whists and plays by. The zero value
	// (Players 0) means the Sochi preset.
	Scoring score.Settings
}

// Bot plays one seat of one pulka. Not safe for concurrent use.
type Bot struct {
	level   string
	samples int
	budget  time.Duration
	opt     rules.Options
	sc      scoring
	// earlyStop ends a card play's sampling once one card has been the
	// best in every sample of at least half of them (on by default; tests
	// turn it off to count how often it changes the move).
	earlyStop bool
	rng       *rand.Rand
	solver    *dd.Solver // strong only
	mem       memory
	buf       []dd.CardValue
	// misses counts decisions whose move was not among the legal ones
	// (a bug: legal[0] was played instead); tests check it stays 0.
	misses int
	// fallbacks counts strong decisions of the auction, whisting and
	// card play left to the basic level (the view was not understood);
	// tests check it stays 0.
	fallbacks int
}

// New returns a Bot for one seat of one pulka.
func New(c Config) *Bot {
	b := &Bot{level: c.Level, samples: c.Samples, opt: c.Options, rng: rand.New(rand.NewPCG(c.Seed, 0x626f74)), sc: scoringOf(c.Scoring), earlyStop: true}
	if b.level != LevelBasic {
		b.level = LevelStrong
		b.solver = dd.NewSolver()
	}
	if b.opt.Players == 0 {
		b.opt = rules.DefaultOptions(3)
	}
	if b.samples <= 0 {
		b.samples = 24
	}
	switch b.budget = c.Budget; {
	case b.budget == 0:
		b.budget = 60 * time.Millisecond
	case b.budget < 0:
		b.budget = 1<<63 - 1
	}
	return b
}

// Level returns the bot's level (LevelBasic or LevelStrong).
func (b *Bot) Level() string { return b.level }

// Move returns the bot's move for the seat that must act: v is what the
// bot's seat sees (v.Viewer is the seat), legal the moves rules.LegalMoves
// lists for it. The move is always one of legal (legal[0] when legal is
// empty is not possible: the zero Move is returned then).
func (b *Bot) Move(v rules.SeatView, legal []rules.Move) rules.Move {
	if len(legal) == 0 {
		return rules.Move{}
	}
	b.mem.observe(&v)
	if len(legal) == 1 {
		return legal[0]
	}
	var m rules.Move
	var ok bool
	if b.level == LevelStrong {
		m, ok = b.strongMove(&v, legal)
		if !ok && (v.Phase == rules.PhaseAuction || v.Phase == rules.PhaseWhist || v.Phase == rules.PhasePlay) {
			b.fallbacks++
		}
	}
	if !ok {
		m, ok = basicMove(&v, legal, &b.mem)
	}
	if ok {
		for _, l := range legal {
			if l.Canonical() == m.Canonical() {
				return l
			}
		}
	}
	b.misses++
	return legal[0]
}
