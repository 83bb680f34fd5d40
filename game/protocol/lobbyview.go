package protocol

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/trelljaz/trelljaz/game/score"
)

// Bounds of a lobby view (see "The lobby's view" in the package doc).
const (
	// DefaultLobbyTables is how many table summaries a lobby view holds
	// when the client does not say: a screenful and a half on a desktop,
	// several on a phone; "more" asks for the next ones.
	DefaultLobbyTables = 50
	// MaxLobbyTables is the most table summaries a client may ask for.
	MaxLobbyTables = 500
	// DefaultLobbyOnline is how many names of the players online a lobby
	// view lists when the client does not say.
	DefaultLobbyOnline = 50
	// MaxLobbyOnline is the most names a client may ask for.
	MaxLobbyOnline = 500
)

// ErrLobbyBusy refuses a lobby view unlike any the lobby keeps when it
// keeps as many as it may (each view costs the lobby work at every change),
// or when the client's address has made as many of the views kept as one
// address may: the connection keeps the view it had. The default view is
// always there, and a view the lobby keeps is never refused.
const ErrLobbyBusy Code = "lobby_busy"

// LobbyView is what of the lobby a client follows: the first Tables
// summaries of the tables it matches, in the lobby's order (TableOrder),
// and the first Online names of the players online, by name. Zero fields
// mean the defaults: DefaultLobbyTables, DefaultLobbyOnline, every state,
// every table size, every preset.
type LobbyView struct {
	Tables  int    `json:"tables,omitempty"`  // 1..MaxLobbyTables summaries; 0: DefaultLobbyTables
	Online  int    `json:"online,omitempty"`  // 1..MaxLobbyOnline names; 0: DefaultLobbyOnline
	State   State  `json:"state,omitempty"`   // "waiting" or "playing": only those tables
	Players int    `json:"players,omitempty"` // 3 or 4: only tables of that size
	Preset  string `json:"preset,omitempty"`  // a convention: only tables of that preset
}

// Normal returns v with its defaults filled in: two views that show the
// same are equal.
func (v LobbyView) Normal() LobbyView {
	if v.Tables == 0 {
		v.Tables = DefaultLobbyTables
	}
	if v.Online == 0 {
		v.Online = DefaultLobbyOnline
	}
	return v
}

// Validate reports what is wrong with v as a client's request.
func (v LobbyView) Validate() error {
	if v.Tables < 0 || v.Tables > MaxLobbyTables {
		return fmt.Errorf("view: tables must be 1 to %d", MaxLobbyTables)
	}
	if v.Online < 0 || v.Online > MaxLobbyOnline {
		return fmt.Errorf("view: online must be 1 to %d", MaxLobbyOnline)
	}
	switch v.State {
	case "", StateWaiting, StatePlaying:
	default:
		return errors.New(`view: state must be "waiting" or "playing"`)
	}
	if v.Players != 0 && v.Players != 3 && v.Players != 4 {
		return errors.New("view: players must be 3 or 4")
	}
	if v.Preset != "" {
		if _, err := score.ParseConvention(v.Preset); err != nil {
			return fmt.Errorf("view: %w", err)
		}
	}
	return nil
}

// Matches reports whether table s passes v's filters.
func (v LobbyView) Matches(s Summary) bool {
	return (v.State == "" || s.State == v.State) && (v.Players == 0 || s.Players == v.Players) && (v.Preset == "" || s.Preset == v.Preset)
}

// TableOrder is the lobby's order of tables, the one a page sorts its
// list by: first the tables a player can sit at (waiting, the fullest
// first: they start soonest), then those being set (convention: waiting
// soon), then the playing ones, the most watched first (what people
// like to watch), then the finished; within each, by id (t9 before t10).
// It returns a negative number when a comes first.
func TableOrder(a, b Summary) int { return KeyOf(a).Compare(KeyOf(b)) }

// TableKey is where a table stands in TableOrder: a lobby that sorts
// thousands of tables computes each key once.
type TableKey struct {
	Rank   int    // by state: waiting, convention, playing, the rest
	Within int    // within the state: empty seats of a waiting table, minus the watchers of a playing one
	ID     string // then the id, shorter first
}

// KeyOf returns table s's key.
func KeyOf(s Summary) TableKey {
	k := TableKey{Rank: stateRank(s.State), ID: s.ID}
	switch s.State {
	case StateWaiting:
		k.Within = emptySeats(s)
	case StatePlaying:
		k.Within = -s.Watchers
	}
	return k
}

// Compare returns a negative number when a table of key k comes before
// one of key o in TableOrder, positive when after, 0 for the same.
func (k TableKey) Compare(o TableKey) int {
	if c := cmp.Compare(k.Rank, o.Rank); c != 0 {
		return c
	}
	if c := cmp.Compare(k.Within, o.Within); c != 0 {
		return c
	}
	if c := cmp.Compare(len(k.ID), len(o.ID)); c != 0 {
		return c
	}
	return strings.Compare(k.ID, o.ID)
}

func stateRank(s State) int {
	switch s {
	case StateWaiting:
		return 0
	case StateConvention:
		return 1
	case StatePlaying:
		return 2
	}
	return 3
}

func emptySeats(s Summary) int {
	n := max(s.Players-len(s.Seats), 0)
	for _, seat := range s.Seats {
		if seat.Player.ID == "" && !seat.Bot {
			n++
		}
	}
	return n
}

// PlayerOrder is the order of the names listed online: by name, then id
// (names may repeat). It returns a negative number when a comes first.
func PlayerOrder(a, b Player) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// TableCounts are the lobby's tables by state, whatever a view shows.
type TableCounts struct {
	Waiting    int `json:"waiting"`
	Convention int `json:"convention"`
	Playing    int `json:"playing"`
	Finished   int `json:"finished"`
}

// Add counts a table in state st.
func (c *TableCounts) Add(st State) {
	switch st {
	case StateWaiting:
		c.Waiting++
	case StateConvention:
		c.Convention++
	case StatePlaying:
		c.Playing++
	case StateFinished:
		c.Finished++
	}
}
