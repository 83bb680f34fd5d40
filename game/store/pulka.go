package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/rating"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// PulkaID identifies a pulka in the store.
type PulkaID int64

// Pulka is a pulka as it starts: who sits where, with which settings.
type Pulka struct {
	ID PulkaID
	// Table is the club's table id the pulka is played at.
	Table string
	// Settings is the record header (PULKA-FORMAT): convention, options,
	// players (names, clockwise), pool_target and first_dealer; Deals is
	// empty. Options should hold every setting (score.Settings.Options), so
	// that Settings.Settings() rebuilds exactly the settings played.
	Settings score.Record
	// Seats are the players in the order of Settings.Players.
	Seats []account.ID
	// Config is the table's own settings (move time...), JSON the store
	// keeps and returns as is. Empty means {}.
	Config  json.RawMessage
	Started time.Time
	// Fence, if set, is the table's lease: the pulka is written only
	// while it is the table's (else ErrFenced), as deals and moves are.
	Fence Fence
	// Key, if set, identifies this start of the pulka at its table (at
	// most 200 bytes): BeginPulka with a key written already at the table
	// returns that pulka rather than writing a second one, so a start
	// whose answer was lost (ErrUncertain) is begun again safely. Empty
	// means every BeginPulka writes a new pulka.
	Key string
}

// BeginPulka writes a new pulka and returns its id. It commits at once (not
// through the group-commit writer), in a transaction of its own that
// outlives ctx: when ctx ends first, or the commit's answer is lost, the
// error wraps ErrUncertain (the pulka may or may not be written). A caller
// that set p.Key then begins the same pulka again with the same key until
// it has an answer: the pulka written the first time is returned, never a
// second one (on PostgreSQL the second INSERT waits on the first's key
// until that one commits or fails; on SQLite writes take turns).
func (s *Store) BeginPulka(ctx context.Context, p Pulka) (PulkaID, error) {
	if err := checkPulka(p); err != nil {
		return 0, err
	}
	hdr := p.Settings
	hdr.Deals = nil
	settings, err := json.Marshal(hdr)
	if err != nil {
		return 0, fmt.Errorf("%w: settings: %v", ErrBadInput, err)
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: begin pulka at %s: %w", p.Table, err)
	}
	type begun struct {
		id  PulkaID
		err error
	}
	if !s.detach() {
		return 0, fmt.Errorf("store: begin pulka at %s: %w", p.Table, ErrClosed)
	}
	out := make(chan begun, 1)
	go func() {
		defer s.detached.Done()
		// The caller's end must not cut the write between its COMMIT and
		// the answer: it runs to its own end, bounded as a group commit.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
		defer cancel()
		id, err := s.beginPulka(wctx, p, string(settings))
		out <- begun{id, err}
	}()
	select {
	case b := <-out:
		return b.id, b.err
	case <-ctx.Done():
		return 0, fmt.Errorf("store: begin pulka at %s: %w (%w)", p.Table, ctx.Err(), ErrUncertain)
	}
}

