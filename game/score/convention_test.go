package score

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// TestPresets checks the §13 preset table for the settings that differ.
func TestPresets(t *testing.T) {
	tests := []struct {
		conv string
		want func(Settings) bool
	}{
		{"codex", func(s Settings) bool {
			return s.WhistStyle == Greedy && s.TenMode == pref.TenWhisted && s.Overflow == OverflowMountainOnly &&
				s.RaspasyProg == ProgNone && s.PoolFactor == 1 && s.WhistResp == RespFull
		}},
		{"sochi", func(s Settings) bool {
			return s.WhistStyle == Greedy && s.TenMode == pref.TenChecked && s.Overflow == OverflowHelp &&
				s.RaspasyProg == ProgArithmetic && s.RaspasyBase == 1 && s.RaspasyExit == pref.Exit{6, 6, 6} &&
				s.LowObligMode == LowObligSecond && s.Consolation == ConsolationPrice
		}},
		{"leningrad", func(s Settings) bool {
			return s.WhistMult == 2 && s.FailMult == 2 && s.MisereMult == 20 && s.WhistResp == RespHalf &&
				s.WhistStyle == Gentleman && s.GentlemanScope == ScopeOnRemise && s.LowObligMode == LowObligBoth &&
				s.RaspasyBase == 2 && s.RaspasyExit == pref.Exit{6, 7, 8} && s.Overflow == OverflowMountainX2 && s.PoolFactor == 2
		}},
		{"rostov", func(s Settings) bool {
			return s.Consolation == ConsolationFixed10 && s.WhistStyle == Gentleman && s.WhistResp == RespHalf &&
				s.RaspasyScoring == RaspasyWhists && s.RaspasyTalon == pref.TalonIgnored && s.LowObligMode == LowObligSecond
		}},
		{"fspr", func(s Settings) bool {
			return s.GentlemanScope == ScopeAlways && s.DealerMayWhist && s.TenMode == pref.TenWhisted &&
				s.RaspasyExit == pref.Exit{7, 7, 7} && s.ExitRequiresWhisted && !s.MisereExits &&
				s.Overflow == OverflowNone && s.TalonBonus && s.PoolFactor == 2
		}},
		{"custom", func(s Settings) bool {
			c := PresetOf(Sochi)
			c.Convention = Custom
			return s == c
		}},
	}
	for _, tc := range tests {
		s, err := Preset(tc.conv)
		if err != nil {
			t.Fatal(err)
		}
		if !tc.want(s) {
			t.Errorf("preset %s: %+v", tc.conv, s)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("preset %s invalid: %v", tc.conv, err)
		}
		if s.Convention.String() != tc.conv {
			t.Errorf("preset %s names itself %s", tc.conv, s.Convention)
		}
	}
	if _, err := Preset("moscow"); err == nil {
		t.Error("unknown convention: want an error")
	}
}

// TestOptionsOverridePresets checks Decision 15: options replace the
// preset's values under every convention.
func TestOptionsOverridePresets(t *testing.T) {
	opts := map[string]json.RawMessage{
		"ten_mode": json.RawMessage(`"whisted"`), "stalingrad": json.RawMessage(`true`),
		"raspasy_exit": json.RawMessage(`"6-7-7"`), "whist_price": json.RawMessage(`0.25`),
		"overflow": json.RawMessage(`"help"`), "whist_style": json.RawMessage(`"greedy"`),
	}
	for _, conv := range []string{"codex", "sochi", "leningrad", "rostov", "fspr", "custom"} {
		base, _ := Preset(conv)
		s, err := ParseOptions(base, opts)
		if err != nil {
			t.Fatalf("%s: %v", conv, err)
		}
		if s.TenMode != pref.TenWhisted || !s.Stalingrad || s.RaspasyExit != (pref.Exit{6, 7, 7}) ||
			s.WhistPrice != "0.25" || s.Overflow != OverflowHelp || s.WhistStyle != Greedy {
			t.Errorf("%s: options not applied: %+v", conv, s)
		}
		if s.Convention.String() != conv {
			t.Errorf("%s: convention changed to %s", conv, s.Convention)
		}
	}
}

