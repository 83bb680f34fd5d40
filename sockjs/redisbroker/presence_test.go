package redisbroker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// TestLeaveIsNotUndoneByRefresh checks that a member is absent once Leave
// returned, even while refreshes run all the time: a refresh that read the
// local members before the Leave must not write the member back after the
// Leave removed it.
func TestLeaveIsNotUndoneByRefresh(t *testing.T) {
	rs := redistest.Start(t)
	b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// TTL 30 ms: a refresh every 10 ms, so refreshes overlap Join and Leave
	// often.
	p := redisbroker.NewPresence(b, &redisbroker.PresenceOptions{TTL: 30 * time.Millisecond, Logger: quiet()})
	defer p.Close()
	ctx := context.Background()
	// Many other members, so that a refresh's round trip takes a while.
	for i := range 200 {
		if err := p.Join(ctx, "room", sockjs.Member{ID: fmt.Sprintf("other.%d", i), Identity: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	const settle = 15 * time.Millisecond // longer than a refresh's round trip
	deadline := time.Now().Add(4 * time.Second)
	for i := 0; i < 200 && time.Now().Before(deadline); i++ {
		m := sockjs.Member{ID: fmt.Sprintf("p.%d", i), Identity: "u"}
		if err := p.Join(ctx, "room", m); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(i%10) * time.Millisecond)
		if err := p.Leave(ctx, "room", m); err != nil {
			t.Fatal(err)
		}
		time.Sleep(settle) // let a refresh that was in flight land
		ms, err := p.Members(ctx, "room")
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range ms {
			if got.ID == m.ID {
				t.Fatalf("iteration %d: %s present %v after Leave returned (written back by a refresh)", i, m.ID, settle)
			}
		}
	}
}
