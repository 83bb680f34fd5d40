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

func TestGuestSigninIsGuestTrueAlone(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		ok        bool
	}{
		{"guest", `{"type":"signin","guest":true}`, true},
		{"guest with versions", `{"type":"signin","guest":true,"lobby_v":12,"tables":{"t3":57}}`, true},
		{"guest false", `{"type":"signin","guest":false}`, false},
		{"guest and token", `{"type":"signin","guest":true,"token":"x"}`, false},
		{"guest and name", `{"type":"signin","guest":true,"name":"Anna"}`, false},
		{"guest not a boolean", `{"type":"signin","guest":"yes"}`, false},
		{"guest on another message", `{"type":"watch","table":"t1","guest":true}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Decode([]byte(tc.msg))
			if (err == nil) != tc.ok {
				t.Fatalf("Decode(%s) error %v, want ok=%v", tc.msg, err, tc.ok)
			}
			if tc.ok && (!r.Guest || r.Token != "" || r.Name != "") {
				t.Fatalf("Decode(%s) = %+v, want a guest only", tc.msg, r)
			}
		})
	}
}

func TestAGuestWelcomeHasNoPlayer(t *testing.T) {
	got := string(Encode(Welcome{Guest: true}).Bytes())
	if strings.Contains(got, `"player"`) || !strings.Contains(got, `"guest":true`) {
		t.Fatalf("guest welcome %s, want guest:true and no player", got)
	}
	got = string(Encode(Welcome{Player: Player{ID: "1", Name: "Anna"}}).Bytes())
	if !strings.Contains(got, `"player":{"id":"1","name":"Anna"}`) || strings.Contains(got, `"guest"`) {
		t.Fatalf("player welcome %s, want the player and no guest", got)
	}
}
