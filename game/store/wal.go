package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trelljaz/trelljaz/game/rules"
)

// DealStart is a new deal of a pulka in progress: what, with the moves,
// rebuilds it (rules.Deal without the options, which follow from the
// pulka's settings).
type DealStart struct {
	Pulka PulkaID
	// Deal is the deal's number in the pulka, from 0.
	Deal   int
	Seed   uint64
	Dealer int
	Series int
	At     time.Time
	// Fence, if set, is the table's lease: the deal is written only while
	// it is the table's (else ErrFenced).
	Fence Fence
}

// Move is one accepted move of a pulka in progress.
type Move struct {
	Pulka PulkaID
	// Deal is the deal's number in the pulka, from 0; No the move's number
	// in the deal, from 0.
	Deal, No int
	Move     rules.Move
	At       time.Time
	// Fence, if set, is the table's lease: the move is written only while
	// it is the table's (else ErrFenced), checked in the transaction that
	// writes it.
	Fence Fence
}

// StartDeal writes a new deal ahead of its moves. Like Append it returns
// once the deal is durable, sharing a transaction with the writes of other
// tables that arrive meanwhile, and its error wraps ErrUncertain when the
// deal may or may not be written. Starting the same deal again (the same
// seed, dealer and series) succeeds, so a caller may retry an uncertain
// start; another deal under a written number is refused.
func (s *Store) StartDeal(ctx context.Context, d DealStart) error {
	if d.Deal < 0 || d.Dealer < 0 || d.Dealer > 3 || d.Series < 0 {
		return fmt.Errorf("%w: deal start %+v", ErrBadInput, d)
	}
	return s.w.submit(ctx, &request{deal: &d})
}

// Append writes accepted moves ahead: it returns nil only when every one of
// them is committed and durable (on SQLite the log is synced after the
// commit, logsync.go; PostgreSQL syncs its WAL on commit), so a table
// acknowledges a move, and sends its events, only after Append returns.
// Concurrent calls, from any number of tables, share one transaction
// (group commit): the writer commits whatever has queued meanwhile. A call whose batch fails is
// retried alone, so one bad call does not fail another table's moves.
//
// A move with a (pulka, deal, number) already written is an error, as is a
// move of a deal that StartDeal has not written. When ctx ends first, or
// the commit's answer is lost, the error wraps ErrUncertain: the moves may
// or may not be written, and Written tells.
func (s *Store) Append(ctx context.Context, moves ...Move) error {
	if len(moves) == 0 {
		return nil
	}
	for _, m := range moves {
		if m.Deal < 0 || m.No < 0 {
			return fmt.Errorf("%w: move %+v", ErrBadInput, m)
		}
	}
	return s.w.submit(ctx, &request{moves: moves})
}

// Written reports whether move m (its pulka, deal and number) is written,
// with the same move. Its answer is final: it is sequenced after every
// StartDeal and Append handed to the store before it (they are committed
// or failed first), and on PostgreSQL it waits for any transaction still
// writing to m's deal (a commit whose answer was lost on a dead
// connection), so a write of m in flight when Written was called can no
// longer land after it answers false. A caller told an Append failed (a
// timeout, a lost connection) learns with Written whether the move is
// durable. A different move under m's number is an error (ErrCorrupt).
func (s *Store) Written(ctx context.Context, m Move) (bool, error) {
	if m.Deal < 0 || m.No < 0 {
		return false, fmt.Errorf("%w: move %+v", ErrBadInput, m)
	}
	r := &request{check: &m}
	if err := s.w.submit(ctx, r); err != nil {
		return false, err
	}
	return r.written, nil
}

// ErrUncertain is wrapped by a StartDeal or Append error when the write may
// or may not have been committed: the caller's context ended after the
// writer took it, or the database's answer to the commit was lost (a
// dropped connection). Written tells which. Any other error of theirs
// means nothing was written.
var ErrUncertain = errors.New("store: the write's outcome is unknown")

