package web

import (
	"strconv"

	"github.com/trelljaz/trelljaz/game/account"
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

// Verifier checks a socket token and returns its player: *auth.Service.
type Verifier interface {
	Verify(token string) (account.Player, error)
}

// TokenIdentity signs a connection in by the socket token it sends (from
// GET /api/token): the player's id and name come from the token only. A
// typed name is refused, and so is a forged, expired or spent token.
func TokenIdentity(v Verifier) Identify {
	return func(req protocol.Request, _ *sockjs.RequestInfo) (protocol.Player, error) {
		if req.Token == "" {
			return protocol.Player{}, protocol.Error{Code: protocol.ErrBadRequest, Text: "sign in with a token from /api/token"}
		}
		p, err := v.Verify(req.Token)
		if err != nil {
			return protocol.Player{}, protocol.Error{Code: protocol.ErrBadToken, Text: "the sign-in token is not valid: fetch a new one"}
		}
		return protocol.Player{ID: strconv.FormatInt(int64(p.ID), 10), Name: p.Name}, nil
	}
}
