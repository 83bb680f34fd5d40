// Package metrics holds the club's Prometheus metrics: sessions by
// transport, tables by state, pulkas started and finished, moves, illegal
// moves, timeouts, fines, send-queue drops, finished pulkas the journal
// refused, and three latencies: a player's move at its table (arrival to
// events queued), the store's group commits (time and moves per commit)
// and a move's wait for its commit, and SQLite's log syncs; and from the
// Go runtime, the scheduler's latencies and the garbage collector's CPU
// (runtime.go). It uses
// prometheus/client_golang, the standard Go client, rather than a
// hand-written exposition format.
//
// Every method is safe on a nil *Metrics (it does nothing), so the table,
// the lobby and the site take an optional one.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the club's metrics. Build one with New.
type Metrics struct {
	sessions      *prometheus.GaugeVec
	tables        *prometheus.GaugeVec
	pulkaStarted  prometheus.Counter
	pulkaFinished *prometheus.CounterVec
	moves         *prometheus.CounterVec
	illegal       prometheus.Counter
	timeouts      *prometheus.CounterVec
	fines         prometheus.Counter
	drops         prometheus.Counter
	lobbyBytes    prometheus.Counter
	storeFailures prometheus.Counter
	unstored      prometheus.Gauge
	moveTime      prometheus.Histogram
	commitTime    prometheus.Histogram
	commitMoves   prometheus.Histogram
	appendTime    prometheus.Histogram
	syncTime      prometheus.Histogram
}

// latencyBuckets returns the upper bounds of the latency histograms: 0.1 ms
// to 10 s, each about 1.5 times the last, so a quantile read from the
// buckets is within a factor 1.5 (interpolated, much closer).
func latencyBuckets() []float64 { return prometheus.ExponentialBucketsRange(0.0001, 10, 30) }

// New returns metrics registered on reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		sessions:      prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "trelljaz_sessions", Help: "Open SockJS sessions by transport."}, []string{"transport"}),
		tables:        prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "trelljaz_tables", Help: "Tables by state."}, []string{"state"}),
		pulkaStarted:  prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_pulkas_started_total", Help: "Pulkas started."}),
		pulkaFinished: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "trelljaz_pulkas_finished_total", Help: "Pulkas finished, by reason (pool, fine, internal)."}, []string{"reason"}),
		moves:         prometheus.NewCounterVec(prometheus.CounterOpts{Name: "trelljaz_moves_total", Help: "Moves applied, by who made them (player, bot, timeout)."}, []string{"by"}),
		illegal:       prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_illegal_moves_total", Help: "Moves the rules refused."}),
		timeouts:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "trelljaz_timeouts_total", Help: "Decisions that ran out of time, by timeout_action (RULES §14)."}, []string{"timeout_action"}),
		fines:         prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_fines_total", Help: "Players fined for running out of time."}),
		drops:         prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_send_queue_drops_total", Help: "Sessions closed because their send queue was full."}),
		lobbyBytes:    prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_lobby_delta_bytes_total", Help: "Bytes of lobby deltas encoded (once per delta, whatever the audience)."}),
		storeFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_pulka_store_failures_total", Help: "Attempts to store a finished pulka that the journal refused (each is retried)."}),
		unstored:      prometheus.NewGauge(prometheus.GaugeOpts{Name: "trelljaz_pulkas_unstored", Help: "Finished pulkas the journal has refused so far, still retried."}),
		moveTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "trelljaz_move_seconds", Buckets: latencyBuckets(),
			Help: "A player's move at its table: from its arrival at the table to its events queued for every connection (the table's queue, the journal's commit, the rules, the encoding)."}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "trelljaz_store_commit_seconds", Buckets: latencyBuckets(),
			Help: "One group commit of moves and deal starts, from its first statement to the commit's answer."}),
		commitMoves: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "trelljaz_store_commit_writes", Buckets: prometheus.ExponentialBuckets(1, 2, 10),
			Help: "Writes (Append and StartDeal calls) in one group commit."}),
		syncTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "trelljaz_store_sync_seconds", Buckets: latencyBuckets(),
			Help: "One sync (fsync) of SQLite's write-ahead log for the group commits made since the last (the writer commits on meanwhile)."}),
		appendTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "trelljaz_store_append_seconds", Buckets: latencyBuckets(),
			Help: "A write's wait for its group commit: from its handing to the store to its answer (the queue behind the commit in progress and its own)."}),
	}
	reg.MustRegister(m.sessions, m.tables, m.pulkaStarted, m.pulkaFinished, m.moves, m.illegal, m.timeouts, m.fines, m.drops, m.lobbyBytes,
		m.storeFailures, m.unstored, m.moveTime, m.commitTime, m.commitMoves, m.appendTime, m.syncTime, newRuntimeCollector())
	return m
}