// request is one StartDeal, Append or Written call waiting for its
// commit (or its answer).
type request struct {
	deal  *DealStart
	moves []Move
	// check, if set, is a Written call: written is its answer, set
	// before done.
	check   *Move
	written bool
	done    chan error
}

// op names what r asks for, in its errors.
func (r *request) op() string {
	switch {
	case r.check != nil:
		return "check a move"
	case r.deal != nil:
		return "start a deal"
	}
	return "append"
}

// writer is the group-commit goroutine. Callers queue their requests
// under mu and wake it; none waits for the writer to take its request, so
// a caller is woken once a write, by its answer. (An unbuffered channel
// woke every caller twice: when the writer took the request, then with the
// answer. At 3,000 tables a 5 s execution trace counted 23 % of all the
// server's waits for a thread in the first of those wakes.)
type writer struct {
	s *Store

	mu     sync.Mutex
	queue  []*request // handed, not yet taken, in the order handed
	closed bool       // stop was called: nothing more is queued

	wake     chan struct{} // 1-buffered: the queue has something
	stopping chan struct{}
	stopped  chan struct{}
	once     sync.Once
	maxBatch int

	commits, moves atomic.Int64

	// conn and sync, on SQLite: the writer commits on a connection of its
	// own without syncing, and sync answers each batch once the log is
	// synced (logsync.go). Nil on PostgreSQL, whose COMMIT is durable.
	conn *sql.Conn
	sync *logSync
	// every, on SQLite, is the least time from one commit's start to the
	// next's (pace); began is when the last one began, and gap the timer
	// of the wait.
	every time.Duration
	began time.Time
	gap   *time.Timer
}

// commitTimeout bounds one group commit, so a database that stops
// answering fails the waiting Appends instead of hanging them.
const commitTimeout = 30 * time.Second

// Stats counts the write-ahead log's work since Open.
type Stats struct {
	// Commits is the number of group commits; Moves the moves they wrote.
	// Moves/Commits is the mean batch.
	Commits, Moves int64
}

// Stats returns the write-ahead log's counters.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.w.commits.Load(), Moves: s.w.moves.Load()}
}

func startWriter(s *Store, maxBatch int, conn *sql.Conn, sync *logSync, every time.Duration) *writer {
	w := &writer{s: s, wake: make(chan struct{}, 1), stopping: make(chan struct{}), stopped: make(chan struct{}), maxBatch: maxBatch,
		conn: conn, sync: sync, every: every, gap: time.NewTimer(0)}
	go w.run()
	return w
}

func (w *writer) submit(ctx context.Context, r *request) error {
	r.done = make(chan error, 1)
	if r.check == nil && w.s.m != nil {
		defer func(at time.Time) { w.s.m.Appended(time.Since(at)) }(time.Now())
	}
	w.mu.Lock()
	switch {
	case w.closed:
		w.mu.Unlock()
		return ErrClosed
	case ctx.Err() != nil:
		w.mu.Unlock()
		return fmt.Errorf("store: %s: %w", r.op(), ctx.Err())
	}
	w.queue = append(w.queue, r)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default: // the writer is woken already
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		if w.withdraw(r) {
			return fmt.Errorf("store: %s: %w", r.op(), ctx.Err())
		}
		select {
		case err := <-r.done: // answered meanwhile: the answer is final
			return err
		default:
		}
		// The writer has it: it may still commit.
		return fmt.Errorf("store: %s: %w (%w)", r.op(), ctx.Err(), ErrUncertain)
	}
}

// withdraw takes r out of the queue if the writer has not taken it yet,
// and reports whether it did: r is then certainly not written.
func (w *writer) withdraw(r *request) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, q := range w.queue {
		if q == r {
			last := len(w.queue) - 1
			copy(w.queue[i:], w.queue[i+1:])
			w.queue[last] = nil // keep no pointer past the end
			w.queue = w.queue[:last]
			return true
		}
	}
	return false
}

