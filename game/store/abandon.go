package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrCorrupt: what the store holds of a pulka cannot be read back (a
// move that does not decode, a gap in the deals or moves). InProgress
// reports such a pulka in Progress.Unreadable instead of failing.
var ErrCorrupt = errors.New("store: corrupt pulka log")

// MaxAbandonReason bounds the reason Abandon keeps, in bytes.
const MaxAbandonReason = 1000

// Abandon marks a pulka in progress abandoned at at, with the reason it
// cannot be restored (a corrupt or illegal move log, unknown settings):
// InProgress no longer returns it, so no start tries it again; the archive
// lists it (Summary.Abandoned) and, like a finished pulka, it is never
// deleted. Its seats get no result and no rating change. A pulka finished
// or abandoned already, or never begun, is ErrNoPulka.
func (s *Store) Abandon(ctx context.Context, id PulkaID, reason string, at time.Time) error {
	return s.AbandonFenced(ctx, id, reason, at, Fence{})
}

// AbandonFenced is Abandon for the process that runs the pulka's table: it
// abandons the pulka only while f is still the table's lease (ErrFenced
// otherwise: another process took the table over and plays the pulka on),
// checked in the transaction that abandons it. The zero Fence checks
// nothing.
func (s *Store) AbandonFenced(ctx context.Context, id PulkaID, reason string, at time.Time, f Fence) error {
	reason = strings.ToValidUTF8(strings.TrimSpace(reason), "?")
	if reason == "" {
		reason = "cannot be restored"
	}
	for len(reason) > MaxAbandonReason {
		_, n := utf8.DecodeLastRuneInString(reason)
		reason = reason[:len(reason)-n]
	}
	s.finishMu.Lock() // never at once with Finish of the same pulka
	defer s.finishMu.Unlock()
	tx, done, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("store: abandon pulka %d: %w", id, err)
	}
	defer done()
	defer rollback(tx)
	if err := s.checkFences(ctx, tx, []Fence{f}); err != nil {
		return fmt.Errorf("store: abandon pulka %d: %w", id, err)
	}
	res, err := tx.ExecContext(ctx,
		"UPDATE pulkas SET abandoned_ms = $1, abandon_reason = $2 WHERE id = $3 AND finished_ms IS NULL AND abandoned_ms IS NULL",
		ms(at), reason, int64(id))
	if err != nil {
		return fmt.Errorf("store: abandon pulka %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: abandon pulka %d: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("store: abandon pulka %d: %w (not in progress)", id, ErrNoPulka)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: abandon pulka %d: commit: %w", id, err)
	}
	return nil
}
