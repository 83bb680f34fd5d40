package sockjs

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestDeliveryFrameIsBounded checks the rule of Options.SendQueueBytes: a
// backlog goes out in frames of at most maxDeliveryBytes of messages (or one
// larger message), every message once and in order, on websocket and on
// polling.
func TestDeliveryFrameIsBounded(t *testing.T) { forEachWriteMode(t, testDeliveryFrameIsBounded) }

func testDeliveryFrameIsBounded(t *testing.T, direct bool) {
	var sent []string
	for i := range 100 {
		sent = append(sent, fmt.Sprintf("%03d", i)+strings.Repeat("x", 2000))
	}
	huge := strings.Repeat("h", maxDeliveryBytes+1000) // one message over the bound goes whole
	sent = append(sent, huge, "last")
	env := newEnv(t, Options{DirectWrites: direct}, hooks{onOpen: func(s *Session) error {
		for _, m := range sent {
			if err := s.Send(m); err != nil {
				return err
			}
		}
		return nil
	}})
	// check decodes SockJS "a" frames until every sent message came.
	check := func(t *testing.T, next func() string) {
		t.Helper()
		var got []string
		frames := 0
		for len(got) < len(sent) {
			frame := next()
			var msgs []string
			if !strings.HasPrefix(frame, "a") || json.Unmarshal([]byte(frame[1:]), &msgs) != nil {
				t.Fatalf("frame %.40q…, want an array frame", frame)
			}
			bytes := 0
			for _, m := range msgs {
				bytes += NewMessage(m).queueSize()
			}
			if len(msgs) > 1 && bytes > maxDeliveryBytes {
				t.Errorf("a frame carried %d messages, %d bytes: over %d", len(msgs), bytes, maxDeliveryBytes)
			}
			frames++
			got = append(got, msgs...)
		}
		if strings.Join(got, ",") != strings.Join(sent, ",") {
			t.Errorf("got %d messages, not the %d sent in order", len(got), len(sent))
		}
		if frames < 4 {
			t.Errorf("%d frames carried %d KB: the backlog was not split", frames, len(strings.Join(sent, ""))>>10)
		}
	}
	t.Run("websocket", func(t *testing.T) {
		ws := env.dial(nil)
		check(t, func() string { return env.readWS(ws) })
	})
	t.Run("xhr-polling", func(t *testing.T) {
		url := env.base + "/000/" + randomID() + "/xhr"
		if r := env.do("POST", url, "", nil); r.body != "o\n" {
			t.Fatalf("open: %q", r.body)
		}
		check(t, func() string { return strings.TrimSuffix(env.do("POST", url, "", nil).body, "\n") })
	})
}
