package lobby

import (
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

type fakeConn struct {
	name string
	mu   sync.Mutex
	msgs []string
}

func (c *fakeConn) Player() string { return c.name }

func (c *fakeConn) Send(msgs ...[]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		c.msgs = append(c.msgs, string(m))
	}
}

// lastOf returns the last message of type typ, decoded into v.
func (c *fakeConn) lastOf(t *testing.T, typ string, v any) bool {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if strings.Contains(c.msgs[i], `"type":"`+typ+`"`) {
			if err := json.Unmarshal([]byte(c.msgs[i]), v); err != nil {
				t.Fatal(err)
			}
			return true
		}
	}
	return false
}

func newLobby(t *testing.T, max int) *Lobby {
	l := New(Config{MaxTables: max, Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(l.Stop)
	return l
}

func TestEveryLobbyClientSeesEveryChange(t *testing.T) {
	l := newLobby(t, 0)
	anna, boris := &fakeConn{name: "Anna"}, &fakeConn{name: "Boris"}
	l.Join(anna)
	l.Join(boris)
	l.Create(anna, "leningrad", 20, 60)
	tb, ok := l.Table("t1")
	if !ok {
		t.Fatal("no table t1 after create")
	}
	var created protocol.Created
	if !anna.lastOf(t, "created", &created) || created.Table != "t1" {
		t.Fatalf("Anna got no created message: %+v", created)
	}
	tb.Sit(anna, 1)
	tb.Summary() // the table told the lobby before answering
	l.Tables()   // and the lobby has pushed the change
	for _, c := range []*fakeConn{anna, boris} {
		var msg protocol.Lobby
		if !c.lastOf(t, "lobby", &msg) || len(msg.Tables) != 1 {
			t.Fatalf("%s: lobby %+v", c.name, msg)
		}
		got := msg.Tables[0]
		if got.ID != "t1" || got.Convention != "leningrad" || got.PoolTarget != 20 || got.MoveTime != 60 || got.Seats[1].Name != "Anna" || got.Status != "waiting" {
			t.Fatalf("%s sees %+v", c.name, got)
		}
	}
	if ts := l.SeatedAt("Anna"); len(ts) != 1 || ts[0] != tb {
		t.Fatalf("SeatedAt(Anna) = %v", ts)
	}
	if ts := l.SeatedAt("Boris"); len(ts) != 0 {
		t.Fatalf("SeatedAt(Boris) = %v", ts)
	}
}

func TestLobbyChatReachesEveryoneAndLateComers(t *testing.T) {
	l := newLobby(t, 0)
	anna, boris := &fakeConn{name: "Anna"}, &fakeConn{name: "Boris"}
	l.Join(anna)
	l.Join(boris)
	l.Chat(anna, "anyone for a pulka?")
	late := &fakeConn{name: "Late"}
	l.Join(late)
	l.Tables()
	for _, c := range []*fakeConn{anna, boris, late} {
		var msg protocol.LobbyChat
		if !c.lastOf(t, "lobby_chat", &msg) || len(msg.Lines) != 1 || msg.Lines[0].From != "Anna" || msg.Lines[0].Text != "anyone for a pulka?" {
			t.Fatalf("%s: chat %+v", c.name, msg)
		}
	}
}

func TestTablesAreBounded(t *testing.T) {
	l := newLobby(t, 2)
	anna := &fakeConn{name: "Anna"}
	for range 3 {
		l.Create(anna, "sochi", 0, 0)
	}
	if n := len(l.Tables()); n != 2 {
		t.Fatalf("%d tables, want 2", n)
	}
	var e protocol.Error
	if !anna.lastOf(t, "error", &e) || !strings.Contains(e.Text, "no room") {
		t.Fatalf("third table: error %+v", e)
	}
}

func TestLeftConnectionsGetNothing(t *testing.T) {
	l := newLobby(t, 0)
	anna := &fakeConn{name: "Anna"}
	l.Join(anna)
	l.Leave(anna)
	l.Tables()
	anna.mu.Lock()
	n := len(anna.msgs)
	anna.mu.Unlock()
	l.Chat(&fakeConn{name: "Boris"}, "hello")
	l.Tables()
	anna.mu.Lock()
	defer anna.mu.Unlock()
	if len(anna.msgs) != n {
		t.Fatalf("Anna got %q after leaving", anna.msgs[n:])
	}
}

var _ table.Conn = (*fakeConn)(nil)

func TestAFullLobbyReplacesAFinishedTable(t *testing.T) {
	l := New(Config{MaxTables: 1, Logger: slog.New(slog.DiscardHandler),
		Table: table.Config{BotDelay: time.Microsecond, DealPause: time.Microsecond}})
	t.Cleanup(l.Stop)
	anna := &fakeConn{name: "Anna"}
	l.Create(anna, "sochi", 1, 0)
	t1, _ := l.Table("t1")
	for i := range 3 {
		t1.AddBot(anna, i)
	}
	l.Create(anna, "sochi", 1, 0) // refused: t1 is playing
	l.Tables()
	var e protocol.Error
	if !anna.lastOf(t, "error", &e) || !strings.Contains(e.Text, "no room") {
		t.Fatalf("a second table while t1 plays: error %+v", e)
	}
	deadline := time.Now().Add(20 * time.Second)
	for t1.Summary().Status != protocol.StatusFinished {
		if time.Now().After(deadline) {
			t.Fatalf("bots did not finish a pulka to 1 in 20 s: %+v", t1.Summary())
		}
		time.Sleep(time.Millisecond)
	}
	l.Tables() // the lobby has the finished summary
	l.Create(anna, "rostov", 0, 0)
	ts := l.Tables()
	if len(ts) != 1 || ts[0].ID != "t2" || ts[0].Convention != "rostov" {
		t.Fatalf("tables %+v, want only the new t2", ts)
	}
}
