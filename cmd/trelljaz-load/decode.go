package main

import (
	"fmt"
	"unsafe"

	gojson "github.com/goccy/go-json"
)

// The generator decodes every frame its 9,000 players get at 3,000
// tables, and decoding was half of its CPU, which the server shares: it
// uses github.com/goccy/go-json, a drop-in for encoding/json's Unmarshal
// (the same struct tags and Unmarshaler methods, so rules.SeatView decodes
// as the club's Go clients decode it) that decodes without reflection on
// every value. BenchmarkDecodeFrame compares the two. It needs v0.12.0 or
// later: v0.10.5 zero-filled the missing elements of a fixed-size array
// sent short with pointer-sized stores, overwriting the fields after it
// (TestDecodeShortArrayWritesNothingPastIt).

// decodeFrameMessages decodes the messages of a SockJS "a" frame (its JSON
// array of strings, data without the 'a').
func decodeFrameMessages(data []byte) ([]string, error) {
	var msgs []string
	if err := gojson.Unmarshal(data, &msgs); err != nil {
		return nil, err
	}
	return msgs, nil
}

// decodeMessage decodes one server message for a player. It hands
// go-json the string's own bytes, not a copy: Unmarshal copies its input
// into a buffer of its own before reading it and never writes to it, so
// the copy []byte(raw) made was a second one of every message (1.5 to
// 2 kB, three a move).
func decodeMessage(raw string) (serverMsg, error) {
	var m serverMsg
	if err := gojson.Unmarshal(unsafe.Slice(unsafe.StringData(raw), len(raw)), &m); err != nil {
		return serverMsg{}, fmt.Errorf("decode: %w", err)
	}
	return m, nil
}
