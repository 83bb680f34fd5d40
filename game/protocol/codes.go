package protocol

// Code is a stable identifier the client can act on: an error's reason, a
// table's state, a settlement's reason. The human text travels beside it.
type Code string

// Error codes of the "error" message.
const (
	ErrBadRequest    Code = "bad_request"    // the message did not decode
	ErrNotSignedIn   Code = "not_signed_in"  // sign in first
	ErrSignedIn      Code = "signed_in"      // this connection is signed in already
	ErrBadToken      Code = "bad_token"      // the sign-in token is forged, expired or spent: fetch a new one
	ErrNoTable       Code = "no_table"       // no such table (or it was reclaimed)
	ErrWrongState    Code = "wrong_state"    // the table is not in the state this needs
	ErrNotCreator    Code = "not_creator"    // only the table's creator may do this
	ErrNoSeat        Code = "no_seat"        // there is no such seat
	ErrSeatTaken     Code = "seat_taken"     // the seat is taken
	ErrAlreadySeated Code = "already_seated" // this player sits at this table already
	ErrNotSeated     Code = "not_seated"     // this player does not sit at this table
	ErrNotYourTurn   Code = "not_your_turn"  // the move is for another seat
	ErrIllegalMove   Code = "illegal_move"   // the rules refuse the move; state unchanged
	ErrBadSettings   Code = "bad_settings"   // the conventions do not validate
	ErrTableLimit    Code = "table_limit"    // the player, or their address, has set as many tables as allowed
	ErrClubFull      Code = "club_full"      // no room for another table
	ErrWatchersFull  Code = "watchers_full"  // the table has as many watchers as allowed
	ErrRateLimited   Code = "rate_limited"   // too many messages: a warning, then the close
	ErrChatLimited   Code = "chat_limited"   // too many chat lines; the line was dropped
	ErrChatOff       Code = "chat_off"       // the table's conventions turn chat off
	ErrJournal       Code = "journal"        // the move could not be recorded; not applied
	ErrNotStored     Code = "not_stored"     // the finished pulka is not stored yet: retried, the table kept until it is
	ErrInternal      Code = "internal"       // the server failed; the request had no effect
)

// ErrSigninRequired refuses a guest's request: a guest browses the lobby
// and watches tables (spectator view); anything else needs a signed-in
// player. The connection stays open.
const ErrSigninRequired Code = "signin_required"

// ErrTableBusy refuses a request for a table run by another server of the
// club whose queue of requests is full (the table waits on the database):
// nothing was done; the client may try again.
const ErrTableBusy Code = "table_busy"

// ErrStartPending refuses what would change the seats of a table whose
// pulka's start the store has not confirmed yet (the table holds the
// start and begins it again until the store answers; see table.Settler):
// standing up, a move, and the seat of a player who leaves — they go,
// their seat stays. Once the store answers, the pulka starts with
// everyone seated, or the start is given up (ErrAbandoned) and the table
// freed.
const ErrStartPending Code = "start_pending"

// State is a table's state. A table goes free → convention → waiting →
// playing → finished, and back to free (when it is reclaimed).
type State = Code

// Table states.
const (
	StateFree       State = "free"       // nobody has set the table (or it was reclaimed)
	StateConvention State = "convention" // the creator is choosing the conventions
	StateWaiting    State = "waiting"    // seats are being taken
	StatePlaying    State = "playing"    // the pulka is on
	StateFinished   State = "finished"   // the pulka is over
)

// ReasonFine is the Settlement reason of a pulka closed by a fine
// (timeout_action "fine", RULES §14).
const ReasonFine Code = "fine"

// ReasonUnsettled is the Settlement reason of a pulka the table gave up
// because the store could not confirm one of its writes in time (a held
// move, table.Config.SettleLimit): it ends abandoned, unrated. What each
// of the table's connections is told then is an error of its own code,
// ErrAbandoned.
const ReasonUnsettled Code = "unsettled"

// ErrAbandoned tells each connection of a table that the table gave up a
// write the store never confirmed (table.Config.SettleLimit): a held
// move's pulka is abandoned, unrated (its Settlement's reason is
// ReasonUnsettled); a held pulka start never starts, and the table is
// freed once the store has recorded that (until then the table refuses
// what would change it with this code too). Up to session 6 this error
// carried the code "unsettled"; a Settlement's reason still does.
const ErrAbandoned Code = "abandoned"

// Event kinds of the "table_event" message: what action made the event.
const (
	KindSet        Code = "set"        // the table was set: the convention state begins
	KindConvention Code = "convention" // the conventions were confirmed: waiting
	KindFree       Code = "free"       // cancelled, timed out, emptied or reclaimed
	KindSeats      Code = "seats"      // a seat was taken or freed, someone came or went
	KindStart      Code = "start"      // the pulka started
	KindMove       Code = "move"       // a move was played
	KindTimeout    Code = "timeout"    // a decision ran out of time
	KindDeal       Code = "deal"       // a new deal was dealt
	KindFinish     Code = "finish"     // the pulka is over
	KindChat       Code = "chat"       // a line of table chat
)
