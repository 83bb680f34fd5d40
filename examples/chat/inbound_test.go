package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trelljaz/trelljaz/sockjs"
)

// inboundCases are the rules of parseInbound, one broken per refused case;
// they seed FuzzParseInbound too.
var inboundCases = []struct {
	rule    string
	raw     string
	joined  bool
	want    inbound
	wantErr string
}{
	{"a join names a nick and a room", `{"type":"join","nick":"ann","room":"lobby"}`, false,
		inbound{Type: "join", Nick: "ann", Room: "lobby"}, ""},
	{"a join may move a joined member", `{"type":"join","nick":"ann","room":"kitchen"}`, true,
		inbound{Type: "join", Nick: "ann", Room: "kitchen"}, ""},
	{"a join keeps only the nick and the room", `{"type":"join","nick":"ann","room":"lobby","text":"x"}`, false,
		inbound{Type: "join", Nick: "ann", Room: "lobby"}, ""},
	{"names may hold letters of any script, digits, '-', '_' and inner spaces", `{"type":"join","nick":"Анна_2-b c","room":"日本 9"}`, false,
		inbound{Type: "join", Nick: "Анна_2-b c", Room: "日本 9"}, ""},
	{"a nick of 24 characters is accepted", `{"type":"join","nick":"` + strings.Repeat("é", maxNick) + `","room":"x"}`, false,
		inbound{Type: "join", Nick: strings.Repeat("é", maxNick), Room: "x"}, ""},
	{"a room of 32 characters is accepted", `{"type":"join","nick":"a","room":"` + strings.Repeat("r", maxRoom) + `"}`, false,
		inbound{Type: "join", Nick: "a", Room: strings.Repeat("r", maxRoom)}, ""},
	{"a line is trimmed", `{"type":"say","text":"  hello \n"}`, true,
		inbound{Type: "say", Text: "hello"}, ""},
	{"a line keeps only its text", `{"type":"say","text":"hi","nick":"eve","room":"other"}`, true,
		inbound{Type: "say", Text: "hi"}, ""},
	{"a line of 1000 characters is accepted", `{"type":"say","text":"` + strings.Repeat("ж", maxText) + `"}`, true,
		inbound{Type: "say", Text: strings.Repeat("ж", maxText)}, ""},
	{"a line may hold markup; the page shows it as text", `{"type":"say","text":"<b>hi</b>"}`, true,
		inbound{Type: "say", Text: "<b>hi</b>"}, ""},

	{"a message is JSON", `nope`, true, inbound{}, "messages are JSON objects with a type"},
	{"a message is a JSON object", `["say"]`, true, inbound{}, "messages are JSON objects with a type"},
	{"fields have their types", `{"type":"say","text":5}`, true, inbound{}, "messages are JSON objects with a type"},
	{"a message has a type", `{"text":"hi"}`, true, inbound{}, `unknown message type ""`},
	{"a message's type is known", `{"type":"shout"}`, true, inbound{}, `unknown message type "shout"`},
	{"a join has a nick", `{"type":"join","nick":"","room":"x"}`, false, inbound{},
		"a nick has 1 to 24 characters, no spaces around"},
	{"a nick has at most 24 characters", `{"type":"join","nick":"` + strings.Repeat("n", maxNick+1) + `","room":"x"}`, false, inbound{},
		"a nick has 1 to 24 characters, no spaces around"},
	{"a nick has no spaces around", `{"type":"join","nick":" ann","room":"x"}`, false, inbound{},
		"a nick has 1 to 24 characters, no spaces around"},
	{"a nick has no markup", `{"type":"join","nick":"<b>","room":"x"}`, false, inbound{},
		"a nick has letters, digits, '-', '_' and spaces only"},
	{"a join has a room", `{"type":"join","nick":"ann"}`, false, inbound{},
		"a room has 1 to 32 characters, no spaces around"},
	{"a room has at most 32 characters", `{"type":"join","nick":"a","room":"` + strings.Repeat("r", maxRoom+1) + `"}`, false, inbound{},
		"a room has 1 to 32 characters, no spaces around"},
	{"a room has no spaces around", `{"type":"join","nick":"a","room":"lobby\t"}`, false, inbound{},
		"a room has 1 to 32 characters, no spaces around"},
	{"a room has no colon", `{"type":"join","nick":"a","room":"a:b"}`, false, inbound{},
		"a room has letters, digits, '-', '_' and spaces only"},
	{"a join may carry the position to recover from", `{"type":"join","nick":"a","room":"r","since":{"offset":12,"epoch":"3f2a"}}`, true,
		inbound{Type: "join", Nick: "a", Room: "r", Since: sockjs.Position{Offset: 12, Epoch: "3f2a"}}, ""},
	{"a position has an epoch", `{"type":"join","nick":"a","room":"r","since":{"offset":12}}`, true, inbound{},
		"a position is an offset and an epoch of 1 to 32 hex digits"},
	{"an epoch is hex digits", `{"type":"join","nick":"a","room":"r","since":{"offset":1,"epoch":"<x>"}}`, true, inbound{},
		"a position is an offset and an epoch of 1 to 32 hex digits"},
	{"an epoch has at most 32 digits", `{"type":"join","nick":"a","room":"r","since":{"offset":1,"epoch":"` + strings.Repeat("a", maxEpoch+1) + `"}}`, true, inbound{},
		"a position is an offset and an epoch of 1 to 32 hex digits"},
	{"an offset is a number", `{"type":"join","nick":"a","room":"r","since":{"offset":-1,"epoch":"ab"}}`, true, inbound{},
		"messages are JSON objects with a type"},
	{"a line needs a room", `{"type":"say","text":"hi"}`, false, inbound{}, "join a room first"},
	{"a line needs a room, whatever its text", `{"type":"say","text":""}`, false, inbound{}, "join a room first"},
	{"a line is not empty", `{"type":"say","text":""}`, true, inbound{}, "a message has 1 to 1000 characters"},
	{"a line is not only spaces", `{"type":"say","text":" \t "}`, true, inbound{}, "a message has 1 to 1000 characters"},
	{"a line has at most 1000 characters", `{"type":"say","text":"` + strings.Repeat("ж", maxText+1) + `"}`, true, inbound{},
		"a message has 1 to 1000 characters"},
}

