package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// stats are the run's counters. The latency histogram is HdrHistogram
// (1 µs to 1 min, 3 significant digits): exact enough at p99 and max, with
// constant memory whatever the run's length.
type stats struct {
	sessions   atomic.Int64 // SockJS sessions open now
	playing    atomic.Int64 // tables in the playing state now
	pulkas     atomic.Int64 // pulkas finished
	actions    atomic.Int64 // moves handed to the transport (player.act)
	reconnects atomic.Int64 // sessions re-dialled after a loss
	received   atomic.Int64 // bytes of the messages the players got (measured window)
	lobbyBytes atomic.Int64 // of which lobby messages ("lobby", "lobby_delta", "lobby_left")

	mu   sync.Mutex
	hist *hdrhistogram.Histogram
	// period holds the latencies since the last snapshot: a report's own
	// p99 and max, where hist's are of the whole window.
	period *hdrhistogram.Histogram
	// sock holds the latencies to the players' sockets (stamp.sock), of
	// the frames that have a socket time.
	sock    *hdrhistogram.Histogram
	errs    map[errKind]int64
	samples map[errKind]string // the first message of each kind
	// whyReconnect is the first reconnect's cause.
	whyReconnect string
	// since is when the measured window began (the run's start, or the
	// end of the warm-up); cpuSince the server's CPU seconds then, -1 when
	// unknown.
	since    time.Time
	cpuSince float64
	// selfSince is the generator's own CPU seconds when the window began,
	// -1 when unknown.
	selfSince float64

	// storming: a storm round or the churn is on (storm.go); latencies go
	// to stormHist as well.
	storming  atomic.Bool
	stormHist *hdrhistogram.Histogram
}

func newStats() *stats {
	return &stats{
		hist:      hdrhistogram.New(1, int64(time.Minute/time.Microsecond), 3),
		period:    hdrhistogram.New(1, int64(time.Minute/time.Microsecond), 3),
		sock:      hdrhistogram.New(1, int64(time.Minute/time.Microsecond), 3),
		errs:      map[errKind]int64{},
		samples:   map[errKind]string{},
		since:     time.Now(),
		cpuSince:  -1,
		selfSince: -1,

		stormHist: hdrhistogram.New(1, int64(time.Minute/time.Microsecond), 3),
	}
}

// measureFrom starts the measured window at now: the latencies and actions
// so far are dropped (the errors are kept), and the server's CPU is
// counted from proc's sample.
func (s *stats) measureFrom(now time.Time, proc *procSample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.selfSince = -1
	if self, err := readProc(os.Getpid()); err == nil {
		s.selfSince = self.CPUSecs
	}
	s.stormHist.Reset()
	s.hist.Reset()
	s.sock.Reset()
	s.actions.Store(0)
	s.received.Store(0)
	s.lobbyBytes.Store(0)
	s.since, s.cpuSince = now, -1
	if proc != nil {
		s.cpuSince = proc.CPUSecs
	}
}

// latency records one action→event latency: d to the player, and sock to
// its socket when the frame has a socket time (ok).
func (s *stats) latency(d, sock time.Duration, ok bool) {
	s.mu.Lock()
	record(s.hist, d)
	if ok {
		record(s.sock, sock)
	}
	record(s.period, d)
	if s.storming.Load() {
		record(s.stormHist, d)
	}
	s.mu.Unlock()
}

// record adds d to h; a value over the histogram's range is recorded as
// its maximum.
func record(h *hdrhistogram.Histogram, d time.Duration) {
	if err := h.RecordValue(max(int64(d/time.Microsecond), 1)); err != nil {
		_ = h.RecordValue(h.HighestTrackableValue())
	}
}

// stormFigures fills st's latencies from those received while a storm
// round or the churn was on.
func (s *stats) stormFigures(st *stormSummary) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.Actions = s.stormHist.TotalCount()
	st.P50ms = float64(s.stormHist.ValueAtQuantile(50)) / 1000
	st.P90ms = float64(s.stormHist.ValueAtQuantile(90)) / 1000
	st.P99ms = float64(s.stormHist.ValueAtQuantile(99)) / 1000
	st.Maxms = float64(s.stormHist.Max()) / 1000
}

// reconnect counts a session lost (why) and dialled again.
func (s *stats) reconnect(why error) {
	s.reconnects.Add(1)
	s.mu.Lock()
	if s.whyReconnect == "" {
		s.whyReconnect = why.Error()
	}
	s.mu.Unlock()
}

// fail counts an error a player would see.
func (s *stats) fail(k errKind, msg string) {
	s.mu.Lock()
	s.errs[k]++
	if _, ok := s.samples[k]; !ok {
		s.samples[k] = msg
	}
	s.mu.Unlock()
}

