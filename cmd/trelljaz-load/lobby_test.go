package main

import "testing"

func TestLobbyHeadReadsTypeAndVersionOnly(t *testing.T) {
	tests := []struct {
		name, raw string
		want      serverMsg
		ok        bool
	}{
		{"a whole lobby", `{"type":"lobby","v":1796470798105873,"tables":[{"id":"t1"}]}`, serverMsg{Type: "lobby", V: 1796470798105873}, true},
		{"a delta", `{"type":"lobby_delta","v":12,"since":9,"chat":[]}`, serverMsg{Type: "lobby_delta", V: 12, Since: 9}, true},
		{"a delta with nothing after since", `{"type":"lobby_delta","v":12,"since":9}`, serverMsg{Type: "lobby_delta", V: 12, Since: 9}, true},
		{"a since that is not a number", `{"type":"lobby_delta","v":12,"since":"9"}`, serverMsg{}, false},
		{"lobby_left has only v", `{"type":"lobby_left","v":7}`, serverMsg{Type: "lobby_left", V: 7}, true},
		{"no version first", `{"type":"lobby","tables":[],"v":3}`, serverMsg{}, false},
		{"a version that is not a number", `{"type":"lobby","v":"3"}`, serverMsg{}, false},
		{"a number cut short", `{"type":"lobby","v":3`, serverMsg{}, false},
	}
	for _, tt := range tests {
		got, ok := lobbyHead(tt.raw)
		if ok != tt.ok || got.Type != tt.want.Type || got.V != tt.want.V || got.Since != tt.want.Since {
			t.Errorf("%s: lobbyHead(%s) = %+v, %v; want %+v, %v", tt.name, tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}
