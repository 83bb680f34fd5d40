package archive

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/rating"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/store"
)

// ratingJSON is a rating with the number the club shows.
type ratingJSON struct {
	Mu      float64 `json:"mu"`
	Sigma   float64 `json:"sigma"`
	Ordinal float64 `json:"ordinal"`
}

func ratingOf(r rating.Rating) ratingJSON {
	return ratingJSON{Mu: r.Mu, Sigma: r.Sigma, Ordinal: r.Ordinal()}
}

type historyJSON struct {
	Pulka        store.PulkaID `json:"pulka"`
	Finished     time.Time     `json:"finished"`
	Place        int           `json:"place"`
	Result       string        `json:"result"`
	Rounded      int64         `json:"rounded"`
	RatingBefore ratingJSON    `json:"rating_before"`
	RatingAfter  ratingJSON    `json:"rating_after"`
}

type profileJSON struct {
	ID             account.ID    `json:"id"`
	Name           string        `json:"name"`
	Bot            bool          `json:"bot"`
	Since          time.Time     `json:"since"`
	Rating         ratingJSON    `json:"rating"`
	Games          int           `json:"games"`
	Wins           int           `json:"wins"`
	Whists         int64         `json:"whists"`
	WhistsPerPulka float64       `json:"whists_per_pulka"`
	History        []historyJSON `json:"history"`
	Playing        []string      `json:"playing"`
}

func profileOf(p store.Profile) *profileJSON {
	out := &profileJSON{
		ID: p.Player.ID, Name: p.Player.Name, Bot: p.Player.Provider == account.ProviderBot, Since: p.Player.Created,
		Rating: ratingOf(p.Rating), Games: p.Games, Wins: p.Wins, Whists: p.Whists, History: []historyJSON{},
	}
	if p.Games > 0 {
		out.WhistsPerPulka = float64(p.Whists) / float64(p.Games)
	}
	for _, h := range p.History {
		out.History = append(out.History, historyJSON{
			Pulka: h.Pulka, Finished: h.Finished, Place: h.Place, Result: h.Result, Rounded: h.Rounded,
			RatingBefore: ratingOf(h.Before), RatingAfter: ratingOf(h.After),
		})
	}
	return out
}

type seatJSON struct {
	ID           account.ID  `json:"id"`
	Name         string      `json:"name"`
	Place        int         `json:"place"`
	Result       string      `json:"result"`
	Rounded      int64       `json:"rounded"`
	RatingBefore *ratingJSON `json:"rating_before,omitempty"`
	RatingAfter  *ratingJSON `json:"rating_after,omitempty"`
}

func seatsOf(seats []store.SeatResult, ratings bool) []seatJSON {
	out := make([]seatJSON, len(seats))
	for i, s := range seats {
		out[i] = seatJSON{ID: s.Player, Name: s.Name, Place: s.Place, Result: s.Result, Rounded: s.Rounded}
		if ratings {
			b, a := ratingOf(s.Before), ratingOf(s.After)
			out[i].RatingBefore, out[i].RatingAfter = &b, &a
		}
	}
	return out
}

type summaryJSON struct {
	ID         store.PulkaID `json:"id"`
	Table      string        `json:"table"`
	Convention string        `json:"convention"`
	Started    time.Time     `json:"started"`
	Finished   time.Time     `json:"finished"`
	Players    []seatJSON    `json:"players"`
	Abandoned  string        `json:"abandoned,omitempty"` // why, for a pulka abandoned unfinished
}

type listJSON struct {
	Pulkas []summaryJSON `json:"pulkas"`
	Next   string        `json:"next,omitempty"`
}

func listOf(q store.PulkaQuery, sums []store.Summary) listJSON {
	out := listJSON{Pulkas: make([]summaryJSON, len(sums))}
	for i, s := range sums {
		out.Pulkas[i] = summaryJSON{ID: s.ID, Table: s.Table, Convention: s.Convention, Started: s.Started,
			Finished: s.Finished, Players: seatsOf(s.Seats, false), Abandoned: s.Abandoned}
	}
	if len(sums) == q.Limit {
		v := url.Values{}
		if q.Player != 0 {
			v.Set("player", strconv.FormatInt(int64(q.Player), 10))
		}
		v.Set("before", strconv.FormatInt(int64(sums[len(sums)-1].ID), 10))
		v.Set("limit", strconv.Itoa(q.Limit))
		out.Next = "/api/pulkas?" + v.Encode()
	}
	return out
}

// recordJSON is the PULKA-FORMAT record: score.Record and, when the pulka
// was closed on a fine, its fines.
type recordJSON struct {
	score.Record
	Fines map[string]int `json:"fines,omitempty"`
}

// replayJSON is how one deal was played.
type replayJSON struct {
	Seed   string       `json:"seed"`
	Dealer int          `json:"dealer"`
	Series int          `json:"series"`
	Moves  []rules.Move `json:"moves"`
}

type pulkaJSON struct {
	ID       store.PulkaID         `json:"id"`
	Table    string                `json:"table"`
	Started  time.Time             `json:"started"`
	Finished time.Time             `json:"finished"`
	Players  []seatJSON            `json:"players"`
	Record   recordJSON            `json:"record"`
	Replay   []replayJSON          `json:"replay"`
	Result   score.SeatMap[string] `json:"result"`
	Rounded  score.SeatMap[int64]  `json:"rounded"`
}

func pulkaOf(a store.Archived) (pulkaJSON, error) {
	rec := a.Record()
	if len(rec.Players) != len(a.Seats) {
		return pulkaJSON{}, fmt.Errorf("archive: pulka %d: %d players but %d seats", a.ID, len(rec.Players), len(a.Seats))
	}
	out := pulkaJSON{
		ID: a.ID, Table: a.Table, Started: a.Started, Finished: a.Finished, Players: seatsOf(a.Seats, true),
		Record: recordJSON{Record: rec, Fines: a.Fines}, Replay: make([]replayJSON, len(a.Deals)),
	}
	for i, d := range a.Deals {
		moves := make([]rules.Move, len(d.Moves))
		for j, m := range d.Moves {
			moves[j] = m.Move
		}
		out.Replay[i] = replayJSON{Seed: strconv.FormatUint(d.Seed, 10), Dealer: d.Dealer, Series: d.Series, Moves: moves}
	}
	for i, s := range a.Seats {
		out.Result.Names = append(out.Result.Names, rec.Players[i])
		out.Result.Values = append(out.Result.Values, s.Result)
		out.Rounded.Names = append(out.Rounded.Names, rec.Players[i])
		out.Rounded.Values = append(out.Rounded.Values, s.Rounded)
	}
	return out, nil
}
