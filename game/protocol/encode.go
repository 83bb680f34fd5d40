package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/trelljaz/trelljaz/sockjs"
)

// Message is a server message: a type with its own tag.
type Message interface {
	// MessageType returns the message's "type".
	MessageType() string
}

// Encoded is a message encoded once for every recipient: its JSON and,
// built on first use and shared, its SockJS frame. It is immutable and safe
// for concurrent use.
type Encoded struct {
	data []byte
	once sync.Once
	msg  *sockjs.Message
}

// Encode encodes m once: {"type": m.MessageType(), ...its fields}. HTML
// characters are not escaped (the page inserts text, never HTML), so a
// chat line of "<" costs one byte, not six.
//
// A table event, the most frequent message by far, is written with appends
// (append.go), in the same bytes.
func Encode(m Message) *Encoded {
	switch e := m.(type) {
	case TableEvent:
		return encodeTableEvent(&e)
	case *TableEvent:
		return encodeTableEvent(e)
	}
	return encodeReflect(m)
}

// encodeTableEvent encodes e with appends. An event with a deal is 1.5 to
// 2 kB, one without a few hundred bytes; the table keeps its recent events
// for resync, so a buffer grown far past the message is cut to it.
func encodeTableEvent(e *TableEvent) *Encoded {
	size := 512
	if e.Deal != nil {
		size = 2048
	}
	data := appendTableEvent(make([]byte, 0, size), e)
	if cap(data)-len(data) > len(data)/2 {
		data = bytes.Clone(data)
	}
	return &Encoded{data: data}
}

// encodeReflect encodes m with encoding/json.
func encodeReflect(m Message) *Encoded {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		// The message types of this package always encode.
		panic(fmt.Sprintf("protocol: encoding %T: %v", m, err))
	}
	body := bytes.TrimSpace(buf.Bytes())
	out := make([]byte, 0, len(body)+len(m.MessageType())+12)
	out = append(out, `{"type":`...)
	out = append(out, '"')
	out = append(out, m.MessageType()...)
	out = append(out, '"')
	if len(body) > 2 {
		out = append(out, ',')
	}
	out = append(out, body[1:]...)
	return &Encoded{data: out}
}

// Bytes returns the JSON of the message; the caller must not modify it.
func (e *Encoded) Bytes() []byte { return e.data }

// SockJS returns the message as a SockJS message, encoded on first use.
func (e *Encoded) SockJS() *sockjs.Message {
	e.once.Do(func() { e.msg = sockjs.NewMessage(string(e.data)) })
	return e.msg
}

// Len is the size of the message's JSON in bytes.
func (e *Encoded) Len() int { return len(e.data) }
