package main

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tinyArgs is a row that plays in milliseconds: basic against passers,
// pulkas of two deals.
var tinyArgs = []string{"-conventions", "sochi", "-players", "3", "-rows", "basic:pass", "-max-deals", "2", "-workers", "2", "-checkpoint", "0"}

func runTiny(t *testing.T, extra ...string) {
	t.Helper()
	if err := run(append(append([]string(nil), tinyArgs...), extra...), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
}

func readTiny(t *testing.T, dir string) *rowFile {
	t.Helper()
	f, err := readRow(filepath.Join(dir, "sochi-3p-basic-vs-pass.json"))
	if err != nil || f == nil {
		t.Fatalf("read row: %v, %v", f, err)
	}
	return f
}

// TestExtendingARowEqualsPlayingItAtOnce: a row played in two runs (the
// second extending the first's file) holds exactly what one run of the
// same length holds: the same pulkas, deals and sums.
func TestExtendingARowEqualsPlayingItAtOnce(t *testing.T) {
	twice := t.TempDir()
	runTiny(t, "-results", twice, "-deals", "30")
	first := readTiny(t, twice)
	runTiny(t, "-results", twice, "-deals", "60")
	got := readTiny(t, twice)
	if first.Pulkas == 0 || got.Pulkas <= first.Pulkas || got.Deals < 60 {
		t.Fatalf("first run %d pulkas, after the second %d pulkas %d deals", first.Pulkas, got.Pulkas, got.Deals)
	}
	if len(got.Ranges) != 1 || got.Ranges[0] != [2]int{0, got.Pulkas} {
		t.Fatalf("ranges %v, want one range [0, %d)", got.Ranges, got.Pulkas)
	}
	// the same pulkas in one run (one worker stops at exactly that many deals)
	cfg := config{pool: 10, maxDeals: 2, workers: 1, seed: 1, deals: got.Deals}
	part, err := playRow(cfg, "sochi", 3, row{"basic", "pass"}, 0, 0, newThinkStats(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if part.Pulkas != got.Pulkas || part.Deals != got.Deals || math.Abs(part.Sum-got.Sum) > 1e-6 || math.Abs(part.SumSq-got.SumSq) > 1e-3 {
		t.Fatalf("two runs: %d pulkas %d deals sum %v sumsq %v; one run: %d pulkas %d deals sum %v sumsq %v",
			got.Pulkas, got.Deals, got.Sum, got.SumSq, part.Pulkas, part.Deals, part.Sum, part.SumSq)
	}
	if got.Think["basic"] == nil || got.Think["basic"].CPU.Moves != part.Think["basic"].CPU.Moves {
		t.Fatalf("think times not accumulated: %+v against %+v", got.Think["basic"], part.Think["basic"])
	}
}

// TestMergeAddsDisjointRanges: results of the same row played elsewhere
// on other pulkas merge into one row whose sums are the sums of both.
func TestMergeAddsDisjointRanges(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	runTiny(t, "-results", a, "-deals", "12")
	runTiny(t, "-results", b, "-deals", "12", "-from", "100")
	fa, fb := readTiny(t, a), readTiny(t, b)
	if err := run([]string{"-results", a, "-merge", b}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	m := readTiny(t, a)
	if m.Pulkas != fa.Pulkas+fb.Pulkas || m.Deals != fa.Deals+fb.Deals || math.Abs(m.Sum-fa.Sum-fb.Sum) > 1e-9 {
		t.Fatalf("merged %d pulkas %d deals sum %v from %+v and %+v", m.Pulkas, m.Deals, m.Sum, fa, fb)
	}
	if len(m.Ranges) != 2 || m.Ranges[1][0] != 100 {
		t.Fatalf("ranges %v", m.Ranges)
	}
	// merging the same pulkas again is refused and leaves the file alone
	err := run([]string{"-results", a, "-merge", b}, &bytes.Buffer{})
	if !errors.Is(err, errOverlap) {
		t.Fatalf("second merge: %v, want %v", err, errOverlap)
	}
	if again := readTiny(t, a); again.Pulkas != m.Pulkas {
		t.Fatalf("a refused merge changed the file: %d pulkas, was %d", again.Pulkas, m.Pulkas)
	}
	// so is playing pulkas the file already holds
	err = run(append(append([]string(nil), tinyArgs...), "-results", a, "-deals", "1000", "-from", "1"), &bytes.Buffer{})
	if !errors.Is(err, errOverlap) {
		t.Fatalf("-from inside the file's pulkas: %v, want %v", err, errOverlap)
	}
}

// TestRowsOfAnotherPlayDoNotMerge: a file whose bots played differently
// (another fingerprint) or whose settings differ is refused, both when
// extended and when merged.
func TestRowsOfAnotherPlayDoNotMerge(t *testing.T) {
	dir := t.TempDir()
	runTiny(t, "-results", dir, "-deals", "6")
	path := filepath.Join(dir, "sochi-3p-basic-vs-pass.json")
	f := readTiny(t, dir)
	f.Fingerprint = "0123456789abcdef01234567"
	if err := writeRow(path, f); err != nil {
		t.Fatal(err)
	}
	err := run(append(append([]string(nil), tinyArgs...), "-results", dir, "-deals", "60"), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "fingerprint") {
		t.Fatalf("extending a row of other play: %v, want a fingerprint error", err)
	}
	other := t.TempDir()
	runTiny(t, "-results", other, "-deals", "6", "-from", "50")
	if err := run([]string{"-results", dir, "-merge", other}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "fingerprint") {
		t.Fatalf("merging a row of other play: %v, want a fingerprint error", err)
	}
	err = run(append(append([]string(nil), tinyArgs...), "-results", other, "-deals", "60", "-pool", "20"), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "different rows") {
		t.Fatalf("extending with another pool: %v, want a settings error", err)
	}
}

// TestFingerprintIsThePlay: the fingerprint is the same on every run of a
// row and differs between rows whose bots play differently.
func TestFingerprintIsThePlay(t *testing.T) {
	cfg := config{pool: 10, maxDeals: 2, workers: 1, seed: 1, samples: 2}
	fp := func(conv string, r row) string {
		s, err := fingerprintRow(cfg, conv, 3, r)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := fp("sochi", row{"basic", "pass"})
	if b := fp("sochi", row{"basic", "pass"}); a != b {
		t.Fatalf("fingerprint changed between runs: %s, %s", a, b)
	}
	if b := fp("sochi", row{"random", "pass"}); a == b {
		t.Fatalf("basic and random hero have one fingerprint %s", a)
	}
	if b := fp("sochi", row{"strong", "pass"}); a == b {
		t.Fatalf("basic and strong hero have one fingerprint %s", a)
	}
}

// TestCorruptResultsAreRefused: a results file whose ranges do not add up
// to its pulkas, with unknown fields or a level without think times, is an
// error, not a row.
func TestCorruptResultsAreRefused(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"ranges":  `{"convention":"sochi","players":3,"hero":"basic","opponents":"pass","ranges":[[0,5]],"pulkas":4}`,
		"overlap": `{"convention":"sochi","players":3,"hero":"basic","opponents":"pass","ranges":[[0,5],[4,6]],"pulkas":7}`,
		"unknown": `{"convention":"sochi","players":3,"hero":"basic","opponents":"pass","mean":5}`,
		"level":   `{"convention":"sochi","players":3,"hero":"genius","opponents":"pass"}`,
		"think":   `{"convention":"sochi","players":3,"hero":"basic","opponents":"pass","ranges":[[0,5]],"pulkas":5,"think":{"basic":null}}`,
	} {
		p := filepath.Join(dir, name+".json")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readRow(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestTableShowsEveryRowFile: -table prints each row's mean ± SE with its
// deals in its column, and rewrites the README section between markers.
func TestTableShowsEveryRowFile(t *testing.T) {
	dir := t.TempDir()
	runTiny(t, "-results", dir, "-deals", "12")
	f := readTiny(t, dir)
	m, se := f.meanSE()
	readme := filepath.Join(dir, "README.md")
	if err := os.WriteFile(readme, []byte("before\n"+tableStart+"\nold\n"+tableEnd+"\nafter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-results", dir, "-table", "-readme", readme}, &out); err != nil {
		t.Fatal(err)
	}
	want := "| basic vs pass | " + formatCell(m, se, f.Deals) + " | — |"
	if !strings.Contains(out.String(), want) {
		t.Fatalf("table lacks %q:\n%s", want, out.String())
	}
	// basic thinks far faster than 10,000 deals a minute
	if cost := "| basic vs pass | "; !strings.Contains(out.String(), cost) || !strings.Contains(out.String(), "/s, 1 min | — |") {
		t.Fatalf("cost table lacks the row's rate and the minute left:\n%s", out.String())
	}
	doc, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(doc); !strings.Contains(s, want) || strings.Contains(s, "old") || !strings.HasPrefix(s, "before\n") || !strings.HasSuffix(s, tableEnd+"\nafter\n") {
		t.Fatalf("README section not replaced:\n%s", s)
	}
}

// TestQuantilesOfTheHistogram: a quantile is the upper bound of its
// bucket, within 12% of the time, and merging histograms adds them.
func TestQuantilesOfTheHistogram(t *testing.T) {
	var h thinkHist
	for i := 1; i <= 100; i++ {
		h.add(time.Duration(i) * time.Millisecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.95, 95 * time.Millisecond}, {1, 100 * time.Millisecond}} {
		got := h.quantile(tc.q)
		if got < tc.want || float64(got) > 1.13*float64(tc.want) {
			t.Errorf("quantile %v = %v, want %v to %v", tc.q, got, tc.want, time.Duration(1.13*float64(tc.want)))
		}
	}
	var g thinkHist
	g.merge(&h)
	g.merge(&h)
	if g.Moves != 200 || g.quantile(0.5) != h.quantile(0.5) || g.perSec() != h.perSec() {
		t.Fatalf("merged histogram %d moves, p50 %v, %v/s", g.Moves, g.quantile(0.5), g.perSec())
	}
}
