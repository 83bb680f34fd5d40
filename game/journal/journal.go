// Package journal records the club's tables in the store: it is the
// table.Journal that writes a pulka as it starts, each deal and each
// accepted move before its events go out (the store's group-committed
// write-ahead log, so a move is acknowledged only once it is durable), and
// the finished pulka with its settlement and rating changes in one
// transaction.
//
// Players are store accounts: a signed-in player's id is the decimal
// account.ID the sign-in gave; a bot ("bot:LEVEL") is an account of
// provider account.ProviderBot, created on first use, so bots are rated on
// the same scale as people.
//
// After a restart, InProgress reads the pulkas the store has in progress
// back as table.Resume (players as the tables knew them) and adopts each
// (Adopt), so the restored tables (table.Restore) go on writing the same
// store pulkas: every move of a pulka is written once, whichever process
// accepted it. Restore does both at start and abandons in the store a
// pulka that cannot be restored (its reason kept, never retried).
//
// What a restart does not bring back, by decision: tables without a
// pulka — being set (the creator's two-minute conventions dialog) or
// waiting for players. Bringing them back needs a store write on every
// conventions, sit, stand and bot change (the store is kept off that path:
// sign-in, moves and a pulka's end only) and a way in game/table to build
// a waiting table with its conventions and seats, which it does not have;
// the pages reconnect within seconds, so such a table would be worth
// having back, and the natural home for it is the per-table ownership
// records of the multi-process work (issue 11), not this journal. Today a
// player of such a table sets it again: one dialog. A pulka, once begun,
// is what is kept.
//
// In a club of several processes (game/cluster) every write carries its
// table's lease (SetFence), so a process that lost a table writes nothing
// more of it, and a process that takes a table over rebuilds it with
// RestoreTable.
package journal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

// Timeout bounds one store call made from a table's goroutine.
const Timeout = 10 * time.Second

// Journal writes tables' games to a store. It is safe for concurrent use
// by every table of the club.
type Journal struct {
	st  *store.Store
	log *slog.Logger
	// Finished, if set, is called after a pulka was committed (the archive
	// drops its caches).
	finished func(store.PulkaID)

	// fence, if set, gives a table's lease (SetFence): its writes carry it.
	fence func(table string) store.Fence

	mu     sync.Mutex
	pulkas map[pulkaKey]store.PulkaID // the pulkas in progress
	bots   map[string]account.ID      // "bot:LEVEL" → its account
}

type pulkaKey struct {
	table string
	pulka int
}

// New returns a Journal writing to st. finished, if not nil, is called
// after each finished pulka is committed.
func New(st *store.Store, log *slog.Logger, finished func(store.PulkaID)) *Journal {
	if log == nil {
		log = slog.Default()
	}
	return &Journal{st: st, log: log, finished: finished, pulkas: map[pulkaKey]store.PulkaID{}, bots: map[string]account.ID{}}
}

var (
	_ table.Journal = (*Journal)(nil)
	_ table.Settler = (*Journal)(nil)
)

// SetFence makes every pulka, deal and move the journal writes carry its
// table's lease, fence(table) (store.Fence): in a club of several
// processes a process that lost a table's lease can no longer write its
// pulkas, deals or moves
// (store.ErrFenced, the move is refused). Call it before the first table
// starts; without it nothing is fenced (one process).
func (j *Journal) SetFence(fence func(table string) store.Fence) { j.fence = fence }

// fenceOf returns table's fence, the zero Fence when there are none.
func (j *Journal) fenceOf(table string) store.Fence {
	if j.fence == nil {
		return store.Fence{}
	}
	return j.fence(table)
}

// Begin writes the pulka and its seats. The start's Key makes it
// idempotent: begun again with the same key (the table does, after an
// error wrapping table.ErrUnsettled: the store's answer was lost), it
// adopts the pulka the store wrote first. Another pulka under that key
// (the store holds something else) wraps table.ErrDiverged.
func (j *Journal) Begin(p table.PulkaStart) error {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	id, err := j.begin(ctx, p)
	if err != nil {
		return err
	}
	j.mu.Lock()
	j.pulkas[pulkaKey{p.Table, p.Pulka}] = id
	j.mu.Unlock()
	return nil
}

