package archive

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/store"
)

// ratedJSON is one line of the rating list.
type ratedJSON struct {
	Place  int        `json:"place"`
	ID     account.ID `json:"id"`
	Name   string     `json:"name"`
	Rating ratingJSON `json:"rating"`
	Games  int        `json:"games"`
}

type ratingsJSON struct {
	Players []ratedJSON `json:"players"`
}

// DefaultRatings is the length of the rating list without ?limit=.
const DefaultRatings = 10

func (h *Handler) ratings(w http.ResponseWriter, r *http.Request) {
	limit, err := parseLimit(r.URL.Query(), DefaultRatings)
	if err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.cached(fmt.Sprint("ratings/", limit), func() (any, error) {
		ctx, cancel := readContext(r)
		defer cancel()
		top, err := h.src.Ratings(ctx, limit)
		if err != nil {
			return nil, err
		}
		return encode(ratingsOf(top))
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	writeBytes(w, "no-cache", v.([]byte))
}

func ratingsOf(top []store.Rated) ratingsJSON {
	out := ratingsJSON{Players: make([]ratedJSON, len(top))}
	for i, r := range top {
		out.Players[i] = ratedJSON{Place: i + 1, ID: r.Player.ID, Name: r.Player.Name, Rating: ratingOf(r.Rating), Games: r.Games}
	}
	return out
}

// parseLimit reads ?limit= (1..store.MaxPage), def when absent.
func parseLimit(q url.Values, def int) (int, error) {
	vals, ok := q["limit"]
	if !ok {
		return def, nil
	}
	if len(vals) != 1 {
		return 0, fmt.Errorf("%w: limit given %d times", errBadRequest, len(vals))
	}
	v, err := parseID("limit", vals[0])
	if err != nil {
		return 0, err
	}
	if v > store.MaxPage {
		return 0, fmt.Errorf("%w: limit must be 1..%d", errBadRequest, store.MaxPage)
	}
	return int(v), nil
}
