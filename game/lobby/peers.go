package lobby

import "net/netip"

// What a club of several processes (game/cluster) tells a lobby about its
// peers beyond their tables, players and chat: their guests, and the
// addresses their tables were set from, so that the guests counted and
// the tables per address (Config.MaxTablesPerIP) are the club's, not one
// process's.

// Guests returns how many guests (connections without a player) this
// process has: what it tells its peers.
func (l *Lobby) Guests() int {
	var n int
	l.act.Ask(func(s *state) { n = s.guests })
	return n
}

// PeerGuests tells that process peer has n guests now (0 when it is gone).
// The lobby's clients see the guests of every process.
func (l *Lobby) PeerGuests(peer string, n int) {
	l.act.Post(func(s *state) {
		if s.peerGuests == nil {
			s.peerGuests = map[string]int{}
		}
		if s.peerGuests[peer] == n {
			return
		}
		if n == 0 {
			delete(s.peerGuests, peer)
		} else {
			s.peerGuests[peer] = n
		}
		s.guestsNew = true
		s.mark(false)
	})
}

// allGuests is the guests of every process of the club.
func (s *state) allGuests() int {
	n := s.guests
	for _, g := range s.peerGuests {
		n += g
	}
	return n
}

// RemoteSetFrom tells that table id, run by another process, was set from
// address from: listed (PutRemote) it counts toward that address's
// MaxTablesPerIP here too, until it is removed. The address may come
// before the table's first summary.
func (l *Lobby) RemoteSetFrom(id string, from netip.Addr) {
	l.act.Post(func(s *state) {
		if from.IsValid() && id != "" && s.tables[id] == nil && s.early[id] == nil {
			s.setFrom[id] = from
		}
	})
}
