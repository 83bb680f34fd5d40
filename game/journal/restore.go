package journal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

// ReasonAbandoned is the reason metrics.PulkaFinished counts an abandoned
// pulka under.
const ReasonAbandoned = "abandoned"

// Restored is what Restore did.
type Restored struct {
	// Tables are the pulkas in progress rebuilt and listed in the lobby.
	Tables int
	// Abandoned are the pulkas that cannot be restored, now marked so in
	// the store.
	Abandoned []store.PulkaID
}

// Restore rebuilds, at start, every pulka the store has in progress into
// lb (lobby.Lobby.Restore), adopted by this journal. A pulka that cannot
// be restored — its log does not read back (store.ErrCorrupt), its
// settings or seats are unknown, or the table refuses its moves
// (lobby.ErrUnrestorable) — is abandoned in the store with the reason
// (store.Store.Abandon), logged at WARN and counted (m.PulkaFinished
// "abandoned"; m may be nil): the next start does not try it again, and the
// archive lists it as abandoned. Any other failure (the store, a closed
// lobby, a table id taken) leaves the pulka as it is, for the next start,
// and is in the error.
func (j *Journal) Restore(ctx context.Context, lb *lobby.Lobby, m *metrics.Metrics) (Restored, error) {
	var out Restored
	ps, err := j.st.InProgress(ctx)
	if err != nil {
		return out, fmt.Errorf("journal: pulkas in progress: %w", err)
	}
	var errs []error
	for _, p := range ps {
		if err := j.restore(ctx, lb, m, p, &out); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// RestoreTable rebuilds into lb the pulka table tbl has in progress, as
// Restore does at start for every table: a process of a club that took
// the table's lease over (game/cluster). A pulka that cannot be restored
// is abandoned the same way. out.Tables is 1 when the table now runs here.
func (j *Journal) RestoreTable(ctx context.Context, lb *lobby.Lobby, m *metrics.Metrics, tbl string) (Restored, error) {
	var out Restored
	ps, err := j.st.InProgressAt(ctx, tbl)
	if err != nil {
		return out, fmt.Errorf("journal: pulkas in progress at %s: %w", tbl, err)
	}
	var errs []error
	for _, p := range ps {
		if err := j.restore(ctx, lb, m, p, &out); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// restore rebuilds p into lb, or abandons it (see Restore), and counts it
// in out.
func (j *Journal) restore(ctx context.Context, lb *lobby.Lobby, m *metrics.Metrics, p store.Progress, out *Restored) error {
	why := p.Unreadable
	if why == nil {
		r, err := j.Resume(ctx, p)
		switch {
		case errors.Is(err, ErrUnresumable):
			why = err
		case err != nil:
			return err
		default:
			why = lb.Restore([]table.Resume{r})
			if why != nil && !errors.Is(why, lobby.ErrUnrestorable) {
				j.Forget(p.Table)
				return why
			}
		}
	}
	if why == nil {
		out.Tables++
		return nil
	}
	j.Forget(p.Table)
	if err := j.st.Abandon(ctx, p.ID, why.Error(), time.Now()); err != nil {
		return fmt.Errorf("journal: abandon pulka %d of table %s: %w", p.ID, p.Table, err)
	}
	j.log.Warn("pulka abandoned: it cannot be restored", "pulka", p.ID, "table", p.Table, "reason", why)
	m.PulkaFinished(ReasonAbandoned)
	out.Abandoned = append(out.Abandoned, p.ID)
	return nil
}
