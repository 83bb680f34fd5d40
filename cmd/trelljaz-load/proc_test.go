package main

import (
	"os"
	"testing"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name string
		stat string
		want float64
		ok   bool
	}{
		{"plain", "42 (trelljaz) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1000 1 1", 3.0, true},
		{"name with spaces and parens", "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 1 1", 0.03, true},
		{"truncated", "7 (x) R 1 2", 0, false},
		{"no name", "garbage", 0, false},
		{"bad number", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 x 2 0 0", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPU([]byte(tt.stat))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if got != tt.want {
				t.Fatalf("cpu = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseStatusRSS(t *testing.T) {
	got, err := parseStatusRSS([]byte("Name:\tx\nVmPeak:\t  9 kB\nVmRSS:\t  2048 kB\nThreads: 3\n"))
	if err != nil || got != 2048*1024 {
		t.Fatalf("rss = %d, %v; want 2 MiB", got, err)
	}
	if _, err := parseStatusRSS([]byte("Name:\tx\n")); err == nil {
		t.Fatal("missing VmRSS accepted")
	}
	if _, err := parseStatusRSS([]byte("VmRSS:\t12 MB\n")); err == nil {
		t.Fatal("unit other than kB accepted")
	}
}

func TestReadProcOfThisProcess(t *testing.T) {
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if s.RSSBytes < 1<<20 {
		t.Fatalf("RSS of a running Go test = %d bytes, want at least 1 MiB", s.RSSBytes)
	}
	if s.CPUSecs < 0 {
		t.Fatalf("cpu = %v", s.CPUSecs)
	}
}