// SessionOpened counts an open session of transport.
func (m *Metrics) SessionOpened(transport string) {
	if m != nil {
		m.sessions.WithLabelValues(transport).Inc()
	}
}

// SessionClosed uncounts an open session of transport.
func (m *Metrics) SessionClosed(transport string) {
	if m != nil {
		m.sessions.WithLabelValues(transport).Dec()
	}
}

// Tables sets the number of tables in each state.
func (m *Metrics) Tables(byState map[string]int) {
	if m == nil {
		return
	}
	for _, s := range []string{"convention", "waiting", "playing", "finished"} {
		m.tables.WithLabelValues(s).Set(float64(byState[s]))
	}
}

// PulkaStarted counts a pulka started.
func (m *Metrics) PulkaStarted() {
	if m != nil {
		m.pulkaStarted.Inc()
	}
}

// PulkaFinished counts a pulka finished for reason.
func (m *Metrics) PulkaFinished(reason string) {
	if m != nil {
		m.pulkaFinished.WithLabelValues(reason).Inc()
	}
}

// Move counts a move applied, made by "player", "bot" or "timeout".
func (m *Metrics) Move(by string) {
	if m != nil {
		m.moves.WithLabelValues(by).Inc()
	}
}

// IllegalMove counts a move the rules refused.
func (m *Metrics) IllegalMove() {
	if m != nil {
		m.illegal.Inc()
	}
}

// Timeout counts a decision that ran out of time under timeout_action
// action.
func (m *Metrics) Timeout(action string) {
	if m != nil {
		m.timeouts.WithLabelValues(action).Inc()
	}
}

// Fine counts a player fined.
func (m *Metrics) Fine() {
	if m != nil {
		m.fines.Inc()
	}
}

// SendDrop counts a session closed for a full send queue.
func (m *Metrics) SendDrop() {
	if m != nil {
		m.drops.Inc()
	}
}

// LobbyBytes counts n bytes of lobby deltas.
func (m *Metrics) LobbyBytes(n int) {
	if m != nil {
		m.lobbyBytes.Add(float64(n))
	}
}

// StoreFailed counts an attempt to store a finished pulka that failed;
// first is true for the pulka's first failure (it is now unstored).
func (m *Metrics) StoreFailed(first bool) {
	if m != nil {
		m.storeFailures.Inc()
		if first {
			m.unstored.Inc()
		}
	}
}

// StoredLate counts a pulka stored after failures: no longer unstored.
func (m *Metrics) StoredLate() {
	if m != nil {
		m.unstored.Dec()
	}
}

// MoveTime records a player's move's time at its table, from its arrival
// to its events queued.
func (m *Metrics) MoveTime(d time.Duration) {
	if m != nil {
		m.moveTime.Observe(d.Seconds())
	}
}

// Commit records one group commit of writes (moves and deal starts) that
// took d.
func (m *Metrics) Commit(d time.Duration, writes int) {
	if m != nil {
		m.commitTime.Observe(d.Seconds())
		m.commitMoves.Observe(float64(writes))
	}
}

// Appended records a write's wait d for its group commit's answer.
func (m *Metrics) Appended(d time.Duration) {
	if m != nil {
		m.appendTime.Observe(d.Seconds())
	}
}

// Synced records one sync of SQLite's write-ahead log that took d.
func (m *Metrics) Synced(d time.Duration) {
	if m != nil {
		m.syncTime.Observe(d.Seconds())
	}
}
