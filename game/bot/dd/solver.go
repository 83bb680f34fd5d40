package dd

import (
	"fmt"
	"math/bits"

	"github.com/trelljaz/trelljaz/game/rules"
)

// Nobody is the trick winner of a raspasy talon trick won by the talon
// card itself (TalonWins): the trick counts for no player.
const Nobody = 3

// Goal says which tricks are counted and who wants them. Bit i stands
// for player i.
type Goal struct {
	// Count is the set of players whose tricks are counted.
	Count uint8
	// Max is the set of players who want the count high; the others want
	// it low.
	Max uint8
}

// ContractGoal is the goal of a trick contract (or a misère when misere
// is true) played by declarer: the declarer's tricks, which the declarer
// maximizes (minimizes on misère).
func ContractGoal(declarer int, misere bool) Goal {
	d := uint8(1) << declarer
	if misere {
		return Goal{Count: d, Max: 7 &^ d}
	}
	return Goal{Count: d, Max: d}
}

// RaspasyGoal is the paranoid goal of a raspasy for player p: p's tricks,
// which p minimizes and the other two maximize.
func RaspasyGoal(p int) Goal {
	d := uint8(1) << p
	return Goal{Count: d, Max: 7 &^ d}
}

// Position is a trick-play position with every hand known.
type Position struct {
	// Hands are the cards of players 0, 1, 2 (play order).
	Hands [3]rules.Hand
	// Trump is the trump suit, or rules.NoTrump (no-trump contracts,
	// misère, raspasy).
	Trump rules.Strain
	// Leader is the player who led (or leads) the current trick; in a
	// talon trick, the first player to play to it.
	Leader int
	// Trick holds the cards already played to the current trick, in play
	// order from Leader; NTrick of them are valid.
	Trick  [2]rules.Card
	NTrick int
	// Talon lists the raspasy talon cards still to lead a trick, the one
	// leading the current trick first; NTalon of them are valid (0..2).
	Talon  [2]rules.Card
	NTalon int
	// FirstHand is the player who plays first to talon tricks and, unless
	// Trick3ByWinner, leads the trick after them.
	FirstHand int
	// Trick3ByWinner makes the winner of the last talon trick lead next.
	Trick3ByWinner bool
	// TalonWins lets a talon card win its own trick when no player plays
	// a higher card of its suit (four-player raspasy_talon participates);
	// such a trick goes to Nobody.
	TalonWins bool
	// Goal is what is counted and who wants it.
	Goal Goal
	// Limit, when positive, caps the count: Solve returns min(value,
	// Limit) and Values each card's min(value, Limit). The search then
	// only proves whether the count reaches 1, 2, ... Limit, which is
	// much cheaper on a misère or raspasy where the counted player is
	// caught for many tricks. Zero counts every trick.
	Limit int
}

// Tricks returns the number of tricks left to play, counting the current one.
func (p *Position) Tricks() int {
	n := p.Hands[p.Leader].Len()
	if p.NTrick > 0 {
		n++
	}
	return n
}

// Validate reports the first thing that makes p unplayable: overlapping
// hands, hands of sizes that cannot finish the trick together, a bad
// leader, or trick cards still held.
func (p *Position) Validate() error {
	if p.Leader < 0 || p.Leader > 2 || p.FirstHand < 0 || p.FirstHand > 2 {
		return fmt.Errorf("dd: leader %d or first hand %d out of range 0..2", p.Leader, p.FirstHand)
	}
	if p.NTrick < 0 || p.NTrick > 2 || p.NTalon < 0 || p.NTalon > 2 {
		return fmt.Errorf("dd: %d trick cards, %d talon cards", p.NTrick, p.NTalon)
	}
	for i, h := range p.Hands {
		if h.Len() > 10 {
			return fmt.Errorf("dd: hand %d holds %d cards, more than 10", i, h.Len())
		}
	}
	if p.Trump > rules.NoTrump {
		return fmt.Errorf("dd: trump %d", p.Trump)
	}
	if p.Limit < 0 {
		return fmt.Errorf("dd: negative limit %d", p.Limit)
	}
	if p.Goal.Count > 7 || p.Goal.Max > 7 {
		return fmt.Errorf("dd: goal %+v names a player past 2", p.Goal)
	}
	var all rules.Hand
	for i, h := range p.Hands {
		if all&h != 0 {
			return fmt.Errorf("dd: hand %d shares cards with another", i)
		}
		all |= h
	}
	for i := 0; i < p.NTrick; i++ {
		c := p.Trick[i]
		if !c.Valid() || all.Has(c) {
			return fmt.Errorf("dd: trick card %v is invalid or still held", c)
		}
		all = all.With(c)
	}
	for i := 0; i < p.NTalon; i++ {
		c := p.Talon[i]
		if !c.Valid() || all.Has(c) {
			return fmt.Errorf("dd: talon card %v is invalid or held", c)
		}
		all = all.With(c)
	}
	if p.NTalon > 0 && p.Leader != p.FirstHand {
		return fmt.Errorf("dd: a talon trick is played first by the first hand %d, not %d", p.FirstHand, p.Leader)
	}
	n := p.Tricks()
	for i := 0; i < 3; i++ {
		pl := (p.Leader + i) % 3
		want := n
		if i < p.NTrick {
			want = n - 1
		}
		if p.Hands[pl].Len() != want {
			return fmt.Errorf("dd: player %d holds %d cards, want %d", pl, p.Hands[pl].Len(), want)
		}
	}
	if n == 0 && p.NTrick > 0 || p.NTalon > n {
		return fmt.Errorf("dd: %d talon leads but %d tricks left", p.NTalon, n)
	}
	return nil
}

// node is the search state: small, copied for every child.
type node struct {
	hands [3]uint32
	// rem is the cards in play: in hands, on the table, and the talon
	// cards still to lead (a card between two others makes them
	// different)
	rem      uint32
	trick    [3]uint8 // card of each player in the current trick
	leader   uint8
	n        uint8 // cards in the current trick
	talonPos uint8 // index into solver.talon of the current/next talon lead
	// win and winP are the card winning the current ordinary trick so
	// far and its player (valid when n > 0 outside talon tricks)
	win, winP uint8
	// unsafe is, when there is a counted minimizer D (Solver.minD), the
	// set of suits (bit su) in which his cards and the others' in hand
	// fail duckSafe; play keeps it, looking at the suit of the card
	// played only
	unsafe uint8
}

// ttBits sizes the table: 1<<ttBits entries of 16 bytes in buckets of
// four (one cache line). 512 KB holds the ~16,000 trick starts of a hard
// misère: against 1 MB, 1% more misère nodes, the same or less time
// (raspasy p50 0.52 against 0.63 ms, four runs each way), half the
// memory; the 4 MB direct-mapped table before them searched 4% more
// nodes in no less time.
const ttBits = 15

type ttEntry struct {
	h      uint64
	leader uint8
	lb, ub int8
	best   uint8 // the lead found best (a real card), 0xFF when none
	gen    uint8
	left   uint8 // tricks left: what the entry saves, to choose what to replace
}

