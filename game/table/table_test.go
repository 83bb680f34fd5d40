package table

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

func TestConventionState(t *testing.T) {
	tests := []struct {
		name      string
		run       func(tb *Table, clk *fakeClock, anna, boris *fakeConn)
		wantState protocol.State
		wantErr   string // a code in anna's or boris's errors
	}{
		{"a set table waits for its conventions", func(*Table, *fakeClock, *fakeConn, *fakeConn) {}, protocol.StateConvention, ""},
		{"the countdown ends it: free again", func(tb *Table, clk *fakeClock, _, _ *fakeConn) {
			clk.Advance(DefaultConventionTime)
		}, protocol.StateFree, ""},
		{"the creator may cancel", func(tb *Table, _ *fakeClock, anna, _ *fakeConn) { tb.Cancel(anna) }, protocol.StateFree, ""},
		{"nobody else may cancel", func(tb *Table, _ *fakeClock, _, boris *fakeConn) { tb.Cancel(boris) }, protocol.StateConvention, "not_creator"},
		{"nobody else chooses the conventions", func(tb *Table, _ *fakeClock, _, boris *fakeConn) {
			tb.SetConventions(boris, "sochi", nil)
		}, protocol.StateConvention, "not_creator"},
		{"a bad option is refused with its reason", func(tb *Table, _ *fakeClock, anna, _ *fakeConn) {
			tb.SetConventions(anna, "sochi", map[string]json.RawMessage{"players": []byte("5")})
		}, protocol.StateConvention, "bad_settings"},
		{"the conventions make the table wait", func(tb *Table, _ *fakeClock, anna, _ *fakeConn) {
			tb.SetConventions(anna, "rostov", map[string]json.RawMessage{"players": []byte("4"), "pool_target": []byte("10")})
		}, protocol.StateWaiting, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			anna, boris := newConn("Anna"), newConn("Boris")
			tb, clk := testTable(t, Config{}, anna)
			tb.Watch(boris, 0)
			tt.run(tb, clk, anna, boris)
			s := tb.Summary()
			if s.State != tt.wantState {
				t.Fatalf("state %q, want %q", s.State, tt.wantState)
			}
			errs := append(anna.errors(t), boris.errors(t)...)
			if tt.wantErr == "" && len(errs) > 0 || tt.wantErr != "" && !slices.Contains(errs, tt.wantErr) {
				t.Fatalf("errors %v, want %q", errs, tt.wantErr)
			}
		})
	}
	t.Run("the countdown is a deadline the lobby sees", func(t *testing.T) {
		anna := newConn("Anna")
		tb, clk := testTable(t, Config{ConventionTime: time.Minute}, anna)
		if got, want := tb.Initial().Deadline, clk.Now().Add(time.Minute).UnixMilli(); got != want {
			t.Fatalf("deadline %d, want %d", got, want)
		}
	})
}

