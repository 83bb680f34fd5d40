package score

// misere scores a misère (мизер, RULES §8.7): the declarer writes 10 to the
// pool with no trick, otherwise misere_mult per trick to the mountain. The
// catchers write nothing (RULES §15 item 6).
func (s *Sheet) misere(d Deal) (exits bool, err error) {
	if _, _, err := s.checkDeclarer(d); err != nil {
		return false, err
	}
	if err := noWhist(d, "misère"); err != nil {
		return false, err
	}
	if d.Conceded {
		return false, fieldErr("contract", "misère cannot be conceded")
	}
	if err := s.checkTricks(d, -1, 0); err != nil {
		return false, err
	}
	t := d.Tricks[d.Declarer]
	if t == 0 {
		s.addPool(d.Declarer, Pts(Misere.Value()))
	} else {
		s.Mountain[d.Declarer] += Pts(t * s.set.MisereMult)
	}
	return s.set.MisereExits && (t == 0 || s.set.ExitByFailedContract), nil
}
