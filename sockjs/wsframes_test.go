package sockjs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// clientFrame encodes one frame as a client sends it (RFC 6455 §5.2): masked
// with key, with the shortest length encoding unless long forces 64 bits.
func clientFrame(op byte, fin bool, payload []byte, key [4]byte, long bool) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	out := []byte{b0}
	switch n := len(payload); {
	case long || n > 0xffff:
		out = append(out, 0x80|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	case n > 125:
		out = append(out, 0x80|126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, 0x80|byte(n))
	}
	out = append(out, key[:]...)
	for i, c := range payload {
		out = append(out, c^key[i&3])
	}
	return out
}

// readAllFrames reads frames from src until it ends, as a session does:
// data frames into messages, control frames reported by opcode and payload.
// It returns what it read and the error that stopped it (io.EOF at a frame
// boundary when the input simply ended).
func readAllFrames(src io.Reader, keep int) (got []string, err error) {
	f := wsFrames{src: src, buf: new(wsReadBuf)}
	var msg bytes.Buffer
	for {
		fr, err := f.next(&msg, keep)
		if err != nil {
			return got, err
		}
		if msg.Len() > keep {
			return got, errKeptTooMuch
		}
		switch fr.op {
		case wsOpPing, wsOpPong, wsOpClose:
			got = append(got, map[byte]string{wsOpPing: "ping:", wsOpPong: "pong:", wsOpClose: "close:"}[fr.op]+string(fr.payload))
			continue
		}
		if fr.fin {
			got = append(got, msg.String())
			msg.Reset()
		}
	}
}

var errKeptTooMuch = errors.New("kept more than keep")

func TestWebsocketFramesFollowRFC6455(t *testing.T) {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	big := strings.Repeat("0123456789abcdef", 5000) // 80,000 bytes: over the read buffer
	cat := func(frames ...[]byte) []byte { return bytes.Join(frames, nil) }
	tests := []struct {
		name    string
		in      []byte
		keep    int
		want    []string
		wantErr string // "" means the input ends cleanly (io.EOF at a boundary)
	}{
		{"a masked text frame is one message", clientFrame(wsOpText, true, []byte("Hello"), key, false), 100, []string{"Hello"}, ""},
		{"a binary frame is a message too", clientFrame(wsOpBinary, true, []byte{0, 1, 2}, key, false), 100, []string{"\x00\x01\x02"}, ""},
		{"an empty message", clientFrame(wsOpText, true, nil, key, false), 100, []string{""}, ""},
		{"16-bit length", clientFrame(wsOpText, true, []byte(big[:300]), key, false), 1000, []string{big[:300]}, ""},
		{"64-bit length, even for a short payload", clientFrame(wsOpText, true, []byte("short"), key, true), 100, []string{"short"}, ""},
		{"a payload larger than the read buffer", clientFrame(wsOpText, true, []byte(big), key, false), 1 << 20, []string{big}, ""},
		{"fragments join, control frames between them are answered at once",
			cat(clientFrame(wsOpText, false, []byte("Hel"), key, false),
				clientFrame(wsOpPing, true, []byte("p"), key, false),
				clientFrame(wsOpContinuation, false, []byte("lo, "), key, false),
				clientFrame(wsOpPong, true, nil, key, false),
				clientFrame(wsOpContinuation, true, []byte("world"), key, false)),
			100, []string{"ping:p", "pong:", "Hello, world"}, ""},
		{"a message over keep is read whole but kept to keep bytes",
			cat(clientFrame(wsOpText, true, []byte(big), key, false), clientFrame(wsOpText, true, []byte("next"), key, false)),
			10, []string{big[:10], "next"}, ""},
		{"fragments over keep in all are cut at keep",
			cat(clientFrame(wsOpText, false, []byte("abcdef"), key, false), clientFrame(wsOpContinuation, true, []byte("ghijkl"), key, false)),
			8, []string{"abcdefgh"}, ""},
		{"close frame with code and reason", clientFrame(wsOpClose, true, append([]byte{0x03, 0xe8}, "bye"...), key, false), 100, []string{"close:\x03\xe8bye"}, ""},
		{"unmasked frame", []byte{0x81, 0x02, 'h', 'i'}, 100, nil, "incorrect mask flag"},
		{"reserved bits without an extension", append([]byte{0xc1}, clientFrame(wsOpText, true, []byte("x"), key, false)[1:]...), 100, nil, "reserved bits"},
		{"unknown opcode", clientFrame(0x3, true, []byte("x"), key, false), 100, nil, "unknown opcode 3"},
		{"fragmented control frame", clientFrame(wsOpPing, false, nil, key, false), 100, nil, "control frame not final"},
		{"control frame over 125 bytes", clientFrame(wsOpPing, true, make([]byte, 126), key, false), 100, nil, "control frame length > 125"},
		{"continuation with no message begun", clientFrame(wsOpContinuation, true, []byte("x"), key, false), 100, nil, "continuation after final"},
		{"a new message inside a fragmented one",
			cat(clientFrame(wsOpText, false, []byte("a"), key, false), clientFrame(wsOpText, true, []byte("b"), key, false)),
			100, nil, "message start before final"},
		{"length with the top bit set", append([]byte{0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0}, key[:]...), 100, nil, "over 2^63"},
		{"input ends inside a header", []byte{0x81}, 100, nil, io.ErrUnexpectedEOF.Error()},
		{"input ends inside a payload", clientFrame(wsOpText, true, []byte("Hello"), key, false)[:8], 100, nil, io.ErrUnexpectedEOF.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Whole, and one byte per read (every split of headers and payloads).
			for _, src := range []io.Reader{bytes.NewReader(tt.in), iotest.OneByteReader(bytes.NewReader(tt.in))} {
				got, err := readAllFrames(src, tt.keep)
				if strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Errorf("messages = %.80q, want %.80q", got, tt.want)
				}
				switch {
				case tt.wantErr == "" && !errors.Is(err, io.EOF):
					t.Errorf("err = %v, want a clean end", err)
				case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
					t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
				}
			}
		})
	}
}

