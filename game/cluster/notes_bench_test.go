package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// BenchmarkNotesToRedis measures how fast the notes a process queues (a
// burst of maxNotes presence notes, as a sign-in storm or a lobby chat
// makes while Redis is slow) reach a subscriber over a real redis-server:
// notes/s, from the first queued to the last heard.
func BenchmarkNotesToRedis(b *testing.B) {
	rd := redistest.Start(b)
	log := slog.New(slog.DiscardHandler)
	br, err := redisbroker.New(redisbroker.Options{URL: rd.URL(), Prefix: "bench:", Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	for start := time.Now(); !br.Ready(); time.Sleep(5 * time.Millisecond) {
		if time.Since(start) > time.Minute {
			b.Fatal("the broker is not ready after a minute")
		}
	}
	n := bareNode("a", br)
	n.log = log
	var heard atomic.Int64
	unsub, err := br.Subscribe(context.Background(), clubChannel, func([]byte) { heard.Add(1) })
	if err != nil {
		b.Fatal(err)
	}
	defer unsub()
	defer runNotes(n)()
	players := make([]protocol.Player, maxNotes)
	for i := range players {
		players[i] = protocol.Player{ID: fmt.Sprintf("dev:p%d", i), Name: fmt.Sprintf("Player %d", i)}
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		want := heard.Load() + maxNotes
		for i := range players {
			n.publishOrdered(note{Kind: noteOnline, Player: &players[i]})
		}
		for give := time.Now().Add(time.Minute); heard.Load() < want; time.Sleep(time.Millisecond) {
			if time.Now().After(give) {
				b.Fatalf("%d of %d notes heard after a minute", heard.Load()-want+maxNotes, maxNotes)
			}
		}
	}
	b.ReportMetric(float64(b.N*maxNotes)/time.Since(start).Seconds(), "notes/s")
	b.StopTimer() // not the teardown
	var dropped dto.Metric
	if err := n.metrics.dropped.Write(&dropped); err != nil {
		b.Fatal(err)
	}
	if d := dropped.GetCounter().GetValue(); d != 0 {
		b.Fatalf("%v notes dropped", d)
	}
}
