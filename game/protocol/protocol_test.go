package protocol

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trelljaz/trelljaz/game/rules"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     Request
		err      string
	}{
		{"signin takes a name", `{"type":"signin","name":"Anna K_1-x"}`, Request{Type: "signin", Name: "Anna K_1-x"}, ""},
		{"names may be Cyrillic", `{"type":"signin","name":"Вася"}`, Request{Type: "signin", Name: "Вася"}, ""},
		{"a name of 25 characters is refused", `{"type":"signin","name":"` + strings.Repeat("a", 25) + `"}`, Request{}, "1 to 24"},
		{"an empty name is refused", `{"type":"signin","name":""}`, Request{}, "1 to 24"},
		{"a blank name is refused", `{"type":"signin","name":"   "}`, Request{}, "not only spaces"},
		{"punctuation in names is refused", `{"type":"signin","name":"a#b"}`, Request{}, "not allowed"},
		{"create with defaults", `{"type":"create","convention":"rostov"}`, Request{Type: "create", Convention: "rostov"}, ""},
		{"create with pool and time", `{"type":"create","convention":"leningrad","pool_target":20,"move_time":60}`,
			Request{Type: "create", Convention: "leningrad", PoolTarget: 20, MoveTime: 60}, ""},
		{"only three conventions are offered", `{"type":"create","convention":"fspr"}`, Request{}, "not sochi"},
		{"a seat is 0..2", `{"type":"sit","table":"t1","seat":3}`, Request{}, "seat must be"},
		{"sit needs a seat", `{"type":"sit","table":"t1"}`, Request{}, `missing field "seat"`},
		{"fields of other types are refused", `{"type":"stand","table":"t1","seat":1}`, Request{}, `unexpected field "seat"`},
		{"unknown fields are refused", `{"type":"stand","table":"t1","x":1}`, Request{}, "unknown field"},
		{"moves are the rules' wire form", `{"type":"move","table":"t1","move":{"seat":2,"kind":"play","card":"10H"}}`,
			Request{Type: "move", Table: "t1", Move: rules.PlayMove(2, rules.NewCard(rules.Ten, rules.Hearts))}, ""},
		{"a bad move is refused", `{"type":"move","table":"t1","move":{"seat":2,"kind":"fly"}}`, Request{}, "unknown kind"},
		{"chat is at most 300 characters", `{"type":"lobby_chat","text":"` + strings.Repeat("я", 301) + `"}`, Request{}, "1 to 300"},
		{"trailing data is refused", `{"type":"watch","table":"t1"} {}`, Request{}, "trailing"},
		{"unknown types are refused", `{"type":"dance"}`, Request{}, "unknown type"},
		{"oversized messages are refused", `{"type":"lobby_chat","text":"` + strings.Repeat("a", MaxClientMessage) + `"}`, Request{}, "larger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// FuzzDecode feeds Decode untrusted bytes: it never panics, and what it
// accepts satisfies every limit the server relies on.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"signin","name":"Anna"}`, `{"type":"create","convention":"sochi","pool_target":10,"move_time":300}`,
		`{"type":"sit","table":"t1","seat":0}`, `{"type":"move","table":"t1","move":{"seat":2,"kind":"discard","cards":["7S","8S"]}}`,
		`{"type":"table_chat","table":"t1","text":"gl"}`, `{"type":"add_bot","table":"t9","seat":2}`, `[]`, `{"type":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(data)
		if err != nil {
			return
		}
		if len(data) > MaxClientMessage {
			t.Fatalf("accepted %d bytes", len(data))
		}
		if r.Type == TypeSignin && ValidName(r.Name) != nil {
			t.Fatalf("accepted name %q", r.Name)
		}
		if n := utf8.RuneCountInString(r.Text); (r.Type == TypeLobbyChat || r.Type == TypeTableChat) && (n == 0 || n > MaxChat) {
			t.Fatalf("accepted chat of %d characters", n)
		}
		if r.Seat < 0 || r.Seat >= Seats || len(r.Table) > MaxTableID {
			t.Fatalf("accepted seat %d table %q", r.Seat, r.Table)
		}
		if r.Type == TypeMove && (!r.Move.Card.Valid() && r.Move.Kind == rules.MovePlay) {
			t.Fatalf("accepted move %+v", r.Move)
		}
	})
}
