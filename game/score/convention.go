package score

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// Convention is a named preset of table settings (RULES §13): the way the
// pulka is written («Сочи», «Ленинград», «Ростов», …).
type Convention uint8

// Conventions (RULES §13). Custom starts from the Sochi values (Decision 15).
const (
	Codex     Convention = iota // Кодекс преферанса baseline
	Sochi                       // «Сочи»
	Leningrad                   // «Ленинград», «Питер»
	Rostov                      // «Ростов», «Москва»
	FSPR                        // ФСПР tournament rules, Leningrad system
	Custom                      // Sochi values, expecting changes
)

// Enumerated settings. Each type has its RULES §14 spellings, see the
// enumNames table below; String returns that spelling.
type (
	// Progression is raspasy_prog: how the raspasy trick price grows in a series.
	Progression uint8
	// WhistResp is whist_resp: responsibility for the defenders' shortfall (недобор).
	WhistResp uint8
	// WhistStyle is whist_style: greedy (жлобский) or gentleman (джентльменский) whist.
	WhistStyle uint8
	// Consolation is consolation (консоляция): what each defender writes per undertrick.
	Consolation uint8
	// Overflow is overflow: what happens to pool points past the target (RULES §10).
	Overflow uint8
	// GentlemanScope is gentleman_scope: when a gentleman whist splits.
	GentlemanScope uint8
	// LowObligMode is low_oblig_mode: who answers for a shortfall on 8, 9 and whisted 10.
	LowObligMode uint8
	// RaspasyScoring is raspasy_scoring: mountain (Sochi, Leningrad) or whists (Rostov).
	RaspasyScoring uint8
	// TimeoutAction is timeout_action: what happens when a player's
	// decision runs out of time (after move_time and then the time bank,
	// time_bank).
	TimeoutAction uint8
)

// Values of the enumerated settings.
const (
	ProgNone       Progression = iota // 1-1-1
	ProgArithmetic                    // 1-2-3
	ProgGeometric                     // 1-2-4
)

// Values of WhistResp.
const (
	RespFull WhistResp = iota // ответственный: price per missing trick
	RespHalf                  // полуответственный: half the price
	RespNone                  // no responsibility
)

// Values of WhistStyle.
const (
	Greedy    WhistStyle = iota // жлобский: the whister writes all the side's tricks
	Gentleman                   // джентльменский: whister and passer split them
)

// Values of Consolation.
const (
	ConsolationPrice   Consolation = iota // the whist price of the contract per undertrick
	ConsolationFixed10                    // 10 per undertrick (Rostov)
	ConsolationNone                       // no consolation
)

// Values of Overflow.
const (
	OverflowHelp         Overflow = iota // помощь: the excess closes other pools
	OverflowMountainOnly                 // excess off the own mountain (×pool_factor)
	OverflowMountainX2                   // excess ×2 off the own mountain (Leningrad)
	OverflowNone                         // no pool target (FSPR, played on time)
)

// Values of GentlemanScope.
const (
	ScopeOnRemise GentlemanScope = iota // split only when the declarer fails
	ScopeAlways                         // split always (FSPR reading)
)

// Values of LowObligMode.
const (
	LowObligSecond LowObligMode = iota // the second whister answers
	LowObligBoth                       // each whister answers
)

// Values of RaspasyScoring.
const (
	RaspasyMountain RaspasyScoring = iota // tricks to the mountain, zero-trick premium to the pool
	RaspasyWhists                         // the fewest-trick players write 5 whists per trick on the others
)

// Bounds of timeout_fine and time_bank.
const (
	MaxTimeoutFine = 1000 // mountain points
	MaxTimeBank    = 3600 // seconds
)

// Values of TimeoutAction.
const (
	TimeoutBotTakeover TimeoutAction = iota // a bot plays for the player until they are back
	TimeoutAutoPass                         // auto-pass in bidding and whisting, lowest legal card in play
	// TimeoutFineAndClose fines the player timeout_fine mountain points
	// (the record's "fines") and closes the pulka at once; it is settled
	// as it stands. The seed's rule.
	TimeoutFineAndClose
)

