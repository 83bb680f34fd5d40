package score

import (
	"math/big"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
	"pgregory.net/rapid"
)

// genSettings draws a convention, a player count and a few option changes.
func genSettings(t *rapid.T) Settings {
	conv := rapid.SampledFrom([]Convention{Codex, Sochi, Leningrad, Rostov, FSPR, Custom}).Draw(t, "convention")
	s := PresetOf(conv)
	s.Players = rapid.IntRange(3, 4).Draw(t, "players")
	s.PoolTarget = rapid.SampledFrom([]int{4, 10, 20}).Draw(t, "pool_target")
	if rapid.Bool().Draw(t, "change options") {
		s.Overflow = rapid.SampledFrom([]Overflow{OverflowHelp, OverflowMountainOnly, OverflowMountainX2, OverflowNone}).Draw(t, "overflow")
		s.WhistStyle = rapid.SampledFrom([]WhistStyle{Greedy, Gentleman}).Draw(t, "whist_style")
		s.Stalingrad = rapid.Bool().Draw(t, "stalingrad")
		s.TenMode = rapid.SampledFrom([]pref.TenMode{pref.TenChecked, pref.TenWhisted}).Draw(t, "ten_mode")
		s.ConcedeWithoutThree = rapid.Bool().Draw(t, "concede_without_three")
		s.TalonBonus = rapid.Bool().Draw(t, "talon_bonus")
		s.RaspasyScoring = rapid.SampledFrom([]RaspasyScoring{RaspasyMountain, RaspasyWhists}).Draw(t, "raspasy_scoring")
		s.PoolFactor = rapid.IntRange(1, 2).Draw(t, "pool_factor")
	}
	return s
}

// genTricks splits 10 tricks among three seats.
func genTricks(t *rapid.T, seats [3]int, total int) [rules.MaxPlayers]int {
	var tr [rules.MaxPlayers]int
	a := rapid.IntRange(0, total).Draw(t, "t0")
	b := rapid.IntRange(0, total-a).Draw(t, "t1")
	tr[seats[0]], tr[seats[1]], tr[seats[2]] = a, b, total-a-b
	return tr
}

// genDeal draws a valid deal for the sheet's next deal.
func genDeal(t *rapid.T, sh *Sheet) Deal {
	s := sh.Settings()
	active := sh.Active()
	kind := rapid.IntRange(0, 9).Draw(t, "kind")
	if kind < 2 {
		d := Deal{Raspasy: true}
		total := 10
		if s.Players == 4 && s.RaspasyTalon == pref.TalonParticipates {
			dt := rapid.IntRange(0, 2).Draw(t, "dealer talon tricks")
			total -= dt
			d.Tricks = genTricks(t, active, total)
			d.Tricks[sh.Dealer()] = dt
			return d
		}
		d.Tricks = genTricks(t, active, total)
		return d
	}
	decl := active[rapid.IntRange(0, 2).Draw(t, "declarer")]
	if kind == 2 && sh.MinLevel() <= 8 {
		d := Deal{Contract: rules.Misere, Declarer: decl, Tricks: genTricks(t, active, 10)}
		return d
	}
	level := rapid.IntRange(sh.MinLevel(), 10).Draw(t, "level")
	c := rules.BidOf(level, rules.Strain(rapid.IntRange(0, 4).Draw(t, "strain")))
	d := Deal{Contract: c, Declarer: decl, TalonBonus: rapid.IntRange(0, 3).Draw(t, "talon bonus")}
	if s.ConcedeWithoutThree && rapid.IntRange(0, 9).Draw(t, "concede") == 0 {
		d.Conceded = true
		return d
	}
	f, sec := sh.defenders(decl)
	if s.Forced(c) {
		d.Tricks = genTricks(t, active, 10)
		return d
	}
	type choice struct{ f, s, dealer pref.Call }
	choices := []choice{{pref.CallWhist, pref.CallWhist, 0}, {pref.CallWhist, pref.CallPass, 0}, {pref.CallPass, pref.CallWhist, 0}, {pref.CallPass, pref.CallPass, 0}}
	if s.HalfWhist && level <= 7 {
		choices = append(choices, choice{pref.CallPass, pref.CallHalf, 0}, choice{pref.CallReturned, pref.CallHalf, 0})
		if s.Players == 4 && s.DealerMayWhist {
			choices = append(choices, choice{pref.CallPass, pref.CallHalf, pref.CallWhist})
		}
	}
	ch := rapid.SampledFrom(choices).Draw(t, "whist")
	d.Whist[f], d.Whist[sec] = ch.f, ch.s
	if ch.dealer != 0 {
		d.Whist[sh.Dealer()] = ch.dealer
	}
	if ch.s == pref.CallWhist || ch.f == pref.CallWhist || ch.f == pref.CallReturned || ch.dealer == pref.CallWhist {
		d.Tricks = genTricks(t, active, 10)
	}
	return d
}

