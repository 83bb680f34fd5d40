package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/storetest"
)

var t0 = time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)

func signIn(t testing.TB, s *store.Store, names ...string) []account.ID {
	t.Helper()
	ids := make([]account.ID, len(names))
	for i, n := range names {
		p, err := s.SignIn(context.Background(), account.Identity{Provider: account.ProviderDev, ProviderUserID: account.NameKey(n), Name: n})
		if err != nil {
			t.Fatalf("sign in %q: %v", n, err)
		}
		ids[i] = p.ID
	}
	return ids
}

func play(t testing.TB, seed uint64, names []string, maxDeals int) storetest.Played {
	t.Helper()
	p, err := storetest.Play(seed, names, maxDeals)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// writeAhead writes every deal and move of p through StartDeal and Append,
// a few moves a call.
// writtenAhead begins a pulka of three deals (seed 5) for names, who sign
// in, and writes all its deals and moves ahead, as a table would; it
// returns the play, the pulka and the players' ids.
func writtenAhead(t testing.TB, s *store.Store, names []string) (storetest.Played, store.PulkaID, []account.ID) {
	t.Helper()
	ids := signIn(t, s, names...)
	p := play(t, 5, names, 3)
	id, err := s.BeginPulka(context.Background(), p.Pulka("t", ids, t0))
	if err != nil {
		t.Fatal(err)
	}
	writeAhead(t, s, p, id)
	return p, id, ids
}

func writeAhead(t testing.TB, s *store.Store, p storetest.Played, id store.PulkaID) {
	t.Helper()
	ctx := context.Background()
	for i := range p.Deals {
		if err := s.StartDeal(ctx, p.Starts(id, i, t0)); err != nil {
			t.Fatal(err)
		}
		moves := p.Moves(id, i, t0)
		for len(moves) > 0 {
			n := min(len(moves), 3)
			if err := s.Append(ctx, moves[:n]...); err != nil {
				t.Fatal(err)
			}
			moves = moves[n:]
		}
	}
}

func TestSignInDirectory(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		anna := account.Identity{Provider: "github", ProviderUserID: "42", Name: "Anna"}
		p, err := s.SignIn(ctx, anna)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("a known identity gets the same player", func(t *testing.T) {
			again, err := s.SignIn(ctx, account.Identity{Provider: "github", ProviderUserID: "42", Name: "Anna Renamed"})
			if err != nil || again.ID != p.ID || again.Name != "Anna" {
				t.Errorf("second sign-in = %+v, %v; want player %d named Anna", again, err, p.ID)
			}
		})
		t.Run("a lookalike name is taken", func(t *testing.T) {
			for _, name := range []string{"ANNA", "\u0410nna", " anna ", "Ａｎｎａ"} {
				_, err := s.SignIn(ctx, account.Identity{Provider: "dev", ProviderUserID: account.NameKey(name) + "x", Name: name})
				if !errors.Is(err, account.ErrNameTaken) {
					t.Errorf("sign-in as %q: %v, want ErrNameTaken", name, err)
				}
			}
		})
		t.Run("a claimed identity refuses another secret", func(t *testing.T) {
			id := account.Identity{Provider: "dev", ProviderUserID: "boris", Name: "Boris", Secret: "browser-1"}
			if _, err := s.SignIn(ctx, id); err != nil {
				t.Fatal(err)
			}
			id.Secret = "browser-2"
			if _, err := s.SignIn(ctx, id); !errors.Is(err, account.ErrClaimed) {
				t.Errorf("other browser: %v, want ErrClaimed", err)
			}
			id.Secret = ""
			if _, err := s.SignIn(ctx, id); !errors.Is(err, account.ErrClaimed) {
				t.Errorf("no secret: %v, want ErrClaimed", err)
			}
			id.Secret = "browser-1"
			if _, err := s.SignIn(ctx, id); err != nil {
				t.Errorf("first browser again: %v", err)
			}
		})
		t.Run("Player finds by id", func(t *testing.T) {
			got, err := s.Player(ctx, p.ID)
			if err != nil || got.ID != p.ID || got.Name != "Anna" || got.Provider != "github" || got.ProviderUserID != "42" {
				t.Errorf("Player(%d) = %+v, %v", p.ID, got, err)
			}
			if _, err := s.Player(ctx, p.ID+1000); !errors.Is(err, account.ErrNotFound) {
				t.Errorf("unknown player: %v, want ErrNotFound", err)
			}
		})
		t.Run("concurrent lookalike names: exactly one wins", func(t *testing.T) {
			names := []string{"Olga", "OLGA", "0lga", "\u041elga", "olga "}
			var wg sync.WaitGroup
			errs := make([]error, len(names))
			for i, n := range names {
				wg.Go(func() {
					_, errs[i] = s.SignIn(ctx, account.Identity{Provider: "dev", ProviderUserID: fmt.Sprint("olga", i), Name: n})
				})
			}
			wg.Wait()
			won := 0
			for i, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, account.ErrNameTaken):
					t.Errorf("%q: %v", names[i], err)
				}
			}
			if won != 1 {
				t.Errorf("%d sign-ins won, want 1 (errors %v)", won, errs)
			}
		})
	})
}

