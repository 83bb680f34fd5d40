package score

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/trelljaz/trelljaz/game/pref"
)

// MaxPlayers is the largest pulka: four players, the dealer sitting each deal out.
const MaxPlayers = 4

// Strain is the trump of a trick contract, or no trumps (БК). The order is the
// bidding order ♠ < ♣ < ♦ < ♥ < БК (RULES §2.2).
type Strain uint8

// Strains in bidding order.
const (
	Spades   Strain = iota // ♠ пики
	Clubs                  // ♣ трефы
	Diamonds               // ♦ бубны
	Hearts                 // ♥ червы
	NoTrump                // БК, без козыря
)

var strainLetters = [...]string{"S", "C", "D", "H", "NT"}

// String returns the strain as written in a pulka record: S, C, D, H or NT.
func (s Strain) String() string {
	if int(s) < len(strainLetters) {
		return strainLetters[s]
	}
	return fmt.Sprintf("Strain(%d)", uint8(s))
}

// Contract is a declared game (заказ): a trick contract of level 6..10 in a
// strain, or misère (мизер). The zero value is not a contract.
type Contract struct {
	// Level is the number of tricks the declarer must take, 6..10; 0 for misère.
	Level int
	// Strain is the trump suit or NoTrump; unused for misère.
	Strain Strain
	// Misere marks a misère: the declarer must take no trick.
	Misere bool
}

// Misere is the misère contract (мизер).
var Misere = Contract{Misere: true}

// Trick returns the trick contract of the given level and strain.
func Trick(level int, s Strain) Contract { return Contract{Level: level, Strain: s} }

// ParseContract reads a contract as written in a pulka record: "6S", "7H",
// "10NT" (level 6..10, strain S C D H NT) or "misere". Case is ignored.
func ParseContract(s string) (Contract, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "MISERE" {
		return Misere, nil
	}
	i := 0
	for i < len(u) && u[i] >= '0' && u[i] <= '9' {
		i++
	}
	if i == 0 || i > 2 {
		return Contract{}, fmt.Errorf("bad contract %q: want 6S..10NT or misere", s)
	}
	level, _ := strconv.Atoi(u[:i])
	if level < 6 || level > 10 {
		return Contract{}, fmt.Errorf("bad contract %q: level %d outside 6..10", s, level)
	}
	for st, name := range strainLetters {
		if u[i:] == name {
			return Trick(level, Strain(st)), nil
		}
	}
	return Contract{}, fmt.Errorf("bad contract %q: strain must be S, C, D, H or NT", s)
}

// String formats the contract as in a pulka record ("7H", "10NT", "misere").
func (c Contract) String() string {
	if c.Misere {
		return "misere"
	}
	return strconv.Itoa(c.Level) + c.Strain.String()
}

// Valid reports whether c is misère or a trick contract of level 6..10.
func (c Contract) Valid() bool {
	if c.Misere {
		return c.Level == 0 && c.Strain == 0
	}
	return c.Level >= 6 && c.Level <= 10 && c.Strain <= NoTrump
}

// Rank is the contract's place on the 26-step bid ladder (RULES §4.1):
// 6♠ = 1 … 8БК = 15, misère = 16, 9♠ = 17 … 10БК = 26; 0 when invalid.
func (c Contract) Rank() int {
	if !c.Valid() {
		return 0
	}
	if c.Misere {
		return 16
	}
	r := (c.Level-6)*5 + int(c.Strain) + 1
	if c.Level >= 9 {
		r++
	}
	return r
}

// Value is v(L), the pool price of the contract when made (RULES §8.1):
// 2·(L−5) for a trick contract, 10 for misère.
func (c Contract) Value() int {
	if c.Misere {
		return 10
	}
	return 2 * (c.Level - 5)
}

// Deal is the outcome of one deal as the score sheet needs it. Seats are
// indexes 0..n-1 clockwise; the dealer is not part of a Deal, the Sheet knows
// whose deal it is (Sheet.Dealer).
type Deal struct {
	// Raspasy marks an all-pass deal (распасы): only Tricks matter.
	Raspasy bool
	// Contract is the declared game; unused on raspasy.
	Contract Contract
	// Declarer is the seat of the declarer (разыгрывающий); unused on raspasy.
	Declarer int
	// Whist holds each defender's decision by seat. The declarer's entry and,
	// with four players, the dealer's entry are pref.CallNone, except that the
	// sitting-out dealer may say pref.CallWhist when the option dealer_may_whist is on
	// (FSPR, RULES §6). Misère has no decisions. A forced whist (checked ten,
	// Stalingrad) may be left as pref.CallNone for both defenders.
	Whist [MaxPlayers]pref.Call
	// Tricks are the tricks each seat took, when the deal was played. They
	// sum to 10 over the active players (raspasy with raspasy_talon =
	// participates: over all four, the dealer taking at most 2).
	Tricks [MaxPlayers]int
	// Conceded marks «без трёх»: the declarer refused to play after the
	// discard (option concede_without_three, Decision 9). Tricks are unused.
	Conceded bool
	// TalonBonus is the talon premium in whist-price units (0..3, RULES §6),
	// counted when the option talon_bonus is on. See pref.TalonBonus and TalonBonusOf.
	TalonBonus int
}
