package main

import (
	"fmt"
	"strings"
	"testing"
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
					tr.add(traced{got: serverMsg{Type: "table_event", Table: "t1", V: uint64(i), Kind: "move"}})
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
