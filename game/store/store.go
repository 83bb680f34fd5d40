package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/rating"
)

// DefaultDataDir is where the embedded SQLite database lives when no
// directory is given.
const DefaultDataDir = "./trelljaz-data"

// DefaultCommitEvery is Config.CommitEvery's default.
const DefaultCommitEvery = 2 * time.Millisecond

// DBFile is the SQLite database's file name in the data directory.
const DBFile = "trelljaz.db"

// Engine names a database engine.
type Engine string

// The engines a Store runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Errors of a Store besides those of account.Directory.
var (
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
	// ErrNoPulka: no such pulka (or, for Finish, none in progress).
	ErrNoPulka = errors.New("store: no such pulka")
	// ErrBadInput: the caller passed something the store refuses to write.
	ErrBadInput = errors.New("store: bad input")
)

// Config says which database to open.
type Config struct {
	// URL selects the database. Empty: SQLite in DataDir/trelljaz.db.
	// "sqlite:PATH" or "file:PATH": SQLite in the file PATH.
	// "postgres://..." or "postgresql://...": PostgreSQL through pgx
	// (any libpq URL or key=value DSN after the scheme is passed on).
	URL string
	// DataDir is the directory of the embedded SQLite database, created
	// (0700) when missing. Default DefaultDataDir.
	DataDir string
	// Rating is the rating system's constants. Zero: rating.DefaultConfig.
	Rating rating.Config
	// MaxBatch is the most Append and StartDeal calls one group commit
	// writes. Default 256.
	MaxBatch int
	// CommitEvery is, on SQLite, the least time from the start of one
	// group commit of moves to the next (wal.go, pace): the writes handed
	// meanwhile share one commit and one sync of the log. Zero:
	// DefaultCommitEvery; negative: commit as soon as anything is queued.
	CommitEvery time.Duration
	// Logger receives the store's logs. Default slog.Default().
	Logger *slog.Logger
	// Metrics, if set, records the group commits' times and sizes and
	// each write's wait for its commit.
	Metrics *metrics.Metrics
}

// Store is the club's durable store. Its methods are safe for concurrent use.
type Store struct {
	db     *sql.DB
	engine Engine
	rating rating.Config
	log    *slog.Logger
	w      *writer
	m      *metrics.Metrics

	// finishMu serializes Finish in this process, so that ratings are
	// read and written in order; PostgreSQL row locks do the same across
	// processes.
	finishMu sync.Mutex
	// writing admits one write transaction at a time on SQLite (a
	// semaphore, so a waiter can give up with its context): writers queue
	// here in Go instead of contending for SQLite's lock, whose busy
	// handler failed a burst of sign-ins at once (SQLITE_BUSY). Nil on
	// PostgreSQL, whose row locks let writers run together.
	writing chan struct{}
	signups *signups // new players' group commit (signup.go)
	// detached counts the writes that outlive their caller's context
	// (BeginPulka): Close waits for them. closing, under detachedMu,
	// refuses new ones once Close has begun.
	detachedMu sync.Mutex
	detached   sync.WaitGroup
	closing    bool
	// insertMove is one move's INSERT prepared once on SQLite, where the
	// group commit writes a batch's moves with it (wal.go): a multi-row
	// INSERT was parsed anew for every batch. Nil on PostgreSQL, where one
	// statement for the batch saves round trips.
	insertMove *sql.Stmt
	ckpt       *checkpointer // SQLite's, nil on PostgreSQL (checkpoint.go)
	closeOnce  sync.Once
	closeErr   error
}

// sqliteConns bounds SQLite's connections and keeps them all open. With
// database/sql's default of 2 idle connections, a burst of concurrent reads
// (sign-ins under trelljaz-load) opened and closed a connection each time:
// every open runs the DSN's pragmas (journal_mode=WAL among them), which
// wait behind the writer under busy_timeout, so sign-ins took seconds.
// Readers do not block one another in WAL mode; 16 is plenty for the
// writer, Finish, sign-ins and the archive's reads.
const sqliteConns = 16

//go:embed migrations
var migrations embed.FS

// Open opens the database cfg selects and applies the migrations it lacks.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	engine, driver, dsn, err := source(cfg)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", engine, err)
	}
	if engine == Postgres {
		// Enough for the writer, Finish and the archive's reads; a
		// PostgreSQL server's default limit is 100 for every client.
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(4)
	} else {
		db.SetMaxOpenConns(sqliteConns)
		db.SetMaxIdleConns(sqliteConns)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", engine, err)
	}
	if err := migrate(ctx, db, engine); err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, engine: engine, rating: cfg.Rating, log: cfg.Logger, m: cfg.Metrics}
	if engine == SQLite {
		s.writing = make(chan struct{}, 1)
		if s.insertMove, err = db.PrepareContext(ctx, insertMoveSQL); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: prepare the moves' insert: %w", err)
		}
	}
	if s.rating == (rating.Config{}) {
		s.rating = rating.DefaultConfig()
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("store", string(engine))
	maxBatch := cfg.MaxBatch
	if maxBatch <= 0 {
		maxBatch = 256
	}
	var wconn *sql.Conn
	var sync *logSync
	if engine == SQLite {
		if wconn, sync, err = writerConn(ctx, db, sqlitePath(dsn), cfg.Metrics); err != nil {
			db.Close()
			return nil, err
		}
	}
	every := cfg.CommitEvery
	if every == 0 {
		every = DefaultCommitEvery
	}
	s.w = startWriter(s, maxBatch, wconn, sync, every)
	if engine == SQLite {
		if s.ckpt, err = startCheckpointer(ctx, s, checkpointEvery, restartPages); err != nil {
			_ = s.w.stop()
			db.Close()
			return nil, err
		}
	}
	s.signups = startSignups(s)
	return s, nil
}

