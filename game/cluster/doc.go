// Package cluster runs the club as several processes over one Redis and
// one PostgreSQL: any process serves any player, the lobby, who is online,
// the lobby chat and every table are the same on all of them, and a table
// survives the death of the process that runs it.
//
// # Ownership: a lease with a fencing token
//
// Each table is run by one process at a time, the holder of its lease in
// PostgreSQL (store.AcquireLease: one row per table, owner, fencing token,
// expiry on the database's clock). The process that sets a table takes its
// lease; every Config.Renew (2 s) it renews all its leases in one
// statement, and a lease unrenewed for Config.LeaseTTL (6 s) expires. The
// journal writes every pulka start, deal and move with the table's fence
// (journal.Journal.SetFence), and the store checks the fence in the very
// transaction that inserts it, so a process that lost a table
// (paused, cut off) can never write one more move once a peer took over:
// no acknowledged move is lost or applied twice. PostgreSQL over Redis for
// the lease: the fence must be checked where the moves are written, and
// the expiry is the database's clock, not one process's. Nor is a player
// told a move was refused that a takeover then replays: a move whose
// write may or may not have committed (store.ErrUncertain: a timeout, an
// answer lost with its connection) is held by its table until
// store.Written settles it (table.Settler), a deal start is retried
// as it was, and a pulka start is begun again with its key (one pulka,
// whatever the lost answer was). A write still unsettled after
// table.Config.SettleLimit ends its pulka abandoned, unrated.
//
// # Requests and events: handles and proxies
//
// A connection finds tables through the Node (web.Config.Tables): every
// table has one handle here (table.Handle). When the table runs on this
// process the handle calls it directly. Otherwise the request (watch, sit,
// move, ...) goes as an op in a letter to the owner's inbox (a broker
// channel per process); there a proxy of the connection (a table.Conn with
// the connection's player) asks the table, and what the table sends the
// proxy — the very bytes it encoded once per audience, with their versions
// — goes back in letters to the connection's process, which hands them to
// the connection. A table thus needs no change to serve players on other
// processes: views per seat, resync by version and presence are the
// table's own. Each process's letters to another leave from one goroutine
// in queue order (an outbox), so a connection's requests and its events
// keep their order, and a table's goroutine never waits on Redis. On the
// owner, requests do not run on the broker's receive goroutine: each table
// has its own bounded queue of them (queue.go), so a table stalled on the
// database fills only its own queue, and what overflows it is refused with
// protocol.ErrTableBusy, never blocking the other tables. A proxy lives
// while it is attached to a table of the owner, a connection's number
// while it is attached to a table or used within a Renew: a connection
// that leaves its tables, or asks a table it does not watch, leaves
// nothing behind. The cost is one publish per letter, not per event:
// letters batch whatever queued while the previous one was sent.
//
// An event travels to a process once per audience, not once per
// connection: the table encodes it once per audience and sends that very
// *protocol.Encoded to each connection of the audience in turn, and the
// outbox queues it once with the numbers of the receiving process's
// connections (a delivery: conns and msgs). A connection joins the queued
// item of the same messages only when nothing of it is queued after that
// item, so its own order — answers to its requests and the events, a
// resync's events — is kept; the table's loop over its connections puts
// nothing between them, so 500 spectators of a table on another process
// cost one copy of each event in a letter and one decode there, not 500,
// and the receiver hands the same Encoded (its SockJS frame built once) to
// each of them. 40 spectators, 30 events: 37 KB of letters instead of
// 1.27 MB (TestEventsGoOncePerProcessAndAudience).
//
// Letters are put together from requests encoded one by one as they are
// queued: a request that cannot be encoded is answered bad_request alone
// and never spoils the letter the others travel in. Messages for
// connections are protocol.Encoded, JSON by construction.
//
// Events still travel in letters through the table's owner, not on a Hub
// channel per table and audience: the table's own views, versions and
// resync serve remote players unchanged, and a connection's whole views
// (letters) and events (a channel) would have no order between them
// without buffering by version per connection, nor would subscriptions
// follow sits and takeovers by themselves. Letters cost what channels
// would in Redis's output, one copy per receiving process and audience;
// the owner publishes that copy to each process rather than once.
//
// # The lobby on every process
//
// Each process keeps its lobby; what it changes there (the summaries of
// the tables it runs, a player's first or last connection to it, a chat
// line) goes to all processes as a note on one club channel, and each
// lobby lists the others' tables by summary (lobby.PutRemote, PeerOnline,
// PeerChat). A process that starts (once its broker is connected), or
// whose broker had a gap, says hello; every process answers with its
// roster (its tables and players), which also drops listings that went
// missing in the gap. The notes go out in the order they were queued,
// what is queued in one pipeline (one Redis round trip for up to 500). A
// roster goes out among the notes, put together when its turn comes (as
// its pipeline is made, after every note before it was queued): one
// taken earlier and sent after a new table's note would make the others
// drop that table. Each lobby's versions
// are its own range, reserved in the store (store.ReserveVersions), so a
// client moving to another process with its lobby version gets the whole
// lobby, never another lobby's deltas. Each process's beats and rosters
// carry its guests (the lobbies show the club's), and each table's note
// carries the address it was set from (only between processes), so the
// tables set from one address count toward lobby.Config.MaxTablesPerIP on
// every process.
//
// # Takeover
//
// Every process says it is alive each Renew; a peer silent for LeaseTTL,
// or one that said goodbye, is gone: its players go offline, its
// connections leave this process's tables. Every Renew each process asks
// the store for tables nobody holds (store.Claimable: expired or released
// leases, pulkas in progress with no lease) and tries to take them; the
// one that gets the lease (fence+1) rebuilds the table from the store's
// moves (journal.InProgressAt, table.Restore through lobby.Restore): the
// pulka goes on from its last acknowledged move, its clock with the time
// that was left. Its first summary tells every process the new owner, and
// each rewatches the table there for the connections it has on it (from
// scratch: the rebuilt table's versions are new, so clients take the
// whole view). A table without a pulka in progress (being set or waiting)
// does not survive its process: it is removed. On SIGTERM (Stop) a process
// stops its tables, releases their leases and says goodbye, so its peers
// take the tables at once.
//
// # Gaps
//
// Redis pub/sub is at most once. When the broker reports a gap
// (BrokerEvent, from redisbroker.Options.OnEvent) the process asks for
// every roster again and rewatches every table its connections are on:
// every client gets the table's whole current view. Its peers, hearing its
// hello, rewatch the tables it runs, since their own rewatch may have been
// lost if it came before this process's subscription was back. Metrics:
// trelljaz_cluster_ownership_moves_total, trelljaz_cluster_gaps_total,
// trelljaz_cluster_dropped_total, trelljaz_cluster_peers.
//
// Without -redis the club is one process as before: no Node, the lobby's
// own tables, SQLite, no leases.
package cluster
