package score

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestWorkedExamples runs every pulka record in testdata (EXAMPLES.md E2, E3,
// E4, E12, E13 and the PULKA-FORMAT record) through Run and compares the
// output with the hand-derived NAME.want.json: every top-level field the
// want file gives must match exactly.
func TestWorkedExamples(t *testing.T) {
	wants, err := filepath.Glob("testdata/*.want.json")
	if err != nil || len(wants) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, wantPath := range wants {
		name := strings.TrimSuffix(filepath.Base(wantPath), ".want.json")
		t.Run(name, func(t *testing.T) {
			in, err := os.Open(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			var out bytes.Buffer
			if err := RunJSON(in, &out); err != nil {
				t.Fatalf("RunJSON: %v", err)
			}
			var got, want map[string]any
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			wantData, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(wantData, &want); err != nil {
				t.Fatalf("%s: %v", wantPath, err)
			}
			for k, w := range want {
				if g := got[k]; !reflect.DeepEqual(g, w) {
					gj, _ := json.Marshal(g)
					wj, _ := json.Marshal(w)
					t.Errorf("%s:\n got %s\nwant %s", k, gj, wj)
				}
			}
		})
	}
}

// sheetFixture is a score sheet with its expected settlement (EXAMPLES.md E1,
// E3, E5, E5b, E6): examples that give a sheet, not deals.
type sheetFixture struct {
	Convention  string                                `json:"convention"`
	Players     []string                              `json:"players"`
	FirstDealer string                                `json:"first_dealer"`
	PoolTarget  int                                   `json:"pool_target"`
	Pool        map[string]json.Number                `json:"pool"`
	Mountain    map[string]json.Number                `json:"mountain"`
	Whists      map[string]map[string]json.RawMessage `json:"whists"`
	Result      map[string]string                     `json:"result"`
	Rounded     map[string]int64                      `json:"rounded"`
}

// pointsOf reads a sheet number: a JSON number or a fraction string.
func pointsOf(t *testing.T, raw string) Points {
	t.Helper()
	r, ok := new(big.Rat).SetString(strings.Trim(raw, `"`))
	if !ok {
		t.Fatalf("bad number %s", raw)
	}
	r.Mul(r, big.NewRat(pointsDen, 1))
	if !r.IsInt() {
		t.Fatalf("%s is not a whole number of twelfths", raw)
	}
	return Points(r.Num().Int64())
}

// TestSettlementExamples settles each testdata/*.sheet.json sheet and checks
// the exact and the rounded results.
func TestSettlementExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/*.sheet.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".sheet.json"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var fx sheetFixture
			if err := json.Unmarshal(data, &fx); err != nil {
				t.Fatal(err)
			}
			rec := Record{Convention: fx.Convention, Players: fx.Players, FirstDealer: fx.FirstDealer, PoolTarget: fx.PoolTarget}
			sh, err := rec.NewSheet()
			if err != nil {
				t.Fatal(err)
			}
			seat := func(name string) int {
				p := seatOf(fx.Players, name)
				if p < 0 {
					t.Fatalf("unknown player %q", name)
				}
				return p
			}
			for name, v := range fx.Pool {
				sh.Pool[seat(name)] = pointsOf(t, v.String())
			}
			for name, v := range fx.Mountain {
				sh.Mountain[seat(name)] = pointsOf(t, v.String())
			}
			for a, on := range fx.Whists {
				for b, v := range on {
					sh.Whists[seat(a)][seat(b)] = pointsOf(t, string(v))
				}
			}
			res, err := sh.Settle()
			if err != nil {
				t.Fatal(err)
			}
			sum := new(big.Rat)
			for p, name := range fx.Players {
				sum.Add(sum, res.Exact[p])
				if got := res.Exact[p].RatString(); got != fx.Result[name] {
					t.Errorf("result %s = %s, want %s", name, got, fx.Result[name])
				}
				if got := res.Rounded[p]; got != fx.Rounded[name] {
					t.Errorf("rounded %s = %d, want %d", name, got, fx.Rounded[name])
				}
			}
			if sum.Sign() != 0 {
				t.Errorf("results sum to %s", sum.RatString())
			}
		})
	}
}
