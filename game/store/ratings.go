package store

import (
	"context"
	"fmt"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/rating"
)

// Rated is one line of the rating list.
type Rated struct {
	Player account.Player
	Rating rating.Rating
	// Games counts the player's finished pulkas.
	Games int
}

// Ratings returns the rating list's top: the people (bots are left out)
// with at least one finished pulka, by the number the club shows
// (rating.Rating.Ordinal, μ−3σ) from the highest, ties by id; limit is
// 1..MaxPage.
func (s *Store) Ratings(ctx context.Context, limit int) ([]Rated, error) {
	if limit < 1 || limit > MaxPage {
		return nil, fmt.Errorf("%w: rating list of %d, want 1..%d", ErrBadInput, limit, MaxPage)
	}
	rows, err := s.db.QueryContext(ctx,
		"SELECT p.id, p.name, p.provider, p.provider_user_id, p.created_ms, p.mu, p.sigma, COUNT(*)"+
			" FROM players p JOIN seats s ON s.player_id = p.id AND s.place IS NOT NULL"+
			" WHERE p.provider <> $1"+
			" GROUP BY p.id, p.name, p.provider, p.provider_user_id, p.created_ms, p.mu, p.sigma"+
			" ORDER BY p.mu - 3 * p.sigma DESC, p.id LIMIT $2", account.ProviderBot, limit)
	if err != nil {
		return nil, fmt.Errorf("store: rating list: %w", err)
	}
	defer rows.Close()
	var out []Rated
	for rows.Next() {
		var r Rated
		if r.Player, err = scanPlayer(rows, &r.Rating.Mu, &r.Rating.Sigma, &r.Games); err != nil {
			return nil, fmt.Errorf("store: rating list: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: rating list: %w", err)
	}
	return out, nil
}
