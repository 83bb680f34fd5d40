package table

import (
	"encoding/json"

	"github.com/trelljaz/trelljaz/game/rules"
)

// Handle is what a connection asks of a table: a *Table of this process,
// or, in a club of several processes (game/cluster), a table another
// process runs, whose requests travel there and whose events come back.
// The methods are those of Table, with the same meaning; a Handle never
// blocks its caller on the network.
type Handle interface {
	ID() string
	// Done is closed once the table is gone from this process's view
	// (stopped, reclaimed or moved).
	Done() <-chan struct{}
	Watch(c Conn, v uint64)
	Detach(c Conn)
	Leave(c Conn)
	SetConventions(c Conn, preset string, options map[string]json.RawMessage)
	Cancel(c Conn)
	Sit(c Conn, i int)
	Stand(c Conn)
	AddBot(c Conn, i int)
	Move(c Conn, m rules.Move)
	Chat(c Conn, text string)
}

var _ Handle = (*Table)(nil)
