package pref

// TenMode is ten_mode: how a ten-trick contract is defended (RULES §8.8).
type TenMode uint8

// Values of TenMode.
const (
	// TenChecked: «проверяется», both defenders whist by force, obligation 0 (Sochi).
	TenChecked TenMode = iota
	// TenWhisted: «вистуется», a ten is whisted like any other contract (obligation 1).
	TenWhisted
)

var tenModeNames = []string{"checked", "whisted"}

// String returns the RULES §14 spelling ("checked", "whisted").
func (v TenMode) String() string { return name(tenModeNames, uint8(v)) }

// MarshalText encodes the value by its RULES §14 spelling.
func (v TenMode) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// ParseTenMode reads a RULES §14 spelling of ten_mode.
func ParseTenMode(s string) (TenMode, error) {
	v, err := parse("ten_mode", tenModeNames, s)
	return TenMode(v), err
}

// Timing says when hands are turned face up: open_timing takes
// BeforeFirstLead or AfterFirstTrick, misere_expose_timing AfterFirstTrick
// or AfterFirstCard.
type Timing uint8

// Values of Timing.
const (
	// BeforeFirstLead: open whisting (в светлую) shows the defenders' hands before trick 1.
	BeforeFirstLead Timing = iota
	// AfterFirstTrick: the hands open once trick 1 is complete («первый ход втёмную»).
	AfterFirstTrick
	// AfterFirstCard: the misère catchers open after the first card of trick 1.
	AfterFirstCard
)

var timingNames = []string{"before_first_lead", "after_first_trick", "after_first_card"}

// OpenTimings are the values option open_timing allows, default first.
var OpenTimings = []Timing{BeforeFirstLead, AfterFirstTrick}

// MisereExposeTimings are the values option misere_expose_timing allows, default first.
var MisereExposeTimings = []Timing{AfterFirstTrick, AfterFirstCard}

// String returns the RULES §14 spelling ("before_first_lead", "after_first_trick", "after_first_card").
func (v Timing) String() string { return name(timingNames, uint8(v)) }

// MarshalText encodes the value by its RULES §14 spelling.
func (v Timing) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// ParseTiming reads a RULES §14 spelling of a timing.
func ParseTiming(s string) (Timing, error) {
	v, err := parse("timing", timingNames, s)
	return Timing(v), err
}

// RaspasyTalon is raspasy_talon: what the talon does in raspasy (RULES §7.5).
type RaspasyTalon uint8

// Values of RaspasyTalon.
const (
	// TalonLeadSuit: the talon cards are turned for tricks 1 and 2 and set the suit to follow.
	TalonLeadSuit RaspasyTalon = iota
	// TalonIgnored: the talon stays closed (Rostov).
	TalonIgnored
	// TalonParticipates: with four players the sitting-out dealer turns the
	// talon cards as his own leads and can win those tricks (FSPR). With
	// three players it plays as TalonLeadSuit.
	TalonParticipates
)

var raspasyTalonNames = []string{"lead_suit", "ignored", "participates"}

// String returns the RULES §14 spelling ("lead_suit", "ignored", "participates").
func (v RaspasyTalon) String() string { return name(raspasyTalonNames, uint8(v)) }

// MarshalText encodes the value by its RULES §14 spelling.
func (v RaspasyTalon) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// ParseRaspasyTalon reads a RULES §14 spelling of raspasy_talon.
func ParseRaspasyTalon(s string) (RaspasyTalon, error) {
	v, err := parse("raspasy_talon", raspasyTalonNames, s)
	return RaspasyTalon(v), err
}

// Trick3Leader is raspasy_trick3_leader: who leads trick 3 of raspasy when
// the talon set the suit of tricks 1 and 2.
type Trick3Leader uint8

// Values of Trick3Leader.
const (
	// Trick3FirstHand: the first hand leads trick 3 (the default, Decision 2).
	Trick3FirstHand Trick3Leader = iota
	// Trick3Trick2Winner: the winner of trick 2 leads trick 3.
	Trick3Trick2Winner
)

var trick3Names = []string{"first_hand", "trick2_winner"}

// String returns the RULES §14 spelling ("first_hand", "trick2_winner").
func (v Trick3Leader) String() string { return name(trick3Names, uint8(v)) }

// MarshalText encodes the value by its RULES §14 spelling.
func (v Trick3Leader) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// ParseTrick3Leader reads a RULES §14 spelling of raspasy_trick3_leader.
func ParseTrick3Leader(s string) (Trick3Leader, error) {
	v, err := parse("raspasy_trick3_leader", trick3Names, s)
	return Trick3Leader(v), err
}

// ClaimMode is claims: how the remaining tricks of a trick contract may be
// claimed instead of played out (RULES §14 `claims`, §7.3).
type ClaimMode uint8

// Values of ClaimMode.
const (
	// ClaimsOff: every trick is played out.
	ClaimsOff ClaimMode = iota
	// ClaimsDeclarerOnly: the declarer, on lead, may claim all the
	// remaining tricks («остальные мои») when the claim is certain: every
	// card he holds is the top card of its suit among the cards still in
	// play, and he holds at least as many trumps as both defenders
	// together. He then draws their trumps with top trumps and cashes his
	// other top cards, so he wins every trick however the defenders' cards
	// lie and whatever they play. Any other claim is an illegal move.
	ClaimsDeclarerOnly
	// ClaimsProposeAccept (the default): the player to move may propose a
	// split of the remaining tricks (so many to the declarer, the rest to
	// the defenders); every other player of the deal accepts or rejects it
	// in turn, clockwise from the proposer. All accept: the deal ends with
	// that split. One rejects: play resumes where it stopped. A player may
	// propose at most once per trick, so proposals cannot go on for ever.
	ClaimsProposeAccept
)

var claimModeNames = []string{"off", "declarer-only", "propose-accept"}

// String returns the RULES §14 spelling ("off", "declarer-only", "propose-accept").
func (v ClaimMode) String() string { return name(claimModeNames, uint8(v)) }

// MarshalText encodes the value by its RULES §14 spelling.
func (v ClaimMode) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// ParseClaimMode reads a RULES §14 spelling of claims.
func ParseClaimMode(s string) (ClaimMode, error) {
	v, err := parse("claims", claimModeNames, s)
	return ClaimMode(v), err
}