// take moves the next batch out of the queue: requests in the order
// handed, at most maxBatch of them, ending at the first check (Written),
// which must see what was handed before it committed or failed. It
// reports whether the queue still holds more.
func (w *writer) take(batch []*request) (moves []*request, check *request, more bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for n < len(w.queue) && len(batch) < w.maxBatch {
		r := w.queue[n]
		n++
		if r.check != nil {
			check = r
			break
		}
		batch = append(batch, r)
	}
	rest := copy(w.queue, w.queue[n:])
	clear(w.queue[rest:])
	w.queue = w.queue[:rest]
	return batch, check, rest > 0
}

// stop lets the writer finish the batch in hand and the requests already
// queued, then ends it.
func (w *writer) stop() error {
	w.once.Do(func() {
		w.mu.Lock()
		w.closed = true
		w.mu.Unlock()
		close(w.stopping)
	})
	<-w.stopped
	if w.sync == nil {
		return nil
	}
	err := w.sync.stop()
	if cerr := w.conn.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("store: close the writer's connection: %w", cerr)
	}
	return err
}

// answer tells r its commit's outcome: at once, or on SQLite, when the
// commit succeeded, once the log is synced.
func (w *writer) answer(r *request, err error) {
	if err == nil && w.sync != nil {
		w.sync.after(r)
		return
	}
	r.done <- err
}

// begin begins the writer's transaction: on its own connection on SQLite.
// It returns the context of the transaction's statements.
//
// On SQLite that context cannot end: modernc.org/sqlite starts a goroutine
// to watch a context that can, for every statement (its interruptOnDone),
// and a batch runs one a move besides BEGIN and COMMIT: at 3,000 tables
// some 3,000 goroutines a second made and woken only to exit. A statement
// on the local file waits for nothing but the file's lock, which the
// busy_timeout bounds; the wait for the write slot keeps ctx's deadline.
// (BEGIN and COMMIT are statements too: the transaction is begun under
// the same context.)
func (w *writer) begin(ctx context.Context) (*sql.Tx, context.Context, func(), error) {
	if w.conn == nil {
		tx, done, err := w.s.beginWrite(ctx)
		return tx, ctx, done, err
	}
	if err := w.sync.err(); err != nil {
		return nil, nil, func() {}, fmt.Errorf("store: writes refused since the log could not be synced: %v", err)
	}
	stmts := context.WithoutCancel(ctx)
	tx, done, err := w.s.beginWriteOn(ctx, w.conn, stmts)
	return tx, stmts, done, err
}

func (w *writer) run() {
	defer close(w.stopped)
	batch := make([]*request, 0, w.maxBatch)
	more := false
	for {
		if !more {
			select {
			case <-w.wake:
			case <-w.stopping:
				// Nothing is queued after closed is set: finish what was.
				for more = true; more; {
					more = w.writeNext(batch[:0])
				}
				return
			}
		}
		more = w.writeNext(batch[:0])
	}
}

// writeNext commits the next batch of the queue and answers its check, if
// any. It reports whether the queue holds more.
func (w *writer) writeNext(batch []*request) (more bool) {
	if w.sync != nil {
		w.sync.ready() // one batch ahead of the sync at most
		w.pace()
	}
	batch, check, more := w.take(batch)
	if len(batch) > 0 {
		w.commitAll(batch)
	}
	clear(batch)
	if check != nil {
		var err error
		check.written, err = w.written(*check.check)
		if !check.written {
			check.done <- err // nothing to sync: final now
		} else {
			w.answer(check, err) // durable once the log is synced
		}
	}
	return more
}

