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
// built on first use and shared, its SockJS encoding. It is immutable and
// safe for concurrent use.
//
// The JSON is a string, so that the SockJS encoding's raw payload shares
// it instead of copying it: a table keeps its recent events for resync
// (as their JSON, Resend), and a copy each was a third of a busy club's heap.
type Encoded struct {
	data string
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

// EncodeTableEvent is Encode for a table event, without the copy of the
// event (and of the views it points to) that passing it as a Message
// makes: a table encodes one per seat for every move.
func EncodeTableEvent(e *TableEvent) *Encoded { return encodeTableEvent(e) }

// encodeTableEvent encodes e with appends into a scratch buffer and copies
// the JSON out (a string of the message's size: the table keeps its recent
// events for resync), so the buffer serves the next event.
func encodeTableEvent(e *TableEvent) *Encoded {
	buf := scratch.Get().(*[]byte)
	data := appendTableEvent((*buf)[:0], e)
	enc := &Encoded{data: string(data)}
	if cap(data) <= maxScratch {
		*buf = data
		scratch.Put(buf)
	}
	return enc
}

// scratch holds the buffers table events are appended into before their
// JSON is copied out as a string (an event with a deal is 1.5 to 2 kB). A
// package-level sync.Pool, as encoding/json and fmt keep theirs: a cache
// of scratch space, holding nothing a caller can see.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxScratch is the largest buffer scratch keeps: a rare huge event (a
// whole score sheet) does not pin its buffer.
const maxScratch = 16 << 10

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
	return &Encoded{data: string(out)}
}

// Bytes returns a copy of the message's JSON.
func (e *Encoded) Bytes() []byte { return []byte(e.data) }

// JSON returns the message's JSON.
func (e *Encoded) JSON() string { return e.data }

// SockJS returns the message as a SockJS message, encoded on first use.
func (e *Encoded) SockJS() *sockjs.Message {
	e.once.Do(func() { e.msg = sockjs.NewMessage(e.data) })
	return e.msg
}

// Resend returns the message whose JSON (Encoded.JSON) was kept, to send
// it again. What is kept long after it was sent is that string alone: no
// SockJS encoding (from its second delivery a quoted copy of the JSON,
// larger), freed once written and built again only if the message is
// sent again, and no object of its own for the collector to mark. The
// caller vouches that json came from JSON; nothing is checked.
func Resend(json string) *Encoded { return &Encoded{data: json} }

// Len is the size of the message's JSON in bytes.
func (e *Encoded) Len() int { return len(e.data) }
