package rules

import "github.com/trelljaz/trelljaz/game/pref"

// Spectator is the viewer number of anyone without a seat in the deal. The
// sitting-out dealer of a four-player deal sees what a spectator sees.
const Spectator = -1

// SeatView is what one viewer may see of a deal. Cards the viewer may not see
// are absent: hidden hands are empty sets (their sizes are in HandSize), a
// hidden talon card is NoCard, a hidden discard is 0.
type SeatView struct {
	Viewer  int   `json:"viewer"` // a seat, or Spectator
	Players int   `json:"players"`
	Dealer  int   `json:"dealer"`
	Series  int   `json:"series"` // consecutive raspasy before this deal
	Phase   Phase `json:"phase"`
	Kind    Kind  `json:"kind"`
	Turn    int   `json:"turn"`  // the seat on turn
	Actor   int   `json:"actor"` // the seat that must move (differs from Turn in open play)

	Hands    [MaxPlayers]Hand `json:"hands"`     // the cards of each seat visible to the viewer
	HandSize [MaxPlayers]int  `json:"hand_size"` // how many cards each seat holds
	Exposed  [MaxPlayers]bool `json:"exposed"`   // hands face up for everyone
	Talon    [2]Card          `json:"talon"`     // NoCard while hidden
	Discard  Hand             `json:"discard"`   // the declarer's discard, for the declarer only

	Passed  [MaxPlayers]bool `json:"passed"`   // seats that passed in the auction
	LastBid [MaxPlayers]Bid  `json:"last_bid"` // each seat's last bid
	TopBid  Bid              `json:"top_bid"`
	TopSeat int              `json:"top_seat"` // -1 when nobody bid

	Declarer int                   `json:"declarer"` // -1 when there is none
	Contract Bid                   `json:"contract"`
	Calls    [MaxPlayers]pref.Call `json:"calls"`
	Open     bool                  `json:"open"`

	Trick      [MaxPlayers]Card `json:"trick"` // the current trick by seat (NoCard where not played)
	Leader     int              `json:"leader"`
	TalonLead  Card             `json:"talon_lead"` // the talon card leading the current raspasy trick, or NoCard
	TrickNo    int              `json:"trick_no"`   // completed tricks
	LastTrick  [MaxPlayers]Card `json:"last_trick"`
	LastWinner int              `json:"last_winner"` // -1 before the first trick is complete
	Tricks     [MaxPlayers]int  `json:"tricks"`
	Played     Hand             `json:"played"` // every card played to a trick
	Ending     Ending           `json:"ending"`

	Claim   ClaimView `json:"claim"`   // a pending claim proposal, shown to everyone
	Claimed bool      `json:"claimed"` // the deal ended by a claim
}

// talonOpen reports whether the talon is face up for everyone.
func (s *State) talonOpen() bool {
	switch {
	case s.phase == PhaseAuction:
		return false
	case s.kind == KindContract || s.kind == KindMisere:
		return true
	}
	return false
}

// Visible returns the set of cards viewer may see now, besides played
// cards: own hand, face-up hands, the open talon, own discard.
func (s *State) Visible(viewer int) Hand {
	v := s.ViewFor(viewer)
	h := v.Discard
	for _, x := range v.Hands {
		h |= x
	}
	for _, c := range v.Talon {
		h = h.With(c)
	}
	return h
}

// ViewFor returns what viewer (a seat or Spectator) may see; see View.
func (s *State) ViewFor(viewer int) SeatView {
	v := SeatView{
		Viewer: viewer, Players: int(s.players), Dealer: int(s.dealer), Series: int(s.series),
		Phase: s.phase, Kind: s.kind, Turn: int(s.turn), Actor: s.Actor(),
		Talon: [2]Card{NoCard, NoCard}, LastBid: s.lastBid, TopSeat: -1, Declarer: s.Declarer(),
		Contract: s.contract, Calls: s.calls, Open: s.open,
		Trick: s.trick, Leader: int(s.leader), TalonLead: NoCard, TrickNo: int(s.trickNo),
		LastTrick: s.lastTrick, LastWinner: -1, Tricks: s.Tricks(), Played: s.played, Ending: s.ending,
		Claim: s.claimView(), Claimed: s.claimed,
	}
	if viewer < 0 || viewer >= int(s.players) {
		v.Viewer = Spectator
	}
	if !s.active(uint8(v.Viewer)) {
		viewer = Spectator // the sitting-out dealer sees what a spectator sees
	}
	if s.phase == PhaseDone {
		v.Actor, v.Turn = -1, -1
	}
	if s.top != NoBid {
		v.TopBid, v.TopSeat = s.top, int(s.topSeat)
	}
	if s.lastWinner != 0xFF {
		v.LastWinner = int(s.lastWinner)
	}
	for p := 0; p < int(s.players); p++ {
		v.HandSize[p] = s.hands[p].Len()
		v.Passed[p] = s.passed&(1<<p) != 0
		v.Exposed[p] = s.exposed&(1<<p) != 0
		if p == viewer || v.Exposed[p] {
			v.Hands[p] = s.hands[p]
		}
	}
	if s.talonOpen() {
		v.Talon = s.talon
	}
	if s.kind == KindRaspasy && s.opt.RaspasyTalon != pref.TalonIgnored {
		for i := 0; i < int(s.talonTurned); i++ {
			v.Talon[i] = s.talon[i]
		}
		if s.talonOnTrick {
			v.TalonLead = s.talon[s.talonTurned-1]
		}
	}
	if s.kind == KindMisere && s.declShown {
		v.Hands[s.declarer] = s.hands[s.declarer]
		v.Exposed[s.declarer] = true
		v.Discard = s.discard
	}
	if (s.kind == KindContract || s.kind == KindMisere) && viewer == int(s.declarer) {
		v.Discard = s.discard
	}
	return v
}

// View returns exactly what viewer (a seat, or Spectator) may see of s:
// their own hand, hands turned face up by the rules (open whisting, misère
// catchers after the first trick), the talon once the auction is won (in
// raspasy only the turned talon cards), their own discard, and everything
// public (bids, calls, tricks, played cards). The sitting-out dealer of a
// four-player deal gets the spectator's view.
func View(s State, viewer int) SeatView { return s.ViewFor(viewer) }
