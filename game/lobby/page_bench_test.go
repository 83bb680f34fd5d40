package lobby

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// clubOf returns a lobby listing n tables of another process (as game/cluster
// lists them: a summary each), a tenth waiting for a third player and the
// rest playing with three named players and a few watchers, the shape of a
// busy club of bot tables.
func clubOf(b *testing.B, n int) *Lobby {
	b.Helper()
	l := New(Config{Logger: slog.New(slog.DiscardHandler), Flush: 1 << 40})
	b.Cleanup(l.Stop)
	for i := range n {
		sum := protocol.Summary{ID: fmt.Sprint("r", i), State: protocol.StatePlaying, Creator: protocol.Player{ID: fmt.Sprint(i * 3), Name: fmt.Sprint("load-", i*3)},
			Preset: "sochi", Players: 3, PoolTarget: 10, MoveTime: 60, TimeoutAction: "auto-pass", Watchers: i % 4, Deals: i % 9}
		for s := range 3 {
			sum.Seats = append(sum.Seats, protocol.Seat{Player: protocol.Player{ID: fmt.Sprint(i*3 + s), Name: fmt.Sprint("load-", i*3+s)}, Online: true})
		}
		if i%10 == 0 {
			sum.State, sum.Seats[2], sum.Deals = protocol.StateWaiting, protocol.Seat{}, 0
		}
		l.PutRemote(sum)
	}
	l.act.Ask(func(s *state) { s.flush() })
	return l
}

// BenchmarkLobbySignin measures the lobby bytes a sign-in gets (the whole
// lobby, or the first page of it) and a re-follow with version 0, in clubs
// of 1,000 and 3,000 tables with 1,000 players online.
func BenchmarkLobbySignin(b *testing.B) {
	for _, n := range []int{1000, 3000} {
		b.Run(fmt.Sprint(n, "tables"), func(b *testing.B) {
			l := clubOf(b, n)
			for i := range 1000 {
				l.Join(&countConn{p: protocol.Player{ID: fmt.Sprint("dev:w", i), Name: fmt.Sprint("Watcher ", i)}}, 0)
			}
			l.act.Ask(func(s *state) { s.flush() })
			c := &countConn{p: protocol.Player{ID: "dev:new", Name: "New"}}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				l.Join(c, 0)
				l.Leave(c)
			}
			l.Version()
			b.StopTimer()
			b.ReportMetric(float64(c.bytes)/float64(b.N), "bytes/signin")
			f := &countConn{p: protocol.Player{ID: "dev:f", Name: "F"}}
			l.Join(f, 0)
			l.Version()
			before := f.bytes
			l.Follow(f, 0)
			l.Version()
			b.ReportMetric(float64(f.bytes-before), "bytes/refollow")
		})
	}
}

// BenchmarkSigninStorm measures the lobby bytes of a sign-in storm of N
// named players, each following the lobby: every one gets the lobby as it
// signs in and the deltas of the presence flushes during the storm (ten
// of them: a storm lasts seconds whatever its size, and presence goes out
// once a second).
func BenchmarkSigninStorm(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprint(n, "players"), func(b *testing.B) {
			var total int
			for range b.N {
				l := clubOf(b, 100)
				conns := make([]*countConn, n)
				for i := range conns {
					conns[i] = &countConn{p: protocol.Player{ID: fmt.Sprint("dev:s", i), Name: fmt.Sprintf("Storm %05d", (i*7919)%n)}}
					l.Join(conns[i], 0)
					if (i+1)%(n/10) == 0 {
						l.act.Ask(func(s *state) { s.flush() })
					}
				}
				l.act.Ask(func(s *state) { s.flush() })
				for _, c := range conns {
					total += c.bytes
				}
				l.Stop()
			}
			b.ReportMetric(float64(total)/float64(b.N), "bytes/storm")
			b.ReportMetric(float64(total)/float64(b.N)/float64(n), "bytes/player")
		})
	}
}

// BenchmarkLobbyFlush measures one table's change and the flush that
// sends it, in clubs of 1,000 and 3,000 tables with 1,000 followers of
// the default view: the lobby's CPU per change (the sort of the tables
// and each view's page) and the bytes each follower gets.
func BenchmarkLobbyFlush(b *testing.B) {
	for _, n := range []int{1000, 3000} {
		b.Run(fmt.Sprint(n, "tables"), func(b *testing.B) {
			l := clubOf(b, n)
			conns := make([]*countConn, 1000)
			for i := range conns {
				conns[i] = &countConn{p: protocol.Player{ID: fmt.Sprint("dev:w", i), Name: fmt.Sprint("Watcher ", i)}}
				l.Join(conns[i], 0)
			}
			var sums []protocol.Summary
			l.act.Ask(func(s *state) {
				s.flush()
				for _, id := range s.order {
					sums = append(sums, s.summaries[id])
				}
			})
			before := conns[0].bytes
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				sum := sums[(i*7919)%len(sums)]
				sum.Deals = i + 1
				l.PutRemote(sum)
				l.act.Ask(func(s *state) { s.flush() })
			}
			b.StopTimer()
			b.ReportMetric(float64(conns[0].bytes-before)/float64(b.N), "bytes/follower/change")
		})
	}
}
