package cluster

import (
	"context"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/store"
)

// leaseLoop, every Renew: says the process is alive, renews its leases
// (a table whose lease was lost stops here), forgets peers silent for a
// lease time, and takes the tables nobody runs.
func (n *Node) leaseLoop(ctx context.Context) {
	tick := time.NewTicker(n.cfg.Renew)
	defer tick.Stop()
	n.takeOver(ctx) // the tables of a club that stopped, or of dead peers
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			guests := n.lobby.Guests()
			n.publishOrdered(note{Kind: noteBeat, Guests: &guests})
			n.renew(ctx)
			n.reapPeers()
			n.conns.sweep()
			n.takeOver(ctx)
		case <-n.claim:
			n.takeOver(ctx)
		}
	}
}

// renew extends this process's leases; the tables whose lease is not
// among those renewed (taken over by another process while this one could
// not renew) stop here at once: their moves would be refused anyway.
func (n *Node) renew(ctx context.Context) {
	n.mu.Lock()
	start := n.seq
	n.mu.Unlock()
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	held, err := n.cfg.Store.RenewLeases(sctx, n.id, n.cfg.LeaseTTL)
	cancel()
	if err != nil {
		n.log.Warn("cluster: cannot renew the leases", "err", err)
		return
	}
	still := map[store.Fence]bool{}
	for _, f := range held {
		still[f] = true
	}
	n.mu.Lock()
	var lost []string
	for id, f := range n.fences {
		if f.seq <= start && !still[f.Fence] {
			lost = append(lost, id)
			delete(n.fences, id)
			// Owner unknown until the next one reports, this process
			// included (it may take the table back): then the
			// connections on it watch it again.
			if n.owners[id] == n.id {
				n.owners[id] = ""
			}
		}
	}
	n.mu.Unlock()
	for _, id := range lost {
		n.log.Warn("cluster: a table's lease was lost: the table stops here", "table", id)
		n.lobby.Disown(id)
		n.cfg.Journal.Forget(id)
	}
}

// reapPeers forgets the processes not heard from for a lease time.
func (n *Node) reapPeers() {
	n.mu.Lock()
	var dead []string
	for p, at := range n.peers {
		if time.Since(at) > n.cfg.LeaseTTL {
			dead = append(dead, p)
		}
	}
	n.mu.Unlock()
	for _, p := range dead {
		n.peerGone(p)
	}
}

// takeOver takes the leases nobody holds and rebuilds their tables from
// the store (table.Restore through lobby.Restore): the pulka goes on from
// its last acknowledged move, clocks with the time that was left. A table
// with no pulka in progress (set or waiting when its process died) is gone:
// its lease is dropped and every lobby removes it.
func (n *Node) takeOver(ctx context.Context) {
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	ids, err := n.cfg.Store.Claimable(sctx)
	cancel()
	if err != nil {
		n.log.Warn("cluster: cannot look for tables to take over", "err", err)
		return
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		n.takeTable(ctx, id)
	}
}

func (n *Node) takeTable(ctx context.Context, id string) {
	if _, ok := n.lobby.Table(id); ok {
		return // runs here already
	}
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	f, ok, err := n.cfg.Store.AcquireLease(sctx, id, n.id, n.cfg.LeaseTTL)
	if err != nil || !ok {
		if err != nil {
			n.log.Warn("cluster: cannot take a lease", "table", id, "err", err)
		}
		return // another process was first
	}
	n.hold(f)
	restored, err := n.cfg.Journal.RestoreTable(sctx, n.lobby, n.cfg.Metrics, id)
	if err != nil {
		n.log.Error("cluster: a table taken over cannot be restored now: released", "table", id, "err", err)
		n.release(f)
		return
	}
	if restored.Tables == 0 {
		// No pulka in progress (being set or waiting when its process
		// died), or one that cannot be restored (abandoned in the store).
		n.mu.Lock()
		delete(n.fences, id)
		n.mu.Unlock()
		n.dropLease(f)
		n.remoteTable(n.owner(id), protocol.Summary{ID: id, State: protocol.StateFree}, "")
		n.publishOrdered(note{Kind: noteTable, Table: &protocol.Summary{ID: id, State: protocol.StateFree}})
		n.log.Info("cluster: a table without a pulka in progress is gone", "table", id, "abandoned", len(restored.Abandoned))
		return
	}
	n.metrics.moves.Inc()
	n.log.Info("cluster: table taken over", "table", id, "fence", f.Token)
}

// hold records a lease this process took.
func (n *Node) hold(f store.Fence) {
	n.mu.Lock()
	n.seq++
	n.fences[f.Table] = fence{Fence: f, seq: n.seq}
	n.mu.Unlock()
}

// release gives a lease back so that another process may take it.
func (n *Node) release(f store.Fence) {
	n.mu.Lock()
	if n.fences[f.Table].Fence == f {
		delete(n.fences, f.Table)
	}
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := n.cfg.Store.ReleaseLease(ctx, f); err != nil {
		n.log.Warn("cluster: release a lease", "table", f.Table, "err", err)
	}
}

// dropLease deletes the lease of a table that is gone.
func (n *Node) dropLease(f store.Fence) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := n.cfg.Store.DropLease(ctx, f); err != nil {
		n.log.Warn("cluster: drop a lease", "table", f.Table, "err", err)
	}
}
