package rules

import "fmt"

// Wire codes of the enums a SeatView carries: stable identifiers a client
// compares, not the prose of String. UnmarshalText accepts exactly these,
// so a client in Go (the load generator, a bot) reads a view back.
var (
	phaseCodes  = [...]string{"auction", "discard", "declaration", "whisting", "open_choice", "play", "done"}
	kindCodes   = kindNames
	endingCodes = endingNames
)

// Code is the phase's wire identifier ("auction", "open_choice", "done").
func (p Phase) Code() string {
	if int(p) < len(phaseCodes) {
		return phaseCodes[p]
	}
	return fmt.Sprintf("phase_%d", p)
}

// MarshalText encodes the phase by its Code.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.Code()), nil }

// UnmarshalText decodes a phase's Code.
func (p *Phase) UnmarshalText(b []byte) error {
	v, err := parseCode("phase", phaseCodes[:], b)
	*p = Phase(v)
	return err
}

// MarshalText encodes the kind by name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := parseCode("kind", kindCodes[:], b)
	*k = Kind(v)
	return err
}

// MarshalText encodes the ending by name.
func (e Ending) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText decodes an ending's name.
func (e *Ending) UnmarshalText(b []byte) error {
	v, err := parseCode("ending", endingCodes[:], b)
	*e = Ending(v)
	return err
}

func parseCode(what string, codes []string, b []byte) (uint8, error) {
	for i, c := range codes {
		if c == string(b) {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("%s: unknown code %q", what, b)
}
