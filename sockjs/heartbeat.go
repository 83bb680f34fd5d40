package sockjs

import (
	"time"
)

// Heartbeats are spread over their period. The server keeps its live
// sessions in groups and one goroutine serves one group a turn, a turn
// every HeartbeatDelay/groups: each session still gets a heartbeat every
// HeartbeatDelay, but a server with 9,000 sessions no longer wakes
// 9,000 writers, writes 9,000 frames and pings and reads 9,000 pongs in
// the same instant. Measured in the club at 3,000 tables (9,000 sessions)
// with one ticker: every 25 s, the second of the heartbeats made 20,000
// goroutines instead of 3,000 and Go's run-queue p99 went from 20–60 ms to
// 280 ms, and the players' moves of that second waited behind it.
//
// Sessions join the groups round robin, so a burst of new sessions (a
// restart's reconnections) is spread too. A session whose group's turn
// comes less than half a period after it joined sits that turn out: its
// first heartbeat comes 0.5–1.5 periods after its open frame, never just
// after it (with one ticker it came 0–1 period after).

// minHeartbeatTurn is the shortest time between two turns: a short
// HeartbeatDelay gets fewer groups.
const minHeartbeatTurn = 100 * time.Millisecond

// maxHeartbeatGroups bounds the groups (64 turns a period: 390 ms apart at
// the default 25 s).
const maxHeartbeatGroups = 64

// heartbeatGroups is how many groups a heartbeat period is split into.
func heartbeatGroups(period time.Duration) int {
	return min(maxHeartbeatGroups, max(1, int(period/minHeartbeatTurn)))
}

// liveSessions is every session of a server not yet finished, in groups
// that take their heartbeats in turn. The server's mu guards it.
type liveSessions struct {
	groups []map[*Session]struct{}
	next   int // the group the next session joins
	turn   int // the group whose turn comes next
	n      int
}

func newLiveSessions(groups int) liveSessions {
	l := liveSessions{groups: make([]map[*Session]struct{}, groups)}
	for i := range l.groups {
		l.groups[i] = make(map[*Session]struct{})
	}
	return l
}

// add puts s in the next group, round robin.
func (l *liveSessions) add(s *Session) {
	s.beatGroup = l.next
	g := len(l.groups)
	s.beatSkip = (l.next-l.turn+g)%g < g/2
	l.groups[l.next][s] = struct{}{}
	l.next = (l.next + 1) % len(l.groups)
	l.n++
}

// remove takes s out; removing a session twice is harmless.
func (l *liveSessions) remove(s *Session) {
	g := l.groups[s.beatGroup]
	if _, ok := g[s]; ok {
		delete(g, s)
		l.n--
	}
}

// len is how many sessions are live.
func (l *liveSessions) len() int { return l.n }

// appendAll appends every live session to out.
func (l *liveSessions) appendAll(out []*Session) []*Session {
	for _, g := range l.groups {
		for s := range g {
			out = append(out, s)
		}
	}
	return out
}

// takeTurn appends the sessions whose heartbeat is due on this turn to
// out and passes the turn to the next group.
func (l *liveSessions) takeTurn(out []*Session) []*Session {
	for s := range l.groups[l.turn] {
		if s.beatSkip {
			s.beatSkip = false
			continue
		}
		out = append(out, s)
	}
	l.turn = (l.turn + 1) % len(l.groups)
	return out
}

// startHeartbeatsLocked starts the goroutine that sends heartbeat frames, on
// the first session. srv.mu must be held.
func (srv *Server) startHeartbeatsLocked() {
	if srv.heartbeats != nil {
		return
	}
	stop := make(chan struct{})
	srv.heartbeats = stop
	turns := time.Duration(len(srv.live.groups))
	srv.running.Go(func() {
		t := time.NewTicker(srv.opts.HeartbeatDelay / turns)
		defer t.Stop()
		var due []*Session // reused: one group's sessions
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				due = srv.heartbeatTurn(due)
				clear(due) // hold no finished session until the next turn
			}
		}
	})
}

// heartbeatTurn queues a heartbeat for every session due on this turn and
// returns them, in due's storage.
func (srv *Server) heartbeatTurn(due []*Session) []*Session {
	srv.mu.Lock()
	due = srv.live.takeTurn(due[:0])
	srv.mu.Unlock()
	for _, s := range due {
		s.queueHeartbeat()
	}
	return due
}
