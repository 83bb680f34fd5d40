package score

// OptionValues returns every RULES §14 option of s but convention, keyed
// by its identifier, with the value as JSON shows it (what ParseOptions
// reads back).
func (s Settings) OptionValues() map[string]any {
	out := make(map[string]any, len(options))
	for _, o := range options {
		out[o.name] = o.get(s)
	}
	return out
}

// OptionChoices returns the allowed values of every enumerated RULES §14
// option, keyed by identifier, in RULES order. Options that are booleans,
// integers or strings are absent.
func OptionChoices() map[string][]string {
	exits := make([]string, len(exitValues))
	for i, e := range exitValues {
		exits[i] = e.String()
	}
	return map[string][]string{
		"raspasy_prog": progressionNames, "raspasy_talon": raspasyTalonNames, "raspasy_exit": exits,
		"ten_mode": tenModeNames, "whist_resp": whistRespNames, "whist_style": whistStyleNames,
		"open_timing": openTimingNames, "misere_expose_timing": exposeTimingNames,
		"consolation": consolationNames, "overflow": overflowNames, "gentleman_scope": gentlemanScopeNames,
		"low_oblig_mode": lowObligNames, "raspasy_scoring": raspasyScoringNames,
		"raspasy_trick3_leader": trick3Names, "claims": claimsNames, "timeout_action": timeoutNames,
	}
}

// ConventionNames returns the convention identifiers in RULES order.
func ConventionNames() []string { return append([]string(nil), conventionNames...) }
