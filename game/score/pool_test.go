package score

import (
	"errors"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// TestPoolOverflow checks RULES §10 for each overflow mode. Seat 0 holds 9
// of a target of 10 and makes a contract; the other pools start as given.
func TestPoolOverflow(t *testing.T) {
	tests := []struct {
		name     string
		conv     string
		players  int
		contract string
		others   []int // pools of seats 1.. before the deal
		pool     map[int]int
		mountain map[int]int
		whists   map[string]int
	}{
		{"help: the largest unclosed pool first", "sochi", 3, "8S", []int{5, 7},
			map[int]int{0: 1, 1: 2, 2: 3}, nil, map[string]int{"0>2": 30, "0>1": 20}},
		{"help: ties go first clockwise from the overflowing player (Decision 10)", "sochi", 3, "6S", []int{7, 7},
			map[int]int{0: 1, 1: 1}, nil, map[string]int{"0>1": 10}},
		{"help: nobody left to help, off the own mountain (may go negative)", "sochi", 3, "9S", []int{9, 10},
			map[int]int{0: 1, 1: 1}, map[int]int{0: -6}, map[string]int{"0>1": 10}},
		{"help with 4 players includes the dealer", "sochi", 4, "6S", []int{10, 10, 3},
			map[int]int{0: 1, 3: 1}, nil, map[string]int{"0>3": 10}},
		{"mountain_x2 (Leningrad): twice the excess off the mountain", "leningrad", 3, "8S", []int{5, 7},
			map[int]int{0: 1}, map[int]int{0: -10}, nil},
		{"mountain_only (Codex): the excess off the mountain", "codex", 3, "8S", []int{5, 7},
			map[int]int{0: 1}, map[int]int{0: -5}, nil},
		{"none (FSPR): pools grow past the target", "fspr", 3, "8S", []int{5, 7},
			map[int]int{0: 6}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSettings(t, tc.conv, tc.players, func(s *Settings) { s.PoolTarget = 10 })
			sh, _ := NewSheet(s, tc.players-1)
			sh.Pool[0] = Pts(9)
			for i, p := range tc.others {
				sh.Pool[i+1] = Pts(p)
			}
			before := *sh
			c, _ := ParseContract(tc.contract)
			if err := sh.Apply(Deal{Contract: c, Declarer: 0, Whist: [4]pref.Call{0, pref.CallPass, pref.CallPass}}); err != nil {
				t.Fatal(err)
			}
			got := deltaOf(t, &before, sh)
			if !sameInts(got.pool, orEmpty(tc.pool)) || !sameInts(got.mountain, orEmpty(tc.mountain)) ||
				!sameStrInts(got.whists, orEmptyS(tc.whists)) {
				t.Errorf("got %+v\nwant pool %v mountain %v whists %v", got, tc.pool, tc.mountain, tc.whists)
			}
			if s.Overflow != OverflowNone {
				for p := 0; p < tc.players; p++ {
					if sh.Pool[p] > Pts(10) {
						t.Errorf("seat %d pool %v past the target", p, sh.Pool[p])
					}
				}
			}
		})
	}
}

// TestPulkaEnd checks RULES §11: the pulka ends after the deal that closes
// the last pool, and further deals are refused; max_deals also ends it.
func TestPulkaEnd(t *testing.T) {
	s := mustSettings(t, "sochi", 3, func(s *Settings) { s.PoolTarget = 2 })
	sh, _ := NewSheet(s, 2)
	for p := 0; p < 3; p++ {
		if sh.Over() {
			t.Fatalf("over after %d deals", p)
		}
		if err := sh.Apply(played("6S", p, map[int]pref.Call{(p + 1) % 3: pref.CallPass, (p + 2) % 3: pref.CallPass})); err != nil {
			t.Fatal(err)
		}
	}
	if !sh.Over() {
		t.Fatal("every pool is closed: want Over")
	}
	if err := sh.Apply(raspasyDeal(3, 3, 4)); !errors.Is(err, ErrPulkaOver) {
		t.Errorf("got %v, want ErrPulkaOver", err)
	}
	m := mustSettings(t, "fspr", 3, func(s *Settings) { s.MaxDeals = 1 })
	sh, _ = NewSheet(m, 2)
	_ = sh.Apply(raspasyDeal(3, 3, 4))
	if !sh.Over() {
		t.Error("max_deals 1 reached: want Over")
	}
}
