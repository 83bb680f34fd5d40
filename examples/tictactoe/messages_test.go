package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// clientMsgCases are the rules of parseClientMsg, one broken per refused
// case; they seed FuzzParseClientMsg too.
var clientMsgCases = []struct {
	rule    string
	raw     string
	want    clientMsg
	wantErr string
}{
	{"play names the player", `{"type":"play","name":"xavier"}`, clientMsg{Type: "play", Name: "xavier"}, ""},
	{"a name is trimmed", `{"type":"play","name":"  olga\t"}`, clientMsg{Type: "play", Name: "olga"}, ""},
	{"play keeps only the name", `{"type":"play","name":"olga","cell":3}`, clientMsg{Type: "play", Name: "olga"}, ""},
	{"a name of 32 characters is accepted", `{"type":"play","name":"` + strings.Repeat("n", maxName) + `"}`,
		clientMsg{Type: "play", Name: strings.Repeat("n", maxName)}, ""},
	{"a move names a cell", `{"type":"move","cell":8}`, clientMsg{Type: "move", Cell: 8}, ""},
	{"a move without a cell is to cell 0", `{"type":"move"}`, clientMsg{Type: "move", Cell: 0}, ""},
	{"a move keeps only the cell", `{"type":"move","cell":4,"name":"eve"}`, clientMsg{Type: "move", Cell: 4}, ""},

	{"a message is JSON", `nope`, clientMsg{}, "bad message"},
	{"a message is a JSON object", `[1]`, clientMsg{}, "bad message"},
	{"a cell is a whole number", `{"type":"move","cell":1.5}`, clientMsg{}, "bad message"},
	{"a cell fits an int", `{"type":"move","cell":1e30}`, clientMsg{}, "bad message"},
	{"a message has a type", `{"cell":1}`, clientMsg{}, "unknown message type"},
	{"a message's type is known", `{"type":"resign"}`, clientMsg{}, "unknown message type"},
	{"play has a name", `{"type":"play"}`, clientMsg{}, "a name of 1 to 32 characters, please"},
	{"a name is not only spaces", `{"type":"play","name":"  "}`, clientMsg{}, "a name of 1 to 32 characters, please"},
	{"a name has at most 32 characters", `{"type":"play","name":"` + strings.Repeat("n", maxName+1) + `"}`, clientMsg{},
		"a name of 1 to 32 characters, please"},
	{"a name's limit counts characters, not bytes", `{"type":"play","name":"` + strings.Repeat("ж", maxName) + `"}`,
		clientMsg{Type: "play", Name: strings.Repeat("ж", maxName)}, ""},
	{"a name of 33 non-ASCII characters is refused", `{"type":"play","name":"` + strings.Repeat("ж", maxName+1) + `"}`, clientMsg{},
		"a name of 1 to 32 characters, please"},
	{"a move is to a cell of the board", `{"type":"move","cell":9}`, clientMsg{}, "no such cell: 9"},
	{"a move is not to a negative cell", `{"type":"move","cell":-1}`, clientMsg{}, "no such cell: -1"},
}

