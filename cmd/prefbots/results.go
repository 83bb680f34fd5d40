package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// rowFile is the accumulated result of one row, kept as a small JSON text
// file (results/<convention>-<n>p-<hero>-vs-<opponents>.json) that later
// runs extend with pulkas of a disjoint range and that merges with files
// played elsewhere. It holds sums, not means, so that merging is exact.
type rowFile struct {
	Convention string `json:"convention"`
	Players    int    `json:"players"`
	Hero       string `json:"hero"`
	Opponents  string `json:"opponents"`
	Pool       int    `json:"pool"`
	MaxDeals   int    `json:"max_deals"`
	Samples    int    `json:"samples"` // 0: the bot's default
	Seed       uint64 `json:"seed"`
	// Fingerprint identifies the bots' play (see fingerprintRow): rows
	// played by bots that play differently never merge.
	Fingerprint string `json:"fingerprint"`
	// Ranges are the pulka numbers played, as sorted, disjoint,
	// half-open [from, to) ranges; pulka g's deals come from
	// groupSeed(seed, g) and are played once per seating of the hero.
	Ranges [][2]int `json:"ranges"`
	Pulkas int      `json:"pulkas"`
	// Deals counts the deals played over every seating.
	Deals int `json:"deals"`
	// Sum and SumSq add up each pulka's value (the hero's settled whists
	// averaged over the seatings) and its square.
	Sum   float64 `json:"sum"`
	SumSq float64 `json:"sum_sq"`
	// Think holds the think times of every level of the row.
	Think map[string]*levelThink `json:"think"`
}

// rowKey names a row's file.
func rowKey(conv string, n int, r row) string {
	return fmt.Sprintf("%s-%dp-%s-vs-%s", conv, n, r.hero, r.opp)
}

// mean and se are the hero's mean settled whists per pulka and its
// standard error.
func (f *rowFile) meanSE() (mean, se float64) {
	if f.Pulkas == 0 {
		return 0, 0
	}
	n := float64(f.Pulkas)
	mean = f.Sum / n
	if f.Pulkas < 2 {
		return mean, 0
	}
	v := (f.SumSq - f.Sum*f.Sum/n) / (n - 1)
	return mean, math.Sqrt(max(v, 0) / n)
}

// perDeal is the hero's mean settled whists per deal played.
func (f *rowFile) perDeal() float64 {
	if f.Deals == 0 {
		return 0
	}
	return f.Sum * float64(f.Players) / float64(f.Deals)
}

// dealsPerCPUSecond is the deals played per second of the players'
// thinking (the CPU time of every move, summed over the levels).
func (f *rowFile) dealsPerCPUSecond() float64 {
	var ns int64
	for _, t := range f.Think {
		ns += t.CPU.TotalNS
	}
	if ns == 0 {
		return 0
	}
	return float64(f.Deals) / (float64(ns) / 1e9)
}

// fmtLeft formats the CPU time a row still needs, in whole minutes.
func fmtLeft(d time.Duration) string {
	m := int(math.Ceil(d.Minutes()))
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}

// next is the first pulka number after every range played.
func (f *rowFile) next() int {
	if len(f.Ranges) == 0 {
		return 0
	}
	return f.Ranges[len(f.Ranges)-1][1]
}

// sameRow reports why f and o are not results of the same row (settings
// or play), or nil.
func (f *rowFile) sameRow(o *rowFile) error {
	a := fmt.Sprintf("%s %dp %s:%s pool %d max-deals %d samples %d seed %d", f.Convention, f.Players, f.Hero, f.Opponents, f.Pool, f.MaxDeals, f.Samples, f.Seed)
	b := fmt.Sprintf("%s %dp %s:%s pool %d max-deals %d samples %d seed %d", o.Convention, o.Players, o.Hero, o.Opponents, o.Pool, o.MaxDeals, o.Samples, o.Seed)
	if a != b {
		return fmt.Errorf("different rows: %s against %s", a, b)
	}
	if f.Fingerprint != o.Fingerprint {
		return fmt.Errorf("%s: played by bots with different play (fingerprint %s against %s); keep the old results apart or start the row afresh", a, f.Fingerprint, o.Fingerprint)
	}
	return nil
}

