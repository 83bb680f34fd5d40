package web

import (
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/sockjs"
)

// Identify is the one place a connection's player comes from: given the
// "signin" request and the session's opening request, it returns the
// player (a stable id, what the club keys everything by, and the name
// shown) or an error for the client. Signed-token sign-in replaces
// DevIdentity here and nowhere else.
type Identify func(req protocol.Request, info *sockjs.RequestInfo) (protocol.Player, error)

// DevIdentity is the dev sign-in (no sign-in provider configured): the
// typed name, already checked by protocol.Decode, is the player; its id is
// "dev:" and the name.
func DevIdentity(req protocol.Request, _ *sockjs.RequestInfo) (protocol.Player, error) {
	return protocol.Player{ID: "dev:" + req.Name, Name: req.Name}, nil
}
