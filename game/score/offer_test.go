package score

import (
	"encoding/json"
	"testing"
)

// TestEveryOfferedValueParsesBack: what the conventions dialog is offered
// (every option of every preset, every choice of every enumerated option)
// is accepted by ParseOptions.
func TestEveryOfferedValueParsesBack(t *testing.T) {
	for _, name := range ConventionNames() {
		base, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range base.OptionValues() {
			raw, _ := json.Marshal(v)
			if _, err := ParseOptions(base, map[string]json.RawMessage{k: raw}); err != nil {
				t.Errorf("%s: %s=%s: %v", name, k, raw, err)
			}
		}
	}
	choices := OptionChoices()
	if len(choices) < 15 {
		t.Fatalf("%d enumerated options", len(choices))
	}
	for k, vs := range choices {
		for _, v := range vs {
			raw, _ := json.Marshal(v)
			if _, err := ParseOptions(PresetOf(Sochi), map[string]json.RawMessage{k: raw}); err != nil {
				t.Errorf("%s=%s: %v", k, raw, err)
			}
		}
	}
}
