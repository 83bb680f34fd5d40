package protocol

import "testing"

// Raw takes one JSON object as it is and refuses anything else.
func TestRawTakesOneJSONObject(t *testing.T) {
	tests := []struct {
		name string
		data string
		ok   bool
	}{
		{"an encoded message", string(Encode(Left{Table: "t1"}).Bytes()), true},
		{"an object", `{"type":"x"}`, true},
		{"an array", `[1]`, false},
		{"a string", `"x"`, false},
		{"broken JSON", `{"type":`, false},
		{"nothing", ``, false},
	}
	for _, tt := range tests {
		e, err := Raw([]byte(tt.data))
		if (err == nil) != tt.ok {
			t.Errorf("%s: error %v, want ok %v", tt.name, err, tt.ok)
		}
		if err == nil && string(e.Bytes()) != tt.data {
			t.Errorf("%s: bytes %q, want %q", tt.name, e.Bytes(), tt.data)
		}
	}
}

// A message sent again from its kept JSON shares the JSON and builds its
// own SockJS encoding.
func TestResendKeepsTheJSONAndNotTheSockJSEncoding(t *testing.T) {
	e := Encode(Left{Table: "t1"})
	sent := e.SockJS()
	b := Resend(e.JSON())
	if b.JSON() != e.JSON() || b.Len() != e.Len() {
		t.Fatalf("resent JSON %q, want %q", b.JSON(), e.JSON())
	}
	if b.msg != nil {
		t.Error("the resent message holds a SockJS encoding before it is sent")
	}
	if again := b.SockJS(); again == sent || again == nil {
		t.Error("the resent message shares the sent SockJS encoding (it would keep it alive)")
	}
}
