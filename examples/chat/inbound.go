package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trelljaz/trelljaz/sockjs"
)

// Limits on what a client may send.
const (
	maxNick = 24
	maxText = 1000
	maxRoom = 32
	// maxEpoch bounds the epoch of a position: the brokers make 16 hex
	// digits.
	maxEpoch = 32
)

// inbound is what a client sends: {"type":"join","room":"lobby","nick":"ann"}
// or {"type":"say","text":"hello"}. A join after a reconnection carries the
// position of the last line the page saw in that room,
// "since":{"offset":12,"epoch":"3f2a9c0e11d4b6a7"}, to get the lines it
// missed.
type inbound struct {
	Type  string          `json:"type"`
	Room  string          `json:"room"`
	Nick  string          `json:"nick"`
	Text  string          `json:"text"`
	Since sockjs.Position `json:"since,omitzero"`
}

// errNotJoined refuses a line from a member who is in no room.
var errNotJoined = errors.New("join a room first")

// parseInbound decodes and checks one message from a browser; joined says
// whether the sender is in a room. The error's text is what the client is
// told. An accepted message holds only the fields of its type:
//
//   - join: Nick and Room, each 1 to maxNick or maxRoom letters, digits,
//     '-', '_' and inner spaces; Since, if set, an offset and an epoch of
//     1 to maxEpoch hex digits;
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
		if err := validPosition(in.Since); err != nil {
			return inbound{}, err
		}
		return inbound{Type: in.Type, Nick: in.Nick, Room: in.Room, Since: in.Since}, nil
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

// errBadPosition refuses a join's malformed position.
var errBadPosition = fmt.Errorf("a position is an offset and an epoch of 1 to %d hex digits", maxEpoch)

// validPosition accepts the zero position or an epoch of hex digits.
func validPosition(p sockjs.Position) error {
	if p.IsZero() {
		return nil
	}
	if p.Epoch == "" || len(p.Epoch) > maxEpoch {
		return errBadPosition
	}
	for _, c := range []byte(p.Epoch) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return errBadPosition
		}
	}
	return nil
}
