package cluster_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/trelljaz/trelljaz/game/cluster"
	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/sockjs"
)

// A node joins the club with the store, the journal and a broker (Redis in
// production; the in-memory broker here, a club of one), gives the lobby
// what it needs, and sets tables under a lease: the journal's writes of
// the table carry its fence.
func ExampleNode() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "cluster-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{URL: "sqlite:" + filepath.Join(dir, "club.db")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	log := slog.New(slog.DiscardHandler)
	j := journal.New(st, log, nil)
	n, err := cluster.New(cluster.Config{ID: "a", Broker: sockjs.NewMemoryBroker(), Store: st, Journal: j, Logger: log})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := lobby.Config{Logger: log}
	if err := n.LobbyConfig(ctx, &cfg); err != nil {
		fmt.Println(err)
		return
	}
	if err := n.Start(ctx, lobby.New(cfg)); err != nil {
		fmt.Println(err)
		return
	}
	defer n.Stop()
	h, err := n.Set(protocol.Player{ID: "1", Name: "Anna"}, netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("fence", n.Fence(h.ID()).Token)
	leases, _ := st.Leases(ctx)
	fmt.Println("held by", leases[0].Owner)
	// Output:
	// fence 1
	// held by a
}