func TestSeatRules(t *testing.T) {
	tests := []struct {
		name    string
		run     func(tb *Table, anna, anna2, boris *fakeConn)
		wantErr string // a code in anyone's errors
		seats   []string
		state   protocol.State
		options string
	}{
		{"the creator sits at seat 0", func(*Table, *fakeConn, *fakeConn, *fakeConn) {}, "", []string{"Anna", "", ""}, "waiting", ""},
		{"one player may not sit twice", func(tb *Table, anna, _, _ *fakeConn) { tb.Sit(anna, 1) },
			"already_seated", []string{"Anna", "", ""}, "waiting", ""},
		{"one player may not sit twice from a second connection", func(tb *Table, _, anna2, _ *fakeConn) { tb.Sit(anna2, 2) },
			"already_seated", []string{"Anna", "", ""}, "waiting", ""},
		{"a taken seat is refused", func(tb *Table, _, _, boris *fakeConn) { tb.Sit(boris, 0) },
			"seat_taken", []string{"Anna", "", ""}, "waiting", ""},
		{"only the creator seats bots", func(tb *Table, _, _, boris *fakeConn) { tb.AddBot(boris, 1) },
			"not_creator", []string{"Anna", "", ""}, "waiting", ""},
		{"a bot needs an empty seat", func(tb *Table, anna, _, boris *fakeConn) { tb.Sit(boris, 1); tb.AddBot(anna, 1) },
			"seat_taken", []string{"Anna", "Boris", ""}, "waiting", ""},
		{"a seated player can stand up beside a bot", func(tb *Table, anna, _, boris *fakeConn) {
			tb.Sit(boris, 1)
			tb.AddBot(anna, 2)
			tb.Stand(boris)
		}, "", []string{"Anna", "", "Bot #3", ""}, "waiting", `{"players":4}`},
		{"the last human standing up frees the table", func(tb *Table, anna, _, _ *fakeConn) {
			tb.AddBot(anna, 2)
			tb.Stand(anna)
		}, "", []string{"", "", ""}, "free", ""},
		{"the last seat starts the pulka", func(tb *Table, anna, _, boris *fakeConn) {
			tb.Sit(boris, 1)
			tb.AddBot(anna, 2)
		}, "", []string{"Anna", "Boris", "Bot #3"}, "playing", ""},
		{"nobody stands up once the pulka runs", func(tb *Table, anna, _, boris *fakeConn) {
			tb.Sit(boris, 1)
			tb.AddBot(anna, 2)
			tb.Stand(boris)
		}, "wrong_state", []string{"Anna", "Boris", "Bot #3"}, "playing", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			anna, anna2, boris := newConn("Anna"), newConn("Anna"), newConn("Boris")
			tb, _ := waitingTable(t, Config{}, anna, "sochi", tt.options)
			tt.run(tb, anna, anna2, boris)
			s := tb.Summary()
			if s.State != tt.state {
				t.Errorf("state %q, want %q", s.State, tt.state)
			}
			if tt.state != protocol.StateFree {
				for i, want := range tt.seats {
					if s.Seats[i].Player.Name != want {
						t.Errorf("seat %d: %q, want %q", i, s.Seats[i].Player.Name, want)
					}
				}
			}
			errs := append(append(anna.errors(t), anna2.errors(t)...), boris.errors(t)...)
			if tt.wantErr == "" && len(errs) > 0 || tt.wantErr != "" && !slices.Contains(errs, tt.wantErr) {
				t.Errorf("errors %v, want %q", errs, tt.wantErr)
			}
		})
	}
}

func TestAnAbsentPlayerLosesTheSeatAfterTheGrace(t *testing.T) {
	anna, boris, boris2 := newConn("Anna"), newConn("Boris"), newConn("Boris")
	tb, clk := waitingTable(t, Config{Grace: time.Minute}, anna, "sochi", "")
	tb.Sit(boris, 1)
	tb.Detach(boris)
	clk.Advance(30 * time.Second)
	tb.Watch(boris2, 0) // back within the grace: keeps the seat
	clk.Advance(time.Minute)
	if s := tb.Summary(); s.Seats[1].Player.Name != "Boris" || !s.Seats[1].Online {
		t.Fatalf("seat 1 %+v after a return within the grace", s.Seats[1])
	}
	tb.Detach(boris2)
	if s := tb.Summary(); s.Seats[1].AwayUntil != clk.Now().Add(time.Minute).UnixMilli() {
		t.Fatalf("away_until %d, want the end of the grace", s.Seats[1].AwayUntil)
	}
	clk.Advance(time.Minute)
	if s := tb.Summary(); s.Seats[1].Player.ID != "" {
		t.Fatalf("seat 1 %+v after the grace, want empty", s.Seats[1])
	}
}

// playing starts a pulka of Anna (seat 0, on the clock first or soon)
// against bots.
func playing(t *testing.T, cfg Config, options string) (*Table, *fakeClock, *fakeConn) {
	t.Helper()
	anna := newConn("Anna")
	tb, clk := waitingTable(t, cfg, anna, "sochi", options)
	tb.AddBot(anna, 1)
	tb.AddBot(anna, 2)
	if s := tb.Summary(); s.State != protocol.StatePlaying {
		t.Fatalf("state %q with every seat taken", s.State)
	}
	return tb, clk, anna
}

// untilAnna lets the bots play until Anna is on the clock.
func untilAnna(t *testing.T, tb *Table, clk *fakeClock, anna *fakeConn) view {
	t.Helper()
	for range 200 {
		v := anna.view(t)
		if v.State == "playing" && v.Clock.Seat == 0 && len(v.Legal) > 0 {
			return v
		}
		clk.Advance(DefaultBotDelay)
		tb.Summary()
		clk.Advance(DefaultDealPause)
		tb.Summary()
	}
	t.Fatal("Anna never came on the clock")
	return view{}
}

