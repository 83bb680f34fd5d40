package score

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// FieldError is an invalid deal: Field names the pulka-record field at
// fault ("contract", "declarer", "whist", "tricks", "raspasy", "talon").
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

// ErrPulkaOver is returned by Sheet.Apply after the pulka has ended (RULES §11).
var ErrPulkaOver = errors.New("the pulka is over: every pool is closed")

// Sheet is the score sheet (пулька, лист): each player's pool (пуля), mountain
// (гора) and the whists (висты) written on each opponent. It holds the raw
// entries only; amnesty is a display choice (Decision 16). The zero value is
// not usable; call NewSheet. A Sheet is a value without pointers: copy it to
// keep a snapshot. It is not safe for concurrent use.
type Sheet struct {
	// Pool (пуля) is each seat's pool, in points.
	Pool [rules.MaxPlayers]Points
	// Mountain (гора) is each seat's mountain; it may go negative (RULES §10).
	Mountain [rules.MaxPlayers]Points
	// Whists (висты): Whists[a][b] are the whists a wrote on b (b owes a).
	Whists [rules.MaxPlayers][rules.MaxPlayers]Points

	set         Settings
	names       [rules.MaxPlayers]string
	firstDealer int
	dealer      int // dealer of the next deal
	series      int // consecutive raspasy before the next deal
	deals       int // deals applied
	passes      int // times the deal has passed to the next seat
}

// NewSheet returns an empty sheet for settings s (s.Players seats) whose
// first deal is dealt by seat firstDealer. Names, if given (one per seat),
// are used in error messages instead of "seat N".
func NewSheet(s Settings, firstDealer int, names ...string) (*Sheet, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if firstDealer < 0 || firstDealer >= s.Players {
		return nil, fmt.Errorf("first_dealer: seat %d out of range 0..%d", firstDealer, s.Players-1)
	}
	if len(names) != 0 && len(names) != s.Players {
		return nil, fmt.Errorf("players: %d names for %d seats", len(names), s.Players)
	}
	sh := &Sheet{set: s, firstDealer: firstDealer, dealer: firstDealer}
	for i := 0; i < s.Players; i++ {
		sh.names[i] = "seat " + strconv.Itoa(i)
		if len(names) != 0 {
			sh.names[i] = strconv.Quote(names[i])
		}
	}
	return sh, nil
}

// Settings returns the sheet's settings.
func (s *Sheet) Settings() Settings { return s.set }

// Players returns the number of seats.
func (s *Sheet) Players() int { return s.set.Players }

// Dealer returns the seat that deals the next deal (сдающий). The deal
// passes clockwise every deal, raspasy included unless
// deal_rotates_after_raspasy is off (RULES §3.1).
func (s *Sheet) Dealer() int { return s.dealer }

// FirstDealer returns the seat that dealt the first deal.
func (s *Sheet) FirstDealer() int { return s.firstDealer }

// Series returns the number of consecutive raspasy before the next deal
// (the k of RULES §9.1 is Series()+1 if the next deal is raspasy).
func (s *Sheet) Series() int { return s.series }

// MinLevel returns the lowest contract level the next auction allows: the
// raspasy exit (выход, RULES §9.3).
func (s *Sheet) MinLevel() int { return s.set.RaspasyExit.After(s.series) }

// Deals returns the number of deals applied.
func (s *Sheet) Deals() int { return s.deals }

// RoundComplete reports whether the deals so far make whole rounds: the
// deal has passed round the table and the first dealer deals next (a
// raspasy without rotation, deal_rotates_after_raspasy off, does not move
// it). It is false before the first deal.
func (s *Sheet) RoundComplete() bool {
	return s.passes > 0 && s.passes%s.set.Players == 0
}

// LimitReached reports whether max_deals deals have been played.
func (s *Sheet) LimitReached() bool {
	return s.set.MaxDeals > 0 && s.deals >= s.set.MaxDeals
}

// Over reports whether the pulka has ended (RULES §11): every pool has
// reached the target (never with overflow none), or max_deals were played
// and, with finish_round, the current round of deals is complete.
func (s *Sheet) Over() bool {
	if s.LimitReached() && (!s.set.FinishRound || s.RoundComplete()) {
		return true
	}
	if s.set.Overflow == OverflowNone {
		return false
	}
	for p := 0; p < s.set.Players; p++ {
		if s.Pool[p] < Pts(s.set.PoolTarget) {
			return false
		}
	}
	return true
}

// Active returns the three seats that play the next deal, first hand first:
// with four players the dealer sits out.
func (s *Sheet) Active() [3]int {
	n := s.set.Players
	d := s.dealer
	return [3]int{(d + 1) % n, (d + 2) % n, (d + 3) % n}
}

// Apply writes one deal onto the sheet. An invalid deal leaves the sheet
// unchanged and returns a *FieldError naming the field.
func (s *Sheet) Apply(d Deal) error {
	if s.Over() {
		return &FieldError{Field: "deals", Err: ErrPulkaOver}
	}
	next := *s
	var (
		out = pref.Raspasy
		err error
	)
	switch {
	case d.Raspasy:
		err = next.raspasy(d)
	case d.Contract == rules.Misere:
		out, err = next.misere(d)
	default:
		out, err = next.trick(d)
	}
	if err != nil {
		return err
	}
	next.series = s.set.SeriesRules.Next(s.series, d.Contract == rules.Misere && !d.Raspasy, out)
	if !d.Raspasy || s.set.DealRotatesAfterRaspasy {
		next.dealer = (next.dealer + 1) % s.set.Players
		next.passes++
	}
	next.deals++
	*s = next
	return nil
}

// checkTricks validates the tricks of a played deal: seats in active take
// 0..10 each and 10 together; every other seat takes 0, except a seat in
// extra, which may take up to extraMax.
func (s *Sheet) checkTricks(d Deal, extra, extraMax int) error {
	active := s.Active()
	sum := 0
	for p := 0; p < rules.MaxPlayers; p++ {
		t := d.Tricks[p]
		isActive := p == active[0] || p == active[1] || p == active[2]
		switch {
		case t < 0 || t > 10:
			return fieldErr("tricks", "%s took %d tricks, want 0..10", s.name(p), t)
		case p == extra && t > extraMax:
			return fieldErr("tricks", "%s (the dealer) took %d talon tricks, at most %d", s.name(p), t, extraMax)
		case t != 0 && !isActive && p != extra:
			if p < s.set.Players {
				return fieldErr("tricks", "%s is the dealer and sits this deal out", s.name(p))
			}
			return fieldErr("tricks", "seat %d does not exist", p)
		}
		sum += t
	}
	if sum != 10 {
		return fieldErr("tricks", "tricks sum to %d, want 10", sum)
	}
	return nil
}

func (s *Sheet) name(p int) string {
	if p >= 0 && p < rules.MaxPlayers && s.names[p] != "" {
		return s.names[p]
	}
	return "seat " + strconv.Itoa(p)
}

// noTricks checks that an unplayed deal carries no tricks.
func noTricks(d Deal) error {
	for _, t := range d.Tricks {
		if t != 0 {
			return fieldErr("tricks", "given for a deal that was not played")
		}
	}
	return nil
}

// noWhist checks that no whist decisions are given (misère, raspasy).
func noWhist(d Deal, what string) error {
	for _, w := range d.Whist {
		if w != pref.CallNone {
			return fieldErr("whist", "%s is not whisted", what)
		}
	}
	return nil
}