// source returns the engine, driver name and data source name for cfg.
func source(cfg Config) (Engine, string, string, error) {
	u := cfg.URL
	switch {
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return Postgres, "pgx", u, nil
	case u == "":
		dir := cfg.DataDir
		if dir == "" {
			dir = DefaultDataDir
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", "", "", fmt.Errorf("store: data directory: %w", err)
		}
		return SQLite, "sqlite", sqliteDSN(filepath.Join(dir, DBFile)), nil
	case strings.HasPrefix(u, "sqlite:"):
		return SQLite, "sqlite", sqliteDSN(strings.TrimPrefix(u, "sqlite:")), nil
	case strings.HasPrefix(u, "file:"):
		return SQLite, "sqlite", sqliteDSN(strings.TrimPrefix(u, "file:")), nil
	}
	return "", "", "", fmt.Errorf("store: database URL %q: want postgres://..., sqlite:PATH or empty", u)
}

// sqlitePath is the database file of a DSN sqliteDSN made.
func sqlitePath(dsn string) string {
	p, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return p
}

// sqliteDSN opens path in WAL mode with synchronous=FULL (a commit is on
// disk, not only in the OS cache, when it returns), foreign keys on, a busy
// timeout, and write transactions that take the write lock when they begin
// (so two writers wait for each other instead of failing on an upgrade).
//
// Not synchronous=NORMAL, though SQLite recommends it with WAL and it would
// spare the commit's fsync (about 8 % of the server's CPU at 300 tables,
// less per move as the group commit's batches grow under load): in WAL mode
// NORMAL loses the last committed transactions on a power loss or an OS
// crash (not on a process crash), and a table shows a move to its players
// only once Append has returned. A club that lost moves its players saw
// would rebuild a different deal. (The moves' writer commits on a
// connection of its own at NORMAL and syncs the log itself before it
// answers, beside its next commit: logsync.go.)
func sqliteDSN(path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i] // options are the store's to choose
	}
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=wal_autocheckpoint(0)" + // the checkpointer's (checkpoint.go)
		"&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"
}

// migrate applies the embedded migrations of engine with goose. On
// PostgreSQL a session advisory lock keeps two processes starting at once
// from migrating together.
func migrate(ctx context.Context, db *sql.DB, engine Engine) error {
	dir, err := fs.Sub(migrations, "migrations/"+string(engine))
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if engine == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db, dir, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s: %w", engine, err)
	}
	return nil
}

// Engine returns the engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// DB returns the database handle, for tests and tools. Writing through it
// bypasses the store's guarantees.
func (s *Store) DB() *sql.DB { return s.db }

// Close waits for the writes in flight, refuses new ones with ErrClosed
// and closes the database.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.detachedMu.Lock()
		s.closing = true
		s.detachedMu.Unlock()
		s.detached.Wait() // each bounded by commitTimeout
		s.signups.stop()
		werr := s.w.stop()
		if s.ckpt != nil {
			werr = errors.Join(werr, s.ckpt.stop())
		}
		if s.insertMove != nil {
			_ = s.insertMove.Close() // the database's Close ends it anyway
		}
		s.closeErr = errors.Join(werr, s.db.Close())
	})
	return s.closeErr
}

// detach counts a write that outlives its caller's context, for Close to
// wait for; false once Close has begun (the write must not start).
func (s *Store) detach() bool {
	s.detachedMu.Lock()
	defer s.detachedMu.Unlock()
	if s.closing {
		return false
	}
	s.detached.Add(1)
	return true
}

// forUpdate is the row-lock clause of a SELECT: SQLite's write
// transactions are serial already and have none.
func (s *Store) forUpdate() string {
	if s.engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// isUnique reports whether err is a unique-constraint violation whose
// message or constraint names column.
func isUnique(err error, column string) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505" && strings.Contains(pe.ConstraintName+" "+pe.Detail, column)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) &&
			strings.Contains(se.Error(), column)
	}
	return false
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// rollback ends a transaction that did not commit; its error is of no use
// after the one that caused it.
func rollback(tx *sql.Tx) { _ = tx.Rollback() }

// beginWrite begins a write transaction; done must be called after it
// commits or rolls back (defer done() before defer rollback(tx)).
func (s *Store) beginWrite(ctx context.Context) (tx *sql.Tx, done func(), err error) {
	return s.beginWriteOn(ctx, nil, ctx)
}

// writeSlot waits under ctx for SQLite's one write slot and returns its
// release; on PostgreSQL there is none to wait for.
func (s *Store) writeSlot(ctx context.Context) (release func(), err error) {
	if s.writing == nil {
		return func() {}, nil
	}
	select {
	case s.writing <- struct{}{}:
		return func() { <-s.writing }, nil
	case <-ctx.Done():
		return func() {}, ctx.Err()
	}
}

// beginWriteOn is beginWrite on connection conn (nil: any of the pool's):
// it waits for the write slot under ctx and begins the transaction under
// txCtx.
func (s *Store) beginWriteOn(ctx context.Context, conn *sql.Conn, txCtx context.Context) (tx *sql.Tx, done func(), err error) {
	done, err = s.writeSlot(ctx)
	if err != nil {
		return nil, done, err
	}
	if conn != nil {
		tx, err = conn.BeginTx(txCtx, nil)
	} else {
		tx, err = s.db.BeginTx(txCtx, nil)
	}
	if err != nil {
		done()
		return nil, func() {}, err
	}
	return tx, done, nil
}
