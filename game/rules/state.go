package rules

import "github.com/trelljaz/trelljaz/game/pref"

// Phase is the stage a deal is in.
type Phase uint8

// The phases of a deal, in order.
const (
	PhaseAuction    Phase = iota // торговля
	PhaseDiscard                 // the auction winner has taken the talon and discards 2
	PhaseDeclare                 // заказ: the declarer names the contract
	PhaseWhist                   // defenders whist or pass
	PhaseOpenChoice              // a lone whister chooses open or closed play
	PhasePlay                    // trick play (contract, misère or raspasy)
	PhaseDone                    // the deal is over; see State.Result
)

var phaseNames = [...]string{"auction", "discard", "declaration", "whisting", "open/closed choice", "play", "end of the deal"}

// String names the phase.
func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "unknown phase"
}

// Kind is the kind of deal being played.
type Kind uint8

// Deal kinds. KindUndecided holds during the auction.
const (
	KindUndecided Kind = iota
	KindContract       // a trick contract (6..10)
	KindMisere         // мизер
	KindRaspasy        // распасы, all passed
)

// Ending says how a deal ended.
type Ending uint8

// Deal endings.
const (
	EndingNone      Ending = iota // not over
	EndingPlayed                  // played out to trick 10, or the rest settled by a claim (State.Claimed)
	EndingUnwhisted               // both defenders passed: unplayed, declarer credited
	EndingHalfWhist               // half-whist accepted: unplayed
	EndingConceded                // «без трёх»: the declarer refused to play
)

// State is one deal in progress. It is a small value (no pointers, slices
// or maps): copying it is cheap and Apply never changes the State it was
// given. The zero State is not a deal; create one with New.
type State struct {
	opt     Options
	players uint8
	dealer  uint8
	series  uint8 // consecutive raspasy before this deal
	phase   Phase
	kind    Kind
	turn    uint8 // whose card or decision it is (the seat, not the actor)
	ending  Ending

	hands   [MaxPlayers]Hand
	talon   [2]Card
	discard Hand

	// auction
	passed   uint8 // seats that passed
	spoke    uint8 // seats that made a bid
	lastBid  [MaxPlayers]Bid
	top      Bid
	topSeat  uint8
	declarer uint8
	contract Bid

	// whisting
	calls [MaxPlayers]pref.Call
	open  bool // one whister chose open play

	// play
	exposed      uint8 // seats whose hands are face up
	declShown    bool  // misère declarer's hand and discard shown
	trickNo      uint8 // tricks completed
	leader       uint8
	inTrick      uint8 // cards played to the current trick
	trick        [MaxPlayers]Card
	lastTrick    [MaxPlayers]Card
	lastLeader   uint8
	lastWinner   uint8
	tricks       [MaxPlayers]uint8
	played       Hand
	talonTurned  uint8 // talon cards turned in raspasy (0..2)
	talonOnTrick bool  // the current trick is led by a turned talon card

	// claims (claim.go)
	claimBy     uint8 // proposer of the pending claim
	claimTricks uint8 // the declarer's share of the remaining tricks in it
	claimWait   uint8 // seats yet to answer it; 0 when none is pending
	claimUsed   uint8 // seats that proposed in the current trick
	claimed     bool  // the deal ended by a claim
}

// Players returns the number of players at the table (3 or 4).
func (s *State) Players() int { return int(s.players) }

// Dealer returns the dealer's seat.
func (s *State) Dealer() int { return int(s.dealer) }

// Options returns the options the deal is played under.
func (s *State) Options() Options { return s.opt }

// Series returns the number of consecutive raspasy before this deal.
func (s *State) Series() int { return int(s.series) }

// Phase returns the current phase.
func (s *State) Phase() Phase { return s.phase }

// Kind returns the kind of deal (undecided during the auction).
func (s *State) Kind() Kind { return s.kind }

// Turn returns the seat whose card or decision is next. In open play the
// passer's cards are played by the whister: see Actor.
func (s *State) Turn() int { return int(s.turn) }