func TestWriteAheadRebuildsPulkasInProgress(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		const tables = 4
		played := make([]storetest.Played, tables)
		ids := make([]store.PulkaID, tables)
		for i := range tables {
			names := []string{fmt.Sprint("A", i), fmt.Sprint("B", i), fmt.Sprint("C", i)}
			played[i] = play(t, uint64(i+1), names, 3)
			var err error
			if ids[i], err = s.BeginPulka(ctx, played[i].Pulka(fmt.Sprint("table-", i), signIn(t, s, names...), t0)); err != nil {
				t.Fatal(err)
			}
		}
		// Tables write concurrently, so their moves share commits.
		var wg sync.WaitGroup
		for i := range tables {
			wg.Go(func() { writeAhead(t, s, played[i], ids[i]) })
		}
		wg.Wait()
		total := 0
		for _, p := range played {
			for _, d := range p.Deals {
				total += len(d.Moves)
			}
		}
		if st := s.Stats(); st.Moves != int64(total) || st.Commits < 1 {
			t.Errorf("Stats = %+v, want %d moves", st, total)
		}
		got, err := s.InProgress(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tables {
			t.Fatalf("%d pulkas in progress, want %d", len(got), tables)
		}
		for i, pr := range got {
			p := played[i]
			if pr.ID != ids[i] || pr.Table != fmt.Sprint("table-", i) || !reflect.DeepEqual(pr.Settings, p.Settings) {
				t.Errorf("pulka %d: %+v, want id %d and settings %+v", i, pr.Pulka, ids[i], p.Settings)
			}
			if len(pr.Deals) != len(p.Deals) {
				t.Fatalf("pulka %d: %d deals, want %d", i, len(pr.Deals), len(p.Deals))
			}
			for j, d := range pr.Deals {
				want := p.Deals[j]
				if d.Seed != want.Seed || d.Dealer != want.Dealer || d.Series != want.Series || len(d.Moves) != len(want.Moves) {
					t.Fatalf("pulka %d deal %d: seed %d dealer %d series %d, %d moves; want %d %d %d, %d",
						i, j, d.Seed, d.Dealer, d.Series, len(d.Moves), want.Seed, want.Dealer, want.Series, len(want.Moves))
				}
				moves := make([]rules.Move, len(d.Moves))
				for k, m := range d.Moves {
					moves[k] = m.Move
				}
				if !reflect.DeepEqual(moves, want.Moves) {
					t.Errorf("pulka %d deal %d: moves differ", i, j)
				}
				st, err := rules.Replay(d.Rules(p.Options), moves)
				if err != nil || !st.Done() {
					t.Errorf("pulka %d deal %d: replay: %v (done %v)", i, j, err, st.Done())
				}
			}
		}
	})
}

func TestAppendRefusesWhatCannotBeWritten(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		p := play(t, 7, []string{"A", "B", "C"}, 1)
		id, err := s.BeginPulka(ctx, p.Pulka("t", signIn(t, s, "A", "B", "C"), t0))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StartDeal(ctx, p.Starts(id, 0, t0)); err != nil {
			t.Fatal(err)
		}
		moves := p.Moves(id, 0, t0)
		if err := s.Append(ctx, moves[0]); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			move store.Move
		}{
			{"a move number written twice", moves[0]},
			{"a move of a deal not started", store.Move{Pulka: id, Deal: 5, No: 0, Move: moves[1].Move, At: t0}},
			{"a move of an unknown pulka", store.Move{Pulka: id + 100, Deal: 0, No: 0, Move: moves[1].Move, At: t0}},
			{"a negative move number", store.Move{Pulka: id, Deal: 0, No: -1, Move: moves[1].Move, At: t0}},
		}
		// Every bad append runs beside good ones: the good ones must
		// succeed even when they share a commit with a bad one.
		var wg sync.WaitGroup
		bad := make([]error, len(tests))
		for i, tt := range tests {
			wg.Go(func() { bad[i] = s.Append(ctx, tt.move) })
		}
		good := s.Append(ctx, moves[1:]...)
		wg.Wait()
		if good != nil {
			t.Errorf("good append beside bad ones: %v", good)
		}
		for i, tt := range tests {
			if bad[i] == nil {
				t.Errorf("%s: Append succeeded", tt.name)
			}
		}
		if err := s.StartDeal(ctx, p.Starts(id, 0, t0)); err != nil {
			t.Errorf("the same deal started again (a retry whose answer was lost): %v", err)
		}
		other := p.Starts(id, 0, t0)
		other.Seed++
		if err := s.StartDeal(ctx, other); !errors.Is(err, store.ErrBadInput) {
			t.Errorf("another deal under a written number: %v, want ErrBadInput", err)
		}
	})
}

