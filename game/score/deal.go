package score

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// ParseContract reads a contract as written in a pulka record: "6S", "7H",
// "10NT" (level 6..10, strain S C D H NT) or "misere", case ignored. It is
// rules.ParseBid held to the record's spelling (Bid.ASCII): the engine's
// other spellings ("7♥", "8БК", "мизер") are not record notation.
func ParseContract(s string) (rules.Bid, error) {
	b, err := rules.ParseBid(s)
	if err != nil || !strings.EqualFold(b.ASCII(), strings.TrimSpace(s)) {
		return rules.NoBid, contractError(s)
	}
	return b, nil
}

// contractError says what is wrong with s, which is not a contract in
// record notation.
func contractError(s string) error {
	u := strings.ToUpper(strings.TrimSpace(s))
	i := 0
	for i < len(u) && u[i] >= '0' && u[i] <= '9' {
		i++
	}
	if i == 0 || i > 2 || u[0] == '0' {
		return fmt.Errorf("bad contract %q: want 6S..10NT or misere", s)
	}
	if level, _ := strconv.Atoi(u[:i]); level < 6 || level > 10 {
		return fmt.Errorf("bad contract %q: level %d outside 6..10", s, level)
	}
	return fmt.Errorf("bad contract %q: strain must be S, C, D, H or NT", s)
}

// Deal is the outcome of one deal as the score sheet needs it. Seats are
// indexes 0..n-1 clockwise; the dealer is not part of a Deal, the Sheet knows
// whose deal it is (Sheet.Dealer).
type Deal struct {
	// Raspasy marks an all-pass deal (распасы): only Tricks matter.
	Raspasy bool
	// Contract is the declared game (заказ), a trick contract or
	// rules.Misere; unused on raspasy.
	Contract rules.Bid
	// Declarer is the seat of the declarer (разыгрывающий); unused on raspasy.
	Declarer int
	// Whist holds each defender's decision by seat. The declarer's entry and,
	// with four players, the dealer's entry are pref.CallNone, except that the
	// sitting-out dealer may say pref.CallWhist when the option dealer_may_whist is on
	// (FSPR, RULES §6). Misère has no decisions. A forced whist (checked ten,
	// Stalingrad) may be left as pref.CallNone for both defenders.
	Whist [rules.MaxPlayers]pref.Call
	// Tricks are the tricks each seat took, when the deal was played. They
	// sum to 10 over the active players (raspasy with raspasy_talon =
	// participates: over all four, the dealer taking at most 2).
	Tricks [rules.MaxPlayers]int
	// Conceded marks «без трёх»: the declarer refused to play after the
	// discard (option concede_without_three, Decision 9). Tricks are unused.
	Conceded bool
	// TalonBonus is the talon premium in whist-price units (0..3, RULES §6),
	// counted when the option talon_bonus is on. See pref.TalonBonus and TalonBonusOf.
	TalonBonus int
}

// DealOf returns the score-sheet entry of a deal the engine has finished:
// the contract and declarer, the defenders' calls, the tricks when the deal
// was played out (not on an unplayed or conceded contract), and the talon
// premium of a trick contract.
func DealOf(r rules.Result) Deal {
	d := Deal{Raspasy: r.Kind == rules.KindRaspasy, Whist: r.Calls}
	switch r.Kind {
	case rules.KindContract:
		d.Contract, d.Declarer = r.Contract, r.Declarer
		d.TalonBonus = rules.TalonBonus(r.Talon)
	case rules.KindMisere:
		d.Contract, d.Declarer = rules.Misere, r.Declarer
	}
	if r.Ending == rules.EndingPlayed {
		d.Tricks = r.Tricks
	}
	d.Conceded = r.Ending == rules.EndingConceded
	return d
}