// summary is the run's figures; its JSON is the generator's last line.
type summary struct {
	Tables      int     `json:"tables"`
	Sessions    int64   `json:"sessions"`
	Playing     int64   `json:"tables_playing"`
	Pulkas      int64   `json:"pulkas_finished"`
	Actions     int64   `json:"actions"`
	ActionsPerS float64 `json:"actions_per_s"`
	P50ms       float64 `json:"p50_ms"`
	P90ms       float64 `json:"p90_ms"`
	P99ms       float64 `json:"p99_ms"`
	Maxms       float64 `json:"max_ms"`
	// SocketP50ms, SocketP99ms and SocketMaxms are the same latencies to
	// the players' sockets: until the kernel had the event's frame, before
	// the player's goroutine waited in the generator's run queue to read
	// it (websocket only; 0 without such frames). See stamp.go.
	SocketP50ms  float64           `json:"socket_p50_ms"`
	SocketP99ms  float64           `json:"socket_p99_ms"`
	SocketMaxms  float64           `json:"socket_max_ms"`
	Errors       int64             `json:"errors"`
	ErrorsByKind map[errKind]int64 `json:"errors_by_kind"`
	Reconnects   int64             `json:"reconnects"`
	ServerRSSMB  float64           `json:"server_rss_mb"`
	ServerCPUs   float64           `json:"server_cpu_s"`
	// ServerCPUPct is the server's CPU over the measured window, in
	// percent of one core.
	ServerCPUPct float64 `json:"server_cpu_pct"`
	// ServerCPUmsPerAction is the server's CPU over the measured window
	// per action sent (every action's fan-out included).
	ServerCPUmsPerAction float64 `json:"server_cpu_ms_per_action"`
	// LoadCPUPct and LoadCPUmsPerAction are the generator's own CPU over
	// the measured window (this process, its 9,000 clients and bots when
	// it plays 3,000 tables): it shares the machine with the server.
	LoadCPUPct         float64 `json:"load_cpu_pct"`
	LoadCPUmsPerAction float64 `json:"load_cpu_ms_per_action"`
	// LoadSchedP50ms and LoadSchedP99ms are how long the generator's own
	// goroutines waited runnable for a thread over the window, and
	// LoadGCCPUPct the CPU its garbage collector took (% of one core):
	// its players' waits are in the latencies above.
	LoadSchedP50ms float64 `json:"load_sched_p50_ms"`
	LoadSchedP99ms float64 `json:"load_sched_p99_ms"`
	LoadGCCPUPct   float64 `json:"load_gc_cpu_pct"`
	// ReceivedMB is what the players got in the measured window (the
	// messages, unframed); LobbyMB the part that was lobby messages.
	ReceivedMB float64 `json:"received_mb"`
	LobbyMB    float64 `json:"lobby_mb"`
	ElapsedS   float64 `json:"elapsed_s"`
	// MeasuredS is the measured window: the run after its warm-up. Actions,
	// rates and latencies are of this window.
	MeasuredS float64 `json:"measured_s"`
	// PeriodP99ms and PeriodMaxms are of the latencies since the report
	// before (the periodic lines'; a spike the window's p99 hides).
	PeriodP99ms float64 `json:"-"`
	PeriodMaxms float64 `json:"-"`
	// Kdamond is whether DAMON monitored the machine's memory as the run
	// began (damon.go): "on", "off", or "" where the kernel shows none.
	Kdamond string `json:"kdamond,omitempty"`
	// LoadGOGC is the generator's own GC percent in the run (gogc.go; -1
	// for off).
	LoadGOGC int `json:"load_gogc"`
	// Storm is the storm's or the churn's part, nil without one.
	Storm *stormSummary `json:"storm,omitempty"`
	// Server is what the club's own histograms say of the window (its
	// /metrics), nil when they cannot be read.
	Server *serverSummary `json:"server,omitempty"`
}

