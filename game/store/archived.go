package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/rating"
	"github.com/trelljaz/trelljaz/game/score"
)

// MaxHistory is the most rating-history entries Profile returns (the newest).
const MaxHistory = 200

// Profile is a player's record in the club.
type Profile struct {
	Player account.Player
	// Rating is the current rating.
	Rating rating.Rating
	// Games counts finished pulkas; Wins those in first place.
	Games, Wins int
	// Whists is the sum of the player's rounded settlements.
	Whists int64
	// History is the rating after each finished pulka, newest first, at
	// most MaxHistory entries.
	History []HistoryEntry
}

// HistoryEntry is one finished pulka in a player's history.
type HistoryEntry struct {
	Pulka         PulkaID
	Finished      time.Time
	Place         int
	Result        string // exact settled whists, a fraction string
	Rounded       int64
	Before, After rating.Rating
}

// Profile returns a player's profile, or account.ErrNotFound.
func (s *Store) Profile(ctx context.Context, id account.ID) (Profile, error) {
	var pr Profile
	p, err := scanPlayer(s.db.QueryRowContext(ctx,
		"SELECT "+playerColumns+", mu, sigma FROM players WHERE id = $1", int64(id)), &pr.Rating.Mu, &pr.Rating.Sigma)
	if err != nil {
		return pr, fmt.Errorf("store: profile %d: %w", id, errNoRows(err, account.ErrNotFound))
	}
	pr.Player = p
	if err := s.db.QueryRowContext(ctx,
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN place = 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(rounded), 0)"+
			" FROM seats WHERE player_id = $1 AND place IS NOT NULL", int64(id)).Scan(&pr.Games, &pr.Wins, &pr.Whists); err != nil {
		return pr, fmt.Errorf("store: profile %d: %w", id, err)
	}
	rows, err := s.db.QueryContext(ctx,
		"SELECT s.pulka_id, p.finished_ms, s.place, s.result, s.rounded, s.mu_before, s.sigma_before, s.mu_after, s.sigma_after"+
			" FROM seats s JOIN pulkas p ON p.id = s.pulka_id"+
			" WHERE s.player_id = $1 AND s.place IS NOT NULL ORDER BY s.pulka_id DESC LIMIT $2", int64(id), MaxHistory)
	if err != nil {
		return pr, fmt.Errorf("store: history of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h HistoryEntry
		var fin int64
		if err := rows.Scan(&h.Pulka, &fin, &h.Place, &h.Result, &h.Rounded,
			&h.Before.Mu, &h.Before.Sigma, &h.After.Mu, &h.After.Sigma); err != nil {
			return pr, fmt.Errorf("store: history of %d: %w", id, err)
		}
		h.Finished = fromMS(fin)
		pr.History = append(pr.History, h)
	}
	if err := rows.Err(); err != nil {
		return pr, fmt.Errorf("store: history of %d: %w", id, err)
	}
	return pr, nil
}

// MaxPage is the most pulkas one Pulkas call returns.
const MaxPage = 100

// PulkaQuery selects finished (and abandoned) pulkas, newest (highest id)
// first.
type PulkaQuery struct {
	// Player, when not 0, keeps the pulkas the player sat at.
	Player account.ID
	// Before, when not 0, keeps the pulkas with smaller ids (the next page
	// after a page whose last pulka was Before).
	Before PulkaID
	// Limit is the page size, 1..MaxPage; 0 means 20.
	Limit int
}

// Summary is a finished or abandoned pulka in a list.
type Summary struct {
	ID         PulkaID
	Table      string
	Convention string
	Started    time.Time
	Finished   time.Time // when it finished, or was abandoned
	Seats      []SeatResult
	// Abandoned is why the pulka was abandoned (Store.Abandon), "" for a
	// pulka played to its end. An abandoned pulka's seats have no result,
	// place or rating change (zero values).
	Abandoned string
}

