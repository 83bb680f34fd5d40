package table_test

import (
	"fmt"
	"log/slog"

	"github.com/trelljaz/trelljaz/game/table"
)

// printConn is a connection that counts what it gets.
type printConn struct {
	name string
	n    int
}

func (c *printConn) Player() string      { return c.name }
func (c *printConn) Send(msgs ...[]byte) { c.n += len(msgs) }

// A player sits, two bots fill the other seats, and the last seat starts
// the pulka at once.
func ExampleNew() {
	t, err := table.New(table.Config{ID: "t1", Convention: "sochi", PoolTarget: 10, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer t.Stop()
	anna := &printConn{name: "Anna"}
	t.Sit(anna, 0)
	t.AddBot(anna, 1)
	t.AddBot(anna, 2)
	s := t.Summary()
	fmt.Println(s.Status, s.Seats[0].Name, s.Seats[1].Name, s.Seats[2].Name, s.PoolTarget, s.MoveTime)
	// Output: playing Anna Bot #2 Bot #3 10 300
}
