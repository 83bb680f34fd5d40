// Package lobby is the club's lobby: the list of tables with their state and
// seats, table creation and lobby chat. Every change is pushed at once to
// every connection in the lobby.
//
// Like a table, the Lobby is an actor: one goroutine owns its state and its
// methods send it commands over a channel.
package lobby

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

// Defaults of Config.
const (
	DefaultMaxTables = 200
	chatKeep         = 50
)

// Config configures a Lobby. Zero values mean the documented defaults.
type Config struct {
	// Table is the template of every new table's configuration: its clock,
	// bot delay, deal pause and logger. ID, Convention, PoolTarget,
	// MoveTime and OnChange are set by the lobby.
	Table table.Config
	// MaxTables bounds the number of tables. When the lobby is full, a new
	// table replaces the oldest finished one nobody watches. 0 means
	// DefaultMaxTables.
	MaxTables int
	// Logger receives the lobby's logs. Nil means slog.Default().
	Logger *slog.Logger
}

// Lobby is the running lobby. Its methods may be called concurrently.
type Lobby struct {
	cmds    chan func(*state)
	quit    chan struct{}
	stopped chan struct{}
	tables  []*table.Table // handed over by the goroutine when it stops
}

type state struct {
	l         *Lobby
	cfg       Config
	tables    map[string]*table.Table
	order     []string
	summaries map[string]protocol.Summary
	conns     map[table.Conn]struct{}
	chat      []protocol.ChatLine
	next      int
}