// begin writes p, or finds the pulka written under its Key, for Begin.
func (j *Journal) begin(ctx context.Context, p table.PulkaStart) (store.PulkaID, error) {
	seats := make([]account.ID, len(p.Players))
	names := make([]string, len(p.Players))
	for i, pl := range p.Players {
		id, err := j.account(ctx, pl)
		if err != nil {
			return 0, fmt.Errorf("journal: table %s pulka %d seat %d: %w", p.Table, p.Pulka, i, err)
		}
		seats[i], names[i] = id, pl.Name
	}
	// The timeout settings (timeout_action, timeout_fine, time_bank) are
	// RULES §14 options: rec.Options carries them.
	cfg := fmt.Sprintf(`{"move_time":%d}`, p.Settings.MoveTime)
	rec := score.Record{
		Convention: p.Settings.Convention.String(), Options: p.Settings.Overrides(),
		Players: names, PoolTarget: p.Settings.PoolTarget, FirstDealer: names[0],
	}
	if len(rec.Options) == 0 {
		rec.Options = nil
	}
	id, err := j.st.BeginPulka(ctx, store.Pulka{Table: p.Table, Settings: rec, Seats: seats, Config: []byte(cfg), Started: p.Started,
		Fence: j.fenceOf(p.Table), Key: p.Key})
	switch {
	case errors.Is(err, store.ErrUncertain):
		return 0, fmt.Errorf("journal: table %s pulka %d: %w (%w)", p.Table, p.Pulka, err, table.ErrUnsettled)
	case errors.Is(err, store.ErrBadInput) && p.Key != "":
		return 0, fmt.Errorf("journal: table %s pulka %d: %w (%w)", p.Table, p.Pulka, err, table.ErrDiverged)
	case err != nil:
		return 0, fmt.Errorf("journal: table %s pulka %d: %w", p.Table, p.Pulka, err)
	}
	return id, nil
}

// Deal writes a new deal ahead of its moves.
func (j *Journal) Deal(d table.DealStart) error {
	id, err := j.pulka(d.Table, d.Pulka)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	err = j.st.StartDeal(ctx, store.DealStart{Pulka: id, Deal: d.Deal - 1, Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, At: time.Now(), Fence: j.fenceOf(d.Table)})
	if err != nil {
		return fmt.Errorf("journal: table %s deal %d: %w", d.Table, d.Deal, err)
	}
	return nil
}

// Move appends an accepted move; it returns once the move is durable. When
// the store cannot tell whether the move was written (store.ErrUncertain:
// a timeout, a lost commit answer) the error wraps table.ErrUnsettled, and
// the table holds the move until Settle says.
func (j *Journal) Move(m table.MoveEntry) error {
	id, err := j.pulka(m.Table, m.Pulka)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := j.st.Append(ctx, j.move(id, m)); err != nil {
		if errors.Is(err, store.ErrUncertain) {
			return fmt.Errorf("journal: table %s deal %d move %d: %w (%w)", m.Table, m.Deal, m.Index, err, table.ErrUnsettled)
		}
		return fmt.Errorf("journal: table %s deal %d move %d: %w", m.Table, m.Deal, m.Index, err)
	}
	return nil
}

// Settle tells whether a move whose Move answered table.ErrUnsettled was
// written (store.Written: a final answer). Another move under its number
// in the store (store.ErrCorrupt) wraps table.ErrDiverged.
func (j *Journal) Settle(m table.MoveEntry) (bool, error) {
	id, err := j.pulka(m.Table, m.Pulka)
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	written, err := j.st.Written(ctx, j.move(id, m))
	switch {
	case errors.Is(err, store.ErrCorrupt): // another move under its number
		return false, fmt.Errorf("journal: table %s deal %d move %d: settle: %w (%w)", m.Table, m.Deal, m.Index, err, table.ErrDiverged)
	case err != nil:
		return false, fmt.Errorf("journal: table %s deal %d move %d: settle: %w", m.Table, m.Deal, m.Index, err)
	}
	return written, nil
}

