package sockjs

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Message is a payload encoded once for every transport, so that sending it
// to many sessions costs no further encoding. A Message is immutable and safe
// for concurrent use; build one with NewMessage.
//
// Most messages go to one session only (a seat's table event, an answer):
// their first delivery quotes the payload straight into the frame it is
// written in, and only a second delivery keeps a quoted copy (and, on
// websocket, a prepared frame) for itself and the ones after. A message
// sent once so allocates nothing but itself.
type Message struct {
	raw  string // the payload as the raw websocket endpoint sends it (no copy of it is made)
	size int    // what the message counts against a session's send queue (queueSize)

	// deliveries counts the deliveries that framed the message (appendTo)
	// and websocketWrites its websocket deliveries alone in their frame.
	deliveries      atomic.Int32
	websocketWrites atomic.Int32
	quoteOnce       sync.Once
	quoted          []byte // the payload as a SockJS-escaped JSON string literal, from the second delivery on
	frameOnce       sync.Once
	frame           *websocket.PreparedMessage // a["<quoted>"], built on its second websocket delivery
}

// NewMessage encodes payload for every transport.
func NewMessage(payload string) *Message {
	return &Message{raw: payload, size: quotedSize(payload) + 1}
}

// quotedSize is the size of payload quoted by appendQuoted when it holds
// nothing but quotes and backslashes to escape (a JSON payload's usual
// case). Rarer escapes make the quoted string longer.
func quotedSize(payload string) int {
	return len(payload) + 2 + strings.Count(payload, `"`) + strings.Count(payload, `\`)
}

// queueSize is what the message counts against a session's send queue:
// its quoted size and a separator, short of rare escapes (quotedSize).
func (m *Message) queueSize() int { return m.size }

// appendTo appends the payload as a SockJS-escaped JSON string literal.
// The first delivery quotes it into dst; the ones after append the quoted
// copy the second built.
func (m *Message) appendTo(dst []byte) []byte {
	if m.deliveries.Add(1) == 1 {
		return appendQuoted(dst, m.raw)
	}
	return append(dst, m.quotedCopy()...)
}

// quotedCopy returns the payload quoted, built on its first call.
func (m *Message) quotedCopy() []byte {
	m.quoteOnce.Do(func() { m.quoted = appendQuoted(make([]byte, 0, m.size+1), m.raw) })
	return m.quoted
}

// sharedFrame reports whether this websocket delivery of the message alone
// should use its prepared frame (websocketFrame): not for the first one,
// which is likely its only one.
func (m *Message) sharedFrame() bool { return m.websocketWrites.Add(1) > 1 }

// websocketFrame returns the message as a prepared one-message SockJS frame,
// shared by every websocket session it is written to.
func (m *Message) websocketFrame() *websocket.PreparedMessage {
	m.frameOnce.Do(func() {
		q := m.quotedCopy()
		buf := make([]byte, 0, len(q)+3)
		buf = append(buf, 'a', '[')
		buf = append(buf, q...)
		buf = append(buf, ']')
		// NewPreparedMessage fails only for invalid message types.
		m.frame, _ = websocket.NewPreparedMessage(websocket.TextMessage, buf)
	})
	return m.frame
}

// Broadcast queues payload for every session in sessions, encoding it once.
// Like Session.Send it never blocks; a session whose queue is full is closed
// as a slow consumer and the others still get the message. It returns how many
// sessions accepted the message.
func Broadcast(sessions []*Session, payload string) int {
	m := NewMessage(payload)
	n := 0
	for _, s := range sessions {
		if s.send(m, false) == nil {
			n++
		}
	}
	return n
}

const hexDigits = "0123456789abcdef"

// appendQuoted appends s to dst as a JSON string literal, escaping what the
// SockJS protocol requires servers to escape: control characters and the
// ranges U+200C–U+200F, U+2028–U+202F, U+2060–U+206F and U+FFF0–U+FFFF, which
// browsers or proxies mangle. Invalid UTF-8 becomes U+FFFD (escaped).
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = appendUnicodeEscape(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || mustEscape(r) {
			dst = append(dst, s[start:i]...)
			dst = appendUnicodeEscape(dst, r)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// mustEscape reports whether r is in a range the SockJS protocol wants
// escaped on the way to the browser.
func mustEscape(r rune) bool {
	return (r >= 0x200c && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) ||
		(r >= 0x2060 && r <= 0x206f) || (r >= 0xfff0 && r <= 0xffff)
}

func appendUnicodeEscape(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u',
		hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// appendCloseFrame appends the SockJS close frame c[code,"reason"].
func appendCloseFrame(dst []byte, code int, reason string) []byte {
	dst = append(dst, 'c', '[')
	dst = appendInt(dst, code)
	dst = append(dst, ',')
	dst = appendQuoted(dst, reason)
	return append(dst, ']')
}

func appendInt(dst []byte, n int) []byte {
	if n < 0 {
		dst = append(dst, '-')
		n = -n
	}
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(dst, b[i:]...)
}

// Errors from decoding what a client sent. protocolText gives the words the
// SockJS protocol puts in the HTTP 500 answer for each.
var (
	errPayloadExpected = errors.New("sockjs: payload expected")
	errBrokenJSON      = errors.New("sockjs: broken JSON encoding")
)

// protocolText returns the SockJS protocol's answer text for a decode error.
func protocolText(err error) string {
	if errors.Is(err, errPayloadExpected) {
		return "Payload expected."
	}
	return "Broken JSON encoding."
}

// decodeMessages decodes one inbound SockJS payload: a JSON array of strings
// (every transport) or a single JSON string (websocket). An empty payload is
// errPayloadExpected; anything else that is not one of those shapes is
// errBrokenJSON.
func decodeMessages(data []byte) ([]string, error) {
	i := 0
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i == len(data) {
		return nil, errPayloadExpected
	}
	switch data[i] {
	case '[':
		var msgs []string
		if err := json.Unmarshal(data, &msgs); err != nil {
			return nil, errBrokenJSON
		}
		return msgs, nil
	case '"':
		var msg string
		if err := json.Unmarshal(data, &msg); err != nil {
			return nil, errBrokenJSON
		}
		return []string{msg}, nil
	}
	return nil, errBrokenJSON
}

// messagesFit reports whether every decoded message is within
// Options.MaxMessageSize.
func (srv *Server) messagesFit(msgs []string) bool {
	for _, m := range msgs {
		if len(m) > srv.opts.MaxMessageSize {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
