package score

import "github.com/trelljaz/trelljaz/game/pref"

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
	out := map[string][]string{}
	for _, o := range options {
		if o.choices != nil {
			out[o.name] = append([]string(nil), o.choices...)
		}
	}
	return out
}

// ConventionNames returns the convention identifiers in RULES order.
func ConventionNames() []string { return append([]string(nil), conventionNames...) }

func exitNames() []string {
	out := make([]string, len(pref.ExitValues))
	for i, e := range pref.ExitValues {
		out[i] = e.String()
	}
	return out
}