// errOverlap is returned when two results share pulkas.
var errOverlap = errors.New("pulka ranges overlap")

// merge adds o (the same row, disjoint pulkas) to f.
func (f *rowFile) merge(o *rowFile) error {
	if err := f.sameRow(o); err != nil {
		return err
	}
	rs := append(slices.Clone(f.Ranges), o.Ranges...)
	slices.SortFunc(rs, func(a, b [2]int) int { return a[0] - b[0] })
	var out [][2]int
	for _, r := range rs {
		if r[0] >= r[1] {
			continue
		}
		if len(out) > 0 {
			last := &out[len(out)-1]
			if r[0] < last[1] {
				return fmt.Errorf("%s: %w ([%d, %d) and [%d, %d))", rowKey(f.Convention, f.Players, row{f.Hero, f.Opponents}), errOverlap, last[0], last[1], r[0], r[1])
			}
			if r[0] == last[1] {
				last[1] = r[1]
				continue
			}
		}
		out = append(out, r)
	}
	f.Ranges = out
	f.Pulkas += o.Pulkas
	f.Deals += o.Deals
	f.Sum += o.Sum
	f.SumSq += o.SumSq
	if f.Think == nil {
		f.Think = map[string]*levelThink{}
	}
	for l, t := range o.Think {
		if f.Think[l] == nil {
			f.Think[l] = &levelThink{}
		}
		f.Think[l].CPU.merge(&t.CPU)
		f.Think[l].Wall.merge(&t.Wall)
	}
	return nil
}

// check validates a file read from disk.
func (f *rowFile) check() error {
	if !validLevel(f.Hero) || !validLevel(f.Opponents) || f.Players < 3 || f.Players > 4 {
		return fmt.Errorf("bad row %s %dp %s:%s", f.Convention, f.Players, f.Hero, f.Opponents)
	}
	count := 0
	for i, r := range f.Ranges {
		if r[0] < 0 || r[0] >= r[1] || i > 0 && r[0] <= f.Ranges[i-1][1] {
			return fmt.Errorf("bad pulka ranges %v", f.Ranges)
		}
		count += r[1] - r[0]
	}
	if count != f.Pulkas {
		return fmt.Errorf("ranges %v hold %d pulkas, the file says %d", f.Ranges, count, f.Pulkas)
	}
	for l, t := range f.Think {
		if t == nil {
			return fmt.Errorf("no think times for level %q", l)
		}
	}
	return nil
}

// readRow reads a row's results file; a missing file is (nil, nil).
func readRow(path string) (*rowFile, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	var f rowFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("results %s: %w", path, err)
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("results %s: %w", path, err)
	}
	return &f, nil
}

