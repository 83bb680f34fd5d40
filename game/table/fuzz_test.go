package table

import (
	"encoding/json"
	"testing"
)

// FuzzConventions feeds the conventions dialog's untrusted options to the
// table: it never panics, and what it accepts validates and deals.
func FuzzConventions(f *testing.F) {
	for _, s := range []string{`{}`, `{"players":4}`, `{"pool_target":10,"move_time":60}`, `{"raspasy_exit":"6-7-8","claims":"off"}`,
		`{"players":"4"}`, `{"whist_price":"0.5"}`, `{"unknown":1}`} {
		f.Add("sochi", s)
	}
	f.Fuzz(func(t *testing.T, preset, options string) {
		var opts map[string]json.RawMessage
		if json.Unmarshal([]byte(options), &opts) != nil {
			return
		}
		s, opt, err := settingsFor(preset, nil, opts)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted settings that do not validate: %v", err)
		}
		if err := opt.Validate(); err != nil || opt.Players != s.Players {
			t.Fatalf("accepted settings whose rules options fail: %v", err)
		}
	})
}
