package web

import (
	"golang.org/x/time/rate"

	"github.com/trelljaz/trelljaz/game/ratelimit"
)

// limits are the token buckets of the club, shared by every connection:
// messages per player, chat lines per player and per IP address
// (game/ratelimit: golang.org/x/time/rate buckets by key, idle ones
// swept).
type limits struct {
	msgs, chat, chatIP *ratelimit.Buckets[string]
}

func newLimits(cfg Config) *limits {
	return &limits{
		msgs:   ratelimit.New[string](rate.Limit(cfg.MessageRate), int(2*cfg.MessageRate)),
		chat:   ratelimit.New[string](rate.Limit(cfg.ChatRate), 5),
		chatIP: ratelimit.New[string](rate.Limit(cfg.ChatRatePerIP), 10),
	}
}
