package web

import (
	"encoding/json"
	"fmt"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// welcomes builds the "welcome" message of every sign-in from parts encoded
// once, when the Server starts: the conventions offer (~7.5 KB of presets,
// the same for every connection) was encoded per connection, the largest
// cost of a watch storm's sign-ins (issue 12). A guest's welcome, the same
// for every guest, is one message whose SockJS frame is built once too.
type welcomes struct {
	offer json.RawMessage   // the offer's JSON
	guest *protocol.Encoded // every guest's welcome
}

// playerWelcome is protocol.Welcome with the offer already encoded: the same
// fields in the same order, so the same bytes.
type playerWelcome struct {
	Player protocol.Player  `json:"player,omitzero"`
	Guest  bool             `json:"guest,omitempty"`
	Offer  *json.RawMessage `json:"offer"`
}

// MessageType returns "welcome".
func (playerWelcome) MessageType() string { return protocol.Welcome{}.MessageType() }

func newWelcomes(offer protocol.Offer) (welcomes, error) {
	b, err := json.Marshal(offer)
	if err != nil {
		return welcomes{}, fmt.Errorf("encode the conventions offer: %w", err)
	}
	return welcomes{offer: b, guest: protocol.Encode(protocol.Welcome{Guest: true, Offer: offer})}, nil
}

// forPlayer returns p's welcome.
func (w welcomes) forPlayer(p protocol.Player) *protocol.Encoded {
	return protocol.Encode(playerWelcome{Player: p, Offer: &w.offer})
}