// Actor returns the seat that must send the next move: the seat that must
// answer a pending claim proposal, the seat on turn,
// the sitting-out dealer for both defenders when he whisted (DealerMayWhist),
// or the lone whister when it is the other defender's card (he passed, or
// half-whisted and the whister returned) and that hand is face up (with
// OpenTiming AfterFirstTrick the other defender plays his own card to
// trick 1).
func (s *State) Actor() int {
	if s.phase == PhasePlay && s.claimWait != 0 {
		return int(s.claimResponder())
	}
	if s.phase == PhasePlay && s.open && s.turn != s.declarer && s.turn != s.whisterSeat() && s.exposed&(1<<s.turn) != 0 {
		return int(s.whisterSeat())
	}
	if s.phase == PhasePlay && s.players == 4 && s.calls[s.dealer] == pref.CallWhist && s.turn != s.declarer {
		return int(s.dealer)
	}
	return int(s.turn)
}

// Hand returns the cards a seat holds now (the true state, not a view).
func (s *State) Hand(seat int) Hand {
	if seat < 0 || seat >= int(s.players) {
		return 0
	}
	return s.hands[seat]
}

// Talon returns the two talon cards (the true state, not a view).
func (s *State) Talon() [2]Card { return s.talon }

// Discard returns the declarer's two discarded cards (0 before the discard).
func (s *State) Discard() Hand { return s.discard }

// Declarer returns the declarer's seat, or -1 when there is none (auction, raspasy).
func (s *State) Declarer() int {
	if s.kind != KindContract && s.kind != KindMisere {
		return -1
	}
	return int(s.declarer)
}

// TopBid returns the highest bid of the auction so far and its bidder
// (-1 when nobody has bid).
func (s *State) TopBid() (Bid, int) {
	if s.top == NoBid {
		return NoBid, -1
	}
	return s.top, int(s.topSeat)
}

// Contract returns the declared contract (NoBid before the declaration and in raspasy).
func (s *State) Contract() Bid { return s.contract }

// Call returns a seat's whisting call.
func (s *State) Call(seat int) pref.Call {
	if seat < 0 || seat >= 4 {
		return pref.CallNone
	}
	return s.calls[seat]
}

// Tricks returns the tricks each seat has taken so far.
func (s *State) Tricks() [MaxPlayers]int {
	var t [MaxPlayers]int
	for i, n := range s.tricks {
		t[i] = int(n)
	}
	return t
}

// TrickNumber returns the number of completed tricks.
func (s *State) TrickNumber() int { return int(s.trickNo) }

// CurrentTrick returns the cards played to the current trick by seat
// (NoCard where none yet) and the seat that led it.
func (s *State) CurrentTrick() ([MaxPlayers]Card, int) { return s.trick, int(s.leader) }

// Played returns every card played to a trick so far.
func (s *State) Played() Hand { return s.played }

// Done reports whether the deal is over.
func (s *State) Done() bool { return s.phase == PhaseDone }

// seat helpers

// handSeat returns the seat of the i-th hand (0 = first hand, left of the dealer).
func (s *State) handSeat(i int) uint8 {
	return uint8((int(s.dealer) + 1 + i) % int(s.players))
}

// next returns the next active seat clockwise after seat.
func (s *State) next(seat uint8) uint8 {
	n := (seat + 1) % s.players
	if s.players == 4 && n == s.dealer {
		n = (n + 1) % s.players
	}
	return n
}

// active reports whether seat takes part in the deal.
func (s *State) active(seat uint8) bool {
	return seat < s.players && (s.players == 3 || seat != s.dealer)
}

// order is the position of seat in bidding order (0 = first hand).
func (s *State) order(seat uint8) int {
	return (int(seat) - int(s.dealer) - 1 + 2*int(s.players)) % int(s.players)
}

// defenders returns F (first clockwise after the declarer) and S.
func (s *State) defenders() (f, sd uint8) {
	f = s.next(s.declarer)
	return f, s.next(f)
}

// whisterSeat returns the lone whister's seat (valid with exactly one whister).
func (s *State) whisterSeat() uint8 {
	f, sd := s.defenders()
	if s.calls[f].Whists() {
		return f
	}
	return sd
}