// New starts a lobby.
func New(cfg Config) *Lobby {
	if cfg.MaxTables <= 0 {
		cfg.MaxTables = DefaultMaxTables
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Table.Logger == nil {
		cfg.Table.Logger = cfg.Logger
	}
	l := &Lobby{cmds: make(chan func(*state), 256), quit: make(chan struct{}), stopped: make(chan struct{})}
	s := &state{l: l, cfg: cfg, tables: map[string]*table.Table{}, summaries: map[string]protocol.Summary{}, conns: map[table.Conn]struct{}{}}
	go l.run(s)
	return l
}

func (l *Lobby) run(s *state) {
	defer close(l.stopped)
	for {
		select {
		case f := <-l.cmds:
			f(s)
		case <-l.quit:
			for _, id := range s.order {
				l.tables = append(l.tables, s.tables[id])
			}
			return
		}
	}
}

func (l *Lobby) post(f func(*state)) {
	select {
	case l.cmds <- f:
	case <-l.stopped:
	}
}

func (l *Lobby) ask(f func(*state)) {
	done := make(chan struct{})
	l.post(func(s *state) { f(s); close(done) })
	select {
	case <-done:
	case <-l.stopped:
	}
}

// Stop stops the lobby and every table. Calling it twice is harmless.
func (l *Lobby) Stop() {
	select {
	case <-l.quit:
	default:
		close(l.quit)
	}
	<-l.stopped
	// the tables stop after the lobby, so that none waits on it
	for _, t := range l.tables {
		t.Stop()
	}
}

// Join adds c to the lobby: it gets the table list and the chat history
// now and every change from then on.
func (l *Lobby) Join(c table.Conn) {
	l.post(func(s *state) {
		s.conns[c] = struct{}{}
		c.Send(s.list(), encode(protocol.LobbyChat{Type: protocol.TypeLobbyChat, Lines: nonNil(s.chat)}))
	})
}

// Leave removes c from the lobby.
func (l *Lobby) Leave(c table.Conn) {
	l.post(func(s *state) { delete(s.conns, c) })
}

// Chat posts a line of lobby chat from c's player to everyone in the lobby.
func (l *Lobby) Chat(c table.Conn, text string) {
	l.post(func(s *state) {
		line := protocol.ChatLine{From: c.Player(), Text: text, At: time.Now().UnixMilli()}
		if s.cfg.Table.Clock != nil {
			line.At = s.cfg.Table.Clock.Now().UnixMilli()
		}
		s.chat = append(s.chat, line)
		if len(s.chat) > chatKeep {
			s.chat = append(s.chat[:0], s.chat[len(s.chat)-chatKeep:]...)
		}
		s.send(encode(protocol.LobbyChat{Type: protocol.TypeLobbyChat, Lines: []protocol.ChatLine{line}}))
	})
}

// Create opens a new three-player table for c's player with a convention
// (sochi, leningrad or rostov), a pool target (0: the preset's) and a move
// time in seconds (0: table.DefaultMoveTime). c gets a "created" message,
// everyone in the lobby the new list.
func (l *Lobby) Create(c table.Conn, convention string, poolTarget, moveTime int) {
	l.post(func(s *state) {
		if len(s.tables) >= s.cfg.MaxTables {
			s.dropFinished()
		}
		if len(s.tables) >= s.cfg.MaxTables {
			c.Send(encode(protocol.Error{Type: protocol.TypeError, Text: "the club has no room for another table"}))
			return
		}
		s.next++
		id := fmt.Sprintf("t%d", s.next)
		cfg := s.cfg.Table
		cfg.ID, cfg.Convention, cfg.PoolTarget = id, convention, poolTarget
		cfg.MoveTime = time.Duration(moveTime) * time.Second
		cfg.OnChange = func(sum protocol.Summary) {
			l.post(func(s *state) {
				if _, ok := s.tables[sum.ID]; ok {
					s.summaries[sum.ID] = sum
					s.send(s.list())
				}
			})
		}
		t, err := table.New(cfg)
		if err != nil {
			c.Send(encode(protocol.Error{Type: protocol.TypeError, Text: err.Error()}))
			return
		}
		s.tables[id] = t
		s.order = append(s.order, id)
		s.summaries[id] = t.Initial()
		s.send(s.list())
		s.cfg.Logger.Info("table created", "table", id, "by", c.Player(), "convention", convention)
		c.Send(encode(protocol.Created{Type: protocol.TypeCreated, Table: id}))
	})
}

// Table returns the table with the given id.
func (l *Lobby) Table(id string) (*table.Table, bool) {
	var t *table.Table
	l.ask(func(s *state) { t = s.tables[id] })
	return t, t != nil
}

// SeatedAt returns the tables where the player called name sits, as the
// lobby last heard from them.
func (l *Lobby) SeatedAt(name string) []*table.Table {
	var out []*table.Table
	l.ask(func(s *state) {
		for _, id := range s.order {
			for _, seat := range s.summaries[id].Seats {
				if !seat.Bot && seat.Name == name {
					out = append(out, s.tables[id])
					break
				}
			}
		}
	})
	return out
}

// Tables returns the summaries of every table, oldest first.
func (l *Lobby) Tables() []protocol.Summary {
	var out []protocol.Summary
	l.ask(func(s *state) {
		for _, id := range s.order {
			if sum, ok := s.summaries[id]; ok {
				out = append(out, sum)
			}
		}
	})
	return out
}

// dropFinished removes the oldest table whose pulka is over and that
// nobody watches, to make room for a new one.
func (s *state) dropFinished() {
	for i, id := range s.order {
		if sum := s.summaries[id]; sum.Status == protocol.StatusFinished && sum.Watchers == 0 {
			t := s.tables[id]
			delete(s.tables, id)
			delete(s.summaries, id)
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			// stopped in its own goroutine: the table may be waiting to tell the lobby
			go t.Stop()
			s.cfg.Logger.Info("finished table dropped", "table", id)
			return
		}
	}
}

func (s *state) list() []byte {
	msg := protocol.Lobby{Type: protocol.TypeLobby, Tables: []protocol.Summary{}}
	for _, id := range s.order {
		if sum, ok := s.summaries[id]; ok {
			msg.Tables = append(msg.Tables, sum)
		}
	}
	return encode(msg)
}

func (s *state) send(msg []byte) {
	for c := range s.conns {
		c.Send(msg)
	}
}

func nonNil(lines []protocol.ChatLine) []protocol.ChatLine {
	if lines == nil {
		return []protocol.ChatLine{}
	}
	return lines
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("lobby: encoding %T: %v", v, err))
	}
	return b
}