func TestWebsocketCloseFrameParsing(t *testing.T) {
	tests := []struct {
		name       string
		payload    []byte
		wantCode   int
		wantReason string
		wantErr    bool
	}{
		{"no payload means no status (1005)", nil, 1005, "", false},
		{"code and reason", append([]byte{0x0f, 0xa1}, "gone"...), 4001, "gone", false},
		{"normal closure", []byte{0x03, 0xe8}, 1000, "", false},
		{"one byte is not a code", []byte{0x03}, 0, "", true},
		{"1005 is never sent", []byte{0x03, 0xed}, 0, "", true},
		{"1006 is never sent", []byte{0x03, 0xee}, 0, "", true},
		{"below 1000", []byte{0x00, 0x10}, 0, "", true},
		{"5000 is out of range", []byte{0x13, 0x88}, 0, "", true},
		{"reason must be UTF-8", []byte{0x03, 0xe8, 0xff}, 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, reason, err := wsParseClose(tt.payload)
			if (err != nil) != tt.wantErr || code != tt.wantCode || reason != tt.wantReason {
				t.Errorf("wsParseClose(%x) = %d, %q, %v; want %d, %q, error %v", tt.payload, code, reason, err, tt.wantCode, tt.wantReason, tt.wantErr)
			}
		})
	}
}

// FuzzWebsocketFrames feeds arbitrary client bytes to the frame reader: it
// must not panic, never keep more than asked, and read back exactly the
// messages a well-formed stream carries however the reads split it.
func FuzzWebsocketFrames(f *testing.F) {
	key := [4]byte{1, 2, 3, 4}
	f.Add(clientFrame(wsOpText, true, []byte("hello"), key, false), "a", uint8(3))
	f.Add([]byte{0x81, 0xfe, 0x00, 0x80}, "", uint8(1))
	f.Add([]byte{0x01, 0x81, 0, 0, 0, 0, 'x', 0x89, 0x80, 0, 0, 0, 0, 0x80, 0x81, 0, 0, 0, 0, 'y'}, strings.Repeat("z", 300), uint8(7))
	f.Fuzz(func(t *testing.T, raw []byte, msg string, split uint8) {
		const keep = 64
		if _, err := readAllFrames(bytes.NewReader(raw), keep); errors.Is(err, errKeptTooMuch) {
			t.Fatal(err)
		}
		// A message split into fragments of split bytes, each fragment
		// followed by a ping, read back one byte per read.
		n := int(split%32) + 1
		var in []byte
		for i := 0; ; i += n {
			end := min(i+n, len(msg))
			op := byte(wsOpContinuation)
			if i == 0 {
				op = wsOpText
			}
			in = append(in, clientFrame(op, end == len(msg), []byte(msg[i:end]), [4]byte{split, 7, 0, 255}, split&1 == 1)...)
			if end == len(msg) {
				break
			}
			in = append(in, clientFrame(wsOpPing, true, []byte{split}, key, false)...)
		}
		got, err := readAllFrames(iotest.OneByteReader(bytes.NewReader(in)), 1<<20)
		if !errors.Is(err, io.EOF) {
			t.Fatalf("err = %v", err)
		}
		if len(got) == 0 || got[len(got)-1] != msg {
			t.Fatalf("read %q, want it to end with %q", got, msg)
		}
	})
}

// TestWebsocketFrameMemoryFollowsData checks that a header announcing a big
// payload costs memory only as the payload comes: a client cannot make the
// server allocate its MaxFrameSize with a few bytes.
func TestWebsocketFrameMemoryFollowsData(t *testing.T) {
	in := clientFrame(wsOpText, true, make([]byte, 1<<20), [4]byte{1, 2, 3, 4}, false)
	in = in[:14+10000] // header, then 10,000 bytes of the announced 1 MiB
	f := wsFrames{src: bytes.NewReader(in), buf: new(wsReadBuf)}
	var msg bytes.Buffer
	if _, err := f.next(&msg, 2<<20); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
	if msg.Len() != 10000 || msg.Cap() > 64<<10 {
		t.Errorf("kept %d bytes in a buffer of %d: want 10,000 in at most 64 KiB", msg.Len(), msg.Cap())
	}
}
