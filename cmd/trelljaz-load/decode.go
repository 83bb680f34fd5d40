package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The generator decodes every frame its 9,000 players get at 3,000
// tables, on the machine the club runs on, so what it allocates is
// garbage its own collector marks while its players wait: in session 14
// each of its collections (every 12 s) lined up with a 5 s period of the
// run whose p99 was two to four times the others'. A player's reader
// therefore unquotes each message of a SockJS frame into a buffer it
// reuses (msgDecoder) and decodes it from there with encoding/json/v2's
// Unmarshal (the module github.com/go-json-experiment/json, which
// game/protocol uses too), which neither copies its input nor keeps it:
// a message costs its decoded values only, not a string and a copy of
// it as well. v2 matches member names exactly and refuses a name given
// twice, as the club's own decoder does; the club sends neither.

// msgDecoder unquotes and decodes the messages of one player's frames.
// It is not safe for concurrent use: each player's reader has its own.
type msgDecoder struct {
	msg []byte // the message being decoded, unquoted from its frame
}

// errNotFrameArray reports an "a" frame whose payload is not a JSON array
// of strings.
var errNotFrameArray = errors.New("frame: want a JSON array of strings")

// eachMessage calls visit with each message of a SockJS "a" frame (its
// JSON array of strings, data without the 'a'), unquoted into d's buffer:
// visit must not keep msg past its call. It stops at the first error,
// visit's or the frame's.
func (d *msgDecoder) eachMessage(data []byte, visit func(msg []byte) error) error {
	rest := skipSpace(data)
	if len(rest) == 0 || rest[0] != '[' {
		return errNotFrameArray
	}
	rest = skipSpace(rest[1:])
	if len(rest) > 0 && rest[0] == ']' {
		return trailing(rest[1:])
	}
	for {
		n := stringLen(rest)
		if n == 0 {
			return errNotFrameArray
		}
		var err error
		if d.msg, err = jsontext.AppendUnquote(d.msg[:0], rest[:n]); err != nil {
			return fmt.Errorf("frame: %w", err)
		}
		if err := visit(d.msg); err != nil {
			return err
		}
		rest = skipSpace(rest[n:])
		switch {
		case len(rest) > 0 && rest[0] == ',':
			rest = skipSpace(rest[1:])
		case len(rest) > 0 && rest[0] == ']':
			return trailing(rest[1:])
		default:
			return errNotFrameArray
		}
	}
}

// stringLen returns the length of the JSON string token s starts with,
// quotes included, or 0 if s does not start with a whole one. Its escapes
// are checked by the unquoting. (A byte loop: a message's own JSON is
// mostly escaped quotes, which a search for the next quote stops at.)
func stringLen(s []byte) int {
	if len(s) == 0 || s[0] != '"' {
		return 0
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // the escaped byte cannot end the string
		case '"':
			return i + 1
		}
	}
	return 0
}

// skipSpace returns s after its leading JSON whitespace.
func skipSpace(s []byte) []byte {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	return s
}

// trailing refuses anything but whitespace after a frame's array.
func trailing(s []byte) error {
	if len(skipSpace(s)) > 0 {
		return errNotFrameArray
	}
	return nil
}

// inbound is one message a player's reader got: decoded, or why not.
type inbound struct {
	m     serverMsg
	size  int  // its length, unquoted
	lobby bool // a lobby message (counted apart)
	err   error
}

// frame decodes the messages of an "a" frame's payload f.
func (d *msgDecoder) frame(f []byte) ([]inbound, error) {
	var msgs []inbound
	err := d.eachMessage(f, func(msg []byte) error {
		msgs = append(msgs, decodeInbound(msg))
		return nil
	})
	return msgs, err
}

// lobbyHeadLen bounds the head of a lobby message that lobbyHead reads:
// its type, version and base version, with room to spare.
const lobbyHeadLen = 128

// decodeInbound decodes one message from msg, which it does not keep.
func decodeInbound(msg []byte) inbound {
	in := inbound{size: len(msg)}
	if bytes.HasPrefix(msg, []byte(`{"type":"lobby`)) {
		in.lobby = true
		// Only the type and version matter to a player: decoding a whole
		// lobby of 3,000 tables for them took the generator's CPU from the
		// server's. They are in its head, which is copied (msg is reused):
		// a head cut short is decoded whole below.
		if m, ok := lobbyHead(string(msg[:min(len(msg), lobbyHeadLen)])); ok {
			in.m = m
			return in
		}
	}
	m, err := decodeMessage(msg)
	if err != nil {
		in.err = fmt.Errorf("undecodable %.80q: %w", msg, err)
	}
	in.m = m
	return in
}

// decodeFrameMessages returns the messages of a SockJS "a" frame (data
// without the 'a') as strings of their own, for recv.
func decodeFrameMessages(data []byte) ([]string, error) {
	var d msgDecoder
	msgs := []string{}
	err := d.eachMessage(data, func(msg []byte) error {
		msgs = append(msgs, string(msg))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return msgs, nil
}

// decodeMessage decodes one server message for a player from msg, which
// it neither changes nor keeps.
func decodeMessage(msg []byte) (serverMsg, error) {
	var m serverMsg
	if err := json.Unmarshal(msg, &m); err != nil {
		return serverMsg{}, fmt.Errorf("decode: %w", err)
	}
	return m, nil
}