// TestEveryOptionParses sets each §14 option to a legal value.
func TestEveryOptionParses(t *testing.T) {
	legal := map[string]string{
		"players": `4`, "pool_target": `30`, "whist_price": `"1.5"`, "raspasy_base": `2`,
		"raspasy_prog": `"geometric"`, "raspasy_exit": `"7-7-7"`, "exit_by_failed_contract": `false`,
		"raspasy_talon": `"ignored"`, "stalingrad": `true`, "ten_mode": `"whisted"`, "checked_ten_open": `true`,
		"whist_resp": `"none"`, "whist_style": `"gentleman"`, "half_whist": `false`,
		"open_timing": `"after_first_trick"`, "misere_expose_timing": `"after_first_card"`,
		"misere_show_declarer": `true`, "consolation": `"fixed10"`, "consolation_to_dealer": `false`,
		"overflow": `"mountain_x2"`, "whist_mult": `2`, "fail_mult": `2`, "misere_mult": `20`,
		"gentleman_scope": `"always"`, "low_oblig_mode": `"both"`, "dealer_may_whist": `true`,
		"talon_bonus": `true`, "raspasy_scoring": `"whists"`, "pool_factor": `2`,
		"exit_requires_whisted": `true`, "misere_exits": `false`, "raspasy_trick3_leader": `"trick2_winner"`,
		"deal_rotates_after_raspasy": `false`, "senior_hold": `true`, "bid_jumps": `false`,
		"concede_without_three": `true`, "claims": `"declarer-only"`, "move_time": `15`,
		"timeout_action": `"fine"`, "timeout_fine": `15`, "time_bank": `120`, "max_deals": `40`, "time_limit": `3600`, "finish_round": `true`, "private": `true`,
		"password": `"secret"`, "spectators": `false`, "chat": `false`, "bots_fill_seats": `true`,
	}
	names := OptionNames()
	if len(names) != len(legal) {
		t.Errorf("%d options known, %d tested", len(names), len(legal))
	}
	base := PresetOf(Sochi)
	for _, name := range names {
		v, ok := legal[name]
		if !ok {
			t.Errorf("option %s has no test value", name)
			continue
		}
		s, err := ParseOptions(base, map[string]json.RawMessage{name: json.RawMessage(v)})
		if err != nil {
			t.Errorf("%s = %s: %v", name, v, err)
			continue
		}
		if s == base {
			t.Errorf("%s = %s changed nothing", name, v)
		}
	}
}

// TestOptionErrors checks that unknown keys and bad values are errors that
// name the key.
func TestOptionErrors(t *testing.T) {
	tests := []struct{ key, value, want string }{
		{"tenmode", `"checked"`, `unknown option "tenmode"`},
		{"convention", `"sochi"`, `unknown option "convention"`},
		{"ten_mode", `"sometimes"`, "ten_mode: want one of checked, whisted"},
		{"stalingrad", `"yes"`, "stalingrad: want true or false"},
		{"pool_target", `0`, "pool_target: want an integer 1..10000"},
		{"pool_target", `2.5`, "pool_target: want an integer"},
		{"raspasy_exit", `"6-8-9"`, "raspasy_exit: want one of"},
		{"whist_price", `"1/3"`, "whist_price: want a decimal number"},
		{"players", `5`, "players: want an integer 3..4"},
		{"raspasy_base", `1 2`, "raspasy_base: want an integer"},
	}
	for _, tc := range tests {
		_, err := ParseOptions(PresetOf(Sochi), map[string]json.RawMessage{tc.key: json.RawMessage(tc.value)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s = %s: got %v, want %q", tc.key, tc.value, err, tc.want)
		}
	}
}

// TestContractParse checks contract notation and the bid ladder of RULES
// §4.1: a record writes a contract as Bid.ASCII does, and the engine's
// other spellings are not record notation.
func TestContractParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		out  string
		rank int
	}{
		{"6S", "6S", 1}, {"6nt", "6NT", 5}, {"7H", "7H", 9}, {"8NT", "8NT", 15},
		{"misere", "misere", 16}, {"9S", "9S", 17}, {"10NT", "10NT", 26},
	} {
		c, err := ParseContract(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if c.ASCII() != tc.out || int(c) != tc.rank {
			t.Errorf("%s: got %s rank %d, want %s rank %d", tc.in, c.ASCII(), int(c), tc.out, tc.rank)
		}
	}
	for _, bad := range []string{"", "5S", "11H", "6X", "6", "S6", "100NT", "misère", "7 H",
		"06S", "7♥", "8БК", "мизер", "m", "6N"} {
		if _, err := ParseContract(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

// TestTalonBonus checks the talon premium table of RULES §6.
func TestTalonBonus(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"AS", "AH", 3}, {"AH", "KH", 2}, {"KH", "AH", 2}, {"AH", "KS", 1}, {"AD", "7C", 1},
		{"KC", "QC", 1}, {"QC", "KC", 1}, {"KC", "QD", 0}, {"10H", "9H", 0},
	} {
		got, err := TalonBonusOf(tc.a, tc.b)
		if err != nil || got != tc.want {
			t.Errorf("%s %s: got %d, %v; want %d", tc.a, tc.b, got, err, tc.want)
		}
	}
	for _, bad := range [][2]string{{"AS", "AS"}, {"1S", "AS"}, {"AX", "KS"}, {"", "KS"}} {
		if _, err := TalonBonusOf(bad[0], bad[1]); err == nil {
			t.Errorf("%v: want an error", bad)
		}
	}
}

// TestOptionsRoundTrip checks that Settings.Options inverts ParseOptions.
func TestOptionsRoundTrip(t *testing.T) {
	s := PresetOf(Rostov)
	s.Players, s.PoolTarget, s.WhistPrice = 4, 30, "0.5"
	s.RaspasyExit, s.Stalingrad, s.WhistStyle, s.Password = pref.Exit{6, 7, 7}, true, Greedy, "p"
	opts := s.Overrides()
	if len(opts) != 7 {
		t.Errorf("%d options, want 7: %v", len(opts), opts)
	}
	back, err := ParseOptions(PresetOf(Rostov), opts)
	if err != nil || back != s {
		t.Errorf("round trip: %v\n%+v\n%+v", err, back, s)
	}
	if len(PresetOf(FSPR).Overrides()) != 0 {
		t.Error("a preset needs no options")
	}
}