var (
	conventionNames     = []string{"codex", "sochi", "leningrad", "rostov", "fspr", "custom"}
	progressionNames    = []string{"none", "arithmetic", "geometric"}
	whistRespNames      = []string{"full", "half", "none"}
	whistStyleNames     = []string{"greedy", "gentleman"}
	consolationNames    = []string{"price", "fixed10", "none"}
	overflowNames       = []string{"help", "mountain_only", "mountain_x2", "none"}
	gentlemanScopeNames = []string{"on_remise", "always"}
	lowObligNames       = []string{"second", "both"}
	raspasyScoringNames = []string{"mountain", "whists"}
	timeoutNames        = []string{"bot-takeover", "auto-pass", "fine"}
)

func enumString(names []string, v uint8) string {
	if int(v) < len(names) {
		return names[v]
	}
	return strconv.Itoa(int(v))
}

// String returns the RULES §14 spelling of the value.
func (c Convention) String() string { return enumString(conventionNames, uint8(c)) }

// String returns the RULES §14 spelling of the value.
func (v Progression) String() string { return enumString(progressionNames, uint8(v)) }

// String returns the RULES §14 spelling of the value.
func (v WhistResp) String() string { return enumString(whistRespNames, uint8(v)) }

// String returns the RULES §14 spelling of the value.
func (v WhistStyle) String() string { return enumString(whistStyleNames, uint8(v)) }

// String returns the RULES §14 spelling of the value.
func (v Consolation) String() string { return enumString(consolationNames, uint8(v)) }

// String returns the RULES §14 spelling of the value.
func (v Overflow) String() string { return enumString(overflowNames, uint8(v)) }

// String returns the RULES §14 spelling of the value.
func (v GentlemanScope) String() string { return enumString(gentlemanScopeNames, uint8(v)) }

// String returns the RULES §14 spelling of the value.
func (v LowObligMode) String() string { return enumString(lowObligNames, uint8(v)) }

// String returns the RULES §14 spelling of the value.
func (v RaspasyScoring) String() string { return enumString(raspasyScoringNames, uint8(v)) }

// String returns the RULES §14 spelling of the value.
func (v TimeoutAction) String() string { return enumString(timeoutNames, uint8(v)) }

// ParseConvention reads a convention identifier (codex, sochi, leningrad,
// rostov, fspr, custom).
func ParseConvention(s string) (Convention, error) {
	for i, n := range conventionNames {
		if s == n {
			return Convention(i), nil
		}
	}
	return 0, fmt.Errorf("unknown convention %q: want one of %s", s, strings.Join(conventionNames, ", "))
}

// Settings are all the table settings of RULES §14, each under its RULES
// identifier (given in the field comment). The settings that change how a
// deal is played are the engine's rules.Options, embedded as they are: a
// table hands Settings.Options to the engine. Start from Preset;
// ParseOptions applies a record's or a table's options. Settings are a
// plain value: copy them freely.
type Settings struct {
	Convention Convention // convention
	// Options are the settings of the auction, whisting and the play:
	// players, senior_hold, bid_jumps, raspasy_exit,
	// exit_by_failed_contract, exit_requires_whisted, misere_exits,
	// half_whist, stalingrad, ten_mode, checked_ten_open, open_timing,
	// misere_expose_timing, misere_show_declarer, raspasy_talon,
	// raspasy_trick3_leader, dealer_may_whist, concede_without_three and
	// claims. The sheet reads some of them too.
	rules.Options

	PoolTarget int // pool_target: P*, ignored when Overflow is OverflowNone
	// WhistPrice is whist_price, money or rating points per whist, as an
	// exact decimal ("1", "0.5"); see WhistPriceRat.
	WhistPrice string

	RaspasyBase int         // raspasy_base: 1 or 2
	RaspasyProg Progression // raspasy_prog
	WhistResp   WhistResp   // whist_resp
	WhistStyle  WhistStyle  // whist_style

	Consolation         Consolation // consolation
	ConsolationToDealer bool        // consolation_to_dealer (4 players)
	Overflow            Overflow    // overflow

	WhistMult  int // whist_mult: whist price = v·whist_mult
	FailMult   int // fail_mult: declarer mountain per undertrick = v·fail_mult
	MisereMult int // misere_mult: mountain per trick taken on misère

	GentlemanScope GentlemanScope // gentleman_scope
	LowObligMode   LowObligMode   // low_oblig_mode
	TalonBonus     bool           // talon_bonus («платный прикуп»)
	RaspasyScoring RaspasyScoring // raspasy_scoring
	PoolFactor     int            // pool_factor: k, mountain points per pool point at settlement

	DealRotatesAfterRaspasy bool // deal_rotates_after_raspasy

	MoveTime      int           // move_time: seconds per decision
	TimeoutAction TimeoutAction // timeout_action
	// TimeoutFine is timeout_fine: the mountain points of timeout_action
	// "fine", at least 1 (a fine of 0 would let a player close a losing
	// pulka for free).
	TimeoutFine int
	// TimeBank is time_bank: each player's reserve for the pulka, in
	// seconds, used after move_time runs out; when it is spent too,
	// timeout_action applies. 0 means none.
	TimeBank  int
	MaxDeals  int // max_deals: 0 means no limit
	TimeLimit int // time_limit: seconds, 0 means no limit
	// FinishRound is finish_round (RULES §11 "when a limit is hit, finish
	// the current round of deals (option), then settle"): once max_deals
	// is reached the pulka goes on until the deal has come back round to
	// the first dealer (Sheet.RoundComplete). Default false: it ends at
	// once.
	FinishRound bool

	Private       bool   // private
	Password      string // password (private tables)
	Spectators    bool   // spectators
	Chat          bool   // chat
	BotsFillSeats bool   // bots_fill_seats
}

