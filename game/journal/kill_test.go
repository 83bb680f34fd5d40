package journal_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

// killChildEnv, when set to a database URL, makes the test binary the
// server TestAKilledServersPulkaComesBack kills.
const killChildEnv = "TRELLJAZ_JOURNAL_KILL_CHILD"

// killAfter is how many acknowledged moves the server makes before the kill.
const killAfter = 30

// ackJournal prints "ack DEAL INDEX" once the journal acknowledged a move
// (before its events go out).
type ackJournal struct{ *journal.Journal }

func (j ackJournal) Move(m table.MoveEntry) error {
	if err := j.Journal.Move(m); err != nil {
		return err
	}
	fmt.Printf("ack %d %d\n", m.Deal, m.Index)
	return nil
}

// killChild is the server: Anna against two bots, everyone playing the
// first legal move, journaled to the store, until killed.
func killChild(url string) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: url, Logger: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	anna, err := st.SignIn(ctx, account.Identity{Provider: "github", ProviderUserID: "17", Name: "Anna"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	me := &player{p: protocol.Player{ID: strconv.FormatInt(int64(anna.ID), 10), Name: anna.Name}, in: make(chan []byte, 1<<16)}
	tb, err := table.New(table.Config{ID: "t1", Creator: me.p, Journal: ackJournal{journal.New(st, quiet, nil)},
		BotDelay: time.Millisecond, DealPause: time.Millisecond, Logger: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	me.tbl = tb
	tb.SetConventions(me, "sochi", map[string]json.RawMessage{"pool_target": json.RawMessage("3")})
	tb.AddBot(me, 1)
	tb.AddBot(me, 2)
	me.play(ctx) // until killed
}

// TestAKilledServersPulkaComesBack kills (SIGKILL) a server in the middle
// of a pulka, restores the pulka from the store in this process: every
// move the journal acknowledged is there, and the pulka plays on to an
// archive holding every move once. On SQLite and on PostgreSQL.
func TestAKilledServersPulkaComesBack(t *testing.T) {
	if url := os.Getenv(killChildEnv); url != "" {
		killChild(url)
		return
	}
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { killAndRestore(t, e.url(t)) })
	}
}

func killAndRestore(t *testing.T, url string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestAKilledServersPulkaComesBack$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+url)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[int]int{} // moves acknowledged by deal
	lines := bufio.NewScanner(out)
	for n := 0; n < killAfter && lines.Scan(); {
		var deal, index int
		if _, err := fmt.Sscanf(lines.Text(), "ack %d %d", &deal, &index); err == nil {
			acked[deal] = max(acked[deal], index+1)
			n++
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() { // what it acknowledged before it died
		var deal, index int
		if _, err := fmt.Sscanf(lines.Text(), "ack %d %d", &deal, &index); err == nil {
			acked[deal] = max(acked[deal], index+1)
		}
	}
	_ = cmd.Wait()
	if len(acked) == 0 {
		t.Fatal("the server acknowledged nothing")
	}

	st, err := store.Open(ctx, store.Config{URL: url, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	finished := make(chan store.PulkaID, 1)
	j := journal.New(st, quiet, func(id store.PulkaID) { finished <- id })
	rs, err := j.InProgress(ctx)
	if err != nil || len(rs) != 1 {
		t.Fatalf("%d pulkas in progress (%v), want 1", len(rs), err)
	}
	for deal, n := range acked {
		if deal > len(rs[0].Deals) || len(rs[0].Deals[deal-1].Moves) < n {
			t.Fatalf("deal %d: %d moves acknowledged, the store has fewer", deal, n)
		}
	}
	me := &player{p: rs[0].Players[0], in: make(chan []byte, 1<<16)}
	rt, err := table.Restore(table.Config{Journal: j, BotDelay: time.Millisecond, DealPause: time.Millisecond, Logger: quiet}, rs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Stop()
	me.tbl = rt
	go me.play(ctx)
	rt.Watch(me, 0)
	var id store.PulkaID
	select {
	case id = <-finished:
	case <-ctx.Done():
		t.Fatal("the restored pulka was not archived")
	}
	var stored, archived []rules.Move
	for _, d := range rs[0].Deals {
		for _, m := range d.Moves {
			stored = append(stored, m.Move)
		}
	}
	a, err := st.Archived(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range a.Deals {
		for _, m := range d.Moves {
			archived = append(archived, m.Move)
		}
	}
	if all := moves(rt.Records()); !slices.Equal(archived, all) || !slices.Equal(all[:len(stored)], stored) {
		t.Fatalf("archived %d moves; the table played %d, %d of them before the kill", len(archived), len(all), len(stored))
	}
}
