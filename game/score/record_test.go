package score

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

const recordHead = `{"convention": "sochi", "players": ["A","B","C"], "pool_target": 10, "first_dealer": "C", "deals": [`

// TestRecordErrors checks that a bad record names the deal (from 0) and the
// field, in the PULKA-FORMAT form `deal 3: whist: "B" is the declarer`.
func TestRecordErrors(t *testing.T) {
	ok := `{"contract": "6S", "declarer": "A", "whist": {"B": "pass", "C": "pass"}}`
	tests := []struct {
		name   string
		record string
		want   string
	}{
		{"whist by the declarer", recordHead + ok + `,` + ok + `,` + ok + `,` +
			`{"contract": "7H", "declarer": "B", "whist": {"B": "whist", "C": "whist"}}]}`,
			`deal 3: whist: "B" is the declarer`},
		{"unknown player in tricks", recordHead +
			`{"contract": "7H", "declarer": "A", "whist": {"B": "whist", "C": "pass"}, "tricks": {"A": 7, "B": 3, "Z": 0}}]}`,
			`deal 0: tricks: "Z" is not a player`},
		{"tricks do not sum to 10", recordHead +
			`{"contract": "7H", "declarer": "A", "whist": {"B": "whist", "C": "pass"}, "tricks": {"A": 7, "B": 2}}]}`,
			`deal 0: tricks: tricks sum to 9, want 10`},
		{"bad contract", recordHead + `{"contract": "7X", "declarer": "A"}]}`,
			`deal 0: contract: bad contract "7X"`},
		{"bad whist word", recordHead + `{"contract": "7H", "declarer": "A", "whist": {"B": "vist", "C": "pass"}}]}`,
			`deal 0: whist: "B": bad whist decision "vist"`},
		{"unknown deal field", recordHead + ok + `, {"raspasy": true, "trick": {}}]}`,
			`deal 1: trick: unknown field`},
		{"wrong type", recordHead + `{"raspasy": true, "tricks": {"A": "4"}}]}`,
			`deal 0: tricks: want an integer, got JSON string`},
		{"raspasy with a declarer", recordHead + `{"raspasy": true, "declarer": "A", "tricks": {"A": 4, "B": 6}}]}`,
			`deal 0: raspasy: a raspasy deal has no contract`},
		{"missing declarer", recordHead + `{"contract": "6S"}]}`, `deal 0: declarer: missing`},
		{"bad talon card", recordHead + `{"contract": "6S", "declarer": "A", "whist": {"B": "pass", "C": "pass"}, "talon": ["AS", "ZZ"]}]}`,
			`deal 0: talon: bad card "ZZ"`},
		{"unknown option", `{"convention": "sochi", "options": {"ten": 1}, "players": ["A","B","C"], "first_dealer": "A", "deals": []}`,
			`options: unknown option "ten"`},
		{"unknown convention", `{"convention": "moscow", "players": ["A","B","C"], "first_dealer": "A", "deals": []}`,
			`convention: unknown convention "moscow"`},
		{"two players", `{"convention": "sochi", "players": ["A","B"], "first_dealer": "A", "deals": []}`,
			`players: 2 players, want 3 or 4`},
		{"duplicate player", `{"convention": "sochi", "players": ["A","B","A"], "first_dealer": "A", "deals": []}`,
			`players: "A" is listed twice`},
		{"first dealer", `{"convention": "sochi", "players": ["A","B","C"], "first_dealer": "D", "deals": []}`,
			`first_dealer: "D" is not a player`},
		{"unknown record field", `{"convention": "sochi", "player": []}`, `player: unknown field`},
		{"options disagree on players", `{"convention": "sochi", "options": {"players": 4}, "players": ["A","B","C"], "first_dealer": "A", "deals": []}`,
			`options: players: 4, but 3 players are listed`},
		{"negative pool target", `{"convention": "sochi", "players": ["A","B","C"], "pool_target": -1, "first_dealer": "A", "deals": []}`,
			`pool_target: -1 outside 1..10000`},
		{"not JSON", `{"convention": `, `record: bad JSON`},
		{"trailing data", `{"convention": "sochi"} {}`, `record: bad JSON: invalid character '{' after top-level value`},
		{"deal after the end", `{"convention": "sochi", "players": ["A","B","C"], "pool_target": 2, "first_dealer": "C", "deals": [` +
			`{"contract": "6S", "declarer": "A", "whist": {"B": "pass", "C": "pass"}},` +
			`{"contract": "6S", "declarer": "B", "whist": {"C": "pass", "A": "pass"}},` +
			`{"contract": "6S", "declarer": "C", "whist": {"A": "pass", "B": "pass"}},` +
			`{"raspasy": true, "tricks": {"A": 4, "B": 6, "C": 0}}]}`,
			`deal 3: deals: the pulka is over`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := RunJSON(strings.NewReader(tc.record), &out)
			if err == nil {
				t.Fatalf("no error; output %s", out.String())
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got  %q\nwant %q…", err, tc.want)
			}
			var re *RecordError
			if !errors.As(err, &re) {
				t.Errorf("%T is not a *RecordError", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error has more than one line: %q", err)
			}
		})
	}
}

