package browsertest

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/sockjs"
)

// maxMessageSize is the fixture's Options.MaxMessageSize: the default.
const maxMessageSize = 64 << 10

// sizeCase is a set of messages sockjs-client sends at once, all of which
// must come back whole.
type sizeCase struct {
	Name     string   `json:"name"`
	Messages []string `json:"messages"`
}

// sizeCases are the message-size rules, as a page meets them: sockjs-client
// batches the sends made while an xhr_send is in flight into one body, so a
// burst far over MaxMessageSize in sum must pass as long as each message is
// within it; a message of exactly MaxMessageSize bytes of UTF-8 passes
// whatever its characters.
func sizeCases() []sizeCase {
	filled := func(n int, c byte) string { return strings.Repeat(string(c), n) }
	var issueBurst []string // the page of the bug report: nine 8 KB sends and one of 60,000 characters
	for i := range 9 {
		issueBurst = append(issueBurst, filled(8000, byte('a'+i)))
	}
	issueBurst = append(issueBurst, filled(60000, 'z'))
	var longBurst []string // 40 × 8 KiB = 5 × MaxMessageSize
	for i := range 40 {
		longBurst = append(longBurst, filled(8<<10, byte('A'+i%26)))
	}
	return []sizeCase{
		{"burst-over-limit-in-sum", issueBurst},
		{"burst-5x-limit-in-sum", longBurst},
		{"exact-ascii", []string{filled(maxMessageSize, 'x')}},
		{"exact-2-byte", []string{strings.Repeat("é", maxMessageSize/2)}},
		{"exact-4-byte", []string{strings.Repeat("😀", maxMessageSize/4)}},
		{"exact-quoted", []string{strings.Repeat(`"`, maxMessageSize)}}, // twice as long as JSON
	}
}

// overMessage is one byte over MaxMessageSize.
var overMessage = strings.Repeat("é", maxMessageSize/2) + "x"

// TestBrowserMessageSizes runs sockjs-client in Chromium on every transport
// against the default MaxMessageSize: bursts far over it in sum and
// messages of exactly its size (ASCII, multi-byte, escaped) are echoed
// whole and in order; a message one byte over never reaches OnMessage and
// ends the connection (websocket: with CloseMessageTooBig; HTTP
// transports: the send is answered 413, which sockjs-client treats as the
// end of the connection).
func TestBrowserMessageSizes(t *testing.T) {
	if why := prerequisites(); why != "" {
		t.Skip("browser test skipped: " + why)
	}
	f := newFixture(t)
	run := driverRun{
		Name:     "sizes",
		Page:     "http://" + net.JoinHostPort("127.0.0.1", f.port) + "/test/page.html",
		Endpoint: f.base + "/echo",
		Sizes:    true,
	}
	for _, tr := range browserTransports {
		if selected(tr.client) {
			run.Transports = append(run.Transports, driverTransport{Name: tr.client, Opens: true})
		}
	}
	cases := sizeCases()
	results := runDriver(t, f, []driverRun{run}, func(c *driverConfig) {
		c.SizeCases, c.OverMessage = cases, overMessage
	})
	for _, dt := range run.Transports {
		res := results[run.Name+"/"+dt.Name]
		t.Run(dt.Name, func(t *testing.T) {
			if r := res["open"]; !r.OK {
				t.Fatalf("did not open: %s", logLine(r))
			}
			var want []string
			for _, c := range cases {
				want = append(want, c.Messages...)
				t.Run(c.Name, func(t *testing.T) {
					r, ok := res["size/"+c.Name]
					switch {
					case !ok:
						t.Fatal("driver reported no result")
					case !r.OK:
						t.Fatalf("not echoed: %s", r.Error)
					case r.Count != len(c.Messages) || len(r.Bad) > 0:
						t.Errorf("browser got back %d messages, %v of them changed; want %d unchanged", r.Count, r.Bad, len(c.Messages))
					}
				})
			}
			t.Run("server_received_each_message_whole_in_order", func(t *testing.T) {
				c := f.conn(run.Name + "." + dt.Name + ".sizes")
				if c == nil {
					t.Fatal("OnOpen never ran")
				}
				if got := c.messages(); !slices.Equal(got, want) {
					t.Errorf("server received %d messages, want the %d sent, in order", len(got), len(want))
				}
			})
			t.Run("one_byte_over_is_refused", func(t *testing.T) {
				r, ok := res["over"]
				if !ok || !r.OK || r.Close == nil {
					t.Fatalf("connection did not close after a message one byte over: %s", logLine(r))
				}
				// The server closes the session with CloseMessageTooBig; a
				// client that reads the 413 of its xhr_send closes first,
				// with its own "Sending error".
				sendingError := r.Close.Code == 1006 && strings.Contains(r.Close.Reason, "413")
				if r.Close.Code != sockjs.CloseMessageTooBig && (dt.Name == "websocket" || !sendingError) {
					t.Errorf("close event %+v, want code %d (or, on HTTP, sockjs-client's 1006 for the 413)", r.Close, sockjs.CloseMessageTooBig)
				}
				c := f.conn(run.Name + "." + dt.Name + ".over")
				if c == nil {
					t.Fatal("OnOpen never ran")
				}
				if got := c.messages(); len(got) != 0 {
					t.Errorf("OnMessage got %d messages (%d bytes first), want none", len(got), len(got[0]))
				}
			})
		})
	}
}