// pace waits until every has passed since the last commit began, so that
// the writes handed meanwhile share the next commit and its sync; a
// stopping writer does not wait. Measured at 3,000 tables (about 2,700
// moves a second, arriving evenly): committing and syncing as soon as
// anything was queued made 980–1,100 commits and syncs a second of 2.5–2.8
// moves each, and the server spent 0.338 ms of CPU a move; paced at 2 ms,
// 330 commits of 8.5 moves and 0.286–0.291 ms.
func (w *writer) pace() {
	if wait := w.every - time.Since(w.began); wait > 0 {
		w.gap.Reset(wait)
		select {
		case <-w.gap.C:
		case <-w.stopping:
		}
	}
	w.began = time.Now()
}

// written answers a Written call: under a lock on the move's deal (on
// PostgreSQL: a transaction inserting a move holds a key-share lock on its
// deal through the foreign key until it ends), is the move there?
func (w *writer) written(m Move) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	tx, done, err := w.s.beginWrite(ctx)
	if err != nil {
		return false, fmt.Errorf("store: check move %d of deal %d of pulka %d: %w", m.No, m.Deal, m.Pulka, err)
	}
	defer done()
	defer rollback(tx)
	var one int
	err = tx.QueryRowContext(ctx, "SELECT 1 FROM deals WHERE pulka_id = $1 AND deal_no = $2"+w.s.forUpdate(), int64(m.Pulka), m.Deal).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil // no deal, no move
	case err != nil:
		return false, fmt.Errorf("store: check move %d of deal %d of pulka %d: %w", m.No, m.Deal, m.Pulka, err)
	}
	var js string
	err = tx.QueryRowContext(ctx, "SELECT move FROM moves WHERE pulka_id = $1 AND deal_no = $2 AND move_no = $3", int64(m.Pulka), m.Deal, m.No).Scan(&js)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: check move %d of deal %d of pulka %d: %w", m.No, m.Deal, m.Pulka, err)
	}
	var got rules.Move
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		return false, fmt.Errorf("%w: move %d of deal %d of pulka %d: %v", ErrCorrupt, m.No, m.Deal, m.Pulka, err)
	}
	if got != m.Move {
		return false, fmt.Errorf("%w: move %d of deal %d of pulka %d is %+v, not %+v", ErrCorrupt, m.No, m.Deal, m.Pulka, got, m.Move)
	}
	return true, nil
}

// commitAll commits a batch in one transaction, or each request alone when
// the batch fails, and tells every caller its outcome.
func (w *writer) commitAll(batch []*request) {
	err := w.commit(batch)
	// A batch whose commit may have landed is not written again alone (its
	// moves would then look refused as duplicates): each caller learns the
	// outcome is unknown.
	if err == nil || len(batch) == 1 || errors.Is(err, ErrUncertain) {
		for _, r := range batch {
			w.answer(r, err)
		}
		return
	}
	for _, r := range batch {
		w.answer(r, w.commit([]*request{r}))
	}
}

// movesPerInsert bounds one multi-row INSERT (5 parameters a row, far
// under both engines' parameter limits).
const movesPerInsert = 200

func (w *writer) commit(batch []*request) error {
	at := time.Now()
	// A caller's cancellation must not abort the others' commit.
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	tx, ctx, done, err := w.begin(ctx) // ctx: the statements' from here
	if err != nil {
		return fmt.Errorf("store: write ahead: %w", err)
	}
	defer done()
	defer rollback(tx)
	var fences []Fence
	for _, r := range batch {
		if r.deal != nil {
			fences = append(fences, r.deal.Fence)
		}
		for _, m := range r.moves {
			fences = append(fences, m.Fence)
		}
	}
	if err := w.s.checkFences(ctx, tx, fences); err != nil {
		return err
	}
	var moves []Move
	for _, r := range batch {
		if d := r.deal; d != nil {
			if err := writeDeal(ctx, tx, d); err != nil {
				return err
			}
		}
		moves = append(moves, r.moves...)
	}
	written := len(moves)
	if w.s.insertMove != nil && len(moves) > 0 {
		if err := insertEachMove(ctx, tx.StmtContext(ctx, w.s.insertMove), moves); err != nil {
			return err
		}
		moves = nil
	}
	for len(moves) > 0 {
		n := min(len(moves), movesPerInsert)
		if err := insertMoves(ctx, tx, moves[:n], ""); err != nil {
			return err
		}
		moves = moves[n:]
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit moves: %w (%w)", err, ErrUncertain)
	}
	w.commits.Add(1)
	w.moves.Add(int64(written))
	w.s.m.Commit(time.Since(at), len(batch))
	return nil
}