// move is m as the store writes it.
func (j *Journal) move(id store.PulkaID, m table.MoveEntry) store.Move {
	return store.Move{Pulka: id, Deal: m.Deal - 1, No: m.Index, Move: m.Move, At: time.Now(), Fence: j.fenceOf(m.Table)}
}

// Pulka commits the finished pulka: its deals with their score entries, the
// fines, the settlement the table computed and the rating changes. A pulka
// the table gave up (r.Abandoned) is marked abandoned in the store with
// that reason instead (store.Abandon: no result, no rating change), as a
// pulka that cannot be restored is.
func (j *Journal) Pulka(r table.PulkaRecord) error {
	if r.Abandoned != "" && r.Start != nil {
		return j.abandonStart(r)
	}
	id, err := j.pulka(r.Table, r.Pulka)
	if err != nil {
		return err
	}
	if r.Abandoned != "" {
		return j.abandon(r, id)
	}
	f := store.Finish{Pulka: id, At: time.Now()}
	for i, sc := range r.Record.Deals {
		if i >= len(r.Deals) {
			return fmt.Errorf("journal: table %s pulka %d: %d scored deals, %d dealt", r.Table, r.Pulka, len(r.Record.Deals), len(r.Deals))
		}
		d := r.Deals[i]
		f.Deals = append(f.Deals, store.FinishedDeal{Seed: d.Deal.Seed, Dealer: d.Deal.Dealer, Series: d.Deal.Series, Moves: d.Moves, Score: sc})
	}
	if len(r.Record.Fines) > 0 {
		f.Fines = r.Record.Fines
	}
	if r.Result == nil {
		return fmt.Errorf("journal: table %s pulka %d: the table could not settle it", r.Table, r.Pulka)
	}
	f.Result = *r.Result
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	changes, err := j.st.Finish(ctx, f)
	if err != nil {
		return fmt.Errorf("journal: table %s pulka %d: %w", r.Table, r.Pulka, err)
	}
	j.mu.Lock()
	delete(j.pulkas, pulkaKey{r.Table, r.Pulka})
	j.mu.Unlock()
	j.log.Info("pulka archived", "table", r.Table, "pulka", id, "rated", len(changes))
	if j.finished != nil {
		j.finished(id)
	}
	return nil
}

// abandonStart abandons the pulka start r.Start its table gave up before
// the pulka began. Its write may have landed, or may still be on its way
// (its answer was lost): the start is begun again with its key — which
// waits for, or finds, the write made first, and writes the pulka if none
// did — and that pulka is abandoned, so none stays in progress under the
// key. A table another process took over is taken as done.
func (j *Journal) abandonStart(r table.PulkaRecord) error {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	id, err := j.begin(ctx, *r.Start)
	switch {
	case errors.Is(err, store.ErrFenced):
		j.log.Warn("a pulka start given up by its table is another process's table now: not abandoned", "table", r.Table, "pulka", r.Pulka, "err", err)
		return nil
	case err != nil:
		return fmt.Errorf("journal: abandon the start: %w", err)
	}
	return j.abandon(r, id)
}

// abandon marks pulka id, which its table gave up, abandoned in the store,
// while the table's lease is this process's (SetFence). A pulka no longer
// in progress there (an earlier attempt whose answer was lost, or a
// takeover that finished it), or whose table another process took over
// (it plays the pulka on), is taken as done.
func (j *Journal) abandon(r table.PulkaRecord, id store.PulkaID) error {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	err := j.st.AbandonFenced(ctx, id, r.Abandoned, time.Now(), j.fenceOf(r.Table))
	switch {
	case errors.Is(err, store.ErrNoPulka):
		j.log.Warn("a pulka given up by its table is not in progress in the store", "table", r.Table, "pulka", id, "err", err)
	case errors.Is(err, store.ErrFenced):
		j.log.Warn("a pulka given up by its table is another process's now: not abandoned", "table", r.Table, "pulka", id, "err", err)
	case err != nil:
		return fmt.Errorf("journal: table %s pulka %d: %w", r.Table, r.Pulka, err)
	default:
		j.log.Warn("pulka abandoned: its table gave it up", "table", r.Table, "pulka", id, "reason", r.Abandoned)
	}
	j.mu.Lock()
	delete(j.pulkas, pulkaKey{r.Table, r.Pulka})
	j.mu.Unlock()
	if j.finished != nil {
		j.finished(id)
	}
	return nil
}