// TestRecordSizeLimit checks that Decode stops reading past MaxRecordSize.
func TestRecordSizeLimit(t *testing.T) {
	big := strings.NewReader(`{"convention": "` + strings.Repeat("x", MaxRecordSize) + `"}`)
	_, err := Decode(big)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("got %v, want a size error", err)
	}
	if big.Len() != 0 && big.Len() > MaxRecordSize {
		t.Errorf("read only %d bytes", big.Len())
	}
}

// TestRecordRoundTrip checks that Encode and Decode are inverse and that
// RecordDealOf inverts RecordDeal.Deal.
func TestRecordRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/format_example.json")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := DecodeBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rec.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	again, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec, again) {
		t.Errorf("round trip changed the record:\n%+v\n%+v", rec, again)
	}
	for i, rd := range rec.Deals {
		d, err := rd.Deal(rec.Players)
		if err != nil {
			t.Fatal(err)
		}
		back, err := RecordDealOf(d, rec.Players).Deal(rec.Players)
		if err != nil || back != d {
			t.Errorf("deal %d: %+v -> %+v (%v)", i, d, back, err)
		}
	}
}

// FuzzRecord feeds arbitrary bytes to the record decoder and scorer: it must
// never panic, and an error must be a *RecordError on one line.
func FuzzRecord(f *testing.F) {
	for _, name := range []string{"format_example", "e13_fspr_match", "e2_rostov", "e3_codex_overflow"} {
		data, err := os.ReadFile("testdata/" + name + ".json")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"players":["A","B","C","D"],"convention":"rostov","first_dealer":"B","deals":[{"raspasy":true,"tricks":{"A":1,"C":1,"D":8}}]}`))
	f.Add([]byte(`{"deals":[{"contract":"10NT","declarer":"A","tricks":{"A":10}}],"players":["A","B","C"],"first_dealer":"A","options":{"ten_mode":"whisted"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		err := RunJSON(bytes.NewReader(data), &out)
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("%T %v is not a *RecordError", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if out.Len() == 0 {
			t.Fatal("no output and no error")
		}
	})
}

// FuzzApply feeds arbitrary deal outcomes to a sheet: Apply must never
// panic, must either accept the deal or leave the sheet unchanged, and the
// settlement must stay zero-sum.
func FuzzApply(f *testing.F) {
	f.Add(uint8(1), false, false, uint8(7), uint8(3), uint8(0), uint8(2), uint8(2), uint8(0), int8(7), int8(2), int8(1), int8(0), uint8(0))
	f.Add(uint8(4), true, true, uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), int8(4), int8(2), int8(4), int8(0), uint8(0))
	f.Add(uint8(4), true, false, uint8(6), uint8(2), uint8(0), uint8(4), uint8(3), uint8(2), int8(5), int8(5), int8(0), int8(0), uint8(2))
	f.Fuzz(func(t *testing.T, conv uint8, four, raspasy bool, level, strain, decl, wf, ws, wd uint8, t0, t1, t2, t3 int8, bonus uint8) {
		s := PresetOf(Convention(conv % 6))
		if four {
			s.Players = 4
		}
		s.PoolTarget = 10
		sh, err := NewSheet(s, s.Players-1)
		if err != nil {
			t.Fatal(err)
		}
		d := Deal{Raspasy: raspasy, Declarer: int(decl % 5), TalonBonus: int(bonus % 5),
			Tricks: [4]int{int(t0), int(t1), int(t2), int(t3)}}
		if level == 0 {
			d.Contract = rules.Misere
		} else {
			d.Contract = rules.BidOf(int(level), rules.Strain(strain%6))
		}
		d.Whist[1], d.Whist[2], d.Whist[3] = pref.Call(wf%6), pref.Call(ws%6), pref.Call(wd%6)
		for range 3 { // the same deal three times: overflow and series come into play
			before := *sh
			if err := sh.Apply(d); err != nil {
				if *sh != before {
					t.Fatal("a rejected deal changed the sheet")
				}
				break
			}
		}
		res, err := sh.Settle()
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for p := 0; p < s.Players; p++ {
			sum += res.Rounded[p]
		}
		if sum != 0 {
			t.Fatalf("rounded results sum to %d", sum)
		}
	})
}
