package cluster_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// startPulka joins every player to their process's lobby, seats them all
// at a table the first one sets with options (seatAll), and lets each play
// from their own goroutine until ctx ends; it returns the table's id.
func startPulka(ctx context.Context, t *testing.T, ps []*player, options map[string]json.RawMessage) string {
	t.Helper()
	for _, p := range ps {
		p.proc.lobby.Join(p, 0)
	}
	id := seatAll(t, ps, options)
	for _, p := range ps {
		go p.play(ctx, t)
	}
	return id
}

// waitSettled waits (two minutes at most) until every player has the
// pulka's settlement.
func waitSettled(t *testing.T, ps []*player) {
	t.Helper()
	waitFor(t, 2*time.Minute, "the pulka's settlement at every seat", func() bool {
		for _, p := range ps {
			if p.settled() == nil {
				return false
			}
		}
		return true
	})
}

// heldClub starts what a test of a write whose answer the owner loses
// needs: Redis; a PostgreSQL of the test's own (named name) and its
// control, which can make commits wait on synchronous replication (only
// process a's: b and the control commit locally); process a, the owner,
// whose lease of a minute outlives the wait, so that it settles the write
// itself before it hands the table over; process b; and Anna, Boris and
// Vera signed in across them.
func heldClub(t *testing.T, name string) (ctl *control, a, b *process, ps []*player) {
	t.Helper()
	rd := redistest.Start(t)
	_, db := ownDatabase(t, name)
	ctl, local := controlOf(t, db)
	a = startProcessWith(t, "a", rd.URL(), db, time.Minute)
	b = startProcess(t, "b", rd.URL(), local)
	return ctl, a, b, signIn(t, []*process{a, b}, "Anna", "Boris", "Vera")
}

// sit seats c at seat i of table id, once c's process lists the table.
func sit(t *testing.T, c *player, id string, i int) {
	t.Helper()
	c.mu.Lock()
	c.table = id
	c.mu.Unlock()
	waitFor(t, 20*time.Second, c.p.Name+"'s process lists the table", func() bool {
		_, ok := c.proc.node.Table(id)
		return ok
	})
	h, _ := c.proc.node.Table(id)
	h.Watch(c, 0)
	h.Sit(c, i)
}

// stand stands c up at its table.
func stand(t *testing.T, c *player) {
	t.Helper()
	if h := c.handle(t); h != nil {
		h.Stand(c)
	}
}

// control is a connection to a test's own PostgreSQL server that does not
// wait on synchronous replication (synchronous_commit=local), to lock,
// reconfigure and kill what the processes do.
type control struct {
	t  *testing.T
	db *sql.DB
}

// controlOf opens a control connection to the database url and returns
// it with the URL of that database for processes whose commits must not
// wait on synchronous replication either.
func controlOf(t *testing.T, url string) (*control, string) {
	t.Helper()
	local := url + "&synchronous_commit=local"
	db, err := sql.Open("pgx", local)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &control{t: t, db: db}, local
}

// exec runs q, failing the test on an error.
func (c *control) exec(q string, args ...any) {
	c.t.Helper()
	if _, err := c.db.ExecContext(context.Background(), q, args...); err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
}

// backend waits (a minute at most) for a backend of the database that
// matches where (a condition on pg_stat_activity) and returns its pid.
func (c *control) backend(what, where string) int {
	c.t.Helper()
	var pid int
	waitFor(c.t, time.Minute, what, func() bool {
		err := c.db.QueryRowContext(context.Background(),
			"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "+where+" LIMIT 1").Scan(&pid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			c.t.Fatal(err)
		}
		return err == nil
	})
	return pid
}

// count returns the integer q selects.
func (c *control) count(q string, args ...any) int {
	c.t.Helper()
	var n int
	if err := c.db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// syncStandby makes every commit but the control's (and those of
// processes on its URL) wait for a standby that does not exist, or stops
// that: a commit waiting so is durable, and killing its connection loses
// its answer.
//
// pg_reload_conf only asks the postmaster, which signals every backend
// later: a commit read before its backend got the signal would not wait.
// So syncStandby waits until the control's own backend runs with the new
// setting — it got the postmaster's signal, which the postmaster sends
// to every backend at once, and each applies it before the next command
// it reads. That is not enough to turn it on: whether a commit waits is
// read from shared memory (sync_standbys_defined), which the checkpointer
// sets once it has taken the setting in, in its own time (under load a
// commit slipped through before it: TestAPulkaStartWhoseWriteIsUnconfirmedIsOnePulka
// looked a minute for a COMMIT waiting on replication). So syncStandby(true)
// then waits until a probe commit does wait (commitsWait).
func (c *control) syncStandby(on bool) {
	c.t.Helper()
	want := "nobody"
	if on {
		c.exec("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
	} else {
		want = ""
		c.exec("ALTER SYSTEM RESET synchronous_standby_names")
	}
	c.exec("SELECT pg_reload_conf()")
	waitFor(c.t, time.Minute, "synchronous_standby_names = '"+want+"' in effect", func() bool {
		var got string
		if err := c.db.QueryRowContext(context.Background(), "SHOW synchronous_standby_names").Scan(&got); err != nil {
			c.t.Fatal(err)
		}
		return got == want
	})
	if on {
		c.commitsWait()
	}
}

// commitsWait waits (a minute at most) until a commit of a session with
// synchronous_commit on waits on replication: it commits a probe
// transaction on a connection of its own until one waits, then cancels
// that wait (the probe commits locally) and gives the connection back
// as it found it.
func (c *control) commitsWait() {
	c.t.Helper()
	ctx := context.Background()
	conn, err := c.db.Conn(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close()
	var pid int
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		c.t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS sync_probe (n int)"); err != nil {
		c.t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "SET synchronous_commit = on"); err != nil {
		c.t.Fatal(err)
	}
	waitFor(c.t, time.Minute, "a probe commit waiting on replication", func() bool {
		done := make(chan error, 1)
		go func() {
			_, err := conn.ExecContext(ctx, "INSERT INTO sync_probe VALUES (1)") // a commit that writes, so it waits
			done <- err
		}()
		for {
			select {
			case err := <-done: // committed without waiting: not in effect yet
				if err != nil {
					c.t.Fatal(err)
				}
				return false
			case <-time.After(5 * time.Millisecond):
			}
			var waiting bool
			if err := c.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'SyncRep')", pid).Scan(&waiting); err != nil {
				c.t.Fatal(err)
			}
			if waiting {
				c.exec("SELECT pg_cancel_backend($1)", pid) // the wait ends with a warning; the probe is committed locally
				if err := <-done; err != nil {
					c.t.Fatal(err)
				}
				return true
			}
		}
	})
	if _, err := conn.ExecContext(ctx, "RESET synchronous_commit"); err != nil {
		c.t.Fatal(err)
	}
}
