// Package storetest plays pulkas with the real rules engine and score sheet,
// for the tests and benchmarks of the store and the archive: every deal is
// dealt from a seed, played with random legal moves and written on the
// sheet, so a stored pulka can be replayed and re-scored like a real one.
// CheckArchived checks a pulka a club finished the same way, against what
// its players were told.
package storetest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/store"
)

// Played is a pulka played out.
type Played struct {
	// Settings is the record header; Record adds the deals' score entries.
	Settings score.Record
	Options  rules.Options
	Deals    []store.FinishedDeal
	Result   score.Result
	// Output is what cmd/pulka prints for Record.
	Output score.Output
}

// Play plays a pulka of the given players with random legal moves drawn
// from seed, until the pools close or maxDeals deals are played (then it
// settles as it stands, like a pulka closed early).
func Play(seed uint64, players []string, maxDeals int) (Played, error) {
	set, err := score.Preset("sochi")
	if err != nil {
		return Played{}, err
	}
	set.Players = len(players)
	set.PoolTarget = 4
	p := Played{Settings: score.Record{
		Convention: "sochi", Options: set.Overrides(), Players: players,
		PoolTarget: set.PoolTarget, FirstDealer: players[0],
	}}
	if len(p.Settings.Options) == 0 {
		p.Settings.Options = nil
	}
	sheet, err := p.Settings.NewSheet()
	if err != nil {
		return p, err
	}
	s, err := p.Settings.Settings()
	if err != nil {
		return p, err
	}
	if err := s.Validate(); err != nil {
		return p, err
	}
	p.Options = s.Options
	rng := rand.New(rand.NewPCG(seed, 99))
	buf := make([]rules.Move, 0, 64)
	for len(p.Deals) < maxDeals && !sheet.Over() {
		d := store.FinishedDeal{Seed: rng.Uint64(), Dealer: sheet.Dealer(), Series: sheet.Series()}
		st, err := rules.New(rules.Deal{Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, Options: p.Options})
		if err != nil {
			return p, err
		}
		for !st.Done() {
			legal := rules.LegalMoves(&st, buf[:0])
			if len(legal) == 0 {
				return p, fmt.Errorf("deal %d: no legal move in %v", len(p.Deals), st.Phase())
			}
			m := legal[rng.IntN(len(legal))]
			if st, err = rules.Apply(st, m); err != nil {
				return p, fmt.Errorf("deal %d: %w", len(p.Deals), err)
			}
			d.Moves = append(d.Moves, m)
		}
		res, _ := st.Result()
		sd := score.DealOf(res)
		if err := sheet.Apply(sd); err != nil {
			return p, fmt.Errorf("deal %d: sheet: %w", len(p.Deals), err)
		}
		d.Score = score.RecordDealOf(sd, players)
		p.Deals = append(p.Deals, d)
	}
	if p.Result, err = sheet.Settle(); err != nil {
		return p, err
	}
	if p.Output, _, err = score.Run(p.Record()); err != nil {
		return p, fmt.Errorf("re-score: %w", err)
	}
	return p, nil
}

// Record is the pulka record with every deal's score entry.
func (p Played) Record() score.Record {
	r := p.Settings
	for _, d := range p.Deals {
		r.Deals = append(r.Deals, d.Score)
	}
	return r
}

// Pulka returns what BeginPulka takes for this pulka.
func (p Played) Pulka(table string, seats []account.ID, at time.Time) store.Pulka {
	return store.Pulka{Table: table, Settings: p.Settings, Seats: seats, Config: []byte(`{"move_time":300}`), Started: at}
}

// Finish returns what Finish takes for this pulka.
func (p Played) Finish(id store.PulkaID, at time.Time) store.Finish {
	return store.Finish{Pulka: id, Deals: p.Deals, Result: p.Result, At: at}
}

// Starts and Moves return the write-ahead entries of deal i.
func (p Played) Starts(id store.PulkaID, i int, at time.Time) store.DealStart {
	d := p.Deals[i]
	return store.DealStart{Pulka: id, Deal: i, Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, At: at}
}

// Moves returns the write-ahead moves of deal i.
func (p Played) Moves(id store.PulkaID, i int, at time.Time) []store.Move {
	out := make([]store.Move, len(p.Deals[i].Moves))
	for j, m := range p.Deals[i].Moves {
		out[j] = store.Move{Pulka: id, Deal: i, No: j, Move: m, At: at}
	}
	return out
}