// probe returns the entry of the table for key and leader in its bucket
// of four (one cache line) and true, or the one to replace and false: a
// stale one, else the one for the fewest tricks. (The bucket is searched
// for the key first, apart from the choice of a victim: measured, fewer
// instructions, most probes finding their entry.)
func (s *Solver) probe(key uint64, leader uint8, left int) (*ttEntry, bool) {
	i := hashKey(key, leader) & (1<<ttBits - 1) &^ 3
	bucket := (*[4]ttEntry)(s.tt[i : i+4])
	for j := range bucket {
		if e := &bucket[j]; e.h == key && e.leader == leader && e.gen == s.gen {
			return e, true
		}
	}
	for j := len(bucket) - 1; j >= 0; j-- {
		if e := &bucket[j]; e.gen != s.gen {
			return e, false
		}
	}
	victim := &bucket[0]
	for j := 1; j < len(bucket); j++ {
		if e := &bucket[j]; e.left < victim.left {
			victim = e
		}
	}
	return victim, false
}

// Solver solves positions. It owns a transposition table (512 KB)
// that it keeps between calls while the trump and goal stay the same.
type Solver struct {
	trump    int // 0..3, or 4 for none
	count    uint8
	max      uint8
	talon    [2]uint8
	nTalon   uint8
	first    uint8
	byWinner bool
	talonWin bool

	minD int8 // the one counted player when he wants few tricks (misère, raspasy), else -1
	// minVs: the two others want minD's count high (misère, raspasy), so
	// a trick they can make him take is his
	minVs bool

	tt  []ttEntry
	gen uint8

	nodes uint64
}

// NewSolver returns a Solver with an empty transposition table.
func NewSolver() *Solver {
	return &Solver{tt: make([]ttEntry, 1<<ttBits), trump: -1, gen: 1}
}

// Reset empties the transposition table, so the next Solve starts cold.
func (s *Solver) Reset() { s.clear() }

// Nodes returns the number of search nodes visited so far (for benchmarks).
func (s *Solver) Nodes() uint64 { return s.nodes }

// setup loads the fixed parts of p and clears the table when they changed.
func (s *Solver) setup(p *Position) node {
	trump := int(p.Trump)
	if trump != s.trump || p.Goal.Count != s.count || p.Goal.Max != s.max {
		s.trump, s.count, s.max = trump, p.Goal.Count, p.Goal.Max
		s.clear()
	}
	s.minD, s.minVs = -1, false
	for d := 0; d < 3 && trump == 4; d++ {
		// (the bounds of a counted minimizer hold without trumps only)
		if p.Goal.Count == 1<<d && p.Goal.Max&(1<<d) == 0 {
			s.minD = int8(d)
			s.minVs = p.Goal.Max == 7&^(1<<d)
		}
	}
	s.nTalon = uint8(p.NTalon)
	for i := 0; i < p.NTalon; i++ {
		s.talon[i] = uint8(p.Talon[i])
	}
	s.first = uint8(p.FirstHand)
	s.byWinner = p.Trick3ByWinner
	s.talonWin = p.TalonWins
	var nd node
	for i := range nd.hands {
		nd.hands[i] = uint32(p.Hands[i])
	}
	nd.leader = uint8(p.Leader)
	nd.n = uint8(p.NTrick)
	for i := 0; i < p.NTrick; i++ {
		pl := uint8((p.Leader + i) % 3)
		c := uint8(p.Trick[i])
		nd.trick[pl] = c
		if i == 0 || beats(c, nd.win, s.trump) {
			nd.win, nd.winP = c, pl
		}
	}
	nd.rem = nd.hands[0] | nd.hands[1] | nd.hands[2]
	if s.minD >= 0 {
		dh := nd.hands[s.minD]
		for su := uint8(0); su < 4; su++ {
			nd.unsafe |= suitUnsafe(dh, nd.rem&^dh, su) << su
		}
	}
	for i := 0; i < p.NTrick; i++ {
		nd.rem |= 1 << uint8(p.Trick[i])
	}
	for i := 0; i < p.NTalon; i++ {
		nd.rem |= 1 << s.talon[i]
	}
	return nd
}

// clear empties the transposition table (by generation, without a sweep
// unless the generation counter wraps).
func (s *Solver) clear() {
	s.gen++
	if s.gen == 0 {
		clear(s.tt)
		s.gen = 1
	}
}

// Solve returns the number of counted tricks (Position.Goal) from the
// current trick on, under perfect play by everyone. p must be valid
// (Position.Validate); an invalid position gives a meaningless number.
func (s *Solver) Solve(p Position) int {
	nd := s.setup(&p)
	return s.mtd(&nd, p.Tricks(), -1, limitOf(&p))
}

// limitOf is the cap on the count of p: its Limit, or every trick.
func limitOf(p *Position) int {
	if p.Limit > 0 {
		return p.Limit
	}
	return 99
}

// mtd finds the exact value, capped at limit, by null-window searches,
// starting from guess (or from a guess of its own when guess is negative).
func (s *Solver) mtd(nd *node, tricks, guess, limit int) int {
	if limit <= 0 {
		return 0
	}
	lo, hi := 0, min(tricks, limit)
	g := (tricks + 1) / 2
	if s.count&s.max == 0 {
		g = min(1, tricks) // misère and raspasy: few tricks are counted
	}
	if guess >= 0 {
		g = guess
	}
	g = min(g, hi)
	for lo < hi {
		beta := g
		if g <= lo {
			beta = lo + 1
		}
		g = s.search(nd, beta-1, beta)
		if g < beta {
			hi = g
		} else {
			lo = g
		}
	}
	return min(lo, limit)
}

// CardValue is the value of one legal card: the counted tricks from the
// current trick on when it is played and everyone plays perfectly after.
type CardValue struct {
	Card  rules.Card
	Value int
}

// Values appends to buf the value of every card the player to move may
// play and returns it. Equivalent cards get the value of the one searched.
func (s *Solver) Values(p Position, buf []CardValue) []CardValue {
	nd := s.setup(&p)
	tricks := p.Tricks()
	pl := (nd.leader + nd.n) % 3
	allowed := s.allowed(&nd, pl)
	rem := nd.rem
	limit := limitOf(&p)
	guess := -1
	var repValue [32]int // by the run's top card, -1 until searched
	for i := range repValue {
		repValue[i] = -1
	}
	for a := allowed; a != 0; a &= a - 1 {
		c := uint8(bits.TrailingZeros32(a))
		// The representative of c's run of touching cards is its top card.
		rep := c
		for {
			nx := nextHigher(rem, rep)
			if nx == 0xFF || allowed&(1<<nx) == 0 {
				break
			}
			rep = nx
		}
		v := repValue[rep]
		if v < 0 {
			child := nd
			won := s.play(&child, pl, rep)
			v = won + s.mtd(&child, tricks-boolInt(child.n == 0 && nd.n == 2), guess-won, limit-won)
			v = min(v, limit)
			repValue[rep] = v
			guess = v
		}
		buf = append(buf, CardValue{Card: rules.Card(c), Value: v})
	}
	return buf
}

