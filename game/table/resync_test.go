package table

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestAReconnectGetsExactlyWhatItMissed: a spectator drops at version v and
// comes back saying v: it gets the events after v and nothing else, and its
// picture equals that of a spectator who never left. Far behind, it gets
// the whole table; so it does when nobody watched meanwhile (the events
// then had no spectators' encoding).
func TestAReconnectGetsExactlyWhatItMissed(t *testing.T) {
	for _, tc := range []struct {
		name       string
		eventBytes int
		alone      bool // the other spectator leaves too
		wantFull   bool
	}{
		{"a few events behind: the events", 0, false, false},
		{"too far behind: the whole table", 1, false, true},
		{"nobody watched meanwhile: the whole table", 0, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, clk, anna := playing(t, Config{EventBytes: tc.eventBytes, Options: botTakeover()}, "")
			stayed, left := newConn("Vera"), newConn("Gleb")
			tb.Watch(stayed, 0)
			tb.Watch(left, 0)
			untilAnna(t, tb, clk, anna)
			tb.Detach(left)
			if tc.alone {
				tb.Detach(stayed)
			}
			v := left.view(t).V
			had := len(left.all())
			tb.Chat(anna, "while you were away")
			clk.Advance(DefaultMoveTime) // Anna times out; a bot plays for her
			for range 5 {
				clk.Advance(DefaultBotDelay)
				tb.Summary()
			}
			tb.Watch(left, v)
			tb.Summary()
			got := left.all()[had:]
			full := false
			for _, m := range got {
				f := decodeFrame(t, m)
				full = full || f.Type == "table"
				if f.Type == "table_event" && f.V <= v {
					t.Fatalf("got event v%d again after v%d", f.V, v)
				}
			}
			if full != tc.wantFull {
				t.Fatalf("whole table sent: %v, want %v (%d messages)", full, tc.wantFull, len(got))
			}
			if tc.alone {
				stayed = newConn("Vera")
				tb.Watch(stayed, 0)
				tb.Summary()
			}
			a, b := stayed.view(t), left.view(t)
			if !reflect.DeepEqual(a, b) {
				ja, _ := json.Marshal(a)
				jb, _ := json.Marshal(b)
				t.Fatalf("after the reconnect:\n%s\nwant\n%s", jb, ja)
			}
		})
	}
}
