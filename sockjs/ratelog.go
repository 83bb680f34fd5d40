package sockjs

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// refusalLogEvery is how often at most a refused request is logged; the
// ones in between are counted and reported with the next line.
const refusalLogEvery = time.Second

// rateLog logs at most one line per interval (refusalLogEvery when zero),
// so that a flood of bad requests cannot flood the log. The zero value is
// ready.
type rateLog struct {
	every      time.Duration
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// log writes msg with attrs at Warn level unless a line went out less than
// refusalLogEvery ago, in which case it only counts it.
func (l *rateLog) log(logger *slog.Logger, msg string, attrs ...slog.Attr) {
	now := time.Now()
	every := l.every
	if every == 0 {
		every = refusalLogEvery
	}
	l.mu.Lock()
	if !l.last.IsZero() && now.Sub(l.last) < every {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	l.last = now
	suppressed := l.suppressed
	l.suppressed = 0
	l.mu.Unlock()
	if suppressed > 0 {
		attrs = append(attrs, slog.Int("refusals_not_logged_since_last", suppressed))
	}
	logger.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
}