// writeRow writes f to path atomically (a temporary file renamed).
func writeRow(path string, f *rowFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".row-*")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("results: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("results: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// readDir reads every row file of dir, sorted by name.
func readDir(dir string) ([]*rowFile, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	slices.Sort(names)
	var out []*rowFile
	for _, n := range names {
		f, err := readRow(n)
		if err != nil {
			return nil, err
		}
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// mergeDirs merges every row file of src into dst's file of that row.
func mergeDirs(dst, src string) error {
	fs, err := readDir(src)
	if err != nil {
		return err
	}
	for _, o := range fs {
		path := filepath.Join(dst, rowKey(o.Convention, o.Players, row{o.Hero, o.Opponents})+".json")
		f, err := readRow(path)
		if err != nil {
			return err
		}
		if f == nil {
			f = &rowFile{}
			*f = *o
			f.Ranges, f.Pulkas, f.Deals, f.Sum, f.SumSq, f.Think = nil, 0, 0, 0, 0, nil
		}
		if err := f.merge(o); err != nil {
			return err
		}
		if err := writeRow(path, f); err != nil {
			return err
		}
	}
	return nil
}

// The conventions and player counts of the table's columns, in order.
var tableColumns = []struct {
	conv string
	n    int
}{{"sochi", 3}, {"sochi", 4}, {"leningrad", 3}, {"leningrad", 4}, {"rostov", 3}, {"rostov", 4}}

// The rows of the table, in order.
var tableRows = []row{{"strong", "basic"}, {"strong", "pass"}, {"strong", "random"}, {"basic", "pass"}, {"basic", "random"}}

// writeTable writes the markdown tables of the results files fs: the
// hero's settled whists per pulka ± standard error (deals in brackets)
// per row and column, and the think times per level over every row.
func writeTable(w *strings.Builder, fs []*rowFile) {
	cells := map[string]*rowFile{}
	think := newThinkStats()
	for _, f := range fs {
		cells[rowKey(f.Convention, f.Players, row{f.Hero, f.Opponents})] = f
		think.mergeLevels(f.Think)
	}
	writeGrid(w, cells, func(f *rowFile) string {
		m, se := f.meanSE()
		return formatCell(m, se, f.Deals)
	})
	w.WriteString("\nCost: deals per second of the players' thinking (CPU, one core), and the CPU time that row still needs to reach 10,000 deals:\n\n")
	writeGrid(w, cells, func(f *rowFile) string {
		rate := f.dealsPerCPUSecond()
		left := "done"
		if f.Deals < 10000 && rate > 0 {
			left = fmtLeft(time.Duration(float64(10000-f.Deals) / rate * float64(time.Second)))
		}
		return fmt.Sprintf("%.0f/s, %s", rate, left)
	})
	w.WriteString("\n| level | moves | moves/s (CPU) | think p50 CPU | p95 CPU | max CPU |\n|---|---|---|---|---|---|\n")
	for _, l := range think.names() {
		c := think.summary(l, true)
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s |\n", l, c.moves, c.perSec, fmtDur(c.p50), fmtDur(c.p95), fmtDur(c.max))
	}
}

// writeGrid writes one markdown table of tableRows by tableColumns, each
// cell the text cell gives for its row's file ("—" for a row not played).
func writeGrid(w *strings.Builder, cells map[string]*rowFile, cell func(*rowFile) string) {
	w.WriteString("| row |")
	for _, c := range tableColumns {
		fmt.Fprintf(w, " %s %dp |", strings.ToUpper(c.conv[:1])+c.conv[1:], c.n)
	}
	w.WriteString("\n|---|")
	for range tableColumns {
		w.WriteString("---|")
	}
	w.WriteString("\n")
	for _, r := range tableRows {
		fmt.Fprintf(w, "| %s vs %s |", r.hero, r.opp)
		for _, c := range tableColumns {
			if f := cells[rowKey(c.conv, c.n, r)]; f != nil {
				fmt.Fprintf(w, " %s |", cell(f))
			} else {
				w.WriteString(" — |")
			}
		}
		w.WriteString("\n")
	}
}

// formatCell formats a row's mean ± standard error and its deals.
func formatCell(mean, se float64, deals int) string {
	if math.Abs(mean) >= 1000 {
		return fmt.Sprintf("%+.0f±%.0f (%d)", mean, se, deals)
	}
	return fmt.Sprintf("%+.1f±%.1f (%d)", mean, se, deals)
}

// The markers around the generated table in the README.
const (
	tableStart = "<!-- prefbots -table: start -->"
	tableEnd   = "<!-- prefbots -table: end -->"
)

// replaceTable replaces the text between the markers of doc by table.
func replaceTable(doc, table string) (string, error) {
	i := strings.Index(doc, tableStart)
	j := strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		return "", fmt.Errorf("no %q ... %q section", tableStart, tableEnd)
	}
	return doc[:i+len(tableStart)] + "\n" + table + doc[j:], nil
}
