package pref

import "testing"

// TestSpellingsRoundTrip checks that every value reads back from its
// RULES §14 spelling and that an unknown spelling is refused.
func TestSpellingsRoundTrip(t *testing.T) {
	type roundTrip struct {
		name  string
		parse func(string) (string, error)
		spell []string
	}
	tests := []roundTrip{
		{"ten_mode", func(s string) (string, error) { v, err := ParseTenMode(s); return v.String(), err },
			[]string{TenChecked.String(), TenWhisted.String()}},
		{"timing", func(s string) (string, error) { v, err := ParseTiming(s); return v.String(), err },
			[]string{BeforeFirstLead.String(), AfterFirstTrick.String(), AfterFirstCard.String()}},
		{"raspasy_talon", func(s string) (string, error) { v, err := ParseRaspasyTalon(s); return v.String(), err },
			[]string{TalonLeadSuit.String(), TalonIgnored.String(), TalonParticipates.String()}},
		{"raspasy_trick3_leader", func(s string) (string, error) { v, err := ParseTrick3Leader(s); return v.String(), err },
			[]string{Trick3FirstHand.String(), Trick3Trick2Winner.String()}},
		{"claims", func(s string) (string, error) { v, err := ParseClaimMode(s); return v.String(), err },
			[]string{ClaimsOff.String(), ClaimsDeclarerOnly.String(), ClaimsProposeAccept.String()}},
		{"call", func(s string) (string, error) { v, err := ParseCall(s); return v.String(), err },
			[]string{CallWhist.String(), CallPass.String(), CallHalf.String(), CallReturned.String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, s := range tt.spell {
				if seen[s] {
					t.Fatalf("spelling %q used twice", s)
				}
				seen[s] = true
				got, err := tt.parse(s)
				if err != nil || got != s {
					t.Fatalf("parse(%q) = %q, %v", s, got, err)
				}
			}
			if _, err := tt.parse("bogus"); err == nil {
				t.Fatal("parse(\"bogus\") gave no error")
			}
		})
	}
}

// TestCallSpellings pins the record and view spellings of the calls.
func TestCallSpellings(t *testing.T) {
	want := map[Call]string{CallNone: "none", CallWhist: "whist", CallPass: "pass", CallHalf: "half", CallReturned: "returned"}
	for c, s := range want {
		if c.String() != s {
			t.Errorf("%d.String() = %q, want %q", c, c.String(), s)
		}
		if b, _ := c.MarshalText(); string(b) != s {
			t.Errorf("%d.MarshalText() = %q, want %q", c, b, s)
		}
	}
	if _, err := ParseCall("none"); err == nil {
		t.Error(`ParseCall("none") gave no error: records never write it`)
	}
	if !CallWhist.Whists() || !CallReturned.Whists() || CallPass.Whists() || CallHalf.Whists() || CallNone.Whists() {
		t.Error("only whist and a returned whist make a whister")
	}
}
