package main

import (
	"testing"
	"testing/fstest"
)

func TestKdamondStateIsReadFromSysfs(t *testing.T) {
	state := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, tc := range []struct {
		name  string
		admin fstest.MapFS
		want  string
	}{
		{"no DAMON", fstest.MapFS{}, ""},
		{"no kdamond", fstest.MapFS{"kdamonds/nr_kdamonds": state("0\n")}, ""},
		{"one on", fstest.MapFS{"kdamonds/0/state": state("on\n")}, "on"},
		{"one off", fstest.MapFS{"kdamonds/0/state": state("off\n")}, "off"},
		{"the second on", fstest.MapFS{"kdamonds/0/state": state("off\n"), "kdamonds/1/state": state("on\n")}, "on"},
		{"two off", fstest.MapFS{"kdamonds/0/state": state("off\n"), "kdamonds/1/state": state("off")}, "off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := kdamondState(tc.admin); got != tc.want {
				t.Errorf("kdamondState = %q, want %q", got, tc.want)
			}
		})
	}
}
