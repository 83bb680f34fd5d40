package journal_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/storetest"
	"github.com/trelljaz/trelljaz/game/table"
)

// player is a connection that plays the first legal move it is offered,
// from its own goroutine (never from the table's).
type player struct {
	p   protocol.Player
	in  chan []byte
	tbl *table.Table
}

func (c *player) Player() protocol.Player { return c.p }

func (c *player) Send(msgs ...*protocol.Encoded) {
	for _, m := range msgs {
		select {
		case c.in <- m.Bytes():
		default:
			panic("test player's queue is full")
		}
	}
}

func (c *player) play(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.in:
			var m struct {
				Legal *[]rules.Move `json:"legal"`
			}
			if err := json.Unmarshal(b, &m); err != nil {
				panic(err)
			}
			if m.Legal != nil && len(*m.Legal) > 0 {
				c.tbl.Move(c, (*m.Legal)[0])
			}
		}
	}
}

// A pulka played at a real table with the journal ends up in the store:
// every deal with its seed and moves, re-scoring to the settlement the
// table computed, with the bots as rated accounts.
func TestTablePulkaIsArchived(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := store.Open(ctx, store.Config{URL: "sqlite:" + t.TempDir() + "/club.db"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	anna, err := st.SignIn(ctx, account.Identity{Provider: "github", ProviderUserID: "17", Name: "Anna"})
	if err != nil {
		t.Fatal(err)
	}
	finished := make(chan store.PulkaID, 1)
	j := journal.New(st, nil, func(id store.PulkaID) { finished <- id })

	me := &player{p: protocol.Player{ID: strconv.FormatInt(int64(anna.ID), 10), Name: anna.Name}, in: make(chan []byte, 1<<16)}
	tbl, err := table.New(table.Config{ID: "t1", Creator: me.p, Journal: j, BotDelay: time.Millisecond, DealPause: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Stop()
	me.tbl = tbl
	go me.play(ctx)
	tbl.SetConventions(me, "sochi", map[string]json.RawMessage{"pool_target": json.RawMessage("2")})
	tbl.AddBot(me, 1)
	tbl.AddBot(me, 2)

	var id store.PulkaID
	select {
	case id = <-finished:
	case <-ctx.Done():
		t.Fatal("no pulka finished")
	}
	a, err := st.Archived(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Deals) == 0 || len(a.Seats) != 3 {
		t.Fatalf("archived %d deals, %d seats", len(a.Deals), len(a.Seats))
	}
	if a.Seats[0].Player != anna.ID {
		t.Errorf("seat 0 is player %d, want Anna (%d)", a.Seats[0].Player, anna.ID)
	}
	storetest.ReplayDeals(t, a)
	out, _, err := score.Run(a.Record())
	if err != nil {
		t.Fatal(err)
	}
	exact, err := a.ExactResults()
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range a.Settings.Players {
		got, ok := out.Result.Get(name)
		if !ok || got != exact[i].RatString() {
			t.Errorf("%s: re-scored %v, the table settled %v", name, got, exact[i])
		}
	}
	bot, err := st.SignIn(ctx, account.Identity{Provider: account.ProviderBot, ProviderUserID: "Bot #2", Name: "Bot #2"})
	if err != nil || bot.ID != a.Seats[1].Player {
		t.Errorf("seat 1's bot account = %d (%v), want the archived %d", bot.ID, err, a.Seats[1].Player)
	}
}