func finishPulka(t testing.TB, s *store.Store, p storetest.Played, ids []account.ID, withLog bool) (store.PulkaID, []store.RatingChange) {
	t.Helper()
	ctx := context.Background()
	id, err := s.BeginPulka(ctx, p.Pulka("t", ids, t0))
	if err != nil {
		t.Fatal(err)
	}
	if withLog {
		writeAhead(t, s, p, id)
	}
	ch, err := s.Finish(ctx, p.Finish(id, t0.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	return id, ch
}

func TestFinishCommitsPulkaSettlementAndRatings(t *testing.T) {
	for _, withLog := range []bool{true, false} {
		t.Run(fmt.Sprint("write-ahead log ", withLog), func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
				ctx := context.Background()
				names := []string{"Anna", "Boris", "Vera"}
				ids := signIn(t, s, names...)
				p := play(t, 3, names, 12)
				id, changes := finishPulka(t, s, p, ids, withLog)
				if prs, err := s.InProgress(ctx); err != nil || len(prs) != 0 {
					t.Errorf("in progress after finish: %d, %v", len(prs), err)
				}
				a, err := s.Archived(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(a.Record(), p.Record()) {
					t.Errorf("archived record differs:\n got %+v\nwant %+v", a.Record(), p.Record())
				}
				exact, err := a.ExactResults()
				if err != nil {
					t.Fatal(err)
				}
				for i, seat := range a.Seats {
					if exact[i].Cmp(p.Result.Exact[i]) != 0 || seat.Rounded != p.Result.Rounded[i] {
						t.Errorf("seat %d: result %s (%d), want %s (%d)", i, seat.Result, seat.Rounded, p.Result.Exact[i].RatString(), p.Result.Rounded[i])
					}
					if seat.Before != changes[i].Before || seat.After != changes[i].After || seat.Place != changes[i].Place {
						t.Errorf("seat %d: rating %+v -> %+v place %d, Finish said %+v", i, seat.Before, seat.After, seat.Place, changes[i])
					}
				}
				for i, c := range changes {
					pr, err := s.Profile(ctx, ids[i])
					if err != nil {
						t.Fatal(err)
					}
					wins := 0
					if c.Place == 1 {
						wins = 1
					}
					if pr.Games != 1 || pr.Wins != wins || pr.Whists != p.Result.Rounded[i] || pr.Rating != c.After {
						t.Errorf("profile of %s: games %d wins %d whists %d rating %+v; want 1, %d, %d, %+v",
							names[i], pr.Games, pr.Wins, pr.Whists, pr.Rating, wins, p.Result.Rounded[i], c.After)
					}
					if len(pr.History) != 1 || pr.History[0].Pulka != id || pr.History[0].After != c.After {
						t.Errorf("history of %s: %+v", names[i], pr.History)
					}
					if c.After.Sigma >= c.Before.Sigma {
						t.Errorf("%s: sigma %v did not shrink from %v", names[i], c.After.Sigma, c.Before.Sigma)
					}
				}
				if _, err := s.Finish(ctx, p.Finish(id, t0)); !errors.Is(err, store.ErrNoPulka) {
					t.Errorf("second Finish: %v, want ErrNoPulka", err)
				}
			})
		})
	}
}

func TestFinishIsAllOrNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		names := []string{"Anna", "Boris", "Vera"}
		p, id, ids := writtenAhead(t, s, names)
		// The table hands over one move fewer than it wrote ahead.
		f := p.Finish(id, t0)
		last := len(f.Deals) - 1
		short := f.Deals[last]
		short.Moves = short.Moves[:len(short.Moves)-1]
		f.Deals = append(append([]store.FinishedDeal(nil), f.Deals[:last]...), short)
		if _, err := s.Finish(ctx, f); !errors.Is(err, store.ErrBadInput) {
			t.Fatalf("Finish with a move missing: %v, want ErrBadInput", err)
		}
		prs, err := s.InProgress(ctx)
		if err != nil || len(prs) != 1 || len(prs[0].Deals) != len(p.Deals) {
			t.Fatalf("after a failed Finish the pulka must be in progress as it was: %d pulkas, %v", len(prs), err)
		}
		pr, err := s.Profile(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if pr.Games != 0 || pr.Rating.Sigma != 25.0/3 {
			t.Errorf("a failed Finish changed the profile: %+v", pr)
		}
		if _, err := s.Archived(ctx, id); !errors.Is(err, store.ErrNoPulka) {
			t.Errorf("archive shows an unfinished pulka: %v", err)
		}
		if _, err := s.Finish(ctx, p.Finish(id, t0)); err != nil {
			t.Errorf("Finish after the failed one: %v", err)
		}
	})
}