func TestTheDeadlineMovesOnlyWithAMove(t *testing.T) {
	tb, clk, anna := playing(t, Config{}, "")
	v := untilAnna(t, tb, clk, anna)
	deadline := v.Clock.Deadline
	if deadline == 0 {
		t.Fatal("no deadline for Anna's decision")
	}
	boris, anna2 := newConn("Boris"), newConn("Anna")
	for range 50 { // a watch/leave storm, chat and reconnects
		tb.Watch(boris, 0)
		tb.Chat(boris, "hi")
		tb.Leave(boris)
		tb.Detach(anna)
		tb.Watch(anna2, 0)
		tb.Watch(anna, v.V)
		tb.Detach(anna2)
		clk.Advance(time.Second)
	}
	after := anna.view(t)
	if after.Clock.Deadline != deadline || after.Clock.Seat != 0 {
		t.Fatalf("clock %+v after watching and reconnects, want deadline %d", after.Clock, deadline)
	}
	tb.Move(anna, after.Legal[0])
	tb.Summary()
	if moved := anna.view(t); moved.Clock.Deadline == deadline {
		t.Fatalf("the deadline %d did not change after the move", deadline)
	}
}

func TestTimeoutActions(t *testing.T) {
	t.Run("fine: the player is fined and the pulka is settled at once", func(t *testing.T) {
		tb, clk, anna := playing(t, Config{Options: club("timeout_fine", "15")}, "")
		untilAnna(t, tb, clk, anna)
		sheetBefore, _ := tb.Sheet()
		clk.Advance(DefaultMoveTime)
		s := tb.Summary()
		if s.State != protocol.StateFinished {
			t.Fatalf("state %q after the timeout, want finished", s.State)
		}
		v := anna.view(t)
		if v.Result == nil || v.Result.Reason != protocol.ReasonFine || v.Result.Fines["dev:Anna"] != 15 {
			t.Fatalf("result %+v, want Anna fined 15", v.Result)
		}
		sheet, _ := tb.Sheet()
		if got, want := sheet.Mountain[0], sheetBefore.Mountain[0]+score.Pts(15); got != want {
			t.Fatalf("Anna's mountain %v, want %v", got, want)
		}
		res, err := sheet.Settle()
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if v.Result.Rounded[i] != res.Rounded[i] {
				t.Fatalf("settlement %v, the sheet settles to %v", v.Result.Rounded, res.Rounded)
			}
		}
		if res.Rounded[0] >= 0 {
			t.Errorf("Anna's result %d after a fine, want a loss", res.Rounded[0])
		}
	})
	t.Run("bot: a bot plays until the player is back", func(t *testing.T) {
		tb, clk, anna := playing(t, Config{Options: botTakeover()}, "")
		v := untilAnna(t, tb, clk, anna)
		clk.Advance(DefaultMoveTime)
		tb.Summary()
		after := anna.view(t)
		if !after.Seats[0].BotPlays || after.State != "playing" || len(after.Legal) != 0 {
			t.Fatalf("after the timeout: seat %+v state %s legal %v", after.Seats[0], after.State, after.Legal)
		}
		if after.V == v.V {
			t.Fatal("no event after the timeout")
		}
		// Let the bot play on until Anna's seat is to move again, its bot's
		// move pending; then Anna comes back: the pending move is hers.
		for range 400 {
			if w := anna.view(t); w.Deal != nil && w.Deal.Actor == 0 && w.State == "playing" && w.Deal.Phase != "done" {
				break
			}
			clk.Advance(DefaultBotDelay / 2)
			tb.Summary()
		}
		moves := len(tb.Records()[len(tb.Records())-1].Moves)
		tb.Chat(anna, "back")
		tb.Summary()
		back := anna.view(t)
		if back.Seats[0].BotPlays {
			t.Fatal("the bot still plays after Anna spoke")
		}
		clk.Advance(2 * DefaultBotDelay)
		tb.Summary()
		if got := len(tb.Records()[len(tb.Records())-1].Moves); back.Deal.Actor == 0 && got != moves {
			t.Fatalf("a move was played for Anna after she came back (%d moves, then %d)", moves, got)
		}
		if w := anna.view(t); back.Deal.Actor == 0 && len(w.Legal) == 0 {
			t.Fatal("Anna is back on her decision but is offered no move")
		}
	})
	t.Run("the creator's timeout options go over the club's", func(t *testing.T) {
		anna := newConn("Anna")
		tb, _ := testTable(t, Config{Options: club("timeout_action", `"bot-takeover"`, "timeout_fine", "25", "time_bank", "60")}, anna)
		tb.SetConventions(anna, "sochi", club("timeout_action", `"fine"`))
		tb.Summary()
		var got map[string]any
		for _, m := range anna.all() {
			var f struct {
				Conventions *protocol.Conventions `json:"conventions"`
			}
			if err := json.Unmarshal(m, &f); err == nil && f.Conventions != nil {
				got = f.Conventions.Options
			}
		}
		if got["timeout_action"] != "fine" || got["timeout_fine"] != 25.0 || got["time_bank"] != 60.0 {
			t.Fatalf("options %v, want timeout_action fine with the club's timeout_fine 25 and time_bank 60", got)
		}
	})
	t.Run("bank: the reserve runs after the move time, then the timeout move", func(t *testing.T) {
		tb, clk, anna := playing(t, Config{}, `{"move_time":10,"timeout_action":"auto-pass","time_bank":60}`)
		v := untilAnna(t, tb, clk, anna)
		if got, want := v.Clock.Deadline, clk.Now().Add(70*time.Second).UnixMilli(); got != want {
			t.Fatalf("deadline %d, want move time + bank %d", got, want)
		}
		clk.Advance(30 * time.Second)
		tb.Move(anna, v.Legal[0])
		tb.Summary()
		if after := anna.view(t); after.Clock.Bank[0] != 40_000 {
			t.Fatalf("bank %v after using 20 s of it, want 40000 ms", after.Clock.Bank)
		}
		v = untilAnna(t, tb, clk, anna)
		moves := len(tb.Records()[len(tb.Records())-1].Moves)
		clk.Advance(50 * time.Second)
		tb.Summary()
		rec := tb.Records()
		if last := rec[len(rec)-1]; len(rec) == v.DealNo && len(last.Moves) <= moves {
			t.Fatalf("no timeout move after the bank ran out")
		}
		if s := tb.Summary(); s.State != protocol.StatePlaying {
			t.Fatalf("state %q, want playing", s.State)
		}
	})
}

