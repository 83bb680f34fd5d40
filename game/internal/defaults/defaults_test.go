package defaults_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/internal/defaults"
)

func TestPositiveTakesTheDefaultForZeroOrNegative(t *testing.T) {
	for _, tc := range []struct {
		name      string
		v, def    int
		wantValue int
	}{
		{"zero takes the default", 0, 64, 64},
		{"negative takes the default", -1, 64, 64},
		{"positive is kept", 3, 64, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.v
			defaults.Positive(&v, tc.def)
			if v != tc.wantValue {
				t.Fatalf("Positive(%d, %d) = %d, want %d", tc.v, tc.def, v, tc.wantValue)
			}
		})
	}
	d := -time.Second
	defaults.Positive(&d, 5*time.Millisecond)
	r := 0.5
	defaults.Positive(&r, 20)
	if d != 5*time.Millisecond || r != 0.5 {
		t.Fatalf("a negative duration = %v, want 5ms; a rate of 0.5 = %v, want kept", d, r)
	}
}

func TestNonZeroTakesTheDefaultForNil(t *testing.T) {
	var log *slog.Logger
	def := slog.New(slog.DiscardHandler)
	defaults.NonZero(&log, def)
	if log != def {
		t.Fatal("a nil logger did not take the default")
	}
	own := slog.New(slog.DiscardHandler)
	defaults.NonZero(&own, def)
	if own == def {
		t.Fatal("a set logger was replaced")
	}
	var r io.Reader
	defaults.NonZero[io.Reader](&r, strings.NewReader("x"))
	if r == nil {
		t.Fatal("a nil interface did not take the default")
	}
	set := io.Reader(strings.NewReader("mine"))
	kept := set
	defaults.NonZero(&set, io.Reader(strings.NewReader("x")))
	if set != kept {
		t.Fatal("a set interface was replaced")
	}
}
