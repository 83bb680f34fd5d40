package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a client may send.
const (
	maxNick = 24
	maxText = 1000
	maxRoom = 32
)

// inbound is what a client sends: {"type":"join","room":"lobby","nick":"ann"}
// or {"type":"say","text":"hello"}.
type inbound struct {
	Type string `json:"type"`
	Room string `json:"room"`
	Nick string `json:"nick"`
	Text string `json:"text"`
}

// errNotJoined refuses a line from a member who is in no room.
var errNotJoined = errors.New("join a room first")

// parseInbound decodes and checks one message from a browser; joined says
// whether the sender is in a room. The error's text is what the client is
// told. An accepted message holds only the fields of its type:
//
//   - join: Nick and Room, each 1 to maxNick or maxRoom letters, digits,
//     '-', '_' and inner spaces;
//   - say: Text, trimmed, 1 to maxText characters, from a joined member
//     only. A line before joining is refused for that whatever its text.
func parseInbound(raw string, joined bool) (inbound, error) {
	var in inbound
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return inbound{}, errors.New("messages are JSON objects with a type")
	}
	switch in.Type {
	case "join":
		if err := validName("nick", in.Nick, maxNick); err != nil {
			return inbound{}, err
		}
		if err := validName("room", in.Room, maxRoom); err != nil {
			return inbound{}, err
		}
		return inbound{Type: in.Type, Nick: in.Nick, Room: in.Room}, nil
	case "say":
		if !joined {
			return inbound{}, errNotJoined
		}
		text := strings.TrimSpace(in.Text)
		if text == "" || utf8.RuneCountInString(text) > maxText || !utf8.ValidString(text) {
			return inbound{}, fmt.Errorf("a message has 1 to %d characters", maxText)
		}
		return inbound{Type: in.Type, Text: text}, nil
	default:
		return inbound{}, fmt.Errorf("unknown message type %q", in.Type)
	}
}

// validName accepts 1..max letters, digits, '-', '_' and spaces inside.
func validName(what, v string, max int) error {
	n := utf8.RuneCountInString(v)
	if n == 0 || n > max || strings.TrimSpace(v) != v {
		return fmt.Errorf("a %s has 1 to %d characters, no spaces around", what, max)
	}
	for _, r := range v {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' && r != ' ' {
			return errors.New("a " + what + " has letters, digits, '-', '_' and spaces only")
		}
	}
	return nil
}
