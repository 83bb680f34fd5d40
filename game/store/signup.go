package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
)

// Sign-ups: the first sign-in of an identity inserts its player. A burst of
// them (a club's opening hour, or trelljaz-load signing in 9,000 players)
// made one write transaction each; on SQLite, where one write transaction
// runs at a time, the moves' group commit waited behind every one of them,
// and a move's events go out only after its commit. New players are
// group-committed instead, on a queue of their own: the sign-ups that
// arrive while one batch commits share the next transaction, so the moves
// wait behind one batch at most. A batch that fails (a name taken, an
// identity inserted twice) is retried one sign-up at a time, so one
// sign-up's error is never another's.

// maxSignups bounds one batch of sign-ups.
const maxSignups = 64

// signup is one new player waiting for its commit.
type signup struct {
	id   account.Identity
	key  string // account.NameKey of the name
	at   time.Time
	mu   float64
	sig  float64
	done chan signupResult
}

type signupResult struct {
	p   account.Player
	err error
}

// signups is the group-commit goroutine of new players.
type signups struct {
	s        *Store
	reqs     chan *signup // unbuffered: a send succeeds only while it runs
	stopping chan struct{}
	stopped  chan struct{}
	once     sync.Once
}

func startSignups(s *Store) *signups {
	u := &signups{s: s, reqs: make(chan *signup), stopping: make(chan struct{}), stopped: make(chan struct{})}
	go u.run()
	return u
}

// insert inserts r's player, sharing a transaction with the sign-ups
// queued meanwhile, and returns it once committed. Its errors are the
// caller's to wrap.
func (u *signups) insert(ctx context.Context, r *signup) (account.Player, error) {
	r.done = make(chan signupResult, 1)
	select {
	case u.reqs <- r:
	case <-u.stopping:
		return account.Player{}, ErrClosed
	case <-ctx.Done():
		return account.Player{}, fmt.Errorf("waiting for the sign-ups' queue: %w", ctx.Err())
	}
	select {
	case res := <-r.done:
		return res.p, res.err
	case <-ctx.Done():
		return account.Player{}, fmt.Errorf("waiting for the commit: %w", ctx.Err())
	}
}

// stop lets the batch in hand commit, then ends the goroutine.
func (u *signups) stop() {
	u.once.Do(func() { close(u.stopping) })
	<-u.stopped
}

func (u *signups) run() {
	defer close(u.stopped)
	batch := make([]*signup, 0, maxSignups)
	for {
		select {
		case r := <-u.reqs:
			batch = append(batch[:0], r)
		case <-u.stopping:
			return
		}
	drain:
		for len(batch) < maxSignups {
			select {
			case r := <-u.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		u.commitAll(batch)
	}
}

// commitAll commits a batch in one transaction, or each sign-up alone when
// the batch fails for another reason than time (one sign-up's conflict
// must not fail the others), and tells every caller its outcome.
func (u *signups) commitAll(batch []*signup) {
	players, err := u.commit(batch)
	if err == nil {
		for i, r := range batch {
			r.done <- signupResult{p: players[i]}
		}
		return
	}
	if len(batch) == 1 || errors.Is(err, context.DeadlineExceeded) {
		// A batch that ran out of time would run out of time alone too,
		// one commitTimeout each: every caller gets the error.
		for _, r := range batch {
			r.done <- signupResult{err: err}
		}
		return
	}
	for _, r := range batch {
		players, err := u.commit([]*signup{r})
		res := signupResult{err: err}
		if err == nil {
			res.p = players[0]
		}
		r.done <- res
	}
}

func (u *signups) commit(batch []*signup) ([]account.Player, error) {
	// A caller's cancellation must not abort the others' commit.
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	tx, done, err := u.s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	defer rollback(tx)
	players := make([]account.Player, len(batch))
	for i, r := range batch {
		players[i], err = scanPlayer(tx.QueryRowContext(ctx,
			"INSERT INTO players (name, name_key, provider, provider_user_id, secret, created_ms, mu, sigma)"+
				" VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING "+playerColumns,
			r.id.Name, r.key, r.id.Provider, r.id.ProviderUserID, r.id.Secret, ms(r.at), r.mu, r.sig))
		if err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return players, nil
}
