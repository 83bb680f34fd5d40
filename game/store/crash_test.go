package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/storetest"
)

// crashChildEnv, when set to a database URL, makes the test binary the
// child of TestKillDuringAppendLosesNothingAcknowledged.
const crashChildEnv = "TRELLJAZ_STORE_CRASH_CHILD"

const (
	crashTables = 4
	crashAcks   = 300 // acknowledged moves before the kill
)

func crashNames(table int) []string {
	return []string{fmt.Sprint("A", table), fmt.Sprint("B", table), fmt.Sprint("C", table)}
}

func crashPlay(table int) (storetest.Played, error) {
	return storetest.Play(uint64(1000+table), crashNames(table), 30)
}

// crashChild plays crashTables pulkas concurrently, writing every move ahead,
// and prints "pulka TABLE ID" for each pulka and "ack ID DEAL NO" after
// each Append returns. It runs until killed.
func crashChild() int {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{URL: os.Getenv(crashChildEnv)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var wg sync.WaitGroup
	start := make(chan struct{}) // every pulka begins before the first move
	for table := range crashTables {
		p, err := crashPlay(table)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		var seats []account.ID
		for _, n := range crashNames(table) {
			pl, err := s.SignIn(ctx, account.Identity{Provider: account.ProviderDev, ProviderUserID: n, Name: n})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			seats = append(seats, pl.ID)
		}
		id, err := s.BeginPulka(ctx, p.Pulka(fmt.Sprint("table-", table), seats, time.Now()))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("pulka %d %d\n", table, id)
		wg.Go(func() {
			<-start
			for i := range p.Deals {
				if err := s.StartDeal(ctx, p.Starts(id, i, time.Now())); err != nil {
					fmt.Fprintln(os.Stderr, err)
					return
				}
				for _, m := range p.Moves(id, i, time.Now()) {
					if err := s.Append(ctx, m); err != nil {
						fmt.Fprintln(os.Stderr, err)
						return
					}
					fmt.Printf("ack %d %d %d\n", m.Pulka, m.Deal, m.No)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	fmt.Println("done")
	select {} // wait for the kill
}

func TestKillDuringAppendLosesNothingAcknowledged(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			url := e.url(t)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+url)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// A child that hangs is killed after a minute; the test then
			// fails on too few acknowledgements.
			watchdog := time.AfterFunc(time.Minute, func() { _ = cmd.Process.Kill() })
			defer watchdog.Stop()
			type key struct {
				pulka    store.PulkaID
				deal, no int
			}
			acked := map[key]bool{}
			tables := map[store.PulkaID]int{}
			sc := bufio.NewScanner(out)
			killed := false
			for sc.Scan() {
				var k key
				var table int
				var id store.PulkaID
				switch line := sc.Text(); {
				case fmtScan(line, "ack %d %d %d", &k.pulka, &k.deal, &k.no):
					acked[k] = true
				case fmtScan(line, "pulka %d %d", &table, &id):
					tables[id] = table
				}
				if !killed && (len(acked) >= crashAcks || sc.Text() == "done") {
					// kill -9: no deferred function, no Close, no flush.
					if err := cmd.Process.Kill(); err != nil {
						t.Fatal(err)
					}
					killed = true
				}
			}
			_ = cmd.Wait()
			if !killed || len(acked) < crashAcks {
				t.Fatalf("the child acknowledged %d moves before it died, want %d", len(acked), crashAcks)
			}
			s := open(t, url)
			prs, err := s.InProgress(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(prs) != crashTables {
				t.Fatalf("%d pulkas in progress after the kill, want %d", len(prs), crashTables)
			}
			stored := 0
			for _, pr := range prs {
				p, err := crashPlay(tables[pr.ID])
				if err != nil {
					t.Fatal(err)
				}
				for i, d := range pr.Deals {
					moves := make([]rules.Move, len(d.Moves))
					for j, m := range d.Moves {
						moves[j] = m.Move
						delete(acked, key{pr.ID, i, j})
					}
					stored += len(moves)
					// What is stored is exactly what was played, in order.
					if want := p.Deals[i].Moves[:len(moves)]; !reflect.DeepEqual(moves, want) {
						t.Errorf("pulka %d deal %d: stored moves differ from those played", pr.ID, i)
					}
					if d.Seed != p.Deals[i].Seed {
						t.Errorf("pulka %d deal %d: seed %d, want %d", pr.ID, i, d.Seed, p.Deals[i].Seed)
					}
				}
			}
			if len(acked) > 0 {
				t.Errorf("%d acknowledged moves lost, e.g. %v", len(acked), firstKey(acked))
			}
			t.Logf("kill -9 after %d acknowledged moves: %d moves stored, none acknowledged lost", crashAcks, stored)
		})
	}
}

func fmtScan(line, format string, args ...any) bool {
	n, err := fmt.Sscanf(line, format, args...)
	return err == nil && n == len(args)
}

func firstKey[K comparable](m map[K]bool) K {
	var zero K
	for k := range m {
		return k
	}
	return zero
}