func TestIllegalMovesChangeNothing(t *testing.T) {
	tb, clk, anna := playing(t, Config{}, "")
	v := untilAnna(t, tb, clk, anna)
	bad := rules.PlayMove(0, rules.NewCard(rules.Ace, rules.Hearts))
	if slices.Contains(v.Legal, bad) {
		bad = rules.Move{Seat: 0, Kind: rules.MoveDeclare, Bid: rules.BidOf(6, rules.NoTrump)}
	}
	tb.Move(anna, bad)
	tb.Move(anna, rules.Pass(1))
	tb.Summary()
	if errs := anna.errors(t); !slices.Equal(errs, []string{"illegal_move", "not_your_turn"}) {
		t.Fatalf("errors %v", errs)
	}
	if after := anna.view(t); after.V != v.V {
		t.Fatalf("version %d after refused moves, want %d", after.V, v.V)
	}
}

// eventsAfter returns the table events c got after its first n messages.
func eventsAfter(t *testing.T, c *fakeConn, n int) []frame {
	t.Helper()
	var out []frame
	for _, m := range c.all()[n:] {
		if f := decodeFrame(t, m); f.Type == "table_event" {
			out = append(out, f)
		}
	}
	return out
}

func TestOneActionMakesOneEvent(t *testing.T) {
	type want struct {
		kind       string
		seat0Empty bool
	}
	tests := []struct {
		name string
		club map[string]json.RawMessage // a running pulka under it; nil for a waiting table
		act  func(tb *Table, clk *fakeClock, anna, boris *fakeConn)
		want []want
	}{
		{"a leave that empties the table is one free event", nil, func(tb *Table, _ *fakeClock, anna, _ *fakeConn) {
			tb.Leave(anna)
		}, []want{{"free", true}}},
		{"a stand that empties the table is one free event", nil, func(tb *Table, _ *fakeClock, anna, _ *fakeConn) {
			tb.Stand(anna)
		}, []want{{"free", true}}},
		{"the grace that empties the table is one free event", nil, func(tb *Table, clk *fakeClock, anna, _ *fakeConn) {
			tb.Detach(anna) // an action of its own: Anna is away
			tb.Summary()
			clk.Advance(DefaultGrace)
		}, []want{{"seats", false}, {"free", true}}},
		{"a stand beside another player is one seats event", nil, func(tb *Table, _ *fakeClock, anna, boris *fakeConn) {
			tb.Sit(boris, 1)
			tb.Stand(anna)
		}, []want{{"seats", false}, {"seats", true}}},
		{"a player back from the bot who chats is one chat event with the seats", botTakeover(), func(tb *Table, _ *fakeClock, anna, _ *fakeConn) {
			tb.Chat(anna, "back")
		}, []want{{"chat", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			anna, boris, vera := newConn("Anna"), newConn("Boris"), newConn("Vera")
			var tb *Table
			var clk *fakeClock
			if tt.club == nil {
				tb, clk = waitingTable(t, Config{}, anna, "sochi", `{"players":4}`)
				tb.AddBot(anna, 2)
			} else {
				tb, clk, anna = playing(t, Config{Options: tt.club}, "")
				untilAnna(t, tb, clk, anna)
				clk.Advance(DefaultMoveTime) // the bot takes Anna's seat
			}
			tb.Watch(vera, 0)
			tb.Summary()
			n := len(vera.all())
			tt.act(tb, clk, anna, boris)
			tb.Summary()
			got := eventsAfter(t, vera, n)
			if len(got) != len(tt.want) {
				kinds := []string{}
				for _, f := range got {
					kinds = append(kinds, f.Kind)
				}
				t.Fatalf("events %v, want %d", kinds, len(tt.want))
			}
			for i, w := range tt.want {
				f := got[i]
				if f.Kind != w.kind || f.Seats == nil || (f.Seats[0].Player.ID == "") != w.seat0Empty {
					t.Fatalf("event %d: kind %q seats %+v, want kind %q with seat 0 empty %v", i, f.Kind, f.Seats, w.kind, w.seat0Empty)
				}
				if tt.club != nil && f.Seats[0].BotPlays {
					t.Fatalf("event %d: the bot still plays for Anna", i)
				}
			}
		})
	}
}

func TestTheSheetIsKeyedByPlayerIDNotName(t *testing.T) {
	anna, otherAnna := newConn("Anna"), &fakeConn{p: protocol.Player{ID: "gh:7", Name: "Anna"}}
	tb, _ := waitingTable(t, Config{}, anna, "sochi", "")
	tb.Sit(otherAnna, 1)
	tb.AddBot(anna, 2)
	tb.Summary()
	var sheet json.RawMessage
	for _, m := range anna.all() {
		if f := decodeFrame(t, m); f.Sheet != nil {
			sheet = f.Sheet
		}
	}
	var sv struct {
		Pool, Mountain map[string]json.RawMessage
	}
	if err := json.Unmarshal(sheet, &sv); err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	for _, part := range []map[string]json.RawMessage{sv.Pool, sv.Mountain} {
		for _, id := range []string{"dev:Anna", "gh:7", "bot:Bot #3"} {
			if _, ok := part[id]; !ok || len(part) != 3 {
				t.Fatalf("sheet %s: want one entry per seat keyed by id, %q missing", sheet, id)
			}
		}
	}
}

// The pause between deals is a deadline too: a player reconnecting during
// it (found by trelljaz-load -drop: sessions dropped every few seconds
// kept a table from ever dealing again) does not start it over.
func TestTheDealPauseIsNotRestartedByReconnects(t *testing.T) {
	tb, clk, anna := playing(t, Config{}, "")
	for range 500 {
		if tb.Summary().Deals > 0 {
			break
		}
		if v := anna.view(t); v.State == "playing" && v.Clock.Seat == 0 && len(v.Legal) > 0 {
			tb.Move(anna, v.Legal[0])
		}
		clk.Advance(DefaultBotDelay)
	}
	if tb.Summary().Deals != 1 {
		t.Fatal("the first deal never finished")
	}
	if v := anna.view(t); v.DealNo != 1 {
		t.Fatalf("deal %d dealt before the pause ended, want still 1", v.DealNo)
	}
	anna2 := newConn("Anna")
	for range 3 { // 1.5 pauses, with a reconnect every half pause
		tb.Detach(anna)
		tb.Watch(anna2, 0)
		tb.Watch(anna, anna.view(t).V)
		tb.Detach(anna2)
		tb.Summary() // the reconnects are in before the clock moves
		clk.Advance(DefaultDealPause / 2)
	}
	tb.Summary()
	if v := anna.view(t); v.DealNo != 2 {
		t.Fatalf("deal %d after 1.5 deal pauses with reconnects, want 2", v.DealNo)
	}
}
