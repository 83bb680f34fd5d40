package archive

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
)

// errNoDeal marks a deal number a pulka does not have.
var errNoDeal = errors.New("no such deal")

// dealKey names one deal of a finished pulka (n counts from 1).
type dealKey struct {
	pulka store.PulkaID
	n     int
}

// stepJSON is one position of a replayed deal: the move that led to it
// (none for the deal as dealt) and the whole deal after it, every hand,
// the talon and the discard face up.
type stepJSON struct {
	Move *rules.Move    `json:"move"`
	View rules.SeatView `json:"view"`
}

// dealJSON is every position of one deal, for the replay viewer.
type dealJSON struct {
	Pulka   store.PulkaID `json:"pulka"`
	Deal    int           `json:"deal"`
	Deals   int           `json:"deals"`
	Players []string      `json:"players"`
	Steps   []stepJSON    `json:"steps"`
}

// openView is what a spectator sees of s with every card turned face up:
// a finished deal has no secrets left.
func openView(s *rules.State) rules.SeatView {
	v := rules.View(*s, rules.Spectator)
	for p := range s.Players() {
		v.Hands[p] = s.Hand(p)
	}
	v.Talon = s.Talon()
	v.Discard = s.Discard()
	return v
}

// replayDeal plays deal d of a pulka with the given rules options and
// returns every position, the deal as dealt first.
func replayDeal(d store.ArchivedDeal, opt rules.Options) ([]stepJSON, error) {
	st, err := rules.New(rules.Deal{Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, Options: opt})
	if err != nil {
		return nil, err
	}
	steps := make([]stepJSON, 0, len(d.Moves)+1)
	steps = append(steps, stepJSON{View: openView(&st)})
	for i, m := range d.Moves {
		if st, err = rules.Apply(st, m.Move); err != nil {
			return nil, fmt.Errorf("move %d: %w", i+1, err)
		}
		mv := m.Move
		steps = append(steps, stepJSON{Move: &mv, View: openView(&st)})
	}
	return steps, nil
}

// dealsOf encodes every deal of a as the replay viewer reads it.
func dealsOf(a store.Archived) ([][]byte, error) {
	set, err := a.Settings.Settings()
	if err == nil {
		err = set.Validate()
	}
	if err != nil {
		return nil, fmt.Errorf("archive: pulka %d settings: %w", a.ID, err)
	}
	out := make([][]byte, len(a.Deals))
	for i, d := range a.Deals {
		steps, err := replayDeal(d, set.Options)
		if err != nil {
			return nil, fmt.Errorf("archive: pulka %d deal %d: %w", a.ID, i+1, err)
		}
		if out[i], err = encode(dealJSON{Pulka: a.ID, Deal: i + 1, Deals: len(a.Deals), Players: a.Settings.Players, Steps: steps}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (h *Handler) deal(w http.ResponseWriter, r *http.Request) {
	n, err := parseID("pulka id", mux.Vars(r)["id"])
	if err != nil {
		h.fail(w, err)
		return
	}
	dn, err := parseID("deal number", mux.Vars(r)["n"])
	if err != nil {
		h.fail(w, err)
		return
	}
	key := dealKey{store.PulkaID(n), int(min(dn, 1<<20))}
	if b, ok := h.deals.Get(key); ok {
		writeBytes(w, "public, max-age=86400, immutable", b)
		return
	}
	// one read of the pulka replays all its deals: a viewer steps on
	v, err, _ := h.flight.Do("deals/"+strconv.FormatInt(n, 10), func() (any, error) {
		ctx, cancel := readContext(r)
		defer cancel()
		a, err := h.src.Archived(ctx, key.pulka)
		if err != nil {
			return nil, err
		}
		all, err := dealsOf(a)
		if err != nil {
			return nil, err
		}
		for i, b := range all {
			h.deals.Add(dealKey{key.pulka, i + 1}, b)
		}
		return all, nil
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	all := v.([][]byte)
	if key.n > len(all) {
		h.fail(w, fmt.Errorf("%w: pulka %d has %d deals", errNoDeal, n, len(all)))
		return
	}
	writeBytes(w, "public, max-age=86400, immutable", all[key.n-1])
}
