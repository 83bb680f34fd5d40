package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/trelljaz/trelljaz/game/rules"
)

// A player's trace keeps its last 16 messages, oldest first, and formats
// them only when asked.
func TestTraceKeepsTheLastMessagesInOrder(t *testing.T) {
	tests := []struct {
		name  string
		added int
		first string // the oldest line kept
	}{
		{"none", 0, ""},
		{"fewer than it holds", 3, `sent {"n":0}`},
		{"more than it holds", 20, `sent {"n":4}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr trace
			for i := range tt.added {
				if i%2 == 0 {
					tr.add(traced{sent: fmt.Appendf(nil, `{"n":%d}`, i)})
				} else {
					tr.add(traced{got: gotOf(serverMsg{Type: "table_event", Table: "t1", V: uint64(i), Kind: "move"})})
				}
			}
			lines := tr.lines()
			if want := min(tt.added, 16); len(lines) != want {
				t.Fatalf("%d lines, want %d", len(lines), want)
			}
			if tt.added == 0 {
				return
			}
			if !strings.HasPrefix(lines[0], tt.first) {
				t.Errorf("oldest line %q, want it to start %q", lines[0], tt.first)
			}
			if last := lines[len(lines)-1]; tt.added%2 == 0 && !strings.Contains(last, fmt.Sprintf("v%d ", tt.added-1)) {
				t.Errorf("newest line %q, want message %d", last, tt.added-1)
			}
		})
	}
}

// A trace keeps what its report shows of a message, not the message: the
// deal view and the legal moves of its last 16 messages, held by each of
// thousands of players, would be most of the generator's heap.
func TestTraceKeepsNoMessagesDealAlive(t *testing.T) {
	var tr trace
	deal := &rules.SeatView{Actor: 2}
	legal := &[]rules.Move{{}, {}}
	kept := weak.Make(deal)
	tr.add(traced{got: gotOf(serverMsg{Type: "table_event", Table: "t1", V: 3, Kind: "move", State: "playing", Deal: deal, Legal: legal})})
	deal, legal = nil, nil
	runtime.GC()
	if kept.Value() != nil {
		t.Error("the trace keeps the message's deal view alive")
	}
	want := `got table_event t1 v3 move state="playing" legal=2 actor=2`
	if lines := tr.lines(); len(lines) != 1 || lines[0] != want {
		t.Errorf("trace %q, want [%q]", lines, want)
	}
}
