package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/archive"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/storetest"
)

var t0 = time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)

// countingSource counts the reads that reach the store.
type countingSource struct {
	*store.Store
	reads atomic.Int64
}

func (c *countingSource) Profile(ctx context.Context, id account.ID) (store.Profile, error) {
	c.reads.Add(1)
	return c.Store.Profile(ctx, id)
}

func (c *countingSource) Pulkas(ctx context.Context, q store.PulkaQuery) ([]store.Summary, error) {
	c.reads.Add(1)
	return c.Store.Pulkas(ctx, q)
}

func (c *countingSource) Archived(ctx context.Context, id store.PulkaID) (store.Archived, error) {
	c.reads.Add(1)
	return c.Store.Archived(ctx, id)
}

func (c *countingSource) Ratings(ctx context.Context, limit int) ([]store.Rated, error) {
	c.reads.Add(1)
	return c.Store.Ratings(ctx, limit)
}

type club struct {
	s      *store.Store
	src    *countingSource
	h      *archive.Handler
	ids    []account.ID
	names  []string
	pulkas []store.PulkaID
	played []storetest.Played
}

// newClub opens a SQLite store and finishes n pulkas of three players, the
// first with the write-ahead log, as a table would.
func newClub(t *testing.T, n int) *club {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "club.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := &club{s: s, src: &countingSource{Store: s}, names: []string{"Anna", "Boris", "Vera"}}
	for _, name := range c.names {
		p, err := s.SignIn(ctx, account.Identity{Provider: account.ProviderDev, ProviderUserID: name, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		c.ids = append(c.ids, p.ID)
	}
	for i := range n {
		p, err := storetest.Play(uint64(100+i), c.names, 25)
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.BeginPulka(ctx, p.Pulka(fmt.Sprint("t", i), c.ids, t0))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			for d := range p.Deals {
				if err := s.StartDeal(ctx, p.Starts(id, d, t0)); err != nil {
					t.Fatal(err)
				}
				if err := s.Append(ctx, p.Moves(id, d, t0)...); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := s.Finish(ctx, p.Finish(id, t0.Add(time.Duration(i+1)*time.Hour))); err != nil {
			t.Fatal(err)
		}
		c.pulkas = append(c.pulkas, id)
		c.played = append(c.played, p)
	}
	c.h = archive.New(c.src, archive.Options{Playing: func(id account.ID) []string {
		if id == c.ids[0] {
			return []string{"t9"}
		}
		return nil
	}})
	return c
}

func (c *club) get(t *testing.T, path string, want int) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != want {
		t.Fatalf("GET %s: %d %s, want %d", path, rec.Code, rec.Body, want)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	return rec.Body.Bytes()
}

type pulkaResponse struct {
	Record json.RawMessage `json:"record"`
	Replay []struct {
		Seed   string       `json:"seed"`
		Dealer int          `json:"dealer"`
		Series int          `json:"series"`
		Moves  []rules.Move `json:"moves"`
	} `json:"replay"`
	Result  map[string]string `json:"result"`
	Rounded map[string]int64  `json:"rounded"`
}

// buildPulka builds cmd/pulka, the program the archive's records are for.
func buildPulka(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build cmd/pulka")
	}
	bin := filepath.Join(t.TempDir(), "pulka")
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/trelljaz/trelljaz/cmd/pulka")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/pulka: %v\n%s", err, out)
	}
	return bin
}

