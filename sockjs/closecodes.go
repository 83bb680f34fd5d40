package sockjs

import "strconv"

// Close codes. This is the one table of every code the server sends, in a
// SockJS close frame (c[code,"reason"]) on every transport, and as the
// WebSocket close code on the raw websocket endpoint.
//
// Codes below 4000 are defined by RFC 6455 or by the SockJS protocol. Codes
// from 4000 are Trelljaz's own: 4000–4099 mean "do not reconnect with the same
// request", 4100–4199 mean "reconnecting later is fine".
//
//	code  constant                 reason sent          when
//	1000  CloseNormal              "Normal closure"     Session.Close with no code, the client closed
//	1001  CloseGoingAway           "Going away"         Server.Shutdown; the client should reconnect later
//	1002  CloseInterrupted         "Connection interrupted" an HTTP receiver was aborted by the network
//	1009  CloseMessageTooBig       "Message too big"    an inbound message over Options.MaxMessageSize (or frame over MaxFrameSize)
//	1011  CloseInternalError       "Internal error"     a Handler hook panicked
//	2010  CloseAnotherConnection   "Another connection still open" a second receiver for one session (SockJS)
//	3000  CloseGoAway              "Go away!"           the SockJS protocol's example server close
//	4000  CloseRejected            "Rejected"           Handler.OnOpen returned a plain error
//	4002  CloseBadRequest          "Bad request"        broken JSON or framing from the client
//	4003  CloseForbidden           "Forbidden"          the application refused an action (auth)
//	4005  CloseRateLimited         "Too many messages"  the client went over Options.MessageRate
//	4100  CloseSlowConsumer        "Slow consumer"      the outbound queue went over Options.SendQueueBytes
//	4101  CloseWriteTimeout        "Write timeout"      a network write took longer than Options.WriteTimeout
//	4102  ClosePeerTimeout         "Peer timeout"       a websocket peer sent nothing, not even a pong, for Options.PeerTimeout
const (
	CloseNormal            = 1000
	CloseGoingAway         = 1001
	CloseInterrupted       = 1002
	CloseMessageTooBig     = 1009
	CloseInternalError     = 1011
	CloseAnotherConnection = 2010
	CloseGoAway            = 3000
	CloseRejected          = 4000
	CloseBadRequest        = 4002
	CloseForbidden         = 4003
	CloseRateLimited       = 4005
	CloseSlowConsumer      = 4100
	CloseWriteTimeout      = 4101
	ClosePeerTimeout       = 4102
)

// closeReasons holds the default reason text for every code in the table.
var closeReasons = map[int]string{
	CloseNormal:            "Normal closure",
	CloseGoingAway:         "Going away",
	CloseInterrupted:       "Connection interrupted",
	CloseMessageTooBig:     "Message too big",
	CloseInternalError:     "Internal error",
	CloseAnotherConnection: "Another connection still open",
	CloseGoAway:            "Go away!",
	CloseRejected:          "Rejected",
	CloseBadRequest:        "Bad request",
	CloseForbidden:         "Forbidden",
	CloseRateLimited:       "Too many messages",
	CloseSlowConsumer:      "Slow consumer",
	CloseWriteTimeout:      "Write timeout",
	ClosePeerTimeout:       "Peer timeout",
}

// CloseReason returns the default reason text for a close code of the table,
// or "" for a code the table does not name.
func CloseReason(code int) string { return closeReasons[code] }

// websocketCloseCode maps a close code to one a WebSocket close frame may
// carry (RFC 6455 §7.4): codes the RFC reserves become 1000.
func websocketCloseCode(code int) int {
	switch {
	case code >= 3000 && code <= 4999:
		return code
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1011:
		return code
	}
	return CloseNormal
}

// CloseError is an error that carries a close code. Return one from
// Handler.OnOpen to reject a client with that code and reason.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	return "sockjs: session closed: " + strconv.Itoa(e.Code) + " " + e.Reason
}