// writeDeal writes deal start d, once: the same start again (a retry
// whose first answer was lost, ErrUncertain) is written already and
// succeeds; another deal under its number is refused (ErrBadInput).
func writeDeal(ctx context.Context, tx *sql.Tx, d *DealStart) error {
	res, err := tx.ExecContext(ctx,
		"INSERT INTO deals (pulka_id, deal_no, seed, dealer, series, started_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (pulka_id, deal_no) DO NOTHING",
		int64(d.Pulka), d.Deal, int64(d.Seed), d.Dealer, d.Series, ms(d.At))
	if err != nil {
		return fmt.Errorf("store: write deal %d of pulka %d: %w", d.Deal, d.Pulka, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var seed int64
	var dealer, series int
	err = tx.QueryRowContext(ctx, "SELECT seed, dealer, series FROM deals WHERE pulka_id = $1 AND deal_no = $2", int64(d.Pulka), d.Deal).Scan(&seed, &dealer, &series)
	if err != nil {
		return fmt.Errorf("store: read deal %d of pulka %d: %w", d.Deal, d.Pulka, err)
	}
	if uint64(seed) != d.Seed || dealer != d.Dealer || series != d.Series {
		return fmt.Errorf("%w: deal %d of pulka %d is written already, another deal", ErrBadInput, d.Deal, d.Pulka)
	}
	return nil
}

// insertMoveSQL writes one move (insertEachMove).
const insertMoveSQL = "INSERT INTO moves (pulka_id, deal_no, move_no, move, at_ms) VALUES ($1, $2, $3, $4, $5)"

// insertEachMove writes moves one by one with insert, insertMoveSQL
// prepared: on SQLite a row costs no round trip, and the statement is not
// parsed again.
func insertEachMove(ctx context.Context, insert *sql.Stmt, moves []Move) error {
	for _, m := range moves {
		js, err := json.Marshal(m.Move)
		if err != nil {
			return fmt.Errorf("%w: move %d of deal %d of pulka %d: %v", ErrBadInput, m.No, m.Deal, m.Pulka, err)
		}
		if _, err := insert.ExecContext(ctx, int64(m.Pulka), m.Deal, m.No, string(js), ms(m.At)); err != nil {
			return fmt.Errorf("store: write move %d of deal %d of pulka %d: %w", m.No, m.Deal, m.Pulka, err)
		}
	}
	return nil
}

// insertMoves writes moves with one statement; suffix may add an ON
// CONFLICT clause.
func insertMoves(ctx context.Context, tx *sql.Tx, moves []Move, suffix string) error {
	var q strings.Builder
	q.WriteString("INSERT INTO moves (pulka_id, deal_no, move_no, move, at_ms) VALUES ")
	args := make([]any, 0, 5*len(moves))
	for i, m := range moves {
		js, err := json.Marshal(m.Move)
		if err != nil {
			return fmt.Errorf("%w: move %d of deal %d of pulka %d: %v", ErrBadInput, m.No, m.Deal, m.Pulka, err)
		}
		if i > 0 {
			q.WriteByte(',')
		}
		n := len(args)
		fmt.Fprintf(&q, "($%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5)
		args = append(args, int64(m.Pulka), m.Deal, m.No, string(js), ms(m.At))
	}
	q.WriteString(suffix)
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("store: write %d moves: %w", len(moves), err)
	}
	return nil
}