// Preset returns the settings of a convention (RULES §13 and §14 defaults,
// with the Decisions). The name is a convention identifier.
func Preset(name string) (Settings, error) {
	c, err := ParseConvention(name)
	if err != nil {
		return Settings{}, err
	}
	return PresetOf(c), nil
}

// PresetOf returns the settings of convention c; an unknown c gives Sochi.
func PresetOf(c Convention) Settings {
	s := Settings{ // Sochi, and the §14 defaults
		Convention: c, Options: rules.DefaultOptions(3), PoolTarget: 20, WhistPrice: "1",
		RaspasyBase: 1, RaspasyProg: ProgArithmetic,
		WhistResp: RespFull, WhistStyle: Greedy,
		Consolation: ConsolationPrice, ConsolationToDealer: true, Overflow: OverflowHelp,
		WhistMult: 1, FailMult: 1, MisereMult: 10,
		GentlemanScope: ScopeOnRemise, LowObligMode: LowObligSecond,
		RaspasyScoring: RaspasyMountain, PoolFactor: 1,
		DealRotatesAfterRaspasy: true,
		MoveTime:                30, TimeoutAction: TimeoutBotTakeover, TimeoutFine: 20,
		Spectators: true, Chat: true,
	}
	switch c {
	case Codex:
		s.RaspasyProg = ProgNone
		s.TenMode = pref.TenWhisted
		s.Overflow = OverflowMountainOnly
	case Leningrad:
		s.WhistMult, s.FailMult, s.MisereMult = 2, 2, 20
		s.WhistResp, s.WhistStyle = RespHalf, Gentleman
		s.LowObligMode = LowObligBoth
		s.RaspasyBase, s.RaspasyExit = 2, pref.Exit{6, 7, 8}
		s.Overflow, s.PoolFactor = OverflowMountainX2, 2
	case Rostov:
		s.Consolation = ConsolationFixed10
		s.WhistResp, s.WhistStyle = RespHalf, Gentleman
		s.RaspasyTalon, s.RaspasyScoring = pref.TalonIgnored, RaspasyWhists
		s.RaspasyProg = ProgNone
	case FSPR:
		s.WhistMult, s.FailMult, s.MisereMult = 2, 2, 20
		s.WhistResp, s.WhistStyle, s.GentlemanScope = RespHalf, Gentleman, ScopeAlways
		s.LowObligMode, s.DealerMayWhist, s.TenMode = LowObligBoth, true, pref.TenWhisted
		s.RaspasyBase, s.RaspasyExit = 2, pref.Exit{7, 7, 7}
		s.RaspasyTalon = pref.TalonParticipates
		s.ExitRequiresWhisted, s.MisereExits = true, false
		s.Overflow, s.PoolFactor, s.TalonBonus = OverflowNone, 2, true
	}
	return s
}