// snapshot reads the counters at now; elapsed is the time since the run
// began and proc, when sampled, the server process.
func (s *stats) snapshot(tables int, now time.Time, elapsed time.Duration, proc *procSample) summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := summary{
		Tables: tables, Sessions: s.sessions.Load(), Playing: s.playing.Load(),
		Pulkas: s.pulkas.Load(), Actions: s.actions.Load(), Reconnects: s.reconnects.Load(),
		ErrorsByKind: maps.Clone(s.errs), ElapsedS: elapsed.Seconds(), MeasuredS: now.Sub(s.since).Seconds(),
		P50ms:      float64(s.hist.ValueAtQuantile(50)) / 1000,
		P99ms:      float64(s.hist.ValueAtQuantile(99)) / 1000,
		Maxms:      float64(s.hist.Max()) / 1000,
		ReceivedMB: float64(s.received.Load()) / (1 << 20), LobbyMB: float64(s.lobbyBytes.Load()) / (1 << 20),
	}
	for _, n := range s.errs {
		sum.Errors += n
	}
	sum.P90ms = float64(s.hist.ValueAtQuantile(90)) / 1000
	if s.sock.TotalCount() > 0 {
		sum.SocketP50ms = float64(s.sock.ValueAtQuantile(50)) / 1000
		sum.SocketP99ms = float64(s.sock.ValueAtQuantile(99)) / 1000
		sum.SocketMaxms = float64(s.sock.Max()) / 1000
	}
	sum.PeriodP99ms = float64(s.period.ValueAtQuantile(99)) / 1000
	sum.PeriodMaxms = float64(s.period.Max()) / 1000
	s.period.Reset()
	if sum.MeasuredS > 0 {
		sum.ActionsPerS = float64(sum.Actions) / sum.MeasuredS
	}
	if proc != nil {
		sum.ServerRSSMB = float64(proc.RSSBytes) / (1 << 20)
		sum.ServerCPUs = proc.CPUSecs
		if s.cpuSince >= 0 && sum.MeasuredS > 0 {
			sum.ServerCPUPct = 100 * (proc.CPUSecs - s.cpuSince) / sum.MeasuredS
			if sum.Actions > 0 {
				sum.ServerCPUmsPerAction = 1000 * (proc.CPUSecs - s.cpuSince) / float64(sum.Actions)
			}
		}
	}
	if self, err := readProc(os.Getpid()); err == nil && s.selfSince >= 0 && sum.MeasuredS > 0 {
		sum.LoadCPUPct = 100 * (self.CPUSecs - s.selfSince) / sum.MeasuredS
		if sum.Actions > 0 {
			sum.LoadCPUmsPerAction = 1000 * (self.CPUSecs - s.selfSince) / float64(sum.Actions)
		}
	}
	return sum
}

// line is the periodic human-readable report.
func (sum summary) line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%6.1fs sessions=%d playing=%d pulkas=%d actions=%d (%.1f/s) p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms (this period: p99=%.1fms max=%.1fms) errors=%d reconnects=%d",
		sum.ElapsedS, sum.Sessions, sum.Playing, sum.Pulkas, sum.Actions, sum.ActionsPerS,
		sum.P50ms, sum.P90ms, sum.P99ms, sum.Maxms, sum.PeriodP99ms, sum.PeriodMaxms, sum.Errors, sum.Reconnects)
	for _, k := range slices.Sorted(maps.Keys(sum.ErrorsByKind)) {
		fmt.Fprintf(&b, " %s=%d", k, sum.ErrorsByKind[k])
	}
	if sum.SocketP99ms > 0 {
		fmt.Fprintf(&b, " [to the sockets: p50=%.1fms p99=%.1fms max=%.1fms]", sum.SocketP50ms, sum.SocketP99ms, sum.SocketMaxms)
	}
	if st := sum.Storm; st != nil {
		fmt.Fprintf(&b, " | storm rounds=%d watched=%d capped=%d churn_cycles=%d: %d actions p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms",
			st.Rounds, st.Watched, st.Capped, st.ChurnCycles, st.Actions, st.P50ms, st.P90ms, st.P99ms, st.Maxms)
	}
	if sum.ServerRSSMB > 0 {
		fmt.Fprintf(&b, " server_rss=%.1fMB server_cpu=%.1fs (%.0f%%)", sum.ServerRSSMB, sum.ServerCPUs, sum.ServerCPUPct)
	}
	fmt.Fprintf(&b, " load_cpu=%.0f%% (run queue p50=%.2fms p99=%.1fms; gc=%.0f%%)", sum.LoadCPUPct, sum.LoadSchedP50ms, sum.LoadSchedP99ms, sum.LoadGCCPUPct)
	if sv := sum.Server; sv != nil {
		fmt.Fprintf(&b, " | at the tables: move p50=%.1fms p99=%.1fms; commits=%d (%.1f writes) p50=%.1fms p99=%.1fms mean=%.1fms busy=%.0f%%; append p50=%.1fms p99=%.1fms (%.1f%% over %dms); log sync p50=%.1fms p99=%.1fms (%d over %dms); run queue p50=%.2fms p99=%.1fms; gc=%.0f%%; goroutines made a move=%.1f",
			sv.MoveP50ms, sv.MoveP99ms, sv.Commits, sv.WritesPerCommit, sv.CommitP50ms, sv.CommitP99ms, sv.CommitMeanms, sv.CommitBusyPct, sv.AppendP50ms, sv.AppendP99ms, sv.SlowAppendPct, slowMs,
			sv.SyncP50ms, sv.SyncP99ms, sv.SlowSyncs, slowMs, sv.SchedP50ms, sv.SchedP99ms, sv.GCCPUPct, sv.GoroutinesPerMove)
	}
	return b.String()
}

// writeErrors lists the first message of each error kind.
func (s *stats) writeErrors(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range slices.Sorted(maps.Keys(s.samples)) {
		fmt.Fprintf(w, "first %s: %s\n", k, s.samples[k])
	}
	if s.whyReconnect != "" {
		fmt.Fprintf(w, "first reconnect: %s\n", s.whyReconnect)
	}
}

// writeJSON writes the summary as one line of JSON.
func (sum summary) writeJSON(w io.Writer) error {
	b, err := json.Marshal(sum)
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
