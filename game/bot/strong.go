package bot

import (
	"time"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// strongMove is the "strong" level; ok is false when it leaves the
// decision to the basic level.
func (b *Bot) strongMove(v *rules.SeatView, legal []rules.Move) (rules.Move, bool) {
	if mv, ok := answerClaim(legal); ok {
		return mv, true
	}
	switch v.Phase {
	case rules.PhaseAuction:
		return b.strongBid(v, legal)
	case rules.PhaseDiscard:
		return b.strongDiscard(v, legal)
	case rules.PhaseDeclare:
		if b.mem.plan != rules.NoBid {
			return rules.Declare(v.Viewer, b.mem.plan), true
		}
	case rules.PhaseWhist:
		return b.strongWhist(v, legal)
	case rules.PhasePlay:
		return b.strongCard(v, legal)
	}
	return rules.Move{}, false
}

// strongCard samples the unseen cards and picks the card with the best
// double-dummy score summed over the samples.
func (b *Bot) strongCard(v *rules.SeatView, legal []rules.Move) (rules.Move, bool) {
	var cards rules.Hand
	for _, l := range legal {
		if l.Kind == rules.MovePlay {
			cards = cards.With(l.Card)
		}
	}
	if cards == 0 {
		return rules.Move{}, false
	}
	if v.Kind == rules.KindRaspasy {
		// Rollouts scored by the table's raspasy rule; the paranoid
		// count measured worse (raspasy.go).
		if c, ok := b.raspasyCard(v, cards); ok {
			return rules.PlayMove(v.Actor, c), true
		}
		if b.sc.raspasyWhists {
			// the talon tricks of a whist-scored raspasy, where the
			// count of one's own tricks says even less
			return rules.PlayMove(v.Actor, basicCard(v, legal)), true
		}
	}
	if oneRun(v, cards) {
		// touching cards: whichever is played, the rest of the deal is the same
		return rules.PlayMove(v.Actor, cards.Lowest()), true
	}
	u, ok := unseenOf(v, &b.mem)
	if !ok {
		return rules.Move{}, false
	}
	mover := v.Turn
	var score [rules.NumCards]float64
	var pool [rules.NumCards]rules.Card
	start := time.Now()
	n := 0
	ns := b.playSamples(v)
	// A card that has been (one of) the best in every sample so far is
	// taken once half the samples agree: the rest would rarely change it.
	alwaysBest := cards
	for i := 0; i < ns && (i < 4 || time.Since(start) < b.budget); i++ {
		hands, talon := u.deal(b.rng, pool[:0])
		p := playPosition(v, &b.opt, hands, talon, mover)
		p.Limit = playLimit(v)
		if p.Validate() != nil {
			return rules.Move{}, false
		}
		b.buf = b.solver.Values(p, b.buf[:0])
		top := -1e18
		for _, cv := range b.buf {
			x := cardUtility(v, mover, cv.Value)
			score[cv.Card] += x
			top = max(top, x)
		}
		for _, cv := range b.buf {
			if cardUtility(v, mover, cv.Value) < top-1e-9 {
				alwaysBest = alwaysBest.Without(cv.Card)
			}
		}
		n++
		if b.earlyStop && alwaysBest != 0 && n >= max(6, ns/2) {
			break
		}
	}
	// Ties (often: a deal already lost or won whatever is played, or a
	// paranoid raspasy count that no card changes) go to the card the
	// rules of thumb play, not to the first card.
	best := basicCard(v, legal)
	if !cards.Has(best) {
		best = rules.NoCard
	}
	for h := cards; h != 0; h &= h - 1 {
		c := h.Lowest()
		if best == rules.NoCard || score[c] > score[best]+1e-6 {
			best = c
		}
	}
	return rules.PlayMove(v.Actor, best), n > 0
}

// oneRun reports whether cards are of one suit with no card between them
// that is still in play (in a hand, or on the table in this trick).
func oneRun(v *rules.SeatView, cards rules.Hand) bool {
	s := cards.Lowest().Suit()
	if cards.OfSuit(s) != cards {
		return false
	}
	inPlay := rules.FullDeck &^ v.Played &^ v.Discard
	for _, c := range v.Trick {
		inPlay = inPlay.With(c)
	}
	lo, hi := cards.Lowest(), cards.Highest()
	between := inPlay & (rules.Hand(1)<<(hi+1) - rules.Hand(1)<<lo)
	return between == cards
}

// playSamples is the number of samples for a card play: fewer early in
// the deal, where each solve costs most (misère and raspasy most of all).
func (b *Bot) playSamples(v *rules.SeatView) int {
	left := 10 - v.TrickNo
	n := b.samples
	switch {
	case left >= 8 && v.Kind != rules.KindContract:
		n = n / 3
	case left >= 8:
		n = n / 2
	case left >= 6:
		n = n * 3 / 4
	}
	return max(n, 4)
}

// playLimit is the count the solver proves up to (dd.Position.Limit)
// for a card play: early in a misère the declarer's tricks up to 3, in a
// raspasy the mover's up to 4, where counting every trick costs the
// solver five times as much and tells a plan that is failing badly from
// one failing very badly; 0 (every trick) otherwise.
func playLimit(v *rules.SeatView) int {
	if 10-v.TrickNo < 7 {
		return 0
	}
	switch v.Kind {
	case rules.KindMisere:
		return misereLimit
	case rules.KindRaspasy:
		return raspasyLimit
	}
	return 0
}

// The caps of playLimit; misereLimit also caps the misère samples of the
// auction and the discard, where 3 tricks or more is a disaster anyway.
const (
	misereLimit  = 3
	raspasyLimit = 4
)

// cardUtility scores a double-dummy value (the counted tricks from the
// current trick on) for the mover's side: tricks, and a bonus for the
// contract made or set (misère: clean or caught).
func cardUtility(v *rules.SeatView, mover, val int) float64 {
	switch v.Kind {
	case rules.KindContract:
		d := v.Declarer
		t := v.Tricks[d] + val
		l := v.Contract.Level()
		made := 0.0
		if t >= l {
			made = 1
		}
		if mover == d {
			return float64(t) + 4*made
		}
		u := -float64(t) + 4*(1-made)
		if 10-t >= obligation(l) {
			u += 2
		}
		return u
	case rules.KindMisere:
		d := v.Declarer
		t := v.Tricks[d] + val
		clean := 0.0
		if t == 0 {
			clean = 1
		}
		if mover == d {
			return -float64(t) + 6*clean
		}
		return float64(t) - 6*clean
	}
	return -float64(v.Tricks[mover] + val)
}

// contractEval is the sampled double-dummy result of a candidate
// contract: the declarer's tricks in each sample.
type contractEval struct {
	bid    rules.Bid // the contract (a level-6 bid stands for its strain)
	tricks []int
}

// mean returns the declarer's mean result in whists of contract c over
// the samples of e (whose strain is c's).
func (e *contractEval) mean(c rules.Bid, n int, sc *scoring) float64 {
	if len(e.tricks) == 0 {
		return -1e9
	}
	s := 0.0
	for _, t := range e.tricks {
		s += sc.declarerResult(c, t, n)
	}
	return s / float64(len(e.tricks))
}

// strongBid evaluates the hand once per deal (candidate strains and
// misère over sampled deals, each with the talon taken and a
// rule-of-thumb discard) and bids the lowest bid it may while a contract
// at least that high has a positive expected result.
func (b *Bot) strongBid(v *rules.SeatView, legal []rules.Move) (rules.Move, bool) {
	me := v.Viewer
	if !b.mem.bidDone {
		b.evaluateAuction(v)
	}
	low, misere := lowestBid(legal)
	if misere && b.mem.misereBid {
		return rules.BidMove(me, rules.Misere), true
	}
	if low != rules.NoBid && b.mem.maxBid != rules.NoBid && low <= b.mem.maxBid {
		return rules.BidMove(me, low), true
	}
	return rules.Pass(me), true
}

// evaluateAuction sets mem.maxBid and mem.misereBid.
func (b *Bot) evaluateAuction(v *rules.SeatView) {
	b.mem.bidDone = true
	me := v.Viewer
	h := v.Hands[me]
	u, ok := unseenOf(v, &b.mem)
	if !ok {
		return
	}
	var cands []rules.Strain
	for s := rules.Spades; s <= rules.Hearts; s++ {
		if h.OfSuit(s).Len() >= 4 {
			cands = append(cands, rules.Strain(s))
		}
	}
	if aceCount(h) >= 2 {
		cands = append(cands, rules.NoTrump)
	}
	if _, t := bestStrain(h); t < 4.5 {
		cands = nil // nothing to bid with: save the time
	}
	tryMisere := misereDanger(h) <= 3
	if len(cands) == 0 && !tryMisere {
		return
	}
	evals := make([]contractEval, len(cands))
	for i, st := range cands {
		evals[i].bid = rules.BidOf(6, st)
	}
	var mis contractEval
	var pool [rules.NumCards]rules.Card
	start := time.Now()
	ns := max(4, b.samples/3)
	for i := 0; i < ns && (i < 3 || time.Since(start) < b.budget); i++ {
		hands, talon := u.deal(b.rng, pool[:0])
		full := hands[me] | talon
		for j, st := range cands {
			x, y := basicDiscard(full, st, false)
			hands[me] = full.Without(x).Without(y)
			p := declarerPosition(v, hands, me, rules.BidOf(6, st))
			evals[j].tricks = append(evals[j].tricks, b.solver.Solve(p))
		}
		if tryMisere {
			x, y := basicDiscard(full, rules.NoTrump, true)
			hands[me] = full.Without(x).Without(y)
			p := declarerPosition(v, hands, me, rules.Misere)
			p.Limit = misereLimit
			mis.tricks = append(mis.tricks, b.solver.Solve(p))
		}
	}
	// Passing is not free: when everyone passes the deal is a raspasy,
	// where a strong hand takes tricks (a mountain point each).
	passEV := -0.25 * b.sc.raspasyTrickCost(v.Players) * float64(misereDanger(h))
	bestTrick := passEV
	for c := rules.TenNoTrump; c >= rules.SixSpades; c-- {
		if c == rules.Misere {
			continue
		}
		for j := range evals {
			if evals[j].bid.Strain() != c.Strain() {
				continue
			}
			if m := evals[j].mean(c, v.Players, &b.sc); m > passEV {
				if b.mem.maxBid == rules.NoBid {
					b.mem.maxBid = c
				}
				bestTrick = max(bestTrick, m)
			}
		}
	}
	if tryMisere && mis.mean(rules.Misere, v.Players, &b.sc) > bestTrick {
		b.mem.misereBid = true
	}
}

// strongDiscard chooses the discard and the contract together: every
// candidate strain with a rule-of-thumb discard over the same sampled
// defenders' hands, then a few discards for the best one.
func (b *Bot) strongDiscard(v *rules.SeatView, legal []rules.Move) (rules.Move, bool) {
	me := v.Viewer
	h := v.Hands[me]
	u, ok := unseenOf(v, &b.mem)
	if !ok {
		return rules.Move{}, false
	}
	ns := max(4, b.samples/4)
	var pool [rules.NumCards]rules.Card
	samples := make([][4]rules.Hand, ns)
	for i := range samples {
		samples[i], _ = u.deal(b.rng, pool[:0])
	}
	misere := v.TopBid == rules.Misere
	type cand struct {
		x, y rules.Card
		st   rules.Strain
	}
	start := time.Now()
	late := func() bool { return time.Since(start) > b.budget }
	solve := func(c cand, contract rules.Bid) []int {
		out := make([]int, len(samples))
		for i, hs := range samples {
			hs[me] = h.Without(c.x).Without(c.y)
			p := declarerPosition(v, hs, me, contract)
			if contract == rules.Misere {
				p.Limit = misereLimit
			}
			out[i] = b.solver.Solve(p)
		}
		return out
	}
	// contracts allowed in strain st: the lowest level at least the winning bid
	lowest := func(st rules.Strain) rules.Bid {
		for l := 6; l <= 10; l++ {
			if c := rules.BidOf(l, st); c >= v.TopBid {
				return c
			}
		}
		return rules.NoBid
	}
	// best contract (level) in a strain for given tricks
	bestLevel := func(st rules.Strain, tricks []int) (rules.Bid, float64) {
		best, bv := rules.NoBid, -1e18
		lo := lowest(st)
		if lo == rules.NoBid {
			return best, bv
		}
		e := contractEval{tricks: tricks}
		for l := lo.Level(); l <= 10; l++ {
			c := rules.BidOf(l, st)
			if m := e.mean(c, v.Players, &b.sc); m > bv {
				best, bv = c, m
			}
		}
		return best, bv
	}
	var bestC cand
	var bestBid rules.Bid
	bestV := -1e18
	if misere {
		bestBid = rules.Misere
		for _, c := range discardCandidates(h, rules.NoTrump, true, 4) {
			if bestV > -1e18 && late() {
				break
			}
			tr := solve(cand{c[0], c[1], rules.NoTrump}, rules.Misere)
			e := contractEval{tricks: tr}
			if m := e.mean(rules.Misere, v.Players, &b.sc); m > bestV {
				bestV, bestC = m, cand{c[0], c[1], rules.NoTrump}
			}
		}
	} else {
		for st := rules.Strain(0); st <= rules.NoTrump; st++ {
			if st != rules.NoTrump && h.OfSuit(rules.Suit(st)).Len() < 4 || st == rules.NoTrump && aceCount(h) < 2 || lowest(st) == rules.NoBid {
				continue
			}
			x, y := basicDiscard(h, st, false)
			c := cand{x, y, st}
			if bid, m := bestLevel(st, solve(c, rules.BidOf(6, st))); bid != rules.NoBid && m > bestV {
				bestV, bestC, bestBid = m, c, bid
			}
		}
		if bestBid == rules.NoBid {
			return rules.Move{}, false
		}
		for _, xy := range discardCandidates(h, bestC.st, false, 3) {
			if late() {
				break
			}
			c := cand{xy[0], xy[1], bestC.st}
			if c.x == bestC.x && c.y == bestC.y {
				continue
			}
			if bid, m := bestLevel(c.st, solve(c, rules.BidOf(6, c.st))); bid != rules.NoBid && m > bestV {
				bestV, bestC, bestBid = m, c, bid
			}
		}
	}
	b.mem.plan = bestBid
	return rules.DiscardMove(me, bestC.x, bestC.y), true
}

// discardCandidates lists up to k discards worth trying: pairs of the
// cards a rule of thumb least wants to keep.
func discardCandidates(h rules.Hand, st rules.Strain, misere bool, k int) [][2]rules.Card {
	var cs [12]rules.Card
	cards := h.Cards(cs[:0])
	score := func(c rules.Card) int {
		if misere {
			return -misereCardDanger(h, c)
		}
		return keepValue(h, c, st)
	}
	// the five cards least worth keeping
	worst := make([]rules.Card, 0, 5)
	used := rules.Hand(0)
	for len(worst) < 5 && len(worst) < len(cards) {
		best := rules.NoCard
		for _, c := range cards {
			if !used.Has(c) && (best == rules.NoCard || score(c) < score(best)) {
				best = c
			}
		}
		used = used.With(best)
		worst = append(worst, best)
	}
	var out [][2]rules.Card
	for i := 0; i < len(worst) && len(out) < k; i++ {
		for j := i + 1; j < len(worst) && len(out) < k; j++ {
			out = append(out, [2]rules.Card{worst[i], worst[j]})
		}
	}
	return out
}

// strongWhist samples the declarer's and partner's hands and whists when
// the mean gain of whisting over passing is positive; the second
// defender after a pass takes the half-whist when whisting does not pay.
func (b *Bot) strongWhist(v *rules.SeatView, legal []rules.Move) (rules.Move, bool) {
	me := v.Viewer
	has := func(k rules.MoveKind) bool {
		for _, l := range legal {
			if l.Kind == k {
				return true
			}
		}
		return false
	}
	if !has(rules.MoveWhist) || v.Declarer < 0 {
		return rules.Move{}, false
	}
	u, ok := unseenOf(v, &b.mem)
	if !ok {
		return rules.Move{}, false
	}
	share := 0.75
	for p := 0; p < v.Players; p++ {
		if p == me || p == v.Declarer {
			continue
		}
		switch v.Calls[p] {
		case pref.CallPass, pref.CallHalf:
			share = 1
		case pref.CallWhist:
			share = 0.5
		}
	}
	c := v.Contract
	var pool [rules.NumCards]rules.Card
	start := time.Now()
	ns := max(4, b.samples/2)
	gain, n := 0.0, 0
	for i := 0; i < ns && (i < 3 || time.Since(start) < b.budget); i++ {
		hands, _ := u.deal(b.rng, pool[:0])
		t := b.solver.Solve(declarerPosition(v, hands, v.Declarer, c))
		gain += b.sc.whistGain(c, t, v.Players, share)
		n++
	}
	gain /= float64(n)
	half := float64(obligation(c.Level())) / 2 * b.sc.price(c)
	switch {
	case gain > 0 && (!has(rules.MoveHalf) || gain > half):
		return rules.Simple(me, rules.MoveWhist), true
	case has(rules.MoveHalf):
		return rules.Simple(me, rules.MoveHalf), true
	case has(rules.MovePass):
		return rules.Pass(me), true
	}
	return rules.Move{}, false
}

// aceCount returns the number of aces in h.
func aceCount(h rules.Hand) int {
	n := 0
	for s := rules.Spades; s <= rules.Hearts; s++ {
		if h.Has(rules.NewCard(rules.Ace, s)) {
			n++
		}
	}
	return n
}
