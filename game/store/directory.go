package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
)

var _ account.Directory = (*Store)(nil)

const playerColumns = "id, name, provider, provider_user_id, created_ms"

func scanPlayer(row interface{ Scan(...any) error }, extra ...any) (account.Player, error) {
	var p account.Player
	var created int64
	err := row.Scan(append([]any{&p.ID, &p.Name, &p.Provider, &p.ProviderUserID, &created}, extra...)...)
	p.Created = fromMS(created)
	return p, err
}

// SignIn implements account.Directory: it returns the player of
// id.Provider + id.ProviderUserID, creating it when new. Names are unique by
// account.NameKey, which a unique index enforces, so two concurrent
// sign-ins cannot both take "Anna".
func (s *Store) SignIn(ctx context.Context, id account.Identity) (account.Player, error) {
	if id.Provider == "" || id.ProviderUserID == "" {
		return account.Player{}, fmt.Errorf("%w: sign-in without provider or user id", ErrBadInput)
	}
	for attempt := 0; ; attempt++ {
		p, err := s.signIn(ctx, id)
		// Two first sign-ins of one identity race to insert it: the
		// loser finds the winner's row on its second attempt. Its insert
		// may fail on the name's index rather than the identity's
		// (PostgreSQL checks them in its own order), so a taken name is
		// looked up once more too.
		if err != nil && attempt == 0 && (isUnique(err, "provider") || errors.Is(err, account.ErrNameTaken)) {
			continue
		}
		return p, err
	}
}

func (s *Store) signIn(ctx context.Context, id account.Identity) (account.Player, error) {
	var secret string
	p, err := scanPlayer(s.db.QueryRowContext(ctx,
		"SELECT "+playerColumns+", secret FROM players WHERE provider = $1 AND provider_user_id = $2",
		id.Provider, id.ProviderUserID), &secret)
	switch {
	case err == nil:
		if secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(id.Secret)) != 1 {
			return account.Player{}, account.ErrClaimed
		}
		return p, nil
	case !errors.Is(err, sql.ErrNoRows):
		return account.Player{}, fmt.Errorf("store: sign in: %w", err)
	}
	key := account.NameKey(id.Name)
	if key == "" {
		return account.Player{}, fmt.Errorf("%w: empty name", account.ErrNameTaken)
	}
	r := s.rating.New()
	// The insert is group-committed with the other new players' (signup.go).
	p, err = s.signups.insert(ctx, &signup{id: id, key: key, at: time.Now(), mu: r.Mu, sig: r.Sigma})
	switch {
	case isUnique(err, "name_key"):
		return account.Player{}, account.ErrNameTaken
	case err != nil:
		return account.Player{}, fmt.Errorf("store: new player: %w", err)
	}
	return p, nil
}

// Player implements account.Directory.
func (s *Store) Player(ctx context.Context, id account.ID) (account.Player, error) {
	p, err := scanPlayer(s.db.QueryRowContext(ctx, "SELECT "+playerColumns+" FROM players WHERE id = $1", int64(id)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return account.Player{}, account.ErrNotFound
	case err != nil:
		return account.Player{}, fmt.Errorf("store: player %d: %w", id, err)
	}
	return p, nil
}
