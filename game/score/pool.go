package score

// addPool writes x to seat p's pool (пуля) and handles overflow past the
// target (перебор, RULES §10) according to the overflow setting.
func (s *Sheet) addPool(p int, x Points) {
	if s.set.Overflow == OverflowNone {
		s.Pool[p] += x
		return
	}
	target := Pts(s.set.PoolTarget)
	room := max(0, target-s.Pool[p])
	if x <= room {
		s.Pool[p] += x
		return
	}
	s.Pool[p] += room
	e := x - room
	k := Points(s.set.PoolFactor)
	switch s.set.Overflow {
	case OverflowMountainX2:
		s.Mountain[p] -= 2 * e
		return
	case OverflowHelp:
		e = s.help(p, e, target)
	}
	s.Mountain[p] -= k * e // may go negative (Codex 4.1.1)
}

// help closes other players' pools with the excess e of seat p (помощь):
// the unclosed player with the largest pool first, ties to the first
// clockwise from p (Decision 10). The helper writes 10 whists per point
// (×pool_factor) on the helped player. It returns the excess left over.
func (s *Sheet) help(p int, e, target Points) Points {
	n := s.set.Players
	for e > 0 {
		best := -1
		for i := 1; i < n; i++ {
			q := (p + i) % n
			if s.Pool[q] < target && (best < 0 || s.Pool[q] > s.Pool[best]) {
				best = q
			}
		}
		if best < 0 {
			break
		}
		g := min(e, target-s.Pool[best])
		s.Pool[best] += g
		s.Whists[p][best] += 10 * Points(s.set.PoolFactor) * g
		e -= g
	}
	return e
}
