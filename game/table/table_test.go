package table

import (
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

func TestSitRules(t *testing.T) {
	tests := []struct {
		name    string
		run     func(tb *Table, anna, anna2, boris *fakeConn)
		wantErr string // in anna's or anna2's errors
		seats   [3]string
	}{
		{"one name may not sit twice", func(tb *Table, anna, _, _ *fakeConn) {
			tb.Sit(anna, 0)
			tb.Sit(anna, 1)
		}, "already sits at seat 0", [3]string{"Anna", "", ""}},
		{"one name may not sit twice from a second connection", func(tb *Table, anna, anna2, _ *fakeConn) {
			tb.Sit(anna, 0)
			tb.Sit(anna2, 2)
		}, "already sits at seat 0", [3]string{"Anna", "", ""}},
		{"a taken seat is refused", func(tb *Table, anna, _, boris *fakeConn) {
			tb.Sit(boris, 1)
			tb.Sit(anna, 1)
		}, "seat 1 is taken", [3]string{"", "Boris", ""}},
		{"a bot needs an empty seat", func(tb *Table, anna, _, boris *fakeConn) {
			tb.Sit(boris, 1)
			tb.AddBot(anna, 1)
		}, "seat 1 is taken", [3]string{"", "Boris", ""}},
		{"standing frees the seat", func(tb *Table, anna, _, boris *fakeConn) {
			tb.Sit(anna, 0)
			tb.Stand(anna)
			tb.Sit(boris, 0)
		}, "", [3]string{"Boris", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, _ := testTable(t, Config{})
			anna, anna2, boris := &fakeConn{name: "Anna"}, &fakeConn{name: "Anna"}, &fakeConn{name: "Boris"}
			tt.run(tb, anna, anna2, boris)
			s := tb.Summary()
			for i, want := range tt.seats {
				if s.Seats[i].Name != want {
					t.Errorf("seat %d: %q, want %q", i, s.Seats[i].Name, want)
				}
			}
			got := strings.Join(append(anna.errors(t), anna2.errors(t)...), "; ")
			if tt.wantErr == "" && got != "" || !strings.Contains(got, tt.wantErr) {
				t.Errorf("errors %q, want %q", got, tt.wantErr)
			}
			if errs := boris.errors(t); len(errs) > 0 {
				t.Errorf("boris got errors %q", errs)
			}
		})
	}
}

func TestLastSeatStartsThePulka(t *testing.T) {
	tb, _ := testTable(t, Config{})
	anna := &fakeConn{name: "Anna"}
	tb.Sit(anna, 0)
	tb.AddBot(anna, 1)
	if s := tb.Summary(); s.Status != "waiting" {
		t.Fatalf("status %q with a free seat, want waiting", s.Status)
	}
	tb.AddBot(anna, 2)
	s := tb.Summary() // no clock advance: the deal must be out at once
	if s.Status != "playing" {
		t.Fatalf("status %q after the last seat, want playing", s.Status)
	}
	f := anna.last(t)
	if f.DealNo != 1 || f.Deal == nil || f.You != 0 {
		t.Fatalf("frame after start: deal %d you %d view %s", f.DealNo, f.You, f.Deal)
	}
	tb.Sit(&fakeConn{name: "Late"}, 1)
	tb.Stand(anna)
	tb.Summary()
	if errs := anna.errors(t); len(errs) != 1 || !strings.Contains(errs[0], "started") {
		t.Fatalf("standing up during the pulka: errors %q", errs)
	}
}

// humansAndBot seats Anna (seat 0, the first dealer) and Boris (seat 1,
// the first hand, who speaks first) and a bot at seat 2.
func humansAndBot(t *testing.T, cfg Config) (*Table, *fakeClock, *fakeConn, *fakeConn) {
	tb, clk := testTable(t, cfg)
	anna, boris := &fakeConn{name: "Anna"}, &fakeConn{name: "Boris"}
	tb.Sit(anna, 0)
	tb.Sit(boris, 1)
	tb.AddBot(anna, 2)
	tb.Summary()
	return tb, clk, anna, boris
}

func TestIllegalMoveAnsweredToThatPlayerOnly(t *testing.T) {
	tb, _, anna, boris := humansAndBot(t, Config{})
	if f := boris.last(t); len(f.Legal) == 0 || anna.last(t).Legal != nil {
		t.Fatalf("Boris (first hand) should have legal moves, Anna none: %v / %v", f.Legal, anna.last(t).Legal)
	}
	before := len(anna.all())
	tb.Move(boris, rules.PlayMove(1, rules.NewCard(rules.Ace, rules.Spades))) // a card in the auction
	tb.Move(anna, rules.Pass(0))                                              // not Anna's turn
	tb.Move(boris, rules.Pass(0))                                             // another seat's move
	tb.Summary()
	berrs, aerrs := boris.errors(t), anna.errors(t)
	if len(berrs) != 2 || !strings.HasPrefix(berrs[0], "illegal move: ") || !strings.Contains(berrs[1], "you sit at seat 1") {
		t.Errorf("Boris' errors %q", berrs)
	}
	if len(aerrs) != 1 || !strings.Contains(aerrs[0], "not your turn") {
		t.Errorf("Anna's errors %q, want one about her turn", aerrs)
	}
	for _, m := range anna.all()[before:] {
		if strings.Contains(string(m), "illegal move: ") && !strings.Contains(string(m), "not your turn") {
			t.Errorf("Anna saw Boris' error: %s", m)
		}
	}
	if f := boris.last(t); f.MoveNo != 0 {
		t.Errorf("illegal moves changed the deal: move_no %d", f.MoveNo)
	}
	tb.Move(boris, rules.Pass(1))
	tb.Summary()
	if f := boris.last(t); f.MoveNo != 1 || len(boris.errors(t)) != 2 {
		t.Errorf("a legal pass: move_no %d, errors %q", f.MoveNo, boris.errors(t))
	}
}

func TestTimeoutPlaysTheTimeoutMove(t *testing.T) {
	const limit = 30 * time.Second
	tb, clk, _, boris := humansAndBot(t, Config{MoveTime: limit})
	f := boris.last(t)
	if want := clk.Now().Add(limit).UnixMilli(); f.Deadline != want {
		t.Fatalf("deadline %d, want %d", f.Deadline, want)
	}
	clk.Advance(limit - time.Second)
	tb.Summary()
	if f := boris.last(t); f.MoveNo != 0 {
		t.Fatalf("a move was made before the time limit: move_no %d", f.MoveNo)
	}
	rec := tb.Records()[0]
	s, err := rules.Replay(rec.Deal, rec.Moves)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := rules.TimeoutMove(&s)
	clk.Advance(time.Second)
	tb.Summary()
	rec = tb.Records()[0]
	if len(rec.Moves) != 1 || rec.Moves[0] != want {
		t.Fatalf("after the time limit the moves are %v, want [%v]", rec.Moves, want)
	}
	if f := boris.last(t); f.MoveNo != 1 {
		t.Fatalf("move_no %d after the timeout, want 1", f.MoveNo)
	}
}

func TestBotsFinishADealAndTheSheetUpdates(t *testing.T) {
	tb, clk := testTable(t, Config{})
	watcher := &fakeConn{name: "Vera"}
	tb.Watch(watcher)
	for i := range 3 {
		tb.AddBot(watcher, i)
	}
	for i := 0; i < 500; i++ {
		if sh, ok := tb.Sheet(); ok && sh.Deals() >= 1 {
			break
		}
		step(tb, clk)
	}
	sh, ok := tb.Sheet()
	if !ok || sh.Deals() < 1 {
		t.Fatalf("bots did not finish a deal in 500 steps")
	}
	// the sheet is the replayed first deal written on a fresh sheet
	rec := tb.Records()[0]
	s, err := rules.Replay(rec.Deal, rec.Moves)
	if err != nil || !s.Done() {
		t.Fatalf("replay of deal 1: done %v, err %v", s.Done(), err)
	}
	set, _ := score.Preset("sochi")
	want, _ := score.NewSheet(set, 0)
	r, _ := s.Result()
	if err := want.Apply(score.DealOf(r)); err != nil {
		t.Fatal(err)
	}
	if sh.Pool != want.Pool || sh.Mountain != want.Mountain || sh.Whists != want.Whists {
		t.Fatalf("sheet %+v, want %+v", sh, want)
	}
	f := watcher.last(t)
	if f.Sheet == nil || f.You != -1 || f.DealNo < 1 {
		t.Fatalf("spectator frame: sheet %s you %d deal %d", f.Sheet, f.You, f.DealNo)
	}
}

func TestChatReachesEveryoneAtTheTable(t *testing.T) {
	tb, _ := testTable(t, Config{})
	anna, boris, out := &fakeConn{name: "Anna"}, &fakeConn{name: "Boris"}, &fakeConn{name: "Out"}
	tb.Watch(anna)
	tb.Watch(boris)
	tb.Chat(anna, "good luck")
	tb.Summary()
	for _, c := range []*fakeConn{anna, boris} {
		if n := strings.Count(string(joined(c.all())), `"good luck"`); n != 1 {
			t.Errorf("%s saw the line %d times", c.name, n)
		}
	}
	if len(out.all()) != 0 {
		t.Errorf("a connection not at the table got %d messages", len(out.all()))
	}
}

func joined(ms [][]byte) []byte {
	var out []byte
	for _, m := range ms {
		out = append(out, m...)
	}
	return out
}
