package score

import (
	"errors"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// entries is a compact sheet delta for table tests: whole points only.
// Whists are keyed "a>b" (a wrote on b).
type entries struct {
	pool, mountain map[int]int
	whists         map[string]int
}

// deltaOf compares two sheets and returns the difference in whole points
// (halves are reported in twelfths under the key "frac").
func deltaOf(t *testing.T, before, after *Sheet) entries {
	t.Helper()
	e := entries{pool: map[int]int{}, mountain: map[int]int{}, whists: map[string]int{}}
	whole := func(p Points) int {
		if !p.IsWhole() {
			t.Fatalf("delta %v is not whole", p)
		}
		return int(p / pointsDen)
	}
	for a := 0; a < rules.MaxPlayers; a++ {
		if d := after.Pool[a] - before.Pool[a]; d != 0 {
			e.pool[a] = whole(d)
		}
		if d := after.Mountain[a] - before.Mountain[a]; d != 0 {
			e.mountain[a] = whole(d)
		}
		for b := 0; b < rules.MaxPlayers; b++ {
			if d := after.Whists[a][b] - before.Whists[a][b]; d != 0 {
				e.whists[string(rune('0'+a))+">"+string(rune('0'+b))] = whole(d)
			}
		}
	}
	return e
}

func sameInts(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sameStrInts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// mustSettings returns a preset with options applied as Go values.
func mustSettings(t testing.TB, conv string, players int, edit func(*Settings)) Settings {
	t.Helper()
	s, err := Preset(conv)
	if err != nil {
		t.Fatal(err)
	}
	s.Players = players
	s.PoolTarget = 50
	if edit != nil {
		edit(&s)
	}
	return s
}

// applyOne applies d to a fresh sheet (dealer = the last seat, so with 3
// players seat 0 is the first hand and with 4 the seats 0, 1, 2 play) and
// returns the delta.
func applyOne(t *testing.T, s Settings, d Deal) (entries, error) {
	t.Helper()
	sh, err := NewSheet(s, s.Players-1)
	if err != nil {
		t.Fatal(err)
	}
	before := *sh
	if err := sh.Apply(d); err != nil {
		if *sh != before {
			t.Fatalf("a failed Apply changed the sheet")
		}
		return entries{}, err
	}
	return deltaOf(t, &before, sh), nil
}

func played(c string, decl int, whist map[int]pref.Call, tricks ...int) Deal {
	ct, err := ParseContract(c)
	if err != nil {
		panic(err)
	}
	d := Deal{Contract: ct, Declarer: decl}
	for p, w := range whist {
		d.Whist[p] = w
	}
	copy(d.Tricks[:], tricks)
	return d
}

var (
	bothWhist = map[int]pref.Call{1: pref.CallWhist, 2: pref.CallWhist}
	fWhist    = map[int]pref.Call{1: pref.CallWhist, 2: pref.CallPass}
	sWhist    = map[int]pref.Call{1: pref.CallPass, 2: pref.CallWhist}
	bothPass  = map[int]pref.Call{1: pref.CallPass, 2: pref.CallPass}
	halfWhist = map[int]pref.Call{1: pref.CallPass, 2: pref.CallHalf}
	returned  = map[int]pref.Call{1: pref.CallReturned, 2: pref.CallHalf}
)

// TestTrickContractScoring checks the formulas of RULES §8.3 (played),
// §8.5 (responsibility), §8.6 (unplayed) and §8.8 (forced whisting). Seat 0
// declares; seat 1 is F, seat 2 is S; with 4 players seat 3 deals.
func TestTrickContractScoring(t *testing.T) {
	tests := []struct {
		name     string
		conv     string
		players  int
		edit     func(*Settings)
		deal     Deal
		pool     map[int]int
		mountain map[int]int
		whists   map[string]int
	}{
		{"made contract writes v to the pool, whists for tricks (7, Sochi)", "sochi", 3, nil,
			played("7H", 0, bothWhist, 7, 2, 1), map[int]int{0: 4}, nil, map[string]int{"1>0": 8, "2>0": 4}},
		{"contract value v(L) = 2(L-5) (10NT)", "sochi", 3, nil,
			played("10NT", 0, nil, 10, 0, 0), map[int]int{0: 10}, nil, nil},
		{"failed contract: undertricks to the mountain and consolation from both (Sochi)", "sochi", 3, nil,
			played("7S", 0, bothWhist, 5, 3, 2), nil, map[int]int{0: 8}, map[string]int{"1>0": 12 + 8, "2>0": 8 + 8}},
		{"Leningrad doubles price and fail", "leningrad", 3, nil,
			played("7S", 0, bothWhist, 5, 3, 2), nil, map[int]int{0: 16}, map[string]int{"1>0": 24 + 16, "2>0": 16 + 16}},
		{"Rostov consolation is a fixed 10 per undertrick", "rostov", 3, nil,
			played("7S", 0, bothWhist, 5, 3, 2), nil, map[int]int{0: 8}, map[string]int{"1>0": 12 + 20, "2>0": 8 + 20}},
		{"consolation none", "sochi", 3, func(s *Settings) { s.Consolation = ConsolationNone },
			played("7S", 0, bothWhist, 5, 3, 2), nil, map[int]int{0: 8}, map[string]int{"1>0": 12, "2>0": 8}},
		{"greedy lone whister writes all side tricks; passer writes consolation only", "sochi", 3, nil,
			played("6S", 0, fWhist, 4, 3, 3), nil, map[int]int{0: 4}, map[string]int{"1>0": 12 + 4, "2>0": 4}},
		{"gentleman split on a failed contract (Leningrad)", "leningrad", 3, nil,
			played("6S", 0, fWhist, 5, 3, 2), nil, map[int]int{0: 4}, map[string]int{"1>0": 10 + 4, "2>0": 10 + 4}},
		{"gentleman on_remise: made contract, the whister writes all", "leningrad", 3, nil,
			played("6S", 0, fWhist, 6, 3, 1), map[int]int{0: 2}, nil, map[string]int{"1>0": 16}},
		{"gentleman always (FSPR): made contract split too", "fspr", 3, func(s *Settings) { s.TalonBonus = false },
			played("6S", 0, fWhist, 6, 3, 1), map[int]int{0: 2}, nil, map[string]int{"1>0": 8, "2>0": 8}},
		{"lone whister is S when F passes", "sochi", 3, nil,
			played("7D", 0, sWhist, 7, 1, 2), map[int]int{0: 4}, nil, map[string]int{"2>0": 12}},
		{"lone whister short: full responsibility (Sochi 6, side took 3)", "sochi", 3, nil,
			played("6C", 0, fWhist, 7, 2, 1), map[int]int{0: 2}, map[int]int{1: 2}, map[string]int{"1>0": 6}},
		{"lone whister short: half responsibility (Rostov 7, side took 0)", "rostov", 3, nil,
			played("7C", 0, sWhist, 10, 0, 0), map[int]int{0: 4}, map[int]int{2: 4}, nil},
		{"no responsibility when whist_resp = none", "sochi", 3, func(s *Settings) { s.WhistResp = RespNone },
			played("6C", 0, fWhist, 7, 2, 1), map[int]int{0: 2}, nil, map[string]int{"1>0": 6}},
		{"both pass: declarer credited, nobody else", "sochi", 3, nil,
			played("8H", 0, bothPass), map[int]int{0: 6}, nil, nil},
		{"half-whist on 6 (Sochi): S writes 4", "sochi", 3, nil,
			played("6S", 0, halfWhist), map[int]int{0: 2}, nil, map[string]int{"2>0": 4}},
		{"half-whist on 7 (Sochi): S writes 4", "sochi", 3, nil,
			played("7S", 0, halfWhist), map[int]int{0: 4}, nil, map[string]int{"2>0": 4}},
		{"half-whist on 6 (Leningrad): S writes 8", "leningrad", 3, nil,
			played("6S", 0, halfWhist), map[int]int{0: 2}, nil, map[string]int{"2>0": 8}},
		{"returned half-whist: S takes no part in consolation (Decision 17)", "sochi", 3, nil,
			played("7D", 0, returned, 6, 1, 3), nil, map[int]int{0: 4}, map[string]int{"1>0": 16 + 4}},
		{"returned half-whist: S takes no part in a gentleman split", "leningrad", 3, nil,
			played("7D", 0, returned, 6, 1, 3), nil, map[int]int{0: 8}, map[string]int{"1>0": 32 + 8}},
		{"checked ten: forced whist, obligation 0, no responsibility", "sochi", 3, nil,
			played("10H", 0, nil, 10, 0, 0), map[int]int{0: 10}, nil, nil},
		{"checked ten failed: whists and consolation as usual", "sochi", 3, nil,
			played("10H", 0, nil, 9, 1, 0), nil, map[int]int{0: 10}, map[string]int{"1>0": 10 + 10, "2>0": 10}},
		{"whisted ten: second whister answers (Codex)", "codex", 3, nil,
			played("10H", 0, bothWhist, 10, 0, 0), map[int]int{0: 10}, map[int]int{2: 10}, nil},
		{"Stalingrad: 6S whisted by both with responsibility", "sochi", 3, func(s *Settings) { s.Stalingrad = true },
			played("6S", 0, nil, 8, 1, 1), map[int]int{0: 2}, map[int]int{1: 2, 2: 2}, map[string]int{"1>0": 2, "2>0": 2}},
		{"4 players: the dealer writes consolation", "sochi", 4, nil,
			played("6H", 0, bothWhist, 5, 3, 2), nil, map[int]int{0: 2}, map[string]int{"1>0": 6 + 2, "2>0": 4 + 2, "3>0": 2}},
		{"4 players: consolation_to_dealer off", "sochi", 4, func(s *Settings) { s.ConsolationToDealer = false },
			played("6H", 0, bothWhist, 5, 3, 2), nil, map[int]int{0: 2}, map[string]int{"1>0": 6 + 2, "2>0": 4 + 2}},
		{"4 players FSPR: the dealer whists after pass and half-whist, writes everything", "fspr", 4, func(s *Settings) { s.TalonBonus = false },
			played("6H", 0, map[int]pref.Call{1: pref.CallPass, 2: pref.CallHalf, 3: pref.CallWhist}, 5, 3, 2), nil, map[int]int{0: 4},
			map[string]int{"3>0": 20 + 4}}, // side's tricks, the consolation once (RULES §6, as [F])
		{"4 players FSPR: the whisting dealer writes one consolation with consolation_to_dealer off", "fspr", 4,
			func(s *Settings) { s.TalonBonus, s.ConsolationToDealer = false, false },
			played("6H", 0, map[int]pref.Call{1: pref.CallPass, 2: pref.CallHalf, 3: pref.CallWhist}, 5, 3, 2), nil, map[int]int{0: 4},
			map[string]int{"3>0": 20 + 4}},
		{"talon bonus, 3 players: each defender writes half", "sochi", 3, func(s *Settings) { s.TalonBonus = true },
			func() Deal { d := played("7S", 0, bothWhist, 7, 2, 1); d.TalonBonus = 2; return d }(),
			map[int]int{0: 4}, nil, map[string]int{"1>0": 8 + 4, "2>0": 4 + 4}},
		{"talon bonus off: ignored", "sochi", 3, nil,
			func() Deal { d := played("7S", 0, bothWhist, 7, 2, 1); d.TalonBonus = 2; return d }(),
			map[int]int{0: 4}, nil, map[string]int{"1>0": 8, "2>0": 4}},
		{"concede without three (Decision 9)", "sochi", 3, func(s *Settings) { s.ConcedeWithoutThree = true },
			Deal{Contract: rules.BidOf(7, rules.Strain(rules.Hearts)), Declarer: 0, Conceded: true},
			nil, map[int]int{0: 12}, map[string]int{"1>0": 12 + 12, "2>0": 12 + 12}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSettings(t, tc.conv, tc.players, tc.edit)
			got, err := applyOne(t, s, tc.deal)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if !sameInts(got.pool, orEmpty(tc.pool)) || !sameInts(got.mountain, orEmpty(tc.mountain)) ||
				!sameStrInts(got.whists, orEmptyS(tc.whists)) {
				t.Errorf("got pool %v mountain %v whists %v\nwant pool %v mountain %v whists %v",
					got.pool, got.mountain, got.whists, tc.pool, tc.mountain, tc.whists)
			}
		})
	}
}

func orEmpty(m map[int]int) map[int]int {
	if m == nil {
		return map[int]int{}
	}
	return m
}

func orEmptyS(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// TestMisereScoring checks RULES §8.7: 10 to the pool when clean, misere_mult
// per trick to the mountain otherwise, nothing for the catchers.
func TestMisereScoring(t *testing.T) {
	tests := []struct {
		name     string
		conv     string
		tricks   []int
		pool     map[int]int
		mountain map[int]int
	}{
		{"clean misère writes 10 to the pool", "sochi", []int{0, 5, 5}, map[int]int{0: 10}, nil},
		{"Sochi misère: 10 per trick", "sochi", []int{2, 4, 4}, nil, map[int]int{0: 20}},
		{"Leningrad misère: 20 per trick", "leningrad", []int{1, 5, 4}, nil, map[int]int{0: 20}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Deal{Contract: rules.Misere, Declarer: 0}
			copy(d.Tricks[:], tc.tricks)
			got, err := applyOne(t, mustSettings(t, tc.conv, 3, nil), d)
			if err != nil {
				t.Fatal(err)
			}
			if !sameInts(got.pool, orEmpty(tc.pool)) || !sameInts(got.mountain, orEmpty(tc.mountain)) || len(got.whists) != 0 {
				t.Errorf("got %+v, want pool %v mountain %v", got, tc.pool, tc.mountain)
			}
		})
	}
}

// TestInvalidDeals checks that Apply rejects bad deals with the field named
// and leaves the sheet alone.
func TestInvalidDeals(t *testing.T) {
	tests := []struct {
		name    string
		conv    string
		players int
		deal    Deal
		field   string
		msg     string
	}{
		{"tricks must sum to 10", "sochi", 3, played("6S", 0, bothWhist, 6, 2, 1), "tricks", "sum to 9"},
		{"tricks in range", "sochi", 3, played("6S", 0, bothWhist, 11, -1, 0), "tricks", "want 0..10"},
		{"half-whist only on 6 and 7 (E12 W3)", "sochi", 3, played("8D", 0, halfWhist), "whist", "only for 6 and 7"},
		{"F cannot half-whist", "sochi", 3, played("6D", 0, map[int]pref.Call{1: pref.CallHalf, 2: pref.CallPass}), "whist", "speaks first"},
		{"S cannot half-whist after a whist", "sochi", 3, played("6D", 0, map[int]pref.Call{1: pref.CallWhist, 2: pref.CallHalf}), "whist", "after a whist"},
		{"return only after half-whist", "sochi", 3, played("6D", 0, map[int]pref.Call{1: pref.CallReturned, 2: pref.CallPass}), "whist", "only after a half-whist"},
		{"missing decision", "sochi", 3, played("6D", 0, map[int]pref.Call{1: pref.CallPass}, 0), "whist", "missing"},
		{"unplayed deal has no tricks", "sochi", 3, played("6D", 0, bothPass, 6, 2, 2), "tricks", "not played"},
		{"dealer cannot declare (4 players)", "sochi", 4, played("6D", 3, nil), "declarer", "sits this deal out"},
		{"dealer takes no tricks (4 players)", "sochi", 4, played("6D", 0, bothWhist, 6, 2, 1, 1), "tricks", "sits this deal out"},
		{"forced whist cannot be passed (checked ten)", "sochi", 3, played("10S", 0, bothPass), "whist", "by force"},
		{"misère is not whisted", "sochi", 3, Deal{Contract: rules.Misere, Whist: [4]pref.Call{0, pref.CallWhist}, Tricks: [4]int{0, 5, 5}}, "whist", "not whisted"},
		{"raspasy cannot be conceded", "sochi", 3, Deal{Raspasy: true, Conceded: true, Tricks: [4]int{3, 3, 4}}, "raspasy", "conceded"},
		{"invalid contract", "sochi", 3, Deal{Contract: rules.Bid(27)}, "contract", "not a contract"},
		{"declarer out of range", "sochi", 3, played("6S", 5, nil), "declarer", "out of range"},
		{"concede needs the option", "sochi", 3, Deal{Contract: rules.BidOf(6, rules.Strain(rules.Spades)), Conceded: true}, "contract", "concede_without_three"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := applyOne(t, mustSettings(t, tc.conv, tc.players, nil), tc.deal)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FieldError", err)
			}
			if fe.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %q, want field %s and %q", err, tc.field, tc.msg)
			}
		})
	}
	t.Run("half-whist off", func(t *testing.T) {
		s := mustSettings(t, "sochi", 3, func(s *Settings) { s.HalfWhist = false })
		if _, err := applyOne(t, s, played("6D", 0, halfWhist)); err == nil || !strings.Contains(err.Error(), "half_whist") {
			t.Errorf("got %v, want the half_whist option named", err)
		}
	})
}