// genPulka plays up to 30 random deals, stopping when the pulka ends.
func genPulka(t *rapid.T, s Settings) (*Sheet, []Deal) {
	sh, err := NewSheet(s, rapid.IntRange(0, s.Players-1).Draw(t, "first dealer"))
	if err != nil {
		t.Fatal(err)
	}
	var deals []Deal
	n := rapid.IntRange(0, 30).Draw(t, "deals")
	for i := 0; i < n && !sh.Over(); i++ {
		d := genDeal(t, sh)
		if err := sh.Apply(d); err != nil {
			t.Fatalf("deal %d %+v: %v", i, d, err)
		}
		deals = append(deals, d)
	}
	return sh, deals
}

// TestPropertyResultsSumToZero checks RULES §15 item 1: the exact results
// and the money sum to zero, and the rounded results too, each within 1 of
// the exact one.
func TestPropertyResultsSumToZero(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sh, _ := genPulka(t, genSettings(t))
		res, err := sh.Settle()
		if err != nil {
			t.Fatal(err)
		}
		sum, money := new(big.Rat), new(big.Rat)
		var rounded int64
		for p := 0; p < res.Players; p++ {
			sum.Add(sum, res.Exact[p])
			money.Add(money, res.Money[p])
			rounded += res.Rounded[p]
			diff := new(big.Rat).Sub(res.Exact[p], big.NewRat(res.Rounded[p], 1))
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("seat %d: rounded %d is 1 or more from %s", p, res.Rounded[p], res.Exact[p].RatString())
			}
		}
		if sum.Sign() != 0 || money.Sign() != 0 || rounded != 0 {
			t.Fatalf("sums: exact %s, money %s, rounded %d", sum.RatString(), money.RatString(), rounded)
		}
	})
}

// TestPropertyAmnestyInvariance checks RULES §15 item 2: adding the same
// constant to every mountain (amnesty, §12 step 2) does not change the
// settlement; and, for three players, per-deal raspasy amnesty (§9.1:
// subtracting the smallest trick count at the deal's price) does not either.
func TestPropertyAmnestyInvariance(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSettings(t)
		sh, err := NewSheet(s, 0)
		if err != nil {
			t.Fatal(err)
		}
		amnestied := *sh
		n := rapid.IntRange(0, 25).Draw(t, "deals")
		for i := 0; i < n && !sh.Over(); i++ {
			d := genDeal(t, sh)
			price := s.RaspasyPrice(sh.Series() + 1)
			if err := sh.Apply(d); err != nil {
				t.Fatal(err)
			}
			if err := amnestied.Apply(d); err != nil {
				t.Fatal(err)
			}
			if d.Raspasy && s.Players == 3 && s.RaspasyScoring == RaspasyMountain {
				m := min(d.Tricks[0], d.Tricks[1], d.Tricks[2])
				for p := 0; p < 3; p++ {
					amnestied.Mountain[p] -= Pts(m * price)
				}
			}
		}
		c := Points(rapid.Int64Range(-1000*pointsDen, 1000*pointsDen).Draw(t, "constant"))
		shifted := *sh
		for p := 0; p < s.Players; p++ {
			shifted.Mountain[p] += c
		}
		want, _ := sh.Settle()
		for name, other := range map[string]*Sheet{"settlement amnesty": &shifted, "per-deal raspasy amnesty": &amnestied} {
			got, err := other.Settle()
			if err != nil {
				t.Fatal(err)
			}
			for p := 0; p < s.Players; p++ {
				if got.Exact[p].Cmp(want.Exact[p]) != 0 || got.Rounded[p] != want.Rounded[p] {
					t.Fatalf("%s changed seat %d: %s -> %s", name, p, want.Exact[p].RatString(), got.Exact[p].RatString())
				}
			}
		}
	})
}

// TestPropertyNoPoolPastTarget checks RULES §15 item 4.
func TestPropertyNoPoolPastTarget(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSettings(t)
		if s.Overflow == OverflowNone {
			s.Overflow = OverflowHelp
		}
		sh, _ := genPulka(t, s)
		for p := 0; p < s.Players; p++ {
			if sh.Pool[p] > Pts(s.PoolTarget) || sh.Pool[p] < 0 {
				t.Fatalf("seat %d pool %v, target %d", p, sh.Pool[p], s.PoolTarget)
			}
		}
	})
}

