// Package protocol is the wire protocol of the Trelljaz club: every JSON
// message between the browser and the server. This comment is the protocol's
// one document; the types of this package are its schema.
//
// Every message is one JSON object {"type": "...", ...} carried as one SockJS
// message. The messages one action produces are queued back to back, so
// SockJS sends them in one frame. Every error carries a stable code (see
// codes.go) with the human text beside it; states, settlement reasons and
// event kinds are codes too, and so are a deal's phase (auction, discard,
// declaration, whisting, open_choice, play, done), kind, calls and ending.
//
// # Identity
//
// A connection signs in once. The server turns the sign-in into a Player
// {"id","name"}: the id is stable and everything is keyed by it (seats,
// limits, presence); the name is only shown. The player comes from the
// signed socket token the page fetched from GET /api/token (game/auth):
// the id is the club's account id in decimal, the name the account's. A
// server built without sign-in (tests) takes a typed "name" instead (id
// "dev:"+name); a server with sign-in refuses "name" (bad_request) and a
// forged, expired or spent token (bad_token).
//
// # Guests
//
// A connection without a token may sign in as a guest:
//
//	{"type":"signin","guest":true,"lobby_v":12,"tables":{"t3":57}}
//	    → {"type":"welcome","guest":true,"offer":Offer}   (no "player")
//
// A guest gets the lobby and its deltas and may "watch" and "leave" tables:
// it sees what a spectator sees (never a seat's cards). Every other request
// is refused with code signin_required and the connection stays open. A
// guest is counted, not listed, in who is online ("guests" in "lobby" and
// "lobby_delta"); guests are held to the per-IP connection cap and message
// rate like everyone. To play, the page signs in over HTTP and opens a new
// connection with a token: a guest connection does not turn into a
// player's ("signin" again is refused with signed_in).
//
// # Client to server
//
//	{"type":"signin","token":"eyJ…","lobby_v":12,"tables":{"t3":57}}
//	    sign in with a token from GET /api/token (one token per connection:
//	    fetch a new one for every reconnect); lobby_v and tables
//	    (optional) are the versions the client has, after a reconnect:
//	    it gets exactly what it missed of each
//	    (or the whole thing when it is too far behind). Tables the player
//	    sits at come back in any case. "lobby_view":{...} (optional) is
//	    the view of the lobby it follows (see The lobby's view; lobby_v
//	    is a version of that view). "follow_lobby":false (optional)
//	    signs in without the lobby (see Following the lobby)
//	{"type":"lobby","follow":false}                    stop receiving lobby deltas (answer: "lobby_left")
//	{"type":"lobby","follow":true,"v":12}              receive the lobby again: the deltas after v, or
//	                                                   the whole view (v 0 or absent, or too far behind)
//	{"type":"lobby","follow":true,"v":12,"view":{"tables":100,"online":50,"state":"waiting","players":3,"preset":"sochi"}}
//	                                                   follow another view of the lobby (every field
//	                                                   optional): the whole of it comes, whatever v
//	{"type":"lobby_chat","text":"hi"}                  a line of lobby chat (1-300 characters)
//	{"type":"set"}                                     set a table: it is in the convention state at
//	                                                   once, the sender is its creator and watches it
//	{"type":"conventions","table":"t3","preset":"leningrad",
//	 "options":{"players":4,"pool_target":20,"move_time":60,"stalingrad":true,
//	            "timeout_action":"auto-pass","time_bank":120}}
//	                                                   the creator confirms the conventions: a preset
//	                                                   (codex, sochi, leningrad, rostov, fspr, custom),
//	                                                   any RULES §14 option over it (timeout_action,
//	                                                   timeout_fine and time_bank among them). The
//	                                                   creator sits at seat 0.
//	{"type":"cancel","table":"t3"}                     the creator gives up a table being set
//	{"type":"watch","table":"t3","v":57}               receive the table from version v (0: all of it)
//	{"type":"leave","table":"t3"}                      stop receiving it (stands up first if waiting;
//	                                                   while the pulka's start is being confirmed the
//	                                                   seat is kept and start_pending says so)
//	{"type":"sit","table":"t3","seat":1}               take a seat of a waiting table
//	{"type":"stand","table":"t3"}                      give up one's seat of a waiting table
//	{"type":"add_bot","table":"t3","seat":2}           the creator seats a bot in an empty seat
//	{"type":"move","table":"t3","move":{...}}          a move in the rules engine's wire form, e.g.
//	                                                   {"seat":0,"kind":"bid","bid":"7H"},
//	                                                   {"seat":1,"kind":"play","card":"10S"},
//	                                                   {"seat":2,"kind":"discard","cards":["7S","8S"]}
//	{"type":"table_chat","table":"t3","text":"gl"}     a line of table chat
//
// Nothing but "signin" is accepted before signing in (not_signed_in). Unknown types, unknown
// or foreign fields and messages over MaxClientMessage bytes are errors
// (code bad_request). A connection that has not signed in within the
// server's deadline is closed; so is one that keeps sending over the rate
// after a "rate_limited" warning (SockJS close code 4005).
//
// # Server to client
//
//	{"type":"welcome","player":{...},"offer":Offer}    signed in (a guest: "guest":true, no player); the offer is everything the
//	                                                   conventions dialog offers: each preset with
//	                                                   every §14 value, the choices of the
//	                                                   enumerated options
//	{"type":"error","code":"seat_taken","text":"seat 1 is taken","table":"t3"}
//	                                                   a request failed and changed nothing; only
//	                                                   its sender gets it
//	{"type":"lobby","v":12,"view":LobbyView,"tables":[Summary...],"total":980,
//	 "counts":{"waiting":3,"convention":1,"playing":950,"finished":26},
//	 "online":[Player...],"players":2900,"guests":3,"chat":[ChatLine...]}
//	                                                   the client's view of the lobby whole at version
//	                                                   v: its page of tables, how many match it
//	                                                   (total), every table by state (counts), the
//	                                                   first names online and how many are (players),
//	                                                   a count of guest connections
//	{"type":"lobby_delta","v":13,"since":12,"tables":[...],"removed":["t1"],"total":981,"counts":{...},
//	 "joined":[...],"gone":[...],"players":2901,"guests":4,"chat":[...]}
//	                                                   what changed in the view since version
//	                                                   "since": several changes are coalesced (at
//	                                                   most a few deltas a second); only what
//	                                                   changed is present
//	{"type":"lobby_left","v":12}                       the client follows the lobby no more: no
//	                                                   delta after v comes until it follows again
//	{"type":"created","table":"t3"}                    to the creator of a table
//	{"type":"table","table":"t3","v":57,...TableView}  the whole table as this client may see it
//	{"type":"table_event","table":"t3","v":58,"kind":"move",...}
//	                                                   what one action changed: only the parts
//	                                                   present (state, seats, deal, legal, clock,
//	                                                   sheet, result, chat, ...) changed; the event
//	                                                   that finishes a deal carries its deal_entry
//	                                                   (DealEntry), which the table's "deals" lists
//	{"type":"left","table":"t3"}                       the client no longer receives the table
//
// # Versions
//
// Every table event has a version, one more than the previous; every lobby
// delta has a version and the version it follows ("since": the lobby's
// versions are shared by its views, and a view has no delta when nothing
// in it changed). A client keeps the version it has of the lobby and of
// each table; it applies a table event at its version + 1 and a lobby
// delta whose "since" is its version, drops one at or below it, and on a
// gap asks again ("watch" or "lobby" with its version). A whole "table" or
// "lobby" message replaces what the client had. After a reconnect (any
// transport, a new SockJS session) the client says the versions it has in
// "signin": its seat, cards and clock are as they were.
//
// # Following the lobby
//
// A connection follows the lobby from its sign-in: it gets the whole lobby
// and then every delta. A client that has no use for them — a player at a
// playing table, whose page shows the table and not the lobby — says
// {"type":"lobby","follow":false}, and the server answers "lobby_left" with
// the version the client has: no delta after it comes. Back in the lobby
// the client says {"type":"lobby","follow":true,"v":12} with that version
// and gets what it missed of its view, as on a reconnect: the deltas after
// v while the server still has them, nothing when it missed none, else
// the whole view at its version; "v" 0 (or none) asks for the whole view. A reconnecting player whose table plays
// signs in with "follow_lobby":false and gets no lobby at all. Following
// is the client's choice, never the server's: the table's start does not
// change it (as on lichess, where the lobby's socket is the lobby page's
// and a game page has none). A client that does not follow is still
// online (listed in "online"), may still chat, set tables and watch; a
// guest may leave and follow the lobby too.
//
// # The lobby's view
//
// A busy club has thousands of tables and players; a client gets a view
// of them, as a card club's lobby page shows: the first "tables" table
// summaries (DefaultLobbyTables, at most MaxLobbyTables) of the tables
// matching the view's filters ("state": "waiting" or "playing"; "players":
// 3 or 4; "preset"), in the lobby's order (TableOrder: the waiting tables,
// fullest first, where a player can sit; those being set; the playing
// ones, most watched first; the finished), with "total" (how many match)
// and "counts" (every table by state); and the first "online" names
// (DefaultLobbyOnline, at most MaxLobbyOnline) of the players online in
// PlayerOrder (by name: a stable list a storm of sign-ins barely moves)
// with "players" (how many are online). A page's "more" asks for a bigger
// view ("tables" 100, 150, ...) and gets it whole; a delta names the
// tables that came into the view or changed in it and those that left it
// ("removed": gone, or pushed past its end, or no longer matching), the
// names that came into the list or left it. A client following the view
// with its version gets the deltas it missed, or the whole view. Whole
// views are paced per connection: a few at once (a sign-in, a "more", a
// filter), then one a second however often the client asks, and asking
// while one waits costs nothing. The lobby keeps a bounded number of
// different views at once, and one client address (an IPv6 one by its
// /64) makes a few of them at most; a client asking for a view no one
// has, one more than the lobby or its address may make, gets an "error"
// with code lobby_busy and keeps the view it had (the default view is
// always there, and a view someone has is never refused).
//
// # Audiences
//
// The spectators of a table get one encoding of each event; each seated
// player gets one encoding of the events that differ by seat (the deal and
// the legal moves), shared by all their connections. A deal view is
// rules.View for the player's seat (the spectator view for everyone else,
// and for the dealer who sits out a four-player deal). No message to
// anyone holds another seat's hidden cards, the closed talon, another
// player's discard or a deal's seed; the discard move itself is not
// announced.
//
// # The table's life
//
// A table's state goes free → convention (the creator's dialog, with a
// countdown deadline) → waiting (sit, stand, watch; the last seat filled
// starts the pulka) → playing → finished, and is free again (reclaimed)
// after a cancel, the countdown, the last human standing up, or a while
// after the end. A seated player with no connection keeps the seat for a
// grace period while the table waits (Seat.away_until). Each decision has a
// deadline (Clock.deadline, Unix ms) set when it begins; only a move ends
// it. A time_bank over 0 gives each player a reserve for the pulka used
// after the move time (Clock.bank). When the decision's time and the bank
// are spent, the table's timeout_action (RULES §14) applies: "fine" writes
// timeout_fine on the player's mountain and settles the pulka at once
// (Settlement.fines, reason "fine"); "bot-takeover" lets a bot play the seat
// until the player sends anything (Seat.bot_plays); "auto-pass" plays the
// rules' timeout move (pass, lowest legal card).
package protocol