// SeatResult is one seat of a finished pulka.
type SeatResult struct {
	Player  account.ID
	Name    string
	Result  string // exact settled whists, a fraction string
	Rounded int64
	Place   int
	// Before and After are the player's rating around this pulka.
	Before, After rating.Rating
}

// Pulkas lists finished and abandoned pulkas, newest first.
func (s *Store) Pulkas(ctx context.Context, q PulkaQuery) ([]Summary, error) {
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	if limit < 0 || limit > MaxPage {
		return nil, fmt.Errorf("%w: page size %d, want 1..%d", ErrBadInput, limit, MaxPage)
	}
	before := int64(q.Before)
	if before <= 0 {
		before = 1<<63 - 1
	}
	var rows *sql.Rows
	var err error
	const cols = "SELECT p.id, p.table_id, p.settings, p.started_ms, COALESCE(p.finished_ms, p.abandoned_ms), COALESCE(p.abandon_reason, '') FROM pulkas p "
	const over = "(p.finished_ms IS NOT NULL OR p.abandoned_ms IS NOT NULL)"
	if q.Player != 0 {
		rows, err = s.db.QueryContext(ctx, cols+"JOIN seats s ON s.pulka_id = p.id"+
			" WHERE s.player_id = $1 AND "+over+" AND p.id < $2 ORDER BY p.id DESC LIMIT $3",
			int64(q.Player), before, limit)
	} else {
		rows, err = s.db.QueryContext(ctx, cols+"WHERE "+over+" AND p.id < $1 ORDER BY p.id DESC LIMIT $2",
			before, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("store: list pulkas: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var sm Summary
		var settings string
		var started, fin int64
		if err := rows.Scan(&sm.ID, &sm.Table, &settings, &started, &fin, &sm.Abandoned); err != nil {
			return nil, fmt.Errorf("store: list pulkas: %w", err)
		}
		var hdr score.Record
		if err := json.Unmarshal([]byte(settings), &hdr); err != nil {
			return nil, fmt.Errorf("store: pulka %d settings: %w", sm.ID, err)
		}
		sm.Convention, sm.Started, sm.Finished = hdr.Convention, fromMS(started), fromMS(fin)
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list pulkas: %w", err)
	}
	rows.Close()
	for i := range out {
		if out[i].Seats, err = s.seatResults(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) seatResults(ctx context.Context, id PulkaID) ([]SeatResult, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT s.player_id, pl.name, COALESCE(s.result, ''), COALESCE(s.rounded, 0), COALESCE(s.place, 0),"+
			" COALESCE(s.mu_before, 0), COALESCE(s.sigma_before, 0), COALESCE(s.mu_after, 0), COALESCE(s.sigma_after, 0)"+
			" FROM seats s JOIN players pl ON pl.id = s.player_id WHERE s.pulka_id = $1 ORDER BY s.seat", int64(id))
	if err != nil {
		return nil, fmt.Errorf("store: seats of pulka %d: %w", id, err)
	}
	defer rows.Close()
	var out []SeatResult
	for rows.Next() {
		var r SeatResult
		if err := rows.Scan(&r.Player, &r.Name, &r.Result, &r.Rounded, &r.Place,
			&r.Before.Mu, &r.Before.Sigma, &r.After.Mu, &r.After.Sigma); err != nil {
			return nil, fmt.Errorf("store: seats of pulka %d: %w", id, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Archived is a finished pulka in full.
type Archived struct {
	Summary
	// Settings is the record header, as given to BeginPulka.
	Settings score.Record
	Config   json.RawMessage
	// Deals are every deal's input, moves and score entry, in order.
	Deals []ArchivedDeal
	// Fines are the fines written when the pulka was closed early.
	Fines map[string]int
}

// ArchivedDeal is one deal of a finished pulka.
type ArchivedDeal struct {
	DealLog
	Score score.RecordDeal
}

// Record returns the pulka record (PULKA-FORMAT) the archive serves:
// the settings with every deal's score entry and the fines.
func (a Archived) Record() score.Record {
	rec := a.Settings
	rec.Fines = a.Fines
	rec.Deals = make([]score.RecordDeal, len(a.Deals))
	for i, d := range a.Deals {
		rec.Deals[i] = d.Score
	}
	return rec
}

// ExactResults returns the settlement by seat as exact numbers.
func (a Archived) ExactResults() ([]*big.Rat, error) {
	out := make([]*big.Rat, len(a.Seats))
	for i, s := range a.Seats {
		r, ok := new(big.Rat).SetString(s.Result)
		if !ok {
			return nil, fmt.Errorf("store: pulka %d seat %d: bad result %q", a.ID, i, s.Result)
		}
		out[i] = r
	}
	return out, nil
}

// Archived returns a finished pulka in full, or ErrNoPulka (also for one in
// progress: the archive shows finished pulkas only).
func (s *Store) Archived(ctx context.Context, id PulkaID) (Archived, error) {
	var a Archived
	var settings, config string
	var fines sql.NullString
	var started, fin int64
	err := s.db.QueryRowContext(ctx,
		"SELECT id, table_id, settings, config, started_ms, finished_ms, fines FROM pulkas WHERE id = $1 AND finished_ms IS NOT NULL",
		int64(id)).Scan(&a.ID, &a.Table, &settings, &config, &started, &fin, &fines)
	if err != nil {
		return a, fmt.Errorf("store: pulka %d: %w", id, errNoRows(err, ErrNoPulka))
	}
	if err := json.Unmarshal([]byte(settings), &a.Settings); err != nil {
		return a, fmt.Errorf("store: pulka %d settings: %w", id, err)
	}
	if fines.Valid {
		if err := json.Unmarshal([]byte(fines.String), &a.Fines); err != nil {
			return a, fmt.Errorf("store: pulka %d fines: %w", id, err)
		}
	}
	a.Config, a.Convention, a.Started, a.Finished = json.RawMessage(config), a.Settings.Convention, fromMS(started), fromMS(fin)
	if a.Seats, err = s.seatResults(ctx, id); err != nil {
		return a, err
	}
	logs, err := s.dealLogs(ctx, id)
	if err != nil {
		return a, err
	}
	scores, err := s.dealScores(ctx, id)
	if err != nil {
		return a, err
	}
	if len(a.Fines) > 0 && len(logs) == len(scores)+1 {
		// The deal a fine interrupted stays in the log but is not part of
		// the record (writeDeals).
		logs = logs[:len(scores)]
	}
	if len(scores) != len(logs) {
		return a, fmt.Errorf("store: pulka %d: %d deals but %d scores", id, len(logs), len(scores))
	}
	a.Deals = make([]ArchivedDeal, len(logs))
	for i := range logs {
		a.Deals[i] = ArchivedDeal{DealLog: logs[i], Score: scores[i]}
	}
	return a, nil
}

func (s *Store) dealScores(ctx context.Context, id PulkaID) ([]score.RecordDeal, error) {
	// A deal without a score is one a fine interrupted (writeDeals).
	rows, err := s.db.QueryContext(ctx, "SELECT score FROM deals WHERE pulka_id = $1 AND score IS NOT NULL ORDER BY deal_no", int64(id))
	if err != nil {
		return nil, fmt.Errorf("store: scores of pulka %d: %w", id, err)
	}
	defer rows.Close()
	var out []score.RecordDeal
	for rows.Next() {
		var js sql.NullString
		if err := rows.Scan(&js); err != nil {
			return nil, fmt.Errorf("store: scores of pulka %d: %w", id, err)
		}
		if !js.Valid {
			return nil, fmt.Errorf("store: pulka %d: deal %d has no score", id, len(out))
		}
		var d score.RecordDeal
		if err := json.Unmarshal([]byte(js.String), &d); err != nil {
			return nil, fmt.Errorf("store: pulka %d deal %d score: %w", id, len(out), err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