func (j *Journal) pulka(tbl string, n int) (store.PulkaID, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	id, ok := j.pulkas[pulkaKey{tbl, n}]
	if !ok {
		return 0, fmt.Errorf("journal: table %s pulka %d was not begun", tbl, n)
	}
	return id, nil
}

// account returns the store account of a seated player.
func (j *Journal) account(ctx context.Context, p protocol.Player) (account.ID, error) {
	if level, ok := strings.CutPrefix(p.ID, "bot:"); ok {
		j.mu.Lock()
		id, ok := j.bots[p.ID]
		j.mu.Unlock()
		if ok {
			return id, nil
		}
		pl, err := j.st.SignIn(ctx, account.Identity{Provider: account.ProviderBot, ProviderUserID: level, Name: p.Name})
		if err != nil {
			return 0, fmt.Errorf("bot %s: %w", level, err)
		}
		j.mu.Lock()
		j.bots[p.ID] = pl.ID
		j.mu.Unlock()
		return pl.ID, nil
	}
	n, err := strconv.ParseInt(p.ID, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("player id %q is not an account", p.ID)
	}
	return account.ID(n), nil
}

// Adopt tells the journal that pulka number n of table tbl is the store's
// pulka id, as Begin would have: a table restored after a restart
// (table.Restore) goes on writing its deals and moves there, and its
// finished pulka is committed there.
func (j *Journal) Adopt(tbl string, n int, id store.PulkaID) {
	j.mu.Lock()
	j.pulkas[pulkaKey{tbl, n}] = id
	j.mu.Unlock()
}

// tableConfig is the table's own settings Begin writes in store.Pulka.Config.
type tableConfig struct {
	MoveTime *int `json:"move_time"`
	// Timeout is only in the rows of pulkas begun before the timeout
	// settings became RULES §14 options: legacyTimeout maps it.
	Timeout *legacyTimeout `json:"timeout"`
}

// legacyTimeout is the table's own timeout policy the rows of older
// pulkas carry in their config: {"policy":"fine"|"bot"|"bank","fine":N,"bank":S}.
type legacyTimeout struct {
	Policy string `json:"policy"`
	Fine   int    `json:"fine"`
	Bank   int    `json:"bank"`
}

// apply sets what the policy was as s's timeout_action, timeout_fine and
// time_bank: "fine" is fine with no bank, "bot" bot-takeover with no bank,
// "bank" auto-pass after a time bank. It is the one place old rows are
// mapped; the policy, not the record's timeout_action, is what the table
// applied.
func (l legacyTimeout) apply(s *score.Settings) error {
	s.TimeBank = 0
	switch l.Policy {
	case "fine":
		s.TimeoutAction = score.TimeoutFineAndClose
	case "bot":
		s.TimeoutAction = score.TimeoutBotTakeover
	case "bank":
		s.TimeoutAction, s.TimeBank = score.TimeoutAutoPass, min(max(l.Bank, 0), score.MaxTimeBank)
	default:
		return fmt.Errorf("timeout policy %q is not fine, bot or bank", l.Policy)
	}
	if l.Fine > 0 {
		s.TimeoutFine = min(l.Fine, score.MaxTimeoutFine)
	}
	return nil
}

// ErrUnresumable is in Resume's error when the pulka itself cannot be
// resumed (its settings, seats or first dealer are not what a table can
// take), as opposed to the store failing.
var ErrUnresumable = errors.New("the pulka cannot be resumed")

