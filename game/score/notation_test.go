package score

import (
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
)

// TestRecordContractIsTheBidASCII checks that record notation for
// contracts is the engine's: every step of the bid ladder reads back from
// its ASCII form in any case and with surrounding spaces.
func TestRecordContractIsTheBidASCII(t *testing.T) {
	for b := rules.SixSpades; b <= rules.TenNoTrump; b++ {
		for _, s := range []string{b.ASCII(), strings.ToLower(b.ASCII()), " " + b.ASCII() + " "} {
			got, err := ParseContract(s)
			if err != nil || got != b {
				t.Errorf("ParseContract(%q) = %v, %v; want %v", s, got.ASCII(), err, b.ASCII())
			}
		}
	}
}

// TestRecordCardIsTheCardASCII checks that record notation for cards is
// the engine's: each of the 32 cards reads back from its ASCII form in any
// case, and the engine's other spellings are refused.
func TestRecordCardIsTheCardASCII(t *testing.T) {
	for c := rules.Card(0); c < rules.NumCards; c++ {
		for _, s := range []string{c.ASCII(), strings.ToLower(c.ASCII())} {
			if got, err := parseCard(s); err != nil || got != c {
				t.Errorf("parseCard(%q) = %v, %v; want %v", s, got, err, c)
			}
		}
	}
	for _, bad := range []string{"TS", "A♠", "ТS", "AS ", " AS", "1S", "AX", "", "10"} {
		if _, err := parseCard(bad); err == nil {
			t.Errorf("parseCard(%q): want an error", bad)
		}
	}
}

// FuzzParseContract checks that a contract read from a record is exactly
// the bid whose ASCII form was written, and that anything else is refused
// with an error naming the contract.
func FuzzParseContract(f *testing.F) {
	for _, s := range []string{"6S", "10nt", "misere", "misère", "7♥", "06S", "11H", " 8D ", "6N"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseContract(s)
		if err != nil {
			if b != rules.NoBid || !strings.HasPrefix(err.Error(), "bad contract ") {
				t.Fatalf("ParseContract(%q) = %v, %v", s, b, err)
			}
			return
		}
		if !b.Valid() || !strings.EqualFold(b.ASCII(), strings.TrimSpace(s)) {
			t.Fatalf("ParseContract(%q) = %s", s, b.ASCII())
		}
	})
}
