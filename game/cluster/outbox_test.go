package cluster

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/sockjs"
)

// errConn records the error codes it is sent.
type errConn struct {
	mu    sync.Mutex
	codes []string
}

func (c *errConn) Player() protocol.Player { return protocol.Player{ID: "1", Name: "Anna"} }
func (c *errConn) Send(msgs ...*protocol.Encoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		var e struct{ Type, Code string }
		if json.Unmarshal(m.Bytes(), &e) == nil && e.Type == "error" {
			c.codes = append(c.codes, e.Code)
		}
	}
}

// One request that cannot be encoded (options that are not JSON) is
// refused alone: the letter carries the others and the messages queued
// with them, the request's connection is answered bad_request.
func TestARequestThatCannotBeEncodedIsRefusedAloneNotItsLetter(t *testing.T) {
	b := sockjs.NewMemoryBroker()
	defer b.Close()
	letters := make(chan []byte, 4)
	unsub, err := b.Subscribe(context.Background(), inbox("b"), func(p []byte) { letters <- append([]byte(nil), p...) })
	if err != nil {
		t.Fatal(err)
	}
	defer unsub()
	n := bareNode("a", b)
	anna := &errConn{}
	conn := n.conns.id(anna)
	o := &outbox{n: n, to: "b", byMsg: map[*protocol.Encoded]uint64{}, lastOf: map[uint64]uint64{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}

	move := rules.Pass(1)
	o.request(op{Origin: "a", Conn: conn, Table: "t1", Do: doChat, Text: "before"})
	o.request(op{Origin: "a", Conn: conn, Table: "t1", Do: doConventions, Preset: "sochi",
		Options: map[string]json.RawMessage{"pool_target": json.RawMessage(`{not json`)}})
	o.request(op{Origin: "a", Conn: conn, Table: "t1", Do: doMove, Move: &move})
	o.deliver(7, []*protocol.Encoded{raw(t, `{"type":"a"}`), raw(t, `{"type":"b"}`)})
	l, ok := o.take()
	if !ok {
		t.Fatal("nothing to send")
	}
	o.send(l)

	var got letter
	select {
	case p := <-letters:
		if err := json.Unmarshal(p, &got); err != nil {
			t.Fatalf("the letter does not decode: %v\n%s", err, p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no letter was published")
	}
	if got.From != "a" || len(got.Ops) != 2 || got.Ops[0].Text != "before" || got.Ops[1].Move == nil || *got.Ops[1].Move != move {
		t.Errorf("the letter's requests: %+v, want the chat and the move", got.Ops)
	}
	if len(got.Out) != 1 || !slices.Equal(got.Out[0].Conns, []uint64{7}) || len(got.Out[0].Msgs) != 2 ||
		string(got.Out[0].Msgs[0]) != `{"type":"a"}` || string(got.Out[0].Msgs[1]) != `{"type":"b"}` {
		t.Errorf("the letter's deliveries: %+v, want the two JSON messages", got.Out)
	}
	anna.mu.Lock()
	codes := anna.codes
	anna.mu.Unlock()
	if len(codes) != 1 || codes[0] != string(protocol.ErrBadRequest) {
		t.Errorf("the connection was told %v, want one bad_request", codes)
	}
}

// raw returns the message JSON data as another process's table encoded it.
func raw(t testing.TB, data string) *protocol.Encoded {
	t.Helper()
	m, err := protocol.Raw([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
