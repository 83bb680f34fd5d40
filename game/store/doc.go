// Package store is the club's durable store: players (it implements
// account.Directory), the write-ahead log of moves, pulkas in progress,
// finished pulkas with their settlements, and ratings. One Store runs on
// SQLite or PostgreSQL through database/sql, with the same SQL.
//
// # Engines
//
// Open picks the engine by URL: empty means SQLite in the data directory
// (DataDir/trelljaz.db, the embedded default), "sqlite:PATH" SQLite in a
// file, "postgres://..." PostgreSQL. SQLite is modernc.org/sqlite (pure Go:
// no cgo, one static binary), in WAL mode with synchronous=FULL (the moves'
// writer syncs the log itself: see below); PostgreSQL
// is github.com/jackc/pgx/v5 through its database/sql driver, for several
// processes sharing one database.
//
// # Migrations
//
// The schema is versioned SQL in migrations/ENGINE/, embedded in the binary
// and applied by Open with github.com/pressly/goose/v3. Goose over
// golang-migrate: goose's Provider takes the *sql.DB the store already has
// and an fs.FS, with no global registry and no per-database driver package,
// and on PostgreSQL it holds a session advisory lock while migrating, so two
// processes starting at once do not both migrate.
//
// # Write-ahead moves
//
// A table writes each accepted move with Append before its events go out,
// and each new deal (its seed, dealer and raspasy series) with StartDeal
// before the deal's first move. Both return only when the rows are
// committed and on disk; a group-commit writer lets concurrent tables
// share one transaction, so the cost of a commit (an fsync) is paid once
// per batch, not once per move. On SQLite the writer is pipelined: it
// commits without syncing on a connection of its own while a syncer
// fsyncs the log for the batches before, and a batch is answered only
// after a sync that began once it was committed (logsync.go). Its commits
// begin Config.CommitEvery apart at least (2 ms unless set), so the moves
// of that time share one commit and one sync even when they arrive
// evenly, not in bursts. No commit
// checkpoints SQLite's log: a goroutine of the store's own copies it into
// the database beside the writer and has it restart once it holds 32 MB
// (checkpoint.go). After a crash, InProgress returns every pulka not
// finished with its settings, seats, seeds and moves, and the tables are
// rebuilt by replaying them (rules.Replay); a move that Append had
// acknowledged is never missing (TestKillDuringAppendLosesNothingAcknowledged
// kills a writing process with SIGKILL and checks).
//
// A write whose outcome the caller cannot know — its context ended after
// the write was taken, or the commit's answer was lost with its connection
// — fails with ErrUncertain, and each kind is settled without a second
// copy: a move by Written (a final answer, sequenced after the writes in
// flight), a deal by StartDeal again with the same deal, a pulka by
// BeginPulka again with the same Pulka.Key (the pulka written first is
// returned, never a second one in progress at the table).
//
// # Table leases
//
// In a club of several processes each table is run by one of them, the
// holder of its lease (lease.go, the table_leases table): AcquireLease takes
// a table nobody holds with a fencing token one above the last,
// RenewLeases extends all of an owner's leases in one statement,
// ReleaseLease hands one over, Claimable lists what a survivor should take
// (expired or released leases, pulkas in progress without a lease). A Move,
// DealStart or Pulka carrying its table's Fence is written only if the fence is
// still the table's, checked in the write's own transaction (the lease row
// share-locked on PostgreSQL), so a process that lost a table can never
// write one more move after the new owner has read the store. Expiry uses
// the database's clock, never a process's.
//
// # Finished pulkas and ratings
//
// Finish commits a finished pulka in one transaction: the deals and moves
// the log lacks, every deal's score entry (the PULKA-FORMAT record deal),
// the fines, the settlement, and the rating change of every player
// (game/rating), with the ratings before and after kept per seat as the
// rating history. Finished pulkas are never deleted: the store has no
// delete, and a trigger refuses one.
//
// # Reading
//
// Profile, Pulkas and Archived read what the archive serves (game/archive,
// which caches them); the game's pages never query the store.
package store
