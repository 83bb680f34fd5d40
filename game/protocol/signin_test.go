package protocol

import (
	"strings"
	"testing"
)

func TestSigninCarriesExactlyOneOfTokenAndName(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		ok        bool
		token     string
	}{
		{"token", `{"type":"signin","token":"abc.def.ghi","lobby_v":3}`, true, "abc.def.ghi"},
		{"name (servers without sign-in)", `{"type":"signin","name":"Anna"}`, true, ""},
		{"neither", `{"type":"signin","lobby_v":3}`, false, ""},
		{"both", `{"type":"signin","token":"x","name":"Anna"}`, false, ""},
		{"empty token", `{"type":"signin","token":""}`, false, ""},
		{"token over MaxToken", `{"type":"signin","token":"` + strings.Repeat("a", MaxToken+1) + `"}`, false, ""},
		{"token not a string", `{"type":"signin","token":7}`, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Decode([]byte(tc.msg))
			if (err == nil) != tc.ok {
				t.Fatalf("Decode(%.60s) error %v, want ok=%v", tc.msg, err, tc.ok)
			}
			if tc.ok && r.Token != tc.token {
				t.Fatalf("token %q, want %q", r.Token, tc.token)
			}
		})
	}
}
