package score

import "testing"

// TestPointsFormat checks the PULKA-FORMAT rule: whole numbers are JSON
// numbers, anything else an exact fraction string.
func TestPointsFormat(t *testing.T) {
	for _, tc := range []struct {
		p    Points
		str  string
		json string
	}{
		{Pts(7), "7", "7"}, {Pts(-6), "-6", "-6"}, {0, "0", "0"},
		{Half(25), "25/2", `"25/2"`}, {Half(-97), "-97/2", `"-97/2"`},
		{Points(4), "1/3", `"1/3"`}, {Points(-9), "-3/4", `"-3/4"`},
	} {
		b, err := tc.p.MarshalJSON()
		if err != nil || tc.p.String() != tc.str || string(b) != tc.json {
			t.Errorf("%d twelfths: String %q JSON %s (%v), want %q %s", int64(tc.p), tc.p.String(), b, err, tc.str, tc.json)
		}
	}
}
