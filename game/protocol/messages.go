package protocol

import (
	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Player is who a connection signed in as: a stable id (what everything is
// keyed by) and the name shown.
type Player struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Error is the "error" message: why a request failed. Only its sender gets
// it; the request had no effect.
type Error struct {
	Code  Code   `json:"code"`
	Text  string `json:"text"`
	Table string `json:"table,omitempty"`
}

// MessageType returns "error".
func (Error) MessageType() string { return "error" }

// Error returns the text: an Error is also a Go error, so the lobby and the
// table can return one with its code.
func (e Error) Error() string { return string(e.Code) + ": " + e.Text }

// Welcome is the "welcome" message after sign-in. A guest's has Guest
// set and no player.
type Welcome struct {
	Player Player `json:"player,omitzero"`
	Guest  bool   `json:"guest,omitempty"` // a guest: browse the lobby and watch tables only
	Offer  Offer  `json:"offer"`
}

// MessageType returns "welcome".
func (Welcome) MessageType() string { return "welcome" }

// Offer is what the conventions dialog offers, in one place: the presets
// with every RULES §14 value they set, the allowed values of the enumerated
// settings, and the table's own settings.
type Offer struct {
	Presets []Preset            `json:"presets"`
	Choices map[string][]string `json:"choices"` // allowed values of the enumerated options
}

// Preset is one convention with every option's value under it.
type Preset struct {
	Name    string         `json:"name"`
	Options map[string]any `json:"options"`
}

// ChatLine is one line of lobby or table chat.
type ChatLine struct {
	From Player `json:"from"`
	Text string `json:"text"`
	At   int64  `json:"at"` // Unix milliseconds
}

// Seat is one seat of a table as everyone sees it. False and zero fields
// are left out (the lobby lists thousands of seats).
type Seat struct {
	Player    Player `json:"player"`               // zero when empty
	Bot       bool   `json:"bot,omitempty"`        // a bot sits here
	Online    bool   `json:"online,omitempty"`     // the player has a connection to the table
	AwayUntil int64  `json:"away_until,omitempty"` // Unix ms when an absent player loses the seat (waiting only)
	BotPlays  bool   `json:"bot_plays,omitempty"`  // a bot plays for the absent player (timeout_action "bot-takeover")
}

// Conventions are a table's settings: the preset and the options that
// differ from it (RULES §14 identifiers).
type Conventions struct {
	Preset     string         `json:"preset"`
	Options    map[string]any `json:"options"` // every §14 value in force
	Players    int            `json:"players"`
	PoolTarget int            `json:"pool_target"`
	MoveTime   int            `json:"move_time"` // seconds per decision
}

// ConventionsOf returns the conventions of settings s.
func ConventionsOf(s score.Settings) Conventions {
	return Conventions{
		Preset: s.Convention.String(), Options: s.OptionValues(), Players: s.Players,
		PoolTarget: s.PoolTarget, MoveTime: s.MoveTime,
	}
}

// Summary is one table in the lobby.
type Summary struct {
	ID            string `json:"id"`
	State         State  `json:"state"`
	Creator       Player `json:"creator"`
	Preset        string `json:"preset"`
	Players       int    `json:"players"`
	PoolTarget    int    `json:"pool_target"`
	MoveTime      int    `json:"move_time"`
	TimeoutAction string `json:"timeout_action"` // RULES §14 timeout_action
	Seats         []Seat `json:"seats"`
	Watchers      int    `json:"watchers,omitempty"` // connections to the table
	Deals         int    `json:"deals,omitempty"`    // deals finished
	Deadline      int64  `json:"deadline,omitempty"` // Unix ms: end of the convention countdown
	Unstored      bool   `json:"unstored,omitempty"` // finished, its pulka not stored yet: kept until it is
}

// Lobby is the "lobby" message: the client's view of the lobby (a page of
// its tables, the first names online, counts of the rest), on sign-in,
// when the client asks for another view and when it is too far behind.
// V is the view's version.
type Lobby struct {
	V       uint64      `json:"v"`
	View    LobbyView   `json:"view"`    // the view this is, defaults filled in
	Tables  []Summary   `json:"tables"`  // the first View.Tables tables matching the view, in TableOrder
	Total   int         `json:"total"`   // the tables matching the view (Tables are the first of them)
	Counts  TableCounts `json:"counts"`  // every table of the lobby by state
	Online  []Player    `json:"online"`  // the first View.Online players online, in PlayerOrder
	Players int         `json:"players"` // the players online (Online are the first of them)
	Guests  int         `json:"guests"`  // guest connections: counted, never listed
	Chat    []ChatLine  `json:"chat"`
}

// MessageType returns "lobby".
func (Lobby) MessageType() string { return "lobby" }

// LobbyDelta is the "lobby_delta" message: what changed in the client's
// view since its version Since, several changes coalesced. Only what
// changed is present.
type LobbyDelta struct {
	V       uint64       `json:"v"`
	Since   uint64       `json:"since"`             // the version this applies to: the client's, or it missed a delta
	Tables  []Summary    `json:"tables,omitempty"`  // tables that came into the view or changed in it
	Removed []string     `json:"removed,omitempty"` // tables out of the view: gone, past its end, or no longer matching
	Total   *int         `json:"total,omitempty"`   // the tables matching the view, when it changed
	Counts  *TableCounts `json:"counts,omitempty"`  // the lobby's tables by state, when they changed
	Joined  []Player     `json:"joined,omitempty"`  // players now among the names listed
	Gone    []Player     `json:"gone,omitempty"`    // players no longer listed: offline, or past the list's end
	Players *int         `json:"players,omitempty"` // the players online, when it changed
	Guests  *int         `json:"guests,omitempty"`  // guest connections now, when the count changed
	Chat    []ChatLine   `json:"chat,omitempty"`    // new lobby chat lines
}

// MessageType returns "lobby_delta".
func (LobbyDelta) MessageType() string { return "lobby_delta" }

// LobbyLeft is the "lobby_left" message, the answer to {"type":"lobby",
// "follow":false}: no lobby delta after version V reaches the client until
// it follows the lobby again. V is the version of its view the client
// holds (the last sent to it; 0 when it holds none of that view, as when
// the whole of a view it asked for was still on its way): the one to
// follow again from.
type LobbyLeft struct {
	V uint64 `json:"v"`
}

// MessageType returns "lobby_left".
func (LobbyLeft) MessageType() string { return "lobby_left" }

// Created is the "created" message to the creator of a table.
type Created struct {
	Table string `json:"table"`
}

// MessageType returns "created".
func (Created) MessageType() string { return "created" }

// Left is the "left" message: the client no longer receives the table.
type Left struct {
	Table string `json:"table"`
}

// MessageType returns "left".
func (Left) MessageType() string { return "left" }

// Settlement is the final result of a pulka in whists, by seat.
type Settlement struct {
	Rounded []int64        `json:"rounded"`
	Exact   []string       `json:"exact"`
	Fines   map[string]int `json:"fines,omitempty"` // mountain points by player id
	Reason  Code           `json:"reason"`          // "pool" (played out), "fine" (closed by a fine), "internal", "unsettled" (abandoned, unrated: no rounded or exact)
}

// Clock is the decision clock: a deadline, never a restartable timer.
type Clock struct {
	Seat     int     `json:"seat"`     // the seat to decide, -1 when nobody is on the clock
	Deadline int64   `json:"deadline"` // Unix ms when the decision times out, 0 if none
	Bank     []int64 `json:"bank"`     // each seat's remaining time bank in ms (time_bank over 0)
}

// TableView is the "table" message: the whole table as one audience (a
// seat, or the spectators) may see it, at version V. It is sent on watch
// and when a client is too far behind for events.
type TableView struct {
	Table       string           `json:"table"`
	V           uint64           `json:"v"`
	State       State            `json:"state"`
	Creator     Player           `json:"creator"`
	Conventions Conventions      `json:"conventions"`
	Deadline    int64            `json:"deadline"` // end of the convention countdown (Unix ms), 0 if none
	Seats       []Seat           `json:"seats"`
	DealNo      int              `json:"deal_no"` // 1 for the first deal, 0 before it
	Deal        *rules.SeatView  `json:"deal"`    // nil before the first deal
	Legal       []rules.Move     `json:"legal"`   // the audience's legal moves when it is to move
	Clock       Clock            `json:"clock"`
	Sheet       *score.SheetView `json:"sheet"`     // keyed by player id (names may repeat)
	LastDeal    string           `json:"last_deal"` // a line on the last finished deal
	Result      *Settlement      `json:"result"`    // once the pulka is over
	Chat        []ChatLine       `json:"chat"`      // recent table chat
	Deals       []DealEntry      `json:"deals"`     // every finished deal of the pulka, in order
}

// DealEntry is one finished deal as the sheet took it: what was played, in
// codes a page words in its own language, the sheet after it and the
// settlement as it would stand if the pulka ended there.
type DealEntry struct {
	No       int             `json:"no"`       // the deal number, from 1
	Kind     rules.Kind      `json:"kind"`     // "contract", "misere", "raspasy"
	Ending   rules.Ending    `json:"ending"`   // "played", "unwhisted", "half_whist", "conceded"
	Declarer int             `json:"declarer"` // the declarer's seat, -1 in raspasy
	Contract rules.Bid       `json:"contract"` // null in raspasy
	Calls    []pref.Call     `json:"calls"`    // each seat's whisting call
	Tricks   []int           `json:"tricks"`   // tricks by seat
	Sheet    score.SheetView `json:"sheet"`    // the sheet after the deal, keyed as the table's (player ids)
	Settle   []int64         `json:"settle"`   // rounded whists by seat if the pulka ended now
}

// MessageType returns "table".
func (TableView) MessageType() string { return "table" }

// TableEvent is the "table_event" message: what one action changed, at
// version V. Only the parts that changed are present; a client applies them
// over its view in version order (V is always its last V + 1).
type TableEvent struct {
	Table       string           `json:"table"`
	V           uint64           `json:"v"`
	Kind        Code             `json:"kind"`
	Move        *rules.Move      `json:"move,omitempty"` // the move played, as every seat may see it (no discarded cards)
	State       State            `json:"state,omitempty"`
	Creator     *Player          `json:"creator,omitempty"`
	Conventions *Conventions     `json:"conventions,omitempty"`
	Deadline    *int64           `json:"deadline,omitempty"`
	Seats       []Seat           `json:"seats,omitempty"`
	DealNo      int              `json:"deal_no,omitempty"`
	Deal        *rules.SeatView  `json:"deal,omitempty"`
	Legal       *[]rules.Move    `json:"legal,omitempty"`
	Clock       *Clock           `json:"clock,omitempty"`
	Sheet       *score.SheetView `json:"sheet,omitempty"` // keyed by player id
	LastDeal    string           `json:"last_deal,omitempty"`
	Result      *Settlement      `json:"result,omitempty"`
	Chat        *ChatLine        `json:"chat,omitempty"`
	DealEntry   *DealEntry       `json:"deal_entry,omitempty"` // the deal just finished, with Sheet
}

// MessageType returns "table_event".
func (TableEvent) MessageType() string { return "table_event" }
