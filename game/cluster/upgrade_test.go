package cluster

import (
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// recordingConn records the bytes of every message it is sent.
type recordingConn struct {
	mu  sync.Mutex
	got []string
}

func (c *recordingConn) Player() protocol.Player { return protocol.Player{ID: "2", Name: "Boris"} }
func (c *recordingConn) Send(msgs ...*protocol.Encoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		c.got = append(c.got, string(m.Bytes()))
	}
}

// During a rolling upgrade (each process stopped with SIGTERM in turn) a
// process still on the previous version sends deliveries with one
// connection number ("conn"); the receiver hands them to that connection
// instead of dropping them without a word.
func TestALetterOfThePreviousVersionStillReachesItsConnection(t *testing.T) {
	n := &Node{id: "b", log: slog.New(slog.DiscardHandler), conns: newConnRegistry(),
		peers: map[string]time.Time{},
		metrics: metrics{dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "dropped"}),
			peers: prometheus.NewGauge(prometheus.GaugeOpts{Name: "peers"})}}
	boris := &recordingConn{}
	conn := n.conns.id(boris)
	n.onLetter([]byte(`{"from":"a","out":[{"conn":` + strconv.FormatUint(conn, 10) + `,"msgs":[{"type":"x"},{"type":"y"}]}]}`))
	boris.mu.Lock()
	defer boris.mu.Unlock()
	if len(boris.got) != 2 || boris.got[0] != `{"type":"x"}` || boris.got[1] != `{"type":"y"}` {
		t.Errorf("the connection got %q, want the two messages of the letter", boris.got)
	}
}
