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