// beginPulka writes p (settings is its header as JSON) in one transaction,
// or returns the pulka written already under p.Key.
func (s *Store) beginPulka(ctx context.Context, p Pulka, settings string) (PulkaID, error) {
	config := string(p.Config)
	if config == "" {
		config = "{}"
	}
	key := sql.NullString{String: p.Key, Valid: p.Key != ""}
	tx, done, err := s.beginWrite(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: begin pulka at %s: %w", p.Table, err)
	}
	defer done()
	defer rollback(tx)
	if err := s.checkFences(ctx, tx, []Fence{p.Fence}); err != nil {
		return 0, fmt.Errorf("store: begin pulka at %s: %w", p.Table, err)
	}
	var id int64
	err = tx.QueryRowContext(ctx,
		"INSERT INTO pulkas (table_id, settings, config, started_ms, start_key) VALUES ($1, $2, $3, $4, $5)"+
			" ON CONFLICT (table_id, start_key) DO NOTHING RETURNING id",
		p.Table, settings, config, ms(p.Started), key).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows): // the key's start is written already
		return samePulka(ctx, tx, p, settings)
	case err != nil:
		return 0, fmt.Errorf("store: begin pulka at %s: %w", p.Table, err)
	}
	for seat, pl := range p.Seats {
		if _, err := tx.ExecContext(ctx, "INSERT INTO seats (pulka_id, seat, player_id) VALUES ($1, $2, $3)",
			id, seat, int64(pl)); err != nil {
			return 0, fmt.Errorf("store: begin pulka at %s: seat %d (player %d): %w", p.Table, seat, pl, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: begin pulka at %s: commit: %w (%w)", p.Table, err, ErrUncertain)
	}
	return PulkaID(id), nil
}

// samePulka returns the pulka written under p.Key at p.Table, which must
// be p: the same settings and seats (ErrBadInput otherwise).
func samePulka(ctx context.Context, tx *sql.Tx, p Pulka, settings string) (PulkaID, error) {
	var id int64
	var had string
	if err := tx.QueryRowContext(ctx, "SELECT id, settings FROM pulkas WHERE table_id = $1 AND start_key = $2",
		p.Table, p.Key).Scan(&id, &had); err != nil {
		return 0, fmt.Errorf("store: begin pulka at %s: read start %q: %w", p.Table, p.Key, err)
	}
	seats, err := seatIDsTx(ctx, tx, PulkaID(id))
	if err != nil {
		return 0, fmt.Errorf("store: begin pulka at %s: read start %q: %w", p.Table, p.Key, err)
	}
	if had != settings || fmt.Sprint(seats) != fmt.Sprint(p.Seats) {
		return 0, fmt.Errorf("%w: start %q at table %s is pulka %d, another pulka (seats %v, settings %s)",
			ErrBadInput, p.Key, p.Table, id, seats, had)
	}
	return PulkaID(id), nil
}

// maxStartKey bounds Pulka.Key, in bytes.
const maxStartKey = 200

func checkPulka(p Pulka) error {
	if n := len(p.Settings.Players); n != 3 && n != 4 {
		return fmt.Errorf("%w: %d players, want 3 or 4", ErrBadInput, n)
	}
	if len(p.Seats) != len(p.Settings.Players) {
		return fmt.Errorf("%w: %d seats for %d players", ErrBadInput, len(p.Seats), len(p.Settings.Players))
	}
	if _, err := p.Settings.NewSheet(); err != nil {
		return fmt.Errorf("%w: settings: %v", ErrBadInput, err)
	}
	if len(p.Key) > maxStartKey {
		return fmt.Errorf("%w: start key of %d bytes, at most %d", ErrBadInput, len(p.Key), maxStartKey)
	}
	if len(p.Config) > 0 && !json.Valid(p.Config) {
		return fmt.Errorf("%w: config is not JSON", ErrBadInput)
	}
	return nil
}

// Progress is a pulka in progress as the store has it: enough to rebuild
// its table after a restart by replaying every deal's moves.
type Progress struct {
	Pulka
	Deals []DealLog
	// Unreadable, when not nil, says why the pulka's log cannot be read
	// back (ErrCorrupt): it cannot be restored, and Deals is empty.
	Unreadable error
}

// DealLog is one deal written ahead and the moves written for it.
type DealLog struct {
	Seed    uint64
	Dealer  int
	Series  int
	Started time.Time
	Moves   []LoggedMove
}

// LoggedMove is a move and when it was accepted.
type LoggedMove struct {
	Move rules.Move
	At   time.Time
}

// Rules returns the deal's input for rules.Replay, with the options opt
// (which follow from the pulka's settings, score.Settings.Options).
func (d DealLog) Rules(opt rules.Options) rules.Deal {
	return rules.Deal{Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, Options: opt}
}

// InProgress returns every pulka neither finished nor abandoned, oldest
// first, with its deals and moves in order. A pulka whose log cannot be
// read back is returned with Unreadable set (to be abandoned), not as an
// error of the whole call.
func (s *Store) InProgress(ctx context.Context) ([]Progress, error) {
	return s.inProgress(ctx, "WHERE finished_ms IS NULL AND abandoned_ms IS NULL ORDER BY id")
}

// inProgress returns the pulkas where selects (it follows FROM pulkas)
// with their deals and moves; a log that does not read back is
// Unreadable.
func (s *Store) inProgress(ctx context.Context, where string, args ...any) ([]Progress, error) {
	pulkas, err := s.pulkas(ctx, where, args...)
	if err != nil {
		return nil, err
	}
	out := make([]Progress, len(pulkas))
	for i, p := range pulkas {
		out[i].Pulka = p
		out[i].Deals, err = s.dealLogs(ctx, p.ID)
		switch {
		case errors.Is(err, ErrCorrupt):
			out[i].Deals, out[i].Unreadable = nil, err
		case err != nil:
			return nil, err
		}
	}
	return out, nil
}

// pulkas reads pulka headers and seats; where follows FROM pulkas.
func (s *Store) pulkas(ctx context.Context, where string, args ...any) ([]Pulka, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, table_id, settings, config, started_ms FROM pulkas "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: pulkas: %w", err)
	}
	defer rows.Close()
	var out []Pulka
	for rows.Next() {
		var p Pulka
		var settings, config string
		var started int64
		if err := rows.Scan(&p.ID, &p.Table, &settings, &config, &started); err != nil {
			return nil, fmt.Errorf("store: pulkas: %w", err)
		}
		if err := json.Unmarshal([]byte(settings), &p.Settings); err != nil {
			return nil, fmt.Errorf("store: pulka %d settings: %w", p.ID, err)
		}
		p.Config, p.Started = json.RawMessage(config), fromMS(started)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pulkas: %w", err)
	}
	rows.Close()
	for i := range out {
		if out[i].Seats, err = s.seatIDs(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) seatIDs(ctx context.Context, id PulkaID) ([]account.ID, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT player_id FROM seats WHERE pulka_id = $1 ORDER BY seat", int64(id))
	if err != nil {
		return nil, fmt.Errorf("store: seats of pulka %d: %w", id, err)
	}
	defer rows.Close()
	var out []account.ID
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("store: seats of pulka %d: %w", id, err)
		}
		out = append(out, account.ID(p))
	}
	return out, rows.Err()
}

