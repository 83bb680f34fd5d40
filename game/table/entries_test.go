package table

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// TestEveryFinishedDealIsInTheViewWithItsSheetAndSettlement: the page draws
// the sheet's per-deal history and the running settlement after a reload,
// so the whole table lists every finished deal (in codes, the sheet after
// it, the settlement if the pulka ended there), and the event that
// finishes a deal carries its entry.
func TestEveryFinishedDealIsInTheViewWithItsSheetAndSettlement(t *testing.T) {
	tb, clk, conns, _ := threeAtTheTable(t, Config{})
	playUntil(t, tb, clk, conns, func() bool { return len(tb.Records()) == 3 })
	full, _ := fullView(t, tb, conns[1])
	b, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var tv struct {
		Sheet map[string]any       `json:"sheet"`
		Deals []protocol.DealEntry `json:"deals"`
	}
	var sheets struct {
		Deals []struct {
			Sheet map[string]any `json:"sheet"`
		} `json:"deals"`
	}
	if err := json.Unmarshal(b, &tv); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sheets); err != nil {
		t.Fatal(err)
	}
	if len(tv.Deals) != 2 {
		t.Fatalf("the table lists %d finished deals, want 2", len(tv.Deals))
	}
	for i, e := range tv.Deals {
		if e.No != i+1 || len(e.Tricks) != 3 || len(e.Calls) != 3 || len(e.Settle) != 3 {
			t.Errorf("deal entry %d: %+v", i, e)
		}
		var sum int64
		for _, v := range e.Settle {
			sum += v
		}
		if sum != 0 {
			t.Errorf("deal %d: the running settlement %v does not sum to 0", e.No, e.Settle)
		}
	}
	if last := sheets.Deals[1].Sheet; !reflect.DeepEqual(last, tv.Sheet) || reflect.DeepEqual(sheets.Deals[0].Sheet, last) {
		t.Errorf("the entries' sheets %v, %v: the last is not the table's sheet %v", sheets.Deals[0].Sheet, last, tv.Sheet)
	}
	// the events: each finished deal's entry once, in order
	var seen []int
	for _, m := range conns[2].all() {
		var f struct {
			Type      string              `json:"type"`
			DealEntry *protocol.DealEntry `json:"deal_entry"`
		}
		if err := json.Unmarshal(m, &f); err != nil {
			t.Fatal(err)
		}
		if f.Type == "table_event" && f.DealEntry != nil {
			seen = append(seen, f.DealEntry.No)
		}
	}
	if !reflect.DeepEqual(seen, []int{1, 2}) {
		t.Errorf("events carried deal entries %v, want [1 2]", seen)
	}
}