// nextHigher returns the lowest card of rem above c in c's suit, or 0xFF.
func nextHigher(rem uint32, c uint8) uint8 {
	suitTop := uint32(0xFF) << (c &^ 7)
	above := rem & suitTop &^ (uint32(2)<<c - 1)
	if above == 0 {
		return 0xFF
	}
	return uint8(bits.TrailingZeros32(above))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inTalonTrick reports whether the current trick is led by a talon card.
func (s *Solver) inTalonTrick(nd *node) bool { return nd.talonPos < s.nTalon }

// leadSuit returns the suit to follow, or -1 when the trick is to be led.
func (s *Solver) leadSuit(nd *node) int {
	if s.inTalonTrick(nd) {
		return int(s.talon[nd.talonPos] >> 3)
	}
	if nd.n == 0 {
		return -1
	}
	return int(nd.trick[nd.leader] >> 3)
}

// allowed returns the cards player pl may play: follow suit, else trump,
// else anything.
func (s *Solver) allowed(nd *node, pl uint8) uint32 {
	h := nd.hands[pl]
	ls := s.leadSuit(nd)
	if ls < 0 {
		return h
	}
	if f := h & (0xFF << (8 * ls)); f != 0 {
		return f
	}
	if s.trump < 4 {
		if t := h & (0xFF << (8 * s.trump)); t != 0 {
			return t
		}
	}
	return h
}

// winner decides the complete current trick.
func (s *Solver) winner(nd *node) uint8 {
	if s.inTalonTrick(nd) {
		tc := s.talon[nd.talonPos]
		ls := tc >> 3
		best, who := uint8(0xFF), uint8(0xFF)
		for p := uint8(0); p < 3; p++ {
			if c := nd.trick[p]; c>>3 == ls && (best == 0xFF || c > best) {
				best, who = c, p
			}
		}
		if s.talonWin && (best == 0xFF || tc > best) {
			return Nobody
		}
		if who == 0xFF {
			return nd.leader
		}
		return who
	}
	lead := nd.trick[nd.leader]
	best, who := lead, nd.leader
	for i := uint8(1); i < 3; i++ {
		p := (nd.leader + i) % 3
		c := nd.trick[p]
		if beats(c, best, s.trump) {
			best, who = c, p
		}
	}
	return who
}

// beats reports whether card c beats card b (b currently wins the trick).
func beats(c, b uint8, trump int) bool {
	if c>>3 == b>>3 {
		return c > b
	}
	return int(c>>3) == trump
}

// play makes ch, a copy of a node, its child after player pl plays card
// c, and returns the counted tricks won by the trick it completes (0 or
// 1).
func (s *Solver) play(ch *node, pl, c uint8) int {
	s.lay(ch, pl, c)
	talon := s.inTalonTrick(ch)
	if !talon && (ch.n == 0 || beats(c, ch.win, s.trump)) {
		ch.win, ch.winP = c, pl
	}
	ch.n++
	if ch.n < 3 {
		return 0
	}
	w := ch.winP
	if talon {
		w = s.winner(ch)
	}
	won := 0
	if w != Nobody && s.count&(1<<(w&7)) != 0 {
		won = 1
	}
	ch.n = 0
	ch.rem &^= 1<<(ch.trick[0]&31) | 1<<(ch.trick[1]&31) | 1<<(ch.trick[2]&31)
	if talon {
		ch.rem &^= 1 << (s.talon[ch.talonPos] & 31)
		ch.talonPos++
		ch.leader = s.first
		if !s.inTalonTrick(ch) && s.byWinner && w != Nobody {
			ch.leader = w
		}
	} else {
		ch.leader = w
	}
	return won
}

// lay moves card c from player pl's hand to the trick in ch and keeps
// ch.unsafe.
func (s *Solver) lay(ch *node, pl, c uint8) {
	bit := uint32(1) << (c & 31)
	if s.minD >= 0 {
		// (the hands are read before one is written: measured, a load
		// of what was just stored costs more)
		all := (ch.hands[0] | ch.hands[1] | ch.hands[2]) &^ bit
		dh := ch.hands[uint8(s.minD)&3] &^ bit
		su := c >> 3 & 3
		ch.unsafe = ch.unsafe&^(1<<su) | suitUnsafe(dh, all&^dh, su)<<su
	}
	ch.hands[pl] &^= bit
	ch.trick[pl] = c
}

// search is fail-soft alpha-beta: the counted tricks from nd on.
func (s *Solver) search(nd *node, alpha, beta int) int {
	if nd.n > 0 && s.minVs && !s.inTalonTrick(nd) {
		return s.searchFollow(nd, alpha, beta)
	}
	s.nodes++
	var e *ttEntry
	var key uint64
	if nd.n == 0 && !s.inTalonTrick(nd) {
		left := bits.OnesCount32(nd.hands[nd.leader])
		if left == 0 {
			return 0
		}
		if left == 1 {
			return s.lastTrick(nd)
		}
		if left == 2 {
			return s.twoTricks(nd)
		}
		if s.minD >= 0 {
			if s.clean(nd) {
				return 0
			}
			if beta <= 1 && s.minVs || alpha >= left-1 {
				// who takes the trick about to be led decides a count
				// of one trick (he takes it: fail high) or of every
				// trick left (he can lose it: fail low)
				forced := s.forcedNow(nd)
				if forced && beta <= 1 && s.minVs {
					return 1
				}
				if alpha >= left-1 && (!forced || s.keepsAnEscape(nd)) {
					return left - 1
				}
			}
		}
		if beta > left {
			beta = left + 1
			if alpha >= left {
				return left
			}
		}
		if alpha < 0 {
			alpha = -1
			if beta <= 0 {
				return 0
			}
		}
		key = s.key(nd)
		var hit bool
		e, hit = s.probe(key, nd.leader, left)
		if hit {
			if int(e.lb) >= beta {
				return int(e.lb)
			}
			if int(e.ub) <= alpha {
				return int(e.ub)
			}
		} else {
			// (field by field: a whole entry built and copied is stored
			// byte by byte, then loaded whole, which the CPU cannot
			// forward)
			e.h, e.leader, e.lb, e.ub, e.best, e.gen, e.left = key, nd.leader, 0, int8(left), 0xFF, s.gen, uint8(left)
		}
		if int(e.lb) > alpha {
			alpha = int(e.lb)
		}
		if int(e.ub) < beta {
			beta = int(e.ub)
		}
		if alpha >= beta {
			return alpha
		}
	}
	if nd.n > 0 && s.minD >= 0 && s.cleanMidTrick(nd) {
		return 0
	}
	pl := seatAfter[(nd.leader+nd.n)&7]
	maximizing := s.max>>(pl&7)&1 != 0
	var moves [16]uint8
	var ttBest uint8 = 0xFF
	if e != nil && e.best != 0xFF {
		ttBest = expand(e.best, nd)
	}
	// The table's move is searched before the others are even ordered:
	// it often cuts off on its own.
	var nm []uint8
	ordered := ttBest == 0xFF
	if ordered {
		nm = s.order(nd, pl, moves[:0], 0xFF, alpha)
	} else {
		moves[0] = ttBest
		nm = moves[:1]
	}
	bestV, bestC := 0, uint8(0xFF)
	if maximizing {
		bestV = -1
	} else {
		bestV = 99
	}
	a, b := alpha, beta
	var ch node // declared out of the loop, or escape analysis moves it to the heap
	for i := 0; ; i++ {
		if i == len(nm) {
			if ordered {
				break
			}
			nm = s.order(nd, pl, moves[:0], ttBest, alpha)
			ordered, i = true, 0
			if len(nm) == 0 {
				break
			}
		}
		c := nm[i]
		ch = *nd
		won := s.play(&ch, pl, c)
		var v int
		if ch.n > 0 && s.minVs && !s.inTalonTrick(&ch) {
			v = s.searchFollow(&ch, a, b)
		} else {
			v = won + s.search(&ch, a-won, b-won)
		}
		if maximizing {
			if v > bestV {
				bestV, bestC = v, c
			}
			if v > a {
				a = v
			}
		} else {
			if v < bestV {
				bestV, bestC = v, c
			}
			if v < b {
				b = v
			}
		}
		if a >= b {
			break
		}
	}
	if e != nil {
		// e may have been overwritten by a child with another key: re-check.
		if e.gen != s.gen || e.leader != nd.leader || key != e.h {
			return bestV
		}
		if bestV <= alpha {
			if int8(bestV) < e.ub {
				e.ub = int8(bestV)
			}
			if !maximizing {
				e.best = compress1(bestC, nd)
			}
		} else if bestV >= beta {
			if int8(bestV) > e.lb {
				e.lb = int8(bestV)
			}
			if maximizing {
				e.best = compress1(bestC, nd)
			}
		} else {
			e.lb, e.ub = int8(bestV), int8(bestV)
			e.best = compress1(bestC, nd)
		}
	}
	return bestV
}

// searchFollow is search off lead in an ordinary trick of a counted
// minimizer D against two (misère, raspasy): no table, D's bound in
// the middle of a trick, the moves by orderFollow. (Apart from search,
// measured, to spare those nodes search's branches for trick starts.)
func (s *Solver) searchFollow(nd *node, alpha, beta int) int {
	s.nodes++
	if s.cleanMidTrick(nd) {
		return 0
	}
	if r := bits.OnesCount32(nd.hands[nd.leader]); beta <= 1 || alpha >= r {
		// who takes this trick decides a count of one trick (he takes
		// it: fail high) or of every trick left, r after this one (he
		// can lose it: fail low)
		wins := s.winsMidTrick(nd)
		if wins && beta <= 1 {
			return 1
		}
		if !wins && alpha >= r {
			return r
		}
	}
	pl := seatAfter[(nd.leader+nd.n)&7]
	var moves [16]uint8
	nm := s.orderFollow(nd, pl, moves[:0], 0xFF)
	var ch node // declared out of the loop, or escape analysis moves it to the heap
	minimizing := int8(pl) == s.minD
	bestV := -1
	if minimizing {
		bestV = 99
	}
	// lay, for every move: D's hand and the others' are the same but
	// for the card played
	dh := nd.hands[uint8(s.minD)&3]
	oh := (nd.hands[0] | nd.hands[1] | nd.hands[2]) &^ dh
	for _, c := range nm {
		ch = *nd
		bit := uint32(1) << (c & 31)
		su := c >> 3 & 3
		ch.unsafe = nd.unsafe&^(1<<su) | suitUnsafe(dh&^bit, oh&^bit, su)<<su
		ch.hands[pl%3] &^= bit
		ch.trick[pl%3] = c
		var v int
		if nd.n == 1 {
			// play for a second card (no trumps, no talon), without
			// play's branches for a trick's end: measured, fewer
			// branches missed
			if c>>3 == nd.win>>3 && c > nd.win {
				ch.win, ch.winP = c, pl
			}
			ch.n = 2
			v = s.searchFollow(&ch, alpha, beta)
		} else {
			// play for a third card, the end of an ordinary trick (no
			// trumps, no talon), without play's branches for those
			w := nd.winP
			if c>>3 == nd.win>>3 && c > nd.win {
				w = pl
			}
			won := int(s.count >> (w & 7) & 1)
			ch.n, ch.leader = 0, w
			ch.rem &^= 1<<(ch.trick[0]&31) | 1<<(ch.trick[1]&31) | 1<<(ch.trick[2]&31)
			v = won + s.search(&ch, alpha-won, beta-won)
		}
		if minimizing {
			bestV = min(bestV, v)
			beta = min(beta, v)
		} else {
			bestV = max(bestV, v)
			alpha = max(alpha, v)
		}
		if alpha >= beta {
			break
		}
	}
	return bestV
}

// suitUnsafe is 1 when the minimizer's cards dh and the others' oh
// fail duckSafe in suit su (0..3), else 0.
func suitUnsafe(dh, oh uint32, su uint8) uint8 {
	sh := su * 8 & 31
	i := uint(uint8(dh>>sh))<<8 | uint(uint8(oh>>sh))
	return uint8(^duckSafeBits[i>>6]>>(i&63)) & 1
}

// clean reports whether the counted minimizer D can never be made to
// take a trick from this trick start. Off lead, it is enough that in
// every suit D's i-th lowest card is below the others' i-th lowest, as
// far as both have cards (duckSafe): D plays, in each round of a suit
// they lead, his highest card under the round's top card M (his lowest
// is under their lowest, so under M), and discards the highest card of
// a suit when void; the rule then still holds after the round (his
// cards above the one he played are above M, and M, one of theirs below
// each of them, is gone; cards they play or discard only lift theirs),
// and a D who takes no trick never leads. On lead, D also needs a card
// x that loses its trick, with the rule holding for the rest: x is of
// a suit where an opponent holds only cards above x (he must overtake
// it), every other suit passes duckSafe, and D's cards of x's suit but
// x pass it too (whichever cards of theirs fall on x, they only lift
// theirs). Of the cards that lose, the highest leaves the lowest rest,
// so it is the one tried (safeLead).
func (s *Solver) clean(nd *node) bool {
	d := uint8(s.minD) & 3
	unsafe := nd.unsafe
	if nd.leader != d {
		return unsafe == 0
	}
	if unsafe&(unsafe-1) != 0 {
		return false
	}
	dh, q, r := nd.hands[d], nd.hands[next3[d]], nd.hands[next3[next3[d]]]
	if unsafe != 0 {
		sh := uint(bits.TrailingZeros8(unsafe)) * 8
		return safeLead(uint8(dh>>sh), uint8(q>>sh), uint8(r>>sh))
	}
	for sh := uint(0); sh < 32; sh += 8 {
		if safeLead(uint8(dh>>sh), uint8(q>>sh), uint8(r>>sh)) {
			return true
		}
	}
	return false
}

// safeLead reports whether D, holding ranks ds of a suit in which the
// opponents hold qs and rs, has a card x of it that loses the trick he
// leads it to (an opponent holds the suit only above x, so he must
// overtake it) with the rest of ds still under theirs (duckSafe, which
// the cards they play to x only make easier). The highest such x leaves
// the lowest rest, so it alone is tried.
func safeLead(ds, qs, rs uint8) bool {
	var thr uint8 // the bit of the highest lowest card among q's and r's
	if qs != 0 {
		thr = qs & -qs
	}
	if rs != 0 && rs&-rs > thr {
		thr = rs & -rs
	}
	below := ds & (thr - 1)
	if thr == 0 || below == 0 {
		return false
	}
	x := uint8(1) << (7 - bits.LeadingZeros8(below))
	return duckSafe(ds&^x, qs|rs)
}

// cleanMidTrick reports, in the middle of an ordinary trick, whether
// the counted minimizer D takes no trick from here on: he does not win
// this trick and every suit passes duckSafe once his card to it is
// gone, which is clean's rule for a D off lead (the cards still to be
// played to this trick only lift the others'). D does not win it when
// he has played and another player's card beats his, or an opponent
// still to play holds the suit only above D's card (he must overtake
// it); or, D being still to play, when he holds a card of the suit
// under the card winning it now (he plays the highest such, still under
// whatever the others add: his others of the suit are above it, so the
// rule loses least) or none of the suit (he discards the top card of a
// suit: of the one suit failing the rule, if any).
func (s *Solver) cleanMidTrick(nd *node) bool {
	d := uint8(s.minD) & 3
	if s.inTalonTrick(nd) {
		return false
	}
	lsh := uint(nd.win&^7) & 31
	ls := uint32(0xFF) << lsh // the suit led
	if seatAfter[(d+3-nd.leader)&7] < nd.n {
		// D has played
		if nd.winP == d {
			beaten := false
			for i := nd.n; i < 3; i++ {
				p := seatAfter[(nd.leader+i)&7]
				if ps := nd.hands[p] & ls; ps != 0 && ps&-ps > uint32(1)<<(nd.win&31) {
					beaten = true
				}
			}
			if !beaten {
				return false
			}
		}
		return nd.unsafe == 0
	}
	dh := nd.hands[d]
	if ds := dh & ls; ds != 0 {
		under := ds & (uint32(1)<<(nd.win&31) - 1)
		if under == 0 || nd.unsafe&^(1<<(lsh/8)) != 0 {
			return false
		}
		oh := nd.hands[next3[d]] | nd.hands[next3[next3[d]]]
		x := uint32(1) << (31 - bits.LeadingZeros32(under))
		return duckSafe(uint8((ds&^x)>>lsh), uint8(oh>>lsh))
	}
	// void in the suit led: he sheds the top card of the one suit failing
	// duckSafe, if any
	unsafe := nd.unsafe
	if unsafe == 0 {
		return true
	}
	if unsafe&(unsafe-1) != 0 {
		return false // two suits fail: one shed card cannot mend both
	}
	sh := uint(bits.TrailingZeros8(unsafe)) * 8
	ds := uint8(dh >> sh)
	oh := nd.hands[next3[d]] | nd.hands[next3[next3[d]]]
	return duckSafe(ds&^(0x80>>bits.LeadingZeros8(ds)), uint8(oh>>sh))
}

// keepsAnEscape reports whether the counted minimizer D, on a trick
// start with three tricks or more left, loses this trick or the next
// whatever the others play: in some suit he holds, an opponent holds two
// cards or more, all above D's lowest. Led, the suit costs D nothing (he
// plays his lowest: the opponent led above it or must overtake it).
// Else D keeps his lowest of it (void in the suit led, he sheds another
// card) and the opponent a card of it above, so D, if he takes this
// trick, leads his lowest next and the opponent must overtake it.
func (s *Solver) keepsAnEscape(nd *node) bool {
	d := uint8(s.minD) & 3
	dh, q, r := nd.hands[d], nd.hands[next3[d]], nd.hands[next3[next3[d]]]
	for sh := uint(0); sh < 32; sh += 8 {
		ds := dh >> sh & 0xFF
		if ds == 0 {
			continue
		}
		low := ds & -ds
		if qs := q >> sh & 0xFF; bits.OnesCount32(qs) >= 2 && qs&-qs > low {
			return true
		}
		if rs := r >> sh & 0xFF; bits.OnesCount32(rs) >= 2 && rs&-rs > low {
			return true
		}
	}
	return false
}

// winsMidTrick reports, in the middle of an ordinary trick (no trumps),
// whether the counted minimizer D takes it whatever he plays when the
// others try to make him take it; when it is false, he can lose it
// whatever they play. He has played: his card wins it now, and nobody
// still to play holds the suit only above it (who must overtake). He
// is still to play: he holds the suit led only above the winning card,
// and the other player still to play, if any, is void in it or holds a
// card under D's lowest (D plays his lowest; played after D, the other
// stays under it; played before D, the other plays under it and D must
// still overtake).
func (s *Solver) winsMidTrick(nd *node) bool {
	d := uint8(s.minD) & 3
	lsh := uint(nd.win&^7) & 31
	ls := uint32(0xFF) << lsh // the suit led
	winBit := uint32(1) << (nd.win & 31)
	at := seatAfter[(d+3-nd.leader)&7] // D's place in the trick
	if at < nd.n {
		if nd.winP != d {
			return false
		}
		for i := nd.n; i < 3; i++ {
			p := seatAfter[(nd.leader+i)&7]
			if ps := nd.hands[p] & ls; ps != 0 && ps&-ps > winBit {
				return false
			}
		}
		return true
	}
	ds := nd.hands[d] & ls
	if ds == 0 || ds&-ds < winBit {
		return false
	}
	if nd.n == 2 {
		return true
	}
	o := next3[d]
	if at == 2 {
		o = seatAfter[(nd.leader+1)&7]
	}
	ts := nd.hands[o] & ls
	return ts == 0 || ts&-ts < ds&-ds
}

// unsafeTop reports whether card c is the counted minimizer D's top card
// of a suit that fails duckSafe (so he may be forced to take a trick in
// it): the card he would rather lead, when he can afford a trick, or
// discard.
func (s *Solver) unsafeTop(nd *node, c uint8) bool {
	ds := uint8(nd.hands[uint8(s.minD)&3] >> (c &^ 7 & 31))
	// (ds>>rank == 1: no card of his above c; uint8(2)<<7 would be 0)
	return ds>>(c&7) == 1 && nd.unsafe>>(c>>3&7)&1 != 0
}

// duckSafe reports whether, of two disjoint sets of ranks of one suit,
// the i-th lowest of ds is below the i-th lowest of os for every i up to
// the smaller count.
func duckSafe(ds, os uint8) bool {
	i := uint16(ds)<<8 | uint16(os)
	return duckSafeBits[i>>6]>>(i&63)&1 != 0
}

// duckSafeBits holds duckSafe by ds<<8|os, a bit each (8 KB, so it
// stays in cache).
var duckSafeBits = rankPairBits(func(ds, os int) bool { return under(ds, os) })

// under reports whether the i-th lowest bit of a is below the i-th
// lowest of b for every i up to the smaller count.
func under(a, b int) bool {
	for ; a != 0 && b != 0; a, b = a&(a-1), b&(b-1) {
		if a&-a > b&-b {
			return false
		}
	}
	return true
}

// rankPairBits tabulates f over disjoint pairs of 8-bit rank sets.
func rankPairBits(f func(ds, os int) bool) (t [1 << 10]uint64) {
	for ds := 0; ds < 256; ds++ {
		for os := 0; os < 256; os++ {
			if ds&os == 0 && f(ds, os) {
				i := ds<<8 | os
				t[i>>6] |= 1 << (i & 63)
			}
		}
	}
	return t
}

// forcedNow reports whether the counted minimizer D takes the trick
// about to be led whatever he does, when the others try to make him
// take it: he leads and cannot lose the lead (forcedLead), or another
// player leads a card under all of D's cards in a suit where the third
// player can stay under D too. When it is false, D can lose that trick
// whatever the others play (by the rules alone: each lead has a card
// of his under it, or a void, or a player who must overtake his lowest
// card).
func (s *Solver) forcedNow(nd *node) bool {
	d := uint8(s.minD)
	if nd.leader == d {
		return s.forcedLead(nd)
	}
	l := nd.leader
	third := 3 - l - d
	for su := 0; su < 4; su++ {
		m := uint32(0xFF) << (8 * su)
		ds := nd.hands[d] & m
		ls := nd.hands[l] & m
		if ds == 0 || ls == 0 || ls&-ls > ds&-ds {
			continue
		}
		if ts := nd.hands[third] & m; ts == 0 || ts&-ts < ds&-ds {
			return true
		}
	}
	return false
}

// forcedLead reports whether the counted minimizer D, on lead, takes the
// trick whatever he leads: for each suit he holds, every other player
// holding it has a card below D's lowest, so nobody need overtake.
func (s *Solver) forcedLead(nd *node) bool {
	d := uint8(s.minD)
	dh := nd.hands[d]
	for su := 0; su < 4; su++ {
		m := uint32(0xFF) << (8 * su)
		ds := dh & m
		if ds == 0 {
			continue
		}
		low := ds & -ds
		for _, q := range [2]uint8{(d + 1) % 3, (d + 2) % 3} {
			if qs := nd.hands[q] & m; qs != 0 && qs&-qs > low {
				return false
			}
		}
	}
	return true
}

// lastTrick plays out the last trick, one card each.
func (s *Solver) lastTrick(nd *node) int {
	ch := *nd
	for i := uint8(0); i < 3; i++ {
		p := (nd.leader + i) % 3
		ch.trick[p] = uint8(bits.TrailingZeros32(nd.hands[p]))
	}
	ch.n = 3
	w := s.winner(&ch)
	if w != Nobody && s.count&(1<<w) != 0 {
		return 1
	}
	return 0
}

// twoTricks plays out the last two tricks by plain minimax (at most
// eight ways to play the first; the second is forced). A player who
// reaches the best he can (both tricks counted, or none) stops looking.
func (s *Solver) twoTricks(nd *node) int {
	l := nd.leader
	p1, p2 := next3[l], next3[next3[l]]
	h0, h1, h2 := nd.hands[l], nd.hands[p1], nd.hands[p2]
	max0, max1, max2 := s.max>>(l&7)&1 != 0, s.max>>(p1&7)&1 != 0, s.max>>(p2&7)&1 != 0
	best0 := -1
	for a0 := h0; a0 != 0; a0 &= a0 - 1 {
		c0 := uint8(bits.TrailingZeros32(a0))
		m := uint32(0xFF) << (c0 &^ 7 & 31)
		r0 := uint8(bits.TrailingZeros32(h0 &^ (1 << (c0 & 31))))
		best1 := -1
		for a1 := s.follow(h1, m); a1 != 0; a1 &= a1 - 1 {
			c1 := uint8(bits.TrailingZeros32(a1))
			r1 := uint8(bits.TrailingZeros32(h1 &^ (1 << (c1 & 31))))
			best2 := -1
			for a2 := s.follow(h2, m); a2 != 0; a2 &= a2 - 1 {
				c2 := uint8(bits.TrailingZeros32(a2))
				w := s.trickWinner(l, c0, c1, c2)
				v := int(s.count>>(w&7)) & 1
				// the last trick, led by w
				var r [3]uint8
				r[l], r[p1], r[p2] = r0, r1, uint8(bits.TrailingZeros32(h2&^(1<<(c2&31))))
				w2 := s.trickWinner(w, r[w], r[next3[w]], r[next3[next3[w]]])
				v += int(s.count>>(w2&7)) & 1
				if best2 < 0 || max2 == (v > best2) && v != best2 {
					best2 = v
				}
				if best2 == 2 && max2 || best2 == 0 && !max2 {
					break
				}
			}
			if best1 < 0 || max1 == (best2 > best1) && best2 != best1 {
				best1 = best2
			}
			if best1 == 2 && max1 || best1 == 0 && !max1 {
				break
			}
		}
		if best0 < 0 || max0 == (best1 > best0) && best1 != best0 {
			best0 = best1
		}
		if best0 == 2 && max0 || best0 == 0 && !max0 {
			break
		}
	}
	return best0
}

// follow returns the cards of h that may be played to a trick led in
// the suit of mask m: the suit, else trumps, else anything.
func (s *Solver) follow(h, m uint32) uint32 {
	if f := h & m; f != 0 {
		return f
	}
	if s.trump < 4 {
		if t := h & (0xFF << (8 * s.trump)); t != 0 {
			return t
		}
	}
	return h
}

// trickWinner returns the winner of a complete ordinary trick led by l
// with cards c0, c1, c2 in play order.
func (s *Solver) trickWinner(l, c0, c1, c2 uint8) uint8 {
	best, who := c0, l
	if beats(c1, best, s.trump) {
		best, who = c1, next3[l]
	}
	if beats(c2, best, s.trump) {
		who = next3[next3[l]]
	}
	return who
}

// seatAfter[i] is i % 3 (i < 8): the player i places after player 0.
var seatAfter = [8]uint8{0, 1, 2, 0, 1, 2, 0, 1}

// next3[p] is the player after p in play order.
var next3 = [3]uint8{1, 2, 0}

// order appends the moves of pl worth searching (one card per run of
// touching cards) but skip, best guesses first; alpha is the search's
// (a misère declarer who may take alpha more tricks leads differently).
func (s *Solver) order(nd *node, pl uint8, buf []uint8, skip uint8, alpha int) []uint8 {
	if s.minVs && !s.inTalonTrick(nd) {
		if nd.n > 0 {
			return s.orderFollow(nd, pl, buf, skip)
		}
		return s.orderLead(nd, pl, buf, skip, alpha)
	}
	return s.orderScored(nd, pl, buf, skip, alpha)
}

// orderScored is order by a score a card.
func (s *Solver) orderScored(nd *node, pl uint8, buf []uint8, skip uint8, alpha int) []uint8 {
	allowed := s.allowed(nd, pl)
	rem := nd.rem
	var reps uint32
	for su := 0; su < 4; su++ {
		a := uint8(allowed >> (8 * su))
		if a == 0 {
			continue
		}
		reps |= uint32(runTops[uint16(rem>>(8*su))&0xFF<<8|uint16(a)]) << (8 * su)
	}
	if reps&(reps-1) == 0 {
		// one choice: nothing to order
		if c := uint8(bits.TrailingZeros32(reps)); reps != 0 && c != skip {
			buf = append(buf, c)
		}
		return buf
	}
	// tmask is the set of players the mover wants to win this trick:
	// a maximizer wants a counted player to win it, a minimizer anyone else.
	tmask := s.count
	if s.max&(1<<pl) == 0 {
		tmask = 7 &^ s.count
	}
	inT := tmask&(1<<pl) != 0
	var score [16]int16 // by position in buf (at most 10 moves)
	ls := s.leadSuit(nd)
	// current winner of the trick, if any
	curC, curP := uint8(0xFF), uint8(0xFF)
	if nd.n > 0 || s.inTalonTrick(nd) {
		if s.inTalonTrick(nd) {
			for i := uint8(0); i < nd.n; i++ {
				p := (nd.leader + i) % 3
				if c := nd.trick[p]; int(c>>3) == ls && (curC == 0xFF || c > curC) {
					curC, curP = c, p
				}
			}
		} else {
			curC, curP = nd.win, nd.winP
		}
	}
	last := nd.n == 2
	for r := reps; r != 0; r &= r - 1 {
		c := uint8(bits.TrailingZeros32(r))
		rank := int(c & 7)
		su := int(c >> 3)
		suitMask := uint32(0xFF) << (8 * su)
		var sc int
		if ls < 0 && s.minD >= 0 {
			sc = s.misereLead(nd, pl, c, alpha)
		} else if ls < 0 {
			// leading
			if inT {
				top := 31 - bits.LeadingZeros32(rem&suitMask)
				if int(c) == top {
					sc = 200 + bits.OnesCount32(nd.hands[pl]&suitMask)
				} else {
					sc = 100 - rank
				}
			} else {
				// force the others: a lead under every card of the suit
				// held by a player the mover wants to win the trick
				sc = 100 - rank
				forced := false
				for q := uint8(0); q < 3; q++ {
					if q == pl {
						continue
					}
					h := nd.hands[q] & suitMask
					if h == 0 {
						continue
					}
					if tmask&(1<<q) == 0 {
						continue
					}
					if uint32(1)<<c > h&-h {
						forced = false
						break
					}
					forced = true
				}
				if forced {
					sc = 200 - rank
				}
			}
		} else {
			wins := curC == 0xFF && su == ls || curC != 0xFF && beats(c, curC, s.trump)
			winnerInT := curP != 0xFF && tmask&(1<<curP) != 0
			switch {
			case inT && winnerInT:
				sc = 100 - rank
			case inT && wins:
				sc = 200 - rank
			case inT:
				sc = 100 - rank
			case winnerInT || last:
				// stay under, shedding the highest card that does
				switch {
				case !wins && int8(pl) == s.minD && su != ls:
					// a discard: the top card of a suit where he is not
					// safe first, then the card most at risk
					sc = 150 + rank
					o := (nd.hands[(pl+1)%3] | nd.hands[(pl+2)%3]) & suitMask
					switch {
					case s.unsafeTop(nd, c):
						sc = 270 + rank
					case o&-o < uint32(1)<<c:
						sc = 250 + rank
					}
				case !wins:
					sc = 200 + rank
				case int8(pl) == s.minD:
					sc = 100 + rank // caught: take it with the highest card
				default:
					sc = 100 - rank
				}
			case !wins:
				sc = 200 + rank // leave the trick for a later player to take
			default:
				sc = 100 - rank
			}
			if su == s.trump && ls != s.trump {
				sc -= 8 // ruff with care: trumps are worth keeping
			}
		}
		if c == skip {
			continue
		}
		// insertion sort, best first
		i := len(buf)
		buf = append(buf, c)
		sc16 := int16(sc)
		for i > 0 && score[i-1] < sc16 {
			buf[i], score[i] = buf[i-1], score[i-1]
			i--
		}
		buf[i], score[i] = c, sc16
	}
	return buf
}

// orderFollow is order off lead in an ordinary trick of a counted
// minimizer D against two (misère, raspasy; no trumps), in the same
// order by classes of cards drawn as bit sets instead of a score a
// card: a defender plays first the cards under the trick's winning card
// (highest first), then those over it (lowest first); D, following
// suit, those under it, then those over it, highest first each; D,
// discarding, first the top card of a suit failing duckSafe, then the
// cards over some opponent's lowest of their suit, then the rest, each
// class highest rank first. Cards of equal rank come in suit order, as
// orderScored's stable sort leaves them.
func (s *Solver) orderFollow(nd *node, pl uint8, buf []uint8, skip uint8) []uint8 {
	h := nd.hands[pl]
	lsu := nd.win >> 3
	lsMask := uint32(0xFF) << (lsu * 8 & 31)
	var reps uint32
	follow := h & lsMask
	if follow != 0 {
		reps = uint32(runTops[uint16(nd.rem>>(lsu*8&31))&0xFF<<8|uint16(follow>>(lsu*8&31))&0xFF]) << (lsu * 8 & 31)
	} else {
		for su := uint(0); su < 32; su += 8 {
			if a := uint16(h>>su) & 0xFF; a != 0 {
				reps |= uint32(runTops[uint16(nd.rem>>su)&0xFF<<8|a]) << su
			}
		}
	}
	if skip != 0xFF {
		reps &^= 1 << (skip & 31)
	}
	if follow != 0 {
		under := reps & (uint32(1)<<(nd.win&31) - 1)
		over := reps &^ under
		buf = appendDown(buf, under)
		if int8(pl) == s.minD {
			return appendDown(buf, over)
		}
		for ; over != 0; over &= over - 1 {
			buf = append(buf, uint8(bits.TrailingZeros32(over)))
		}
		return buf
	}
	if int8(pl) != s.minD {
		return appendByRank(buf, reps)
	}
	oh := nd.hands[next3[pl]] | nd.hands[next3[next3[pl]]]
	var unsafe, over uint32
	for su := uint(0); su < 32; su += 8 {
		r := reps >> su & 0xFF
		if r == 0 {
			continue
		}
		ds, os := uint8(h>>su), uint8(oh>>su)
		if top := uint32(0x80) >> bits.LeadingZeros8(ds); r&top != 0 && nd.unsafe>>(su/8)&1 != 0 {
			unsafe |= top << su
		}
		if os == 0 {
			over |= r << su // nobody else holds the suit
		} else {
			over |= r &^ (uint32(os&-os)<<1 - 1) << su
		}
	}
	over &^= unsafe
	buf = appendByRank(buf, unsafe)
	buf = appendByRank(buf, over)
	return appendByRank(buf, reps&^unsafe&^over)
}

// orderLead is order on lead in an ordinary trick of a counted
// minimizer D against two (misère, raspasy), in the order of
// orderScored's scores (misereLead) by classes of cards drawn as bit
// sets. D, when alpha >= 1: the top cards of his unsafe suits (the
// highest rank less five a card of the suit first), then the cards no
// opponent must overtake, then those an opponent must overtake (highest
// first each); when alpha < 1: those an opponent must overtake (highest
// first), then the others (lowest first); last the suits nobody else
// holds. The others: the cards D can stay under in suits where he is
// safe, then where he is not (lowest first each); the cards under all
// of D's where the partner can stay under too, then the rest under all
// of D's (highest first each); last the suits D lacks (lowest first).
// Cards of equal rank come in suit order, as orderScored's stable sort
// leaves them.
func (s *Solver) orderLead(nd *node, pl uint8, buf []uint8, skip uint8, alpha int) []uint8 {
	h := nd.hands[pl]
	var reps uint32
	for su := uint(0); su < 32; su += 8 {
		if a := uint16(h>>su) & 0xFF; a != 0 {
			reps |= uint32(runTops[uint16(nd.rem>>su)&0xFF<<8|a]) << su
		}
	}
	if skip != 0xFF {
		reps &^= 1 << (skip & 31)
	}
	if reps&(reps-1) == 0 {
		if reps != 0 {
			buf = append(buf, uint8(bits.TrailingZeros32(reps)))
		}
		return buf
	}
	d := uint8(s.minD) & 3
	dh := nd.hands[d]
	if pl == d {
		q, r := nd.hands[next3[d]], nd.hands[next3[next3[d]]]
		var tops, overtaken, alone uint32
		var topKey [4]int8 // by suit: rank less five a card of his suit
		for su := uint(0); su < 32; su += 8 {
			rs := reps >> su & 0xFF
			if rs == 0 {
				continue
			}
			ds, qs, ts := uint8(dh>>su), uint8(q>>su), uint8(r>>su)
			if qs|ts == 0 {
				alone |= rs << su
				continue
			}
			if alpha >= 1 && nd.unsafe>>(su/8)&1 != 0 {
				top := uint8(0x80) >> bits.LeadingZeros8(ds)
				if uint32(top)&rs != 0 {
					tops |= uint32(top) << su
					topKey[su/8] = int8(7-bits.LeadingZeros8(ds)) - 5*int8(bits.OnesCount8(ds))
					rs &^= uint32(top)
				}
			}
			thr := qs & -qs // the highest lowest card of the two
			if ts&-ts > thr {
				thr = ts & -ts
			}
			overtaken |= rs & (uint32(thr) - 1) << su
		}
		rest := reps &^ alone &^ overtaken &^ tops
		for tops != 0 {
			// the best key first, the lowest suit of equal keys
			best := uint8(0xFF)
			for t := tops; t != 0; t &= t - 1 {
				c := uint8(bits.TrailingZeros32(t))
				if best == 0xFF || topKey[c>>3] > topKey[best>>3] {
					best = c
				}
			}
			buf = append(buf, best)
			tops &^= 1 << (best & 31)
		}
		if alpha >= 1 {
			buf = appendByRank(buf, rest)
			buf = appendByRank(buf, overtaken)
		} else {
			buf = appendByRank(buf, overtaken)
			buf = appendByRankUp(buf, rest)
		}
		for ; alone != 0; alone &= alone - 1 {
			buf = append(buf, uint8(bits.TrailingZeros32(alone)))
		}
		return buf
	}
	third := nd.hands[3-pl-d]
	var safe, unsafe, partner, under, lacks uint32
	for su := uint(0); su < 32; su += 8 {
		rs := reps >> su & 0xFF
		if rs == 0 {
			continue
		}
		ds := dh >> su & 0xFF
		if ds == 0 {
			lacks |= rs << su
			continue
		}
		low := ds & -ds
		if nd.unsafe>>(su/8)&1 == 0 {
			safe |= rs &^ (low - 1) << su
		} else {
			unsafe |= rs &^ (low - 1) << su
		}
		if ts := third >> su & 0xFF; ts == 0 || ts&-ts < low {
			partner |= rs & (low - 1) << su
		} else {
			under |= rs & (low - 1) << su
		}
	}
	buf = appendByRankUp(buf, safe)
	buf = appendByRankUp(buf, unsafe)
	buf = appendByRank(buf, partner)
	buf = appendByRank(buf, under)
	return appendByRankUp(buf, lacks)
}

// appendDown appends the cards of m, one suit's, highest first.
func appendDown(buf []uint8, m uint32) []uint8 {
	for ; m != 0; m &^= 1 << (31 - bits.LeadingZeros32(m)) {
		buf = append(buf, uint8(31-bits.LeadingZeros32(m)))
	}
	return buf
}

// appendByRank appends the cards of m highest rank first, cards of one
// rank in suit order.
func appendByRank(buf []uint8, m uint32) []uint8 {
	if m == 0 {
		return buf
	}
	// rank-major, suit 0 above suit 3 in each rank: read from the top
	t := byRank[uint8(m)]<<3 | byRank[uint8(m>>8)]<<2 | byRank[uint8(m>>16)]<<1 | byRank[uint8(m>>24)]
	for ; t != 0; t &^= 1 << (31 - bits.LeadingZeros32(t)) {
		i := 31 - bits.LeadingZeros32(t)
		buf = append(buf, uint8((3-i&3)*8+i>>2))
	}
	return buf
}

// appendByRankUp appends the cards of m lowest rank first, cards of one
// rank in suit order.
func appendByRankUp(buf []uint8, m uint32) []uint8 {
	if m == 0 {
		return buf
	}
	// rank-major, suit 0 below suit 3 in each rank: read from the bottom
	t := byRank[uint8(m)] | byRank[uint8(m>>8)]<<1 | byRank[uint8(m>>16)]<<2 | byRank[uint8(m>>24)]<<3
	for ; t != 0; t &= t - 1 {
		i := bits.TrailingZeros32(t)
		buf = append(buf, uint8((i&3)*8+i>>2))
	}
	return buf
}

// byRank[b] moves bit r of b to bit 4r.
var byRank = func() (t [256]uint32) {
	for b := 0; b < 256; b++ {
		for r := 0; r < 8; r++ {
			if b&(1<<r) != 0 {
				t[b] |= 1 << (4 * r)
			}
		}
	}
	return t
}()

// runTops[rem<<8|a] is the set of top cards of the runs of a, where
// touching means no card of rem lies between (a is a subset of rem).
var runTops = func() (t [1 << 16]uint8) {
	for rem := 0; rem < 256; rem++ {
		for a := 0; a < 256; a++ {
			if a&^rem != 0 {
				continue
			}
			var tops uint8
			for c := 0; c < 8; c++ {
				if a&(1<<c) == 0 {
					continue
				}
				nx := -1
				for d := c + 1; d < 8; d++ {
					if rem&(1<<d) != 0 {
						nx = d
						break
					}
				}
				if nx < 0 || a&(1<<nx) == 0 {
					tops |= 1 << c
				}
			}
			t[rem<<8|a] = tops
		}
	}
	return t
}()

// misereLead scores a lead of card c by pl when the counted player D
// wants no tricks (misère, raspasy). D, when the search lets him take a
// trick (alpha >= 1), first leads the top card of a suit where he is
// not safe (duckSafe fails: a card he may be forced with anyway, so the
// lead costs nothing more whether it wins or not; the shortest such suit
// first), then the other cards
// he may take, highest first; then, and first when he may take no
// trick, the highest card some opponent must overtake. The others first
// lead cards D can stay under, lowest first, in suits where he is safe
// before the others (forcing him at once gives him the lead, from which
// he sheds his worst card: measured, fewer nodes), then under all of D's
// cards in a suit where the third player can stay under too, and last a
// suit D lacks (he sheds a card on it).
func (s *Solver) misereLead(nd *node, pl, c uint8, alpha int) int {
	d := uint8(s.minD)
	rank := int(c & 7)
	m := uint32(0xFF) << (c &^ 7)
	bit := uint32(1) << c
	if pl == d {
		if alpha >= 1 && s.unsafeTop(nd, c) {
			return 440 + rank - 5*bits.OnesCount32(nd.hands[d]&m) // shortest suit first
		}
		for q := uint8(0); q < 3; q++ {
			if q == d {
				continue
			}
			if h := nd.hands[q] & m; h != 0 && h&-h > bit {
				return 300 + rank // safe: q must overtake
			}
		}
		if nd.hands[(d+1)%3]&m == 0 && nd.hands[(d+2)%3]&m == 0 {
			return 0 // nobody else holds the suit: he takes it
		}
		if alpha >= 1 {
			return 350 + rank // he may take it, and can afford to: before the safe leads
		}
		return 100 - rank
	}
	dh := nd.hands[d] & m
	if dh == 0 {
		return 50 - rank // D sheds a card on it
	}
	if bit > dh&-dh {
		// D can stay under: tried first, lowest first, in a suit where he
		// is safe (duckSafe) before one where he is not; forcing him at
		// once gives him the lead, from which he sheds his worst card
		if duckSafe(uint8(dh>>(c&^7)), uint8((nd.hands[pl]|nd.hands[3-pl-d])>>(c&^7))) {
			return 370 - rank
		}
		return 350 - rank
	}
	third := nd.hands[3-pl-d] & m
	if third == 0 || third&-third < dh&-dh {
		return 300 + rank // D must overtake, and the partner can stay under
	}
	return 200 + rank
}