// WhistPriceRat returns WhistPrice as an exact rational.
func (s Settings) WhistPriceRat() (*big.Rat, error) {
	r, ok := new(big.Rat).SetString(s.WhistPrice)
	if !ok || strings.ContainsAny(s.WhistPrice, "/eE") {
		return nil, fmt.Errorf("whist_price: %q is not a decimal number", s.WhistPrice)
	}
	return r, nil
}

// Validate checks the values that have a range.
func (s Settings) Validate() error {
	switch {
	case s.Players != 3 && s.Players != 4:
		return fmt.Errorf("players: %d, want 3 or 4", s.Players)
	case s.PoolTarget < 1 || s.PoolTarget > 10000:
		return fmt.Errorf("pool_target: %d outside 1..10000", s.PoolTarget)
	case s.RaspasyBase < 1 || s.RaspasyBase > 2:
		return fmt.Errorf("raspasy_base: %d, want 1 or 2", s.RaspasyBase)
	case s.PoolFactor < 1 || s.PoolFactor > 2:
		return fmt.Errorf("pool_factor: %d, want 1 or 2", s.PoolFactor)
	case s.WhistMult < 1 || s.WhistMult > 100:
		return fmt.Errorf("whist_mult: %d outside 1..100", s.WhistMult)
	case s.FailMult < 1 || s.FailMult > 100:
		return fmt.Errorf("fail_mult: %d outside 1..100", s.FailMult)
	case s.MisereMult < 1 || s.MisereMult > 1000:
		return fmt.Errorf("misere_mult: %d outside 1..1000", s.MisereMult)
	case s.MoveTime < 0, s.MaxDeals < 0, s.TimeLimit < 0:
		return fmt.Errorf("move_time, max_deals, time_limit: must not be negative")
	}
	if _, err := s.WhistPriceRat(); err != nil {
		return err
	}
	return s.Options.Validate()
}

// option describes one §14 setting: how to read its JSON value into Settings.
type option struct {
	name    string
	set     func(s *Settings, raw json.RawMessage) error
	get     func(s Settings) any // the value as JSON would show it
	choices []string             // the allowed values of an enumerated setting
}

func boolOpt(name string, f func(*Settings) *bool) option {
	return option{name, func(s *Settings, raw json.RawMessage) error {
		var b bool
		if err := strictJSON(raw, &b); err != nil {
			return fmt.Errorf("want true or false")
		}
		*f(s) = b
		return nil
	}, func(s Settings) any { return *f(&s) }, nil}
}

func intOpt(name string, lo, hi int, f func(*Settings) *int) option {
	return option{name, func(s *Settings, raw json.RawMessage) error {
		var n int
		if err := strictJSON(raw, &n); err != nil || n < lo || n > hi {
			return fmt.Errorf("want an integer %d..%d", lo, hi)
		}
		*f(s) = n
		return nil
	}, func(s Settings) any { return *f(&s) }, nil}
}

func enumOpt[T interface {
	~uint8
	String() string
}](name string, values []T, f func(*Settings) *T) option {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = v.String()
	}
	return option{name, func(s *Settings, raw json.RawMessage) error {
		var v string
		if err := strictJSON(raw, &v); err == nil {
			for i, n := range names {
				if v == n {
					*f(s) = values[i]
					return nil
				}
			}
		}
		return fmt.Errorf("want one of %s", strings.Join(names, ", "))
	}, func(s Settings) any { return (*f(&s)).String() }, names}
}

// enumValues returns the n values 0..n-1 of an enumerated setting.
func enumValues[T ~uint8](n int) []T {
	vs := make([]T, n)
	for i := range vs {
		vs[i] = T(i)
	}
	return vs
}