func TestPulkaRecordRescoresWithCmdPulkaAndReplaysEveryDeal(t *testing.T) {
	c := newClub(t, 2)
	pulka := buildPulka(t)
	for i, id := range c.pulkas {
		t.Run(fmt.Sprint("pulka ", i), func(t *testing.T) {
			var resp pulkaResponse
			if err := json.Unmarshal(c.get(t, fmt.Sprint("/api/pulkas/", id), http.StatusOK), &resp); err != nil {
				t.Fatal(err)
			}
			// cmd/pulka re-scores the record to the settlement served.
			cmd := exec.Command(pulka)
			cmd.Stdin = bytes.NewReader(resp.Record)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("cmd/pulka: %v: %s", err, stderr.String())
			}
			var scored struct {
				Result  map[string]string `json:"result"`
				Rounded map[string]int64  `json:"rounded"`
			}
			if err := json.Unmarshal(out, &scored); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(scored.Result, resp.Result) || !reflect.DeepEqual(scored.Rounded, resp.Rounded) {
				t.Errorf("cmd/pulka settles %v %v, the archive says %v %v", scored.Result, scored.Rounded, resp.Result, resp.Rounded)
			}
			// rules.Replay replays every deal to the score entry recorded,
			// dealt by the dealer and in the series the sheet says.
			rec, err := score.DecodeBytes(resp.Record)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Replay) != len(rec.Deals) || len(rec.Deals) != len(c.played[i].Deals) {
				t.Fatalf("%d replays, %d record deals, %d played", len(resp.Replay), len(rec.Deals), len(c.played[i].Deals))
			}
			set, err := rec.Settings()
			if err != nil {
				t.Fatal(err)
			}
			if err := set.Validate(); err != nil {
				t.Fatal(err)
			}
			opt := set.Options
			sheet, err := rec.NewSheet()
			if err != nil {
				t.Fatal(err)
			}
			for d, rp := range resp.Replay {
				seed, err := strconv.ParseUint(rp.Seed, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				if rp.Dealer != sheet.Dealer() || rp.Series != sheet.Series() {
					t.Errorf("deal %d: dealer %d series %d, the sheet says %d %d", d, rp.Dealer, rp.Series, sheet.Dealer(), sheet.Series())
				}
				st, err := rules.Replay(rules.Deal{Seed: seed, Dealer: rp.Dealer, Series: rp.Series, Options: opt}, rp.Moves)
				if err != nil {
					t.Fatalf("deal %d: %v", d, err)
				}
				res, ok := st.Result()
				if !ok {
					t.Fatalf("deal %d: replay ends unfinished in %v", d, st.Phase())
				}
				sd := score.DealOf(res)
				if got := score.RecordDealOf(sd, rec.Players); !reflect.DeepEqual(got, rec.Deals[d]) {
					t.Errorf("deal %d: replay scores %+v, the record has %+v", d, got, rec.Deals[d])
				}
				if err := sheet.Apply(sd); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestRepeatedViewsAreServedFromMemory(t *testing.T) {
	c := newClub(t, 2)
	paths := []string{
		fmt.Sprint("/api/pulkas/", c.pulkas[0]),
		fmt.Sprint("/api/players/", c.ids[0]),
		"/api/pulkas?limit=1",
		fmt.Sprint("/api/pulkas?player=", c.ids[1]),
	}
	first := map[string][]byte{}
	for _, p := range paths {
		first[p] = c.get(t, p, http.StatusOK)
	}
	reads := c.src.reads.Load()
	if reads != int64(len(paths)) {
		t.Fatalf("%d reads for %d first views", reads, len(paths))
	}
	for range 3 {
		for _, p := range paths {
			if got := c.get(t, p, http.StatusOK); !bytes.Equal(got, first[p]) {
				t.Errorf("GET %s changed: %s, was %s", p, got, first[p])
			}
		}
	}
	if got := c.src.reads.Load(); got != reads {
		t.Errorf("repeated views read the store %d times", got-reads)
	}
	// A finished pulka drops profiles and lists, not the pulkas.
	c.h.PulkaFinished()
	for _, p := range paths {
		c.get(t, p, http.StatusOK)
	}
	if got := c.src.reads.Load() - reads; got != int64(len(paths)-1) {
		t.Errorf("after PulkaFinished %d reads, want %d (every view but the finished pulka)", got, len(paths)-1)
	}
}

func TestProfileEndpoint(t *testing.T) {
	c := newClub(t, 3)
	var prof struct {
		ID             account.ID `json:"id"`
		Name           string     `json:"name"`
		Bot            bool       `json:"bot"`
		Games, Wins    int
		Whists         int64   `json:"whists"`
		WhistsPerPulka float64 `json:"whists_per_pulka"`
		Rating         struct{ Mu, Sigma, Ordinal float64 }
		History        []struct {
			Pulka   store.PulkaID `json:"pulka"`
			Place   int           `json:"place"`
			Rounded int64         `json:"rounded"`
		}
		Playing []string `json:"playing"`
	}
	for seat, id := range c.ids {
		if err := json.Unmarshal(c.get(t, fmt.Sprint("/api/players/", id), http.StatusOK), &prof); err != nil {
			t.Fatal(err)
		}
		var whists int64
		wins := 0
		for i := range c.played {
			whists += c.played[i].Result.Rounded[seat]
		}
		for _, h := range prof.History {
			if h.Place == 1 {
				wins++
			}
		}
		if prof.ID != id || prof.Name != c.names[seat] || prof.Bot || prof.Games != 3 || prof.Wins != wins ||
			prof.Whists != whists || prof.WhistsPerPulka != float64(whists)/3 || len(prof.History) != 3 {
			t.Errorf("profile of %s: %+v; want 3 games, %d wins, %d whists", c.names[seat], prof, wins, whists)
		}
		if prof.History[0].Pulka != c.pulkas[2] || prof.History[0].Rounded != c.played[2].Result.Rounded[seat] {
			t.Errorf("history of %s does not start with the newest pulka: %+v", c.names[seat], prof.History)
		}
		if prof.Rating.Ordinal != prof.Rating.Mu-3*prof.Rating.Sigma || prof.Rating.Sigma >= 25.0/3 {
			t.Errorf("rating of %s: %+v", c.names[seat], prof.Rating)
		}
		wantPlaying := []string{}
		if seat == 0 {
			wantPlaying = []string{"t9"}
		}
		if !reflect.DeepEqual(prof.Playing, wantPlaying) {
			t.Errorf("playing of %s: %v, want %v", c.names[seat], prof.Playing, wantPlaying)
		}
	}
}

func TestListPagesFollowNext(t *testing.T) {
	c := newClub(t, 5)
	var got []store.PulkaID
	next := "/api/pulkas?limit=2"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("more pages than pulkas")
		}
		var page struct {
			Pulkas []struct {
				ID      store.PulkaID `json:"id"`
				Players []struct {
					Name string `json:"name"`
				} `json:"players"`
			} `json:"pulkas"`
			Next string `json:"next"`
		}
		if err := json.Unmarshal(c.get(t, next, http.StatusOK), &page); err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Pulkas {
			got = append(got, p.ID)
			if len(p.Players) != 3 || p.Players[0].Name != "Anna" {
				t.Errorf("pulka %d players %+v", p.ID, p.Players)
			}
		}
		next = page.Next
	}
	want := []store.PulkaID{c.pulkas[4], c.pulkas[3], c.pulkas[2], c.pulkas[1], c.pulkas[0]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pulkas by pages: %v, want newest first %v", got, want)
	}
}

func TestBadRequestsGetClearErrors(t *testing.T) {
	c := newClub(t, 1)
	// A pulka in progress is not in the archive.
	p, err := storetest.Play(1, c.names, 1)
	if err != nil {
		t.Fatal(err)
	}
	open, err := c.s.BeginPulka(context.Background(), p.Pulka("t", c.ids, t0))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"unknown player", http.MethodGet, "/api/players/999", http.StatusNotFound},
		{"player id zero", http.MethodGet, "/api/players/0", http.StatusBadRequest},
		{"player id too long", http.MethodGet, "/api/players/12345678901234567890", http.StatusBadRequest},
		{"player id not a number", http.MethodGet, "/api/players/anna", http.StatusNotFound},
		{"unknown pulka", http.MethodGet, "/api/pulkas/999", http.StatusNotFound},
		{"pulka in progress", http.MethodGet, fmt.Sprint("/api/pulkas/", open), http.StatusNotFound},
		{"limit over the page size", http.MethodGet, "/api/pulkas?limit=101", http.StatusBadRequest},
		{"negative before", http.MethodGet, "/api/pulkas?before=-1", http.StatusBadRequest},
		{"player given twice", http.MethodGet, "/api/pulkas?player=1&player=2", http.StatusBadRequest},
		{"POST", http.MethodPost, "/api/pulkas", http.StatusMethodNotAllowed},
		{"unknown endpoint", http.MethodGet, "/api/nothing", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			var body struct {
				Error string `json:"error"`
			}
			if rec.Code != tt.status || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error == "" {
				t.Errorf("%s %s: %d %s, want %d and an error message", tt.method, tt.path, rec.Code, rec.Body, tt.status)
			}
		})
	}
}

