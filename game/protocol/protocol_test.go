package protocol

import (
	"encoding/json"
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
		{"signin says the lobby version it has", `{"type":"signin","name":"A","lobby_v":7}`, Request{Type: "signin", Name: "A", LobbyV: 7}, ""},
		{"leaving the lobby says follow false", `{"type":"lobby","follow":false}`, Request{Type: "lobby", Unfollow: true}, ""},
		{"following the lobby says the version it has", `{"type":"lobby","follow":true,"v":9}`, Request{Type: "lobby", LobbyV: 9}, ""},
		{"the lobby message needs follow", `{"type":"lobby","v":9}`, Request{}, `missing field "follow"`},
		{"the lobby message takes no table", `{"type":"lobby","follow":true,"table":"t1"}`, Request{}, `unexpected field "table"`},
		{"a sign-in may leave the lobby out", `{"type":"signin","name":"A","follow_lobby":false}`, Request{Type: "signin", Name: "A", Unfollow: true}, ""},
		{"a sign-in follows the lobby by default", `{"type":"signin","name":"A"}`, Request{Type: "signin", Name: "A"}, ""},
		{"following names a view", `{"type":"lobby","follow":true,"v":9,"view":{"tables":100,"online":20,"state":"waiting","players":4,"preset":"sochi"}}`,
			Request{Type: "lobby", LobbyV: 9, View: &LobbyView{Tables: 100, Online: 20, State: StateWaiting, Players: 4, Preset: "sochi"}}, ""},
		{"an empty view is the default", `{"type":"lobby","follow":true,"view":{}}`, Request{Type: "lobby", View: &LobbyView{}}, ""},
		{"a sign-in names its lobby view", `{"type":"signin","name":"A","lobby_v":3,"lobby_view":{"tables":150}}`, Request{Type: "signin", Name: "A", LobbyV: 3, View: &LobbyView{Tables: 150}}, ""},
		{"a view is for following", `{"type":"lobby","follow":false,"view":{"tables":100}}`, Request{}, "a view is for following"},
		{"a view without the lobby is refused", `{"type":"signin","name":"A","follow_lobby":false,"lobby_view":{}}`, Request{}, "a view is for following"},
		{"a page of more than 500 tables is refused", `{"type":"lobby","follow":true,"view":{"tables":501}}`, Request{}, "tables must be 1 to 500"},
		{"a negative page is refused", `{"type":"lobby","follow":true,"view":{"tables":-1}}`, Request{}, "tables must be 1 to 500"},
		{"more than 500 names are refused", `{"type":"lobby","follow":true,"view":{"online":1000}}`, Request{}, "online must be 1 to 500"},
		{"a view's state is waiting or playing", `{"type":"lobby","follow":true,"view":{"state":"finished"}}`, Request{}, "state must be"},
		{"a view's size is 3 or 4 players", `{"type":"lobby","follow":true,"view":{"players":5}}`, Request{}, "players must be 3 or 4"},
		{"a view's preset is a convention", `{"type":"lobby","follow":true,"view":{"preset":"moscow"}}`, Request{}, "unknown convention"},
		{"a view's unknown fields are refused", `{"type":"lobby","follow":true,"view":{"page":2}}`, Request{}, `unknown field "page" in "view"`},
		{"a view is an object", `{"type":"lobby","follow":true,"view":50}`, Request{}, `field "view": want an object`},
		{"another message takes no view", `{"type":"watch","table":"t1","view":{}}`, Request{}, `unexpected field "view"`},
		{"set takes nothing", `{"type":"set"}`, Request{Type: "set"}, ""},
		{"set refuses fields", `{"type":"set","table":"t1"}`, Request{}, `unexpected field "table"`},
		{"conventions name a preset", `{"type":"conventions","table":"t1","preset":"fspr"}`, Request{Type: "conventions", Table: "t1", Preset: "fspr"}, ""},
		{"an unknown preset is refused", `{"type":"conventions","table":"t1","preset":"moscow"}`, Request{}, "unknown convention"},
		{"the timeout is a §14 option, not a field of its own", `{"type":"conventions","table":"t1","preset":"sochi","timeout":{"policy":"bank"}}`, Request{}, `unknown field "timeout"`},
		{"watch says the version it has", `{"type":"watch","table":"t1","v":42}`, Request{Type: "watch", Table: "t1", V: 42}, ""},
		{"a seat is 0..3", `{"type":"sit","table":"t1","seat":4}`, Request{}, "seat must be"},
		{"sit needs a seat", `{"type":"sit","table":"t1"}`, Request{}, `missing field "seat"`},
		{"fields of other types are refused", `{"type":"stand","table":"t1","seat":1}`, Request{}, `unexpected field "seat"`},
		{"unknown fields are refused", `{"type":"stand","table":"t1","x":1}`, Request{}, "unknown field"},
		{"moves are the rules' wire form", `{"type":"move","table":"t1","move":{"seat":2,"kind":"play","card":"10H"}}`,
			Request{Type: "move", Table: "t1", Move: rules.PlayMove(2, rules.NewCard(rules.Ten, rules.Hearts))}, ""},
		{"a bad move is refused", `{"type":"move","table":"t1","move":{"seat":2,"kind":"fly"}}`, Request{}, "unknown kind"},
		{"chat is at most 300 characters", `{"type":"lobby_chat","text":"` + strings.Repeat("я", 301) + `"}`, Request{}, "1 to 300"},
		{"trailing data is refused", `{"type":"watch","table":"t1"} {}`, Request{}, "after top-level value"},
		{"a message is an object", `["type","set"]`, Request{}, "message: want an object"},
		{"names match exactly", `{"TYPE":"stand","table":"t1"}`, Request{}, `unknown field "TYPE"`},
		{"a name twice is refused", `{"type":"stand","table":"t1","table":"t2"}`, Request{}, "duplicate object member name"},
		{"invalid UTF-8 becomes U+FFFD", "{\"type\":\"lobby_chat\",\"text\":\"a\xff\"}", Request{Type: "lobby_chat", Text: "a\uFFFD"}, ""},
		{"half an emoji becomes U+FFFD", `{"type":"table_chat","table":"t1","text":"a\ud83d"}`, Request{Type: "table_chat", Table: "t1", Text: "a\uFFFD"}, ""},
		{"an emoji is one character", `{"type":"lobby_chat","text":"\ud83d\ude00"}`, Request{Type: "lobby_chat", Text: "😀"}, ""},
		{"a seat is a number", `{"type":"sit","table":"t1","seat":"1"}`, Request{}, `field "seat": want a whole number`},
		{"a version is not negative", `{"type":"watch","table":"t1","v":-1}`, Request{}, `field "v": want a whole number`},
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
			if got.Type != tt.want.Type || got.Name != tt.want.Name || got.Table != tt.want.Table || got.V != tt.want.V || got.Text != tt.want.Text ||
				got.LobbyV != tt.want.LobbyV || got.Unfollow != tt.want.Unfollow || got.Preset != tt.want.Preset || got.Move != tt.want.Move || got.Seat != tt.want.Seat ||
				(got.View == nil) != (tt.want.View == nil) || got.View != nil && *got.View != *tt.want.View {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEachMessageSetsItsOwnType(t *testing.T) {
	for _, m := range []Message{Error{Code: ErrSeatTaken}, Welcome{}, Lobby{}, LobbyDelta{V: 1}, Created{}, Left{}, TableView{}, TableEvent{}} {
		var got struct{ Type string }
		if err := json.Unmarshal(Encode(m).Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.Type != m.MessageType() || got.Type == "" {
			t.Errorf("%T encodes type %q, want %q", m, got.Type, m.MessageType())
		}
	}
}

func TestChatTextIsNotHTMLEscaped(t *testing.T) {
	line := strings.Repeat("<", 300)
	e := Encode(TableEvent{Table: "t1", V: 1, Kind: KindChat, Chat: &ChatLine{Text: line}})
	if e.Len() > 600 { // 1,800 and more with \u003c escapes
		t.Fatalf("a chat line of 300 '<' costs %d bytes", e.Len())
	}
}

// FuzzDecode feeds Decode untrusted bytes: it never panics, and what it
// accepts satisfies every limit the server relies on.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"signin","name":"Anna","tables":{"t1":3}}`, `{"type":"set"}`,
		`{"type":"signin","guest":true,"lobby_v":4}`, `{"type":"signin","token":"a.b.c"}`, `{"type":"signin","guest":false}`,
		`{"type":"conventions","table":"t1","preset":"sochi","options":{"players":4,"timeout_action":"auto-pass","time_bank":60}}`,
		`{"type":"sit","table":"t1","seat":0}`, `{"type":"move","table":"t1","move":{"seat":2,"kind":"discard","cards":["7S","8S"]}}`,
		`{"type":"table_chat","table":"t1","text":"gl"}`, `{"type":"add_bot","table":"t9","seat":2}`, `[]`, `{"type":null}`,
		`{"type":"lobby","follow":false}`, `{"type":"lobby","follow":true,"v":12}`, `{"type":"signin","name":"A","follow_lobby":false}`,
		`{"type":"lobby","follow":true,"v":3,"view":{"tables":100,"online":20,"state":"playing","players":3,"preset":"rostov"}}`,
		`{"type":"signin","guest":true,"lobby_view":{"state":"waiting"}}`, `{"type":"lobby","follow":true,"view":{"tables":0}}`,
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
		if r.Type == TypeSignin {
			ways := 0
			for _, set := range []bool{r.Name != "", r.Token != "", r.Guest} {
				if set {
					ways++
				}
			}
			if ways != 1 || r.Name != "" && ValidName(r.Name) != nil || len(r.Token) > MaxToken {
				t.Fatalf("accepted sign-in %+v", r)
			}
		} else if r.Guest || r.Name != "" || r.Token != "" {
			t.Fatalf("accepted sign-in fields on %+v", r)
		}
		if n := utf8.RuneCountInString(r.Text); (r.Type == TypeLobbyChat || r.Type == TypeTableChat) && (n == 0 || n > MaxChat) {
			t.Fatalf("accepted chat of %d characters", n)
		}
		if r.Seat < 0 || r.Seat >= MaxSeats || len(r.Table) > MaxTableID || len(r.Tables) > MaxResync {
			t.Fatalf("accepted seat %d table %q tables %d", r.Seat, r.Table, len(r.Tables))
		}
		if r.View != nil {
			if err := r.View.Validate(); err != nil || r.Unfollow || r.Type != TypeLobby && r.Type != TypeSignin {
				t.Fatalf("accepted view %+v on %+v (%v)", *r.View, r, err)
			}
			if n := r.View.Normal(); n.Tables < 1 || n.Tables > MaxLobbyTables || n.Online < 1 || n.Online > MaxLobbyOnline {
				t.Fatalf("view %+v is not bounded", n)
			}
		}
		if r.Type == TypeMove && (!r.Move.Card.Valid() && r.Move.Kind == rules.MovePlay) {
			t.Fatalf("accepted move %+v", r.Move)
		}
	})
}
