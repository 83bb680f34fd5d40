package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestGeneratorGOGCDefaultsTo400UnlessTheEnvironmentSetsOne(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      string
		args     []string
		wantFlag int // config.GOGC after parsing (0: the runtime's, left alone)
	}{
		{"neither", "", nil, defaultGOGC},
		{"flag", "", []string{"-gogc", "150"}, 150},
		{"environment", "200", nil, 0},
		{"environment off", "off", nil, 0},
		{"flag over environment", "200", []string{"-gogc", "800"}, 800},
		{"flag leaves the runtime's", "", []string{"-gogc", "0"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.env)
			c, err := parseFlags(tc.args, &strings.Builder{})
			if err != nil {
				t.Fatal(err)
			}
			if c.GOGC != tc.wantFlag {
				t.Errorf("-gogc parsed as %d, want %d", c.GOGC, tc.wantFlag)
			}
		})
	}
}

// The summary's load_gogc is the runtime's own percent: what -gogc,
// GOGC or debug.SetGCPercent made it, -1 when collection is off.
func TestGCPercentIsTheRuntimes(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, want := range []int{250, -1, 100} {
		debug.SetGCPercent(want)
		if got := gcPercent(); got != want {
			t.Errorf("gcPercent() = %d after debug.SetGCPercent(%d)", got, want)
		}
	}
}

func TestNegativeGOGCIsRefused(t *testing.T) {
	_, err := parseFlags([]string{"-gogc", "-5"}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "-gogc -5") {
		t.Fatalf("parseFlags(-gogc -5) = %v, want an error naming -gogc", err)
	}
}