func TestFinishedPulkasAreNeverDeleted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		names := []string{"Anna", "Boris", "Vera"}
		id, _ := finishPulka(t, s, play(t, 9, names, 2), signIn(t, s, names...), false)
		_, err := s.DB().Exec("DELETE FROM pulkas WHERE id = $1", int64(id))
		// The trigger refuses before the foreign keys are checked.
		if err == nil || !strings.Contains(err.Error(), "finished pulkas are never deleted") {
			t.Fatalf("deleting a finished pulka: %v, want the trigger's refusal", err)
		}
	})
}

func TestPulkasPagesNewestFirst(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		ids := signIn(t, s, "Anna", "Boris", "Vera", "Gleb")
		var annas, all []store.PulkaID
		for i := range 5 {
			seats := []account.ID{ids[0], ids[1], ids[2]}
			if i%2 == 1 {
				seats = []account.ID{ids[3], ids[1], ids[2]}
			}
			id, _ := finishPulka(t, s, play(t, uint64(20+i), []string{"P", "Q", "R"}, 1), seats, false)
			all = append([]store.PulkaID{id}, all...)
			if i%2 == 0 {
				annas = append([]store.PulkaID{id}, annas...)
			}
		}
		page := func(q store.PulkaQuery) []store.PulkaID {
			var out []store.PulkaID
			for {
				got, err := s.Pulkas(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) == 0 {
					return out
				}
				for _, sm := range got {
					out = append(out, sm.ID)
					if len(sm.Seats) != 3 || sm.Seats[1].Name != "Boris" {
						t.Errorf("pulka %d seats %+v", sm.ID, sm.Seats)
					}
				}
				q.Before = got[len(got)-1].ID
			}
		}
		if got := page(store.PulkaQuery{Limit: 2}); !reflect.DeepEqual(got, all) {
			t.Errorf("every pulka by pages of 2: %v, want %v", got, all)
		}
		if got := page(store.PulkaQuery{Player: ids[0], Limit: 1}); !reflect.DeepEqual(got, annas) {
			t.Errorf("Anna's pulkas: %v, want %v", got, annas)
		}
		if _, err := s.Pulkas(ctx, store.PulkaQuery{Limit: store.MaxPage + 1}); !errors.Is(err, store.ErrBadInput) {
			t.Errorf("oversized page: %v, want ErrBadInput", err)
		}
	})
}

func TestOpenAgainKeepsEverything(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, url string) {
		ids := signIn(t, s, "Anna", "Boris", "Vera")
		id, _ := finishPulka(t, s, play(t, 11, []string{"Anna", "Boris", "Vera"}, 2), ids, true)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Append(context.Background(), store.Move{Pulka: id}); !errors.Is(err, store.ErrClosed) {
			t.Errorf("Append after Close: %v, want ErrClosed", err)
		}
		s2 := open(t, url) // migrations already applied: a no-op
		if _, err := s2.Archived(context.Background(), id); err != nil {
			t.Errorf("pulka after reopening: %v", err)
		}
	})
}

func TestOpenRefusesUnknownURL(t *testing.T) {
	for _, u := range []string{"mysql://x", "redis://localhost"} {
		if _, err := store.Open(context.Background(), store.Config{URL: u}); err == nil {
			t.Errorf("Open(%q) succeeded", u)
		}
	}
}

func TestFinishLogsASettlementTheRecordDoesNotGive(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	s, err := store.Open(context.Background(), store.Config{
		URL:    "sqlite:" + t.TempDir() + "/club.db",
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{mu: &mu, w: &logs}, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	names := []string{"Anna", "Boris", "Vera"}
	ids := signIn(t, s, names...)
	for _, tamper := range []bool{false, true} {
		p := play(t, 13, names, 3)
		id, err := s.BeginPulka(context.Background(), p.Pulka("t", ids, t0))
		if err != nil {
			t.Fatal(err)
		}
		f := p.Finish(id, t0)
		if tamper {
			f.Result.Rounded[0], f.Result.Rounded[1] = f.Result.Rounded[0]+1, f.Result.Rounded[1]-1
		}
		if _, err := s.Finish(context.Background(), f); err != nil {
			t.Fatal(err) // stored either way
		}
		mu.Lock()
		logged := strings.Contains(logs.String(), "scores differently")
		mu.Unlock()
		if logged != tamper {
			t.Errorf("tampered %v: logged %v: %s", tamper, logged, logs.String())
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
