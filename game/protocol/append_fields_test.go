package protocol

import (
	"reflect"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// TestAppendTableEventWritesEveryField: an event with every field of
// TableEvent set is the same bytes with appends as with encoding/json. The
// append encoder lists TableEvent's fields by hand, and most are
// omitempty: a field added to TableEvent and not to appendTableEvent would
// be dropped from every event without the random deals noticing, so the
// test first checks that its event leaves no field zero (a new field
// fails it until it is set here, and so compared).
func TestAppendTableEventWritesEveryField(t *testing.T) {
	s, err := rules.New(rules.Deal{Seed: 11, Options: rules.DefaultOptions(3)})
	if err != nil {
		t.Fatal(err)
	}
	legal := rules.LegalMoves(&s, nil)
	move := legal[0]
	if s, err = rules.Apply(s, move); err != nil {
		t.Fatal(err)
	}
	view := rules.View(s, s.Actor())
	legal = rules.LegalMoves(&s, nil)
	deadline := int64(1_700_000_000_000)
	sheet := score.SheetView{}
	e := TableEvent{
		Table: "t<1>&\u2028", V: 7, Kind: KindMove, Move: &move, State: StatePlaying,
		Creator:     &Player{ID: "p1", Name: "Аня \"<b>\""},
		Conventions: &Conventions{Preset: "sochi", Options: map[string]any{"b": true, "a": 10, "c": "x&y"}, Players: 3, PoolTarget: 10, MoveTime: 30},
		Deadline:    &deadline,
		Seats:       []Seat{{Player: Player{ID: "p1", Name: "A"}, Online: true}, {Bot: true}, {AwayUntil: 5, BotPlays: true}},
		DealNo:      2, Deal: &view, Legal: &legal,
		Clock:     &Clock{Seat: view.Actor, Deadline: deadline, Bank: []int64{1, 2, 3}},
		Sheet:     &sheet,
		LastDeal:  "6♠ \"made\"",
		Result:    &Settlement{Rounded: []int64{3, -3, 0}, Exact: []string{"3", "-3", "0"}, Fines: map[string]int{"p1": 1}, Reason: "pool"},
		Chat:      &ChatLine{From: Player{ID: "p2", Name: "B"}, Text: "<hi> \u2029", At: 9},
		DealEntry: &DealEntry{No: 1, Kind: rules.KindContract, Contract: rules.NoBid, Calls: []pref.Call{0, 1}, Tricks: []int{6, 2, 2}, Settle: []int64{1, -1, 0}},
	}
	ev := reflect.ValueOf(e)
	for i := range ev.NumField() {
		if ev.Field(i).IsZero() {
			t.Errorf("TableEvent.%s is not set here: set it, so the append encoder is compared on it", ev.Type().Field(i).Name)
		}
	}
	sameAsReflect(t, "every field", e)
	if got, want := Encode(&e).Bytes(), encodeReflect(&e).Bytes(); string(got) != string(want) {
		t.Errorf("by pointer:\nappend: %s\njson:   %s", got, want)
	}
}
