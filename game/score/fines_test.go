package score

import (
	"slices"
	"strings"
	"testing"
)

// TestFinesAreWrittenOnTheMountainBeforeTheSettlement: a fine of f points
// costs the fined player r·f·(n−1)/n whists, paid to the others equally.
func TestFinesAreWrittenOnTheMountainBeforeTheSettlement(t *testing.T) {
	rec, err := DecodeBytes([]byte(`{"convention":"sochi","players":["A","B","C"],"first_dealer":"A","deals":[],"fines":{"A":12}}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := Run(rec)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Rounded.Values; !slices.Equal(got, []int64{-80, 40, 40}) {
		t.Fatalf("rounded %v, want [-80 40 40]", got)
	}
	rec.Fines = map[string]int{"Z": 1}
	if _, _, err := Run(rec); err == nil || !strings.Contains(err.Error(), "fines") {
		t.Fatalf("a fine for a stranger: %v, want an error naming fines", err)
	}
}
