package archive_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/archive"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/storetest"
)

func ExampleNew() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "archive-example")
	defer os.RemoveAll(dir)
	s, err := store.Open(ctx, store.Config{DataDir: filepath.Join(dir, "data")})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	// Three players finish a pulka.
	names := []string{"Anna", "Boris", "Vera"}
	var seats []account.ID
	for _, n := range names {
		p, _ := s.SignIn(ctx, account.Identity{Provider: account.ProviderDev, ProviderUserID: n, Name: n})
		seats = append(seats, p.ID)
	}
	played, _ := storetest.Play(1, names, 5)
	id, _ := s.BeginPulka(ctx, played.Pulka("t1", seats, time.Now()))
	if _, err := s.Finish(ctx, played.Finish(id, time.Now())); err != nil {
		panic(err)
	}

	h := archive.New(s, archive.Options{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", fmt.Sprint("/api/players/", seats[0]), nil))
	var prof struct {
		Name  string `json:"name"`
		Games int    `json:"games"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &prof)
	fmt.Println(rec.Code, prof.Name, prof.Games)
	// Output: 200 Anna 1
}