// TestPropertyDealInvariants checks RULES §15 items 5, 6 and 7 deal by deal:
// the same deal on two copies of a sheet gives the same sheet; a misère
// leaves the catchers' entries alone; in Sochi (greedy) a failed contract
// with a lone whister leaves the passer only the consolation.
func TestPropertyDealInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSettings(t)
		sh, err := NewSheet(s, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := rapid.IntRange(1, 25).Draw(t, "deals")
		for i := 0; i < n && !sh.Over(); i++ {
			d := genDeal(t, sh)
			before, replay := *sh, *sh
			if err := sh.Apply(d); err != nil {
				t.Fatal(err)
			}
			if err := replay.Apply(d); err != nil || replay != *sh {
				t.Fatalf("replaying deal %d gave another sheet (%v)", i, err)
			}
			// Help (помощь) from an overflowing declarer is pool overflow, not misère scoring.
			helped := s.Overflow == OverflowHelp && before.Pool[d.Declarer]+Pts(10) > Pts(s.PoolTarget)
			if !d.Raspasy && d.Contract == rules.Misere && !helped {
				for p := 0; p < s.Players; p++ {
					if p == d.Declarer {
						continue
					}
					if sh.Pool[p] != before.Pool[p] || sh.Mountain[p] != before.Mountain[p] || sh.Whists[p] != before.Whists[p] {
						t.Fatalf("misère changed catcher %d", p)
					}
				}
			}
			if !d.Raspasy && d.Contract != rules.Misere && !d.Conceded && s.WhistStyle == Greedy &&
				d.Tricks[d.Declarer] < d.Contract.Level() && !s.Forced(d.Contract) {
				f, sec := before.defenders(d.Declarer)
				passer := -1
				switch {
				case d.Whist[f] == pref.CallWhist && d.Whist[sec] == pref.CallPass:
					passer = sec
				case d.Whist[f] == pref.CallPass && d.Whist[sec] == pref.CallWhist:
					passer = f
				}
				if passer < 0 {
					continue
				}
				under := d.Contract.Level() - d.Tricks[d.Declarer]
				bonus := Points(0)
				if s.TalonBonus && s.Players == 3 {
					bonus = Half(d.TalonBonus * s.Price(d.Contract))
				}
				want := before.Whists[passer]
				want[d.Declarer] += Pts(under*s.ConsolationRate(d.Contract)) + bonus
				if sh.Whists[passer] != want || sh.Mountain[passer] != before.Mountain[passer] || sh.Pool[passer] != before.Pool[passer] {
					t.Fatalf("greedy passer %d: whists %v, want %v", passer, sh.Whists[passer], want)
				}
			}
		}
	})
}

// TestPropertyRecordMatchesSheet checks that a pulka written as a record
// and run through Run gives the same final sheet as applying the deals.
func TestPropertyRecordMatchesSheet(t *testing.T) {
	names := []string{"N", "E", "S", "W"}
	rapid.Check(t, func(t *rapid.T) {
		s := genSettings(t)
		s.TalonBonus = false // a record holds talon cards, not the bonus
		sh, deals := genPulka(t, s)
		players := names[:s.Players]
		r := Record{Convention: s.Convention.String(), Players: players, PoolTarget: s.PoolTarget,
			FirstDealer: players[sh.FirstDealer()], Options: s.Overrides()}
		for _, d := range deals {
			if d.Conceded {
				return // «без трёх» has no record form
			}
			r.Deals = append(r.Deals, RecordDealOf(d, players))
		}
		_, got, err := Run(r)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if got.Pool != sh.Pool || got.Mountain != sh.Mountain || got.Whists != sh.Whists {
			t.Fatalf("record sheet differs:\n%+v\n%+v", got, sh)
		}
	})
}

// TestPropertyDeltaDependsOnDealOnly checks RULES §15 item 5: without pool
// overflow, a contract's sheet delta depends only on the deal and the seats,
// not on what the sheet held before.
func TestPropertyDeltaDependsOnDealOnly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSettings(t)
		s.Overflow, s.RaspasyExit = OverflowNone, pref.Exit{6, 6, 6}
		old, _ := genPulka(t, s)
		fresh, err := NewSheet(s, old.Dealer())
		if err != nil {
			t.Fatal(err)
		}
		d := genDeal(t, old)
		if d.Raspasy { // a raspasy's price depends on the series: state, by design
			return
		}
		a, b := *old, *fresh
		if err := a.Apply(d); err != nil {
			t.Fatal(err)
		}
		if err := b.Apply(d); err != nil {
			t.Fatal(err)
		}
		for p := 0; p < s.Players; p++ {
			if a.Pool[p]-old.Pool[p] != b.Pool[p] || a.Mountain[p]-old.Mountain[p] != b.Mountain[p] {
				t.Fatalf("seat %d: delta differs with history", p)
			}
			for q := 0; q < s.Players; q++ {
				if a.Whists[p][q]-old.Whists[p][q] != b.Whists[p][q] {
					t.Fatalf("whists %d on %d: delta differs with history", p, q)
				}
			}
		}
	})
}