// checkDecoded checks one decoder result against a table row: the wanted
// value, or a refusal whose text is wantErr (or starts with it, when
// prefix) and whose value is zero.
func checkDecoded[T comparable](t *testing.T, got T, err error, want T, wantErr string, prefix bool) {
	t.Helper()
	if wantErr != "" {
		if err == nil || err.Error() != wantErr && !(prefix && strings.HasPrefix(err.Error(), wantErr)) {
			t.Fatalf("error %v, want %q", err, wantErr)
		}
		var zero T
		if got != zero {
			t.Fatalf("refused message decoded as %+v", got)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestParseClientMsg(t *testing.T) {
	for _, c := range clientMsgCases {
		t.Run(c.rule, func(t *testing.T) {
			got, err := parseClientMsg(c.raw)
			checkDecoded(t, got, err, c.want, c.wantErr, false)
		})
	}
}

// FuzzParseClientMsg checks parseClientMsg never panics, refuses with a
// message and a zero value, and accepts only names within the limit and
// cells of the board, in messages that survive re-encoding unchanged.
func FuzzParseClientMsg(f *testing.F) {
	for _, c := range clientMsgCases {
		f.Add(c.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := parseClientMsg(raw)
		if err != nil {
			if err.Error() == "" || m != (clientMsg{}) {
				t.Fatalf("refused %q with %q and %+v", raw, err, m)
			}
			return
		}
		switch m.Type {
		case "play":
			if m.Name == "" || utf8.RuneCountInString(m.Name) > maxName || strings.TrimSpace(m.Name) != m.Name || m.Cell != 0 {
				t.Fatalf("accepted play %+v from %q", m, raw)
			}
		case "move":
			if m.Cell < 0 || m.Cell > 8 || m.Name != "" {
				t.Fatalf("accepted move %+v from %q", m, raw)
			}
		default:
			t.Fatalf("accepted type %q from %q", m.Type, raw)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseClientMsg(string(b))
		if err != nil || again != m {
			t.Fatalf("%+v re-encoded as %s parses as %+v, %v", m, b, again, err)
		}
	})
}

// ctrlCases are the rules of parseCtrl, one broken per refused case (the
// error given by its start); they seed FuzzParseCtrl too.
var ctrlCases = []struct {
	rule    string
	payload string
	want    ctrl
	wantErr string
}{
	{"a waiting player is announced with a name", `{"kind":"waiting","from":"a1","player":"a1.s1","name":"xavier"}`,
		ctrl{Kind: "waiting", From: "a1", Player: "a1.s1", Name: "xavier"}, ""},
	{"a gone player is named", `{"kind":"gone","from":"a1","player":"a1.s1"}`,
		ctrl{Kind: "gone", From: "a1", Player: "a1.s1"}, ""},
	{"a claim names the challenger", `{"kind":"claim","from":"b2","player":"a1.s1","challenger":"b2.s7","challengerName":"olga"}`,
		ctrl{Kind: "claim", From: "b2", Player: "a1.s1", Challenger: "b2.s7", ChallengerName: "olga"}, ""},
	{"an acceptance names the game", `{"kind":"accepted","from":"a1","player":"b2.s7","game":"a1-1","name":"xavier"}`,
		ctrl{Kind: "accepted", From: "a1", Player: "b2.s7", Game: "a1-1", Name: "xavier"}, ""},
	{"a rejection names the challenger", `{"kind":"rejected","from":"a1","player":"b2.s7"}`,
		ctrl{Kind: "rejected", From: "a1", Player: "b2.s7"}, ""},
	{"a joined player names the game", `{"kind":"joined","from":"b2","player":"b2.s7","game":"a1-1"}`,
		ctrl{Kind: "joined", From: "b2", Player: "b2.s7", Game: "a1-1"}, ""},
	{"a move names game and cell", `{"kind":"move","from":"b2","player":"b2.s7","game":"a1-1","cell":8}`,
		ctrl{Kind: "move", From: "b2", Player: "b2.s7", Game: "a1-1", Cell: 8}, ""},
	{"a move to cell 0 omits the cell", `{"kind":"move","from":"b2","player":"b2.s7","game":"a1-1"}`,
		ctrl{Kind: "move", From: "b2", Player: "b2.s7", Game: "a1-1"}, ""},
	{"a leave names the game", `{"kind":"leave","from":"b2","player":"b2.s7","game":"a1-1"}`,
		ctrl{Kind: "leave", From: "b2", Player: "b2.s7", Game: "a1-1"}, ""},
	{"an end names the game", `{"kind":"over","from":"a1","player":"b2.s7","game":"a1-1"}`,
		ctrl{Kind: "over", From: "a1", Player: "b2.s7", Game: "a1-1"}, ""},

	{"a control message is JSON", `nope`, ctrl{}, "control message: invalid character"},
	{"a cell is a number", `{"kind":"move","from":"b2","player":"p","game":"g","cell":"4"}`, ctrl{},
		"control message: json: cannot unmarshal string"},
	{"a control message has a kind", `{"from":"a1","player":"p"}`, ctrl{}, `control message: unknown kind ""`},
	{"a control message's kind is known", `{"kind":"chat","from":"a1","player":"p"}`, ctrl{}, `control message: unknown kind "chat"`},
	{"a control message names its process", `{"kind":"waiting","player":"p","name":"x"}`, ctrl{},
		"control message waiting: no sending process"},
	{"a control message names a player", `{"kind":"gone","from":"a1"}`, ctrl{}, "control message gone: no player"},
	{"a claim names the challenger", `{"kind":"claim","from":"b2","player":"a1.s1"}`, ctrl{}, "control message claim: no challenger"},
	{"an acceptance names the game", `{"kind":"accepted","from":"a1","player":"b2.s7"}`, ctrl{}, "control message accepted: no game"},
	{"a move names the game", `{"kind":"move","from":"b2","player":"b2.s7","cell":3}`, ctrl{}, "control message move: no game"},
	{"a move is to a cell of the board", `{"kind":"move","from":"b2","player":"b2.s7","game":"g","cell":9}`, ctrl{},
		"control message move: no such cell: 9"},
	{"a move is not to a negative cell", `{"kind":"move","from":"b2","player":"b2.s7","game":"g","cell":-3}`, ctrl{},
		"control message move: no such cell: -3"},
}

func TestParseCtrl(t *testing.T) {
	for _, c := range ctrlCases {
		t.Run(c.rule, func(t *testing.T) {
			got, err := parseCtrl([]byte(c.payload))
			// A prefix: the JSON decoder's own words may change.
			checkDecoded(t, got, err, c.want, c.wantErr, true)
		})
	}
}

// TestCtrlCellErrorsMatchTheBoard checks a refused cell is reported with the
// board's sentinel, so callers can match it with errors.Is.
func TestCtrlCellErrorsMatchTheBoard(t *testing.T) {
	_, err := parseCtrl([]byte(`{"kind":"move","from":"b","player":"p","game":"g","cell":9}`))
	if !errors.Is(err, ErrNoSuchCell) {
		t.Errorf("control move to cell 9: %v, want ErrNoSuchCell", err)
	}
	_, err = parseClientMsg(`{"type":"move","cell":9}`)
	if !errors.Is(err, ErrNoSuchCell) {
		t.Errorf("browser move to cell 9: %v, want ErrNoSuchCell", err)
	}
}

// FuzzParseCtrl checks parseCtrl never panics, refuses with a message and
// a zero value, and accepts only messages Lobby.handle can act on, which
// survive re-encoding (as Lobby.send encodes them) unchanged.
func FuzzParseCtrl(f *testing.F) {
	for _, c := range ctrlCases {
		f.Add([]byte(c.payload))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		m, err := parseCtrl(payload)
		if err != nil {
			if err.Error() == "" || m != (ctrl{}) {
				t.Fatalf("refused %q with %q and %+v", payload, err, m)
			}
			return
		}
		if m.From == "" || m.Player == "" {
			t.Fatalf("accepted %+v from %q without process or player", m, payload)
		}
		switch m.Kind {
		case "waiting", "gone", "rejected":
		case "claim":
			if m.Challenger == "" {
				t.Fatalf("accepted claim %+v from %q", m, payload)
			}
		case "accepted", "joined", "leave", "over":
			if m.Game == "" {
				t.Fatalf("accepted %+v from %q", m, payload)
			}
		case "move":
			if m.Game == "" || m.Cell < 0 || m.Cell > 8 {
				t.Fatalf("accepted move %+v from %q", m, payload)
			}
		default:
			t.Fatalf("accepted kind %q from %q", m.Kind, payload)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseCtrl(b)
		if err != nil || again != m {
			t.Fatalf("%+v re-encoded as %s parses as %+v, %v", m, b, again, err)
		}
	})
}