// TestSettingsPerConvention checks the §8.2 table and the E13 FSPR price
// table: value, whist price, declarer fail, whister responsibility.
func TestSettingsPerConvention(t *testing.T) {
	type row struct{ pool, whist, fail, resp int } // resp in half points
	tests := []struct {
		conv string
		rows map[int]row // by level
	}{
		{"sochi", map[int]row{6: {2, 2, 2, 4}, 7: {4, 4, 4, 8}, 8: {6, 6, 6, 12}, 9: {8, 8, 8, 16}, 10: {10, 10, 10, 20}}},
		{"fspr", map[int]row{6: {2, 4, 4, 4}, 7: {4, 8, 8, 8}, 8: {6, 12, 12, 12}, 9: {8, 16, 16, 16}, 10: {10, 20, 20, 20}}},
		{"leningrad", map[int]row{6: {2, 4, 4, 4}, 8: {6, 12, 12, 12}}},
		{"rostov", map[int]row{6: {2, 2, 2, 2}, 7: {4, 4, 4, 4}, 10: {10, 10, 10, 10}}},
	}
	for _, tc := range tests {
		s := mustSettings(t, tc.conv, 3, nil)
		for level, want := range tc.rows {
			c := rules.BidOf(level, rules.Strain(rules.Hearts))
			got := row{c.Value(), s.Price(c), c.Value() * s.FailMult, int(s.RespRate(c) * 2 / pointsDen)}
			if got != want {
				t.Errorf("%s level %d: got %+v, want %+v", tc.conv, level, got, want)
			}
		}
	}
	if s := mustSettings(t, "fspr", 3, nil); s.MisereMult != 20 {
		t.Errorf("fspr misère mountain per trick %d, want 20", s.MisereMult)
	}
}

// TestObligation checks RULES §5.1.
func TestObligation(t *testing.T) {
	checked := mustSettings(t, "sochi", 3, nil)
	whisted := mustSettings(t, "codex", 3, nil)
	for level, want := range map[int][2]int{6: {4, 4}, 7: {2, 2}, 8: {1, 1}, 9: {1, 1}, 10: {0, 1}} {
		c := rules.BidOf(level, rules.NoTrump)
		if got := [2]int{checked.Obligation(c), whisted.Obligation(c)}; got != want {
			t.Errorf("level %d: obligation (checked, whisted) = %v, want %v", level, got, want)
		}
	}
}
