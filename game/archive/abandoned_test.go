package archive_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/trelljaz/trelljaz/game/store/storetest"
)

// TestAnAbandonedPulkaIsListedAsAbandoned: the list shows a pulka abandoned
// after a restart with its reason and no results; it has no record (404).
func TestAnAbandonedPulkaIsListedAsAbandoned(t *testing.T) {
	c := newClub(t, 1)
	ctx := context.Background()
	p, err := storetest.Play(7, c.names, 2)
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.s.BeginPulka(ctx, p.Pulka("t5", c.ids, t0))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.s.Abandon(ctx, id, "deal 1: move 3 is not legal", t0.Add(2e9)); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Pulkas []struct {
			ID        int64  `json:"id"`
			Abandoned string `json:"abandoned"`
			Players   []struct {
				Place  int    `json:"place"`
				Result string `json:"result"`
			} `json:"players"`
		} `json:"pulkas"`
	}
	if err := json.Unmarshal(c.get(t, "/api/pulkas", 200), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Pulkas) != 2 {
		t.Fatalf("listed %d pulkas, want the abandoned one and the finished one", len(list.Pulkas))
	}
	ab, fin := list.Pulkas[0], list.Pulkas[1]
	if ab.ID != int64(id) || ab.Abandoned != "deal 1: move 3 is not legal" || ab.Players[0].Place != 0 || ab.Players[0].Result != "" {
		t.Fatalf("abandoned pulka listed as %+v", ab)
	}
	if fin.Abandoned != "" || fin.Players[0].Result == "" {
		t.Fatalf("finished pulka listed as %+v", fin)
	}
	c.get(t, fmt.Sprint("/api/pulkas/", id), 404)
}
