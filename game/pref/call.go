package pref

import "fmt"

// Call is a defender's answer to a trick contract (RULES §5.2): вист, пас
// or полвиста, as the engine records it and the score sheet writes it.
type Call uint8

// Whisting calls. CallNone is the zero value: the seat did not speak (the
// declarer, the sitting-out dealer, misère, raspasy, or a forced whist left
// implicit on the sheet).
const (
	CallNone     Call = iota // not asked (yet)
	CallWhist                // вист
	CallPass                 // пас
	CallHalf                 // полвиста, by the second defender after the first passed (levels 6 and 7)
	CallReturned             // the first defender passed, then whisted after a half-whist («возврат виста»): he whists alone
)

var callNames = []string{"none", "whist", "pass", "half", "returned"}

// String returns the call as written in pulka records and views ("none",
// "whist", "pass", "half", "returned").
func (c Call) String() string {
	if int(c) < len(callNames) {
		return callNames[c]
	}
	return fmt.Sprintf("Call(%d)", uint8(c))
}

// MarshalText encodes the call by name.
func (c Call) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Whists reports whether the call makes the defender a whister: whist, or
// a returned whist.
func (c Call) Whists() bool { return c == CallWhist || c == CallReturned }

// ParseCall reads a call as a pulka record writes it: "whist", "pass",
// "half" or "returned" ("none" is not written, so not read).
func ParseCall(s string) (Call, error) {
	for i, n := range callNames {
		if i > 0 && s == n {
			return Call(i), nil
		}
	}
	return CallNone, fmt.Errorf("bad whist decision %q: want whist, pass, half or returned", s)
}

// UnmarshalText decodes a call written as MarshalText writes it, "none"
// included.
func (c *Call) UnmarshalText(b []byte) error {
	if string(b) == CallNone.String() {
		*c = CallNone
		return nil
	}
	v, err := ParseCall(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