func FuzzParseListQuery(f *testing.F) {
	for _, s := range []string{"", "player=1&before=2&limit=3", "limit=0", "limit=100", "player=-1", "before=99999999999999999999", "x=1&limit=%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := archive.ParseListQuery(vals)
		if err != nil {
			return
		}
		if q.Limit < 1 || q.Limit > store.MaxPage || q.Player < 0 || q.Before < 0 {
			t.Errorf("ParseListQuery(%q) = %+v", raw, q)
		}
	})
}

func TestFinedPulkaRecordCarriesItsFines(t *testing.T) {
	c := newClub(t, 0)
	ctx := context.Background()
	p, err := storetest.Play(3, c.names, 2)
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.s.BeginPulka(ctx, p.Pulka("t", c.ids, t0))
	if err != nil {
		t.Fatal(err)
	}
	f := p.Finish(id, t0)
	f.Fines = map[string]int{"Boris": 10}
	if _, err := c.s.Finish(ctx, f); err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Record struct {
			Fines map[string]int `json:"fines"`
		} `json:"record"`
	}
	if err := json.Unmarshal(c.get(t, fmt.Sprint("/api/pulkas/", id), http.StatusOK), &resp); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resp.Record.Fines, f.Fines) {
		t.Errorf("record fines %v, want %v", resp.Record.Fines, f.Fines)
	}
}