// Resume turns a pulka the store has in progress into what table.Restore
// rebuilds, and adopts it (Adopt) as pulka 1 of its table: players come
// back as the table knew them (a person by decimal account id, a bot as
// "bot:NAME"), with the names of the sheet.
func (j *Journal) Resume(ctx context.Context, p store.Progress) (table.Resume, error) {
	fail := func(err error) (table.Resume, error) {
		return table.Resume{}, fmt.Errorf("journal: resume pulka %d of table %s: %w: %w", p.ID, p.Table, ErrUnresumable, err)
	}
	set, err := p.Settings.Settings()
	if err != nil {
		return fail(err)
	}
	var cfg tableConfig
	if len(p.Config) > 0 {
		if err := json.Unmarshal(p.Config, &cfg); err != nil {
			return fail(fmt.Errorf("config: %w", err))
		}
	}
	if cfg.MoveTime != nil {
		set.MoveTime = *cfg.MoveTime
	}
	if cfg.Timeout != nil {
		if err := cfg.Timeout.apply(&set); err != nil {
			return fail(fmt.Errorf("config: %w", err))
		}
	}
	r := table.Resume{Table: p.Table, Pulka: 1, Settings: set, Started: p.Started, FirstDealer: -1}
	if len(p.Seats) != len(p.Settings.Players) {
		return fail(fmt.Errorf("%d seats for %d players", len(p.Seats), len(p.Settings.Players)))
	}
	for i, id := range p.Seats {
		name := p.Settings.Players[i]
		if name == p.Settings.FirstDealer {
			r.FirstDealer = i
		}
		acc, err := j.st.Player(ctx, id)
		switch {
		case errors.Is(err, account.ErrNotFound):
			return fail(fmt.Errorf("seat %d: %w", i, err))
		case err != nil: // the store, not the pulka: not ErrUnresumable
			return table.Resume{}, fmt.Errorf("journal: resume pulka %d of table %s: seat %d: %w", p.ID, p.Table, i, err)
		}
		pl := protocol.Player{ID: strconv.FormatInt(int64(id), 10), Name: name}
		if acc.Provider == account.ProviderBot {
			pl.ID = "bot:" + acc.ProviderUserID
			j.mu.Lock()
			j.bots[pl.ID] = id
			j.mu.Unlock()
		}
		r.Players = append(r.Players, pl)
	}
	if r.FirstDealer < 0 {
		return fail(fmt.Errorf("first dealer %q is not a player", p.Settings.FirstDealer))
	}
	for _, d := range p.Deals {
		rd := table.ResumeDeal{Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, Started: d.Started}
		for _, m := range d.Moves {
			rd.Moves = append(rd.Moves, table.TimedMove{Move: m.Move, At: m.At})
		}
		r.Deals = append(r.Deals, rd)
	}
	j.Adopt(p.Table, r.Pulka, p.ID)
	return r, nil
}

// Forget drops what the journal knows of table tbl's pulkas in progress
// (adopted by Resume, or begun): the table could not be restored, or it
// moved to another process.
func (j *Journal) Forget(tbl string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for k := range j.pulkas {
		if k.table == tbl {
			delete(j.pulkas, k)
		}
	}
}

// InProgress reads every pulka the store has in progress and returns
// them ready for table.Restore, adopted (Resume). A pulka that cannot be
// read back is left out and named in the error; the others are returned
// all the same. Restore does this and abandons what cannot be restored.
func (j *Journal) InProgress(ctx context.Context) ([]table.Resume, error) {
	ps, err := j.st.InProgress(ctx)
	if err != nil {
		return nil, fmt.Errorf("journal: pulkas in progress: %w", err)
	}
	var out []table.Resume
	var errs []error
	for _, p := range ps {
		if p.Unreadable != nil {
			errs = append(errs, fmt.Errorf("journal: pulka %d of table %s: %w", p.ID, p.Table, p.Unreadable))
			continue
		}
		r, err := j.Resume(ctx, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}