// dealLogs reads a pulka's deals and moves in order.
func (s *Store) dealLogs(ctx context.Context, id PulkaID) ([]DealLog, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT deal_no, seed, dealer, series, started_ms FROM deals WHERE pulka_id = $1 ORDER BY deal_no", int64(id))
	if err != nil {
		return nil, fmt.Errorf("store: deals of pulka %d: %w", id, err)
	}
	defer rows.Close()
	var deals []DealLog
	for rows.Next() {
		var d DealLog
		var no int
		var seed, started int64
		if err := rows.Scan(&no, &seed, &d.Dealer, &d.Series, &started); err != nil {
			return nil, fmt.Errorf("store: deals of pulka %d: %w", id, err)
		}
		if no != len(deals) {
			return nil, fmt.Errorf("%w: pulka %d: deal %d is missing", ErrCorrupt, id, len(deals))
		}
		d.Seed, d.Started = uint64(seed), fromMS(started)
		deals = append(deals, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deals of pulka %d: %w", id, err)
	}
	rows.Close()
	mrows, err := s.db.QueryContext(ctx,
		"SELECT deal_no, move_no, move, at_ms FROM moves WHERE pulka_id = $1 ORDER BY deal_no, move_no", int64(id))
	if err != nil {
		return nil, fmt.Errorf("store: moves of pulka %d: %w", id, err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var deal, no int
		var js string
		var at int64
		if err := mrows.Scan(&deal, &no, &js, &at); err != nil {
			return nil, fmt.Errorf("store: moves of pulka %d: %w", id, err)
		}
		if deal < 0 || deal >= len(deals) {
			return nil, fmt.Errorf("%w: pulka %d: moves of deal %d, which is not there", ErrCorrupt, id, deal)
		}
		d := &deals[deal]
		if no != len(d.Moves) {
			return nil, fmt.Errorf("%w: pulka %d deal %d: move %d is missing", ErrCorrupt, id, deal, len(d.Moves))
		}
		var m rules.Move
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			return nil, fmt.Errorf("%w: pulka %d deal %d move %d: %v", ErrCorrupt, id, deal, no, err)
		}
		d.Moves = append(d.Moves, LoggedMove{Move: m, At: fromMS(at)})
	}
	return deals, mrows.Err()
}

// Finish is a finished pulka as its table hands it over.
type Finish struct {
	Pulka PulkaID
	// Deals are every deal played, in order.
	Deals []FinishedDeal
	// Fines are mountain points written on players (by name) when the
	// pulka was closed early (PULKA-FORMAT "fines"); nil when none.
	Fines map[string]int
	// Result is the settlement the table computed, by seat.
	Result score.Result
	At     time.Time
}

// FinishedDeal is one deal of a finished pulka: its input, its moves and
// its entry on the score sheet.
type FinishedDeal struct {
	Seed   uint64
	Dealer int
	Series int
	Moves  []rules.Move
	Score  score.RecordDeal
}

// RatingChange is one player's rating before and after a pulka.
type RatingChange struct {
	Player        account.ID
	Place         int
	Before, After rating.Rating
}

// Finish commits a finished pulka in one transaction: the deals and moves
// the write-ahead log lacks (those it has must agree in number), every
// deal's score entry, the fines, the settlement, and the rating changes it
// causes, which it returns. A pulka is finished once: finishing it again,
// or one never begun, is ErrNoPulka.
func (s *Store) Finish(ctx context.Context, f Finish) ([]RatingChange, error) {
	s.finishMu.Lock()
	defer s.finishMu.Unlock()
	tx, done, err := s.beginWrite(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: finish pulka %d: %w", f.Pulka, err)
	}
	defer done()
	defer rollback(tx)
	changes, hdr, err := s.finish(ctx, tx, f)
	if err != nil {
		return nil, fmt.Errorf("store: finish pulka %d: %w", f.Pulka, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: finish pulka %d: commit: %w", f.Pulka, err)
	}
	s.checkSettlement(hdr, f)
	return changes, nil
}

// checkSettlement re-scores a finished pulka's record, as the archive's
// readers will with cmd/pulka, and logs an error when the result differs
// from the table's: the pulka is stored as the table played it either way.
// A pulka with fines is not checked (the scorer does not take fines yet).
func (s *Store) checkSettlement(rec score.Record, f Finish) {
	if len(f.Fines) > 0 {
		return
	}
	for _, d := range f.Deals {
		rec.Deals = append(rec.Deals, d.Score)
	}
	out, _, err := score.Run(rec)
	if err != nil {
		s.log.Error("the record of a finished pulka does not score", "pulka", f.Pulka, "err", err)
		return
	}
	for i, r := range out.Rounded.Values {
		if r != f.Result.Rounded[i] || out.Result.Values[i] != f.Result.Exact[i].RatString() {
			s.log.Error("the record of a finished pulka scores differently from its table",
				"pulka", f.Pulka, "record", out.Result.Values, "seat", i, "table", f.Result.Exact[i].RatString())
			return
		}
	}
}

func (s *Store) finish(ctx context.Context, tx *sql.Tx, f Finish) ([]RatingChange, score.Record, error) {
	var hdr score.Record
	var fines any // NULL without fines
	if len(f.Fines) > 0 {
		js, err := json.Marshal(f.Fines)
		if err != nil {
			return nil, hdr, fmt.Errorf("%w: fines: %v", ErrBadInput, err)
		}
		fines = string(js)
	}
	var settings string
	err := tx.QueryRowContext(ctx, "UPDATE pulkas SET finished_ms = $1, fines = $2 WHERE id = $3 AND finished_ms IS NULL AND abandoned_ms IS NULL RETURNING settings",
		ms(f.At), fines, int64(f.Pulka)).Scan(&settings)
	if err != nil {
		return nil, hdr, errNoRows(err, ErrNoPulka)
	}
	if err := json.Unmarshal([]byte(settings), &hdr); err != nil {
		return nil, hdr, fmt.Errorf("settings: %w", err)
	}
	if err := writeDeals(ctx, tx, f); err != nil {
		return nil, hdr, err
	}
	changes, err := s.rate(ctx, tx, f)
	return changes, hdr, err
}

// writeDeals inserts the deals and moves the log lacks and every score.
func writeDeals(ctx context.Context, tx *sql.Tx, f Finish) error {
	for i, d := range f.Deals {
		js, err := json.Marshal(d.Score)
		if err != nil {
			return fmt.Errorf("%w: deal %d score: %v", ErrBadInput, i, err)
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO deals (pulka_id, deal_no, seed, dealer, series, started_ms) VALUES ($1, $2, $3, $4, $5, $6)"+
				" ON CONFLICT (pulka_id, deal_no) DO NOTHING",
			int64(f.Pulka), i, int64(d.Seed), d.Dealer, d.Series, ms(f.At)); err != nil {
			return fmt.Errorf("deal %d: %w", i, err)
		}
		var seed int64
		if err := tx.QueryRowContext(ctx, "UPDATE deals SET score = $1 WHERE pulka_id = $2 AND deal_no = $3 RETURNING seed",
			string(js), int64(f.Pulka), i).Scan(&seed); err != nil {
			return fmt.Errorf("deal %d: score: %w", i, err)
		}
		if uint64(seed) != d.Seed {
			return fmt.Errorf("%w: deal %d: seed %d, the log has %d", ErrBadInput, i, d.Seed, uint64(seed))
		}
		moves := make([]Move, len(d.Moves))
		for j, m := range d.Moves {
			moves[j] = Move{Pulka: f.Pulka, Deal: i, No: j, Move: m, At: f.At}
		}
		for len(moves) > 0 {
			n := min(len(moves), movesPerInsert)
			if err := insertMoves(ctx, tx, moves[:n], " ON CONFLICT (pulka_id, deal_no, move_no) DO NOTHING"); err != nil {
				return fmt.Errorf("deal %d: %w", i, err)
			}
			moves = moves[n:]
		}
	}
	// The log must hold exactly the deals and moves handed over, but for a
	// pulka closed by a fine in the middle of a deal: its log also holds
	// that interrupted deal (dealt, some moves acknowledged), which is not
	// part of the record (PULKA-FORMAT: the fine settles the pulka as it
	// stands). Its rows stay, unscored, so nothing acknowledged is lost;
	// the archive reads the scored deals only.
	var deals, moves, after int
	if err := tx.QueryRowContext(ctx,
		"SELECT (SELECT COUNT(*) FROM deals WHERE pulka_id = $1 AND deal_no < $2),"+
			" (SELECT COUNT(*) FROM moves WHERE pulka_id = $1 AND deal_no < $2),"+
			" (SELECT COUNT(*) FROM deals WHERE pulka_id = $1 AND deal_no >= $2)",
		int64(f.Pulka), len(f.Deals)).Scan(&deals, &moves, &after); err != nil {
		return fmt.Errorf("count deals: %w", err)
	}
	want := 0
	for _, d := range f.Deals {
		want += len(d.Moves)
	}
	interrupted := 0
	if len(f.Fines) > 0 {
		interrupted = 1
	}
	if deals != len(f.Deals) || moves != want || after > interrupted {
		return fmt.Errorf("%w: %d deals and %d moves handed over, the log has %d and %d, and %d deals after them",
			ErrBadInput, len(f.Deals), want, deals, moves, after)
	}
	return nil
}

// rate writes the settlement and the rating changes of every seat.
func (s *Store) rate(ctx context.Context, tx *sql.Tx, f Finish) ([]RatingChange, error) {
	ids, err := seatIDsTx(ctx, tx, f.Pulka)
	if err != nil {
		return nil, err
	}
	n := len(ids)
	if f.Result.Players != n {
		return nil, fmt.Errorf("%w: result for %d players, %d seated", ErrBadInput, f.Result.Players, n)
	}
	// Lock the players' rows in id order (no deadlock between two
	// finishing pulkas) and read their ratings.
	ph := make([]string, n)
	args := make([]any, n)
	for i, id := range ids {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = int64(id)
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, mu, sigma FROM players WHERE id IN ("+strings.Join(ph, ",")+") ORDER BY id"+s.forUpdate(), args...)
	if err != nil {
		return nil, fmt.Errorf("ratings: %w", err)
	}
	current := map[account.ID]rating.Rating{}
	for rows.Next() {
		var id int64
		var r rating.Rating
		if err := rows.Scan(&id, &r.Mu, &r.Sigma); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ratings: %w", err)
		}
		current[account.ID(id)] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ratings: %w", err)
	}
	before := make([]rating.Rating, n)
	exact := make([]*big.Rat, n)
	for i, id := range ids {
		before[i] = current[id]
		if exact[i] = f.Result.Exact[i]; exact[i] == nil {
			return nil, fmt.Errorf("%w: no result for seat %d", ErrBadInput, i)
		}
	}
	places := rating.Ranks(exact)
	after, err := s.rating.Rate(before, places)
	if err != nil {
		return nil, fmt.Errorf("ratings: %w", err)
	}
	changes := make([]RatingChange, n)
	for i, id := range ids {
		changes[i] = RatingChange{Player: id, Place: places[i], Before: before[i], After: after[i]}
		if _, err := tx.ExecContext(ctx, "UPDATE players SET mu = $1, sigma = $2 WHERE id = $3",
			after[i].Mu, after[i].Sigma, int64(id)); err != nil {
			return nil, fmt.Errorf("rating of player %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx,
			"UPDATE seats SET result = $1, rounded = $2, place = $3, mu_before = $4, sigma_before = $5, mu_after = $6, sigma_after = $7"+
				" WHERE pulka_id = $8 AND seat = $9",
			exact[i].RatString(), f.Result.Rounded[i], places[i], before[i].Mu, before[i].Sigma, after[i].Mu, after[i].Sigma,
			int64(f.Pulka), i); err != nil {
			return nil, fmt.Errorf("seat %d: %w", i, err)
		}
	}
	return changes, nil
}

func seatIDsTx(ctx context.Context, tx *sql.Tx, id PulkaID) ([]account.ID, error) {
	rows, err := tx.QueryContext(ctx, "SELECT player_id FROM seats WHERE pulka_id = $1 ORDER BY seat", int64(id))
	if err != nil {
		return nil, fmt.Errorf("seats: %w", err)
	}
	defer rows.Close()
	var out []account.ID
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("seats: %w", err)
		}
		out = append(out, account.ID(p))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seats: %w", err)
	}
	if len(out) == 0 {
		return nil, ErrNoPulka
	}
	return out, nil
}

// errNoRows maps sql.ErrNoRows to err.
func errNoRows(e, err error) error {
	if errors.Is(e, sql.ErrNoRows) {
		return err
	}
	return e
}