// options lists every RULES §14 setting but convention (which picks the preset).
var options = []option{
	intOpt("players", 3, 4, func(s *Settings) *int { return &s.Players }),
	intOpt("pool_target", 1, 10000, func(s *Settings) *int { return &s.PoolTarget }),
	{"whist_price", func(s *Settings, raw json.RawMessage) error {
		var n json.Number
		var str string
		if strictJSON(raw, &n) == nil {
			str = n.String()
		} else if strictJSON(raw, &str) != nil {
			return fmt.Errorf("want a decimal number")
		}
		if _, err := (Settings{WhistPrice: str}).WhistPriceRat(); err != nil || len(str) > 40 {
			return fmt.Errorf("want a decimal number")
		}
		s.WhistPrice = str
		return nil
	}, func(s Settings) any { return s.WhistPrice }, nil},
	intOpt("raspasy_base", 1, 2, func(s *Settings) *int { return &s.RaspasyBase }),
	enumOpt("raspasy_prog", enumValues[Progression](len(progressionNames)), func(s *Settings) *Progression { return &s.RaspasyProg }),
	{"raspasy_exit", func(s *Settings, raw json.RawMessage) error {
		var v string
		if strictJSON(raw, &v) == nil {
			for _, e := range pref.ExitValues {
				if e.String() == v {
					s.RaspasyExit = e
					return nil
				}
			}
		}
		return fmt.Errorf("want one of 6-6-6, 6-7-7, 6-7-8, 7-7-7")
	}, func(s Settings) any { return s.RaspasyExit.String() }, exitNames()},
	boolOpt("exit_by_failed_contract", func(s *Settings) *bool { return &s.ExitByFailedContract }),
	enumOpt("raspasy_talon", []pref.RaspasyTalon{pref.TalonLeadSuit, pref.TalonIgnored, pref.TalonParticipates}, func(s *Settings) *pref.RaspasyTalon { return &s.RaspasyTalon }),
	boolOpt("stalingrad", func(s *Settings) *bool { return &s.Stalingrad }),
	enumOpt("ten_mode", []pref.TenMode{pref.TenChecked, pref.TenWhisted}, func(s *Settings) *pref.TenMode { return &s.TenMode }),
	boolOpt("checked_ten_open", func(s *Settings) *bool { return &s.CheckedTenOpen }),
	enumOpt("whist_resp", enumValues[WhistResp](len(whistRespNames)), func(s *Settings) *WhistResp { return &s.WhistResp }),
	enumOpt("whist_style", enumValues[WhistStyle](len(whistStyleNames)), func(s *Settings) *WhistStyle { return &s.WhistStyle }),
	boolOpt("half_whist", func(s *Settings) *bool { return &s.HalfWhist }),
	enumOpt("open_timing", pref.OpenTimings, func(s *Settings) *pref.Timing { return &s.OpenTiming }),
	enumOpt("misere_expose_timing", pref.MisereExposeTimings, func(s *Settings) *pref.Timing { return &s.MisereExposeTiming }),
	boolOpt("misere_show_declarer", func(s *Settings) *bool { return &s.MisereShowDeclarer }),
	enumOpt("consolation", enumValues[Consolation](len(consolationNames)), func(s *Settings) *Consolation { return &s.Consolation }),
	boolOpt("consolation_to_dealer", func(s *Settings) *bool { return &s.ConsolationToDealer }),
	enumOpt("overflow", enumValues[Overflow](len(overflowNames)), func(s *Settings) *Overflow { return &s.Overflow }),
	intOpt("whist_mult", 1, 100, func(s *Settings) *int { return &s.WhistMult }),
	intOpt("fail_mult", 1, 100, func(s *Settings) *int { return &s.FailMult }),
	intOpt("misere_mult", 1, 1000, func(s *Settings) *int { return &s.MisereMult }),
	enumOpt("gentleman_scope", enumValues[GentlemanScope](len(gentlemanScopeNames)), func(s *Settings) *GentlemanScope { return &s.GentlemanScope }),
	enumOpt("low_oblig_mode", enumValues[LowObligMode](len(lowObligNames)), func(s *Settings) *LowObligMode { return &s.LowObligMode }),
	boolOpt("dealer_may_whist", func(s *Settings) *bool { return &s.DealerMayWhist }),
	boolOpt("talon_bonus", func(s *Settings) *bool { return &s.TalonBonus }),
	enumOpt("raspasy_scoring", enumValues[RaspasyScoring](len(raspasyScoringNames)), func(s *Settings) *RaspasyScoring { return &s.RaspasyScoring }),
	intOpt("pool_factor", 1, 2, func(s *Settings) *int { return &s.PoolFactor }),
	boolOpt("exit_requires_whisted", func(s *Settings) *bool { return &s.ExitRequiresWhisted }),
	boolOpt("misere_exits", func(s *Settings) *bool { return &s.MisereExits }),
	enumOpt("raspasy_trick3_leader", []pref.Trick3Leader{pref.Trick3FirstHand, pref.Trick3Trick2Winner}, func(s *Settings) *pref.Trick3Leader { return &s.RaspasyTrick3Leader }),
	boolOpt("deal_rotates_after_raspasy", func(s *Settings) *bool { return &s.DealRotatesAfterRaspasy }),
	boolOpt("senior_hold", func(s *Settings) *bool { return &s.SeniorHold }),
	boolOpt("bid_jumps", func(s *Settings) *bool { return &s.BidJumps }),
	boolOpt("concede_without_three", func(s *Settings) *bool { return &s.ConcedeWithoutThree }),
	enumOpt("claims", []pref.ClaimMode{pref.ClaimsOff, pref.ClaimsDeclarerOnly, pref.ClaimsProposeAccept}, func(s *Settings) *pref.ClaimMode { return &s.Claims }),
	intOpt("move_time", 0, 86400, func(s *Settings) *int { return &s.MoveTime }),
	enumOpt("timeout_action", enumValues[TimeoutAction](len(timeoutNames)), func(s *Settings) *TimeoutAction { return &s.TimeoutAction }),
	intOpt("timeout_fine", 1, MaxTimeoutFine, func(s *Settings) *int { return &s.TimeoutFine }),
	intOpt("time_bank", 0, MaxTimeBank, func(s *Settings) *int { return &s.TimeBank }),
	intOpt("max_deals", 0, 100000, func(s *Settings) *int { return &s.MaxDeals }),
	intOpt("time_limit", 0, 7*86400, func(s *Settings) *int { return &s.TimeLimit }),
	boolOpt("finish_round", func(s *Settings) *bool { return &s.FinishRound }),
	boolOpt("private", func(s *Settings) *bool { return &s.Private }),
	{"password", func(s *Settings, raw json.RawMessage) error {
		var v string
		if strictJSON(raw, &v) != nil || len(v) > 256 {
			return fmt.Errorf("want a string of at most 256 bytes")
		}
		s.Password = v
		return nil
	}, func(s Settings) any { return s.Password }, nil},
	boolOpt("spectators", func(s *Settings) *bool { return &s.Spectators }),
	boolOpt("chat", func(s *Settings) *bool { return &s.Chat }),
	boolOpt("bots_fill_seats", func(s *Settings) *bool { return &s.BotsFillSeats }),
}

