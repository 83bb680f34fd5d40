package sockjs

import "testing"

func FuzzValidateChannel(f *testing.F) {
	for _, s := range []string{"room:1", "", "a b", "#x", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateChannel(s) != nil {
			return
		}
		if len(s) == 0 || len(s) > MaxChannelLength {
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
		for i := 0; i < len(s); i++ {
			if s[i] == '#' || s[i] == '*' || s[i] <= ' ' || s[i] >= 0x7f {
				t.Fatalf("accepted %q with byte %q", s, s[i])
			}
		}
	})
}
