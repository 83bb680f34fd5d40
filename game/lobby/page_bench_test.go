package lobby

import (
	"fmt"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// BenchmarkLobbySignin measures the lobby bytes a sign-in gets (the whole
// lobby, or the first page of it) and a re-follow with version 0, in clubs
// of 1,000 and 3,000 tables with 1,000 players online.
func BenchmarkLobbySignin(b *testing.B) {
	for _, n := range []int{1000, 3000} {
		b.Run(fmt.Sprint(n, "tables"), func(b *testing.B) {
			l, _, _ := benchClub{Remote: n, Watchers: 1000}.build(b)
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
				l, _, _ := benchClub{Remote: 100}.build(b)
				for _, c := range signinStorm(l, n) {
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
			l, _, conns := benchClub{Remote: n, Watchers: 1000}.build(b)
			var sums []protocol.Summary
			l.act.Ask(func(s *state) {
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
				flush(l)
			}
			b.StopTimer()
			b.ReportMetric(float64(conns[0].bytes-before)/float64(b.N), "bytes/follower/change")
		})
	}
}
