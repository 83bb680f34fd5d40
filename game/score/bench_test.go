package score

import (
	"bytes"
	"os"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// BenchmarkApplyDeal measures scoring one played trick contract with a
// failed declarer, consolation and responsibility.
func BenchmarkApplyDeal(b *testing.B) {
	s := PresetOf(Sochi)
	s.Overflow = OverflowNone
	sh, err := NewSheet(s, 2)
	if err != nil {
		b.Fatal(err)
	}
	d := Deal{Contract: rules.BidOf(7, rules.Strain(rules.Hearts)), Declarer: 0, Whist: [4]pref.Call{0, pref.CallWhist, pref.CallWhist}, Tricks: [4]int{5, 4, 1}}
	b.ReportAllocs()
	for b.Loop() {
		c := *sh
		if err := c.Apply(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyRaspasy measures scoring one raspasy deal.
func BenchmarkApplyRaspasy(b *testing.B) {
	sh, err := NewSheet(PresetOf(Leningrad), 2)
	if err != nil {
		b.Fatal(err)
	}
	d := Deal{Raspasy: true, Tricks: [4]int{0, 4, 6}}
	b.ReportAllocs()
	for b.Loop() {
		c := *sh
		if err := c.Apply(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSettle measures the final settlement of a whole pulka (the E13
// FSPR match sheet, four players, exact rationals and rounding).
func BenchmarkSettle(b *testing.B) {
	data, err := os.ReadFile("testdata/e13_fspr_match.json")
	if err != nil {
		b.Fatal(err)
	}
	rec, err := DecodeBytes(data)
	if err != nil {
		b.Fatal(err)
	}
	_, sh, err := Run(rec)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sh.Settle(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunRecord measures a whole pulka record end to end: decode,
// score every deal, settle and encode the output.
func BenchmarkRunRecord(b *testing.B) {
	data, err := os.ReadFile("testdata/format_example.json")
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		out.Reset()
		if err := RunJSON(bytes.NewReader(data), &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPulka measures a whole Sochi pulka to its end: deals cycling
// through a made contract, a failed one, a half-whist, raspasy and misère
// until every pool of 20 is closed, then the settlement.
func BenchmarkPulka(b *testing.B) {
	s := PresetOf(Sochi)
	cycle := []func(decl int, f, sec int) Deal{
		func(d, f, s int) Deal {
			return Deal{Contract: rules.BidOf(7, rules.Strain(rules.Hearts)), Declarer: d, Whist: whists(f, pref.CallWhist, s, pref.CallPass), Tricks: tricks(d, 7, f, 3)}
		},
		func(d, f, s int) Deal {
			return Deal{Contract: rules.BidOf(6, rules.Strain(rules.Spades)), Declarer: d, Whist: whists(f, pref.CallWhist, s, pref.CallWhist), Tricks: tricks(d, 5, f, 3)}
		},
		func(d, f, s int) Deal {
			return Deal{Contract: rules.BidOf(6, rules.Strain(rules.Clubs)), Declarer: d, Whist: whists(f, pref.CallPass, s, pref.CallHalf)}
		},
		func(d, f, s int) Deal { return Deal{Raspasy: true, Tricks: tricks(d, 0, f, 4)} },
		func(d, f, s int) Deal { return Deal{Contract: rules.Misere, Declarer: d, Tricks: tricks(d, 0, f, 5)} },
	}
	deals := 0
	b.ReportAllocs()
	for b.Loop() {
		sh, _ := NewSheet(s, 2)
		for i := 0; !sh.Over() && i < 200; i++ {
			a := sh.Active()
			d := a[i%3]
			f, sec := sh.defenders(d)
			if err := sh.Apply(cycle[i%len(cycle)](d, f, sec)); err != nil {
				b.Fatal(err)
			}
			deals++
		}
		if !sh.Over() {
			b.Fatal("pulka did not end")
		}
		if _, err := sh.Settle(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(deals)/float64(b.N), "deals/pulka")
}

func whists(f int, wf pref.Call, s int, ws pref.Call) (w [rules.MaxPlayers]pref.Call) {
	w[f], w[s] = wf, ws
	return w
}

// tricks gives a tricks, b tricks to seats x, y and the rest of 10 to the third seat of three.
func tricks(x, a, y, b int) (t [rules.MaxPlayers]int) {
	t[x], t[y] = a, b
	t[3-x-y] = 10 - a - b
	return t
}