// OptionNames returns the identifiers ParseOptions accepts, sorted.
func OptionNames() []string {
	names := make([]string, len(options))
	for i, o := range options {
		names[i] = o.name
	}
	sort.Strings(names)
	return names
}

// ParseOptions applies options, keyed by their RULES §14 identifiers with
// JSON values, on top of base and returns the result. Options override the
// preset under every convention (Decision 15). An unknown key, a value of the
// wrong type or out of range is an error naming the key; so is "convention",
// which selects the preset and is not an option.
func ParseOptions(base Settings, opts map[string]json.RawMessage) (Settings, error) {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the first bad key deterministically
	s := base
	for _, k := range keys {
		found := false
		for _, o := range options {
			if o.name == k {
				found = true
				if err := o.set(&s, opts[k]); err != nil {
					return base, fmt.Errorf("options: %s: %w", k, err)
				}
				break
			}
		}
		if !found {
			return base, fmt.Errorf("options: unknown option %q", k)
		}
	}
	if err := s.Validate(); err != nil {
		return base, fmt.Errorf("options: %w", err)
	}
	return s, nil
}

// Overrides returns the options that turn the preset of s.Convention into
// s, keyed by their RULES §14 identifiers: ParseOptions(PresetOf(s.Convention),
// s.Overrides()) gives s back. Use it to write a record's "options".
func (s Settings) Overrides() map[string]json.RawMessage {
	base := PresetOf(s.Convention)
	out := map[string]json.RawMessage{}
	for _, o := range options {
		v := o.get(s)
		if v == o.get(base) {
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			continue // cannot happen: bools, ints and strings
		}
		if o.name == "whist_price" {
			raw = json.RawMessage(strconv.Quote(s.WhistPrice))
		}
		out[o.name] = raw
	}
	return out
}

// strictJSON decodes one JSON value into v, rejecting trailing data.
func strictJSON(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}