func TestParseInbound(t *testing.T) {
	for _, c := range inboundCases {
		t.Run(c.rule, func(t *testing.T) {
			got, err := parseInbound(c.raw, c.joined)
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				if got != (inbound{}) {
					t.Fatalf("refused message decoded as %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// FuzzParseInbound checks parseInbound never panics, refuses with a message
// and a zero value, and accepts only messages within the limits that survive
// re-encoding unchanged.
func FuzzParseInbound(f *testing.F) {
	for _, c := range inboundCases {
		f.Add(c.raw, c.joined)
	}
	f.Fuzz(func(t *testing.T, raw string, joined bool) {
		in, err := parseInbound(raw, joined)
		if err != nil {
			if err.Error() == "" || in != (inbound{}) {
				t.Fatalf("refused %q with %q and %+v", raw, err, in)
			}
			return
		}
		switch in.Type {
		case "join":
			checkName(t, "nick", in.Nick, maxNick)
			checkName(t, "room", in.Room, maxRoom)
			if in.Text != "" {
				t.Fatalf("join %q kept text %q", raw, in.Text)
			}
			if !in.Since.IsZero() && (in.Since.Epoch == "" || len(in.Since.Epoch) > maxEpoch || strings.Trim(in.Since.Epoch, "0123456789abcdef") != "") {
				t.Fatalf("join %q kept position %v", raw, in.Since)
			}
		case "say":
			n := utf8.RuneCountInString(in.Text)
			if !joined || n < 1 || n > maxText || !utf8.ValidString(in.Text) || strings.TrimSpace(in.Text) != in.Text {
				t.Fatalf("accepted line %q (joined %v) from %q", in.Text, joined, raw)
			}
			if in.Nick != "" || in.Room != "" || !in.Since.IsZero() {
				t.Fatalf("line %q kept nick %q room %q", raw, in.Nick, in.Room)
			}
		default:
			t.Fatalf("accepted type %q from %q", in.Type, raw)
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseInbound(string(b), joined)
		if err != nil || again != in {
			t.Fatalf("%+v re-encoded as %s parses as %+v, %v", in, b, again, err)
		}
	})
}

// checkName fails t unless v is a name of 1 to max characters that cannot
// break out of a channel name or a page.
func checkName(t *testing.T, what, v string, max int) {
	t.Helper()
	n := utf8.RuneCountInString(v)
	if n < 1 || n > max || !utf8.ValidString(v) || strings.TrimSpace(v) != v || strings.ContainsAny(v, "<>&\"':/\\\x00\n\t\uFFFD") {
		t.Fatalf("accepted %s %q", what, v)
	}
}
