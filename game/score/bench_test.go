package score

import (
	"bytes"
	"os"
	"testing"
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
	d := Deal{Contract: Trick(7, Hearts), Declarer: 0, Whist: [4]WhistDecision{0, Whist, Whist}, Tricks: [4]int{5, 4, 1}}
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
