package protocol

import (
	"encoding/json"
	"fmt"
)

// Raw wraps a message another process encoded (Encoded.JSON, carried
// over the club's broker) so that it is sent as it is. data must be one
// JSON object; Raw keeps a copy of it.
func Raw(data []byte) (*Encoded, error) {
	if !json.Valid(data) || len(data) < 2 || data[0] != '{' {
		return nil, fmt.Errorf("protocol: a raw message must be one JSON object, got %d bytes", len(data))
	}
	return &Encoded{data: string(data)}, nil
}
