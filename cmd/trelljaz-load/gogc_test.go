package main

import (
	"strings"
	"testing"
)

func TestGeneratorGOGCDefaultsTo400UnlessTheEnvironmentSetsOne(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       string
		args      []string
		wantFlag  int // config.GOGC after parsing
		wantInRun int // the summary's load_gogc
	}{
		{"neither", "", nil, defaultGOGC, defaultGOGC},
		{"flag", "", []string{"-gogc", "150"}, 150, 150},
		{"environment", "200", nil, 0, 200},
		{"environment off", "off", nil, 0, -1},
		{"environment unreadable", "lots", nil, 0, 100},
		{"flag over environment", "200", []string{"-gogc", "800"}, 800, 800},
		{"flag leaves the runtime's", "", []string{"-gogc", "0"}, 0, 100},
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
			if got := effectiveGOGC(c.GOGC, tc.env); got != tc.wantInRun {
				t.Errorf("effective GOGC %d, want %d", got, tc.wantInRun)
			}
		})
	}
}

func TestNegativeGOGCIsRefused(t *testing.T) {
	_, err := parseFlags([]string{"-gogc", "-5"}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "-gogc -5") {
		t.Fatalf("parseFlags(-gogc -5) = %v, want an error naming -gogc", err)
	}
}
